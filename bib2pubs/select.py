"""Choose and order what the page lists: groups of publications.

Filters (years, kinds, keys, al-folio's ``selected``, the highlighted
person) run first; then the order within a group (by month, newest first,
then file order, by default); then the grouping: by year (newest first,
"Undated" last), by kind ("Conference Papers", "Journal Articles"…, titles
the user may change), by kind with the newest years first in each, or none
(one group).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Final

from bib2pubs.errors import UsageError
from bib2pubs.model import KINDS, Group, Publication
from bib2pubs.names.fold import fold

UNDATED: Final = "Undated"
GROUPINGS: Final = ("year", "kind", "kind,year", "none")
ORDERS: Final = ("month", "file", "date", "title", "venue")

#: Section titles for ``--group-by kind``.
KIND_TITLES: Final[Mapping[str, str]] = {
    "conference": "Conference Papers",
    "workshop": "Workshop Papers",
    "journal": "Journal Articles",
    "preprint": "Preprints",
    "thesis": "Theses",
    "book": "Books",
    "chapter": "Book Chapters",
    "report": "Technical Reports",
    "other": "Other",
}


@dataclass(frozen=True, slots=True)
class Selection:
    """What to list and how; every field has a default that lists all."""

    group_by: str = "year"
    order: str = "month"
    since: int | None = None
    until: int | None = None
    kinds: tuple[str, ...] = ()
    keys: tuple[str, ...] = ()
    selected_only: bool = False
    only_highlighted: bool = False
    include_hidden: bool = False
    titles: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # A misspelt choice would otherwise list the default, or nothing, without a word.
        for what, value, choices in (("grouping", self.group_by, GROUPINGS), ("order", self.order, ORDERS)):
            if value not in choices:
                raise UsageError(f"no {what} '{value}': use one of {', '.join(choices)}")
        for kind in (*self.kinds, *self.titles):
            if kind not in KINDS:
                raise UsageError(f"no kind of work '{kind}': use one of {', '.join(KINDS)}")


def select(publications: Iterable[Publication], selection: Selection = Selection()) -> tuple[Group, ...]:
    """The groups to render."""
    tests = _tests(selection)
    # Most selections list all: then no test runs for each entry.
    chosen = [pub for pub in publications if all(test(pub) for test in tests)] if tests else list(publications)
    if selection.include_hidden:
        chosen = [replace(pub, hidden=False) if pub.hidden else pub for pub in chosen]
    chosen = _ordered(chosen, selection.order)
    if selection.group_by == "kind,year":
        chosen = sorted(chosen, key=lambda pub: -(pub.year or 0))  # stable: newest years first in each kind
    if selection.group_by == "none":
        return (Group("", tuple(chosen)),) if chosen else ()  # one list, no section heading
    if selection.group_by in ("kind", "kind,year"):
        return group_by_kind(chosen, selection.titles)
    return group_by_year(chosen)


def listed_by(selection: Selection) -> Callable[[Publication], bool] | None:
    """Whether ``selection`` lists a publication as it is (``select``
    may list one a later stage made of it); None when it lists all."""
    tests = _tests(selection)
    if not tests:
        return None
    return lambda pub: all(test(pub) for test in tests)


def _tests(selection: Selection) -> list[Callable[[Publication], bool]]:
    """What an entry must pass to be listed: one test for each filter the
    selection sets, none when it lists all."""
    tests: list[Callable[[Publication], bool]] = []
    since, until = selection.since, selection.until
    if since is not None:
        tests.append(lambda pub: pub.year is not None and pub.year >= since)
    if until is not None:
        tests.append(lambda pub: pub.year is not None and pub.year <= until)
    if selection.kinds:
        tests.append(lambda pub: pub.kind in selection.kinds)
    if selection.keys:
        keys = {key.casefold() for key in selection.keys}  # BibTeX keys are case-insensitive
        tests.append(lambda pub: pub.key.casefold() in keys)
    if selection.selected_only:
        tests.append(lambda pub: pub.selected)
    if selection.only_highlighted:
        tests.append(lambda pub: any(person.highlight for person in (*pub.authors, *pub.editors)))
    return tests


def _ordered(publications: Sequence[Publication], order: str) -> list[Publication]:
    """Stable orders: newest first by year, then by month (entries without
    a month first, as the newest), then file order; file order; newest first
    by year and month (entries without a month last); by title; by venue."""
    if order == "month":
        return sorted(publications, key=lambda pub: (-(pub.year or 0), -(pub.month or 13)))
    if order == "date":
        return sorted(publications, key=lambda pub: (-(pub.year or 0), -(pub.month or 0)))
    if order == "title":
        return sorted(publications, key=lambda pub: fold(pub.title))
    if order == "venue":
        return sorted(publications, key=lambda pub: fold(pub.venue.label or pub.venue.name))
    return list(publications)


def group_by_year(publications: Iterable[Publication]) -> tuple[Group, ...]:
    """Years newest first; within a year, the given order. Entries without a
    year come last, under "Undated", rather than being dropped."""
    by_year: dict[int | None, list[Publication]] = {}
    for publication in publications:
        by_year.setdefault(publication.year, []).append(publication)
    years = sorted((year for year in by_year if year is not None), reverse=True)
    groups = [Group(str(year), tuple(by_year[year])) for year in years]
    if None in by_year:
        groups.append(Group(UNDATED, tuple(by_year[None]), "undated"))
    return tuple(groups)


def group_by_kind(publications: Iterable[Publication], titles: Mapping[str, str]) -> tuple[Group, ...]:
    """One group per kind, in the order of ``KINDS`` (conference papers
    first), titled from ``titles`` or ``KIND_TITLES``."""
    by_kind: dict[str, list[Publication]] = {}
    for publication in publications:
        by_kind.setdefault(publication.kind, []).append(publication)
    return tuple(
        Group(titles[kind], tuple(by_kind[kind])) if kind in titles else _kind_group(kind, by_kind[kind])
        for kind in KINDS
        if kind in by_kind
    )


def _kind_group(kind: str, entries: list[Publication]) -> Group:
    return Group(KIND_TITLES[kind], tuple(entries), f"group-{kind}")
