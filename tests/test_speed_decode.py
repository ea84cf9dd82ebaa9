"""The quick paths of LaTeX decoding and name reading give exactly what the
careful paths give: on every value and name of the corpus, and on
generated input built from the constructs each shortcut handles or must
leave alone."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bib2pubs.latex.decode import _QUICK, _decode, _Decoder, _tidy
from bib2pubs.names.author_list import _TOP_GROUP
from bib2pubs.names.parts import _WS_RUN, NameParts, _assign, _scanned_words, split_name, split_persons
from bib2pubs.names.people import _MARK_HINT, _MARKS, _WRAPPER, clean_name
from tests.conftest import CORPUS
from tests.corpus_support import parse_file

FILES = sorted(CORPUS.rglob("*.bib"))


@cache
def _values(path: Path) -> tuple[str, ...]:
    """Every field value of a corpus file, and every part of every name in it."""
    values: list[str] = []
    for entry in parse_file(path).bibliography.entries:
        for value in entry.fields.values():
            values.append(value)
            for name in split_persons(value):
                parts = split_name(name)
                values.extend((parts.first, parts.von, parts.last, parts.jr))
    return tuple(values)


def _agrees(value: str) -> None:
    """The quick decoder gives up on *value* or gives what the decoder gives."""
    quick = _QUICK.decode(value)
    if quick is not None:
        assert quick == _Decoder(value).run(), value
    assert _decode(value) == _tidy(_Decoder(value).run()), value


@pytest.mark.parametrize("path", FILES, ids=lambda path: str(path.relative_to(CORPUS)))
def test_quick_decoding_agrees_on_the_corpus(path: Path) -> None:
    for value in _values(path):
        _agrees(value)


# The constructs the quick decoder reads, and all it must leave to the
# decoder: math, "\\", macros that read the source or take two arguments,
# arguments with LaTeX in them, unknown macros (pylatexenc's and not).
_PIECES = [
    "\\TeX", "\\LaTeX", "\\ss", "\\o", "\\i", "\\j", "\\ldots", "\\quad", "\\relax", "\\emdash", "\\Dash",
    "\\booktitle", "\\foo", "\\'", '\\"', "\\^", "\\`", "\\~", "\\=", "\\.", "\\v", "\\c", "\\H", "\\t",
    "\\k", "\\d", "\\b", "\\textbf", "\\emph", "\\MakeUppercase", "\\ensuremath", "\\hat", "\\textcolor",
    "\\acro", "\\cs", "\\nth", "\\textsuperscript", "\\noopsort", "\\url", "\\path", "\\verb", "\\kern",
    "\\hskip", "\\char", "\\sqrt", "\\a", "\\href", "\\\\", "\\&", "\\%", "\\$", "\\{", "\\}", "\\ ",
    "\\-", "\\/", "\\,", "\\(", "\\)", "\\[", "\\]", "\\é", "\\", "{", "}", "{}", "$", "~", "^", "_",
    "e", "i", "x", "S", "21", "ab", "é", "\u0301", " ", "  ", "\n", "\r\n", "\t", "-", "--", "---", "'",
    "''", "`", "``", ",", ",,", "?", "!", "?`", "!`", "*", "[", "]", "(", ")", ".", "\u200b",
]  # fmt: skip
# Without what always sends a value to the decoder, so that more of the
# generated values take the quick path.
_DECODER_ONLY = {"$", "\\\\", "\\(", "\\)", "\\[", "\\]", "\\url", "\\path", "\\verb", "\\kern", "\\hskip"}
_QUICK_PIECES = [piece for piece in _PIECES if piece not in _DECODER_ONLY]
# Whole constructs as values write them, and the text around them.
_CONSTRUCTS = [
    "{\\TeX}", "\\LaTeX\\ ", "\\TeX{}", "\\'e", '\\"{o}', "\\v{s}", "\\c c", "\\'{}", "\\^{ab}", "\\ss{}",
    "\\acro{TUG}", "\\booktitle{A-B, 'c'}", "\\emph{x}", "\\MakeUppercase{abc}", "\\nth{21}", "\\cs{relax}",
    "\\textsuperscript{2}", "\\noopsort{b}", "\\&", "\\ldots{}", "\\emdash ", "\\foo ", "{\\o}", "\\i",
    "Ab", " ", "\n  ", "--", "''", "{", "}", "~", "é",
]  # fmt: skip
_VALUES = st.one_of(
    st.lists(st.sampled_from(_PIECES), max_size=14).map("".join),
    st.lists(st.sampled_from(_QUICK_PIECES), max_size=14).map("".join),
    st.lists(st.sampled_from(_CONSTRUCTS + _PIECES), max_size=10).map("".join),
)


@settings(max_examples=5000, deadline=None)
@given(_VALUES)
def test_quick_decoding_agrees_on_generated_values(value: str) -> None:
    _agrees(value)


@pytest.mark.parametrize(
    "value",
    [
        "{\\TeX} und {\\LaTeX} leicht gemacht",
        'Schr{\\"o}der and L\\"offler, \\v{S}ekerinski',
        "1883--1930, ``boxes,'' \\TeX\\ Users Group",
        "\\acro{TUG} and \\booktitle{Revival Type: Digital Typefaces}",
        "The {\\TeX}book\\emdash a \\foo\\ review",
    ],
)
def test_simple_values_take_the_quick_path(value: str) -> None:
    assert _QUICK.decode(value) == _Decoder(value).run()


@pytest.mark.parametrize(
    "value",
    ["$x$", "\\url{a~b}", "\\textcolor{red}{x}", "\\'{\\i}", "\\emph{a--b}", "\\\\ x", "\\(x\\)", "\\foo {x}"],
)
def test_the_rest_is_left_to_the_decoder(value: str) -> None:
    assert _QUICK.decode(value) is None


# -- reading names ------------------------------------------------------------


def _careful_split(name: str) -> NameParts:
    """``split_name`` without its shortcut for names with no braces or ties."""
    return _assign(_scanned_words(_WS_RUN.sub(" ", name).strip(" ")))


def _names(path: Path) -> list[str]:
    return [
        name
        for entry in parse_file(path).bibliography.entries
        for field in ("author", "editor")
        for name in split_persons(entry.fields.get(field, ""))
    ]


@pytest.mark.parametrize("path", FILES, ids=lambda path: str(path.relative_to(CORPUS)))
def test_names_split_and_clean_as_the_careful_path_does_on_the_corpus(path: Path) -> None:
    for name in _names(path):
        assert split_name(name) == _careful_split(name), name
        cleaned = clean_name(name)[0]
        assert split_name(cleaned) == _careful_split(cleaned), cleaned
        _hints_hold(name)


def _hints_hold(text: str) -> None:
    """What clean_name and _braced_problems test before their patterns: never wrong."""
    assert _MARKS.search(text) is None or _MARK_HINT.search(text) is not None, text
    assert _WRAPPER.match(text) is None or "\\" in text, text
    assert _TOP_GROUP.search(text) is None or "{" in text, text


_NAME_PIECES = [
    "Knuth", "Donald", "E.", "van", "de", "la", "Jr.", "{", "}", "{Barnes and Noble}", ",", ", ", " ", "  ",
    "\t", "\n", "~", "\\~", "\\\\", "\\", "-", "{\\'e}", "{\\ss}", "\\textbf{", "{\\bf ", "\\emph{", "$", "^",
    "*", "†", "‡", "\\dagger", "\\dag", "\\ddag", "\\ddagger", "\\ast", "\\star", "\\textsuperscript",
    "\\orcid", "\\orcidlink", "ID", "1", "12", "a", "0003", "\u00a0", "É", "ǅ",
]  # fmt: skip
_NAMES = st.lists(st.sampled_from(_NAME_PIECES), max_size=12).map("".join)


@settings(max_examples=3000, deadline=None)
@given(_NAMES)
def test_names_split_and_clean_as_the_careful_path_does_on_generated_names(name: str) -> None:
    assert split_name(name) == _careful_split(name)
    _hints_hold(name)
