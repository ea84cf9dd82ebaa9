"""People: from a raw author field to decoded, marked, highlighted persons.

Splitting follows BibTeX (``namesplit``); LaTeX is decoded per part after
splitting, so ``{Barnes and Noble}`` stays one name. What people type into
names for the page's sake leaves the name and becomes data: stars for equal
contribution ("Zhu*, Ruidong") and daggers become marks, and a name bolded
by hand (``\\textbf{Marshall, H.P.}``) is highlighted, since its owner asked
for exactly that. The page decides what a highlight or a mark looks like.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bib2pubs.latex import latex_to_text
from bib2pubs.model import Person
from bib2pubs.namesplit import NameParts, is_others, split_name, split_persons

EQUAL = "equal"
CORRESPONDING = "corresponding"
DAGGER = "dagger"
SELF = "self"
#: The annotation (``author+an = {2=highlight}``) that highlights a person.
HIGHLIGHT = "highlight"

# Superscript marks typed after a name: *, †, ‡ and affiliation numbers, in
# math, \textsuperscript or bare.
_MARK_TEXT = r"(?:\*|†|‡|\\dagger\b|\\dag\b|\\ddagger\b|\\ddag\b|\d{1,2}|,|\s)+"
_MARKS = re.compile(
    r"\$\^\{?(?P<a>" + _MARK_TEXT + r")\}?\$"
    r"|\\textsuperscript\s*\{(?P<b>" + _MARK_TEXT + r")\}"
    r"|\^\{?(?P<c>" + _MARK_TEXT + r")\}?"
    r"|\{(?P<d>[*†‡])\}"
    r"|(?P<e>[*†‡]|\\dagger\b|\\dag\b|\\ddagger\b|\\ddag\b)"
)
# A whole name wrapped in a style, typed by hand; bold means "this is me".
_WRAPPER = re.compile(
    r"^\s*(?:\\(?P<command>textbf|underline|uline|emph|textit|textsc)\s*\{(?P<a>.*)\}"
    r"|\{\\(?P<switch>bf|bfseries|em|it|itshape|sc)\s+(?P<b>.*)\})\s*$",
    re.S,
)
_BOLD = frozenset({"textbf", "bf", "bfseries"})
_ANNOTATION = re.compile(r"\s*(\d+)\s*(?::[^=;]*)?=\s*([^;]*)")
_SEPARATORS = re.compile(r"[\s.\-‐‑‒–—_']+")
_MARK_ALIASES = {"equal": EQUAL, "equalcontribution": EQUAL, "corresponding": CORRESPONDING, "corr": CORRESPONDING}


@dataclass(frozen=True, slots=True)
class Pattern:
    """A name to look for, split and folded once."""

    style: str
    last: str
    given: tuple[str, ...]


def parse_marks(annotation: str) -> dict[int, tuple[str, ...]]:
    """biblatex name annotations (``author+an = {1=equal;3=corresponding}``)
    by one-based author position. Unknown annotations are kept as written."""
    marks: dict[int, tuple[str, ...]] = {}
    for item in annotation.split(";"):
        match = _ANNOTATION.fullmatch(item)
        if not match:
            continue
        names = [word.strip().lower() for word in match.group(2).split(",") if word.strip()]
        position = int(match.group(1))
        marks[position] = marks.get(position, ()) + tuple(_MARK_ALIASES.get(name, name) for name in names)
    return marks


def display_name(parts: NameParts) -> str:
    """ "First von Last, Jr." from decoded parts."""
    main = " ".join(part for part in (parts.first, parts.von, parts.last) if part)
    return f"{main}, {parts.jr}" if parts.jr else main


def fold(text: str) -> str:
    """A form for comparing names: no accents, case, dots or hyphen kinds."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(_SEPARATORS.sub(" ", plain.casefold()).split())


_SUFFIX = re.compile(r"^(?P<name>[^,]+),\s*(?:jr|sr|ii|iii|iv|v)\.?$", re.I)


def make_pattern(name: str, style: str = "self") -> Pattern:
    """Parses a ``--highlight`` argument ("Chao Jin", "Jin, Chao", "C. Jin").

    People type "Frank Bennett, Jr." here, which BibTeX would read as a
    family name "Frank Bennett"; a trailing Jr./Sr./II… is taken off first.
    """
    suffix = _SUFFIX.match(name.strip())
    parts = _decoded(split_name(suffix.group("name") if suffix else name))
    last = fold(" ".join(part for part in (parts.von, parts.last) if part))
    return Pattern(style, last, tuple(fold(parts.first).split()))


