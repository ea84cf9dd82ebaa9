"""The pipeline as one call: read → parse → normalize → select."""

from __future__ import annotations

import gc
import os
import re
from collections.abc import Iterator, Mapping, Sequence, Set
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

from bib2pubs import parallel
from bib2pubs.errors import NothingReadError, UsageError
from bib2pubs.model import Diagnostic, Listing, Publication
from bib2pubs.names.match import (
    FAMILY_FIRST,
    Pattern,
    decoded,
    family_first,
    has_comma,
    make_pattern,
    match,
    person_matches,
)
from bib2pubs.names.parts import split_name
from bib2pubs.names.style import NAME_STYLES
from bib2pubs.normalize import Normalizer
from bib2pubs.parallel import allowed
from bib2pubs.preprints import merge_preprints
from bib2pubs.read.bibtex import parse_sources
from bib2pubs.read.crossref import resolve_crossrefs
from bib2pubs.read.source import DEFAULT_LIMITS, Limits, Source, read_source
from bib2pubs.render.formats import DEFAULT_TEMPLATES, user_template
from bib2pubs.report.strict import strict_problems
from bib2pubs.select import Selection, select
from bib2pubs.venues.table import builtin_table, load_user_venues

_STYLE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


@dataclass(frozen=True, slots=True)
class Options:
    """What to look for and how to show it; every field has a default.

    ``highlights`` are the user's own names (style "self");
    ``highlights_as`` are (style, name) pairs for other people;
    ``aliases`` are groups of names one person published under.
    """

    highlights: tuple[str, ...] = ()
    highlights_as: tuple[tuple[str, str], ...] = ()
    aliases: tuple[tuple[str, ...], ...] = ()
    name_style: str = "full"
    #: A TOML file of venues that extends and overrides the built-in table.
    venues: str | None = None
    #: List arXiv preprints apart from their published versions.
    keep_preprints: bool = False
    #: Which publications to list, in what groups and order.
    selection: Selection = field(default_factory=Selection)
    #: The inputs' encoding, when not UTF-8 (or a guess).
    encoding: str | None = None
    #: Add the checks of ``report.strict`` to the warnings.
    strict: bool = False
    #: Keep each entry's fields in the model, for BibTeX output.
    keep_fields: bool = False
    #: The most one input may hold (bytes, entries); more is refused when read.
    limits: Limits = DEFAULT_LIMITS


def make_patterns(options: Options) -> list[Pattern]:
    """The patterns to highlight, each with the aliases of its person."""
    wanted = [("self", name) for name in options.highlights] + list(options.highlights_as)
    patterns = []
    for style, name in wanted:
        if not name.strip():
            raise UsageError("--highlight needs a name, e.g. --highlight 'Chao Jin'")
        if not _STYLE_NAME.fullmatch(style):
            raise UsageError(f"highlight style '{style}': use a name of letters, digits, '-' or '_'")
        plain = make_pattern(name, style)
        if not plain.forms[0].family:
            raise UsageError(f"highlight '{name}' has no name in it, e.g. --highlight 'Chao Jin'")
        aliases = [
            other
            for group in options.aliases
            if any(person_matches(plain, alias) for alias in group)
            for other in group
        ]
        patterns.append(make_pattern(name, style, aliases))
    return patterns


