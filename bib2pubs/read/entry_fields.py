"""An entry's fields, after its key: ``name = value``, separated by commas.

Most fields are read in one match each (the fast path); the rest, and any
slip, part by part with every problem reported (the careful path), and the
two agree (tests hold them together). An entry that fails is read once more
with ``\\{`` and ``\\}`` as literal braces, and fields cut off by a stray
closing brace are taken back. Kept apart from the top level because this is
where most of the reading time goes, and most of the ways a file breaks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Final

from bib2pubs.lazyre import compiled, lazy
from bib2pubs.read.scanner import ENTRY_HEAD, Broken
from bib2pubs.read.values import FIELD_NAME, POSSESSIVE, ValueReader, fast_parts

_SWALLOWED_FIELD: Final = lazy(r"[\n,][ \t]*[A-Za-z][\w\-:+]*[ \t]*=[ \t]*[{\"\d]")
# After an entry: "," or blanks, then "name = value" — fields cut off by a stray "}".
_STRAY_FIELDS: Final = lazy(r"[ \t]*,?\s*[A-Za-z][\w\-:+]*[ \t]*=[ \t]*[{\"\w]")
_COMMAS: Final = lazy(r"[\s,]*")


def _fast_field(close: str) -> re.Pattern[str]:
    """A whole field in its commonest forms, up to where the next field or
    the entry's end is certain: ``name = part`` or ``name = part # part…``
    (parts in the forms ``fast_parts`` gives), followed by ``,`` or the closing
    delimiter, which the match takes in when it ends the entry. Groups: the
    name; the value braced, quoted, a word, or parts joined by "#"; the end.
    A comment between fields, or a slip the careful path reports, does not
    match here. Each run of blanks, commas or name characters is
    possessive, as in ``nested``: what may follow it is never a character
    it takes."""
    any_part = "(?:" + "|".join(fast_parts("(?:")) + ")"
    blanks = r"\s*" + POSSESSIVE
    separators = r"[\s,]*" + POSSESSIVE
    name = r"([^\s=,{}()\"#%@]+" + POSSESSIVE + ")"
    joined = "(" + any_part + "(?:" + blanks + "#" + blanks + any_part + ")+)"
    value = "(?:" + "|".join([*fast_parts("("), joined]) + ")"
    end = re.escape(close)
    head = separators + name + blanks + "=" + blanks
    tail = blanks + "(?=[," + end + "])(?:" + separators + "(" + end + "))?"
    return compiled(head + value + tail)


# Compiled for "(…)"-delimited entries only when a file has one: each
# pattern takes a millisecond or two to compile, a tenth of a small run.
_FAST_FIELD = {"}": _fast_field("}")}


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


class FieldReader(ValueReader):
    """Reads the fields of an entry; ``bibtex._Parser`` reads the rest."""

    #: Each field name as written -> lower case: a file writes a few names
    #: over and over, and one string for each serves every entry's fields
    #: (no new string made, hashed and kept per field).
    field_names: dict[str, str]

    def _fields_after_stray_close(
        self, at: int, pos: int, close: str, key: str, fields: dict[str, str], field_lines: dict[str, int]
    ) -> int:
        """``title = {A}},`` closes the entry early and BibTeX drops the
        fields after it. When what follows reads as fields, keep them."""
        if not _STRAY_FIELDS.match(self.text, pos):
            return pos
        result = self._attempt(at, pos, close, key)
        if isinstance(result, Broken):
            self.report(pos, "warning", f"text after the entry looks like fields; a stray '{close}'?", key or None)
            return pos
        more_fields, more_lines, end = result
        self.report(pos - 1, "warning", f"a stray '{close}' closed the entry early; the fields after it are kept", key)
        for name, value in more_fields.items():
            if name not in fields:
                fields[name], field_lines[name] = value, more_lines[name]
        return end

    def _attempt(self, at: int, pos: int, close: str, key: str) -> _Fields | Broken:
        """Reads fields from ``pos``: their values, their lines and where they
        end; or, when that fails, the failure, with the diagnostics made on the
        way taken back so that a second reading reports afresh."""
        mark = len(self.diagnostics)
        fields: dict[str, str] = {}
        field_lines: dict[str, int] = {}
        try:
            end = self._fields(at, pos, close, key, fields, field_lines)
        except Broken as broken:
            del self.diagnostics[mark:]
            return broken
        return fields, field_lines, end

    def _retry_with_literal_braces(
        self, at: int, after_key: int, close: str, key: str, broken: Broken
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
        if isinstance(result, Broken):
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
        word_values = self.word_values
        field_names = self.field_names
        careful_next = False  # the next field is one the fast path gave up on
        while True:
            found = fast(text, pos) if fast is not None and not careful_next else None
            careful_next = False
            while found is not None:
                name, value, quoted, word, joined, ends_entry = found.groups()
                lowered = field_names.get(name)
                if lowered is None:
                    lowered = field_names[name] = name.lower()
                name = lowered
                if value is None:
                    if quoted is not None:
                        value = quoted
                    elif word is not None:
                        value = word_values.get(word)
                        if value is None:
                            value = self._word_fast(word, found.start(4), key or None)
                    else:
                        value = self._joined_fast(joined, found.start(5), key or None)
                        if value is None:  # too long: the careful path cuts and reports it
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
            if pos >= n or (text[pos] == "@" and ENTRY_HEAD.match(text, pos)):
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
            name_match = FIELD_NAME.match(text, pos)
            if name_match is None:
                raise Broken(f"unexpected {char!r} where a field was expected", self._resume(pos), pos)
            name = name_match.group().lower()
            name_pos = pos
            pos = self._skip_space(name_match.end())
            if pos >= n or text[pos] != "=":
                raise Broken(f"expected '=' after field '{name}'", self._resume(pos), pos)
            value, pos = self._value(pos + 1, key or None, f"field '{name}'")
            if name in fields:
                self.report(name_pos, "warning", f"duplicate field '{name}'; the first value is kept", key or None)
            else:
                fields[name] = value
                field_lines[name] = name_pos
                last = name
            pos = self._skip_space_and_comments(pos)
            if pos < n and text[pos] not in (",", close) and FIELD_NAME.match(text, pos):
                self.report(pos, "warning", f"missing ',' after field '{name}'", key or None)

    def _unclosed(
        self, at: int, close: str, key: str, last: str | None, fields: dict[str, str], offsets: dict[str, int]
    ) -> None:
        """An entry ran into the next one or the end of the file. If its last
        value swallowed lines that look like fields, a brace is missing in
        it: the entry is skipped rather than shown with a garbled value."""
        if last is not None and _SWALLOWED_FIELD.search(fields[last]):
            raise Broken(f"unbalanced braces in field '{last}'", self._resume(offsets[last]), offsets[last])
        self.report(at, "warning", f"entry not closed with '{close}'", key or None)
