"""Parse BibTeX text into raw entries: one pass, with recovery.

The parser follows BibTeX where it is clear and biber where users rely on it:
``@string`` macros with ``#`` concatenation (resolved here, which bibtexparser
2 leaves undone), the month and journal macros of the standard styles,
``{…}``- and ``(…)``-delimited entries, ``%`` comment lines, ``@comment`` and
``@preamble``. Values stay LaTeX; decoding is a later stage.

A broken entry never stops the file: the problem becomes a Diagnostic with
the line it starts on, and parsing resumes at the next entry.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial

from bib2pubs.lazyre import lazy
from bib2pubs.model import Diagnostic, Level

#: The longest value macro concatenation may build (a 5 MB abstract is fine).
MAX_VALUE = 10_000_000
#: And what it may build in all, beyond ``MAX_VALUE``, per character read:
#: macros that double each other would otherwise fill the memory with
#: values of ``MAX_VALUE`` one after the other. Real files build a small
#: fraction of their own size (see ``join_budget``).
JOINED_PER_CHAR = 8

#: Macros every BibTeX style defines (plain.bst and friends).
STANDARD_MACROS: Mapping[str, str] = {
    "jan": "January",
    "feb": "February",
    "mar": "March",
    "apr": "April",
    "may": "May",
    "jun": "June",
    "jul": "July",
    "aug": "August",
    "sep": "September",
    "oct": "October",
    "nov": "November",
    "dec": "December",
    "acmcs": "ACM Computing Surveys",
    "acta": "Acta Informatica",
    "cacm": "Communications of the ACM",
    "ibmjrd": "IBM Journal of Research and Development",
    "ibmsj": "IBM Systems Journal",
    "ieeese": "IEEE Transactions on Software Engineering",
    "ieeetc": "IEEE Transactions on Computers",
    "ieeetcad": "IEEE Transactions on Computer-Aided Design of Integrated Circuits",
    "ipl": "Information Processing Letters",
    "jacm": "Journal of the ACM",
    "jcss": "Journal of Computer and System Sciences",
    "scp": "Science of Computer Programming",
    "sicomp": "SIAM Journal on Computing",
    "tocs": "ACM Transactions on Computer Systems",
    "tods": "ACM Transactions on Database Systems",
    "tog": "ACM Transactions on Graphics",
    "toms": "ACM Transactions on Mathematical Software",
    "toois": "ACM Transactions on Office Information Systems",
    "toplas": "ACM Transactions on Programming Languages and Systems",
    "tcs": "Theoretical Computer Science",
}

# Entry types as BibTeX allows them: a letter or "_", then anything but
# white space and the characters that delimit entries and fields.
_TYPE = r"[A-Za-z_][^\s{}(),=\"#%'@]*"
_ENTRY_HEAD = re.compile(r"@\s*(" + _TYPE + r")\s*([{(])")
_BARE_TYPE = lazy(r"@\s*(" + _TYPE + r")")
# Where a command may start: an "@" before a type.
_COMMAND_START = lazy(r"@\s*[A-Za-z_]")
# An entry's head where a runaway value or a broken entry may run into
# it: at the start of a line, or within one when a key and a comma follow
# ("… } @misc{key, …": a file written on one line).
_HEAD_AT_LINE = r"\n[ \t]*@[ \t]*" + _TYPE + r"\s*"
_HEAD_IN_LINE = r"@[ \t]*" + _TYPE + r"\s*"
_KEYED = r"[{(]\s*[^\s,{}=\"]+\s*,"
# Scans of values count heads, and leave the brace after one to count as a brace.
_SCAN_HEAD = _HEAD_AT_LINE + r"(?=[{(])|" + _HEAD_IN_LINE + "(?=" + _KEYED + ")"
_BRACE_SCAN = lazy(r"[{}]|" + _SCAN_HEAD)
_ESCAPED_BRACE_SCAN = lazy(r"\\[{}]|[{}]|" + _SCAN_HEAD)
_QUOTE_SCAN = lazy(r'[{}"]|' + _SCAN_HEAD)
_ESCAPED_QUOTE_SCAN = lazy(r'\\[{}]|[{}"]|' + _SCAN_HEAD)
_BRACES_ONLY = lazy(r"[{}]")
_NEXT_ENTRY_RE = lazy(_HEAD_AT_LINE + "[{(]|" + _HEAD_IN_LINE + _KEYED)
# An entry's head at the start of a line inside a value, named in a report:
# its type, its opening delimiter and its key, which a "," or "}" follows
# (not "@Scale (2019)", an event's name, which "(" and ")" around a word
# would make an entry's head).
_HEAD_IN_VALUE = lazy(r"\n[ \t]*@[ \t]*(" + _TYPE + r")\s*([{(])[ \t]*([^\s,{}()=\"]*)\s*[,}]")
_READ_AS_TEXT = "a line inside "  # how the report on such a head begins
# A line that starts an entry's head, whatever follows it ("@article{good}"
# has no comma): a broken command never reads past one.
_LINE_HEAD = lazy(_HEAD_AT_LINE + "[{(]")
# An entry's head in text a broken entry took with it, named in a report.
_SKIPPED_HEAD = lazy(r"@[ \t]*(" + _TYPE + r")\s*[{(]\s*([^\s,{}=\"]+)\s*,")
_COMMENT_OPEN = lazy(r"@\s*comment\s*\{", re.IGNORECASE)
# How many heads a value may hold before it counts as unclosed: this bounds
# the work a missing brace costs (each broken value would otherwise be
# scanned to the end of the file).
_MAX_ENTRY_LINES_IN_VALUE = 16
_SWALLOWED_FIELD = lazy(r"[\n,][ \t]*[A-Za-z][\w\-:+]*[ \t]*=[ \t]*[{\"\d]")
# After an entry: "," or blanks, then "name = value" — fields cut off by a stray "}".
_STRAY_FIELDS = re.compile(r"[ \t]*,?\s*[A-Za-z][\w\-:+]*[ \t]*=[ \t]*[{\"\w]")
_LITERAL_WORDS = frozenset({"true", "false", "yes", "no"})
_SPACE = re.compile(r"\s*")
_BLANKS = re.compile(r"[^\S\n]*")
_COMMAS = lazy(r"[\s,]*")
_FIELD_NAME = lazy(r"[^\s=,{}()\"#%@]+")
_BARE_WORD = lazy(r"[^\s,#{}()\"=%]+")
_KEY_BRACE = re.compile(r"[^\s,{}=\"]*")
_KEY_PAREN = lazy(r"[^\s,=\"]*")


def _nested(inner: str, depth: int, grouped: str = "[^{}@]") -> str:
    """Braces nested ``depth`` deep, holding ``grouped`` characters, around
    text of ``inner`` characters, written as an unrolled loop: no two
    branches can match the same text, so a failing match backtracks in
    linear time."""
    group = r"\{" + grouped + r"*\}"
    for _ in range(depth - 1):
        group = r"\{" + grouped + "*(?:" + group + grouped + r"*)*\}"
    return inner + "*(?:" + group + inner + "*)*"


# One part of a value, as the fast path reads it: {braced}, "quoted" (with
# balanced braces, not ended by an escaped \"), or a bare word (a number
# or a macro). A part with "@" in it (which may start a new entry) or with
# braces nested deeper takes the careful path.
def _fast_parts(group: str) -> list[str]:
    """The three forms of a part, each with its text in ``group`` ("(" to
    capture it, "(?:" not to)."""
    return [
        r"\{" + group + _nested("[^{}@]", 3) + r")\}",
        r"\"" + group + _nested('[^"{}@]', 3) + r")(?<!\\)\"",
        group + r"[^\s,#{}()\"=%]+)",
    ]


_FAST_PART = lazy(r"\s*(?:" + "|".join(_fast_parts("(")) + r")\s*#?")


def _fast_field(close: str) -> re.Pattern[str]:
    """A whole field in its commonest forms, up to where the next field or
    the entry's end is certain: ``name = part`` or ``name = part # part…``
    (parts as ``_FAST_PART`` reads them), followed by ``,`` or the closing
    delimiter, which the match takes in when it ends the entry. Groups: the
    name; the value braced, quoted, a word, or parts joined by "#"; the end.
    A comment between fields, or a slip the careful path reports, does not
    match here."""
    any_part = "(?:" + "|".join(_fast_parts("(?:")) + ")"
    return re.compile(
        r"[\s,]*([^\s=,{}()\"#%@]+)\s*=\s*"
        r"(?:" + "|".join(_fast_parts("(")) + "|"
        r"(" + any_part + r"(?:\s*#\s*" + any_part + r")+))"
        r"\s*(?=[," + re.escape(close) + r"])(?:[\s,]*(" + re.escape(close) + "))?"
    )


# Compiled for "(…)"-delimited entries only when a file has one: each
# pattern takes a millisecond or two to compile, a tenth of a small run.
_FAST_FIELD = {"}": _fast_field("}")}


def join_budget(size: int) -> int:
    """How many characters concatenation may build in all while reading
    ``size`` characters: one limit for every way a file is read."""
    return MAX_VALUE + JOINED_PER_CHAR * size


class Joiner:
    """Counts what joining values with "#" builds (``used``, a joined
    value's length added once it is built) against ``budget``."""

    __slots__ = ("budget", "used")

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.used = 0

    def room(self, written: int) -> int:
        """How long the next joined value may be, ``written`` in that many
        characters: ``MAX_VALUE`` while the budget lasts, and never shorter
        than what it is written in, so that no text of the file itself is
        cut (that much makes the memory grow only as the file's size)."""
        return max(min(MAX_VALUE, self.budget - self.used), written)


def _first_characters(parts: list[str], count: int) -> str:
    """The first ``count`` characters of the parts joined, without joining more."""
    kept = []
    for part in parts:
        kept.append(part[:count])
        count -= len(kept[-1])
        if count <= 0:
            break
    return "".join(kept)


@dataclass(frozen=True, slots=True)
class RawEntry:
    """An entry as written, with macros expanded but LaTeX still in place."""

    type: str
    key: str
    fields: Mapping[str, str]
    file: str
    line: int
    field_lines: Mapping[str, int] = field(default_factory=dict)

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


class _Lines:
    """Line numbers for offsets, counting forward from the last answer."""

    def __init__(self, text: str, first_line: int = 1) -> None:
        self._text = text
        self._pos = 0
        self._line = first_line

    def at(self, pos: int) -> int:
        # Counting only the stretch between the last answer and this one
        # keeps a whole file's lookups linear, backwards or forwards.
        if pos < self._pos:
            self._line -= self._text.count("\n", pos, self._pos)
        else:
            self._line += self._text.count("\n", self._pos, pos)
        self._pos = pos
        return self._line


class FieldLines(Mapping[str, int]):
    """The line each field of an entry starts on, counted when asked for:
    only a field with something to report needs its line."""

    __slots__ = ("_line", "_offsets", "_start", "_text")

    def __init__(self, text: str, start: int, line: int, offsets: dict[str, int]) -> None:
        self._text = text
        self._start = start  # the entry's "@", on line ``line``
        self._line = line
        self._offsets = offsets

    def __getitem__(self, name: str) -> int:
        return self._line + self._text.count("\n", self._start, self._offsets[name])

    def __iter__(self) -> Iterator[str]:
        return iter(self._offsets)

    def __len__(self) -> int:
        return len(self._offsets)

    def __repr__(self) -> str:
        return repr(dict(self))


#: Fields read from an entry: values, their offsets, and the offset after them.
_Fields = tuple[dict[str, str], dict[str, int], int]


class _Broken(Exception):
    """An entry cannot be read; parsing resumes at ``resume``."""

    def __init__(self, message: str, resume: int, pos: int) -> None:
        super().__init__(message)
        self.message = message
        self.resume = resume
        self.pos = pos


class _Parser:
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
        self.lines = _Lines(text, first_line)
        # Whether reading stopped at the top level, where it was asked to:
        # no command ran on past the stopping point.
        self.clean_end = True
        self.entries: list[RawEntry] = []
        self.preambles: list[str] = []
        self.unnamed = unnamed  # one counter across the run's files
        self.escaped = False  # whether "\\{" and "\\}" are read as literal braces (retrying an entry)
        self.keys = keys  # lower-case key -> (file, line) of its first entry, across files
        self.joiner = joiner  # one across the run's files
        self.comment_ends: dict[int, int] | None = None  # see _comment_end
        self.last_paren = text.rfind(")")

    # -- reporting -------------------------------------------------------

    def report(self, pos: int, level: Level, message: str, key: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(self.file, self.lines.at(pos), key, level, message))

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
            head = _ENTRY_HEAD.match(text, at)
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
            open_pos = head.end() - 1
            if kind == "comment":
                pos = self._skip_comment(open_pos)
            elif kind == "preamble":
                pos = self._command(at, open_pos, self._preamble, "a broken @preamble")
            elif kind == "string":
                pos = self._command(at, open_pos, self._string, "a broken @string")
            else:
                pos = self._command(at, open_pos, partial(self._entry, at, kind), "a broken entry")

    def _first_on_line(self, line_start: int) -> int:
        blanks = _BLANKS.match(self.text, line_start)
        return blanks.end() if blanks else line_start

    def _command(self, at: int, open_pos: int, body: Callable[[int], int], what: str) -> int:
        mark = len(self.diagnostics)
        try:
            return body(open_pos)
        except _Broken as broken:
            # Reading goes on at the first line starting an entry: each
            # entry said to be read as text of a value of it is read after all.
            said = self.diagnostics[mark:]
            self.diagnostics[mark:] = [d for d in said if not d.message.startswith(_READ_AS_TEXT)]
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

    # -- @preamble and @string -----------------------------------------------

    def _preamble(self, open_pos: int) -> int:
        close = self._closer(open_pos)
        value, pos = self._value(open_pos + 1, None, "@preamble")
        self.preambles.append(value)
        pos = self._skip_space(pos)
        if pos < self.n and self.text[pos] == close:
            return pos + 1
        raise _Broken(f"@preamble: expected '{close}'", self._resume(pos), pos)

    def _string(self, open_pos: int) -> int:
        close = self._closer(open_pos)
        pos = self._skip_space(open_pos + 1)
        name = _FIELD_NAME.match(self.text, pos)
        if name is None:
            raise _Broken("@string: expected a macro name", self._resume(pos), pos)
        pos = self._skip_space(name.end())
        if pos >= self.n or self.text[pos] != "=":
            raise _Broken("@string: expected '=' after the name", self._resume(pos), pos)
        value, pos = self._value(pos + 1, None, f"@string {name.group()}")
        self.macros[name.group().lower()] = value
        pos = self._skip_space(pos)
        if pos < self.n and self.text[pos] == close:
            return pos + 1
        if pos < self.n and self.text[pos] == ",":
            # Some files define several macros in one @string; BibTeX does not.
            self.report(pos, "warning", "@string defines one macro; text after ',' ignored")
            return self._resume(pos)
        raise _Broken(f"@string: expected '{close}'", self._resume(pos), pos)

    # -- entries ---------------------------------------------------------

    def _entry(self, at: int, kind: str, open_pos: int) -> int:
        text, close = self.text, self._closer(open_pos)
        line = self.lines.at(at)
        pos = self._skip_space(open_pos + 1)
        key_re = _KEY_BRACE if close == "}" else _KEY_PAREN
        key_match = key_re.match(text, pos)
        key = key_match.group() if key_match else ""
        after_key = self._skip_space(key_match.end() if key_match else pos)
        if after_key < self.n and text[after_key] == "=":
            key, after_key = "", pos  # "@article{ author = …": an export forgot the key
        elif key_match and close == ")" and key.endswith(")") and not text.startswith(",", after_key):
            # "@misc(key)": the entry's own ")" ended up in the key.
            key, after_key = key[:-1], key_match.end() - 1
        attempt = self._attempt(at, after_key, close, key)
        if isinstance(attempt, _Broken):
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
        pos = self._fields_after_stray_close(at, pos, close, key, fields, field_lines)
        first = self.keys.setdefault(key.lower(), (self.file, line))
        if first != (self.file, line):
            where = f"line {first[1]}" if first[0] == self.file else f"{first[0]}:{first[1]}"
            self.report(at, "warning", f"duplicate key (first at {where}); both are listed", key)
        self.entries.append(RawEntry(kind, key, fields, self.file, line, FieldLines(self.text, at, line, field_lines)))
        return pos

    def _fields_after_stray_close(
        self, at: int, pos: int, close: str, key: str, fields: dict[str, str], field_lines: dict[str, int]
    ) -> int:
        """``title = {A}},`` closes the entry early and BibTeX drops the
        fields after it. When what follows reads as fields, keep them."""
        if not _STRAY_FIELDS.match(self.text, pos):
            return pos
        result = self._attempt(at, pos, close, key)
        if isinstance(result, _Broken):
            self.report(pos, "warning", f"text after the entry looks like fields; a stray '{close}'?", key or None)
            return pos
        more_fields, more_lines, end = result
        self.report(pos - 1, "warning", f"a stray '{close}' closed the entry early; the fields after it are kept", key)
        for name, value in more_fields.items():
            if name not in fields:
                fields[name], field_lines[name] = value, more_lines[name]
        return end

    def _attempt(self, at: int, pos: int, close: str, key: str) -> _Fields | _Broken:
        """Reads fields from ``pos``: their values, their lines and where they
        end; or, when that fails, the failure, with the diagnostics made on the
        way taken back so that a second reading reports afresh."""
        mark = len(self.diagnostics)
        fields: dict[str, str] = {}
        field_lines: dict[str, int] = {}
        try:
            end = self._fields(at, pos, close, key, fields, field_lines)
        except _Broken as broken:
            del self.diagnostics[mark:]
            return broken
        return fields, field_lines, end

    def _retry_with_literal_braces(
        self, at: int, after_key: int, close: str, key: str, broken: _Broken
    ) -> _Fields | None:
        """Reads a broken entry again with ``\\{`` and ``\\}`` as literal
        braces. BibTeX counts every brace, so a typo like ``Thi\\{'ebaux``
        unbalances the entry; this reading often saves it. None if it fails too."""
        region = self.text[at : max(broken.resume, broken.pos + 1)]
        if "\\{" not in region and "\\}" not in region:
            return None
        self.escaped = True
        try:
            result = self._attempt(at, after_key, close, key)
        finally:
            self.escaped = False
        if isinstance(result, _Broken):
            return None
        self.report(at, "warning", "unbalanced braces; read '\\{' and '\\}' as literal braces", key or None)
        return result

    def _fields(
        self,
        at: int,
        pos: int,
        close: str,
        key: str,
        fields: dict[str, str],
        field_lines: dict[str, int],
    ) -> int:
        text, n = self.text, self.n
        last: str | None = None  # the latest field's name
        # The fast path reads most fields in one match each; it stays off
        # while an entry is retried with literal braces.
        pattern = _FAST_FIELD.get(close) or _FAST_FIELD.setdefault(close, _fast_field(close))
        fast = None if self.escaped else pattern.match
        careful_next = False  # the next field is one the fast path gave up on
        while True:
            found = fast(text, pos) if fast is not None and not careful_next else None
            careful_next = False
            while found is not None:
                name, value, quoted, word, _joined, ends_entry = found.groups()
                name = name.lower()
                if value is None:
                    if quoted is not None:
                        value = quoted
                    elif word is not None:
                        value = self._macro(word, found.start(4), key or None)
                    else:
                        mark = len(self.diagnostics)
                        value = self._joined(found.start(5), found.end(5), key or None)
                        if value is None:  # too long: the careful path cuts and reports it
                            del self.diagnostics[mark:]
                            pos, careful_next = found.start(1), True
                            break
                if name in fields:
                    self.report(
                        found.start(1), "warning", f"duplicate field '{name}'; the first value is kept", key or None
                    )
                else:
                    fields[name] = value
                    field_lines[name] = found.start(1)
                    last = name
                pos = found.end()
                if ends_entry is not None:
                    return pos
                found = fast(text, pos)  # type: ignore[misc]  # not None while fields are found
            pos = self._skip_space_and_comments(pos)
            if pos >= n or (text[pos] == "@" and _ENTRY_HEAD.match(text, pos)):
                self._unclosed(at, close, key, last, fields, field_lines)
                return pos
            char = text[pos]
            if char == close:
                return pos + 1
            if char == ",":
                # A run of commas at once: the fast path, tried after each,
                # would read the rest of the run each time.
                commas = _COMMAS.match(text, pos)
                pos = commas.end() if commas else pos + 1
                continue
            name_match = _FIELD_NAME.match(text, pos)
            if name_match is None:
                raise _Broken(f"unexpected {char!r} where a field was expected", self._resume(pos), pos)
            name = name_match.group().lower()
            name_pos = pos
            pos = self._skip_space(name_match.end())
            if pos >= n or text[pos] != "=":
                raise _Broken(f"expected '=' after field '{name}'", self._resume(pos), pos)
            value, pos = self._value(pos + 1, key or None, f"field '{name}'")
            if name in fields:
                self.report(name_pos, "warning", f"duplicate field '{name}'; the first value is kept", key or None)
            else:
                fields[name] = value
                field_lines[name] = name_pos
                last = name
            pos = self._skip_space_and_comments(pos)
            if pos < n and text[pos] not in (",", close) and _FIELD_NAME.match(text, pos):
                self.report(pos, "warning", f"missing ',' after field '{name}'", key or None)

    def _unclosed(
        self, at: int, close: str, key: str, last: str | None, fields: dict[str, str], offsets: dict[str, int]
    ) -> None:
        """An entry ran into the next one or the end of the file. If its last
        value swallowed lines that look like fields, a brace is missing in
        it: the entry is skipped rather than shown with a garbled value."""
        if last is not None and _SWALLOWED_FIELD.search(fields[last]):
            raise _Broken(f"unbalanced braces in field '{last}'", self._resume(offsets[last]), offsets[last])
        self.report(at, "warning", f"entry not closed with '{close}'", key or None)

    def _value(self, pos: int, key: str | None, what: str) -> tuple[str, int]:
        """Reads ``part # part # …`` and returns the joined value and the end;
        ``what`` names the value in messages ("field 'title'")."""
        text, n = self.text, self.n
        parts: list[str] = []
        size = 0
        start = self._skip_space(pos)  # where the value is written
        while True:
            pos = self._skip_space(pos)
            if pos >= n:
                raise _Broken(f"{what}: value missing at end of file", n, pos)
            char = text[pos]
            if char == "{":
                end = self._balanced_end(pos, _ESCAPED_BRACE_SCAN if self.escaped else _BRACE_SCAN)
                if end is None:
                    raise _Broken(f"unbalanced braces in {what}", self._resume(pos), pos)
                part = self._literal(text[pos + 1 : end])
                if "@" in part:
                    self._entries_read_as_text(pos, end, key, what)
            elif char == '"':
                end = self._quoted_end(pos, what)
                part = self._literal(text[pos + 1 : end])
                if "@" in part:
                    self._entries_read_as_text(pos, end, key, what)
            elif char == "@" and _ENTRY_HEAD.match(text, pos):
                # Not a macro named "@article": the value is missing, and an entry starts here.
                raise _Broken(f"{what}: value missing", pos, pos)
            else:
                word = _BARE_WORD.match(text, pos)
                if word is None:
                    raise _Broken(f"{what}: expected a value, found {char!r}", self._resume(pos), pos)
                part = self._macro(word.group(), pos, key)
                end = word.end() - 1
            pos = end + 1
            parts.append(part)
            size += len(part)
            after = self._skip_space(pos)
            if after < n and text[after] == "#":
                pos = after + 1
                continue
            if len(parts) == 1:
                return part, after
            room = self.joiner.room(pos - start)
            if size <= room:
                value = "".join(parts)
            else:
                # Macros that double each other grow without bound.
                value = _first_characters(parts, room)
                left = (
                    f", all that is left of the {self.joiner.budget:,} this file may build" if room < MAX_VALUE else ""
                )
                self.report(after, "warning", f"{what} grows past {room:,} characters through macros{left}; cut", key)
            self.joiner.used += len(value)
            return value, after

    def _entries_read_as_text(self, start: int, end: int, key: str | None, what: str) -> None:
        """Names each entry whose head starts a line of the value between
        ``start`` and ``end``: BibTeX reads it as text of the value (an
        opening brace too many before it, one too few after), and so do
        we, but not without a word."""
        noun = "the field" if what.startswith("field") else "the value"
        for head in _HEAD_IN_VALUE.finditer(self.text, start, end):
            kind = head.group(1)
            if kind.lower() in ("comment", "preamble", "string"):
                continue
            shown = f"@{kind}{head.group(2)}{head.group(3)[:60]}"
            message = f"{_READ_AS_TEXT}{what} starts an entry ({shown}); read as text of {noun}, as BibTeX does"
            self.report(head.start(1), "warning", message, key)

    def _literal(self, value: str) -> str:
        if self.escaped:
            # Spelled so that later stages, which count braces as BibTeX
            # does, see a balanced value.
            return value.replace("\\{", "\\textbraceleft{}").replace("\\}", "\\textbraceright{}")
        return value

    def _joined(self, start: int, end: int, key: str | None) -> str | None:
        """The value of parts joined by "#" between ``start`` and ``end``, as
        the fast path found them; None when it grows past what the careful
        path would cut it to."""
        parts = []
        size = 0
        joiner = self.joiner
        # joiner.room(end - start), spelled out where most joined values pass
        room = joiner.budget - joiner.used
        if room > MAX_VALUE:
            room = MAX_VALUE
        if room < end - start:
            room = end - start
        for part in _FAST_PART.finditer(self.text, start, end):
            braced, quoted, word = part.groups()
            value = braced if braced is not None else quoted if quoted is not None else None
            if value is None:
                value = self._macro(word, part.start(3), key)
            parts.append(value)
            size += len(value)
            if size > room:
                return None
        joiner.used += size
        return "".join(parts)

    def _macro(self, word: str, pos: int, key: str | None) -> str:
        if word.isdigit():
            return word
        name = word.lower()
        value = self.macros.get(name)
        if value is None:
            value = STANDARD_MACROS.get(name)
        if value is None:
            # BibTeX would substitute nothing; keeping the name loses no text.
            # al-folio's "selected = true" is meant as text: no warning.
            if name not in _LITERAL_WORDS:
                self.report(pos, "warning", f"undefined macro '{word}' kept as text", key)
            return word
        return value

    # -- scanning helpers ------------------------------------------------

    def _closer(self, open_pos: int) -> str:
        return "}" if self.text[open_pos] == "{" else ")"

    def _skip_space(self, pos: int) -> int:
        match = _SPACE.match(self.text, pos)
        return match.end() if match else pos

    def _skip_space_and_comments(self, pos: int) -> int:
        text, n = self.text, self.n
        while True:
            pos = self._skip_space(pos)
            if pos < n and text[pos] == "%":
                end = text.find("\n", pos)
                pos = n if end < 0 else end
                continue
            return pos

    def _balanced_end(self, open_pos: int, scan: re.Pattern[str] = _BRACE_SCAN) -> int | None:
        """The offset of the brace closing the one at ``open_pos``, or None.

        A value may hold a line that looks like an entry ("@Scale (2019)",
        a pasted @misc{…}); BibTeX reads it as text, and so do we when the
        braces balance after it. A value that stays open across many such
        lines never closes: a brace is missing, and it ends the value.
        """
        depth = 0
        entry_lines = 0
        for match in scan.finditer(self.text, open_pos):
            token = match.group()
            if token == "{":
                depth += 1
            elif token == "}":
                depth -= 1
                if depth == 0:
                    return match.start()
            elif token[0] != "\\":  # not an escaped brace, in a second reading
                entry_lines += 1
                if entry_lines > _MAX_ENTRY_LINES_IN_VALUE:
                    return None
        return None

    def _quoted_end(self, open_pos: int, what: str) -> int:
        """The offset of the quote closing the one at ``open_pos``: the next
        at brace depth 0, as BibTeX reads it. A "}" at depth 0 is an error
        there, as in BibTeX: read on, a "{" after it would take the closing
        quote and the entries after it into the value."""
        depth = 0
        entry_lines = 0
        text = self.text
        scan = _ESCAPED_QUOTE_SCAN if self.escaped else _QUOTE_SCAN
        for match in scan.finditer(text, open_pos + 1):
            token = match.group()
            if token == "{":
                depth += 1
            elif token == "}":
                if depth == 0:
                    # Reading goes on at the first entry the value ran over, if any.
                    where = match.start()
                    raise _Broken(f"unbalanced braces in {what} (a '}}' in quotes)", self._resume(open_pos), where)
                depth -= 1
            elif token == '"':
                # ``\"`` at depth 0 is an umlaut written without braces.
                if depth == 0 and text[match.start() - 1] != "\\":
                    return match.start()
            elif token[0] != "\\":
                entry_lines += 1
                if entry_lines > _MAX_ENTRY_LINES_IN_VALUE:
                    break
        raise _Broken(f'unterminated "quoted" value in {what}', self._resume(open_pos), open_pos)

    def _comment_end(self, open_pos: int) -> int | None:
        """The offset of the brace closing ``@comment{`` at ``open_pos``, or None."""
        if self.comment_ends is None:
            end = self._balanced_end(open_pos, _BRACES_ONLY)
            if end is not None:
                return end
            # Unclosed: the comments after it would each scan to the end of
            # the file again. One pass finds where all of them end.
            self.comment_ends = _comment_ends(self.text, open_pos)
        return self.comment_ends.get(open_pos)

    def _resume(self, pos: int) -> int:
        """Where to go on after a broken entry: the next entry's head."""
        match = _NEXT_ENTRY_RE.search(self.text, pos)
        if match is None:
            return self.n
        return match.start() + 1 if self.text[match.start()] == "\n" else match.start()

    def _first_line_head(self, at: int, resume: int) -> int:
        """Where to go on after the command at ``at``, found broken, was to
        resume at ``resume``: at the first line between them that starts an
        entry's head, if any. Where the break is found (a value read on to a
        "{", a word taken for a field's name) may lie past such a line, and
        an entry there without a comma after its key would be lost unnamed.
        The search ends at the first head, where reading goes on: linear."""
        found = _LINE_HEAD.search(self.text, at, resume)
        return resume if found is None else found.start() + 1

    def _name_skipped(self, at: int, resume: int, owner: str) -> None:
        """Reports each entry whose head lies in the text from ``at`` to
        ``resume``, skipped with the broken command at ``at``: none is lost
        without a word."""
        message = f"entry skipped: it lies within {owner} (line {self.lines.at(at)})"
        for head in _SKIPPED_HEAD.finditer(self.text, at + 1, resume):
            if head.group(1).lower() not in ("comment", "preamble", "string"):
                self.report(head.start(), "error", message, head.group(2))


def _comment_ends(text: str, start: int) -> dict[int, int]:
    """Where each ``@comment{`` from ``start`` on ends: the offset of its
    opening brace to that of its closing one, when it has one."""
    wanted = {found.end() - 1 for found in _COMMENT_OPEN.finditer(text, start)}
    ends: dict[int, int] = {}
    opened: list[tuple[int, int]] = []  # (depth inside, offset) of comments open
    depth = 0
    for match in _BRACES_ONLY.finditer(text, start):
        if match.group() == "{":
            depth += 1
            if match.start() in wanted:
                opened.append((depth, match.start()))
        else:
            depth -= 1
            while opened and opened[-1][0] > depth:
                ends[opened.pop()[1]] = match.start()
    return ends


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
        joiner.budget += JOINED_PER_CHAR * len(text)  # the budget of all the text read so far
        parser = _Parser(text, file, macros, diagnostics, unnamed, keys, joiner)
        parser.parse()
        entries.extend(parser.entries)
        preambles.extend(parser.preambles)
    return Bibliography(tuple(entries), dict(macros), tuple(preambles), tuple(diagnostics))
