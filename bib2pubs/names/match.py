"""Is this author the person a ``--highlight`` names?

Names are compared on folded parts (``names.fold``), never as strings, so
"Leal-Taix{\\'e}, L." is "Laura Leal-Taixé" and "Xin Jin" is not "Chao
Jin". A match is *certain* when the family names agree and the first given
names agree in full; it is *uncertain* when it rests on less: an initial
("C. Jin"), a short form ("Chris" for "Christopher"), a given name only one
side has ("Jin, Chao Yi"), the family name written first without a comma
("Jin Chao"), or a family name with a word more or less ("Fraga Dantas",
"García López", "la Oliva", "Le Cun"). Both are highlighted; ``--explain``
lists the uncertain ones.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final
from unicodedata import is_normalized

from bib2pubs.latex.decode import has_latex, latex_to_text
from bib2pubs.lazyre import lazy
from bib2pubs.names.fold import (
    PARTICLES,
    comparable,
    expand_initials,
    fold,
    is_particle,
    is_shouting,
    particle_flags,
    units,
)
from bib2pubs.names.nicknames import are_nicknames
from bib2pubs.names.parts import NameParts, split_name

__all__ = ["Match", "Pattern", "decoded", "fold", "has_comma", "make_pattern", "match", "matches", "units"]

# "Frank Bennett, Jr.": a suffix after a full name (two words or more before
# the comma: "Smith, V." is an initial).
_SUFFIX: Final = lazy(r"^(?P<name>[^,\s]+\s[^,]+),\s*(?:jr|sr|ii|iii|iv|v)\.?$", re.I)

INITIALS: Final = "initials only"
NICKNAME: Final = "a short form of the given name"
EXTRA_GIVEN: Final = "a given name only one side has"
FAMILY_FIRST: Final = "family name first, without a comma"
LONGER_FAMILY: Final = "an extra word in the family name"
SHORTER_FAMILY: Final = "a word of the family name missing"
PARTICLE_MISSING: Final = "a particle missing from the family name"
JOINED_FAMILY: Final = "the family name joined or split differently"
UMLAUT: Final = "ue, oe or ae written for ü, ö or ä"

Units = tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Form:
    """One way of writing a name, split and folded once: the family name's
    parts and the given names, each a unit of parts ("Chao-Yi" is one unit
    of two). A form derived from the name as typed carries its ``doubt``."""

    family: tuple[str, ...]
    given: Units
    doubt: str = ""
    #: Whether the family name is whole words ("García López"), not hyphenated.
    spaced: bool = True


@dataclass(frozen=True, slots=True, eq=False)
class Pattern:
    """A person to highlight: the name as typed, its aliases, and the style
    ("self" for the user, any other name for people set apart).

    Compared by identity: a pattern is made once per run, and names read
    with it are cached by it, which must not cost hashing every form."""

    name: str
    style: str
    forms: tuple[Form, ...]
    #: Every word a matching name's family could be folded to, alone or
    #: joined ("le cun", "lecun"): a name with none of them is not the
    #: person, found without the full comparison (``_may_name``).
    families: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Match:
    """How a name matched: ``doubt`` is empty when certain, else the reason."""

    doubt: str = ""

    @property
    def certain(self) -> bool:
        return not self.doubt


def decoded(parts: NameParts) -> NameParts:
    """Each part of a split name decoded from LaTeX to text."""
    return NameParts(
        latex_to_text(parts.first),
        latex_to_text(parts.von),
        latex_to_text(parts.last),
        latex_to_text(parts.jr),
    )


def make_pattern(name: str, style: str = "self", aliases: Sequence[str] = ()) -> Pattern:
    """The pattern for ``name`` and the other names the person published under."""
    forms = [form for each in (name, *aliases) for form in _forms(each)]
    seen = {(form.family, form.given) for form in forms}
    for each in (name, *aliases):
        for variant in _umlaut_variants(latex_to_text(each)):
            for form in _forms(variant):
                if (form.family, form.given) not in seen:
                    seen.add((form.family, form.given))
                    forms.append(Form(form.family, form.given, form.doubt or UMLAUT, form.spaced))
    return _pattern(name, style, tuple(forms))


def _pattern(name: str, style: str, forms: tuple[Form, ...]) -> Pattern:
    families = {word for form in forms for part in form.family for word in part.split()}
    families.update("".join("".join(form.family).split()) for form in forms)
    return Pattern(name, style, forms, frozenset(families))


_UMLAUTS: Final = {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}
_UMLAUT_LETTER: Final = lazy("[äöüÄÖÜ]")
# "ue" for "ü" in "Mueller", "Juergen"; not in "Miguel", "Samuel", "Michael",
# "Joe" (ue after g or q; any ending the word, alone or before "l").
_UMLAUT_SPELLED: Final = lazy(r"([ao]|(?<![gq])u)e(?!l?\b)", re.I)


def _umlaut_variants(name: str) -> list[str]:
    """The name with ä, ö, ü spelled ae, oe, ue ("Müller": "Mueller"), and
    with ae, oe, ue read as ä, ö, ü ("Mueller": "Müller", which folds to
    "Muller"). German writers use both; which person is meant is a guess,
    so these forms only ever match uncertainly."""
    variants = [
        _UMLAUT_LETTER.sub(lambda found: _UMLAUTS[found.group()], name),
        _UMLAUT_SPELLED.sub(
            lambda found: {"a": "ä", "o": "ö", "u": "ü", "A": "Ä", "O": "Ö", "U": "Ü"}[found.group(1)], name
        ),
    ]
    return [variant for variant in variants if variant != name]


def _forms(name: str) -> list[Form]:
    """The forms of a name typed on the command line ("Chao Jin", "Jin,
    Chao", "C. Jin"): as BibTeX splits it, with capitalised particles moved
    to the family name ("Christopher De Sa" is "De Sa"); for "Laura Leal
    Taixé" also the family name "Leal Taixé"; for "de la Oliva" also "la
    Oliva" (exporters drop a leading particle), never the bare "Oliva",
    which is another family."""
    name = name.strip()
    if not any(char.isupper() for char in name):
        name = name.title()  # "chao jin": lower-case words would be read as particles
    suffix = _SUFFIX.match(name)
    parts = comparable(decoded(split_name(suffix.group("name") if suffix else name)))
    given_words = parts.first.split()
    while len(given_words) > 1 and is_particle(fold(given_words[-1]), given_words[-1][:1].islower(), 1):
        parts = NameParts(" ".join(given_words[:-1]), f"{given_words[-1]} {parts.von}".strip(), parts.last, parts.jr)
        given_words.pop()
    family_units = units(f"{parts.von} {parts.last}")
    family = tuple(part for unit in family_units for part in unit)
    given = units(expand_initials(parts.first, is_shouting(parts)))
    forms = [Form(family, given, spaced=all(len(unit) == 1 for unit in family_units))]
    if len(given) > 1 and len(given[-1]) == 1 and len(given[-1][0]) > 1 and not parts.von:
        forms.append(Form(given[-1] + family, given[:-1]))  # "Laura Leal Taixé"
    for cut in range(1, len(family) - 1):
        if not all(part in PARTICLES for part in family[: cut + 1]):
            break
        forms.append(Form(family[cut:], given, PARTICLE_MISSING))
    return forms


def family_first(pattern: Pattern) -> Pattern | None:
    """For a highlight typed as two words without a comma ("Zhang
    Chengyuan"), the pattern reading it family name first; else None."""
    words = pattern.name.split()
    if len(words) != 2 or has_comma(pattern.name) or "{" in pattern.name:
        return None
    # Made as any pattern is, so the swapped name has its ue/ü forms too.
    swapped = make_pattern(f"{words[0]}, {words[1]}", pattern.style)
    return _pattern(pattern.name, pattern.style, swapped.forms)


def _flat(groups: Sequence[tuple[str, ...]]) -> list[tuple[str, int]]:
    """Each part with the index of its unit."""
    return [(part, index) for index, unit in enumerate(groups) for part in unit]


def _split_given(flat: Sequence[tuple[str, int]]) -> Units:
    given: dict[int, tuple[str, ...]] = {}
    for part, unit in flat:
        given[unit] = (*given.get(unit, ()), part)
    return tuple(given.values())


def _given_doubt(wanted: Units, given: Units) -> str | None:
    """Whether given names agree: None if not, else the doubt ("" for none).

    Each part must agree in full, by initial, or as a short form. A middle
    name one side lacks is no conflict (a doubt if it is a full name); a
    different name is, and so is half of a hyphenated name ("Chao" is not
    "Chao-Yi", though "C." may abbreviate it).
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
            continue
        return None
    shorter, longer = sorted((a_parts, b_parts), key=len)
    cut = len(shorter)
    if cut < len(longer) and longer[cut - 1][1] == longer[cut][1]:
        # The shorter side ends inside a hyphenated name of the longer one:
        # "C." may abbreviate "Chao-Yi", and "Jiyoung" be "J.-Y.", but "Chao"
        # is not "Chao-Yi" nor "C.-Y.".
        unit = longer[cut - 1][1]
        rest = [part for part, index in longer[cut:] if index == unit]
        word = shorter[-1][0]
        if len(word) > 1 and not (all(len(part) == 1 for part in rest) and _spells(word, rest)):
            return None
        doubt = doubt or INITIALS
        cut += len(rest)
    if any(len(part) > 1 for part, _ in longer[cut:]):
        return doubt or EXTRA_GIVEN
    return doubt


def _spells(word: str, initials: Sequence[str]) -> bool:
    """Whether ``initials`` appear in order in ``word`` after its first
    letter: "jiyoung" may be written "J.-Y.", "chao" not "C.-Y."."""
    position = 1
    for letter in initials:
        position = word.find(letter, position) + 1
        if position == 0:
            return False
    return True


def _match_tail(form: Form, first: str, parts: NameParts) -> str | None:
    """The doubt of the family name ending the entry's name, or None.

    It may start among the given names ("Laura Leal Taixé") but never cover
    less than the entry's family name (von and last: "Smith-Jones" is not
    "Jones", "van der Berg" not "Berg"), nor start inside a hyphenated word.
    """
    family = form.family
    flat = _flat(units(f"{first} {parts.von} {parts.last}"))
    start = len(flat) - len(family)
    if not family or start < 0 or tuple(part for part, _ in flat[start:]) != family:
        return None
    if start > 0 and flat[start - 1][1] == flat[start][1]:
        return None
    flags = particle_flags(f"{first} {parts.von}")
    if start > 0 and flags[start - 1 : start] == (True,):
        return None  # "Di Caprio" is not "Caprio": the particle belongs to the family name
    given_length = sum(len(unit) for unit in units(first))
    if parts.von and start > given_length:
        return None  # part of the von left out
    if start <= given_length:  # the family name starts among the given names, or right after
        return _given_doubt(form.given, _split_given(flat[:start]))
    doubt = _given_doubt(form.given, _split_given(flat[:given_length]))
    # The entry's family name has more words: "Fraga Dantas" for "Dantas".
    # Whole leading words may be a first family name; a particle starts
    # another family.
    leading = flat[given_length:start]
    spans = [unit for _, unit in leading]
    if doubt is None or len(set(spans)) != len(spans) or any(part in PARTICLES for part, _ in leading):
        return None
    return doubt or LONGER_FAMILY


def _match_family_words(form: Form, first: str, parts: NameParts) -> str | None:
    """Family names that differ by a whole word at the end ("García López"
    and "García"), or written joined and apart ("Le Cun", "LeCun")."""
    family = units(f"{parts.von} {parts.last}")
    wanted = form.family
    flat = tuple(part for unit in family for part in unit)
    if not flat or not wanted or flat == wanted or True in particle_flags(first)[-1:]:
        return None  # equal family names are the tail's to judge; "Di" ends no given name
    if "".join(flat) == "".join(wanted):
        doubt = JOINED_FAMILY
    elif len(family) > 1 and all(len(unit) == 1 for unit in family) and _starts(flat, wanted):
        doubt = LONGER_FAMILY
    elif form.spaced and _starts(wanted, flat) and flat[0] not in PARTICLES:
        doubt = SHORTER_FAMILY
    else:
        return None
    given = _given_doubt(form.given, units(first))
    return None if given is None else given or doubt


def _starts(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    return len(longer) > len(shorter) and longer[: len(shorter)] == shorter


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
    parts = comparable(parts)
    if not _may_name(pattern.families, parts):
        return None
    shouting = is_shouting(parts)
    first = expand_initials(parts.first, shouting)
    best: Match | None = None
    for strategy in (_match_tail, _match_family_words):
        for form in pattern.forms:
            doubt = strategy(form, first, parts)
            if doubt is None:
                continue
            doubt = form.doubt or doubt
            if not doubt:
                return Match()
            best = best or Match(doubt)
    swapped = None if comma or best else _swapped(parts)
    if swapped is not None:
        given = expand_initials(swapped.first, shouting)
        if any(_match_tail(form, given, swapped) is not None for form in pattern.forms):
            return Match(FAMILY_FIRST)
    return best


def _may_name(families: frozenset[str], parts: NameParts) -> bool:
    """Whether a name holds a word (or two or three words joined: "Le Cun"
    for "LeCun") that a family name of the pattern folds to. Every match,
    whichever way it reads the name, compares such a word: a name without
    one cannot match, and most names of a large file have none."""
    words = fold(f"{parts.first} {parts.von} {parts.last} {parts.jr}").replace("-", " ").split()
    if not families.isdisjoint(words):
        return True
    pairs = ("".join(words[i : i + 2]) for i in range(len(words) - 1))
    triples = ("".join(words[i : i + 3]) for i in range(len(words) - 2))
    return not families.isdisjoint(pairs) or not families.isdisjoint(triples)


def matches(pattern: Pattern, parts: NameParts, comma: bool = True) -> bool:
    """Whether ``parts`` name the person, certainly or not."""
    return match(pattern, parts, comma) is not None


def person_matches(pattern: Pattern, written: str) -> bool:
    """Whether a name as written in a .bib (no marks) names the person."""
    if not may_name_as_written(pattern.families, written):
        return False
    return matches(pattern, decoded(split_name(written)), has_comma(written))


def may_name_as_written(families: frozenset[str], written: str) -> bool:
    """``_may_name`` for a name as written, before it is split and decoded,
    which is most of the cost of reading it: False only when no family
    name of the pattern can be among its words, whichever way they are
    split (``comparable`` only moves or drops words). Judged only for a
    name that decodes to itself but for its blanks: printable, in NFC, with
    nothing LaTeX reads (``has_latex``); any other is not judged here
    (True)."""
    if has_latex(written) or not written.isprintable():
        return True
    if written.isascii():
        # Folding ASCII lowers it and makes its separators blanks: each of
        # its words is made of the name's own letters, lowered. A family
        # name with a letter the name lacks is none of them, nor words
        # joined: most names are passed over here, without folding them.
        lowered = written.lower()
        if not any(all(letter in lowered for letter in family) for family in families):
            return False
    elif not is_normalized("NFC", written):
        return True  # decoding changes it: NFC, which folding does not always undo ("ø" with an accent)
    words = set(fold(written.replace(",", " ")).split())
    return any(_made_of(family, words) for family in families)


def _made_of(family: str, words: set[str]) -> bool:
    """Whether ``family`` is one of ``words``, or two or three of them
    joined, in any order (``_may_name`` joins neighbours: any order
    covers them however the name's parts are arranged)."""
    if family in words:
        return True
    for cut in range(1, len(family)):
        head, tail = family[:cut], family[cut:]
        if head in words and (
            tail in words or any(tail[:second] in words and tail[second:] in words for second in range(1, len(tail)))
        ):
            return True
    return False


def has_comma(name: str) -> bool:
    """Whether a raw name is written "Last, First" (a comma outside braces)."""
    depth = 0
    for char in name:
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif char == "," and depth == 0:
            return True
    return False
