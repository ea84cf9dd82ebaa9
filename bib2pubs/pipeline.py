"""The pipeline as one call: read → parse → normalize → select."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bib2pubs.bibtex import parse_sources
from bib2pubs.crossref import resolve_crossrefs
from bib2pubs.errors import UsageError
from bib2pubs.model import Diagnostic, Listing, Publication
from bib2pubs.names import make_pattern
from bib2pubs.normalize import normalize_entry
from bib2pubs.reader import Source, read_source
from bib2pubs.select import group_by_year


@dataclass(frozen=True, slots=True)
class Options:
    """What to look for and how to select; every field has a default."""

    highlights: tuple[str, ...] = ()


def read_sources(paths: Sequence[str]) -> tuple[list[Source], list[Diagnostic]]:
    """Reads every input; raises InputError for one that cannot be read."""
    sources: list[Source] = []
    diagnostics: list[Diagnostic] = []
    for path in paths:
        source, problems = read_source(path)
        sources.append(source)
        diagnostics.extend(problems)
    return sources, diagnostics


def build_listing(sources: Sequence[Source], options: Options = Options()) -> Listing:
    """Parses and normalizes ``sources`` into the grouped listing."""
    patterns = []
    for name in options.highlights:
        if not name.strip():
            raise UsageError("--highlight needs a name, e.g. --highlight 'Chao Jin'")
        patterns.append(make_pattern(name))
    bibliography = parse_sources([(source.name, source.text) for source in sources])
    entries, containers, crossref_problems = resolve_crossrefs(bibliography.entries)
    diagnostics = [*bibliography.diagnostics, *crossref_problems]
    publications: list[Publication] = []
    for entry in entries:
        if entry.key.lower() in containers and "author" not in entry.fields:
            continue  # a proceedings volume cited by its papers, not a work of its own
        try:
            publication, problems = normalize_entry(entry, patterns)
        except Exception as error:  # noqa: BLE001 - one odd entry must not sink the page
            message = f"entry skipped, internal error: {error!r}"
            diagnostics.append(Diagnostic(entry.file, entry.line, entry.key or None, "error", message))
            continue
        publications.append(publication)
        diagnostics.extend(problems)
    return Listing(group_by_year(publications), tuple(diagnostics), len(bibliography.entries))


def run(paths: Sequence[str], options: Options = Options()) -> Listing:
    """Reads ``paths`` (``-`` is standard input) and builds the listing."""
    sources, read_problems = read_sources(paths)
    listing = build_listing(sources, options)
    return Listing(listing.groups, (*read_problems, *listing.diagnostics), listing.entries_read)
