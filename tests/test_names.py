"""Name styles, shortened author lists, marks and author-list repairs."""

from __future__ import annotations

import itertools
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bib2pubs.model import Person
from bib2pubs.names.author_list import list_problems, repair_list
from bib2pubs.names.fold import PARTICLES, fold
from bib2pubs.names.marks import parse_annotations, parse_mark_fields
from bib2pubs.names.match import make_pattern, matches
from bib2pubs.names.parts import NameParts
from bib2pubs.names.people import parse_people
from bib2pubs.names.style import NAME_STYLES, format_name, shorten
from tests.conftest import table_rows

STYLE_ROWS = table_rows("name_styles.tsv")


@pytest.mark.parametrize(("line", "row"), STYLE_ROWS, ids=[f"line{line}" for line, _ in STYLE_ROWS])
def test_name_styles_table(line: int, row: list[str]) -> None:
    author, *expected = row
    shown = [parse_people(author, name_style=style)[0][0].display for style in NAME_STYLES]
    assert shown == expected, f"name_styles.tsv:{line}: {author!r}"


def _people(count: int, highlighted: frozenset[int] = frozenset()) -> list[Person]:
    return [
        Person("", "", f"P{index}", "", f"P{index}", "self" if index in highlighted else None) for index in range(count)
    ]


def _names(shown: list[Person | None]) -> str:
    return ", ".join("…" if person is None else person.display for person in shown)


@pytest.mark.parametrize(
    ("count", "limit", "highlighted", "expected"),
    [
        (5, None, (), "P0, P1, P2, P3, P4"),
        (5, 5, (), "P0, P1, P2, P3, P4"),
        (6, 3, (), "P0, P1, …, P5"),
        (10, 3, (5,), "P0, P1, …, P5, …, P9"),
        (10, 3, (1, 9), "P0, P1, …, P9"),
        (4, 3, (), "P0, P1, P2, P3"),  # a gap of one name is shown, not replaced by "…"
        (6, 1, (), "P0, …"),
        (6, 1, (3,), "P0, …, P3, …"),
        (6, 2, (4,), "P0, …, P4, P5"),
    ],
)
def test_shorten(count: int, limit: int | None, highlighted: tuple[int, ...], expected: str) -> None:
    assert _names(shorten(_people(count, frozenset(highlighted)), limit)) == expected


@given(st.integers(0, 40), st.integers(1, 12), st.frozensets(st.integers(0, 39)))
def test_shorten_keeps_order_ends_and_every_highlight(count: int, limit: int, highlighted: frozenset[int]) -> None:
    people = _people(count, highlighted)
    shown = shorten(people, limit)
    kept = [person for person in shown if person is not None]
    assert kept == [person for person in people if person in kept]  # order kept, nobody invented
    assert all(person in kept for person in people if person.highlight)
    assert all(a is not None or b is not None for a, b in itertools.pairwise(shown))  # no "…, …"
    if people:
        assert shown[0] is people[0]
    if count > limit:
        frame = set(range(limit - 1)) | {count - 1} if limit > 1 else {0}
        shown_at = {people.index(person) for person in kept}
        for index in shown_at - frame:
            # Outside the frame: a highlight, or one name that "…" would not have shortened.
            assert people[index].highlight or {index - 1, index + 1} & set(range(count)) <= shown_at
        assert sum(person is None for person in shown) <= len(highlighted & set(range(count))) + 1


# Particle words ("Da", "Van") are left out: after a first given name they
# start the family name, by design (highlight.tsv has those cases).
_GIVEN = (
    st.text(alphabet=string.ascii_lowercase + "éüø", min_size=2, max_size=8)
    .filter(lambda word: fold(word) not in PARTICLES)
    .map(str.capitalize)
)
# Nor "Jr", "Ii", "Iv": a family name of a suffix's spelling is read as a suffix.
_FAMILY = (
    st.text(alphabet=string.ascii_lowercase + "éö", min_size=2, max_size=10)
    .filter(lambda word: word not in ("jr", "sr", "ii", "iii", "iv"))
    .map(str.capitalize)
)


