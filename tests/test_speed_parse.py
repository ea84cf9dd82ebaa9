"""The reading stage's shortcuts give exactly what the reading without them gives.

Each shortcut is switched off here in turn, and all together, and the
result compared with the one it replaces, on the whole corpus and on
generated files: possessive patterns against their first, greedy
spelling; the values remembered for bare words and joined parts against
reading each afresh; an entry's head and key read in one match against
three; the test for text after an entry against the pattern it spares;
an entry made slot by slot against the dataclass's own making.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bib2pubs.read import bibtex, entry_fields, two_processes, values
from bib2pubs.read.bibtex import Bibliography, parse_sources, parse_text
from bib2pubs.read.scanner import ENTRY_HEAD
from bib2pubs.read.source import decode
from tests.conftest import CORPUS

FILES = sorted(CORPUS.rglob("*.bib"))
_NEVER = re.compile(r"(?!)")


def _greedy(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """``pattern`` with its possessive loops made greedy, as first written
    (no "+" is a literal in the patterns spelled so)."""
    return re.compile(pattern.pattern.replace("*+", "*").replace("++", "+"), pattern.flags)


def _possessive_patterns() -> list[re.Pattern[str]]:
    fast = [entry_fields._fast_field(close) for close in "})"]
    parts = [re.compile(values._FAST_PART.pattern), two_processes._PART]
    return fast + parts


class _Forgetful(dict[str, str]):
    """A memory of values that keeps nothing: every value is read afresh."""

    def __setitem__(self, key: str, value: str) -> None:
        pass


@contextmanager
def _without(*shortcuts: str) -> Iterator[None]:
    """The reader with the named shortcuts switched off: "greedy" (the
    field patterns as greedy as first written), "memory" (values of words
    and joined parts), "head" (head and key in one match), "stray" (the
    test for text after an entry)."""
    with pytest.MonkeyPatch.context() as patch:
        if "greedy" in shortcuts:
            patch.setattr(
                entry_fields, "_FAST_FIELD", {close: _greedy(entry_fields._fast_field(close)) for close in "})"}
            )
            patch.setattr(values, "_FAST_PART", _greedy(re.compile(values._FAST_PART.pattern)))
        if "memory" in shortcuts:
            real_init = bibtex._Parser.__init__

            def forgetful_init(self: bibtex._Parser, *args: Any, **kwargs: Any) -> None:
                real_init(self, *args, **kwargs)
                self.word_values = _Forgetful()
                self.joined_values = _Forgetful()

            patch.setattr(bibtex._Parser, "__init__", forgetful_init)
        if "head" in shortcuts:
            patch.setattr(bibtex, "_HEAD_AND_KEY", _NEVER)
        if "stray" in shortcuts:
            patch.setattr(bibtex, "_NEXT_ENTRY_FOLLOWS", ())
        yield


_ALL = ("greedy", "memory", "head", "stray")


def _parsed(text: str, *shortcuts: str) -> Bibliography:
    with _without(*shortcuts):
        return parse_text(text, "x.bib")


@pytest.mark.parametrize("path", FILES, ids=lambda path: str(path.relative_to(CORPUS)))
def test_the_shortcuts_agree_on_the_corpus(path: Path) -> None:
    text, _ = decode(path.read_bytes(), str(path))
    assert parse_text(text, "x.bib") == _parsed(text, *_ALL)


def test_each_shortcut_agrees_alone_on_the_corpus() -> None:
    texts = [decode(path.read_bytes(), str(path))[0] for path in FILES]
    sources = [(f"f{number}.bib", text) for number, text in enumerate(texts)]
    fast = parse_sources(sources)
    for shortcut in _ALL:
        with _without(shortcut):
            assert parse_sources(sources) == fast, shortcut


# Pieces of entries as files write them, and the slips the careful path
# reports: heads with odd spacing and no key, "@string" defining a macro
# between entries and again, words that are and are not macros, "#",
# comments, stray braces, "@" inside values and after entries.
_PIECES = [
    "@article{k,", "@misc{ k ,", "@misc{\n k\n,", "@book{=", "@misc(k,", "@misc(k)", "@inproceedings {k2,",
    "@string{m = {M}}", "@string{m = \"N\" # m}", "@STRING{ j = {J}}", "@comment{", "@preamble{\"p\"}",
    "title", "Author", "journal", " = ", "=", "{", "}", '"', '\\"', ",", ", ", "\n  ", " ", "#", " # ",
    "%c\n", "@", "\n@", "\n\n@", "m", "j", "jan", "2024", "undef", "true", "a@b", "{\\TeX}", "{{A}}",
    "{{{{B}}}}", "\\{", "x", "(", ")", "\t", "\u00a0", "}\n\n", "}, title = {T}}", "}\nnote = {n}}",
]  # fmt: skip
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=50).map("".join)


@settings(max_examples=1500, deadline=None)
@given(text=_TEXT)
def test_the_shortcuts_agree_on_generated_files(text: str) -> None:
    fast = parse_text(text, "x.bib")
    assert fast == _parsed(text, *_ALL)
    for shortcut in _ALL:
        assert fast == _parsed(text, shortcut), shortcut


_FIELD_PIECES = [
    "title", "x-y", " = ", "=", "{", "}", '"', '\\"', "\\", ",", ", ", "\n ", " ", "#", " # ", "%c\n",
    "@", "\n@misc{", "m", "2024", "a@b", "{\\TeX}", "{{A}}", "{{{{B}}}}", "x", "(", ")", "\u00a0", "\u2028",
]  # fmt: skip


@settings(max_examples=1500, deadline=None)
@given(text=st.lists(st.sampled_from(_FIELD_PIECES), max_size=30).map("".join))
def test_possessive_patterns_match_as_greedy_ones_everywhere(text: str) -> None:
    for pattern in _possessive_patterns():
        greedy = _greedy(pattern)
        assert greedy.pattern != pattern.pattern
        for pos in range(len(text) + 1):
            mine, theirs = pattern.match(text, pos), greedy.match(text, pos)
            assert (mine and (mine.span(), mine.groups())) == (theirs and (theirs.span(), theirs.groups()))


def test_possessive_patterns_match_as_greedy_ones_on_the_corpus() -> None:
    # At every place a field or a part may start: after a comma, a brace,
    # a line's end, "=" or "#".
    starts = re.compile(r"[,{(\n=#]")
    for path in FILES:
        text, _ = decode(path.read_bytes(), str(path))
        for pattern in _possessive_patterns():
            greedy = _greedy(pattern)
            for start in starts.finditer(text):
                for pos in (start.start(), start.end()):
                    mine, theirs = pattern.match(text, pos), greedy.match(text, pos)
                    assert (mine and mine.span()) == (theirs and theirs.span()), (path, pos)


@settings(max_examples=2000, deadline=None)
@given(text=st.lists(st.sampled_from([" ", "\t", "\n", ",", "@", "a", "=", "{", "\u00a0"]), max_size=10).map("".join))
def test_no_fields_follow_an_entry_where_the_next_one_starts(text: str) -> None:
    for pos in range(len(text) + 1):
        if text.startswith(bibtex._NEXT_ENTRY_FOLLOWS, pos):
            assert entry_fields._STRAY_FIELDS.match(text, pos) is None


@settings(max_examples=2000, deadline=None)
@given(
    text=st.lists(
        st.sampled_from(["@", "article", "misc", "Str", " ", "\n", "{", "(", "k", ",", "=", '"', "}", "_", "%", "ü"]),
        max_size=12,
    ).map("".join)
)
def test_a_head_read_with_its_key_is_the_head_read_alone(text: str) -> None:
    for at in range(len(text)):
        keyed = bibtex._HEAD_AND_KEY.match(text, at)
        head = ENTRY_HEAD.match(text, at)
        assert (keyed is not None) == (head is not None and head.group(2) == "{")
        if keyed is not None and head is not None:
            assert keyed.span(1) == head.span(1) and keyed.start(2) == head.start(2)
            key = bibtex._KEY_BRACE.match(text, keyed.start(3))
            assert key is not None and key.span() == keyed.span(3)
            assert keyed.end() == re.compile(r"\s*").match(text, key.end()).end()  # type: ignore[union-attr]
