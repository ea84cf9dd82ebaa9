"""Choose and order what the page lists: groups of publications."""

from __future__ import annotations

from collections.abc import Iterable

from bib2pubs.model import Group, Publication

UNDATED = "Undated"


def group_by_year(publications: Iterable[Publication]) -> tuple[Group, ...]:
    """Years newest first; within a year, file order. Entries without a
    year come last, under "Undated", rather than being dropped."""
    by_year: dict[int | None, list[Publication]] = {}
    for publication in publications:
        by_year.setdefault(publication.year, []).append(publication)
    years = sorted((year for year in by_year if year is not None), reverse=True)
    groups = [Group(str(year), tuple(by_year[year])) for year in years]
    if None in by_year:
        groups.append(Group(UNDATED, tuple(by_year[None])))
    return tuple(groups)
