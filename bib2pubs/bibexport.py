"""The listed entries written back as clean BibTeX, for "cite" buttons and
for sharing: one self-contained entry each.

Clean means:
- fields that only serve a website (``selected``, ``abbr``, ``pdf``,
  ``abstract``…; ``SITE_FIELDS``) are left out, and a run may drop more or
  keep some of them (``--bibtex-drop``, ``--bibtex-keep``);
- ``@string`` macros are expanded, and a cross-referenced entry's inherited
  fields are written into the entry itself (so ``crossref`` goes);
- author and editor lists are written as bib2pubs read them: slips
  repaired ("et al." as "and others"), and the bold, stars and daggers
  typed into names for a page taken out;
- fields come in a stable order: the usual ones first (``FIELD_ORDER``),
  then the rest alphabetically, one line each: values are braced, as
  written (LaTeX kept), blanks and line breaks run together as BibTeX
  itself reads them.
"""

from __future__ import annotations

from collections.abc import Iterable

from bib2pubs.model import Listing, Publication

#: Fields left out by default: what al-folio, academicpages, Hugo Blox and
#: this tool read for a website, marks for a page, and local file paths.
SITE_FIELDS = frozenset(
    {
        *("abbr", "selected", "preview", "bibtex_show", "abstract", "hidden", "award", "award_name"),
        *("pdf", "html", "slides", "code", "video", "poster", "website", "blog", "supp", "arxiv", "paperurl"),
        *("url_pdf", "url_code", "url_slides", "url_video", "url_poster", "url_project", "url_supp", "project"),
        *("altmetric", "dimensions", "google_scholar_id", "inspirehep_id", "additional_info", "annotation"),
        *("venueurl", "venuelabel", "venuename", "equal", "corresponding", "author+an", "editor+an", "file"),
        # Reference managers' bookkeeping (JabRef).
        *("owner", "timestamp", "groups"),
    }
)
#: Never written: they name other entries, which need not be listed with it.
_REFERENCES = frozenset({"crossref", "xref", "xdata"})

#: The fields written first, in this order; any other follows alphabetically.
FIELD_ORDER = (
    *("author", "editor", "title", "booktitle", "journal", "journaltitle", "series", "edition", "volume"),
    *("number", "pages", "chapter", "howpublished", "type", "school", "institution", "organization"),
    *("publisher", "address", "location", "venue", "eventdate", "month", "year", "date", "note"),
    *("doi", "url", "eprint", "archiveprefix", "eprinttype", "primaryclass", "isbn", "issn"),
)
_RANK = {name: rank for rank, name in enumerate(FIELD_ORDER)}


def dropped_fields(drop: Iterable[str] = (), keep: Iterable[str] = ()) -> frozenset[str]:
    """The fields a run leaves out: the defaults, with ``drop`` added and
    ``keep`` taken away (names in any case)."""
    return (SITE_FIELDS | {name.lower() for name in drop}) - {name.lower() for name in keep}


def entry_bibtex(publication: Publication, dropped: frozenset[str] = SITE_FIELDS) -> str:
    """One publication as a BibTeX entry (an empty string when the entry's
    fields were not kept: see ``Options.keep_fields``)."""
    fields = publication.fields
    if fields is None:
        return ""
    names = sorted(
        (name for name in fields if name not in dropped and name not in _REFERENCES),
        key=lambda name: (_RANK.get(name, len(_RANK)), name),
    )
    values = {**fields, **_people(publication)}
    lines = [f"@{publication.type}{{{publication.key},"]
    lines += [f"  {name} = {{{_balanced(' '.join(values[name].split()))}}}," for name in names]
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_bibtex(listing: Listing, dropped: frozenset[str] = SITE_FIELDS) -> str:
    """Every listed entry but hidden ones, in the listing's order, as BibTeX."""
    entries = [entry_bibtex(pub, dropped) for group in listing.groups for pub in group.entries if not pub.hidden]
    return "\n".join(entry for entry in entries if entry)


def _people(publication: Publication) -> dict[str, str]:
    """The author and editor fields, names as read (see the module doc)."""
    people = {}
    for name, persons in (("author", publication.authors), ("editor", publication.editors)):
        if publication.fields and name in publication.fields and persons:
            written = [person.written for person in persons]
            # The et-al flag belongs to the authors, or to the editors of a work without authors.
            if publication.et_al and (name == "author" or not publication.authors):
                written.append("others")
            people[name] = " and ".join(written)
    return people


def _balanced(value: str) -> str:
    """The value with braces that pair nowhere left out: a quoted value may
    hold one ("a}b"), and inside {…} it would end the value early."""
    if "{" not in value and "}" not in value:
        return value
    depth = 0
    kept: list[str] = []
    for char in value:
        if char == "}" and depth == 0:
            continue
        depth += (char == "{") - (char == "}")
        kept.append(char)
    text = "".join(kept)
    while depth > 0:  # unclosed ones: drop the last opening braces
        cut = text.rindex("{")
        text = text[:cut] + text[cut + 1 :]
        depth -= 1
    return text
