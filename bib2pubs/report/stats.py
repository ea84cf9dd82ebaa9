"""``--stats``: counts for CVs and grant forms.

Works per year and per kind, and for each highlighted person how many they
wrote first, last or alone. Hidden entries are not counted.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import IO, Final

from bib2pubs.model import KINDS, Listing, Person, Publication
from bib2pubs.names.highlight import patterns_of
from bib2pubs.names.match import Pattern, person_matches

UNDATED: Final = "undated"


@dataclass(frozen=True, slots=True)
class PersonStats:
    """A highlighted person's share of the listing."""

    name: str
    works: int
    first: int
    last: int
    alone: int


@dataclass(frozen=True, slots=True)
class Stats:
    """What ``--stats`` reports."""

    total: int
    by_year: tuple[tuple[str, int], ...]
    by_kind: tuple[tuple[str, int], ...]
    people: tuple[PersonStats, ...]


def compute(listing: Listing, patterns: Sequence[Pattern] | None = None) -> Stats:
    """The counts over the listing's visible entries; one row per person
    highlighted (per pattern: by default, per highlight the listing was made
    with), else per highlight style (names bold in the .bib)."""
    if patterns is None:
        patterns = patterns_of(listing.highlights)
    publications = [pub for group in listing.groups for pub in group.entries if not pub.hidden]
    years = Counter(str(pub.year) if pub.year is not None else UNDATED for pub in publications)
    kinds = Counter(pub.kind for pub in publications)
    by_year = sorted(years.items(), key=lambda item: (item[0] == UNDATED, -int(item[0]) if item[0].isdigit() else 0))
    by_kind = [(kind, kinds[kind]) for kind in KINDS if kinds[kind]]
    if patterns:
        people = tuple(_person(pattern.name, publications, _matcher(pattern)) for pattern in patterns)
    else:  # only names bolded in the .bib itself: one row per style
        styles = sorted({p.highlight for pub in publications for p in pub.authors if p.highlight}, key=_self_first)
        people = tuple(_person(style, publications, _styled(style)) for style in styles)
    return Stats(len(publications), tuple(by_year), tuple(by_kind), people)


def _matcher(pattern: Pattern) -> Callable[[Person], bool]:
    def named(person: Person) -> bool:
        return person.highlight == pattern.style and person_matches(pattern, person.written)

    return named


def _styled(style: str) -> Callable[[Person], bool]:
    return lambda person: person.highlight == style


def _self_first(style: str) -> tuple[bool, str]:
    return style != "self", style


def _person(name: str, publications: Sequence[Publication], chosen: Callable[[Person], bool]) -> PersonStats:
    works = first = last = alone = 0
    for pub in publications:
        marked = [chosen(person) for person in pub.authors]
        if not any(marked):
            continue
        works += 1
        alone += len(marked) == 1 and not pub.et_al
        first += marked[0] and len(marked) > 1
        last += marked[-1] and len(marked) > 1 and not pub.et_al
    return PersonStats(name, works, first, last, alone)


def to_json(stats: Stats) -> str:
    """The counts as JSON (stable keys and order)."""
    document = {
        "total": stats.total,
        "by_year": dict(stats.by_year),
        "by_kind": dict(stats.by_kind),
        "highlighted": [
            {"name": p.name, "works": p.works, "first_author": p.first, "last_author": p.last, "sole_author": p.alone}
            for p in stats.people
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def show(stats: Stats, file: IO[str] | None = None) -> None:
    """The counts as tables in the terminal (rich; plain when piped)."""
    # rich, slow to import, is loaded only for the terminal.
    from rich.console import Console
    from rich.table import Table

    console = Console(file=file, highlight=False, emoji=False)
    years = Table(title=f"{stats.total} works", title_justify="left")
    years.add_column("year")
    years.add_column("works", justify="right")
    for year, count in stats.by_year:
        years.add_row(year, str(count))
    kinds = Table()
    kinds.add_column("kind")
    kinds.add_column("works", justify="right")
    for kind, count in stats.by_kind:
        kinds.add_row(kind, str(count))
    console.print(years)
    console.print(kinds)
    if stats.people:
        people = Table()
        for column in ("person", "works", "first author", "last author", "sole author"):
            people.add_column(column, justify="left" if column == "person" else "right")
        for person in stats.people:
            people.add_row(person.name, str(person.works), str(person.first), str(person.last), str(person.alone))
        console.print(people)
