"""The command line: parse options, call the library, map errors to exit codes.

Exit codes: 0 success (warnings allowed); 1 the run failed (no entry read,
a template error, an output that cannot be written, out of memory) or
``--check`` found the output out of date; 2 usage errors and unreadable or
refused input (larger than ``--max-size`` or ``--max-entries``); 70 an
internal error (a bug: please report it); 130 interrupted; 141 the reader
of standard output went away (``| head``): the shell's status for a command
ended by SIGPIPE, as git, grep and cat end.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import click

from bib2pubs.cli.configured import ARGUMENTS, CONFIG_PATH, ConfiguredCommand
from bib2pubs.errors import Bib2PubsError, NothingReadError, UsageError, is_out_of_memory
from bib2pubs.model import KINDS, Diagnostic, Listing
from bib2pubs.names.style import NAME_STYLES
from bib2pubs.pipeline import Options, listing_patterns, render_output, run
from bib2pubs.read.source import DEFAULT_LIMITS, MAX_ENTRIES, MAX_SIZE, Limits, parse_size
from bib2pubs.render.formats import FORMATS, SUFFIXES, format_of
from bib2pubs.select import GROUPINGS, ORDERS, Selection
from bib2pubs.version import __version__
from bib2pubs.write.files import check_file, same_file, write_file, write_stdout

EPILOG = """
\b
Examples:
  bib2pubs refs.bib --highlight "Chao Jin"
      preview the list in the terminal, your name in bold
  bib2pubs refs.bib -H "Chao Jin" --highlight-as student="Ana Li" --explain
      your students underlined; a report of misses and uncertain matches
  bib2pubs refs.bib -H "Chao Jin" -t academicpages --set title="Full Publications" -o _pages/publications.md
      write a Jekyll academicpages page (untouched when nothing changed)
  bib2pubs refs.bib -H "Chao Jin" -o publications.html
      an HTML fragment; the format comes from the suffix
  bib2pubs refs.bib --format json | jq '.groups[0]'
      the normalized model, for scripts

Problems in the .bib are reported on stderr as file:line: level: message,
and the rest of the file is still listed. Exit codes: 0 done (warnings
allowed), 1 failed (no entry read, template error, out of memory) or
--check found the file out of date, 2 usage or unreadable input, or an
input over --max-size or --max-entries; 141 the reader of the output went
away (| head), as for git or grep.

