"""People: from a raw author field to decoded, marked, highlighted persons.

Splitting follows BibTeX (``namesplit``); LaTeX is decoded per part after
splitting, so ``{Barnes and Noble}`` stays one name. What people type into
names for the page's sake leaves the name and becomes data: stars for equal
contribution ("Zhu*, Ruidong") and daggers become marks, and a name bolded
by hand (``\\textbf{Marshall, H.P.}``) is highlighted, since its owner asked
for exactly that. The page decides what a highlight or a mark looks like.
"""

from __future__ import annotations

import functools
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
_INNER_GROUP = re.compile(r"\{[^{}]*\}")
_HYPHEN_RUN = re.compile(r"\s*[-‐‑‒–—]\s*")
_UNIT_BREAK = re.compile(r"\s+|\.(?!-)")
_SUFFIX_WORD = re.compile(r"(?:jr|sr|ii|iii|iv|v|2nd|3rd)\.?", re.I)
_DBLP_NUMBER = re.compile(r"(?<=\S)\s+\d{4}$")
_ANNOTATION = re.compile(r"\s*(\d+)\s*(?::[^=;]*)?=\s*([^;]*)")
_SEPARATORS = re.compile(r"[\s.\-‐‑‒–—_']+")
_MARK_ALIASES = {"equal": EQUAL, "equalcontribution": EQUAL, "corresponding": CORRESPONDING, "corr": CORRESPONDING}


@dataclass(frozen=True, slots=True)
class Pattern:
    """A name to look for, split and folded once: the family name's parts
    and the given names, each a unit of parts ("Chao-Yi" is one unit of two)."""

    style: str
    family: tuple[str, ...]
    given: tuple[tuple[str, ...], ...]


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


@functools.lru_cache(maxsize=1 << 15)
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
    family = tuple(part for unit in _units(f"{parts.von} {parts.last}") for part in unit)
    return Pattern(style, family, tuple(_units(parts.first)))


def _decoded(parts: NameParts) -> NameParts:
    return NameParts(
        latex_to_text(parts.first),
        latex_to_text(parts.von),
        latex_to_text(parts.last),
        latex_to_text(parts.jr),
    )


@functools.lru_cache(maxsize=1 << 15)
def _units(text: str) -> tuple[tuple[str, ...], ...]:
    """The folded parts of a name, grouped as written: a hyphen joins parts
    into one unit ("Chao-Yi", "C.-Y."), blanks and periods separate units
    ("H. P.", "H.P."). Cached: co-authors recur across a bibliography."""
    text = _HYPHEN_RUN.sub("-", text)
    units = []
    for token in _UNIT_BREAK.split(text):
        unit = tuple(part for piece in token.split("-") for part in fold(piece).split())
        if unit:
            units.append(unit)
    return tuple(units)


def _flat(units: Sequence[tuple[str, ...]]) -> list[tuple[str, int]]:
    """Each part with the index of its unit."""
    return [(part, index) for index, unit in enumerate(units) for part in unit]


def _given_compatible(wanted: Sequence[tuple[str, ...]], given: Sequence[tuple[str, ...]]) -> bool:
    """Given names agree when each part agrees in full or by initial; a
    missing middle name is no conflict, a different first name is, and so is
    half of a hyphenated name ("Chao" is not "Chao-Yi")."""
    if not wanted or not given:
        return not wanted and not given  # one name only ("Sukarno") on both sides
    a_parts, b_parts = _flat(wanted), _flat(given)
    if "".join(p for p, _ in a_parts) == "".join(p for p, _ in b_parts):
        return True  # "Liwen" and "Li-Wen"
    for (a, _), (b, _) in zip(a_parts, b_parts, strict=False):
        if a != b and not ((len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b))):
            return False
    shorter, longer = sorted((a_parts, b_parts), key=len)
    cut = len(shorter)
    return cut == len(longer) or longer[cut - 1][1] != longer[cut][1]


def matches(pattern: Pattern, parts: NameParts) -> bool:
    """Whether decoded ``parts`` name the person ``pattern`` describes.

    The family name is compared part by part from the end, so that it may
    start among the given names ("Laura Leal Taixé", "Oliva, Antonio de la")
    but never cover less than the entry's own last name ("Smith-Jones" is not
    "Jones") nor start inside a hyphenated word.
    """
    family = pattern.family
    flat = _flat(_units(f"{parts.first} {parts.von} {parts.last}"))
    start = len(flat) - len(family)
    if not family or start < 0 or sum(len(unit) for unit in _units(parts.last)) > len(family):
        return False
    if tuple(part for part, _ in flat[start:]) != family:
        return False
    if start > 0 and flat[start - 1][1] == flat[start][1]:
        return False
    given: dict[int, tuple[str, ...]] = {}
    for part, unit in flat[:start]:
        given[unit] = (*given.get(unit, ()), part)
    return _given_compatible(pattern.given, list(given.values()))


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


def list_problems(field: str) -> list[str]:
    """Common mistakes in an author list that BibTeX reads without a word but
    garbles: names joined by commas or semicolons, a trailing "and", "et al."."""
    problems = []
    depth0 = _outside_braces(field)
    if ";" in depth0:
        problems.append("authors separated by ';'? BibTeX separates them with 'and'")
    if re.search(r"\s(?:and|AND|And)\s*$", " " + depth0):
        problems.append("the author list ends with 'and'")
    if re.search(r"\bet\s+al\b\.?", depth0):
        problems.append("'et al.' in the author list; write 'and others'")
    for name in split_persons(field):
        if name.count(",") < 2:
            continue
        parts = _outside_braces(name).split(",")
        if len(parts) > 3 or (len(parts) == 3 and not _SUFFIX_WORD.fullmatch(parts[1].strip())):
            problems.append(f"'{name}' reads as 'Last, Jr., First'; separate authors with 'and'")
    return problems


def _outside_braces(text: str) -> str:
    """The text with its brace groups blanked out (their commas do not count).
    Deeper nesting than real names use is left as it is."""
    for _ in range(8):
        if "{" not in text:
            break
        text = _INNER_GROUP.sub(" ", text)
    return text


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
    # DBLP tells namesakes apart by a number ("Wei Wang 0003"); it is no part
    # of the name a reader should see, nor of the one --highlight matches.
    name = _DBLP_NUMBER.sub("", name)
    return name, tuple(dict.fromkeys(marks)), bold


def _collect(match: re.Match[str], marks: list[str]) -> str:
    """Records the marks in one superscript and removes it from the name."""
    text = next(group for group in match.groups() if group is not None)
    if "*" in text:
        marks.append(EQUAL)
    if any(sign in text for sign in ("†", "‡", "\\dag")):
        marks.append(DAGGER)
    return " "
