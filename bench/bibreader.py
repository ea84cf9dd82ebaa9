"""A small .bib reader of the bench's own, so that what bib2pubs reads (or
misreads) cannot shape the inputs it is timed on."""

from __future__ import annotations

import gzip
import lzma
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_AT = re.compile(r"@\s*([A-Za-z][\w-]*)\s*([{(])")
_DELIMITER = re.compile(r'[{}()"]')
_QUOTED = re.compile(r'[{}"]')
_SPACE = re.compile(r"\s*")
#: An entry's first line inside another item: that item never closed.
_ENTRY_START = re.compile(r"\n\s*@\s*[A-Za-z][\w-]*\s*[{(]\s*[^\s,{}()]+\s*,")
_HEAD = re.compile(r"@\s*([A-Za-z][\w-]*)\s*[{(]\s*([^\s,{}()\"#%'=\\]+)\s*,")
_FIELD = re.compile(r"[\s,]*([^\s=,{}\"#%'()]+)\s*=\s*")
_WORD = re.compile(r"[^\s,#{}\"()=%]+")


@dataclass
class Entry:
    kind: str
    key: str
    #: Field name (lower case) to the value's parts, as written, joined by '#'.
    fields: dict[str, list[str]]

    @property
    def parent(self) -> str | None:
        """The key (lower case) this entry cross-refers to, if it does."""
        crossref = self.fields.get("crossref")
        return crossref[0].strip('{}"').lower() if crossref else None

    def text(self) -> str:
        body = "".join(f",\n  {name} = {' # '.join(parts)}" for name, parts in self.fields.items())
        return f"@{self.kind}{{{self.key}{body}\n}}\n"


def bib_items(text: str) -> Iterator[tuple[str, str | None]]:
    """Each @-item of a .bib text: its type in lower case, and its text, or
    None where it never closes (it is then read up to the next entry's
    first line). Text outside items is a comment, as BibTeX reads it."""
    pos = 0
    while match := _AT.search(text, pos):
        end = _closing(text, match.end(), match.group(2))
        inner = _ENTRY_START.search(text, match.end(), end or len(text))
        if end is None or inner:
            yield match.group(1).lower(), None
            pos = inner.start() if inner else match.end()
            continue
        yield match.group(1).lower(), text[match.start() : end]
        pos = end


def _closing(text: str, start: int, opener: str) -> int | None:
    """Where the item opened at ``start`` ends (just past its delimiter); in
    an item opened with '(', a ')' inside a quoted value does not end it."""
    depth, quoted = 0, False
    for match in _DELIMITER.finditer(text, start):
        char = match.group()
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return match.end() if opener == "{" else None
            depth -= 1
        elif depth == 0 and opener == "(":
            if char == '"':
                quoted = not quoted
            elif char == ")" and not quoted:
                return match.end()
    return None


def parse_entry(item: str) -> Entry | None:
    head = _HEAD.match(item)
    if not head:
        return None
    fields = _fields(item[head.end() : -1])
    return Entry(head.group(1), head.group(2), fields) if fields is not None else None


def _fields(body: str) -> dict[str, list[str]] | None:
    """``name = value, ...``; a repeated field keeps its first value, as
    BibTeX does. None where the text is not a list of fields."""
    fields: dict[str, list[str]] = {}
    pos = 0
    while match := _FIELD.match(body, pos):
        parts, pos = parse_value(body, match.end())
        if parts is None:
            return None
        fields.setdefault(match.group(1).lower(), parts)
    return fields if not body[pos:].strip(" \t\r\n,") else None


def parse_value(body: str, pos: int) -> tuple[list[str] | None, int]:
    """A field's value: braced, quoted, number or macro parts joined by '#'."""
    parts = []
    while True:
        pos = _skip_space(body, pos)
        end = _part_end(body, pos)
        if end is None:
            return None, pos
        parts.append(body[pos:end])
        pos = _skip_space(body, end)
        if not body.startswith("#", pos):
            break
        pos += 1
    return (parts if pos == len(body) or body[pos] == "," else None), pos


def _skip_space(text: str, pos: int) -> int:
    match = _SPACE.match(text, pos)
    return match.end() if match else pos


def _part_end(body: str, pos: int) -> int | None:
    if body.startswith("{", pos):
        return _closing(body, pos + 1, "{")
    if body.startswith('"', pos):
        depth = 0
        for match in _QUOTED.finditer(body, pos + 1):
            char = match.group()
            if char == '"' and depth == 0:
                return match.end()
            depth += {"{": 1, "}": -1}.get(char, 0)
        return None
    word = _WORD.match(body, pos)
    return word.end() if word else None


def is_macro(part: str) -> bool:
    return not part.startswith(("{", '"')) and not part.isdigit()


def read_bib(path: Path) -> str:
    """A file's text: UTF-8, else Latin-1 (as texlive's older German
    examples are written)."""
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    elif path.suffix == ".xz":
        data = lzma.decompress(data)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


@cache
def census(path: Path) -> tuple[list[str], frozenset[str]]:
    """A file's entries' keys, and those (lower case) other entries cross-refer to."""
    entries = [
        entry
        for kind, item in bib_items(read_bib(path))
        if kind not in ("string", "preamble", "comment") and item and (entry := parse_entry(item))
    ]
    keys = [entry.key for entry in entries]
    parents = {entry.parent for entry in entries if entry.parent}
    return keys, frozenset(parents & {key.lower() for key in keys})
