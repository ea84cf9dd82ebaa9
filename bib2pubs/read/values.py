"""Values, as fields, ``@string`` and ``@preamble`` hold them: {braced},
"quoted", a number or a macro, or such parts joined by ``#``.

Macros are expanded here: the file's own ``@string`` ones and those every
style defines (the month names and some journals). What joining builds is
held to a budget, so that macros that double each other cannot fill the
memory. Kept apart from the fields of entries because ``@string`` and
``@preamble`` read values too, and reading a file in two processes
(``two_processes``) shares these limits and patterns.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Final

from bib2pubs.lazyre import lazy
from bib2pubs.read.scanner import BRACE_SCAN, ENTRY_HEAD, ESCAPED_BRACE_SCAN, TYPE, Broken, Scanner

#: The longest value macro concatenation may build (a 5 MB abstract is fine).
MAX_VALUE = 10_000_000
#: And what it may build in all, beyond ``MAX_VALUE``, per character read:
#: macros that double each other would otherwise fill the memory with
#: values of ``MAX_VALUE`` one after the other. Real files build a small
#: fraction of their own size (see ``join_budget``).
JOINED_PER_CHAR = 8

#: Macros every BibTeX style defines (plain.bst and friends).
STANDARD_MACROS: Final[Mapping[str, str]] = {
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
# An entry's head at the start of a line inside a value, named in a report:
# its type, its opening delimiter and its key, which a "," or "}" follows
# (not "@Scale (2019)", an event's name, which "(" and ")" around a word
# would make an entry's head).
_HEAD_IN_VALUE: Final = lazy(r"\n[ \t]*@[ \t]*(" + TYPE + r")\s*([{(])[ \t]*([^\s,{}()=\"]*)\s*[,}]")
READ_AS_TEXT: Final = "a line inside "  # how the report on such a head begins
_LITERAL_WORDS: Final = frozenset({"true", "false", "yes", "no"})
FIELD_NAME: Final = lazy(r"[^\s=,{}()\"#%@]+")
_BARE_WORD: Final = lazy(r"[^\s,#{}()\"=%]+")


#: What makes a loop possessive: "+" after "*" or "+" (Python 3.11 on).
#: Python 3.10 reads "*+" as an error; its loops stay greedy there, which
#: matches the same text, only with backtracking points kept.
POSSESSIVE: Final = "+" if sys.version_info >= (3, 11) else ""


def nested(inner: str, depth: int, grouped: str = "[^{}@]") -> str:
    """Braces nested ``depth`` deep, holding ``grouped`` characters, around
    text of ``inner`` characters, written as an unrolled loop: no two
    branches can match the same text, so a failing match backtracks in
    linear time. The loops are possessive (they never give back what they
    took), which matches the same text as greedy ones would: a character
    given back is one of ``inner`` or ``grouped``, never the brace or the
    closing delimiter that would have to follow. Python's engine then keeps
    no backtracking points, a quarter of the fast path's matching time."""
    many = "*" + POSSESSIVE
    group = r"\{" + grouped + many + r"\}"
    for _ in range(depth - 1):
        group = r"\{" + grouped + many + "(?:" + group + grouped + many + ")" + many + r"\}"
    return inner + many + "(?:" + group + inner + many + ")" + many


# One part of a value, as the fast path reads it: {braced}, "quoted" (with
# balanced braces, not ended by an escaped \"), or a bare word (a number
# or a macro). A part with "@" in it (which may start a new entry) or with
# braces nested deeper takes the careful path.
def fast_parts(group: str) -> list[str]:
    """The three forms of a part, each with its text in ``group`` ("(" to
    capture it, "(?:" not to)."""
    return [
        r"\{" + group + nested("[^{}@]", 3) + r")\}",
        r"\"" + group + nested('[^"{}@]', 3) + r")(?<!\\)\"",
        group + r"[^\s,#{}()\"=%]+" + POSSESSIVE + ")",
    ]


_FAST_PART = lazy(r"\s*(?:" + "|".join(fast_parts("(")) + r")\s*#?")


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


