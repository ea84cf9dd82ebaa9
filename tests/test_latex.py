"""Tests for bib2pubs.latex.decode: LaTeX field values to plain Unicode text."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import unicodedata
from typing import NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bib2pubs.latex import decode as latex
from bib2pubs.latex.decode import has_latex, latex_to_text
from tests.conftest import FIXTURES, table_rows


class Case(NamedTuple):
    """One line of a fixture file."""

    line: int
    source: str
    expected: str
    note: str


# --------------------------------------------------------------------------
# tests/fixtures/latex.tsv: our own cases


def _read_cases(name: str) -> list[Case]:
    """Read input<TAB>expected<TAB>note lines.

    A malformed line becomes a case whose expectation cannot hold, so the
    failure names the line instead of breaking collection.
    """
    cases = []
    for number, fields in table_rows(name):
        if len(fields) != 3:
            cases.append(Case(number, "\t".join(fields), "\0malformed", "needs 3 tab-separated fields"))
            continue
        cases.append(Case(number, *fields))
    return cases


CASES = _read_cases("latex.tsv")


def test_fixture_is_large_enough() -> None:
    assert len(CASES) >= 120


@pytest.mark.parametrize("case", CASES, ids=[f"latex.tsv:{c.line}" for c in CASES])
def test_fixture_case(case: Case) -> None:
    assert case.expected != "\0malformed", f"latex.tsv line {case.line}: {case.note}"
    got = latex_to_text(case.source)
    assert got == case.expected, (
        f"latex.tsv line {case.line} ({case.note}): {case.source!r} gave {got!r}, expected {case.expected!r}"
    )


# --------------------------------------------------------------------------
# tests/fixtures/latex_to_unicode.tsv: the corpus cases (latexcodec and
# bibtexparser tests), see PROVENANCE.md

# Rows whose expectation is not what we want, keyed by input, with our own
# expected output and the reason.  Every other row must match exactly (after
# removing latexcodec's grouping braces and collapsing whitespace).
CORPUS_DEVIATIONS: dict[str, tuple[str, str]] = {
    # line 13
    "\\c öké": (
        "ö̧ké",
        "latexcodec leaves \\c before a non-ASCII letter alone; we put the cedilla on it, as TeX with inputenc does",
    ),
    # line 29
    "\\textogonekcentered{\\=O}\\textogonekcentered{\\=o}": (
        "Ǭǭ",
        "latexcodec does not know \\textogonekcentered; we treat it as an ogonek",
    ),
    # line 32
    "This is a $$\\psi$$ test.": (
        "This is a ψ test.",
        "latexcodec keeps display math; we decode $$...$$ like $...$",
    ),
    # line 33
    "This is a \\~{}, \\texttildelow, $\\sim$ and \\textasciitilde test.": (
        "This is a ~, ˷, ∼ and ~test.",
        "\\~{} is an ASCII tilde for us (it is how BibTeX files write ~ in URLs), latexcodec gives the small tilde ˜",
    ),
    # line 42
    "\\\\%": (
        "%",
        "latexcodec keeps \\\\ and treats % as a comment; \\\\ is a line break "
        "(a space) for us, and a bare % is text, because we never drop text and "
        "the BibTeX parser has already dealt with comments",
    ),
    # line 43
    "\\% abc\n\\\\% def\n\\\\\\% ghi": (
        "% abc % def % ghi",
        "same as the line above: % is not a comment inside a field value",
    ),
    # line 51
    "Einstein $ e=m_c^2 $": (
        "Einstein e=m_c²",
        "bibtexparser's default keeps math verbatim; we decode it (no subscript c exists, so _c stays)",
    ),
}


class CorpusRow(NamedTuple):
    """One row of latex_to_unicode.tsv, JSON columns decoded."""

    line: int
    source: str
    expected: str
    note: str


def _read_corpus() -> list[CorpusRow]:
    header = (FIXTURES / "latex_to_unicode.tsv").read_text(encoding="utf-8").split("\n", 1)[0]
    assert header.split("\t")[:2] == ["latex_json", "unicode_json"]
    return [
        CorpusRow(number, json.loads(fields[0]), json.loads(fields[1]), fields[4])
        for number, fields in table_rows("latex_to_unicode.tsv", header=True)
    ]


CORPUS = _read_corpus()


def _without_grouping_braces(text: str) -> str:
    """latexcodec's output minus the braces it keeps, whitespace collapsed."""
    return " ".join(re.sub(r"(?<!\\)[{}]", "", text).split())


def test_corpus_deviations_are_current() -> None:
    sources = {row.source for row in CORPUS}
    assert set(CORPUS_DEVIATIONS) <= sources


