"""How a writer finds an entry's citation: the key citations are filed by,
and the lookup. Apart from ``citations`` so that a run that cites nothing
(most runs) never makes its ``Citation`` class, a tenth of a small run's
start-up spent on a class no such run uses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from bib2pubs.model import Publication

if TYPE_CHECKING:
    from bib2pubs.rendering.citations import Citation

#: An entry of the listing: its key, file and line. Two entries may share
#: a key (bib2pubs lists both, with a warning); each has its citation.
EntryId = tuple[str, str, int]


#: The citations of a listing, by entry.
Citations = Mapping[EntryId, "Citation"]


def entry_id(pub: Publication) -> EntryId:
    """What ``citations.cite_listing`` keys an entry's citation by."""
    return (pub.key, pub.file, pub.line)


def citation_of(citations: Citations | None, pub: Publication) -> Citation | None:
    """The entry's citation, if a style cited it."""
    return citations.get(entry_id(pub)) if citations else None
