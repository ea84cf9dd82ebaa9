"""The Listing as JSON: the normalized model, every key present.

Its shape is described by ``listing.schema.json`` beside this module; a
change to the shape bumps ``VERSION``, which the JSON carries at its top.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import fields
from functools import lru_cache
from json.encoder import encode_basestring
from typing import TYPE_CHECKING, Any, Final

from bib2pubs.model import Diagnostic, Identifiers, Listing, Locators, Person, Publication
from bib2pubs.rendering.cited import citation_of
from bib2pubs.rendering.json_text import Prewritten, Unusual, indented_json, scalar, write, write_dict

if TYPE_CHECKING:
    from bib2pubs.rendering.citations import Citation
    from bib2pubs.rendering.cited import Citations

#: The version of the JSON's shape: 2 added ``version``, ``locators``,
#: ``identifiers``, ``abstract``, ``keywords``, ``award``, ``award_name``,
#: ``preview`` and ``language``.
VERSION: Final = 2

# Their fields hold text only: read by name, they need none of the deep
# copy ``dataclasses.asdict`` makes of every value.
_LOCATORS: Final = tuple(field.name for field in fields(Locators))
_IDENTIFIERS: Final = tuple(field.name for field in fields(Identifiers))


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
        "locators": {name: getattr(publication.locators, name) for name in _LOCATORS},
        "identifiers": {name: getattr(publication.identifiers, name) for name in _IDENTIFIERS},
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
    return _outline(listing, lambda publication: _cited(publication, citations))


def _outline(listing: Listing, entry: Callable[[Publication], object]) -> dict[str, Any]:
    """The listing's JSON, each publication as ``entry`` gives it."""
    return {
        "version": VERSION,
        "groups": [
            {"title": group.title, "entries": [entry(publication) for publication in group.entries]}
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
    as ``listing_dict`` takes them: ``json.dumps(listing_dict(…),
    ensure_ascii=False, indent=2)``, written without building the dicts."""
    out: list[str] = []
    try:
        write(_outline(listing, lambda publication: _Entry(publication, citations)), out, "\n")
    except (Unusual, RecursionError):  # json.dumps nests deeper than these calls
        return indented_json(listing_dict(listing, citations)) + "\n"
    out.append("\n")
    return "".join(out)


class _Entry(Prewritten):
    """A publication, written as ``_cited`` gives its dict, key by key:
    the dicts of a large listing cost as much again as writing them."""

    def __init__(self, publication: Publication, citations: Citations | None) -> None:
        self.publication = publication
        self.citation = citation_of(citations, publication)

    def write(self, out: list[str], newline: str) -> None:
        try:
            out.append(_publication_json(self.publication, newline, self.citation))
        except TypeError:  # a value of a type the model does not give: the careful way
            entry = publication_dict(self.publication)
            if self.citation is not None:
                entry["citation"] = {"text": self.citation.text, "html": self.citation.html}
            write_dict(entry, out, newline)


def _publication_json(publication: Publication, newline: str, citation: Citation | None) -> str:
    """``publication_dict`` (and its citation) as ``write`` writes it; a
    TypeError for a value of a type the model does not give."""
    q = encode_basestring  # raises the TypeError for a value that is no text
    i = newline + "  "
    venue = publication.venue
    cited = f',{i}"citation": {_texts(_CITATION, (citation.text, citation.html), i)}' if citation else ""
    return (
        f'{{{i}"key": {q(publication.key)},{i}"type": {q(publication.type)},{i}"kind": {q(publication.kind)},'
        f'{i}"title": {q(publication.title)},{i}"year": {_known(publication.year)},'
        f'{i}"month": {_known(publication.month)},{i}"authors": {_people(publication.authors, i)},'
        f'{i}"editors": {_people(publication.editors, i)},{i}"et_al": {_known(publication.et_al)},'
        f'{i}"venue": {_texts(_VENUE, [getattr(venue, name) for name in _VENUE], i)},'
        f'{i}"links": {_texts(tuple(publication.links), tuple(publication.links.values()), i)},'
        f'{i}"locators": {_texts(_LOCATORS, [getattr(publication.locators, name) for name in _LOCATORS], i)},'
        f'{i}"identifiers": '
        f"{_texts(_IDENTIFIERS, [getattr(publication.identifiers, name) for name in _IDENTIFIERS], i)},"
        f'{i}"note": {q(publication.note)},{i}"abstract": {q(publication.abstract)},'
        f'{i}"keywords": {_list(publication.keywords, i)},{i}"award": {q(publication.award)},'
        f'{i}"award_name": {q(publication.award_name)},{i}"preview": {q(publication.preview)},'
        f'{i}"language": {q(publication.language)},{i}"hidden": {_known(publication.hidden)},'
        f'{i}"selected": {_known(publication.selected)},'
        f'{i}"source": {{{i}  "file": {q(publication.file)},{i}  "line": {_known(publication.line)}{i}}}'
        f"{cited}{newline}}}"
    )


_VENUE: Final = ("name", "short", "label", "url", "location", "dates")
_CITATION: Final = ("text", "html")


def _known(value: object) -> str:
    """A number, true, false or null as JSON; a TypeError for anything else."""
    text = scalar(value)
    if text is None:
        raise TypeError(f"not a JSON scalar: {type(value).__name__}")
    return text


def _texts(keys: Sequence[str], values: Sequence[str], newline: str) -> str:
    """An object of texts, as ``write_dict`` writes it."""
    if not keys:
        return "{}"
    q = encode_basestring
    heads = _heads(tuple(keys), newline)
    return "{" + ",".join([head + q(value) for head, value in zip(heads, values, strict=True)]) + newline + "}"


@lru_cache(maxsize=64)
def _heads(keys: tuple[str, ...], newline: str) -> tuple[str, ...]:
    """What starts each key's line: the same few objects (a venue, its
    locators) come again and again, at the same depth."""
    return tuple(f"{newline}  {encode_basestring(key)}: " for key in keys)


def _list(texts: Sequence[str], newline: str) -> str:
    """A list of texts, as ``write_list`` writes it."""
    if not texts:
        return "[]"
    i = newline + "  "
    return "[" + ",".join([i + encode_basestring(text) for text in texts]) + newline + "]"


def _people(people: Sequence[Person], newline: str) -> str:
    """``person_dict`` of each, as ``write_list`` writes them."""
    if not people:
        return "[]"
    q = encode_basestring
    i = newline + "  "
    j = i + "  "
    return (
        "["
        + ",".join(
            [
                f'{i}{{{j}"first": {q(person.first)},{j}"von": {q(person.von)},{j}"last": {q(person.last)},'
                f'{j}"jr": {q(person.jr)},{j}"display": {q(person.display)},'
                f'{j}"highlight": {"null" if person.highlight is None else q(person.highlight)},'
                f'{j}"marks": {_list(person.marks, j)}{i}}}'
                for person in people
            ]
        )
        + newline
        + "]"
    )
