"""Names made comparable: folded parts, particles, suffixes and initials.

The pieces ``names.match`` compares. Folding removes what varies between
exporters and never between people: accents, case, dots, hyphen and
apostrophe kinds, and letters with no decomposition (ł, ø, đ, ı, æ…).
"""

from __future__ import annotations

import functools
import unicodedata
from typing import Final

from bib2pubs.lazyre import lazy
from bib2pubs.names.parts import NameParts, split_name

_HYPHEN_RUN: Final = lazy(r"\s*[-‐‑‒–—]\s*")
_UNIT_BREAK: Final = lazy(r"\s+|\.(?!-)")
_SEPARATORS: Final = lazy(r"[\s.\-‐‑‒–—_'’‘ʼ`]+")
# Letters NFKD leaves alone: "Łukasz" is DBLP's "Lukasz".
_PLAIN_LETTERS: Final = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ı": "i", "ð": "d", "Ð": "D", "ħ": "h"}
    | {"æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "þ": "th", "Þ": "TH", "ŀ": "l"}
)
#: Words that start a family name ("van der Berg", "de la Oliva", "bin Abdullah").
PARTICLES: Final = frozenset(
    {"da", "das", "de", "del", "della", "dei", "degli", "der", "den", "des", "di", "do", "dos", "du", "dal"}
    | {"el", "la", "las", "le", "les", "lo", "van", "vander", "von", "vom", "zum", "zur", "zu", "ten", "ter"}
    | {"y", "al", "bin", "bint", "ibn", "ben", "abu", "af", "ap"}
)
_SUFFIXES: Final = frozenset({"jr", "sr", "ii", "iii", "iv"})
# DBLP's number for namesakes ("Wei Wang 0001"), wherever an export put it.
_DBLP_NUMBER: Final = lazy(r"(?:^|\s)\d{4}(?=\s|$)")


@functools.lru_cache(maxsize=1 << 15)
def fold(text: str) -> str:
    """A form for comparing names: no accents, case, dots or hyphen kinds."""
    # ASCII has nothing to decompose: the common case, and fast.
    plain = text.casefold() if text.isascii() else plain_folded(text)
    return " ".join(_SEPARATORS.sub(" ", plain).split())


#: Each character met as ``_plain_character`` folds it, by code point.
_PLAIN_CHARACTERS: Final[dict[int, str]] = {}
_PLAIN_KNOWN: Final[set[str]] = set()


def plain_folded(text: str) -> str:
    """``text`` without accents and case, its separators kept (``fold``
    tidies them), made character by character: each step (the plain
    letters, NFKD, dropping combining marks, casefolding) maps a character
    alone, and NFKD's reordering moves only the combining marks that are
    then dropped (tests/test_speed_hot.py). Each character is folded once
    per run."""
    for character in set(text).difference(_PLAIN_KNOWN):
        _PLAIN_CHARACTERS[ord(character)] = _plain_character(character)
        _PLAIN_KNOWN.add(character)
    return text.translate(_PLAIN_CHARACTERS)


def _plain_character(text: str) -> str:
    """``text`` without accents and case: the careful way, for any text."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_PLAIN_LETTERS))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


@functools.lru_cache(maxsize=1 << 15)
def units(text: str) -> tuple[tuple[str, ...], ...]:
    """The folded parts of a name, grouped as written: a hyphen joins parts
    into one unit ("Chao-Yi", "C.-Y."), blanks and periods separate units
    ("H. P.", "H.P."). Cached: co-authors recur across a bibliography."""
    text = _HYPHEN_RUN.sub("-", text)
    result = []
    for token in _UNIT_BREAK.split(text):
        unit = tuple(part for piece in token.split("-") for part in fold(piece).split())
        if unit:
            result.append(unit)
    return tuple(result)


@functools.lru_cache(maxsize=1 << 12)
def particle_flags(text: str) -> tuple[bool, ...]:
    """For each part ``units`` finds in ``text`` (given names and von):
    whether it is a particle that starts the family name. Lower-case
    particles always do ("de", "van"); capitalised ones ("Di Caprio",
    "Van Berg") unless they are the first word, a given name ("Al Gore")."""
    flags: list[bool] = []
    for index, token in enumerate(_UNIT_BREAK.split(_HYPHEN_RUN.sub("-", text.strip()))):
        for piece in token.split("-"):
            lower = piece[:1].islower()
            flags.extend(is_particle(part, lower, index) for part in fold(piece).split())
    return tuple(flags)


def is_particle(part: str, lower: bool, position: int) -> bool:
    """Whether a folded word starts a family name: a particle in lower case,
    or capitalised but not first ("Marco Di Caprio"); a capital letter
    alone is an initial, not the Spanish "y"."""
    return part in PARTICLES and (lower or (position > 0 and len(part) > 1))


def expand_initials(given: str, shouting: bool) -> str:
    """Given names typed as run-together capitals ("JD", "PN", as Scopus and
    PubMed write them) as separate initials ("J. D."). Not in a name typed
    all in capitals, where "LI" or "ANA" are names."""
    if shouting:
        return given
    words = []
    for word in given.split():
        if 2 <= len(word) <= 3 and word.isalpha() and word.isupper():
            word = " ".join(f"{letter}." for letter in word)
        words.append(word)
    return " ".join(words)


def is_shouting(parts: NameParts) -> bool:
    """Whether the whole name is typed in capitals."""
    letters = f"{parts.first}{parts.von}{parts.last}"
    return not any(map(str.islower, letters))


def comparable(parts: NameParts) -> NameParts:
    """Decoded parts as a name is meant, for comparing: a name braced whole
    ("{Chao Jin}") split after all, a suffix BibTeX took for the family
    name ("Guy L. Steele Jr.", "Steele Jr., Guy L.") moved to jr, and DBLP's
    homonym numbers dropped."""
    if not parts.first and not parts.von and " " in parts.last.strip():
        parts = split_name(parts.last)
    first = _DBLP_NUMBER.sub(" ", parts.first).strip()
    last = _DBLP_NUMBER.sub(" ", parts.last).strip()
    if not last and first and not parts.von:  # "Wei Wang 0001", "0001, Wei Wang"
        given = first.split()
        first, last = " ".join(given[:-1]), given[-1]
    jr = parts.jr
    words = last.split()
    if words and fold(words[-1]) in _SUFFIXES:
        if len(words) > 1:
            last, jr = " ".join(words[:-1]), jr or words[-1]
        elif first and not parts.von:
            given = first.split()
            if len(given) > 1:
                first, last, jr = " ".join(given[:-1]), given[-1], jr or words[0]
    return NameParts(first, parts.von, last, jr)
