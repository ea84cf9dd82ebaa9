"""Parse BibTeX text into raw entries: one pass, with recovery.

The parser follows BibTeX where it is clear and biber where users rely on it:
``@string`` macros with ``#`` concatenation (resolved here, which bibtexparser
2 leaves undone), the month and journal macros of the standard styles,
``{…}``- and ``(…)``-delimited entries, ``%`` comment lines, ``@comment`` and
``@preamble``. Values stay LaTeX; decoding is a later stage.

A broken entry never stops the file: the problem becomes a Diagnostic with
the line it starts on, and parsing resumes at the next entry.

The reading is layered, each module building on the one before it:
``scanner`` (where things end, and where reading goes on after a break),
``values`` (values, macros, ``@string`` and ``@preamble``), ``entry_fields``
(an entry's fields) and this one (a file's commands one after another, and
each entry's type and key).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final

from bib2pubs.lazyre import lazy
from bib2pubs.model import Diagnostic
from bib2pubs.read import values
from bib2pubs.read.entry_fields import FieldLines, FieldReader
from bib2pubs.read.scanner import ENTRY_HEAD, TYPE, Broken, Lines
from bib2pubs.read.values import READ_AS_TEXT, Joiner, join_budget

_BARE_TYPE: Final = lazy(r"@\s*(" + TYPE + r")")
# Where a command may start: an "@" before a type.
_COMMAND_START: Final = lazy(r"@\s*[A-Za-z_]")
_BLANKS: Final = lazy(r"[^\S\n]*")
_KEY_BRACE: Final = lazy(r"[^\s,{}=\"]*")
_KEY_PAREN: Final = lazy(r"[^\s,=\"]*")
# A command's head with "{" and what follows as an entry's key would: read
# in one match, where the head, the blanks and the key took one each.
_HEAD_AND_KEY = lazy(r"@\s*(" + TYPE + r")\s*(\{)\s*(" + _KEY_BRACE.pattern + r")\s*")
# What follows an entry when no fields cut off by a stray "}" can (see
# entry_fields._STRAY_FIELDS: a letter must come after the blanks).
_NEXT_ENTRY_FOLLOWS = ("\n\n@", "\n@")


@dataclass(frozen=True, slots=True, init=False)
class RawEntry:
    """An entry as written, with macros expanded but LaTeX still in place."""

    type: str
    key: str
    fields: Mapping[str, str]
    file: str
    line: int
    field_lines: Mapping[str, int]

    def __init__(
        self,
        type: str,
        key: str,
        fields: Mapping[str, str],
        file: str,
        line: int,
        field_lines: Mapping[str, int],
    ) -> None:
        # Written out, to be compiled: see bib2pubs.model's note.
        object.__setattr__(self, "type", type)
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "fields", fields)
        object.__setattr__(self, "file", file)
        object.__setattr__(self, "line", line)
        object.__setattr__(self, "field_lines", field_lines)

    def get(self, name: str, default: str = "") -> str:
        """The field's raw value, or ``default`` when the entry lacks it."""
        return self.fields.get(name, default)


@dataclass(frozen=True, slots=True)
class Bibliography:
    """Everything read from one or more files, in file order."""

    entries: tuple[RawEntry, ...]
    macros: Mapping[str, str]
    preambles: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...]


