"""The pipeline as calls: read → parse → normalize → select, then render.

``load`` and ``render`` are the library's face (``bib2pubs.load``,
``bib2pubs.render``); the command line runs through them too
(``app``).
"""

from __future__ import annotations

import _thread
import gc
import os
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from bib2pubs.errors import NothingReadError, UsageError
from bib2pubs.model import Diagnostic, Highlight, Listing, Publication
from bib2pubs.names.highlight import patterns_of, read_family_first, requested, unmatched
from bib2pubs.names.style import NAME_STYLES
from bib2pubs.normalize import Normalized, Normalizer
from bib2pubs.parallel import allowed
from bib2pubs.preprints import merge_preprints
from bib2pubs.read.bibtex import RawEntry, parse_sources
from bib2pubs.read.crossref import resolve_crossrefs
from bib2pubs.read.source import DEFAULT_LIMITS, Limits, Source, read_source
from bib2pubs.rendering.ahead import EntryWriter, WrittenAhead
from bib2pubs.rendering.formats import DEFAULT_TEMPLATES, FORMATS, user_template
from bib2pubs.rendering.words import localize, words_for
from bib2pubs.select import Selection, listed_by, select
from bib2pubs.venues.table import builtin_table, load_user_venues
from bib2pubs.write.files import same_file

if TYPE_CHECKING:
    from bib2pubs.rendering.citations import Citation
    from bib2pubs.rendering.cited import Citations, EntryId
    from bib2pubs.rendering.jinja import Template


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

    def __post_init__(self) -> None:
        # Any sequence a caller gives (a list, most often) is kept as the
        # tuple the stages take: compiled, they accept nothing else.
        object.__setattr__(self, "highlights", _texts(self.highlights))
        object.__setattr__(self, "highlights_as", tuple(_texts(pair) for pair in self.highlights_as))
        object.__setattr__(self, "aliases", tuple(_texts(group) for group in self.aliases))


def _texts(value: Iterable[str]) -> tuple[str, ...]:
    """A sequence of names as a tuple; one name given alone is one name."""
    return (value,) if isinstance(value, str) else tuple(value)


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
        if path != "-" and any(same_file(path, other) for other in seen):
            diagnostics.append(Diagnostic("", None, None, "warning", f"{path} is given twice; read once"))
            continue
        seen.append(path)
        source, problems = read_source(path, encoding, limits)
        sources.append(source)
        diagnostics.extend(problems)
    return sources, diagnostics


#: Pauses of the cycle collector under way (``_no_cycle_collection``), and
#: whether it was on when the first began: threads building and rendering
#: at once must not leave it off for good.
_pause_lock = _thread.allocate_lock()  # threading.Lock, without loading threading (1 ms)
_pauses = 0
_collecting_before = False
#: Whether the process ends after one run (``ends_after_one_run``), and
#: what it keeps to its end.
_one_run = False
#: A run that runs out of memory empties it (``kept_to_the_end.clear()``,
#: no Python call: there may be no memory for one more call's frame).
kept_to_the_end: list[object] = []


