"""Tests for bib2pubs.names.parts: fixture tables, properties and scale."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bib2pubs.names.parts import NameParts, is_others, split_name, split_persons
from tests.conftest import table_rows


class NameRow(NamedTuple):
    line: int
    text: str
    expected: NameParts
    note: str


class ListRow(NamedTuple):
    line: int
    text: str
    expected: list[str]


def _load_names() -> list[NameRow]:
    rows = []
    for number, cells in table_rows("names_bibtex.tsv", header=True):
        assert len(cells) == 7, f"names_bibtex.tsv line {number}: {len(cells)} cells"
        text, first, von, last, jr, _source, note = cells
        # The file writes raw tabs and newlines in inputs as <TAB> and <LF>.
        text = text.replace("<TAB>", "\t").replace("<LF>", "\n")
        rows.append(NameRow(number, text, NameParts(first, von, last, jr), note))
    return rows


def _load_lists() -> list[ListRow]:
    rows = []
    for number, cells in table_rows("and_splitting.tsv", header=True):
        assert len(cells) == 3, f"and_splitting.tsv line {number}: {len(cells)} cells"
        rows.append(ListRow(number, json.loads(cells[0]), json.loads(cells[1])))
    return rows


NAME_ROWS = _load_names()
LIST_ROWS = _load_lists()


# --- fixture tables -------------------------------------------------------


@pytest.mark.parametrize("row", [pytest.param(r, id=f"names_bibtex.tsv:{r.line}") for r in NAME_ROWS])
def test_split_name_fixture(row: NameRow) -> None:
    got = split_name(row.text)
    assert got == row.expected, (
        f"names_bibtex.tsv line {row.line}: input {row.text!r}\n"
        f"  got  {got}\n  want {row.expected}\n  note {row.note!r}"
    )


@pytest.mark.parametrize("row", [pytest.param(r, id=f"and_splitting.tsv:{r.line}") for r in LIST_ROWS])
def test_split_persons_fixture(row: ListRow) -> None:
    got = split_persons(row.text)
    assert got == row.expected, (
        f"and_splitting.tsv line {row.line}: input {row.text!r}\n  got  {got}\n  want {row.expected}"
    )


def test_fixture_tables_are_complete() -> None:
    assert len(NAME_ROWS) == 166  # 168 upstream rows less the 2 dropped conflicts
    assert len(LIST_ROWS) == 44
    repeated = [t for t, n in Counter(r.text for r in NAME_ROWS).items() if n > 1]
    assert repeated == [], "each input needs exactly one expected row"
    malformed = [r for r in NAME_ROWS if "malformed" in r.note]
    assert len(malformed) == 12


def test_conflict_decisions_are_recorded() -> None:
    by_text = {r.text: r for r in NAME_ROWS}
    thiele = by_text["Christina A. L.\\ Thiele"]
    assert thiele.expected.first == "Christina A. L.\\"
    assert thiele.note.startswith("CONFLICT resolved, this row kept: follows BibTeX")
    brandao = by_text["Brand\\~{a}o, F"]
    assert brandao.expected.last == "Brand\\~{a}o"
    assert "bibtexparser's output is a bug" in brandao.note


# --- decisions the tables do not cover ----------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A tie between words of one part is kept, as BibTeX's format.name$ does.
        ("D.~E. Knuth", NameParts("D.~E.", "", "Knuth", "")),
        ("Other, A.~N.", NameParts("A.~N.", "", "Other", "")),
        ("Charles~de~Gaulle", NameParts("Charles", "de", "Gaulle", "")),
        ("A ~B C", NameParts("A B", "", "C", "")),  # first separator wins
        # \~ is the tilde accent, never a tie; \\ pairs up, so \\~ is a tie.
        ("Jo\\~{a}o Brand\\~ao", NameParts("Jo\\~{a}o", "", "Brand\\~ao", "")),
        ("A\\\\~B", NameParts("A\\\\", "", "B", "")),
        # Hyphens stay inside words.
        ("Hasan Ibn al-Haytham", NameParts("Hasan Ibn", "", "al-Haytham", "")),
        ("Jean-Paul Sartre", NameParts("Jean-Paul", "", "Sartre", "")),
        # Unicode letters have a case (8-bit BibTeX would make "Émile" von).
        ("Émile Zola", NameParts("Émile", "", "Zola", "")),
        ("Jean de la Fontaine", NameParts("Jean", "de la", "Fontaine", "")),
        ("Ádám Ödön élő Ürge", NameParts("Ádám Ödön", "élő", "Ürge", "")),
        ("王 小明", NameParts("王", "", "小明", "")),
        # Special characters: table letters, then the first letter after \cs.
        ("Jan {\\ss}tuff Maier", NameParts("Jan", "{\\ss}tuff", "Maier", "")),
        ("Jan {\\O}berg Maier", NameParts("Jan {\\O}berg", "", "Maier", "")),
        ("Jan {\\relax th}e Maier", NameParts("Jan", "{\\relax th}e", "Maier", "")),
        ("Jan {\\TeX}nik Maier", NameParts("Jan {\\TeX}nik", "", "Maier", "")),
        ("Jan {de}B Maier", NameParts("Jan {de}B", "", "Maier", "")),
        # Single brace groups are all Last.
        ("{OpenAI}", NameParts("", "", "{OpenAI}", "")),
        (
            "{American Psychological Association}",
            NameParts("", "", "{American Psychological Association}", ""),
        ),
        ("{De Leeuw}, J.", NameParts("J.", "", "{De Leeuw}", "")),
        # Whitespace of any kind is collapsed, inside braces too.
        ("  {A \t\n B}\n  C ", NameParts("{A B}", "", "C", "")),
    ],
)
def test_split_name_decisions(text: str, expected: NameParts) -> None:
    assert split_name(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", NameParts("", "", "", "")),
        (" \t\n", NameParts("", "", "", "")),
        ("\\", NameParts("", "", "\\", "")),
        (",", NameParts("", "", "", "")),
        (",,,,", NameParts("", "", "", "")),
        (", Ann", NameParts("Ann", "", "", "")),
        ("A, B, C, D, E", NameParts("C D E", "", "A", "B")),
        ("{", NameParts("", "", "{}", "")),
        ("}", NameParts("", "", "{}", "")),
        ("}{", NameParts("", "", "{}{}", "")),
        ("A}B C", NameParts("{A}B", "", "C", "")),
        ("~", NameParts("", "", "", "")),
        ("\\~", NameParts("", "", "\\~", "")),
    ],
)
def test_split_name_malformed(text: str, expected: NameParts) -> None:
    assert split_name(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("others", True),
        ("  others\n", True),
        ("others,", True),  # BibTeX drops a trailing comma (with a warning)
        ("Others", False),  # the styles compare with "others" case-sensitively
        ("OTHERS", False),
        ("{others}", False),
        ("A. others", False),
        ("others, A.", False),
        ("", False),
    ],
)
def test_is_others(text: str, expected: bool) -> None:
    assert is_others(text) is expected


def test_and_others_field() -> None:
    names = split_persons("Jane Doe and John Roe and others")
    assert names == ["Jane Doe", "John Roe", "others"]
    assert [is_others(n) for n in names] == [False, False, True]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A and and B", ["A", "B"]),
        ("A AND {B and C} aNd D", ["A", "{B and C}", "D"]),
        ("A and B} and C", ["A", "B}", "C"]),  # a stray } is ignored
        ("A and {B and C", ["A", "{B and C"]),  # no split inside an open {
        ("A \\and B", ["A \\and B"]),
        ("and", ["and"]),
        ("", []),
    ],
)
def test_split_persons_edges(text: str, expected: list[str]) -> None:
    assert split_persons(text) == expected


# --- properties -----------------------------------------------------------------

# Text rich in the characters that matter, plus anything at all.
_TRICKY = st.sampled_from([*"aAnNdD ~,{}\\-.'\t\nÉéß王", " and ", " AND ", "\\~", "\\\\", "{\\"])
_TEXT = st.lists(st.one_of(_TRICKY, st.characters()), max_size=40).map("".join)
# Characters split_name may drop (separators) or add (brace repair).
_ASCII_SPACE = frozenset(" \t\n\r\f\v")  # the only whitespace BibTeX knows
_NOT_CONTENT = _ASCII_SPACE | frozenset("~,{}")


def _content(text: str) -> Counter[str]:
    return Counter(c for c in text if c not in _NOT_CONTENT)


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


@settings(deadline=None, max_examples=400)
@given(_TEXT)
def test_split_name_keeps_every_character(text: str) -> None:
    parts = split_name(text)
    values = (parts.first, parts.von, parts.last, parts.jr)
    # Apart from separators and repaired braces, no character is lost or made up.
    assert _content("".join(values)) == _content(text)
    for value in values:
        assert value == value.strip(" ")
        assert "  " not in value
        assert not re.search(r"[\t\n\r\f\v]", value)
        assert _balanced(value)
    is_others(text)


@settings(deadline=None, max_examples=400)
@given(_TEXT)
def test_split_persons_only_removes_ands(text: str) -> None:
    names = split_persons(text)
    for name in names:
        assert name
        assert name == name.strip(" ")
        assert "  " not in name
        assert not re.search(r"[\t\n\r\f\v]", name)
    removed = Counter(c for c in text if c not in _ASCII_SPACE)
    removed.subtract(c for c in "".join(names) if c not in _ASCII_SPACE)
    assert all(count >= 0 for count in removed.values())
    left = +removed
    assert set(left) <= set("aAnNdD")
    ands = left["a"] + left["A"]
    assert left["n"] + left["N"] == ands == left["d"] + left["D"]
    # A split list joined back with " and " splits the same way.
    assert split_persons(" and ".join(names)) == names


_WORD = st.text(
    st.characters(
        codec="utf-8",
        exclude_categories=("Cs", "Zs", "Zl", "Zp", "Cc"),
        exclude_characters="{}\\,~",
    ),
    min_size=1,
    max_size=6,
)
_SEPARATOR = st.sampled_from([" ", "~", "\t", " ~ ", "\n  "])


def _words(value: str) -> list[str]:
    return [w for w in re.split(r"[ ~]", value) if w]


@settings(deadline=None)
@given(st.lists(st.tuples(_WORD, _SEPARATOR), min_size=1, max_size=8))
def test_first_von_last_keeps_word_order(pieces: list[tuple[str, str]]) -> None:
    words = [w for w, _ in pieces]
    text = "".join(w + s for w, s in pieces)
    parts = split_name(text)
    assert parts.jr == ""
    assert _words(parts.first) + _words(parts.von) + _words(parts.last) == words
    assert _words(parts.last)[-1] == words[-1]  # the last word is always Last


@settings(deadline=None)
@given(
    st.lists(_WORD, min_size=1, max_size=5),
    st.lists(_WORD, max_size=3),
    st.lists(_WORD, max_size=4),
)
def test_comma_forms_keep_words(von_last: list[str], jr: list[str], first: list[str]) -> None:
    text = " ".join(von_last) + ", " + " ".join(jr) + ", " + " ".join(first)
    parts = split_name(text)
    assert _words(parts.von) + _words(parts.last) == von_last
    assert _words(parts.last)[-1] == von_last[-1]
    assert _words(parts.jr) == jr
    assert _words(parts.first) == first


# --- scale (no timing asserts: these must simply finish) ------------------------


def test_hundred_thousand_nested_braces() -> None:
    deep = "{" * 100_000 + "Barnes and Noble" + "}" * 100_000
    assert split_persons(deep + " and B. Cat") == [deep, "B. Cat"]
    assert split_name(deep) == NameParts("", "", deep, "")

    unclosed = "Ann " + "{" * 100_000 + "x and y"
    assert split_persons(unclosed) == [unclosed]
    parts = split_name(unclosed)
    assert parts.first == "Ann"
    assert parts.last == "{" * 100_000 + "x and y" + "}" * 100_000

    stray = "}" * 100_000
    assert split_persons(stray + " and Bo") == [stray, "Bo"]
    assert split_name(stray + " Bo").first == "{" * 100_000 + stray


def test_ten_thousand_authors() -> None:
    field = " and\n  ".join(f"von Last{i}, Jr, First{i} M." for i in range(10_000))
    names = split_persons(field + " and others")
    assert len(names) == 10_001
    assert is_others(names[-1])
    parts = [split_name(name) for name in names[:-1]]
    assert parts[9_999] == NameParts("First9999 M.", "von", "Last9999", "Jr")
    assert len({p.last for p in parts}) == 10_000

    flat = " AND ".join(f"A{i} B{i}" for i in range(10_000))
    assert len(split_persons(flat)) == 10_000
