"""Whom a run highlights, and how each highlight was read.

The checks of ``--highlight`` and ``--highlight-as``, the aliases of each
person, the second reading, family name first, of a highlight that finds
nobody as typed, and the warning for one that names nobody. What was
decided is recorded on the listing as ``model.Highlight`` (plain data);
``pattern_of`` makes the matching pattern from it again, for the reports.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Final, Protocol

from bib2pubs.errors import UsageError
from bib2pubs.lazyre import lazy
from bib2pubs.model import Diagnostic, Highlight, Publication
from bib2pubs.names.parts import split_name

if TYPE_CHECKING:
    from bib2pubs.names.match import Pattern

_STYLE_NAME: Final = lazy(r"[A-Za-z][A-Za-z0-9_-]*")


class Wanted(Protocol):
    """The options that say whom to highlight (``pipeline.Options`` has them)."""

    @property
    def highlights(self) -> tuple[str, ...]: ...

    @property
    def highlights_as(self) -> tuple[tuple[str, str], ...]: ...

    @property
    def aliases(self) -> tuple[tuple[str, ...], ...]: ...


def requested(options: Wanted) -> tuple[Highlight, ...]:
    """The highlights ``options`` ask for, each with the aliases of its
    person, read as typed; raises UsageError for a name or style that
    cannot be one."""
    wanted = [("self", name) for name in options.highlights] + list(options.highlights_as)
    if not wanted:
        return ()
    # names.match, with its patterns and tables, loads only for a run that
    # highlights someone (every run asks here).
    from bib2pubs.names.match import make_pattern, person_matches

    highlights = []
    for style, name in wanted:
        if not name.strip():
            raise UsageError("--highlight needs a name, e.g. --highlight 'Chao Jin'")
        if not _STYLE_NAME.fullmatch(style):
            raise UsageError(f"highlight style '{style}': use a name of letters, digits, '-' or '_'")
        plain = make_pattern(name, style)
        if not plain.forms[0].family:
            raise UsageError(f"highlight '{name}' has no name in it, e.g. --highlight 'Chao Jin'")
        aliases = tuple(
            other
            for group in options.aliases
            if any(person_matches(plain, alias) for alias in group)
            for other in group
        )
        highlights.append(Highlight(name, style, aliases))
    return tuple(highlights)


def pattern_of(highlight: Highlight) -> Pattern:
    """The pattern that matches names for ``highlight``."""
    from bib2pubs.names.match import family_first, make_pattern  # as in requested

    if highlight.family_first:
        # Recorded only for a name that reads both ways, which has no aliases
        # in that reading: the swapped name is what was searched for.
        swapped = family_first(make_pattern(highlight.name, highlight.style))
        if swapped is not None:
            return swapped
    return make_pattern(highlight.name, highlight.style, highlight.aliases)


def patterns_of(highlights: Iterable[Highlight]) -> tuple[Pattern, ...]:
    return tuple(pattern_of(highlight) for highlight in highlights)


def read_family_first(
    highlights: Sequence[Highlight], publications: Sequence[Publication]
) -> tuple[tuple[Highlight, ...], list[Diagnostic]]:
    """A highlight such as "Zhang Chengyuan" that finds nobody as typed but
    finds someone read family name first is read that way, with a note:
    both orders are common, and reading both always would mistake "Wang Li"
    for "Li Wang". Returns the highlights, so marked, and the notes (none
    when nothing changed)."""
    if not highlights:
        return (), []  # every run asks: without highlights, nobody's names need reading
    from bib2pubs.names.match import family_first, person_matches  # as in requested

    # Each name once: a researcher's coauthors come back in entry after entry.
    persons = [person for pub in publications for person in (*pub.authors, *pub.editors)]
    people = list(dict.fromkeys(person.written for person in persons))
    # A name a highlight matches as typed was highlighted when it was read
    # (by it, or by a highlight before it): only those need a second look.
    highlighted = list(dict.fromkeys(person.written for person in persons if person.highlight))
    retried, notes = list(highlights), []
    for index, highlight in enumerate(highlights):
        pattern = pattern_of(highlight)
        swapped = family_first(pattern)
        if swapped is None or any(_read_as_typed(pattern, written) for written in highlighted):
            continue
        if any(person_matches(swapped, written) for written in people):
            retried[index] = replace(highlight, family_first=True)
            first, last = highlight.name.split()
            message = f"{_option(highlight)} finds nobody as written; read family name first, as '{last} {first}'"
            notes.append(Diagnostic("", None, None, "warning", message))
    return tuple(retried), notes


def _read_as_typed(pattern: Pattern, written: str) -> bool:
    """Whether a name matches the highlight in the order it was typed: a
    match that itself reads the name family name first does not count."""
    from bib2pubs.names.match import FAMILY_FIRST, decoded, has_comma, match, may_name_as_written  # as in requested

    if not may_name_as_written(pattern.families, written):
        return False
    result = match(pattern, decoded(split_name(written)), has_comma(written))
    return result is not None and result.doubt != FAMILY_FIRST


def unmatched(highlights: Sequence[Highlight], publications: Sequence[Publication]) -> list[Diagnostic]:
    """A warning for each highlight that names nobody: a typo would
    otherwise pass unnoticed, and the page would lose its bold name."""
    if not highlights:
        return []  # most runs: no look at every person of a large file
    highlighted = [p for pub in publications for p in (*pub.authors, *pub.editors) if p.highlight]

    def named(highlight: Highlight) -> bool:
        # A pattern that matched someone gave them its style, or an earlier
        # pattern with that style got there first: only they need checking.
        from bib2pubs.names.match import person_matches  # as in requested

        pattern = pattern_of(highlight)
        return any(person_matches(pattern, p.written) for p in highlighted if p.highlight == pattern.style)

    return [
        Diagnostic("", None, None, "warning", f"{_option(highlight)} matches nobody in the listing")
        for highlight in highlights
        if publications and not named(highlight)
    ]


def _option(highlight: Highlight) -> str:
    """The option as the user gave it, for messages."""
    if highlight.style == "self":
        return f"--highlight '{highlight.name}'"
    return f"--highlight-as {highlight.style}='{highlight.name}'"
