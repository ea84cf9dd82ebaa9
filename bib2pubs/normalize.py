"""Turn raw entries into Publications: text decoded, people split, venue read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Final

from bib2pubs.details import keyword_list, read_identifiers, read_locators, read_preview, text_of
from bib2pubs.errors import is_out_of_memory
from bib2pubs.latex.decode import latex_to_text
from bib2pubs.latex.math import title_math
from bib2pubs.model import Diagnostic, Publication
from bib2pubs.names.author_list import list_problems, repair_list
from bib2pubs.names.marks import MARK_FIELDS, Marks, merge, parse_annotations, parse_mark_fields
from bib2pubs.names.parts import is_others, split_persons
from bib2pubs.names.people import clean_name, parse_people
from bib2pubs.read.bibtex import RawEntry
from bib2pubs.read.dates import parse_iso_date, parse_month, parse_year
from bib2pubs.read.links import dropped_target, extract_links
from bib2pubs.venues.classify import classify, venue_and_status
from bib2pubs.venues.table import VenueTable

if TYPE_CHECKING:
    from bib2pubs.names.match import Pattern

_TRUE: Final = frozenset({"true", "yes", "1", "y", "on"})


def _flag(entry: RawEntry, name: str) -> bool:
    return entry.get(name).strip("{} \t\n").lower() in _TRUE


def _selected(entry: RawEntry, keywords: tuple[str, ...]) -> bool:
    """al-folio's ``selected = {true}``, or biblatex users' ``keywords =
    {selected}`` (any keyword "selected", in any case)."""
    return _flag(entry, "selected") or any(word.casefold() == "selected" for word in keywords)


def _note(entry: RawEntry, status: str) -> str:
    """The entry's ``note``, after the status written into its venue ("To
    appear", "In press"), joined by "; "; a status the note says is not repeated."""
    note = latex_to_text(entry.get("note"))
    if not status or status.casefold() in note.casefold():
        return note
    return f"{status}; {note}" if note else status


def _year_month(entry: RawEntry) -> tuple[int | None, int | None]:
    # Decoded first: "{\noopsort{1973c}}1981" is 1981, its sort key is not.
    year = parse_year(latex_to_text(entry.get("year"))) if "year" in entry.fields else None
    month = parse_month(latex_to_text(entry.get("month"))) if "month" in entry.fields else None
    if "date" in entry.fields:
        start = entry.get("date").split("/")[0]
        date = parse_iso_date(start)
        if date is not None:
            year = year if year is not None else date[0]
            month = month if month is not None else date[1]
        elif year is None:
            year = parse_year(start)
    return year, month


def _author_marks(entry: RawEntry, field: str) -> tuple[Marks, list[str]]:
    """Marks by author position from ``author+an`` and the simple fields."""
    annotated = parse_annotations(entry.get("author+an")) if "author+an" in entry.fields else None
    if not any(name in entry.fields for name in MARK_FIELDS):
        return annotated or {}, []
    names = [name for name in split_persons(field) if not is_others(name)]

    def position_of(wanted: str) -> int | None:
        # names.match loads only for the few entries that name people in mark fields.
        from bib2pubs.names.match import make_pattern, person_matches

        pattern = make_pattern(wanted)
        for position, name in enumerate(names, 1):
            if person_matches(pattern, clean_name(name)[0]):
                return position
        return None

    simple, problems = parse_mark_fields(entry.fields, len(names), position_of)
    return merge(annotated, simple), problems


@lru_cache(maxsize=1 << 12)
def _author_list(field: str) -> tuple[str, tuple[str, ...]]:
    """An author field repaired, and what was repaired or is wrong in it.
    Cached: an author list comes back in entry after entry."""
    repaired, repairs = repair_list(field)
    return repaired, (*repairs, *list_problems(repaired))


@lru_cache(maxsize=1 << 12)
def _editor_list(field: str) -> tuple[str, tuple[str, ...]]:
    """An editor field repaired, and what was repaired. Cached: a
    proceedings' editors come back with each of its papers (DBLP writes
    them into every one)."""
    repaired, repairs = repair_list(field, "editor")
    return repaired, tuple(repairs)


#: biblatex entry types that hold data for other entries, not works.
CONTAINER_TYPES: Final = frozenset({"set", "xdata"})

Normalized = tuple[list[Publication], list[Diagnostic]]