@given(
    st.lists(_GIVEN, min_size=1, max_size=3), st.lists(_FAMILY, min_size=1, max_size=2), st.sampled_from(NAME_STYLES)
)
def test_a_name_shown_in_any_style_still_matches_its_person(
    given_names: list[str], family: list[str], style: str
) -> None:
    parts = NameParts(" ".join(given_names), "", "-".join(family), "")
    shown = format_name(parts, style)
    assert matches(make_pattern(shown), parts), f"{shown!r} does not find {parts}"
    assert matches(make_pattern(" ".join(given_names) + " " + "-".join(family)), parts)


def test_marks_from_annotations() -> None:
    assert parse_annotations("1=equal; 2=equal,corresponding ;3:family=highlight") == {
        1: ("equal",),
        2: ("equal", "corresponding"),
        3: ("highlight",),
    }


def test_marks_from_simple_fields_by_position_range_and_name() -> None:
    names = ["Chao Jin", "Xin Jin", "Ana Li"]
    fields = {"equal": "{1-2}", "corresponding": "{Ana Li and 7}"}
    marks, problems = parse_mark_fields(fields, len(names), lambda name: _position(names, name))
    assert marks == {1: ("equal",), 2: ("equal",), 3: ("corresponding",)}
    assert problems == ["corresponding = {7}: no such author in the list of 3"]


@pytest.mark.parametrize(
    ("written", "marked", "problem"),
    [
        ("2-99999999999999999999", {2: ("equal",), 3: ("equal",)}, None),  # as wide as the digits allow: at once
        ("1-" + "9" * 5000, {1: ("equal",), 2: ("equal",), 3: ("equal",)}, None),  # past int()'s 4,300 digits
        ("9" * 30, {}, "equal = {" + "9" * 30 + "}: no such author in the list of 3"),
        ("3-1", {}, "equal = {3-1}: no such author in the list of 3"),
        ("0-1", {1: ("equal",)}, None),
    ],
)
def test_a_range_of_positions_is_read_within_the_list(
    written: str, marked: dict[int, tuple[str, ...]], problem: str | None
) -> None:
    marks, problems = parse_mark_fields({"equal": written}, 3, lambda name: None)
    assert marks == marked
    assert problems == ([problem] if problem else [])


def _position(names: list[str], wanted: str) -> int | None:
    pattern = make_pattern(wanted)
    for position, name in enumerate(names, 1):
        given, family = name.split(" ")
        if matches(pattern, NameParts(given, "", family, "")):
            return position
    return None