class _Parser(FieldReader):
    """Parses one file's text; macros are shared across the files of a run."""

    def __init__(
        self,
        text: str,
        file: str,
        macros: dict[str, str],
        diagnostics: list[Diagnostic],
        unnamed: list[int],
        keys: dict[str, tuple[str, int]],
        joiner: Joiner,
        first_line: int = 1,
    ) -> None:
        self.text = text
        self.n = len(text)
        self.file = file
        self.macros = macros
        self.diagnostics = diagnostics
        self.lines = Lines(text, first_line)
        # Whether reading stopped at the top level, where it was asked to:
        # no command ran on past the stopping point.
        self.clean_end = True
        self.entries: list[RawEntry] = []
        self.preambles: list[str] = []
        self.unnamed = unnamed  # one counter across the run's files
        self.escaped = False  # whether "\\{" and "\\}" are read as literal braces (retrying an entry)
        self.keys = keys  # lower-case key -> (file, line) of its first entry, across files
        self.joiner = joiner  # one across the run's files
        self.word_values = {}
        self.joined_values = {}
        self.field_names = {}
        self.comment_ends = None  # see Scanner._comment_end
        self.last_paren = text.rfind(")")

    # -- top level -------------------------------------------------------

    def parse(self, stop: int | None = None) -> None:
        """Reads the commands that start before ``stop`` (the end)."""
        text, pos = self.text, 0
        stop = self.n if stop is None else stop
        # Where the first non-blank character of the latest "@"'s line is.
        # Each "@" comes after the last, so the search for its line's start
        # covers only the text between them: looking back to the line start
        # from every "@" made a long line's cost grow with its square.
        searched = 0
        first = self._first_on_line(0)
        while True:
            at = text.find("@", pos)
            if at < 0 or at >= stop:
                self.clean_end = pos <= stop
                return
            newline = text.rfind("\n", searched, at)
            searched = at
            if newline >= 0:
                first = newline + 1
                if text[first].isspace():  # (never "\n": that newline would be the last)
                    first = self._first_on_line(first)
            if first < at and text[first] == "%":
                # A commented-out line: biber skips it, and so do users' eyes.
                end = text.find("\n", at)
                pos = self.n if end < 0 else end
                continue
            keyed = _HEAD_AND_KEY.match(text, at)
            head = keyed or ENTRY_HEAD.match(text, at)
            if head is None:
                bare = _BARE_TYPE.match(text, at)
                if bare and bare.group(1).lower() != "comment" and first >= at:
                    # "@comment text" is BibTeX's own comment; others are typos.
                    self.report(at, "warning", f"'@{bare.group(1)}' without '{{' or '(' ignored")
                # Otherwise an @ in free text between entries. The "@"s that
                # cannot start a command (a run of them) are passed over in
                # one search, not one turn of this loop each.
                after = _COMMAND_START.search(text, at + 1)
                pos = min(after.start(), stop) if after else stop
                continue
            kind = head.group(1).lower()
            open_pos = head.start(2)
            if kind == "comment":
                pos = self._skip_comment(open_pos)
            elif kind == "preamble":
                pos = self._command(at, open_pos, self._preamble, "a broken @preamble")
            elif kind == "string":
                pos = self._command(at, open_pos, self._string, "a broken @string")
            else:
                # As _command does, without a call between: entries are most of a file.
                mark = len(self.diagnostics)
                try:
                    pos = self._entry(at, kind, open_pos, keyed)
                except Broken as broken:
                    pos = self._broken(at, mark, broken, "a broken entry")

    def _first_on_line(self, line_start: int) -> int:
        blanks = _BLANKS.match(self.text, line_start)
        return blanks.end() if blanks else line_start

    def _command(self, at: int, open_pos: int, body: Callable[[int], int], what: str) -> int:
        mark = len(self.diagnostics)
        try:
            return body(open_pos)
        except Broken as broken:
            return self._broken(at, mark, broken, what)

    def _broken(self, at: int, mark: int, broken: Broken, what: str) -> int:
        """Where reading goes on after the command at ``at`` broke, reported;
        ``mark`` is where its diagnostics begin, and ``what`` names it."""
        # Reading goes on at the first line starting an entry: each
        # entry said to be read as text of a value of it is read after all.
        said = self.diagnostics[mark:]
        self.diagnostics[mark:] = [d for d in said if not d.message.startswith(READ_AS_TEXT)]
        self.report(broken.pos, "error", broken.message)
        resume = self._first_line_head(at, max(broken.resume, at + 1))
        self._name_skipped(at, resume, what)
        return resume

    def _skip_comment(self, open_pos: int) -> int:
        if self.text[open_pos] == "{":
            # Entries inside the comment are commented out: no stopping at them.
            end = self._comment_end(open_pos)
            if end is not None:
                return end + 1
        else:
            # Unclosed when no ")" follows it, nor then the comments after it.
            end = self.text.find(")", open_pos) if open_pos < self.last_paren else -1
            if end >= 0:
                return end + 1
        # Unclosed: BibTeX ignores just the word, so the rest is free text.
        return open_pos + 1

    # -- entries ---------------------------------------------------------

    def _entry(self, at: int, kind: str, open_pos: int, keyed: re.Match[str] | None) -> int:
        """Reads the entry whose "{" or "(" is at ``open_pos``; ``keyed`` is
        its head matched with its key (``_HEAD_AND_KEY``), when it has "{"."""
        text = self.text
        line = self.lines.at(at)
        if keyed is not None:
            close, pos, key, after_key = "}", keyed.start(3), keyed.group(3), keyed.end()
            if after_key < self.n and text[after_key] == "=":
                key, after_key = "", pos  # "@article{ author = …": an export forgot the key
        else:
            close = self._closer(open_pos)
            pos = self._skip_space(open_pos + 1)
            key_re = _KEY_BRACE if close == "}" else _KEY_PAREN
            key_match = key_re.match(text, pos)
            key = key_match.group() if key_match else ""
            after_key = self._skip_space(key_match.end() if key_match else pos)
            if after_key < self.n and text[after_key] == "=":
                key, after_key = "", pos
            elif key_match and close == ")" and key.endswith(")") and not text.startswith(",", after_key):
                # "@misc(key)": the entry's own ")" ended up in the key.
                key, after_key = key[:-1], key_match.end() - 1
        attempt = self._attempt(at, after_key, close, key)
        if isinstance(attempt, Broken):
            retried = self._retry_with_literal_braces(at, after_key, close, key, attempt)
            if retried is None:
                unnamed = "" if key else f" (an entry without a key, from line {line})"
                self.report(attempt.pos, "error", f"{attempt.message}; entry skipped{unnamed}", key or None)
                resume = self._first_line_head(at, max(attempt.resume, at + 1))
                self._name_skipped(at, resume, f"the broken entry '{key}'" if key else "a broken entry")
                return resume
            attempt = retried
        fields, field_lines, pos = attempt
        if not key:
            self.unnamed[0] += 1
            key = f"unnamed-{self.unnamed[0]}"
            self.report(at, "warning", f"entry has no key; calling it '{key}'")
        if not text.startswith(_NEXT_ENTRY_FOLLOWS, pos):
            pos = self._fields_after_stray_close(at, pos, close, key, fields, field_lines)
        here = (self.file, line)
        first = self.keys.setdefault(key.lower(), here)
        if first is not here and first != here:
            where = f"line {first[1]}" if first[0] == self.file else f"{first[0]}:{first[1]}"
            self.report(at, "warning", f"duplicate key (first at {where}); both are listed", key)
        self.entries.append(RawEntry(kind, key, fields, self.file, line, FieldLines(text, at, line, field_lines)))
        return pos


