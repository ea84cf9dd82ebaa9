"""Is this author the person a ``--highlight`` names?

Names are compared on folded parts (no accents, case, dots or hyphen kinds),
never as strings, so "Leal-Taix{\\'e}, L." is "Laura Leal-Taixé" and
"Xin Jin" is not "Chao Jin". A match is *certain* when the first given
names agree in full; it is *uncertain* when it rests on an initial
("C. Jin"), a short form ("Chris" for "Christopher"), the family name
written first without a comma ("Jin Chao"), or an entry's family name with
an extra word ("Fraga Dantas, Cassio" for "Cassio Dantas"). Both are
highlighted; ``--explain`` lists the uncertain ones.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from bib2pubs.latex import latex_to_text
from bib2pubs.namesplit import NameParts, split_name
from bib2pubs.nicknames import are_nicknames

_HYPHEN_RUN = re.compile(r"\s*[-‐‑‒–—]\s*")
_UNIT_BREAK = re.compile(r"\s+|\.(?!-)")
_SEPARATORS = re.compile(r"[\s.\-‐‑‒–—_']+")
# "Frank Bennett, Jr.": a suffix after a full name (two words or more before
# the comma: "Smith, V." is an initial).
_SUFFIX = re.compile(r"^(?P<name>[^,\s]+\s[^,]+),\s*(?:jr|sr|ii|iii|iv|v)\.?$", re.I)
# Particles that start a family name; a word of these is never read as a
# middle name ("Jan van der Berg" is not "Jan Berg").
_PARTICLES = frozenset(
    {"da", "das", "de", "del", "della", "der", "des", "di", "do", "dos", "du", "el", "la", "las", "le", "les"}
    | {"lo", "van", "vander", "von", "ten", "ter", "zu", "y", "al", "bin", "ibn"}
)

INITIALS = "initials only"
NICKNAME = "a short form of the given name"
FAMILY_FIRST = "family name first, without a comma"
LONGER_FAMILY = "an extra word in the family name"
PARTICLE_MISSING = "a particle missing from the family name"


@dataclass(frozen=True, slots=True)
class Form:
    """One way of writing a name, split and folded once: the family name's
    parts and the given names, each a unit of parts ("Chao-Yi" is one unit
    of two). A form derived from the name as typed carries its ``doubt``."""

    family: tuple[str, ...]
    given: tuple[tuple[str, ...], ...]
    doubt: str = ""


@dataclass(frozen=True, slots=True)
class Pattern:
    """A person to highlight: the name as typed, its aliases, and the style
    ("self" for the user, any other name for people set apart)."""

    name: str
    style: str
    forms: tuple[Form, ...]


@dataclass(frozen=True, slots=True)
class Match:
    """How a name matched: ``doubt`` is empty when certain, else the reason."""

    doubt: str = ""

    @property
    def certain(self) -> bool:
        return not self.doubt


@functools.lru_cache(maxsize=1 << 15)
def fold(text: str) -> str:
    """A form for comparing names: no accents, case, dots or hyphen kinds."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(_SEPARATORS.sub(" ", plain.casefold()).split())


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
    return not any(char.islower() for char in letters)


def decoded(parts: NameParts) -> NameParts:
    """Each part of a split name decoded from LaTeX to text."""
    return NameParts(
        latex_to_text(parts.first),
        latex_to_text(parts.von),
        latex_to_text(parts.last),
        latex_to_text(parts.jr),
    )


def _forms(name: str) -> list[Form]:
    """A name's form, and for "de la Oliva" also "la Oliva" (exporters such
    as Crossref drop a leading particle); never the bare "Oliva", which is
    another family."""
    form = _form(name)
    forms = [form]
    for cut in range(1, len(form.family) - 1):
        if not all(part in _PARTICLES for part in form.family[: cut + 1]):
            break
        forms.append(Form(form.family[cut:], form.given, PARTICLE_MISSING))
    return forms


def _form(name: str) -> Form:
    """A name typed on the command line ("Chao Jin", "Jin, Chao", "C. Jin").

    People type "Frank Bennett, Jr." here, which BibTeX would read as a
    family name "Frank Bennett"; a trailing Jr./Sr./II… is taken off first.
    """
    suffix = _SUFFIX.match(name.strip())
    parts = decoded(split_name(suffix.group("name") if suffix else name))
    family = tuple(part for unit in units(f"{parts.von} {parts.last}") for part in unit)
    return Form(family, units(expand_initials(parts.first, is_shouting(parts))))


def make_pattern(name: str, style: str = "self", aliases: Sequence[str] = ()) -> Pattern:
    """The pattern for ``name`` and the other names the person published under."""
    return Pattern(name, style, tuple(form for each in (name, *aliases) for form in _forms(each)))


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
def _lower_particles(text: str) -> tuple[bool, ...]:
    """For each part ``units`` finds in ``text``: whether it is a particle
    written in lower case ("de", "van"), which starts a family name."""
    flags: list[bool] = []
    for token in _UNIT_BREAK.split(_HYPHEN_RUN.sub("-", text)):
        for piece in token.split("-"):
            lower = piece[:1].islower()
            flags.extend(lower and part in _PARTICLES for part in fold(piece).split())
    return tuple(flags)


def _flat(groups: Sequence[tuple[str, ...]]) -> list[tuple[str, int]]:
    """Each part with the index of its unit."""
    return [(part, index) for index, unit in enumerate(groups) for part in unit]