@pytest.mark.parametrize(
    ("field", "repaired", "warned"),
    [
        ('Joel R{\\"u}egger et al.', 'Joel R{\\"u}egger and others', "et al."),
        ("Smith, J., et al", "Smith, J. and others", "et al."),
        ("A. Hojatimalkeshah and\\textbf{Marshall, H.P.}", "A. Hojatimalkeshah and \\textbf{Marshall, H.P.}", "'and'"),
        (
            "{Lievens, Hans and Brangers, Isis and \\textbf{Marshall, H.P.}}",
            "Lievens, Hans and Brangers, Isis and \\textbf{Marshall, H.P.}",
            "braces",
        ),
        (
            "{Benoit Baudry and Eric Schulte and Chris Timperley}",
            "Benoit Baudry and Eric Schulte and Chris Timperley",
            "3 names",
        ),
        ("{Barnes and Noble}", "{Barnes and Noble}", None),
        ("Changyeol Lee, Dahoon Lee, Jongseo Lee", "Changyeol Lee and Dahoon Lee and Jongseo Lee", "commas"),
        ("Bennett, Jr., Frank G. and Jin, Chao", "Bennett, Jr., Frank G. and Jin, Chao", None),
        ("Smith, John, Doe, Jane", "Smith, John, Doe, Jane", None),  # ambiguous: warned by list_problems
        (
            '{{Lievens}, Hans and {De Lannoy}, Gabri{\\"e}lle}',
            '{Lievens}, Hans and {De Lannoy}, Gabri{\\"e}lle',
            "2 names",
        ),
        (
            "{U.S. Department of Health and Human Services, National Institute of Mental Health, National Heart,"
            " Lung and Blood Institute}",
            "{U.S. Department of Health and Human Services, National Institute of Mental Health, National Heart,"
            " Lung and Blood Institute}",
            None,
        ),
        ("{Ministry of Health and Ministry of Education}", "{Ministry of Health and Ministry of Education}", None),
        ("{Department of Energy and Climate Change}", "{Department of Energy and Climate Change}", None),
        ("{Food and Drug Administration} and Jin, Chao", "{Food and Drug Administration} and Jin, Chao", None),
        ("{Foo et al.}", "{Foo et al.}", None),
        ("Jin, Chao and Ferdinand{\\'e}, Ana", "Jin, Chao and Ferdinand{\\'e}, Ana", None),
        # A comma typed after a given name (from the issue; and refmanager/test.bib:367).
        (
            "Torralba-Agell, Adri{\\`a}, and P{\\'e}rez-Sol{\\`a}, Cristina",
            "Torralba-Agell, Adri{\\`a} and P{\\'e}rez-Sol{\\`a}, Cristina",
            "'Adri{\\`a}' as a suffix like 'Jr.'",
        ),
        ("Aaron, Online, and Author, Oliver", "Aaron, Online and Author, Oliver", "stray comma after 'Aaron, Online'"),
        ("de la Oliva, Antonio Luis, and Jin, Chao", "de la Oliva, Antonio Luis and Jin, Chao", "stray comma"),
        ("Adri{\\`a} Torralba-Agell, and Jin, Chao", "Adri{\\`a} Torralba-Agell and Jin, Chao", "as a family name"),
        ("Jin, Chao and Smith, John,", "Jin, Chao and Smith, John", "stray comma after 'Smith, John'"),
        # Names joined by commas, the last by ", and": not one person with a stray comma
        # (bbt-import-fixtures/Some bibtex entries quietly discarded on import from bib file #873.bib:715, :3082).
        ("M. Halle, J. Bresnan, and G. Miller", "M. Halle, J. Bresnan, and G. Miller", None),
        (
            "Ryszard Michalski, Jaime G. Carbonell, and Tom M. Mitchell",
            "Ryszard Michalski, Jaime G. Carbonell, and Tom M. Mitchell",
            None,
        ),
    ],
)
def test_author_list_repairs(field: str, repaired: str, warned: str | None) -> None:
    result, problems = repair_list(field)
    assert result == repaired
    if warned is None:
        assert problems == []
    else:
        assert len(problems) == 1 and warned in problems[0]


def test_a_stray_comma_after_the_given_name_keeps_the_owner() -> None:
    repaired, _ = repair_list("Torralba-Agell, Adri{\\`a}, and P{\\'e}rez-Sol{\\`a}, Cristina")
    people, _ = parse_people(repaired, [make_pattern("Adrià Torralba-Agell")])
    assert [(p.display, p.highlight) for p in people] == [
        ("Adrià Torralba-Agell", "self"),
        ("Cristina Pérez-Solà", None),
    ]
    assert list_problems(repaired) == []


