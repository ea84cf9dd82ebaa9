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
import gc
import os
import signal
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

import click

from bib2pubs.cli.configured import ARGUMENTS, CONFIG_PATH, ConfiguredCommand
from bib2pubs.cli.options import EPILOG, command_options
from bib2pubs.errors import Bib2PubsError, is_out_of_memory
from bib2pubs.write.files import write_stdout

if TYPE_CHECKING:
    from bib2pubs import app
    from bib2pubs.pipeline import Options

#: The exit status of a run whose reader went away: 128 + SIGPIPE, what a
#: shell reports for a command the signal ended.
BROKEN_PIPE: Final = 141

#: Set by ``main``: the cycle collector waits until the pipeline is loaded
#: (``_collect_from_now_on``). Callers in Python (tests, ``cli`` itself)
#: keep their collector as it is.
_collect_once_loaded = False


@click.command(
    cls=ConfiguredCommand,
    epilog=EPILOG,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@command_options
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
    if _collect_once_loaded:
        _collect_from_now_on(one_run=not params["watch"])
    if params["watch"]:
        _watch(params["bibfiles"], options, request)
    else:
        _run(params["bibfiles"], options, request)


def _translated(params: Mapping[str, Any]) -> tuple[Options, app.Request]:
    """The command's options (``cli``'s parameters) as ``Options`` and a ``Request``."""
    # The pipeline, every stage of it, is loaded for a run only: --help and --version skip it.
    from bib2pubs import app
    from bib2pubs.cli.arguments import make_options, make_selection, word_overrides
    from bib2pubs.read.source import Limits

    selection = make_selection(
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
    options = make_options(
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
        bibtex_dropped=_bibtex_dropped(params["bibtex_drop"], params["bibtex_keep"]),
        split=params["split"],
        split_name=params["split_name"],
        prune=params["prune"],
        force=params["force"],
        style=params["style"],
        locale=params["locale"],
        words=word_overrides(params["words"]),
    )
    return options, request


def _collect_from_now_on(one_run: bool) -> None:
    """The cycle collector back on, once the pipeline is loaded: what is
    loaded by now (click, the options, the pipeline) lives as long as the
    process, so it is set aside for good (``gc.freeze``), and the run's
    collections, which would look at all of it again and again, look only
    at what the run makes. For ``one_run``, the pipeline is told that the
    process ends after it (``pipeline.ends_after_one_run``)."""
    global _collect_once_loaded
    _collect_once_loaded = False
    gc.freeze()
    gc.enable()
    if one_run:
        # Loaded by _translated already: this import only looks it up.
        from bib2pubs import pipeline

        pipeline.ends_after_one_run()


def _bibtex_dropped(drop: Sequence[str], keep: Sequence[str]) -> frozenset[str] | None:
    """The fields BibTeX output leaves out; None, which every writer reads
    as the site-only fields, when neither option is given: a run that
    writes no BibTeX need not load its writer to say so."""
    if not drop and not keep:
        return None
    from bib2pubs.rendering.clean_bibtex import dropped_fields  # only --bibtex-drop or --bibtex-keep

    return dropped_fields(drop, keep)


def _run(bibfiles: Sequence[str], options: Options, request: app.Request) -> None:
    """One run: its lines on standard error as they are found, then its
    failure raised, or its output shown."""
    from bib2pubs import app  # loaded by _translated already

    outcome = app.run(bibfiles, options, request, say=_say)
    if outcome.cut_short is not None:
        raise outcome.cut_short
    if outcome.failure is not None:
        raise outcome.failure
    if outcome.stdout is not None:
        write_stdout(outcome.stdout)
    elif outcome.preview is not None:
        # rich, slow to import, is loaded only for the terminal.
        from bib2pubs.rendering.terminal import show
        from bib2pubs.rendering.words import words_for  # checked by app.run already

        words = words_for(request.locale, request.words)
        show(outcome.preview, max_authors=request.max_authors, words=words, citations=outcome.citations)
    elif outcome.stats is not None:
        from bib2pubs.report.stats import show as show_stats  # rich, as above

        show_stats(outcome.stats)


def _say(line: str) -> None:
    click.echo(line, err=True)


def _watch(bibfiles: Sequence[str], options: Options, request: app.Request) -> None:
    """Runs, then runs again on every change, reporting (not stopping at) failures."""
    from bib2pubs import app  # loaded by _translated already

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
    from bib2pubs.cli import watch as polling  # only --watch polls

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
    _run(params["bibfiles"], options, request)


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
    """The command, run as ``entry.main`` runs it.

    Ends the process without Python's tear-down: freeing every object one
    by one takes up to a tenth of a small run, and longer after a large
    file, for nothing (everything is written and closed by then). The
    output is flushed first; a stream that cannot be flushed (a reader gone
    away) ends the run as it would have.
    """
    # The collector waits until the pipeline is loaded (``entry`` pauses it
    # before click loads): loading makes many objects and no cycle.
    global _collect_once_loaded
    gc.disable()
    _collect_once_loaded = True
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
