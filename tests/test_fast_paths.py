"""Every fast path gives exactly what the careful path gives.

The common case is served by shortcuts (one regular expression for a whole
field, braces dropped without the LaTeX decoder, a name read once per run,
a line that needs no wrapping). Each is checked here against the path it
short-cuts, on the whole corpus and on generated input: a shortcut may only
ever be faster, never different.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bib2pubs import bibtex
from bib2pubs.bibtex import Bibliography, parse_text
from bib2pubs.reader import decode
from tests.conftest import CORPUS

FILES = sorted(CORPUS.rglob("*.bib"))
_NEVER = re.compile(r"(?!)")


def _careful(text: str) -> Bibliography:
    """``text`` parsed with the one-match field reader switched off."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bibtex, "_FAST_FIELD", {"}": _NEVER, ")": _NEVER})
        return parse_text(text, "x.bib")


@pytest.mark.parametrize("path", FILES, ids=lambda path: str(path.relative_to(CORPUS)))
def test_fast_field_reader_agrees_on_the_corpus(path: Path) -> None:
    text, _ = decode(path.read_bytes(), str(path))
    assert parse_text(text, "x.bib") == _careful(text)


# Pieces of fields as files write them, and the slips the careful path
# knows how to report: a missing comma, '#', '%', '@' inside values,
# unbalanced and deep braces, quotes and escaped quotes.
_FIELD_PIECES = [
    "title", "author", "year", " = ", "=", "{", "}", '"', '\\"', ",", ", ", "\n  ", " ", "#", "%c\n", "@",
    "\n@misc{", "jan", "2024", "{\\TeX}", "{{A}}", "{{{B}}}", "\\{", "\\", "x", "and", "(", ")", "\t",
]  # fmt: skip
_NOISE = st.lists(st.sampled_from(_FIELD_PIECES), max_size=40).map("".join)
_INSIDE = st.lists(st.sampled_from(_FIELD_PIECES[4:]), max_size=8).map("".join)
_VALUE = st.one_of(
    _INSIDE.map(lambda inside: "{" + inside + "}"),
    _INSIDE.map(lambda inside: '"' + inside + '"'),
    st.sampled_from(["jan", "2024", "s", "undefined", "s # { x}", '"a" # s']),
)
_FIELD = st.tuples(st.sampled_from(["title", "Author", "x-y"]), st.sampled_from([" = ", "=", "\n = "]), _VALUE)
_SEPARATOR = st.sampled_from([",\n  ", ",", " ", "\n", ",,", ", %c\n"])
_FIELDS = st.lists(st.tuples(_FIELD, _SEPARATOR), max_size=5).map(
    lambda fields: "".join(name + equals + value + separator for (name, equals, value), separator in fields)
)
_BODY = st.one_of(_NOISE, _FIELDS)


@settings(max_examples=400, deadline=None)
@given(body=_BODY, opener=st.sampled_from(["{", "("]))
def test_fast_field_reader_agrees_on_generated_entries(body: str, opener: str) -> None:
    closer = "}" if opener == "{" else ")"
    text = f"@string{{s = {{S}}}}\n@article{opener}k, {body}{closer}\n@misc{{after, title = {{T}}}}\n"
    assert parse_text(text, "x.bib") == _careful(text)
