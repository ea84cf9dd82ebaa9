"""Highlighting: the fixture table in tests/fixtures/highlight.tsv, one case
per line, plus the refs.bib cases."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bib2pubs.names.match import decoded, has_comma, make_pattern, match
from bib2pubs.names.parts import split_name
from bib2pubs.names.people import parse_people
from tests.conftest import table_rows


@dataclass(frozen=True)
class Case:
    line: int
    pattern: str
    author: str
    highlighted: bool
    display: str
    certainty: str
    why: str


def _cases() -> list[Case]:
    cases = []
    for number, (pattern, author, highlighted, display, certainty, why) in table_rows("highlight.tsv"):
        assert highlighted in ("yes", "no"), f"highlight.tsv:{number}: third column must be yes or no"
        assert (certainty == "-") == (highlighted == "no"), f"highlight.tsv:{number}: '-' is for names not matched"
        cases.append(Case(number, pattern, author, highlighted == "yes", display, certainty, why))
    return cases


@pytest.mark.parametrize("case", _cases(), ids=lambda case: f"line{case.line}")
def test_highlight_table(case: Case) -> None:
    (person,), _ = parse_people(case.author, [make_pattern(case.pattern)])
    where = f"highlight.tsv:{case.line}: {case.pattern!r} vs {case.author!r} ({case.why})"
    assert (person.highlight == "self") == case.highlighted, where
    assert person.display == case.display, where
    result = match(make_pattern(case.pattern), decoded(split_name(person.written)), has_comma(person.written))
    assert ("-" if result is None else result.doubt or "certain") == case.certainty, where


def test_stars_become_marks_and_leave_the_name() -> None:
    people, _ = parse_people("Zhu*, Ruidong and Jiang, Ziheng* and Jin, Chao")
    assert [(p.display, p.marks) for p in people] == [
        ("Ruidong Zhu", ("equal",)),
        ("Ziheng Jiang", ("equal",)),
        ("Chao Jin", ()),
    ]


def test_annotations_mark_by_position() -> None:
    people, _ = parse_people("A, B and C, D and E, F", annotations={1: ("equal",), 3: ("corresponding",)})
    assert [p.marks for p in people] == [("equal",), (), ("corresponding",)]


def test_and_others_is_et_al_not_a_person() -> None:
    people, et_al = parse_people("Jin, Chao and others")
    assert [p.display for p in people] == ["Chao Jin"]
    assert et_al is True


def test_several_patterns_each_with_a_style() -> None:
    patterns = [make_pattern("Chao Jin"), make_pattern("Zili Zhang", style="student")]
    people, _ = parse_people("Zhang, Zili and Jin, Chao and Jin, Xin", patterns)
    assert [p.highlight for p in people] == ["student", "self", None]


def test_an_alias_finds_the_other_name() -> None:
    pattern = make_pattern("Freda Shi", aliases=["Haoyue Shi"])
    people, _ = parse_people("Shi, Haoyue and Shi, Freda and Shi, Tianze", [pattern])
    assert [p.highlight for p in people] == ["self", "self", None]


def test_a_matched_highlight_style_wins_over_hand_made_bold() -> None:
    people, _ = parse_people(r"\textbf{Li, Ana} and \textbf{Jin, Chao}", [make_pattern("Ana Li", style="student")])
    assert [p.highlight for p in people] == ["student", "self"]


@pytest.mark.parametrize(
    ("written", "typed"),
    [
        ("\u00d8\u0301rsted, Hans Christian", "H. C. \u01fersted"),  # Ø and its accent apart (NFD), as macOS writes
        ("\u01fersted, Hans Christian", "H. C. \u00d8\u0301rsted"),
        ("Jos\u0065\u0301 M\u0075\u0308ller", "Jos\u00e9 M\u00fcller"),
    ],
)
def test_a_name_written_decomposed_is_found_as_composed_and_back(written: str, typed: str) -> None:
    # Decoding composes the name (NFC): the quick test of names as written
    # must not pass over one the full comparison would find.
    (person, *_), _ = parse_people(f"{written} and Ana Li", (make_pattern(typed, "self"),))
    assert person.highlight == "self"