def _decoded(parts: NameParts) -> NameParts:
    return NameParts(
        latex_to_text(parts.first),
        latex_to_text(parts.von),
        latex_to_text(parts.last),
        latex_to_text(parts.jr),
    )


def _given_compatible(wanted: tuple[str, ...], given: tuple[str, ...]) -> bool:
    """Given names agree when each pair agrees in full or by initial; a
    missing middle name is no conflict, a different first name is."""
    if not wanted or not given:
        return not wanted and not given  # one name only ("Sukarno") on both sides
    if "".join(wanted) == "".join(given):
        return True
    for a, b in zip(wanted, given, strict=False):
        if a == b:
            continue
        if (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b)):
            continue
        return False
    return True


def _particles_at_end(first: str) -> tuple[str, str]:
    """("Antonio", "de la") from "Antonio de la": in "Oliva, Antonio de la"
    the particles were written after the given name."""
    words = first.split()
    cut = len(words)
    while cut > 1 and words[cut - 1][:1].islower():
        cut -= 1
    return " ".join(words[:cut]), " ".join(words[cut:])


def matches(pattern: Pattern, parts: NameParts) -> bool:
    """Whether decoded ``parts`` name the person ``pattern`` describes.

    The family name is compared word by word from the end, so that it may
    start among the given names ("Laura Leal Taixé", "Oliva, Antonio de la")
    but never cover less than the entry's own last name ("Smith-Jones" is not
    "Jones").
    """
    given, particles = _particles_at_end(parts.first)
    words = fold(f"{given} {particles} {parts.von} {parts.last}").split()
    family = pattern.last.split()
    if not family or len(family) > len(words) or len(fold(parts.last).split()) > len(family):
        return False
    if words[-len(family) :] != family:
        return False
    return _given_compatible(pattern.given, tuple(words[: -len(family)]))


def parse_people(
    field: str, patterns: Sequence[Pattern] = (), annotations: Mapping[int, tuple[str, ...]] | None = None
) -> tuple[tuple[Person, ...], bool]:
    """The persons of an author field and whether it ended in "and others".

    A person is highlighted with the style of the first pattern naming them,
    else as "self" when the .bib asks for it (bold typed by hand, or the
    annotation ``highlight``).
    """
    people: list[Person] = []
    et_al = False
    for position, raw in enumerate(split_persons(field), 1):
        if is_others(raw):
            et_al = True
            continue
        raw, marks, bold = clean_name(raw)
        annotated = annotations.get(position, ()) if annotations else ()
        marks += tuple(mark for mark in annotated if mark not in marks and mark != HIGHLIGHT)
        parts = _decoded(split_name(raw))
        highlight = next((p.style for p in patterns if matches(p, parts)), None)
        if highlight is None and (bold or HIGHLIGHT in annotated):
            highlight = SELF
        people.append(Person(parts.first, parts.von, parts.last, parts.jr, display_name(parts), highlight, marks))
    return tuple(people), et_al


def clean_name(raw: str) -> tuple[str, tuple[str, ...], bool]:
    """A raw name without the marks and styles typed into it: the name, its
    marks (equal for a star, dagger for † or ‡) and whether it was bold."""
    marks: list[str] = []
    bold = False
    while True:
        raw = _MARKS.sub(lambda match: _collect(match, marks), raw)
        wrapped = _WRAPPER.match(raw)
        if wrapped is None:
            break
        bold = bold or (wrapped.group("command") or wrapped.group("switch")) in _BOLD
        raw = wrapped.group("a") if wrapped.group("a") is not None else wrapped.group("b")
    name = " ".join(re.sub(r"\s+,", ",", raw).split())
    return name, tuple(dict.fromkeys(marks)), bold


def _collect(match: re.Match[str], marks: list[str]) -> str:
    """Records the marks in one superscript and removes it from the name."""
    text = next(group for group in match.groups() if group is not None)
    if "*" in text:
        marks.append(EQUAL)
    if any(sign in text for sign in ("†", "‡", "\\dag")):
        marks.append(DAGGER)
    return " "
