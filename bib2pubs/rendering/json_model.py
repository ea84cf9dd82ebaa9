"""The Listing as JSON: the normalized model, every key present.

Its shape is described by ``listing.schema.json`` beside this module; a
change to the shape bumps ``VERSION``, which the JSON carries at its top.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from bib2pubs.model import Diagnostic, Listing, Person, Publication
from bib2pubs.rendering.citations import citation_of

if TYPE_CHECKING:
    from bib2pubs.rendering.citations import Citations

#: The version of the JSON's shape: 2 added ``version``, ``locators``,
#: ``identifiers``, ``abstract``, ``keywords``, ``award``, ``award_name``,
#: ``preview`` and ``language``.
VERSION = 2


def person_dict(person: Person) -> dict[str, Any]:
    return {
        "first": person.first,
        "von": person.von,
        "last": person.last,
        "jr": person.jr,
        "display": person.display,
        "highlight": person.highlight,
        "marks": list(person.marks),
    }


def publication_dict(publication: Publication) -> dict[str, Any]:
    venue = publication.venue
    return {
        "key": publication.key,
        "type": publication.type,
        "kind": publication.kind,
        "title": publication.title,
        "year": publication.year,
        "month": publication.month,
        "authors": [person_dict(person) for person in publication.authors],
        "editors": [person_dict(person) for person in publication.editors],
        "et_al": publication.et_al,
        "venue": {
            "name": venue.name,
            "short": venue.short,
            "label": venue.label,
            "url": venue.url,
            "location": venue.location,
            "dates": venue.dates,
        },
        "links": dict(publication.links),
        "locators": asdict(publication.locators),
        "identifiers": asdict(publication.identifiers),
        "note": publication.note,
        "abstract": publication.abstract,
        "keywords": list(publication.keywords),
        "award": publication.award,
        "award_name": publication.award_name,
        "preview": publication.preview,
        "language": publication.language,
        "hidden": publication.hidden,
        "selected": publication.selected,
        "source": {"file": publication.file, "line": publication.line},
    }


def diagnostic_dict(diagnostic: Diagnostic) -> dict[str, Any]:
    return {
        "file": diagnostic.file,
        "line": diagnostic.line,
        "key": diagnostic.key,
        "level": diagnostic.level,
        "message": diagnostic.message,
    }


def listing_dict(listing: Listing, citations: Citations | None = None) -> dict[str, Any]:
    """The listing as plain JSON-ready data; with ``citations`` (``--style``),
    each entry cited carries its ``citation`` as plain text and HTML."""
    return {
        "version": VERSION,
        "groups": [
            {"title": group.title, "entries": [_cited(entry, citations) for entry in group.entries]}
            for group in listing.groups
        ],
        "diagnostics": [diagnostic_dict(diagnostic) for diagnostic in listing.diagnostics],
    }


def _cited(publication: Publication, citations: Citations | None) -> dict[str, Any]:
    entry = publication_dict(publication)
    citation = citation_of(citations, publication)
    if citation is not None:
        # Optional, so the shape (VERSION) stands: only a run with --style has it.
        entry["citation"] = {"text": citation.text, "html": citation.html}
    return entry


def to_json(listing: Listing, citations: Citations | None = None) -> str:
    """Deterministic, human-diffable JSON ending in a newline; ``citations``
    as ``listing_dict`` takes them."""
    return json.dumps(listing_dict(listing, citations), ensure_ascii=False, indent=2) + "\n"