def read_sources(
    paths: Sequence[str], encoding: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> tuple[list[Source], list[Diagnostic]]:
    """Reads every input; raises InputError for one that cannot be read or
    holds more than ``limits`` allow (checked before any parsing, so that
    every way of parsing, in one process or several, is bounded alike)."""
    sources: list[Source] = []
    diagnostics: list[Diagnostic] = []
    seen: list[str] = []
    for path in paths:
        if path != "-" and any(_same_file(path, other) for other in seen):
            diagnostics.append(Diagnostic("", None, None, "warning", f"{path} is given twice; read once"))
            continue
        seen.append(path)
        source, problems = read_source(path, encoding, limits)
        sources.append(source)
        diagnostics.extend(problems)
    return sources, diagnostics


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused: parsing and normalizing make
    millions of objects and no cycle among them, and on a large file the
    collector, scanning them again and again, costs a quarter of the run."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def build_listing(sources: Sequence[Source], options: Options = Options()) -> Listing:
    """Parses and normalizes ``sources`` into the grouped listing."""
    with _no_cycle_collection():
        return _build_listing(sources, options)


def _build_listing(sources: Sequence[Source], options: Options) -> Listing:
    if options.name_style not in NAME_STYLES:
        raise UsageError(f"no name style '{options.name_style}': use one of {', '.join(NAME_STYLES)}")
    table = builtin_table()
    if options.venues:
        table = table.extended(load_user_venues(options.venues))
    normalizer = Normalizer(tuple(make_patterns(options)), options.name_style, table, keep_fields=options.keep_fields)
    read = _read_in_halves(sources, normalizer) or _read_at_once(sources, normalizer)
    publications = read.publications
    diagnostics = [*read.diagnostics, *_unmatched(read.patterns, publications)]
    if options.strict:
        diagnostics.extend(strict_problems(publications, table, options.selection.only_highlighted))
    if not options.keep_preprints:
        publications = merge_preprints(publications)
    return Listing(select(publications, options.selection), tuple(diagnostics), read.entries)


@dataclass(frozen=True)
class _Read:
    """What reading and normalizing found: how many entries, the problems
    (reading's, then normalizing's), the publications, and the highlight
    patterns they were matched with."""

    entries: int
    diagnostics: list[Diagnostic]
    publications: list[Publication]
    patterns: tuple[Pattern, ...]


def _read_at_once(sources: Sequence[Source], normalizer: Normalizer) -> _Read:
    bibliography = parse_sources([(source.name, source.text) for source in sources])
    entries, containers, crossref_problems = resolve_crossrefs(bibliography.entries)
    normalizer = replace(normalizer, containers=containers)
    publications, problems = normalizer.all(entries)
    retried, notes = _read_family_first(normalizer.patterns, publications)
    if notes:
        normalizer = replace(normalizer, patterns=tuple(retried))
        publications, problems = normalizer.all(entries)
    diagnostics = [*bibliography.diagnostics, *crossref_problems, *problems, *notes]
    return _Read(len(bibliography.entries), diagnostics, publications, normalizer.patterns)


def _read_in_halves(sources: Sequence[Source], normalizer: Normalizer) -> _Read | None:
    """A single large file read and normalized in two halves at once
    (``read.two_processes``), or None to read it at once. A highlight that finds nobody
    as typed is retried family name first on a single reading."""
    if len(sources) != 1 or len(sources[0].text) < parallel.MIN_TEXT or allowed() < 2:
        return None
    from bib2pubs.read.two_processes import read_in_halves

    read = read_in_halves(sources[0], normalizer.chunk)
    if read is None:
        return None
    count, parts, (publications, problems) = read
    if _read_family_first(normalizer.patterns, publications)[1]:
        return None
    diagnostics = [*(problem for part in parts for problem in part.diagnostics), *problems]
    return _Read(count, diagnostics, publications, normalizer.patterns)


def listing_patterns(listing: Listing, options: Options) -> list[Pattern]:
    """The patterns ``build_listing`` highlighted ``listing`` with (a
    highlight may have been read family name first), for ``--explain``."""
    publications = [pub for group in listing.groups for pub in group.entries]
    return _read_family_first(make_patterns(options), publications)[0]


def _read_family_first(
    patterns: Sequence[Pattern], publications: Sequence[Publication]
) -> tuple[list[Pattern], list[Diagnostic]]:
    """A highlight such as "Zhang Chengyuan" that finds nobody as typed but
    finds someone read family name first is read that way, with a note:
    both orders are common, and reading both always would mistake "Wang Li"
    for "Li Wang"."""
    people = [person.written for pub in publications for person in (*pub.authors, *pub.editors)]
    retried, notes = list(patterns), []
    for index, pattern in enumerate(patterns):
        swapped = family_first(pattern)
        if swapped is None or any(_read_as_typed(pattern, written) for written in people):
            continue
        if any(person_matches(swapped, written) for written in people):
            retried[index] = swapped
            first, last = pattern.name.split()
            message = f"{_option(pattern)} finds nobody as written; read family name first, as '{last} {first}'"
            notes.append(Diagnostic("", None, None, "warning", message))
    return retried, notes


def _read_as_typed(pattern: Pattern, written: str) -> bool:
    """Whether a name matches the highlight in the order it was typed: a
    match that itself reads the name family name first does not count."""
    result = match(pattern, decoded(split_name(written)), has_comma(written))
    return result is not None and result.doubt != FAMILY_FIRST


def _unmatched(patterns: Sequence[Pattern], publications: Sequence[Publication]) -> list[Diagnostic]:
    """A warning for each highlight that names nobody: a typo would
    otherwise pass unnoticed, and the page would lose its bold name."""
    highlighted = [p for pub in publications for p in (*pub.authors, *pub.editors) if p.highlight]

    def named(pattern: Pattern) -> bool:
        # A pattern that matched someone gave them its style, or an earlier
        # pattern with that style got there first: only they need checking.
        return any(person_matches(pattern, p.written) for p in highlighted if p.highlight == pattern.style)

    return [
        Diagnostic("", None, None, "warning", f"{_option(pattern)} matches nobody in the listing")
        for pattern in patterns
        if publications and not named(pattern)
    ]


def _option(pattern: Pattern) -> str:
    """The option as the user gave it, for messages."""
    if pattern.style == "self":
        return f"--highlight '{pattern.name}'"
    return f"--highlight-as {pattern.style}='{pattern.name}'"


def run(paths: Sequence[str], options: Options = Options()) -> Listing:
    """Reads ``paths`` (``-`` is standard input) and builds the listing.

    Raises NothingReadError when no entry at all could be read: an emptied
    or broken .bib must not turn into an empty page.
    """
    sources, read_problems = read_sources(paths, options.encoding, options.limits)
    listing = build_listing(sources, options)
    diagnostics = (*read_problems, *listing.diagnostics)
    if listing.entries_read == 0:
        raise NothingReadError(f"no entry could be read from {', '.join(paths)}", diagnostics)
    return Listing(listing.groups, diagnostics, listing.entries_read)


def render_output(
    listing: Listing,
    format_name: str,
    template: str | None = None,
    variables: Mapping[str, str] | None = None,
    max_authors: int | None = None,
    template_dirs: Sequence[str] = (),
    bibtex_dropped: Set[str] | None = None,
) -> tuple[str, list[Diagnostic]]:
    """The listing as text in ``format_name``: the JSON model, the entries
    as BibTeX, or a template (the format's default one unless ``template``
    names another). Returns the text and notes about the template's
    variables. ``max_authors`` shortens author lists in templates (JSON
    keeps every author); ``bibtex_dropped`` are the fields BibTeX leaves
    out (``bibexport.SITE_FIELDS`` when None)."""
    if format_name == "json":
        from bib2pubs.render.json_model import to_json

        return to_json(listing), []
    if format_name == "bibtex":
        from bib2pubs.render.clean_bibtex import dropped_or_default, to_bibtex

        return to_bibtex(listing, dropped_or_default(bibtex_dropped))
    if format_name == "text" and template in (None, "text") and user_template("text", template_dirs) is None:
        from bib2pubs.render.plain_text import render_text

        return render_text(listing, variables, max_authors)
    from bib2pubs.render.jinja import render

    template_name = template or DEFAULT_TEMPLATES[format_name]
    return render(listing, template_name, variables, max_authors, template_dirs, bibtex_dropped)