@pytest.mark.parametrize("row", CORPUS, ids=[f"latex_to_unicode.tsv:{r.line}" for r in CORPUS])
def test_corpus_row(row: CorpusRow) -> None:
    got = latex_to_text(row.source)
    where = f"latex_to_unicode.tsv line {row.line}: {row.source!r} gave {got!r}"
    if "EXPECTS ERROR" in row.note:
        assert isinstance(got, str), where  # we never raise
    elif row.source in CORPUS_DEVIATIONS:
        ours, reason = CORPUS_DEVIATIONS[row.source]
        assert got == ours, f"{where}, expected {ours!r} ({reason})"
    else:
        expected = _without_grouping_braces(row.expected)
        assert got == expected, f"{where}, expected {expected!r}"


# --------------------------------------------------------------------------
# Whitespace (newlines do not fit in the TSV)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("a\n\nb", "a b"),
        ("  a \t b\n", "a b"),
        ("\\ae\nlstr", "ælstr"),  # one newline after a control word is swallowed
        ("\\ae\n\nlstr", "æ lstr"),  # a blank line is a paragraph break
        ("a\\\nb", "a b"),  # backslash-newline is a control space
        ("Some {\\em long}\n   title", "Some long title"),
        ("\\'\ne", "é"),  # the argument may be on the next line
        ("a\u00a0b", "a b"),  # a no-break space is a space
    ],
)
def test_whitespace(source: str, expected: str) -> None:
    assert latex_to_text(source) == expected


# --------------------------------------------------------------------------
# has_latex and the fast path


@pytest.mark.parametrize(
    "value",
    ["\\'e", "{NSDI}", "a}", "$x$", "a~b", "1--2", "``q", "q''", "`q", ",,q"],
)
def test_has_latex_true(value: str) -> None:
    assert has_latex(value)


@pytest.mark.parametrize(
    "value",
    ["", "Plain title", "O'Brien", "a-b", "x^2_i", "50% off", "Ünïcödé", "a, b"],
)
def test_has_latex_false(value: str) -> None:
    assert not has_latex(value)


def test_fast_path_collapses_whitespace_and_normalises() -> None:
    assert latex_to_text("  Deep   learning\n for  all ") == "Deep learning for all"
    assert latex_to_text("Mu\u0308ller") == "Müller"  # decomposed input comes out NFC


# --------------------------------------------------------------------------
# Caching


def test_short_values_are_cached() -> None:
    value = "Cached {T}itle \\'e"
    latex_to_text(value)
    before = latex._cached_decode.cache_info().hits
    assert latex_to_text(value) == "Cached Title é"
    assert latex._cached_decode.cache_info().hits == before + 1


def test_long_values_bypass_the_cache() -> None:
    value = "{x}" * 1000
    before = latex._cached_decode.cache_info()
    assert latex_to_text(value) == "x" * 1000
    after = latex._cached_decode.cache_info()
    assert (after.hits, after.misses) == (before.hits, before.misses)


# --------------------------------------------------------------------------
# Lazy pylatexenc


def test_import_does_not_load_pylatexenc() -> None:
    code = (
        "import sys\n"
        "import bib2pubs.latex.decode as m\n"
        "assert 'pylatexenc' not in sys.modules, 'loaded on import'\n"
        "assert m.latex_to_text(r'{\\TeX} $\\alpha$ \\textbf{\\\"o} $x^2$') == 'TeX α ö x²'\n"
        "assert 'pylatexenc' not in sys.modules, 'loaded for known macros'\n"
        "assert m.latex_to_text(r'\\texttheta') == 'θ'\n"
        "assert 'pylatexenc' in sys.modules, 'not loaded for an unknown macro'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_pylatexenc_fallback_skips_unsuitable_replacements() -> None:
    table = latex._pylatexenc_symbols()
    assert table["texttheta"] == "θ"
    assert "today" not in table  # the date the program runs
    assert "url" not in table and "cite" not in table  # take arguments
    assert all(text and "%" not in text for text in table.values())


def test_tables_do_not_shadow_each_other() -> None:
    symbols = set(latex._SYMBOLS)
    assert not symbols & set(latex._MACROS)
    assert not symbols & set(latex._SPECIAL)
    assert not set(latex._MACROS) & set(latex._SPECIAL)


# --------------------------------------------------------------------------
# Robustness: hostile input finishes with the right text. (Speed belongs to
# the benchmarks; a quadratic path here would show as a suite that hangs.)

DEEP = 100_000


def test_deeply_nested_braces() -> None:
    assert latex_to_text("{" * DEEP + "deep" + "}" * DEEP) == "deep"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("{" * DEEP + "x", "x"),
        ("}" * DEEP + "x", "x"),
        ("\\textbf{" * DEEP + "x" + "}" * DEEP, "x"),
        ("\\MakeUppercase{" * DEEP + "x" + "}" * DEEP, "X"),
        ("\\frac{" * DEEP, ""),
        ("$" * (DEEP + 1), "$"),
        ("\\" * DEEP, ""),
        ("x^{" * DEEP, "x^" * DEEP),
        ("$" + "x^{" * DEEP + "$", None),
        ("\\url{" * DEEP, None),
        ("\\href{" * DEEP, None),
        ("\\kern\n\n" + " " * DEEP + "x", "x"),
        ("\\\\\n\n" + " " * DEEP + "x", "x"),
        ("\\path|" * DEEP, None),
    ],
    ids=[
        "open",
        "close",
        "textbf",
        "uppercase",
        "frac",
        "dollars",
        "backslashes",
        "carets",
        "math-carets",
        "url",
        "href",
        "kern-blanks",
        "newline-blanks",
        "path",
    ],
)
def test_pathological_input_finishes(value: str, expected: str | None) -> None:
    result = latex_to_text(value)
    assert isinstance(result, str)
    if expected is not None:
        assert result == expected