Environment: BIB2PUBS_JOBS=1 keeps a large file's work in one process
(N allows N); BIB2PUBS_NO_CACHE=1 keeps nothing in the cache folder
($XDG_CACHE_HOME/bib2pubs, else ~/.cache/bib2pubs); BIB2PUBS_MAX_SIZE and
BIB2PUBS_MAX_ENTRIES set --max-size and --max-entries.
"""

#: The exit status of a run whose reader went away: 128 + SIGPIPE, what a
#: shell reports for a command the signal ended.
BROKEN_PIPE = 141


def _size(_ctx: click.Context, _param: click.Parameter, value: str) -> int:
    """``--max-size``: bytes from ``64MB``, ``500KB``, ``1GB`` or a number."""
    try:
        return parse_size(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


if TYPE_CHECKING:  # generic from click 8.2 on, which 8.1 cannot subscript at run time
    _TextParam = click.ParamType[str]
else:
    _TextParam = click.ParamType


class _Encoding(_TextParam):
    """``--encoding``: a codec that decodes bytes to text, checked when the
    option (or the settings file's value) is read, so the error names it."""

    name = "encoding"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> str:
        import codecs

        try:
            codec = codecs.lookup(str(value))
        except LookupError:
            self.fail(f"{value}: no such encoding", param, ctx)
        if not getattr(codec, "_is_text_encoding", True):  # rot13, base64, zlib: not text
            self.fail(f"{value}: not an encoding of text", param, ctx)
        return str(value)


def _parse_sets(pairs: Sequence[str]) -> dict[str, str]:
    variables: dict[str, str] = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or not name.strip().isidentifier():
            raise UsageError(f"--set wants KEY=VALUE with KEY a name, got '{pair}'")
        variables[name.strip()] = value
    return variables


def _choose_format(
    format_name: str | None, template: str | None, output: str | None, template_dirs: Sequence[str] = ()
) -> str | None:
    """The output format, or None for the terminal preview."""
    template_fmt = None
    if template:
        from bib2pubs.render.formats import ITEM_TEMPLATES
        from bib2pubs.render.jinja import resolve_template, template_format

        if template in ITEM_TEMPLATES:
            raise UsageError(f"{template} is a template of one entry: use it with --split DIR")
        template_fmt = template_format(resolve_template(template, template_dirs)[0])
    if format_name == "json" and template:
        raise UsageError("--format json prints the model; it takes no --template")
    if format_name == "bibtex" and template:
        raise UsageError("--format bibtex prints the entries; it takes no --template")
    if format_name and template_fmt and format_name != template_fmt:
        raise UsageError(f"template '{template}' writes {template_fmt}, not {format_name}")
    if format_name:
        return format_name
    if template_fmt:
        return template_fmt
    if output and output != "-":
        from_suffix = format_of(os.path.basename(output))
        if from_suffix is None:
            known = ", ".join(f".{suffix}" for suffix in SUFFIXES)
            raise UsageError(f"cannot tell the format from '{output}' ({known}); add --format")
        return from_suffix
    if output == "-" or sys.stdout is None or not sys.stdout.isatty():
        return "text"
    return None


def _report(diagnostics: Sequence[Diagnostic]) -> None:
    for diagnostic in diagnostics:
        click.echo(str(diagnostic), err=True)


def _pairs(values: Sequence[str], option: str, example: str) -> list[tuple[str, str]]:
    """``LEFT=RIGHT`` values, both sides non-empty."""
    pairs = []
    for value in values:
        left, equals, right = value.partition("=")
        if not equals or not left.strip() or not right.strip():
            raise UsageError(f"{option} wants {example}, got '{value}'")
        pairs.append((left.strip(), right.strip()))
    return pairs


def _options(
    highlights: Sequence[str],
    highlights_as: Sequence[str],
    aliases: Sequence[str],
    name_style: str,
    venues: str | None,
    keep_preprints: bool,
    selection: Selection,
    encoding: str | None = None,
    strict: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> Options:
    alias_groups = []
    for value in aliases:
        names = tuple(name.strip() for name in value.split("="))
        if len(names) < 2 or not all(names):
            raise UsageError(f"--alias wants 'NAME=OTHER NAME', got '{value}'")
        alias_groups.append(names)
    return Options(
        highlights=tuple(highlights),
        highlights_as=tuple(_pairs(highlights_as, "--highlight-as", "STYLE=NAME, e.g. student='Ana Li'")),
        aliases=tuple(alias_groups),
        name_style=name_style,
        venues=venues,
        keep_preprints=keep_preprints,
        selection=selection,
        encoding=encoding,
        strict=strict,
        limits=limits,
    )


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


#: Formats that may show an entry's fields as BibTeX (the templates' filter).
_SHOWS_FIELDS = frozenset({"bibtex", "markdown", "html", "latex", "split"})


def _check_split(request: Request) -> None:
    if request.output is not None or request.stats:
        raise UsageError("--split writes a folder of files: it takes no -o or --stats")
    if request.format_name is not None:
        raise UsageError("--split: the per-entry template says the format; leave out --format")
    if not request.split:
        raise UsageError("--split needs a folder, e.g. --split _publications")
    if os.path.exists(request.split) and not os.path.isdir(request.split):
        raise UsageError(f"--split {request.split}: not a folder")


def _split(bibfiles: Sequence[str], listing: Listing, request: Request, variables: dict[str, str]) -> None:
    """``--split DIR``: the folder brought in step with the listing."""
    from bib2pubs.render.pages import entry_pages
    from bib2pubs.write.sync import SyncError, sync

    assert request.split is not None
    files, notes = entry_pages(
        listing,
        request.template,
        request.split_name,
        variables,
        request.max_authors,
        request.template_dirs,
        request.bibtex_dropped,
    )
    _report(notes)
    folder = request.split
    for name in files:
        target = os.path.join(folder, name)
        if os.path.exists(target) and any(bib != "-" and same_file(target, bib) for bib in bibfiles):
            raise UsageError(f"--split {folder} would overwrite the input {target}")
    failure: SyncError | None = None
    try:
        report = sync(folder, files, listing.diagnostics, prune=request.prune, force=request.force, check=request.check)
    except SyncError as error:  # the rest was done: say what, then fail
        report, failure = error.report, error
    kept = "changed since bib2pubs wrote it, or not written by it (a link, a folder); kept (--force overwrites)"
    gone = "its entry is no longer listed; kept (--prune removes it)"
    kept_gone = "its entry is no longer listed, but it was changed since bib2pubs wrote it; kept (--force removes it)"
    for names, message in ((report.kept, kept), (report.orphaned, gone), (report.kept_orphans, kept_gone)):
        for name in names:
            click.echo(f"{os.path.join(folder, name)}: {message}", err=True)
    counts = [
        f"{len(report.written)} {'to write' if request.check else 'written'}",
        f"{len(report.unchanged)} unchanged",
    ]
    if report.removed:
        counts.append(f"{len(report.removed)} {'to remove' if request.check else 'removed'}")
    click.echo(f"{folder}: {', '.join(counts)}", err=True)
    if failure is not None:
        raise failure
    if request.check and (report.written or report.removed):
        raise Bib2PubsError(f"{folder} is out of date")


def _produce(bibfiles: Sequence[str], options: Options, request: Request) -> None:
    output = request.output
    variables = _parse_sets(request.sets)
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
        chosen = _choose_format(request.format_name, request.template, output, request.template_dirs)
    _check_stdout(request)
    if chosen in _SHOWS_FIELDS:
        options = replace(options, keep_fields=True)
    if request.explain and not (options.highlights or options.highlights_as):
        raise UsageError("--explain reports on highlighted people: add --highlight NAME")
    if output == "":
        raise UsageError("-o needs a file name ('-' for standard output)")
    to_file = output is not None and output != "-"
    if to_file and output and os.path.exists(output):
        for bibfile in bibfiles:
            if bibfile != "-" and same_file(output, bibfile):
                raise UsageError(f"-o {output} would overwrite the input {bibfile}")
    try:
        listing = run(bibfiles, options)
    except NothingReadError as error:
        _report(error.diagnostics)
        if to_file and output and os.path.exists(output):
            error.message += f"; {output} left as it was"
        raise
    _report(listing.diagnostics)
    if options.strict and listing.diagnostics:
        count = len(listing.diagnostics)
        kept = f"; {output} left as it was" if to_file and output and os.path.exists(output) else ""
        raise Bib2PubsError(f"{count} problem{'s' if count > 1 else ''} above; --strict fails the run{kept}")
    if not any(group.entries for group in listing.groups):
        if request.split is not None:  # an empty folder is never the answer: --prune would empty it
            raise Bib2PubsError(f"no entry is left after the selection; {request.split} left as it was")
        if to_file and output:
            raise Bib2PubsError(f"no entry is left after the selection; {output} left as it was")
        click.echo("bib2pubs: warning: no entry is left after the selection", err=True)
    if request.explain:
        _explain(listing, options)
    if request.stats:
        _stats(listing, options, chosen, output if to_file else None, request.check)
        return
    if request.split is not None:
        _split(bibfiles, listing, request, variables)
        return
    if chosen is None:
        from bib2pubs.render.terminal import show

        show(listing, max_authors=request.max_authors)
        return
    text, notes = render_output(
        listing, chosen, request.template, variables, request.max_authors, request.template_dirs, request.bibtex_dropped
    )
    _report(notes)
    if request.check and output:
        check_file(output, text)
        click.echo(f"{output}: up to date", err=True)
        return
    if to_file and output:
        if format_of(os.path.basename(output)) not in (None, chosen):
            click.echo(f"{output}: warning: writing {chosen} into a file named like another format", err=True)
        changed = write_file(output, text)
        click.echo(f"{output}: {'written' if changed else 'unchanged'}", err=True)
    else:
        write_stdout(text)


def _check_stdout(request: Request) -> None:
    """A closed standard output (``>&-``) where the output would go is
    said at once, before any work (and before each run of ``--watch``)."""
    if sys.stdout is None and request.split is None and request.output in (None, "-"):
        raise Bib2PubsError("standard output is closed; use -o FILE")


def _watch(bibfiles: Sequence[str], options: Options, request: Request) -> None:
    """Runs, then runs again on every change, reporting (not stopping at) failures."""
    from bib2pubs.cli.watch import watch

    if "-" in bibfiles:
        raise UsageError("--watch reads files, not standard input")
    if request.check or request.stats:
        raise UsageError("--watch rebuilds an output: it takes no --check or --stats")
    _check_stdout(request)
    paths = [*bibfiles, *request.template_dirs]
    for extra in (click.get_current_context().meta.get(CONFIG_PATH), options.venues, request.template):
        if extra and os.path.exists(extra):
            paths.append(extra)

    context = click.get_current_context()
    arguments = [argument for argument in context.meta.get(ARGUMENTS, []) if argument != "--watch"]

    def run_once() -> None:
        # The whole command again, so that a changed settings file counts.
        try:
            cli.main(arguments, prog_name=context.info_name, standalone_mode=False)
        except SystemExit as stop:
            if stop.code == 130:
                raise KeyboardInterrupt from None
            if stop.code == BROKEN_PIPE:  # nobody reads what the next run writes
                raise BrokenPipeError from None
        except click.ClickException as error:
            error.show()

    click.echo(f"bib2pubs: watching {len(paths)} file{'' if len(paths) == 1 else 's'}; Ctrl-C stops", err=True)
    watch(paths, run_once)


def _stats(listing: Listing, options: Options, chosen: str | None, output: str | None, check: bool) -> None:
    """``--stats``: JSON with ``-f json`` (or ``-o FILE.json``), else tables."""
    from bib2pubs.report.stats import compute, show, to_json

    counts = compute(listing, listing_patterns(listing, options))
    if chosen == "json":
        if output and check:
            check_file(output, to_json(counts))
            click.echo(f"{output}: up to date", err=True)
        elif output:
            changed = write_file(output, to_json(counts))
            click.echo(f"{output}: {'written' if changed else 'unchanged'}", err=True)
        else:
            write_stdout(to_json(counts))
        return
    if output:
        raise UsageError("--stats writes JSON to a file (-f json or -o FILE.json), or tables to the terminal")
    show(counts)


def _explain(listing: Listing, options: Options) -> None:
    from bib2pubs.report.explain import explain, format_reports

    for line in format_reports(explain(listing, listing_patterns(listing, options))):
        click.echo(line, err=True)


@click.command(
    cls=ConfiguredCommand,
    epilog=EPILOG,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.argument("bibfiles", nargs=-1, required=True, metavar="BIBFILE...")
@click.option(
    "-H", "--highlight", "highlights", multiple=True, metavar="NAME", help="Your name, in any form; repeatable."
)
@click.option(
    "--highlight-as",
    "highlights_as",
    multiple=True,
    metavar="STYLE=NAME",
    help="Someone else, in another style (e.g. student='Ana Li'): underlined, or a CSS class in HTML.",
)
@click.option(
    "--alias",
    "aliases",
    multiple=True,
    metavar="NAME=OTHER",
    help="Names one person published under, e.g. 'Freda Shi=Haoyue Shi'; repeatable.",
)
@click.option(
    "--name-style",
    type=click.Choice(NAME_STYLES),
    default="full",
    show_default=True,
    help="Names as written, as initials (C. Jin), or family name first (Jin, C.).",
)
@click.option(
    "--max-authors",
    type=click.IntRange(min=1),
    metavar="N",
    help="Shorten longer author lists with '…', always keeping highlighted people.",
)
@click.option("--explain", is_flag=True, help="Report, per highlighted person, misses and uncertain matches.")
@click.option(
    "--venues",
    metavar="FILE",
    help="A TOML table of venues that extends and overrides the built-in one.",
)
@click.option(
    "--keep-preprints",
    is_flag=True,
    help="List arXiv preprints apart from their published versions (merged by default).",
)
@click.option(
    "--group-by",
    type=click.Choice(GROUPINGS),
    default="year",
    show_default=True,
    help="Sections by year, by kind of work, or none.",
)
@click.option(
    "--group-title",
    "group_titles",
    multiple=True,
    metavar="KIND=TITLE",
    help="A section's title with --group-by kind, e.g. journal='Journal Papers'; repeatable.",
)
@click.option(
    "--sort",
    "order",
    type=click.Choice(ORDERS),
    default="month",
    show_default=True,
    help="Order within a section: by month then file order, as in the file, newest first, by title or venue.",
)
@click.option("--since", type=int, metavar="YEAR", help="Only works from YEAR on.")
@click.option("--until", type=int, metavar="YEAR", help="Only works up to YEAR.")
@click.option("--kind", "kinds", multiple=True, type=click.Choice(KINDS), help="Only works of this kind; repeatable.")
@click.option("--key", "keys", multiple=True, metavar="KEY", help="Only the entry with this key; repeatable.")
@click.option("--selected", is_flag=True, help="Only entries marked selected = {true} (al-folio).")
@click.option("--only-highlighted", is_flag=True, help="Only entries that name a highlighted person.")
@click.option("--include-hidden", is_flag=True, help="List entries marked hidden = {true} too.")
@click.option("-f", "--format", "format_name", type=click.Choice(FORMATS), help="Output format.")
@click.option(
    "-t",
    "--template",
    metavar="NAME|PATH",
    help="A built-in template (academicpages, markdown, html, html-page, text, latex) or your own .j2 file.",
)
@click.option(
    "--template-dir",
    "template_dirs",
    multiple=True,
    metavar="DIR",
    help="A folder of your templates (NAME.md.j2…), searched before the built-ins; repeatable.",
)
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE", help="A template variable, e.g. title=...")
@click.option(
    "-o",
    "--output",
    metavar="PATH",
    help="Write to PATH (atomically, only if changed); the format follows its suffix.",
)
@click.option(
    "--config",
    metavar="FILE",
    help="Settings file (default: bib2pubs.toml or [tool.bib2pubs] in pyproject.toml, found upwards).",
)
@click.option("--no-config", is_flag=True, help="Ignore any settings file.")
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; exit 1 with a short diff if -o FILE (or the --split folder) is out of date, 0 if current.",
)
@click.option(
    "--stats",
    is_flag=True,
    help="Counts per year and kind, and first/last-author counts: tables, or JSON with -f json.",
)
@click.option(
    "--split",
    "split",
    metavar="DIR",
    help="One file per entry in DIR (academicpages' _publications/ or Hugo's content/publication/), "
    "from a per-entry template (-t academicpages-item, the default, or hugo-bundle); synced, edits kept.",
)
@click.option(
    "--split-name",
    "split_name",
    metavar="PATTERN",
    help="The file name of each entry with --split, from {key}, {year}, {month}, {kind}, {type}: "
    "'{year}-{key}.md' by default.",
)
@click.option("--prune", is_flag=True, help="With --split: remove the files whose entry is no longer listed.")
@click.option("--force", is_flag=True, help="With --split: overwrite files edited by hand, or not written by bib2pubs.")
@click.option(
    "--bibtex-drop",
    "bibtex_drop",
    multiple=True,
    metavar="FIELD",
    help="A field BibTeX output (-f bibtex, the bibtex filter) leaves out, besides the site-only ones; repeatable.",
)
@click.option(
    "--bibtex-keep",
    "bibtex_keep",
    multiple=True,
    metavar="FIELD",
    help="A site-only field BibTeX output keeps all the same (e.g. abstract); repeatable.",
)
@click.option(
    "--encoding",
    type=_Encoding(),
    metavar="NAME",
    help="The .bib files' encoding (latin-1, gbk…), when not UTF-8; otherwise it is guessed, with a warning.",
)
@click.option(
    "--max-size",
    "max_size",
    callback=_size,
    default=f"{MAX_SIZE // 1024**2}MB",
    metavar="SIZE",
    show_default=True,
    envvar="BIB2PUBS_MAX_SIZE",
    show_envvar=True,
    help="The largest .bib file read: a larger one is refused, and a pipe or device is read no further "
    "(e.g. 200MB, 1GB).",
)
@click.option(
    "--max-entries",
    "max_entries",
    type=click.IntRange(min=1),
    default=MAX_ENTRIES,
    show_default=True,
    metavar="N",
    envvar="BIB2PUBS_MAX_ENTRIES",
    show_envvar=True,
    help="The most entries one .bib file may hold (@string and @comment count too); more are refused.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Fail (exit 1, nothing written) on any warning, with extra checks: no year, no or unknown venue.",
)
@click.option(
    "--watch",
    is_flag=True,
    help="Run again whenever a .bib, the settings, a template or the venue table changes (Ctrl-C stops).",
)
@click.option("--debug", is_flag=True, help="Show a traceback for internal errors.")
@click.version_option(__version__, "--version", prog_name="bib2pubs")
def cli(
    bibfiles: tuple[str, ...],
    highlights: tuple[str, ...],
    highlights_as: tuple[str, ...],
    aliases: tuple[str, ...],
    name_style: str,
    max_authors: int | None,
    explain: bool,
    venues: str | None,
    keep_preprints: bool,
    group_by: str,
    group_titles: tuple[str, ...],
    order: str,
    since: int | None,
    until: int | None,
    kinds: tuple[str, ...],
    keys: tuple[str, ...],
    selected: bool,
    only_highlighted: bool,
    include_hidden: bool,
    format_name: str | None,
    template: str | None,
    template_dirs: tuple[str, ...],
    sets: tuple[str, ...],
    output: str | None,
    config: str | None,
    no_config: bool,
    check: bool,
    stats: bool,
    split: str | None,
    split_name: str | None,
    prune: bool,
    force: bool,
    bibtex_drop: tuple[str, ...],
    bibtex_keep: tuple[str, ...],
    encoding: str | None,
    max_size: int,
    max_entries: int,
    strict: bool,
    watch: bool,
    debug: bool,
) -> None:
    """Turn BibTeX files into a publication list grouped by year.

    BIBFILE may be '-' for standard input. With no --format, --template or
    --output, the list is previewed in the terminal (plain text when piped).
    """
    out_of_memory = False
    try:
        titles = dict(_pairs(group_titles, "--group-title", "KIND=TITLE, e.g. journal='Journal Papers'"))
        unknown = sorted(set(titles) - set(KINDS))
        if unknown:
            raise UsageError(f"--group-title {unknown[0]}: use a kind ({', '.join(KINDS)})")
        if titles and group_by not in ("kind", "kind,year"):
            click.echo("bib2pubs: warning: --group-title names sections of --group-by kind; ignored", err=True)
        selection = Selection(
            group_by, order, since, until, kinds, keys, selected, only_highlighted, include_hidden, titles
        )
        limits = Limits(max_size, max_entries)
        options = _options(
            highlights, highlights_as, aliases, name_style, venues, keep_preprints, selection, encoding, strict, limits
        )
        from bib2pubs.render.clean_bibtex import dropped_fields

        dropped = dropped_fields(bibtex_drop, bibtex_keep)
        request = Request(
            format_name,
            template,
            template_dirs,
            sets,
            output,
            max_authors,
            explain,
            check,
            stats,
            dropped,
            split,
            split_name,
            prune,
            force,
        )
        if watch:
            _watch(bibfiles, options, request)
        else:
            _produce(bibfiles, options, request)
    except Bib2PubsError as error:
        click.echo(str(error), err=True)
        sys.exit(error.exit_code)
    except BrokenPipeError:
        # The reader went away (``| head``): stop quietly. The command itself
        # ends by SIGPIPE before this (see main); this is for callers in
        # Python, which ignores the signal.
        with contextlib.suppress(AttributeError, OSError, ValueError):  # a stream with no descriptor
            descriptor = sys.stdout.fileno()
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, descriptor)  # so that no later flush fails again
            os.close(devnull)
        sys.exit(BROKEN_PIPE)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as error:  # noqa: BLE001 - no traceback reaches a user
        out_of_memory = is_out_of_memory(error)
        if not out_of_memory:
            _internal_error(error, debug)
    if out_of_memory:  # said here, once the frames holding the memory are let go
        _out_of_memory(bibfiles)


def _internal_error(error: Exception, debug: bool) -> None:
    """A bug of ours: one line (a traceback with --debug), exit 70."""
    if debug:
        import traceback

        traceback.print_exception(error)
    detail = repr(error)
    detail = detail if len(detail) <= 200 else detail[:200] + "…"
    click.echo(f"bib2pubs: error: internal error: {detail} (run with --debug for a traceback)", err=True)
    sys.exit(70)


def _out_of_memory(bibfiles: Sequence[str]) -> None:
    """A run that ran out of memory ends with a message, not a traceback."""
    names = ["<stdin>" if name == "-" else name for name in bibfiles]
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    click.echo(f"bib2pubs: error: out of memory listing {shown}; free some memory, or list fewer entries", err=True)
    sys.exit(1)


def main() -> None:
    """Console entry point.

    Ends the process without Python's tear-down: freeing every object one
    by one takes up to a tenth of a small run, and longer after a large
    file, for nothing (everything is written and closed by then). The
    output is flushed first; a stream that cannot be flushed (a reader gone
    away) ends the run as it would have.
    """
    _standard_streams()
    try:
        cli(prog_name="bib2pubs")
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else 0 if done.code is None else 1
        if isinstance(done.code, str) and sys.stderr is not None:
            print(done.code, file=sys.stderr)
    except MemoryError:  # before the run itself: reading the options or the settings
        code = 1
        if sys.stderr is not None:
            print("bib2pubs: error: out of memory", file=sys.stderr)
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (BrokenPipeError, ValueError, OSError):
            pass
    os._exit(code)


def _standard_streams() -> None:
    """The command's standard streams made safe to use.

    A write to a reader gone away (``| head``) ends the process by SIGPIPE,
    as it ends cat, grep or git: quietly, with the status shells know, at
    whichever write met it (Python ignores the signal and raises instead).
    A closed standard descriptor (``>&-``) is given /dev/null, so that no
    file or pipe this run opens takes its number and is written to as if
    it were the output; ``sys.stdout`` stays None, which says it was closed.
    """
    import signal

    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    for descriptor in (0, 1, 2):
        try:
            os.fstat(descriptor)
        except OSError:
            opened = os.open(os.devnull, os.O_RDWR)
            if opened != descriptor:
                os.dup2(opened, descriptor)
                os.close(opened)
