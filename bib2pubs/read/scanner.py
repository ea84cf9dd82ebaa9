"""Scanning BibTeX text: where an entry's head is, where a brace, a quote
or a comment closes, and where reading goes on after a broken command.

These searches know nothing of what a value means; the readers of values,
fields and entries build on them. Kept apart because they bound the work a
broken file costs: each stops at an entry's head, so that a missing brace
ends its value at the heads that follow rather than making every later
value scan to the end of the file.
"""

from __future__ import annotations

import re
from typing import Final

from bib2pubs.lazyre import lazy
from bib2pubs.model import Diagnostic, Level

# Entry types as BibTeX allows them: a letter or "_", then anything but
# white space and the characters that delimit entries and fields.
TYPE: Final = r"[A-Za-z_][^\s{}(),=\"#%'@]*"
ENTRY_HEAD: Final = lazy(r"@\s*(" + TYPE + r")\s*([{(])")
# An entry's head where a runaway value or a broken entry may run into
# it: at the start of a line, or within one when a key and a comma follow
# ("… } @misc{key, …": a file written on one line).
_HEAD_AT_LINE: Final = r"\n[ \t]*@[ \t]*" + TYPE + r"\s*"
_HEAD_IN_LINE: Final = r"@[ \t]*" + TYPE + r"\s*"
_KEYED: Final = r"[{(]\s*[^\s,{}=\"]+\s*,"
# Scans of values count heads, and leave the brace after one to count as a brace.
_SCAN_HEAD: Final = _HEAD_AT_LINE + r"(?=[{(])|" + _HEAD_IN_LINE + "(?=" + _KEYED + ")"
BRACE_SCAN: Final = lazy(r"[{}]|" + _SCAN_HEAD)
ESCAPED_BRACE_SCAN: Final = lazy(r"\\[{}]|[{}]|" + _SCAN_HEAD)
_QUOTE_SCAN: Final = lazy(r'[{}"]|' + _SCAN_HEAD)
_ESCAPED_QUOTE_SCAN: Final = lazy(r'\\[{}]|[{}"]|' + _SCAN_HEAD)
_BRACES_ONLY: Final = lazy(r"[{}]")
_NEXT_ENTRY_RE: Final = lazy(_HEAD_AT_LINE + "[{(]|" + _HEAD_IN_LINE + _KEYED)
# A line that starts an entry's head, whatever follows it ("@article{good}"
# has no comma): a broken command never reads past one.
_LINE_HEAD: Final = lazy(_HEAD_AT_LINE + "[{(]")
# An entry's head in text a broken entry took with it, named in a report.
_SKIPPED_HEAD: Final = lazy(r"@[ \t]*(" + TYPE + r")\s*[{(]\s*([^\s,{}=\"]+)\s*,")
_COMMENT_OPEN: Final = lazy(r"@\s*comment\s*\{", re.IGNORECASE)
# How many heads a value may hold before it counts as unclosed: this bounds
# the work a missing brace costs (each broken value would otherwise be
# scanned to the end of the file).
_MAX_ENTRY_LINES_IN_VALUE: Final = 16
_SPACE: Final = lazy(r"\s*")


class Lines:
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


class Broken(Exception):
    """A command (an entry, an @string, an @preamble) cannot be read; parsing resumes at ``resume``."""

    def __init__(self, message: str, resume: int, pos: int) -> None:
        super().__init__(message)
        self.message = message
        self.resume = resume
        self.pos = pos


class Scanner:
    """The text of one file, and the searches through it that every part of
    the parser makes; the parser (``bibtex._Parser``) sets the attributes."""

    text: str
    n: int
    file: str
    diagnostics: list[Diagnostic]
    lines: Lines
    escaped: bool
    comment_ends: dict[int, int] | None

    # -- reporting -------------------------------------------------------

    def report(self, pos: int, level: Level, message: str, key: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(self.file, self.lines.at(pos), key, level, message))

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

    def _balanced_end(self, open_pos: int, scan: re.Pattern[str] = BRACE_SCAN) -> int | None:
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
                    raise Broken(f"unbalanced braces in {what} (a '}}' in quotes)", self._resume(open_pos), where)
                depth -= 1
            elif token == '"':
                # ``\"`` at depth 0 is an umlaut written without braces.
                if depth == 0 and text[match.start() - 1] != "\\":
                    return match.start()
            elif token[0] != "\\":
                entry_lines += 1
                if entry_lines > _MAX_ENTRY_LINES_IN_VALUE:
                    break
        raise Broken(f'unterminated "quoted" value in {what}', self._resume(open_pos), open_pos)

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


def split_outside_braces(text: str, separators: str) -> list[str]:
    """``text`` cut at each of ``separators`` that is outside braces, as
    BibTeX groups text: "{Barnes, Noble}, Ltd" at "," is two pieces."""
    pieces, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif char in separators and depth == 0:
            pieces.append(text[start:index])
            start = index + 1
    pieces.append(text[start:])
    return pieces