@dataclass(frozen=True, slots=True)
class Part:
    """What reading part of a file found: see ``parse_part``."""

    entries: tuple[RawEntry, ...]
    macros: dict[str, str]
    preambles: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...]
    #: Lower-case key -> (file, line) of the first entry with it.
    keys: dict[str, tuple[str, int]]
    #: How many entries had no key.
    unnamed: int
    #: Whether reading stopped at the top level at ``stop``, as reading the
    #: whole file would pass there: no command ran on past it.
    clean_end: bool
    #: How many characters concatenation built (see ``Joiner``).
    joined: int


def parse_part(
    text: str,
    file: str,
    macros: Mapping[str, str],
    first_line: int = 1,
    stop: int | None = None,
    budget: int | None = None,
) -> Part:
    """Parses the commands of ``text`` that start before ``stop``; ``text``
    is ``file`` from line ``first_line`` on, and ``macros`` are defined
    before it; concatenation may build ``budget`` characters (by default,
    the ``join_budget`` of ``text``; of the whole file for a part of it).
    For reading a large file's parts at once: the caller checks that what
    each part assumed of the others held."""
    defined = dict(macros)
    diagnostics: list[Diagnostic] = []
    unnamed = [0]
    keys: dict[str, tuple[str, int]] = {}
    joiner = Joiner(join_budget(len(text)) if budget is None else budget)
    parser = _Parser(text, file, defined, diagnostics, unnamed, keys, joiner, first_line)
    parser.parse(stop)
    return Part(
        tuple(parser.entries),
        defined,
        tuple(parser.preambles),
        tuple(diagnostics),
        keys,
        unnamed[0],
        parser.clean_end,
        joiner.used,
    )


def parse_text(text: str, file: str = "<string>") -> Bibliography:
    """Parses BibTeX ``text``; ``file`` names it in diagnostics."""
    return parse_sources([(file, text)])


def parse_sources(sources: list[tuple[str, str]]) -> Bibliography:
    """Parses several files as one database, sharing ``@string`` macros."""
    macros: dict[str, str] = {}
    diagnostics: list[Diagnostic] = []
    entries: list[RawEntry] = []
    preambles: list[str] = []
    unnamed = [0]
    keys: dict[str, tuple[str, int]] = {}
    joiner = Joiner(join_budget(0))
    for file, text in sources:
        joiner.budget += values.JOINED_PER_CHAR * len(text)  # the budget of all the text read so far
        parser = _Parser(text, file, macros, diagnostics, unnamed, keys, joiner)
        parser.parse()
        entries.extend(parser.entries)
        preambles.extend(parser.preambles)
    return Bibliography(tuple(entries), dict(macros), tuple(preambles), tuple(diagnostics))