def ends_after_one_run() -> None:
    """Tells the pipeline that this process ends after one run, without
    Python's tear-down, as the command line does. Then what a pause of the
    collector made is set aside for good when the collector resumes
    (``gc.freeze``), rather than looked at all at once by its next
    collection (a tenth of a second on 31,000 entries); and each listing
    built is kept to the end, rather than freed object by object when the
    run lets go of it (2% of a run). Frozen objects are freed as usual once
    unused, but a cycle among them is never collected: not for a process
    that goes on. The parsed entries are kept to the end likewise."""
    global _one_run
    _one_run = True


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused: parsing, normalizing and the
    built-in writers make millions of objects and no cycle among them,
    and on a large file the collector, scanning them again and again,
    costs a quarter of the run. Pauses may overlap (threads): the last to
    end turns the collector back on if it was on before the first."""
    global _pauses, _collecting_before
    with _pause_lock:
        if _pauses == 0:
            _collecting_before = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pauses -= 1
            if _pauses == 0 and _collecting_before:
                if _one_run:
                    gc.freeze()
                gc.enable()


def build_listing(
    sources: Sequence[Source], options: Options = Options(), ahead: WrittenAhead | None = None
) -> Listing:
    """Parses and normalizes ``sources`` into the grouped listing; see
    ``load`` for ``ahead``."""
    with _no_cycle_collection():
        listing = _build_listing(sources, options, ahead)
    if _one_run:
        kept_to_the_end.append(listing)
    return listing


def _build_listing(sources: Sequence[Source], options: Options, ahead: WrittenAhead | None) -> Listing:
    if options.name_style not in NAME_STYLES:
        raise UsageError(f"no name style '{options.name_style}': use one of {', '.join(NAME_STYLES)}")
    table = builtin_table()
    if options.venues:
        table = table.extended(load_user_venues(options.venues))
    highlights = requested(options)
    normalizer = Normalizer(patterns_of(highlights), options.name_style, table, keep_fields=options.keep_fields)
    read = _read_in_halves(sources, normalizer, highlights, ahead, options.selection) or _read_at_once(
        sources, normalizer, highlights
    )
    publications = read.publications
    diagnostics = [*read.diagnostics, *unmatched(read.highlights, publications)]
    if options.strict:
        from bib2pubs.report.strict import strict_problems  # only --strict checks more

        diagnostics.extend(strict_problems(publications, table, options.selection.only_highlighted))
    if not options.keep_preprints:
        publications = merge_preprints(publications)
    return Listing(select(publications, options.selection), tuple(diagnostics), read.entries, read.highlights)


class _Read:
    """What reading and normalizing found: how many entries, the problems
    (reading's, then normalizing's), the publications, and the highlights
    they were matched with."""

    # A plain class, not a dataclass: making a dataclass costs every run
    # half a millisecond at start-up, and this one is only read back.
    __slots__ = ("diagnostics", "entries", "highlights", "publications")

    def __init__(
        self,
        entries: int,
        diagnostics: list[Diagnostic],
        publications: list[Publication],
        highlights: tuple[Highlight, ...],
    ) -> None:
        self.entries = entries
        self.diagnostics = diagnostics
        self.publications = publications
        self.highlights = highlights


def _read_at_once(sources: Sequence[Source], normalizer: Normalizer, highlights: tuple[Highlight, ...]) -> _Read:
    bibliography = parse_sources([(source.name, source.text) for source in sources])
    entries, containers, crossref_problems = resolve_crossrefs(bibliography.entries)
    normalizer = replace(normalizer, containers=containers)
    publications, problems = normalizer.all(entries)
    retried, notes = read_family_first(highlights, publications)
    if notes:
        highlights = retried
        normalizer = replace(normalizer, patterns=patterns_of(highlights))
        publications, problems = normalizer.all(entries)
    diagnostics = [*bibliography.diagnostics, *crossref_problems, *problems, *notes]
    if _one_run:  # see ends_after_one_run: the parsed entries are freed with the process
        kept_to_the_end.append((bibliography, entries))
    return _Read(len(bibliography.entries), diagnostics, publications, highlights)


def _read_in_halves(
    sources: Sequence[Source],
    normalizer: Normalizer,
    highlights: tuple[Highlight, ...],
    ahead: WrittenAhead | None,
    selection: Selection,
) -> _Read | None:
    """A single large file read and normalized in two halves at once
    (``read.two_processes``), each writing ``ahead`` the entries of its
    half that the ``selection`` lists; or None to read it at once. A
    highlight that finds nobody as typed is read again family name first
    on a single reading, so that both readings record the same highlights."""
    if len(sources) != 1 or allowed(len(sources[0].text), by_default=_one_run) < 2:
        return None
    from bib2pubs.read.two_processes import read_in_halves  # only for a large file

    def normalize(entries: Sequence[RawEntry], containers: frozenset[str]) -> Normalized:
        return replace(normalizer, containers=containers).all(entries)

    write = None
    if ahead is not None:
        listed = listed_by(selection)

        def write(publications: Sequence[Publication]) -> list[str | None]:
            return ahead.texts(publications, listed)

    read = read_in_halves(sources[0], normalize, write)
    if read is None:
        return None
    count, parts, (publications, problems), written = read
    if read_family_first(highlights, publications)[1]:
        return None
    if ahead is not None:
        ahead.keep(written)
    diagnostics = [*(problem for part in parts for problem in part.diagnostics), *problems]
    return _Read(count, diagnostics, publications, highlights)


def load(
    paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    options: Options = Options(),
    *,
    ahead: WrittenAhead | None = None,
) -> Listing:
    """Reads ``paths``, a file or a list of files (``-`` is standard
    input), and builds the listing, with every problem found on the way in
    its ``diagnostics``. With ``ahead`` (``writing_ahead``), a large file
    read in two processes has its entries written by each as it reads
    them, for ``render`` given the same ``ahead``.

    Raises InputError for an input that cannot be read (or is larger than
    ``options.limits`` allow), UsageError for options that cannot work (a
    highlight with no name in it, an unknown name style, a venue table that
    cannot be read), and NothingReadError, carrying the diagnostics, when
    no entry at all could be read: an emptied or broken .bib must not turn
    into an empty page.
    """
    names = [os.fspath(paths)] if isinstance(paths, str | os.PathLike) else [os.fspath(path) for path in paths]
    sources, read_problems = read_sources(names, options.encoding, options.limits)
    listing = build_listing(sources, options, ahead)
    diagnostics = (*read_problems, *listing.diagnostics)
    if listing.entries_read == 0:
        raise NothingReadError(f"no entry could be read from {', '.join(names)}", diagnostics)
    return replace(listing, diagnostics=diagnostics)


@dataclass(frozen=True, slots=True)
class RenderSpec:
    """How to render a listing; every field has a default.

    ``format`` is one of ``rendering.formats.FORMATS`` (None: the template's,
    else Markdown); ``template`` a built-in template's name, a template
    file's path, or a template already found (``rendering.jinja.Template``),
    None for the format's own; ``variables`` what ``--set`` gives the
    template; ``max_authors`` shortens author lists (JSON keeps every
    author); ``template_dirs`` are searched for a template by name before
    the built-ins; ``bibtex_dropped`` are the fields BibTeX leaves out
    (``rendering.clean_bibtex.SITE_FIELDS`` when None); ``style`` a CSL
    style (a shipped style's name or a ``.csl`` file's path) each entry is
    cited in, None for bib2pubs' own lines; ``locale`` the language of the
    fixed words (link labels, "Equal contribution"…; None: English, and a
    style's own ``default-locale``) and ``words`` single
    words said otherwise (``rendering.words``). BibTeX, the format or
    a template's ``bibtex`` filter, is written from the entries' fields,
    which ``load`` keeps with ``Options(keep_fields=True)``.
    """

    format: str | None = None
    template: str | Template | None = None
    variables: Mapping[str, str] = field(default_factory=dict)
    max_authors: int | None = None
    template_dirs: tuple[str, ...] = ()
    bibtex_dropped: frozenset[str] | None = None
    style: str | None = None
    locale: str | None = None
    words: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # As the command line gives them: a number is text, as in the
        # settings file; sequences are kept as the tuple and set the
        # writers take (compiled, they accept nothing else).
        given: Mapping[str, object] = self.variables  # whatever a caller gave
        variables = {}
        for name, value in given.items():
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                raise UsageError(f"variable '{name}' must be text or a number, not {type(value).__name__}")
            variables[name] = value if isinstance(value, str) else str(value)
        object.__setattr__(self, "variables", variables)
        most: object = self.max_authors
        if most is not None and (isinstance(most, bool) or not isinstance(most, int)):
            raise UsageError(f"max_authors must be a whole number, not {most!r}")
        object.__setattr__(self, "template_dirs", _texts(self.template_dirs))
        if self.bibtex_dropped is not None:
            object.__setattr__(self, "bibtex_dropped", frozenset(self.bibtex_dropped))


class RenderWarning(UserWarning):
    """A note about rendering (``render``), issued as a warning when
    the caller keeps no list of notes; ``diagnostic`` is the note."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic


def render(
    listing: Listing,
    spec: RenderSpec = RenderSpec(),
    notes: list[Diagnostic] | None = None,
    *,
    ahead: WrittenAhead | None = None,
) -> str:
    """The listing as text: the JSON model, the entries as BibTeX, or a
    template's page; with the entries' texts ``load`` wrote ``ahead``,
    where ``ahead`` is ``writing_ahead(spec)``'s (else it is not used).

    Notes about the rendering (a variable no template reads, a value that
    lost a brace in BibTeX) are added to ``notes`` when it is given, and
    issued as ``RenderWarning`` warnings when not. Raises UsageError for a
    spec that cannot work (an unknown format or template, a format its
    template does not write) and TemplateError for a template that fails.
    """
    template = spec.template
    if isinstance(template, str):
        # Jinja is the slowest import of a run: only a run with a template loads it.
        from bib2pubs.rendering.jinja import list_template

        template = list_template(template, spec.template_dirs)
    format_name = format_for(spec.format, template) or "markdown"
    if format_name not in FORMATS:
        raise UsageError(f"no format '{format_name}': use one of {', '.join(FORMATS)}")
    words = words_for(spec.locale, spec.words)
    if format_name != "bibtex":  # BibTeX writes the entries' own fields
        listing = localize(listing, words)
    citations, cite_notes = cite(listing, spec.style, spec.locale, format_name)
    if ahead is not None and (
        citations is not None or ahead.made_for != _made_for(_list_writer(format_name, template, spec), spec, words)
    ):
        ahead = None  # written for another list: each entry is written now
    text, found = _rendered(listing, format_name, template, spec, words, citations, ahead)
    found = [*cite_notes, *found]
    if notes is not None:
        notes.extend(found)
    else:
        for note in found:
            warnings.warn(RenderWarning(note), stacklevel=2)
    return text


def cite(
    listing: Listing, style: str | None, locale: str | None, format_name: str | None = None
) -> tuple[dict[EntryId, Citation] | None, list[Diagnostic]]:
    """Each entry as a CSL ``style`` cites it (None without a style), and
    notes: entries the style could not cite, or a format that has no use
    for a style (BibTeX and CSL-JSON are data, not citations)."""
    if style is None:
        return None, []
    if format_name in ("bibtex", "csl-json"):
        note = f"--style {style}: {format_name} output is the entries' data, not citations; the style is not used"
        return None, [Diagnostic("", None, None, "warning", note)]
    from bib2pubs.rendering.citations import cite_listing  # citeproc-py and lxml load only for a style

    return cite_listing(listing, style, locale)


def format_for(format_name: str | None, template: Template | None) -> str | None:
    """The format to render in: ``format_name``, which must be one
    ``template`` writes, else the template's; None when neither says."""
    if template is None:
        return format_name
    template_format = template.format
    if format_name == "json":
        raise UsageError("--format json prints the model; it takes no --template")
    if format_name == "csl-json":
        raise UsageError("--format csl-json prints the entries as CSL-JSON; it takes no --template")
    if format_name == "bibtex":
        raise UsageError("--format bibtex prints the entries; it takes no --template")
    if format_name and format_name != template_format:
        raise UsageError(f"template '{template.asked}' writes {template_format}, not {format_name}")
    return template_format


def _rendered(
    listing: Listing,
    format_name: str,
    template: Template | None,
    spec: RenderSpec,
    words: Mapping[str, str],
    citations: Citations | None = None,
    ahead: WrittenAhead | None = None,
) -> tuple[str, list[Diagnostic]]:
    # Like parsing, the built-in writers (and loading them) make many
    # objects and no cycle.
    with _no_cycle_collection():
        writer = _builtin_writer(listing, format_name, template, spec, words, citations, ahead)
        if writer is not None:
            return writer()
    from bib2pubs.rendering.jinja import render_template  # Jinja, the slowest import of a run, for templates only

    chosen = template or DEFAULT_TEMPLATES[format_name]
    return render_template(
        listing, chosen, spec.variables, spec.max_authors, spec.template_dirs, spec.bibtex_dropped, words, citations
    )


_Writer = Callable[[], tuple[str, list[Diagnostic]]]


def _builtin_writer(
    listing: Listing,
    format_name: str,
    template: Template | None,
    spec: RenderSpec,
    words: Mapping[str, str],
    citations: Citations | None,
    ahead: WrittenAhead | None,
) -> _Writer | None:
    """The writer of a format written without Jinja, ready to run; None for
    a template's page."""
    if format_name == "json":
        from bib2pubs.rendering.json_model import to_json  # each format loads only what it needs

        return lambda: (to_json(listing, citations), [])
    if format_name == "csl-json":
        from bib2pubs.rendering.csl_json import to_csl_json  # as above: json, and no markup library

        return lambda: (to_csl_json(listing), [])
    if format_name == "bibtex":
        from bib2pubs.rendering.clean_bibtex import dropped_or_default, to_bibtex  # as above

        if any(pub.fields is None for group in listing.groups for pub in group.entries):
            # Else every entry would be written as nothing, and no one told.
            raise UsageError("BibTeX is written from the entries' fields: load with Options(keep_fields=True)")
        return lambda: to_bibtex(listing, dropped_or_default(spec.bibtex_dropped))
    name = _list_writer(format_name, template, spec)
    if name is None:
        return None
    render_list = _list_functions(name)[0]
    entry = ahead.entry if ahead is not None else None
    if name == "text":
        return lambda: render_list(listing, spec.variables, spec.max_authors, words, citations, entry)
    return lambda: (render_list(listing, spec.variables, spec.max_authors, words, citations, entry), [])


def _list_writer(format_name: str, template: Template | None, spec: RenderSpec) -> str | None:
    """Which format's own list writes ``spec`` without Jinja: "text",
    "html", "academicpages" or "markdown"; None for a template's page."""
    if format_name == "text" and _builtin_only(template, "text", spec.template_dirs):
        return "text"
    if format_name == "html" and _builtin_only(template, "html", spec.template_dirs):
        from bib2pubs.rendering.html_list import HTML_VARIABLES  # each format loads only what it needs

        if set(spec.variables) <= HTML_VARIABLES:  # else the template says which it ignores
            return "html"
    if template is not None and template.builtin and template.asked == "academicpages":
        # Found among the built-ins: no academicpages.md.j2 of the user's.
        from bib2pubs.rendering.academicpages_list import ACADEMICPAGES_VARIABLES  # as above

        if set(spec.variables) <= ACADEMICPAGES_VARIABLES:  # as above
            return "academicpages"
    if format_name == "markdown" and _builtin_only(template, "markdown", spec.template_dirs):
        from bib2pubs.rendering.markdown_list import MARKDOWN_VARIABLES  # as above

        if set(spec.variables) <= MARKDOWN_VARIABLES:  # as above
            return "markdown"
    return None


def _list_functions(name: str) -> tuple[Callable[..., Any], Callable[..., EntryWriter]]:
    """The writer of a format's own list (``_list_writer``), and what makes
    the writer of its entries (``entry_writer``)."""
    if name == "text":
        from bib2pubs.rendering import plain_text  # each format loads only what it needs

        return plain_text.render_text, plain_text.entry_writer
    if name == "html":
        from bib2pubs.rendering import html_list  # as above

        return html_list.render_html, html_list.entry_writer
    if name == "academicpages":
        from bib2pubs.rendering import academicpages_list  # as above

        return academicpages_list.render_academicpages, academicpages_list.entry_writer
    from bib2pubs.rendering import markdown_list  # as above

    return markdown_list.render_markdown, markdown_list.entry_writer


def writing_ahead(spec: RenderSpec) -> WrittenAhead | None:
    """What writes the entries ahead for ``render(listing, spec)`` (see
    ``load``): for a format's own list (text, HTML, academicpages,
    Markdown) without a style, which cites entries by the whole listing;
    None for any other (a template given by name alone is not looked up:
    loading Jinja here would cost every run)."""
    template = spec.template
    if spec.style is not None or isinstance(template, str):
        return None
    try:
        format_name = format_for(spec.format, template) or "markdown"
        name = _list_writer(format_name, template, spec)
        if name is None:
            return None
        words = words_for(spec.locale, spec.words)
        write = _list_functions(name)[1](spec.variables, spec.max_authors, words)
    except UsageError:  # said by render, as without writing ahead
        return None
    return WrittenAhead(write, _made_for(name, spec, words))


def _made_for(name: str | None, spec: RenderSpec, words: Mapping[str, str]) -> object:
    """What decides how an entry of list ``name`` (``_list_writer``) is
    written, as ``writing_ahead`` made its writer: texts written for
    another list are not used."""
    return (name, tuple(sorted(spec.variables.items())), spec.max_authors, tuple(sorted(words.items())))


def _builtin_only(template: Template | None, name: str, template_dirs: Sequence[str]) -> bool:
    """Whether the built-in ``text``, ``html`` or ``markdown`` list is asked
    for, which is written without Jinja (``rendering.plain_text``,
    ``html_list``, ``markdown_list``): no template, or that built-in one,
    and no file of the user's in its place (``text.txt.j2``…)."""
    if template is None:
        return user_template(name, template_dirs) is None
    return template.builtin and template.asked == name
