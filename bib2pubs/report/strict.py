"""``--strict``: the checks a careful CI run adds to the usual warnings.

An entry without a year, or without a venue; a venue that is not in the
venue table (so its name and short name are as written, not canonical);
and, with ``--only-highlighted``, an entry that names no highlighted person
(which that option leaves out).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from bib2pubs.model import Diagnostic, Publication
from bib2pubs.venues.table import VenueTable

#: Kinds whose venue a page shows and the table can know.
_VENUE_KINDS: Final = frozenset({"conference", "workshop", "journal"})


def strict_problems(
    publications: Iterable[Publication], table: VenueTable, only_highlighted: bool = False
) -> list[Diagnostic]:
    """Warnings for what ``--strict`` checks beyond the usual ones."""
    problems = []
    for pub in publications:

        def warn(message: str, pub: Publication = pub) -> None:
            problems.append(Diagnostic(pub.file, pub.line, pub.key, "warning", message))

        if pub.year is None:
            warn("no year: listed as undated")
        venue = pub.venue
        if pub.kind in _VENUE_KINDS and not (venue.name or venue.label):
            warn(f"no venue for a {pub.kind} paper")
        elif pub.kind in _VENUE_KINDS and not (venue.short and table.by_acronym(venue.short)):
            warn(f"venue not in the venue table: '{venue.name or venue.label}' (add it with --venues)")
        if only_highlighted and not any(person.highlight for person in (*pub.authors, *pub.editors)):
            warn("names no highlighted person: left out by --only-highlighted")
    return problems
