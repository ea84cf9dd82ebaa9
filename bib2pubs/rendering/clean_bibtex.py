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

from collections.abc import Iterable, Set
from typing import Final

from bib2pubs.lazyre import lazy
from bib2pubs.model import Diagnostic, Listing, Publication

#: Fields left out by default: what al-folio, academicpages, Hugo Blox and
#: this tool read for a website, marks for a page, and local file paths.
SITE_FIELDS: Final = frozenset(
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
_REFERENCES: Final = frozenset({"crossref", "xref", "xdata"})

#: The fields written first, in this order; any other follows alphabetically.
FIELD_ORDER: Final = (
    *("author", "editor", "title", "booktitle", "journal", "journaltitle", "series", "edition", "volume"),
    *("number", "pages", "chapter", "howpublished", "type", "school", "institution", "organization"),
    *("publisher", "address", "location", "venue", "eventdate", "month", "year", "date", "note"),
    *("doi", "url", "eprint", "archiveprefix", "eprinttype", "primaryclass", "isbn", "issn"),
)
_RANK: Final = {name: rank for rank, name in enumerate(FIELD_ORDER)}
# What a key may hold in "@type{key,", as the parser reads keys: no blank, comma, brace, "=" or quote.
_KEY: Final = lazy(r'[^\s,{}="]+')


def dropped_fields(drop: Iterable[str] = (), keep: Iterable[str] = ()) -> frozenset[str]:
    """The fields a run leaves out: the defaults, with ``drop`` added and
    ``keep`` taken away (names in any case)."""
    return (SITE_FIELDS | {name.lower() for name in drop}) - {name.lower() for name in keep}


def dropped_or_default(dropped: Set[str] | None) -> frozenset[str]:
    """The fields to leave out: ``dropped``, or ``SITE_FIELDS`` when None."""
    return SITE_FIELDS if dropped is None else frozenset(dropped)


def entry_bibtex(publication: Publication, dropped: frozenset[str] = SITE_FIELDS) -> str:
    """One publication as a BibTeX entry (an empty string when the entry's
    fields were not kept: see ``Options.keep_fields``)."""
    return _entry(publication, dropped)[0]


def entry_bibtex_checked(
    publication: Publication, dropped: frozenset[str] = SITE_FIELDS
) -> tuple[str, list[Diagnostic]]:
    """``entry_bibtex``, and a warning for each value that lost a brace."""
    entry, damaged = _entry(publication, dropped)
    return entry, [_lost_brace(publication, name) for name in damaged]


def _lost_brace(pub: Publication, name: str) -> Diagnostic:
    # BibTeX has no way to write a brace that pairs with none.
    message = f"field '{name}': a brace that pairs with none left out of the BibTeX"
    return Diagnostic(pub.file, pub.line, pub.key, "warning", message)


def _entry(publication: Publication, dropped: frozenset[str]) -> tuple[str, list[str]]:
    """The entry, and the fields written without a brace that paired with none."""
    fields = publication.fields
    if fields is None:
        return "", []
    names = sorted(
        (name for name in fields if name not in dropped and name not in _REFERENCES),
        key=lambda name: (_RANK.get(name, len(_RANK)), name),
    )
    values = {**fields, **_people(publication)}
    lines = [f"@{publication.type}{{{publication.key},"]
    damaged = []
    for name in names:
        written, unpaired = _balanced(" ".join(values[name].split()))
        if unpaired:
            damaged.append(name)
        lines.append(f"  {name} = {{{written}}},")
    lines.append("}")
    return "\n".join(lines) + "\n", damaged


def to_bibtex(listing: Listing, dropped: frozenset[str] = SITE_FIELDS) -> tuple[str, list[Diagnostic]]:
    """Every listed entry but hidden ones, in the listing's order, as BibTeX,
    and a warning for each entry left out: a key already written (BibTeX
    keys are one entry each, whatever their case), or one that cannot be
    written as a key; and one for each value that lost a brace."""
    entries: list[str] = []
    problems: list[Diagnostic] = []
    written: set[str] = set()
    for pub in (pub for group in listing.groups for pub in group.entries if not pub.hidden):
        if pub.key.lower() in written or not _KEY.fullmatch(pub.key):
            why = "duplicate key" if pub.key.lower() in written else "a key BibTeX cannot hold"
            problems.append(Diagnostic(pub.file, pub.line, pub.key, "warning", f"{why}; left out of the BibTeX"))
            continue
        entry, damaged = _entry(pub, dropped)
        if entry:
            written.add(pub.key.lower())
            entries.append(entry)
        problems.extend(_lost_brace(pub, name) for name in damaged)
    return "\n".join(entries), problems


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


def _balanced(value: str) -> tuple[str, int]:
    """The value with the braces that pair with none left out, and how many:
    inside {…} one would end the value early, or never. Values read from a
    file pair theirs; one cut short (see ``values.MAX_VALUE``) or a name
    taken out of its markup may not."""
    if "{" not in value and "}" not in value:
        return value, 0
    unpaired: list[int] = []
    opened: list[int] = []
    for index, char in enumerate(value):
        if char == "{":
            opened.append(index)
        elif char == "}":
            if opened:
                opened.pop()
            else:
                unpaired.append(index)
    dropped = set(unpaired) | set(opened)
    if not dropped:
        return value, 0
    return " ".join("".join(char for index, char in enumerate(value) if index not in dropped).split()), len(dropped)
