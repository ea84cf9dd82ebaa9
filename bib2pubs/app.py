"""What a run of the command does, decided apart from the command line.

``run`` takes the inputs, the ``Options`` (what to read and how) and a
``Request`` (what to make of the listing, and where it goes), and returns
the ``Outcome``: the lines for standard error in order, the text for
standard output, a listing to preview or counts to show, and the failure
if the run failed (or the interruption or error that cut it short, for the
caller to raise once the lines before it are said). It prints nothing: ``cli.running`` shows the outcome,
and ``--watch`` calls ``run`` again on every change.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Final

from bib2pubs.errors import Bib2PubsError, NothingReadError, UsageError, is_out_of_memory
from bib2pubs.model import Diagnostic, Listing
from bib2pubs.pipeline import Options, RenderSpec, cite, format_for, load, render, writing_ahead
from bib2pubs.rendering.formats import SHOWS_BIBTEX, SUFFIXES, format_of
from bib2pubs.rendering.words import localize, words_for
from bib2pubs.write.files import check_file, same_file, write_file

if TYPE_CHECKING:
    from bib2pubs.rendering.ahead import WrittenAhead
    from bib2pubs.rendering.cited import Citations
    from bib2pubs.rendering.jinja import Template
    from bib2pubs.report.stats import Stats


@dataclass(frozen=True, slots=True)
class Request:
    """What to make of the listing and where it goes: the output side of
    the command line (``Options`` holds what the pipeline reads)."""

    format_name: str | None = None
    template: str | None = None
    template_dirs: tuple[str, ...] = ()
    sets: tuple[str, ...] = ()
    output: str | None = None
    max_authors: int | None = None
    explain: bool = False
    check: bool = False
    stats: bool = False
    #: The fields BibTeX output leaves out (``--bibtex-drop``, ``--bibtex-keep``).
    bibtex_dropped: frozenset[str] | None = None
    #: ``--split DIR``: one file per entry in DIR, named by ``split_name``.
    split: str | None = None
    split_name: str | None = None
    prune: bool = False
    force: bool = False
    #: ``--style``: a CSL style's name or file; ``--locale``: the words'
    #: language; ``--word``: single words said otherwise.
    style: str | None = None
    locale: str | None = None
    words: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a run did: ``stderr``, the lines for standard error in the order
    they were found (diagnostics, notes, what was written, warnings); then
    at most one of ``stdout`` (text for standard output), ``preview`` (a
    listing to show in the terminal, with ``citations`` when a style cites
    its entries) and ``stats`` (counts to show as tables); or ``failure``, the error that ended the run, said after
    ``stderr``. ``cut_short`` is what no run expects and the caller
    raises after ``stderr``: Ctrl-C, running out of memory, a bug."""

    stderr: tuple[str, ...] = ()
    stdout: str | None = None
    preview: Listing | None = None
    citations: Citations | None = None
    stats: Stats | None = None
    failure: Bib2PubsError | None = None
    cut_short: BaseException | None = None

    @property
    def exit_code(self) -> int:
        """The command's exit status for this outcome."""
        if self.cut_short is not None:
            if isinstance(self.cut_short, KeyboardInterrupt):
                return 130
            if isinstance(self.cut_short, BrokenPipeError):  # the reader went away: as SIGPIPE ends a command
                return 141
            return 1 if is_out_of_memory(self.cut_short) else 70
        return 0 if self.failure is None else self.failure.exit_code


#: What writes entries' fields as BibTeX: the format, and --split (cite.bib).
_SHOWS_FIELDS: Final = frozenset({"bibtex", "split"})


