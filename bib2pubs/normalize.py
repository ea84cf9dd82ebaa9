"""Turn raw entries into Publications: text decoded, people split, venue read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bib2pubs.bibtex import RawEntry
from bib2pubs.dates import parse_iso_date, parse_month, parse_year
from bib2pubs.latex import latex_to_text
from bib2pubs.links import extract_links, unsafe_scheme
from bib2pubs.model import Diagnostic, Publication
from bib2pubs.names import Pattern, list_problems, parse_marks, parse_people
from bib2pubs.venues import classify, extract_venue

_TRUE = frozenset({"true", "yes", "1", "y", "on"})


def _flag(entry: RawEntry, name: str) -> bool:
    return entry.get(name).strip("{} \t\n").lower() in _TRUE


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


def normalize_entry(entry: RawEntry, patterns: Sequence[Pattern]) -> tuple[Publication, list[Diagnostic]]:
    """One Publication and the problems met on the way."""
    diagnostics: list[Diagnostic] = []
    year, month = _year_month(entry)
    if year is None and entry.get("year").strip("{} "):
        line = entry.field_lines.get("year", entry.line)
        message = f"year '{latex_to_text(entry.get('year'))}' has no year in it; listed as undated"
        diagnostics.append(Diagnostic(entry.file, line, entry.key, "warning", message))
    kind = classify(entry.type, entry.fields)
    marks = parse_marks(entry.get("author+an")) if "author+an" in entry.fields else None
    authors, et_al = parse_people(entry.get("author"), patterns, marks)
    for problem in list_problems(entry.get("author")):
        line = entry.field_lines.get("author", entry.line)
        diagnostics.append(Diagnostic(entry.file, line, entry.key, "warning", problem))
    editor_marks = parse_marks(entry.get("editor+an")) if "editor+an" in entry.fields else None
    editors, editors_et_al = parse_people(entry.get("editor"), patterns, editor_marks)
    links, link_problems = extract_links(entry)
    diagnostics.extend(link_problems)
    venue = extract_venue(kind, entry.type, entry.fields, year)
    scheme = unsafe_scheme(venue.url)
    if scheme is not None:
        venue = replace(venue, url="")
        line = entry.field_lines.get("venueurl", entry.line)
        diagnostics.append(
            Diagnostic(entry.file, line, entry.key, "warning", f"venueurl with a '{scheme}:' target dropped")
        )
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
        selected=_flag(entry, "selected"),
        et_al=et_al if authors else editors_et_al,
        note=latex_to_text(entry.get("note")),
        file=entry.file,
        line=entry.line,
    )
    return publication, diagnostics
