"""People: from a raw author field to decoded, marked, highlighted persons.

Splitting follows BibTeX (``names.parts``); LaTeX is decoded per part after
splitting, so ``{Barnes and Noble}`` stays one name. What people type into
names for the page's sake leaves the name and becomes data: stars for equal
contribution ("Zhu*, Ruidong") and daggers become marks (``names.marks``), and a
name bolded by hand (``\\textbf{Marshall, H.P.}``) is highlighted, since its
owner asked for exactly that. Who is highlighted is ``names.match``'s
decision; how a name is shown is ``names.style``'s.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING, Final

from bib2pubs.latex.decode import has_latex, latex_to_text
from bib2pubs.lazyre import lazy
from bib2pubs.model import Person
from bib2pubs.names.fold import is_shouting
from bib2pubs.names.marks import DAGGER, EQUAL, HIGHLIGHT
from bib2pubs.names.parts import NameParts, is_others, person_names, split_collapsed
from bib2pubs.names.style import format_name, relax_initials

if TYPE_CHECKING:
    from bib2pubs.names.match import Pattern

SELF: Final = "self"

# Superscript marks typed after a name: *, †, ‡ and affiliation numbers, in
# math, \textsuperscript or bare.
_MARK_SIGN: Final = r"\*|†|‡|\\dagger\b|\\dag\b|\\ddagger\b|\\ddag\b|\\ast\b|\\star\b"
_MARK_TEXT: Final = r"(?:" + _MARK_SIGN + r"|\d{1,2}|[a-z](?=[,}\s$])|,|\s)+"
# Unbraced, a superscript ends at its last mark: "Li^1, Ana" keeps its comma.
_MARK_TOKEN: Final = r"(?:" + _MARK_SIGN + r"|\d{1,2}|[a-z](?=[,}\s$]))"
_BARE_MARKS: Final = _MARK_TOKEN + r"(?:[,\s]*" + _MARK_TOKEN + r")*"
_MARKS: Final = lazy(
    # A brace after "^" is taken only with its partner: "{x$^*}$" keeps its "}".
    r"\$\^(?P<open_a>\{)?(?P<a>" + _MARK_TEXT + r")(?(open_a)\})\$"
    r"|\$\s*(?P<f>(?:" + _MARK_SIGN + r")+)\s*\$"
    r"|\\textsuperscript\s*\{(?P<b>" + _MARK_TEXT + r")\}"
    # A bare "^" is a superscript; "\^" is the circumflex ("Beno{\^i}t").
    r"|(?<!\\)\^(?:\{(?P<c>" + _MARK_TEXT + r")\}|(?P<h>" + _BARE_MARKS + r"))"
    r"|\{(?P<d>[*†‡])\}"
    r"|(?P<e>[*†‡]|\\dagger\b|\\dag\b|\\ddagger\b|\\ddag\b)"
    # ORCID badges typed after a name: no part of it.
    r"|(?P<g>\\orcid(?:link|ID|iD)?\s*\{[^{}]*\})"
)
_MARK_GROUPS: Final = ("a", "b", "c", "d", "e", "f", "g", "h")
# What every alternative of _MARKS needs: a name without any (nearly all)
# has no marks, and _MARKS, slow to compile, is compiled only when one has.
_MARK_HINT: Final = lazy(r"[$^*†‡]|\\(?:textsuperscript|d?dag|orcid)")
# A whole name wrapped in a style, typed by hand; bold means "this is me".
# Both forms hold a backslash.
_WRAPPER: Final = lazy(
    r"^\s*(?:\\(?P<command>textbf|underline|uline|emph|textit|textsc)\s*\{(?P<a>.*)\}"
    r"|\{\\(?P<switch>bf|bfseries|em|it|itshape|sc)\s+(?P<b>.*)\})\s*$",
    re.S,
)
_BOLD: Final = frozenset({"textbf", "bf", "bfseries"})
_MAX_WRAPPERS: Final = 8
# DBLP's number for namesakes ("Wei Wang 0003"), in a name whose blanks are
# single spaces, none at its ends or before a comma (``clean_name``): there
# "(?<=\S)\s+\d{4}(?=\s*(?:,|$))" finds what this does, and this, starting
# with a plain character, is searched for about twice as fast.
_DBLP_NUMBER: Final = lazy(r" \d{4}(?=,|$)")


def parse_people(
    field: str,
    patterns: Sequence[Pattern] = (),
    annotations: Mapping[int, tuple[str, ...]] | None = None,
    name_style: str = "full",
) -> tuple[tuple[Person, ...], bool]:
    """The persons of an author field and whether it ended in "and others".

    A person is highlighted with the style of the first pattern naming them,
    else as "self" when the .bib asks for it (bold typed by hand, or the
    annotation ``highlight``). ``annotations`` are marks by position.
    """
    if not field:
        return (), False  # most entries have no editors
    patterns = tuple(patterns)
    if not annotations:
        return _read_list(field, patterns, name_style)
    return _read_people(field, patterns, annotations, name_style)


# Cached: an author list comes back in entry after entry, and what is read
# from it depends on nothing else (the persons are frozen, safe to share).
@lru_cache(maxsize=1 << 12)
def _read_list(field: str, patterns: tuple[Pattern, ...], name_style: str) -> tuple[tuple[Person, ...], bool]:
    names = person_names(field)
    people = tuple(_read_person(raw, patterns, name_style) for raw in names if not is_others(raw))
    return people, len(people) < len(names)


def _read_people(
    field: str, patterns: tuple[Pattern, ...], annotations: Mapping[int, tuple[str, ...]] | None, name_style: str
) -> tuple[tuple[Person, ...], bool]:
    people: list[Person] = []
    et_al = False
    for position, raw in enumerate(person_names(field), 1):
        if is_others(raw):
            et_al = True
            continue
        person = _read_person(raw, patterns, name_style)
        annotated = annotations.get(position, ()) if annotations else ()
        if annotated:
            marks = person.marks + tuple(mark for mark in annotated if mark not in person.marks and mark != HIGHLIGHT)
            person = replace(person, marks=marks)
        if person.highlight is None and HIGHLIGHT in annotated:
            person = replace(person, highlight=SELF)
        people.append(person)
    return tuple(people), et_al


# Room for a large file's people: in 100,000 real entries, 354,000 names
# were 152,000 people, a third of them met again further on than 16,384
# names (an author's next paper), and read again with a smaller cache.
# Each entry holds little more than its key (the persons are kept by
# their publications anyway).
@lru_cache(maxsize=1 << 17)
def _read_person(raw: str, patterns: tuple[Pattern, ...], name_style: str) -> Person:
    """One name as written: the person, highlighted by the first of
    ``patterns`` naming them, else as "self" if it was typed in bold.
    Cached: a researcher's own name and their coauthors' come back in entry
    after entry."""
    raw, marks, bold = clean_name(raw)
    raw_parts = split_collapsed(raw)
    # Most names are plain ASCII: every part decodes to itself.
    if decodes_to_itself(raw):
        parts = raw_parts
    else:
        # names.match, with its patterns and tables, loads only for a name
        # with LaTeX in it or a run that highlights someone.
        from bib2pubs.names.match import decoded

        parts = decoded(raw_parts)
    highlight = _highlight(patterns, parts, raw) if patterns else None
    if highlight is None and bold:
        highlight = SELF
    display = _display(raw_parts, parts, name_style)
    return Person(parts.first, parts.von, parts.last, parts.jr, display, highlight, marks, raw)


def decodes_to_itself(name: str) -> bool:
    """Whether every part ``split_collapsed`` makes of ``name`` (a name as
    ``clean_name`` leaves it) decodes from LaTeX to itself: printable ASCII
    with nothing LaTeX reads, whose parts are its words joined by blanks."""
    return name.isascii() and name.isprintable() and not has_latex(name)


def _highlight(patterns: tuple[Pattern, ...], parts: NameParts, raw: str) -> str | None:
    from bib2pubs.names.match import has_comma, match, may_name_as_written  # as in _read_person

    # Most names of a file are nobody highlighted: told from the name as
    # written, without comparing its parts.
    return next(
        (p.style for p in patterns if may_name_as_written(p.families, raw) and match(p, parts, has_comma(raw))), None
    )


def _display(raw: NameParts, parts: NameParts, name_style: str) -> str:
    if name_style in ("initials", "family-first"):
        if "relax" in raw.first:
            parts = replace(parts, first=latex_to_text(relax_initials(raw.first)))
        return format_name(parts, name_style, is_shouting(parts))
    return format_name(parts, name_style)  # shouting only changes initials


def clean_name(raw: str) -> tuple[str, tuple[str, ...], bool]:
    """A raw name without the marks and styles typed into it: the name, its
    marks (equal for a star, dagger for † or ‡) and whether it was bold."""
    marks: list[str] = []
    bold = False
    # Wrappers nest a few deep at most ("\\textbf{\\emph{…}}"); a bound keeps
    # a pathological name linear.
    for _ in range(_MAX_WRAPPERS):
        if _MARK_HINT.search(raw) is not None:
            raw = _MARKS.sub(lambda found: _collect(found, marks), raw)
        wrapped = _WRAPPER.match(raw) if "\\" in raw else None
        if wrapped is None:
            break
        inner = wrapped.group("a") if wrapped.group("a") is not None else wrapped.group("b")
        if not braces_paired(inner):
            break  # "\textbf{Jin}, {Chao}": the braces close before the end, no wrapper
        bold = bold or (wrapped.group("command") or wrapped.group("switch")) in _BOLD
        raw = inner
    name = " ".join(raw.split()).replace(" ,", ",")
    # DBLP tells namesakes apart by a number ("Wei Wang 0003"); it is no part
    # of the name a reader should see, nor of the one --highlight matches.
    name = _DBLP_NUMBER.sub("", name)
    return name, tuple(dict.fromkeys(marks)) if marks else (), bold


def braces_paired(text: str) -> bool:
    """Whether every brace in ``text`` closes one opened in it."""
    depth = 0
    for char in text:
        depth += (char == "{") - (char == "}")
        if depth < 0:
            return False
    return depth == 0


def _collect(found: re.Match[str], marks: list[str]) -> str:
    """Records the marks in one superscript and removes it from the name."""
    text = next(found[name] for name in _MARK_GROUPS if found[name] is not None)
    if "*" in text or "\\ast" in text or "\\star" in text:
        marks.append(EQUAL)
    if any(sign in text for sign in ("†", "‡", "\\dag")):
        marks.append(DAGGER)
    return " "
