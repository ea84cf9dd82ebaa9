"""The command line: options in, the run's outcome out, errors as exit codes.

What a run does is decided in ``app``; this module turns the options into
``Options`` and a ``Request``, and the ``Outcome`` into output and an exit
code. Exit codes: 0 success (warnings allowed); 1 the run failed (no entry
read, a template error, an output that cannot be written, out of memory) or
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
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import click

from bib2pubs import app
from bib2pubs.cli import watch as polling
from bib2pubs.cli.configured import ARGUMENTS, CONFIG_PATH, ConfiguredCommand
from bib2pubs.errors import Bib2PubsError, is_out_of_memory
from bib2pubs.model import KINDS
from bib2pubs.names.style import NAME_STYLES
from bib2pubs.pipeline import Options
from bib2pubs.read.source import MAX_ENTRIES, MAX_SIZE, Limits, parse_size
from bib2pubs.render.clean_bibtex import dropped_fields
from bib2pubs.render.formats import FORMATS
from bib2pubs.report.stats import show as show_stats
from bib2pubs.select import GROUPINGS, ORDERS
from bib2pubs.version import __version__
from bib2pubs.write.files import write_stdout

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
        import codecs  # only when an encoding is given

        try:
            codec = codecs.lookup(str(value))
        except LookupError:
            self.fail(f"{value}: no such encoding", param, ctx)
        if not getattr(codec, "_is_text_encoding", True):  # rot13, base64, zlib: not text
            self.fail(f"{value}: not an encoding of text", param, ctx)
        return str(value)


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
def cli(**params: Any) -> None:
    """Turn BibTeX files into a publication list grouped by year.

    BIBFILE may be '-' for standard input. With no --format, --template or
    --output, the list is previewed in the terminal (plain text when piped).
    """
    code = _guarded(lambda: _command(params), params["bibfiles"], params["debug"])
    if code:
        sys.exit(code)


def _command(params: Mapping[str, Any]) -> None:
    options, request = _translated(params)
    if params["watch"]:
        _watch(params["bibfiles"], options, request)
    else:
        _show(app.run(params["bibfiles"], options, request), request)


def _translated(params: Mapping[str, Any]) -> tuple[Options, app.Request]:
    """The command's options (``cli``'s parameters) as ``Options`` and a ``Request``."""
    selection = app.make_selection(
        group_by=params["group_by"],
        order=params["order"],
        since=params["since"],
        until=params["until"],
        kinds=params["kinds"],
        keys=params["keys"],
        selected=params["selected"],
        only_highlighted=params["only_highlighted"],
        include_hidden=params["include_hidden"],
        group_titles=params["group_titles"],
    )
    options = app.make_options(
        highlights=params["highlights"],
        highlights_as=params["highlights_as"],
        aliases=params["aliases"],
        name_style=params["name_style"],
        venues=params["venues"],
        keep_preprints=params["keep_preprints"],
        selection=selection,
        encoding=params["encoding"],
        strict=params["strict"],
        limits=Limits(params["max_size"], params["max_entries"]),
    )
    request = app.Request(
        format_name=params["format_name"],
        template=params["template"],
        template_dirs=params["template_dirs"],
        sets=params["sets"],
        output=params["output"],
        max_authors=params["max_authors"],
        explain=params["explain"],
        check=params["check"],
        stats=params["stats"],
        bibtex_dropped=dropped_fields(params["bibtex_drop"], params["bibtex_keep"]),
        split=params["split"],
        split_name=params["split_name"],
        prune=params["prune"],
        force=params["force"],
    )
    return options, request


def _show(outcome: app.Outcome, request: app.Request) -> None:
    """The outcome on the standard streams: its lines on standard error,
    then its failure raised, or its output shown."""
    for line in outcome.stderr:
        click.echo(line, err=True)
    if outcome.cut_short is not None:
        raise outcome.cut_short
    if outcome.failure is not None:
        raise outcome.failure
    if outcome.stdout is not None:
        write_stdout(outcome.stdout)
    elif outcome.preview is not None:
        # rich, slow to import, is loaded only for the terminal.
        from bib2pubs.render.terminal import show

        show(outcome.preview, max_authors=request.max_authors)
    elif outcome.stats is not None:
        show_stats(outcome.stats)


def _watch(bibfiles: Sequence[str], options: Options, request: app.Request) -> None:
    """Runs, then runs again on every change, reporting (not stopping at) failures."""
    paths = app.watched_paths(bibfiles, options, request)
    context = click.get_current_context()
    config = context.meta.get(CONFIG_PATH)
    if config and os.path.exists(config):
        paths.append(config)
    arguments = [argument for argument in context.meta.get(ARGUMENTS, []) if argument != "--watch"]
    debug = bool(context.params["debug"])

    def run_once() -> None:
        code = _guarded(lambda: _run_again(context.info_name, arguments), bibfiles, debug)
        if code == 130:
            raise KeyboardInterrupt
        if code == BROKEN_PIPE:  # nobody reads what the next run writes
            raise BrokenPipeError

    click.echo(f"bib2pubs: watching {len(paths)} file{'' if len(paths) == 1 else 's'}; Ctrl-C stops", err=True)
    polling.watch(paths, run_once)


def _run_again(name: str | None, arguments: Sequence[str]) -> None:
    """One run of ``--watch``: the arguments read again, with the settings
    file as it is now, so that a change to it counts."""
    try:
        with cli.make_context(name, list(arguments)) as context:
            params = context.params
    except click.exceptions.Exit:
        return  # the settings file could not be read, which was said
    except click.ClickException as error:
        error.show()
        return
    options, request = _translated(params)
    _show(app.run(params["bibfiles"], options, request), request)


def _guarded(action: Callable[[], None], bibfiles: Sequence[str], debug: bool) -> int:
    """Runs ``action``, every error said as such: returns the exit code."""
    out_of_memory = False
    try:
        action()
        return 0
    except Bib2PubsError as error:
        click.echo(str(error), err=True)
        return error.exit_code
    except BrokenPipeError:
        # The reader went away (``| head``): stop quietly. The command itself
        # ends by SIGPIPE before this (see main); this is for callers in
        # Python, which ignores the signal.
        with contextlib.suppress(AttributeError, OSError, ValueError):  # a stream with no descriptor
            descriptor = sys.stdout.fileno()
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, descriptor)  # so that no later flush fails again
            os.close(devnull)
        return BROKEN_PIPE
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # noqa: BLE001 - no traceback reaches a user
        out_of_memory = is_out_of_memory(error)
        if not out_of_memory:
            _internal_error(error, debug)
            return 70
    # Said here, once the frames holding the memory are let go.
    _out_of_memory(bibfiles)
    return 1


def _internal_error(error: Exception, debug: bool) -> None:
    """A bug of ours: one line (a traceback with --debug); the exit code is 70."""
    if debug:
        import traceback  # only with --debug

        traceback.print_exception(error)
    detail = repr(error)
    detail = detail if len(detail) <= 200 else detail[:200] + "…"
    click.echo(f"bib2pubs: error: internal error: {detail} (run with --debug for a traceback)", err=True)


def _out_of_memory(bibfiles: Sequence[str]) -> None:
    """A run that ran out of memory ends with a message, not a traceback."""
    names = ["<stdin>" if name == "-" else name for name in bibfiles]
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    click.echo(f"bib2pubs: error: out of memory listing {shown}; free some memory, or list fewer entries", err=True)


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
    import signal  # only the console entry point changes how signals end the process

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