def test_deep_accents_are_bounded() -> None:
    # Accents beyond the nesting bound are ignored (no real value has 100).
    result = latex_to_text("\\'" * DEEP + "e")
    assert result == "é" + "\u0301" * (latex._MAX_DEPTH - 1)


# --------------------------------------------------------------------------
# Properties

_SPECIAL = set("\\{}$~`")

# Fragments that exercise the decoder's states more often than random text.
_LATEX_BITS = st.sampled_from(
    [
        "\\",
        "{",
        "}",
        "$",
        "$$",
        "~",
        "^",
        "_",
        "[",
        "]",
        "*",
        "'",
        "`",
        "-",
        "--",
        ",,",
        "?`",
        "\\'",
        '\\"',
        "\\c",
        "\\v ",
        "\\i",
        "\\ae",
        "\\frac",
        "\\sqrt",
        "\\sqrt[3]",
        "\\url",
        "\\href",
        "\\path|",
        "\\verb",
        "\\char",
        '\\char"',
        "\\kern",
        "\\textbf",
        "\\MakeUppercase",
        "\\noopsort",
        "\\mathbb",
        "\\left",
        "\\(",
        "\\)",
        "\\[",
        "\\]",
        "\\\\",
        "\\ ",
        "\\%",
        "\\unknownmacro",
        "\\alpha",
        "\\texttheta",
        "\\textsuperscript",
        "a",
        "e",
        "R",
        "2",
        " ",
        "\n",
        "é",
        "\u0301",
    ]
)


@settings(deadline=None)
@given(st.text())
def test_any_text_decodes(value: str) -> None:
    result = latex_to_text(value)
    assert isinstance(result, str)
    assert unicodedata.is_normalized("NFC", result)
    assert result == " ".join(result.split())


@settings(deadline=None, max_examples=300)
@given(st.lists(_LATEX_BITS, max_size=40).map("".join))
def test_latex_soup_decodes(value: str) -> None:
    result = latex_to_text(value)
    assert isinstance(result, str)
    assert result == " ".join(result.split())


@given(
    st.text().filter(lambda s: not _SPECIAL & set(s) and not has_latex(s)),
)
def test_plain_text_comes_back_collapsed(value: str) -> None:
    # Unchanged but for whitespace, NFC normalisation and the control and
    # zero-width characters that never belong in displayed text.
    visible = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u2060\ufeff]", "", value)
    expected = " ".join(unicodedata.normalize("NFC", visible).split())
    assert latex_to_text(value) == expected


def test_control_characters_made_by_macros_are_dropped() -> None:
    assert latex_to_text('Red \\char"1B[31mALERT \\char7 bell') == "Red [31mALERT bell"


_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1)


@given(_WORD, st.integers(min_value=1, max_value=5))
def test_protected_words_survive(word: str, depth: int) -> None:
    assert latex_to_text("{" * depth + word + "}" * depth) == word


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8), _WORD)
def test_unknown_macro_keeps_its_argument(name: str, word: str) -> None:
    # The "zz" prefix keeps the name out of our tables and pylatexenc's.
    assert latex_to_text(f"\\zz{name}{{{word}}}") == word
    assert latex_to_text(f"\\zz{name}") == f"zz{name}"
