"""The shortcuts of reading names give exactly what the careful paths give.

Splitting a list with ``str``-level cuts where its braces pair up, a name
whose whitespace ``clean_name`` already collapsed split without collapsing
it again, plain ASCII parts not sent to the LaTeX decoder, a list read once
per run, and the cheap tests that let most lists skip a pattern: each is
checked against the path it short-cuts, on every name and list of the
corpus and on generated ones.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bib2pubs.latex.decode import latex_to_text
from bib2pubs.model import Person
from bib2pubs.names import people
from bib2pubs.names.author_list import (
    _AL_END,
    _ET_AL,
    _ET_AL_END,
    _GLUED_AND,
    _TRAILING_AND,
    _comma_lists,
    _outside_braces,
    repair_list,
)
from bib2pubs.names.fold import expand_initials, is_shouting
from bib2pubs.names.match import Pattern, decoded, has_comma, make_pattern, match
from bib2pubs.names.parts import (
    _WS_RUN,
    NameParts,
    _assign,
    _collapse,
    _scan_persons,
    _scanned_words,
    person_names,
    split_collapsed,
    split_name,
)
from bib2pubs.names.people import clean_name, decodes_to_itself, parse_people
from bib2pubs.names.style import NAME_STYLES, initials, relax_initials
from bib2pubs.read.scanner import split_outside_braces
from tests.conftest import CORPUS
from tests.corpus_support import parse_file

FILES = sorted(CORPUS.rglob("*.bib"))
_IDS = {"ids": lambda path: str(path.relative_to(CORPUS))}


@cache
def _lists(path: Path) -> tuple[str, ...]:
    """Every author and editor list of a corpus file, as written and repaired."""
    fields: list[str] = []
    for entry in parse_file(path).bibliography.entries:
        for role in ("author", "editor"):
            field = entry.fields.get(role, "")
            if field:
                fields.extend((field, repair_list(field, role)[0]))
    return tuple(dict.fromkeys(fields))


def _names(path: Path) -> list[str]:
    return list(dict.fromkeys(name for field in _lists(path) for name in person_names(field)))


# -- splitting a list -----------------------------------------------------------


def _careful_persons(field: str) -> tuple[str, ...]:
    return _scan_persons(_WS_RUN.sub(" ", field).strip(" "))


@pytest.mark.parametrize("path", FILES, **_IDS)
def test_lists_split_as_the_scan_splits_them_on_the_corpus(path: Path) -> None:
    for field in _lists(path):
        assert person_names(field) == _careful_persons(field), field


_LIST_PIECES = [
    "Knuth", "Donald E.", " and ", " AND ", " aNd ", "and", " ", "  ", "\t", "\n", "{", "}", "{\\\"u}", "{{CERN}}",
    "{Barnes and Noble}", "{{a} and {b}}", "{{{x}}}", ",", "others", "\\and", "~and ", "\u00a0", "é", "\\",
]  # fmt: skip
_LISTS = st.lists(st.sampled_from(_LIST_PIECES), max_size=14).map("".join)


@settings(max_examples=3000, deadline=None)
@given(_LISTS)
def test_lists_split_as_the_scan_splits_them_on_generated_lists(field: str) -> None:
    assert person_names(field) == _careful_persons(field)


# -- reading a name -------------------------------------------------------------


def _careful_split(name: str) -> NameParts:
    return _assign(_scanned_words(_WS_RUN.sub(" ", name).strip(" ")))


def _careful_format(parts: NameParts, style: str, shouting: bool) -> str:
    """``format_name`` as it was written before its joins were spelled out."""
    family = " ".join(part for part in (parts.von, parts.last) if part)
    first = parts.first
    if style in ("initials", "family-first"):
        first = initials(expand_initials(first, shouting))
    if style in ("family-first", "family-first-full"):
        return ", ".join(part for part in (family, parts.jr, first) if part)
    main = " ".join(part for part in (first, family) if part)
    return f"{main}, {parts.jr}" if parts.jr else main


def _careful_person(raw: str, patterns: tuple[Pattern, ...], style: str) -> Person:
    """A name read with every part decoded, split from scratch and shown with
    its case always tested; bold makes it "self" unless a pattern names it."""
    name, marks, bold = clean_name(raw)
    raw_parts = split_name(name)
    parts = decoded(raw_parts)
    highlight = next((p.style for p in patterns if match(p, parts, has_comma(name))), None)
    shown = parts
    if style in ("initials", "family-first") and "relax" in raw_parts.first:
        shown = replace(parts, first=latex_to_text(relax_initials(raw_parts.first)))
    display = _careful_format(shown, style, is_shouting(shown))
    person = Person(parts.first, parts.von, parts.last, parts.jr, display, highlight, marks, name)
    return replace(person, highlight="self") if bold and highlight is None else person


_PATTERNS = (make_pattern("Donald E. Knuth"), make_pattern("Chao Jin", "other"), make_pattern("Müller, Hans"))


def _reads_as_carefully(raw: str) -> None:
    name = clean_name(raw)[0]
    assert _WS_RUN.sub(" ", name).strip(" ") == name, raw  # what split_collapsed relies on
    assert split_collapsed(name) == _careful_split(name), raw
    if decodes_to_itself(name):
        parts = split_collapsed(name)
        assert decoded(parts) == parts, raw
    for style in NAME_STYLES:
        for patterns in ((), _PATTERNS):
            assert people._read_person.__wrapped__(raw, patterns, style) == _careful_person(raw, patterns, style), raw


@pytest.mark.parametrize("path", FILES, **_IDS)
def test_names_read_as_the_careful_path_reads_them_on_the_corpus(path: Path) -> None:
    for raw in _names(path):
        _reads_as_carefully(raw)


_NAME_PIECES = [
    "Knuth", "Donald", "E.", "van", "de", "la", "Jr.", "JD", "LI", "{", "}", ",", ", ", " ,", " ", "  ", "\t",
    "\n", "~", "\\~", "\\", "-", "--", "''", ",,", "`", "$", "^", "*", "†", "{\\'e}", "\\'e", "{\\relax Th}omas",
    "\\textbf{", "{\\bf ", "0003", "1", "\u00a0", "\u2009", "\x1f", "\x85", "\u200b", "É", "e\u0301", "ǅ", "ß",
    "Müller", "Hans", "Chao", "Jin", "<", "\u0338",
]  # fmt: skip
_NAMES = st.lists(st.sampled_from(_NAME_PIECES), max_size=10).map("".join)


@settings(max_examples=1500, deadline=None)
@given(_NAMES)
def test_names_read_as_the_careful_path_reads_them_on_generated_names(raw: str) -> None:
    _reads_as_carefully(raw)


@settings(max_examples=1000, deadline=None)
@given(st.text(max_size=12), st.text(max_size=12))
def test_two_parts_join_as_the_generator_joins_them(a: str, b: str) -> None:
    assert (f"{a} {b}" if a and b else a or b) == " ".join(part for part in (a, b) if part)


@pytest.mark.parametrize("path", FILES, **_IDS)
def test_lists_read_once_are_read_as_the_careful_loop_reads_them_on_the_corpus(path: Path) -> None:
    for field in _lists(path):
        for patterns in ((), _PATTERNS):
            assert parse_people(field, patterns) == people._read_people(field, patterns, None, "full"), field


def test_a_list_read_from_the_cache_is_the_list_read_afresh() -> None:
    field = "Knuth, Donald E. and \\textbf{Lee, Ann} and Jin*, Chao and others"
    for style in NAME_STYLES:
        cached = parse_people(field, _PATTERNS, None, style)
        assert parse_people(field, _PATTERNS, {}, style) == cached
        assert people._read_people(field, _PATTERNS, None, style) == cached
        assert [person.highlight for person in cached[0]] == ["self", "self", "other"] and cached[1]


# -- repairing and checking a list ----------------------------------------------


def _checks_hold(field: str) -> None:
    """The cheap tests ``repair_list`` and ``list_problems`` make before a
    pattern: whenever the pattern would find something, they let it look."""
    if _ET_AL_END.search(field, max(0, len(field) - 64)):
        assert _AL_END.search(field.rstrip()[-3:]), field
    if _GLUED_AND.search(_outside_braces(field)):
        assert "\\" in field or "{" in field, field
    if _TRAILING_AND.search(" " + _outside_braces(field, "x")):
        assert field.rstrip().endswith(("and", "AND", "And")), field
    if _ET_AL.search(_outside_braces(field)):
        assert "al" in _outside_braces(field), field
    for name in person_names(field):
        if name.count(",") < 2:
            assert len([piece for piece in split_outside_braces(name, ",") if piece.strip()]) < 3, name


def _careful_comma_lists(field: str) -> tuple[str, int]:
    """``_comma_lists`` cutting every name at its commas."""
    if "," not in field:
        return field, 0
    names, count = [], 0
    for name in person_names(field):
        pieces = [piece.strip() for piece in split_outside_braces(name, ",")]
        pieces = [piece for piece in pieces if piece]
        if len(pieces) >= 3 and all(len(piece.split()) >= 2 for piece in pieces):
            names.extend(pieces)
            count += len(pieces)
        else:
            names.append(name)
    return (" and ".join(names), count) if count else (field, 0)


@pytest.mark.parametrize("path", FILES, **_IDS)
def test_list_checks_skip_only_what_finds_nothing_on_the_corpus(path: Path) -> None:
    for field in _lists(path):
        _checks_hold(field)
        assert _comma_lists(field) == _careful_comma_lists(field), field


_CHECK_PIECES = [
    *_LIST_PIECES, "et al.", "et al", "ET AL", "Et.Al.", "et~al.", ", et al.", " and et al", "al", "AL.", "And",
    "AND", " and", "and\\textbf{", "and{", ";", "x, y, z", "Lee, Jr., Ann", "A B, C D, E F", "\u2003", "\x1c",
]  # fmt: skip
_CHECKED = st.lists(st.sampled_from(_CHECK_PIECES), max_size=12).map("".join)


@settings(max_examples=3000, deadline=None)
@given(_CHECKED)
def test_list_checks_skip_only_what_finds_nothing_on_generated_lists(field: str) -> None:
    _checks_hold(field)
    assert _comma_lists(field) == _careful_comma_lists(field)
    _checks_hold(repair_list(field)[0])  # what list_problems is given


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=" \t\n\r\f\v\x1c\x85\u00a0\u2009ab", max_size=16))
def test_whitespace_collapses_as_the_substitution_collapses_it(text: str) -> None:
    assert _collapse(text) == _WS_RUN.sub(" ", text).strip(" ")
