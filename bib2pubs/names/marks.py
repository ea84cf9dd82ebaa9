"""Marks on authors: equal contribution, corresponding author, daggers.

Read from three places, so that no user has to rewrite an entry:

* biblatex name annotations, the standard idiom:
  ``author+an = {1=equal;3=corresponding}`` (also ``2=highlight``);
* signs typed into names (``Zhu*, Ruidong``, ``Jin$^\\dagger$``), taken out
  of the name by ``names.people.clean_name``;
* for new entries, one field per mark, naming the authors by position or
  by name: ``equal = {1, 2}``, ``corresponding = {Chao Jin}``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Final

from bib2pubs.lazyre import lazy

EQUAL: Final = "equal"
CORRESPONDING: Final = "corresponding"
DAGGER: Final = "dagger"
#: The annotation (``author+an = {2=highlight}``) that highlights a person.
HIGHLIGHT: Final = "highlight"

#: The simple fields, and the mark each one gives.
MARK_FIELDS: Final = {"equal": EQUAL, "corresponding": CORRESPONDING}

_ANNOTATION: Final = lazy(r"\s*(\d+)\s*(?::[^=;]*)?=\s*([^;]*)")
_MARK_ALIASES: Final = {
    "equal": EQUAL,
    "equalcontribution": EQUAL,
    "corresponding": CORRESPONDING,
    "corr": CORRESPONDING,
}
_POSITIONS: Final = lazy(r"\s*(\d+)\s*(?:[-–]\s*(\d+)\s*)?")

Marks = dict[int, tuple[str, ...]]


def parse_annotations(annotation: str) -> Marks:
    """biblatex name annotations (``author+an = {1=equal;3=corresponding}``)
    by one-based author position. Unknown annotations are kept as written."""
    marks: Marks = {}
    for item in annotation.split(";"):
        match = _ANNOTATION.fullmatch(item)
        if not match:
            continue
        names = [word.strip().lower() for word in match.group(2).split(",") if word.strip()]
        position = _position(match.group(1))
        marks[position] = marks.get(position, ()) + tuple(_MARK_ALIASES.get(name, name) for name in names)
    return marks


def parse_mark_fields(
    fields: Mapping[str, str], count: int, position_of: Callable[[str], int | None]
) -> tuple[Marks, list[str]]:
    """Marks from ``equal = {1, 2}`` and ``corresponding = {Chao Jin}``.

    Items are separated by commas or "and"; an item is a position, a range
    ("1-3") or a name, which ``position_of`` finds among the ``count``
    authors. Returns the marks and a problem for each item that names nobody.
    """
    marks: Marks = {}
    problems: list[str] = []
    for field, mark in MARK_FIELDS.items():
        value = fields.get(field, "").strip().strip("{}").strip()
        if not value:
            continue
        for item in re.split(r",|;|\s+and\s+", value):
            item = item.strip()
            if not item:
                continue
            numbers = _POSITIONS.fullmatch(item)
            if numbers:
                low = _position(numbers.group(1))
                high = _position(numbers.group(2)) if numbers.group(2) else low
                # Within the list: a range as wide as its digits allow would take forever.
                positions = list(range(max(low, 1), min(high, count) + 1))
            else:
                found = position_of(item)
                positions = [found] if found else []
            if not positions:
                problems.append(f"{field} = {{{item}}}: no such author in the list of {count}")
            for position in positions:
                if mark not in marks.get(position, ()):
                    marks[position] = (*marks.get(position, ()), mark)
    return marks, problems


def _position(digits: str) -> int:
    """A position as written; one too long to be any author's is past the
    list (and would be an error for ``int``, past 4,300 digits)."""
    return int(digits) if len(digits) < 10 else 10**9


def merge(*sources: Marks | None) -> Marks:
    """All marks by position, each once, in the order first given."""
    merged: Marks = {}
    for source in sources:
        for position, marks in (source or {}).items():
            merged[position] = tuple(dict.fromkeys((*merged.get(position, ()), *marks)))
    return merged