def _given_doubt(wanted: Sequence[tuple[str, ...]], given: Sequence[tuple[str, ...]]) -> str | None:
    """Whether given names agree: None if not, else the doubt ("" for none).

    Each part must agree in full, by initial, or as a short form; a missing
    middle name is no conflict, a different first name is, and so is half
    of a hyphenated name ("Chao" is not "Chao-Yi").
    """
    if not wanted or not given:
        return "" if not wanted and not given else None  # one name only ("Sukarno") on both sides
    a_parts, b_parts = _flat(wanted), _flat(given)
    if "".join(p for p, _ in a_parts) == "".join(p for p, _ in b_parts):
        return INITIALS if len(a_parts[0][0]) == 1 else ""  # "Liwen" and "Li-Wen"
    # Only the first given name decides certainty: "Jitao D." is "Jitao
    # David" for sure, "J. Zhang" might be any J.
    doubt = INITIALS if min(len(a_parts[0][0]), len(b_parts[0][0])) == 1 else ""
    for (a, _), (b, _) in zip(a_parts, b_parts, strict=False):
        if a == b or (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b)):
            continue
        if are_nicknames(a, b):
            doubt = doubt or NICKNAME
        else:
            return None
    shorter, longer = sorted((a_parts, b_parts), key=len)
    cut = len(shorter)
    if cut < len(longer) and longer[cut - 1][1] == longer[cut][1]:
        return None
    return doubt


def _split_given(flat: Sequence[tuple[str, int]]) -> list[tuple[str, ...]]:
    given: dict[int, tuple[str, ...]] = {}
    for part, unit in flat:
        given[unit] = (*given.get(unit, ()), part)
    return list(given.values())


def _match_form(form: Form, parts: NameParts, shouting: bool) -> str | None:
    """The doubt of matching one form against decoded ``parts``, or None.

    The family name is compared part by part from the end, so that it may
    start among the given names ("Laura Leal Taixé", "Oliva, Antonio de la")
    but never cover less than the entry's own last name ("Smith-Jones" is not
    "Jones") nor start inside a hyphenated word.
    """
    family = form.family
    first = expand_initials(parts.first, shouting)
    flat = _flat(units(f"{first} {parts.von} {parts.last}"))
    start = len(flat) - len(family)
    if not family or start < 0 or tuple(part for part, _ in flat[start:]) != family:
        return None
    if start > 0 and flat[start - 1][1] == flat[start][1]:
        return None
    if start > 0 and _lower_particles(f"{first} {parts.von}")[start - 1 : start] == (True,):
        return None  # "van der Berg" is not "Berg": the particle belongs to the family name
    doubt = _given_doubt(form.given, _split_given(flat[:start]))
    last_length = sum(len(unit) for unit in units(parts.last))
    if last_length <= len(family) or doubt is None:
        return doubt
    # The entry's family name has more words than the highlight's: "Fraga
    # Dantas" for "Dantas". Whole leading words that are no particles may be
    # a second family name; a particle starts another family ("van der Berg").
    leading = flat[len(flat) - last_length : start]
    spans = [unit for _, unit in leading]
    if len(set(spans)) != len(spans) or any(part in _PARTICLES for part, _ in leading):
        return None
    return doubt or LONGER_FAMILY


def _swapped(parts: NameParts) -> NameParts | None:
    """ "Jin Chao" or "Marshall HP" read as family name first: only for a
    two-word name without comma, von or jr, which BibTeX splits as
    first "Jin", last "Chao"."""
    if parts.von or parts.jr or len(units(parts.first)) != 1 or len(parts.last.split()) != 1:
        return None
    return NameParts(parts.last, "", parts.first, "")


def match(pattern: Pattern, parts: NameParts, comma: bool = True) -> Match | None:
    """How decoded ``parts`` name the person ``pattern`` describes, or None.

    ``comma`` says whether the name was written with a comma; without one,
    a two-word name may also be read family name first.
    """
    shouting = is_shouting(parts)
    best: Match | None = None
    for form in pattern.forms:
        doubt = _match_form(form, parts, shouting)
        if doubt is not None:
            doubt = form.doubt or doubt
        if doubt == "":
            return Match()
        if doubt is not None and best is None:
            best = Match(doubt)
    swapped = None if comma else _swapped(parts)
    if best is None and swapped is not None:
        for form in pattern.forms:
            # Read the other way round, the last word is the given name.
            doubt = _match_form(form, NameParts(expand_initials(swapped.first, shouting), "", swapped.last, ""), True)
            if doubt is not None:
                return Match(FAMILY_FIRST)
    return best


def matches(pattern: Pattern, parts: NameParts, comma: bool = True) -> bool:
    """Whether ``parts`` name the person, certainly or not."""
    return match(pattern, parts, comma) is not None


def person_matches(pattern: Pattern, written: str) -> bool:
    """Whether a name as written in a .bib (no marks) names the person."""
    return matches(pattern, decoded(split_name(written)), has_comma(written))


def has_comma(name: str) -> bool:
    """Whether a raw name is written "Last, First" (a comma outside braces)."""
    return "," in _outside_braces(name)


def _outside_braces(text: str) -> str:
    """The text without its brace groups, at any depth."""
    depth, kept = 0, []
    for char in text:
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif depth == 0:
            kept.append(char)
    return "".join(kept)