@dataclass(frozen=True)
class Normalizer:
    """How one run turns entries into publications: whom to highlight, how
    to show names, which venues to know, and which entries other entries
    cross-reference (``containers``, lower-case keys)."""

    patterns: tuple[Pattern, ...]
    name_style: str
    table: VenueTable
    containers: frozenset[str] = frozenset()
    #: Keep each entry's fields in its Publication (for BibTeX output).
    keep_fields: bool = False

    def all(self, entries: Sequence[RawEntry]) -> Normalized:
        """Every entry as a Publication, but for data-only entries. (A large
        file may be read and normalized in two halves at once instead:
        ``read.two_processes``.)"""
        publications: list[Publication] = []
        diagnostics: list[Diagnostic] = []
        for entry in entries:
            if entry.type in CONTAINER_TYPES:
                continue
            try:
                publication, problems = normalize_entry(
                    entry, self.patterns, self.name_style, self.table, keep_fields=self.keep_fields
                )
            except Exception as error:  # one odd entry must not sink the page
                if is_out_of_memory(error):
                    raise  # not the entry's fault: the run ends with a clear message
                message = f"entry skipped, internal error: {error!r}"
                diagnostics.append(Diagnostic(entry.file, entry.line, entry.key or None, "error", message))
                continue
            container = entry.key.lower() in self.containers and not publication.authors
            if container and not any(editor.highlight for editor in publication.editors):
                continue  # a proceedings volume cited by its papers, not a work of the user's
            publications.append(publication)
            diagnostics.extend(problems)
        return publications, diagnostics


def normalize_entry(
    entry: RawEntry,
    patterns: Sequence[Pattern],
    name_style: str = "full",
    venues: VenueTable | None = None,
    *,
    keep_fields: bool = False,
) -> tuple[Publication, list[Diagnostic]]:
    """One Publication and the problems met on the way; with ``keep_fields``
    it holds the entry's fields too (given here rather than added after:
    copying a Publication costs as much as making it)."""
    diagnostics: list[Diagnostic] = []

    def warn(field: str, message: str) -> None:
        line = entry.field_lines.get(field, entry.line)
        diagnostics.append(Diagnostic(entry.file, line, entry.key, "warning", message))

    year, month = _year_month(entry)
    if year is None and entry.get("year").strip("{} "):
        warn("year", f"year '{latex_to_text(entry.get('year'))}' has no year in it; listed as undated")
    if month is None and entry.get("month").strip("{} "):
        warn("month", f"month '{latex_to_text(entry.get('month'))}' is not a month; left out")
    kind = classify(entry.type, entry.fields)
    author_field, problems = _author_list(entry.get("author"))
    marks, mark_problems = _author_marks(entry, author_field)
    for problem in problems:
        warn("author", problem)
    for problem in mark_problems:
        warn(problem.split(" ", 1)[0], problem)
    authors, et_al = parse_people(author_field, patterns, marks, name_style)
    editor_field, repairs = _editor_list(entry.get("editor"))
    for problem in repairs:
        warn("editor", problem)
    editor_marks = parse_annotations(entry.get("editor+an")) if "editor+an" in entry.fields else None
    editors, editors_et_al = parse_people(editor_field, patterns, editor_marks, name_style)
    links, link_problems = extract_links(entry)
    diagnostics.extend(link_problems)
    venue, kind, status = venue_and_status(kind, entry.type, entry.fields, year, venues)
    dropped = dropped_target(entry, "venueurl", venue.url, "venueurl")
    if dropped is not None:
        venue = replace(venue, url="")
        diagnostics.append(dropped)
    preview, preview_problems = read_preview(entry)
    identifiers, identifier_problems = read_identifiers(entry)
    diagnostics.extend([*identifier_problems, *preview_problems])
    fields = entry.fields
    keywords = keyword_list(fields["keywords"]) if "keywords" in fields else ()
    title = latex_to_text(entry.get("title"))
    if not title:
        diagnostics.append(Diagnostic(entry.file, entry.line, entry.key, "warning", "entry has no title"))
    publication = Publication(
        key=entry.key,
        type=entry.type,
        kind=kind,
        title=title,
        year=year,
        month=month,
        authors=authors,
        editors=editors,
        venue=venue,
        links=links,
        hidden=_flag(entry, "hidden"),
        selected=_selected(entry, keywords),
        et_al=et_al if authors else editors_et_al,
        note=_note(entry, status),
        file=entry.file,
        line=entry.line,
        fields=entry.fields if keep_fields else None,
        locators=read_locators(fields, venue.location),
        identifiers=identifiers,
        abstract=text_of(fields, "abstract"),
        keywords=keywords,
        award=text_of(fields, "award"),
        award_name=text_of(fields, "award_name"),
        preview=preview,
        language=text_of(fields, "language", "langid"),
        title_math=title_math(entry.get("title")),
    )
    return publication, diagnostics
