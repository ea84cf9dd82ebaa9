"""How names are shown: ``--name-style`` and ``--max-authors``.

Styles, for "Jean-Paul Sartre" and "Antonio de la Oliva":

* ``full``: as written in the .bib ("Jean-Paul Sartre", "Antonio de la Oliva");
* ``initials``: "J.-P. Sartre", "A. de la Oliva";
* ``family-first``: "Sartre, J.-P.", "de la Oliva, A." (as BibTeX's
  ``{vv~}{ll}{, jj}{, f.}``);
* ``family-first-full``: "Sartre, Jean-Paul", "de la Oliva, Antonio".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from bib2pubs.lazyre import lazy
from bib2pubs.model import Person
from bib2pubs.names.fold import expand_initials
from bib2pubs.names.parts import NameParts

NAME_STYLES: Final = ("full", "initials", "family-first", "family-first-full")

# BibTeX's way to make a two-letter initial: "{\relax Th}omas" is "Th.".
_RELAX: Final = lazy(r"\{\\relax\s*([^{}]*)\}\S*")
_LETTER: Final = lazy(r"[^\W\d_]", re.UNICODE)


def relax_initials(raw_first: str) -> str:
    """``{\\relax Th}omas`` → ``Th.`` in a raw, undecoded given name."""
    return _RELAX.sub(lambda match: match.group(1).strip() + ".", raw_first)


def initials(given: str) -> str:
    """ "Jean-Paul" → "J.-P.", "Hans Peter" → "H. P.", "H.P." → "H. P.";
    a word already abbreviated ("Th.", "Wm.") stays as it is."""
    words = []
    for word in re.split(r"\s+|(?<=\.)(?=[^\s.\-])", given.strip()):
        if not word:
            continue
        pieces = []
        for piece in re.split(r"[-‐‑]", word):
            letter = _LETTER.search(piece)
            if piece.endswith(".") or letter is None:
                pieces.append(piece)
            else:
                pieces.append(f"{letter.group()}.")
        words.append("-".join(pieces))
    return " ".join(words)


def format_name(parts: NameParts, style: str = "full", shouting: bool = False) -> str:
    """One decoded name in ``style``. ``shouting`` says the name is typed in
    capitals, where "LI" is a name and not the initials L. I."""
    von, last = parts.von, parts.last
    family = f"{von} {last}" if von and last else von or last
    first = parts.first
    if style in ("initials", "family-first"):
        first = initials(expand_initials(first, shouting))
    if style in ("family-first", "family-first-full"):
        return ", ".join(part for part in (family, parts.jr, first) if part)
    main = f"{first} {family}" if first and family else first or family
    return f"{main}, {parts.jr}" if parts.jr else main


def shorten(people: Sequence[Person], limit: int | None) -> list[Person | None]:
    """At most ``limit`` names, None marking each gap ("…"): the first
    ``limit - 1`` and the last, plus every highlighted person wherever they
    stand ("A, B, …, **Me**, …, Z"). A gap of one name is shown instead."""
    if not limit or limit < 1 or len(people) <= limit:
        return list(people)
    keep = set(range(limit - 1)) | {len(people) - 1} if limit > 1 else {0}
    keep |= {index for index, person in enumerate(people) if person.highlight}
    shown: list[Person | None] = []
    index = 0
    while index < len(people):
        if index in keep:
            shown.append(people[index])
            index += 1
            continue
        gap_end = index
        while gap_end < len(people) and gap_end not in keep:
            gap_end += 1
        if gap_end - index == 1:
            shown.append(people[index])
        else:
            shown.append(None)
        index = gap_end
    return shown