class ValueReader(Scanner):
    """Reads values, and the ``@preamble`` and ``@string`` commands that
    are one value each; the parser sets the attributes."""

    macros: dict[str, str]
    preambles: list[str]
    joiner: Joiner
    #: Values of bare words and of parts joined by "#", by how they are
    #: written, while no macro is defined: the same text gives the same
    #: value (a file may write ``ack-nhfb # " and " # ack-bnb`` or
    #: ``j-TUGboat`` in every entry). Only what made no report is kept.
    word_values: dict[str, str]
    joined_values: dict[str, str]

    # -- @preamble and @string -----------------------------------------------

    def _preamble(self, open_pos: int) -> int:
        close = self._closer(open_pos)
        value, pos = self._value(open_pos + 1, None, "@preamble")
        self.preambles.append(value)
        pos = self._skip_space(pos)
        if pos < self.n and self.text[pos] == close:
            return pos + 1
        raise Broken(f"@preamble: expected '{close}'", self._resume(pos), pos)

    def _string(self, open_pos: int) -> int:
        close = self._closer(open_pos)
        pos = self._skip_space(open_pos + 1)
        name = FIELD_NAME.match(self.text, pos)
        if name is None:
            raise Broken("@string: expected a macro name", self._resume(pos), pos)
        pos = self._skip_space(name.end())
        if pos >= self.n or self.text[pos] != "=":
            raise Broken("@string: expected '=' after the name", self._resume(pos), pos)
        value, pos = self._value(pos + 1, None, f"@string {name.group()}")
        self.macros[name.group().lower()] = value
        self.word_values.clear()
        self.joined_values.clear()
        pos = self._skip_space(pos)
        if pos < self.n and self.text[pos] == close:
            return pos + 1
        if pos < self.n and self.text[pos] == ",":
            # Some files define several macros in one @string; BibTeX does not.
            self.report(pos, "warning", "@string defines one macro; text after ',' ignored")
            return self._resume(pos)
        raise Broken(f"@string: expected '{close}'", self._resume(pos), pos)

    # -- values ----------------------------------------------------------

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
                raise Broken(f"{what}: value missing at end of file", n, pos)
            char = text[pos]
            if char == "{":
                end = self._balanced_end(pos, ESCAPED_BRACE_SCAN if self.escaped else BRACE_SCAN)
                if end is None:
                    raise Broken(f"unbalanced braces in {what}", self._resume(pos), pos)
                part = self._literal(text[pos + 1 : end])
                if "@" in part:
                    self._entries_read_as_text(pos, end, key, what)
            elif char == '"':
                end = self._quoted_end(pos, what)
                part = self._literal(text[pos + 1 : end])
                if "@" in part:
                    self._entries_read_as_text(pos, end, key, what)
            elif char == "@" and ENTRY_HEAD.match(text, pos):
                # Not a macro named "@article": the value is missing, and an entry starts here.
                raise Broken(f"{what}: value missing", pos, pos)
            else:
                word = _BARE_WORD.match(text, pos)
                if word is None:
                    raise Broken(f"{what}: expected a value, found {char!r}", self._resume(pos), pos)
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
            message = f"{READ_AS_TEXT}{what} starts an entry ({shown}); read as text of {noun}, as BibTeX does"
            self.report(head.start(1), "warning", message, key)

    def _literal(self, value: str) -> str:
        if self.escaped:
            # Spelled so that later stages, which count braces as BibTeX
            # does, see a balanced value.
            return value.replace("\\{", "\\textbraceleft{}").replace("\\}", "\\textbraceright{}")
        return value

    def _word_fast(self, word: str, pos: int, key: str | None) -> str:
        """``_macro`` for the bare word at ``pos``, remembered when it made no report."""
        mark = len(self.diagnostics)
        value = self._macro(word, pos, key)
        if len(self.diagnostics) == mark:
            self.word_values[word] = value
        return value

    def _joined_fast(self, written: str, start: int, key: str | None) -> str | None:
        """``_joined`` for the parts ``written`` from ``start``, with what it
        reports; a value it made without a word is remembered, and the next
        time counted against the budget as ``_joined`` counts it."""
        value = self.joined_values.get(written)
        if value is None:
            mark = len(self.diagnostics)
            value = self._joined(start, start + len(written), key)
            if value is None:
                del self.diagnostics[mark:]  # the careful path reports afresh
            elif len(self.diagnostics) == mark:
                self.joined_values[written] = value
            return value
        if len(value) > self.joiner.room(len(written)):
            return None
        self.joiner.used += len(value)
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