class _Lines(list[str]):
    """The lines for standard error, each handed to ``say`` as soon as it
    is found: a long run (a large file, a --split folder) shows its
    diagnostics before it renders and writes, and a run killed part way
    has shown what it found."""

    def __init__(self, say: Callable[[str], object] | None) -> None:
        super().__init__()
        self.say = say

    def append(self, line: str) -> None:
        super().append(line)
        if self.say is not None:
            self.say(line)

    def extend(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.append(line)


def run(
    bibfiles: Sequence[str], options: Options, request: Request, say: Callable[[str], object] | None = None
) -> Outcome:
    """Reads ``bibfiles`` and does what ``request`` asks; a Bib2PubsError
    ends the run as the outcome's failure, after the lines said before it,
    and so does anything else that cuts it short (``cut_short``): the
    diagnostics found before Ctrl-C or a bug are not lost. ``say``, when
    given, receives each line of ``stderr`` as soon as it is found."""
    said = _Lines(say)
    try:
        return _run(bibfiles, options, request, said)
    except Bib2PubsError as error:
        return Outcome(tuple(said), failure=error)
    except (Exception, KeyboardInterrupt) as error:  # noqa: BLE001 - the caller raises it again
        if is_out_of_memory(error):  # its frames hold the memory: let them go
            error = error.with_traceback(None)
        return Outcome(tuple(said), cut_short=error)


def _run(bibfiles: Sequence[str], options: Options, request: Request, said: list[str]) -> Outcome:
    selection = options.selection
    if selection.titles and selection.group_by not in ("kind", "kind,year"):
        said.append("bib2pubs: warning: --group-title names sections of --group-by kind; ignored")
    variables = _parse_sets(request.sets)
    words = words_for(request.locale, request.words)  # a wrong --locale or --word is said before reading
    if request.style and (request.max_authors or options.name_style != "full"):
        # The style writes the names: how many, and in which form.
        said.append(
            f"bib2pubs: warning: --style {request.style} writes the names its own way;"
            " --max-authors and --name-style apply to lists without a style"
        )
    chosen, template, to_file = _checked(bibfiles, options, request)
    # A template of the user's may show any entry as BibTeX by its bibtex
    # filter, and so does al-folio's (SHOWS_BIBTEX), so their entries keep
    # their fields; a format's list (its built-in writer, or a built-in
    # template) never shows them. Fields kept for nothing would cost a large
    # file read in two processes a third of the time the worker takes to
    # send its half back.
    shows_bibtex = template is not None and (not template.builtin or template.asked in SHOWS_BIBTEX)
    if chosen in _SHOWS_FIELDS or request.template_dirs or shows_bibtex:
        options = replace(options, keep_fields=True)
    spec = None
    if chosen is not None and not request.stats and request.split is None:
        spec = RenderSpec(
            chosen,
            template,
            variables,
            request.max_authors,
            request.template_dirs,
            request.bibtex_dropped,
            request.style,
            request.locale,
            request.words,
        )
    ahead = writing_ahead(spec) if spec is not None else None
    listing = _listing(bibfiles, options, request, to_file, said, ahead)
    if request.explain:
        from bib2pubs.report.explain import explain, format_reports  # only --explain reports

        said.extend(format_reports(explain(listing)))
    if request.stats:
        return _stats(listing, chosen, to_file, request.check, said)
    if request.split is not None:
        _split(bibfiles, localize(listing, words), request, variables, words, said)
        return Outcome(tuple(said))
    if spec is None:
        preview = localize(listing, words)
        citations, cite_notes = cite(preview, request.style, request.locale)
        said.extend(map(str, cite_notes))
        return Outcome(tuple(said), preview=preview, citations=citations)
    notes: list[Diagnostic] = []
    text = render(listing, spec, notes, ahead=ahead)
    said.extend(map(str, notes))
    if to_file is None:
        return Outcome(tuple(said), stdout=text)
    if not request.check and format_of(os.path.basename(to_file)) not in (None, chosen):
        said.append(f"{to_file}: warning: writing {chosen} into a file named like another format")
    _write(to_file, text, request.check, said)
    return Outcome(tuple(said))


def _checked(
    bibfiles: Sequence[str], options: Options, request: Request
) -> tuple[str | None, Template | None, str | None]:
    """What the run writes, found before any reading, and every request
    that cannot work refused: the format ("split" for ``--split``, None for
    the terminal preview), the template and the output file, if any."""
    output = request.output
    template: Template | None = None
    for directory in request.template_dirs:
        if not os.path.isdir(directory):
            raise UsageError(f"--template-dir {directory}: no such folder")
    if request.check and request.split is None and (output is None or output in ("", "-")):
        raise UsageError("--check compares with a file: add -o FILE")
    if request.split is None and (request.prune or request.force or request.split_name):
        raise UsageError("--prune, --force and --split-name go with --split DIR")
    if request.split is not None:
        _check_split(request)
        chosen: str | None = "split"
    else:
        chosen, template = _choose_format(request.format_name, request.template, output, request.template_dirs)
    _check_stdout(request)
    if request.explain and not (options.highlights or options.highlights_as):
        raise UsageError("--explain reports on highlighted people: add --highlight NAME")
    if output == "":
        raise UsageError("-o needs a file name ('-' for standard output)")
    to_file = output if output != "-" else None
    if to_file and os.path.exists(to_file):
        for bibfile in bibfiles:
            if bibfile != "-" and same_file(to_file, bibfile):
                raise UsageError(f"-o {to_file} would overwrite the input {bibfile}")
    return chosen, template, to_file


def _listing(
    bibfiles: Sequence[str],
    options: Options,
    request: Request,
    to_file: str | None,
    said: list[str],
    ahead: WrittenAhead | None = None,
) -> Listing:
    """The listing read (its entries written ``ahead``: see ``load``), its
    diagnostics said; a failure when nothing was read, when ``--strict``
    finds a problem, or when nothing is left to write to a file or a folder."""
    try:
        listing = load(bibfiles, options, ahead=ahead)
    except NothingReadError as error:
        said.extend(map(str, error.diagnostics))
        error.message += _left_alone(to_file)
        raise
    said.extend(map(str, listing.diagnostics))
    if options.strict and listing.diagnostics:
        count = len(listing.diagnostics)
        failed = f"{count} problem{'s' if count > 1 else ''} above; --strict fails the run"
        raise Bib2PubsError(failed + _left_alone(to_file))
    if not any(group.entries for group in listing.groups):
        if request.split is not None:  # an empty folder is never the answer: --prune would empty it
            raise Bib2PubsError(f"no entry is left after the selection; {request.split} left as it was")
        if to_file:
            raise Bib2PubsError(f"no entry is left after the selection; {to_file} left as it was")
        said.append("bib2pubs: warning: no entry is left after the selection")
    return listing


def _left_alone(path: str | None) -> str:
    """For the message of a failed run: the output file there already, left as it was."""
    return f"; {path} left as it was" if path and os.path.exists(path) else ""


def _write(path: str, text: str, check: bool, said: list[str]) -> None:
    """``text`` written to ``path`` (unless unchanged), or with ``check``
    compared with it: StaleOutputError when it differs."""
    if check:
        check_file(path, text)
        said.append(f"{path}: up to date")
    else:
        said.append(f"{path}: {'written' if write_file(path, text) else 'unchanged'}")


def _parse_sets(pairs: Sequence[str]) -> dict[str, str]:
    variables: dict[str, str] = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or not name.strip().isidentifier():
            raise UsageError(f"--set wants KEY=VALUE with KEY a name, got '{pair}'")
        variables[name.strip()] = value
    return variables


def _choose_format(
    format_name: str | None, template_name: str | None, output: str | None, template_dirs: Sequence[str] = ()
) -> tuple[str | None, Template | None]:
    """The output format (None for the terminal preview) and the template,
    found once for the run."""
    template = None
    if template_name:
        # Jinja is the slowest import of a run: only a run with a template loads it.
        from bib2pubs.rendering.jinja import list_template

        template = list_template(template_name, template_dirs)
    chosen = format_for(format_name, template)
    if chosen:
        return chosen, template
    if output and output != "-":
        from_suffix = format_of(os.path.basename(output))
        if from_suffix is None:
            known = ", ".join(f".{suffix}" for suffix in SUFFIXES)
            raise UsageError(f"cannot tell the format from '{output}' ({known}); add --format")
        return from_suffix, None
    if output == "-" or sys.stdout is None or not sys.stdout.isatty():
        return "text", None
    return None, None


def _check_stdout(request: Request) -> None:
    """A closed standard output (``>&-``) where the output would go is
    said at once, before any work (and before each run of ``--watch``)."""
    if sys.stdout is None and request.split is None and request.output in (None, "-"):
        raise Bib2PubsError("standard output is closed; use -o FILE")


def _check_split(request: Request) -> None:
    if request.output is not None or request.stats:
        raise UsageError("--split writes a folder of files: it takes no -o or --stats")
    if request.format_name is not None:
        raise UsageError("--split: the per-entry template says the format; leave out --format")
    if not request.split:
        raise UsageError("--split needs a folder, e.g. --split _publications")
    if os.path.exists(request.split) and not os.path.isdir(request.split):
        raise UsageError(f"--split {request.split}: not a folder")


def _stats(listing: Listing, chosen: str | None, to_file: str | None, check: bool, said: list[str]) -> Outcome:
    """``--stats``: JSON with ``-f json`` (or ``-o FILE.json``), else tables."""
    from bib2pubs.report.stats import compute, to_json  # only --stats counts (and loads json)

    counts = compute(listing)
    if chosen == "json":
        if to_file is None:
            return Outcome(tuple(said), stdout=to_json(counts))
        _write(to_file, to_json(counts), check, said)
        return Outcome(tuple(said))
    if to_file:
        raise UsageError("--stats writes JSON to a file (-f json or -o FILE.json), or tables to the terminal")
    return Outcome(tuple(said), stats=counts)


#: Why a file of the --split folder was left alone, by the list it is in.
_KEPT: Final = "changed since bib2pubs wrote it, or not written by it (a link, a folder); kept (--force overwrites)"
_GONE: Final = "its entry is no longer listed; kept (--prune removes it)"
_KEPT_GONE: Final = (
    "its entry is no longer listed, but it was changed since bib2pubs wrote it; kept (--force removes it)"
)


def _split(
    bibfiles: Sequence[str],
    listing: Listing,
    request: Request,
    variables: dict[str, str],
    words: Mapping[str, str],
    said: list[str],
) -> None:
    """``--split DIR``: the folder brought in step with the listing."""
    # Rendered by Jinja, the slowest import of a run: loaded for --split only.
    from bib2pubs.rendering.pages import entry_pages, entry_template
    from bib2pubs.write.sync import SyncError, sync

    folder = request.split
    assert folder is not None
    template = entry_template(request.template, request.template_dirs)
    citations, cite_notes = cite(listing, request.style, request.locale)
    said.extend(map(str, cite_notes))
    files, notes = entry_pages(
        listing,
        template,
        request.split_name,
        variables,
        request.max_authors,
        request.bibtex_dropped,
        words,
        citations,
    )
    said.extend(map(str, notes))
    for name in files:
        target = os.path.join(folder, name)
        if os.path.exists(target) and any(bib != "-" and same_file(target, bib) for bib in bibfiles):
            raise UsageError(f"--split {folder} would overwrite the input {target}")
    failure: SyncError | None = None
    try:
        report = sync(folder, files, listing.diagnostics, prune=request.prune, force=request.force, check=request.check)
    except SyncError as error:  # the rest was done: say what, then fail
        report, failure = error.report, error
    for names, why in ((report.kept, _KEPT), (report.orphaned, _GONE), (report.kept_orphans, _KEPT_GONE)):
        said.extend(f"{os.path.join(folder, name)}: {why}" for name in names)
    counts = [
        f"{len(report.written)} {'to write' if request.check else 'written'}",
        f"{len(report.unchanged)} unchanged",
    ]
    if report.removed:
        counts.append(f"{len(report.removed)} {'to remove' if request.check else 'removed'}")
    said.append(f"{folder}: {', '.join(counts)}")
    if failure is not None:
        raise failure
    if request.check and (report.written or report.removed):
        raise Bib2PubsError(f"{folder} is out of date")


def watched_paths(bibfiles: Sequence[str], options: Options, request: Request) -> list[str]:
    """The files a run reads (inputs, template folders, the venue table, the
    template and a style's file), for ``--watch`` to run again when one changes; a
    UsageError for a run that cannot be watched."""
    if "-" in bibfiles:
        raise UsageError("--watch reads files, not standard input")
    if request.check or request.stats:
        raise UsageError("--watch rebuilds an output: it takes no --check or --stats")
    _check_stdout(request)
    paths = [*bibfiles, *request.template_dirs]
    extras = (options.venues, request.template, request.style)
    paths.extend(extra for extra in extras if extra and os.path.exists(extra))
    return paths