@pytest.mark.parametrize(
    ("field", "warned"),
    [
        # A braced last author ends no list with "and"
        # (bbt-import-fixtures/Unabbreviate on import #1436-3.bib:15723, :32757).
        ("A. Smith and {The XYZ Collaboration}", []),
        ("Dingreville, R{\\'e}mi and Qu, Jianmin and {Mohammed Cherkaoui}", []),
        ("Joyce, Hannah J. and Jackson, H E and {Others}", []),
        ("A. Smith and", ["the author list ends with 'and'"]),
        ("A. Smith and {B}. Jones and", ["the author list ends with 'and'"]),
        # "and" or a comma in braces: one name, said as read.
        (
            "{Barnes and Noble}",
            [
                "'and' inside braces in '{Barnes and Noble}': read as one name, 'Barnes and Noble';"
                " if these are several people, remove the braces"
            ],
        ),
        (
            "{Smith, Jones and Co}",
            [
                "'and' and a comma inside braces in '{Smith, Jones and Co}': read as one name,"
                " 'Smith, Jones and Co'; if these are several people, remove the braces"
            ],
        ),
        (
            "Jin, Chao and {Smith, J.}",
            [
                "a comma inside braces in '{Smith, J.}': read as one name, 'Smith, J.';"
                " if these are several people, remove the braces"
            ],
        ),
        # Braces around a bolded name, a command's text or a letter are no such group.
        ("A. Hojatimalkeshah and \\textbf{Marshall, H.P.}", []),
        ("{\\bf Jin, C.} and Ana Li", []),
        ('{Lievens}, Hans and {De Lannoy}, Gabri{\\"e}lle', []),
        # Unchanged: names joined by commas still get the advice to use "and".
        (
            "M. Halle, J. Bresnan, and G. Miller",
            ["'M. Halle, J. Bresnan,' reads as 'Last, Jr., First'; separate authors with 'and'"],
        ),
    ],
)
def test_author_list_problems(field: str, warned: list[str]) -> None:
    assert list_problems(repair_list(field)[0]) == warned


@pytest.mark.parametrize(
    ("field", "display"),
    [
        ("Chao" + " " * 100_000 + "Jin", "Chao Jin"),
        ("Jin" + "*" * 100_000 + ", Chao", "Chao Jin"),
        ("\\textbf{" * 10_000 + "Jin, Chao" + "}" * 10_000, None),
        ("Chao Jin" + " et" * 30_000 + " al.", None),
    ],
    ids=["100k-blanks", "100k-stars", "10k-nested-bold", "30k-et"],
)
def test_pathological_names_are_read_in_one_pass(field: str, display: str | None) -> None:
    # Each of these took minutes when a pattern backtracked over the run;
    # the test guards that they end and still give a sensible result.
    repaired, _ = repair_list(field)
    people, _ = parse_people(repaired, [make_pattern("Chao Jin")])
    assert people
    if display is not None:
        assert [(p.display, p.highlight) for p in people] == [(display, "self")]


def test_a_circumflex_is_no_superscript_mark() -> None:
    people, _ = parse_people("Deveaud, Beno{\\^i}t and G{\\^o}t, A. and Smith$^a$, Jo")
    assert [person.display for person in people] == ["Benoît Deveaud", "A. Gôt", "Jo Smith"]
    assert [person.written for person in people] == ["Deveaud, Beno{\\^i}t", "G{\\^o}t, A.", "Smith, Jo"]


@pytest.mark.parametrize(
    ("field", "written"),
    [
        # A style wrapping part of the name is no wrapper of the whole: the
        # greedy reading gave "Jin}, {Chao", braces that pair with none.
        ("\\textbf{Jin}, {Chao}", "\\textbf{Jin}, {Chao}"),
        ("{\\bf Jin} and {Chao}", "Jin"),  # a whole name wrapped: taken out
        # A superscript's brace is taken only with its partner.
        ("{x$^*}$, Ana", "{x$ }$, Ana"),
        ("Zhu$^{*}$, Ruidong", "Zhu, Ruidong"),
        ("\\textbf{Jin, Chao}$^{\\dagger}$", "Jin, Chao"),
    ],
)
def test_taking_marks_and_wrappers_out_leaves_braces_paired(field: str, written: str) -> None:
    people, _ = parse_people(field)
    shown = people[0].written
    assert shown == written
    depth = 0
    for char in shown:
        depth += {"{": 1, "}": -1}.get(char, 0)
        assert depth >= 0
    assert depth == 0


@pytest.mark.parametrize(
    ("field", "written"),
    [
        ("Li^1, Ana", "Li, Ana"),  # the comma after a bare mark was taken as part of it
        ("Li^1,2, Ana", "Li, Ana"),
        ("Li^a, Ana", "Li, Ana"),
        ("Li^{1, 2}, Ana", "Li, Ana"),
    ],
)
def test_a_bare_superscript_ends_at_its_last_mark(field: str, written: str) -> None:
    people, _ = parse_people(field)
    assert [(person.written, person.display) for person in people] == [(written, "Ana Li")]
