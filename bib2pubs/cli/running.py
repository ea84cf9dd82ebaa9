"""A run of the command, once its options are read: the options turned into
``Options`` and a ``Request``, the run, its lines said, its failure turned
into an exit code, and the process ended.

Apart from ``command`` so that it needs no click: the common command
lines are read without it (``plain_args``), and click, a sixth of a small
run's time, is then never loaded. Exit codes: see ``command``.
"""

from __future__ import annotations

import codecs
import contextlib
import gc
import os
import signal
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, TextIO

from bib2pubs.errors import Bib2PubsError, is_out_of_memory
from bib2pubs.write.files import write_stdout

if TYPE_CHECKING:
    from bib2pubs import app
    from bib2pubs.pipeline import Options

#: The exit status of a run whose reader went away: 128 + SIGPIPE, what a
#: shell reports for a command the signal ended.
BROKEN_PIPE: Final = 141

#: Set by ``pause_until_loaded``, until ``started`` turns the collector back on.
_paused_until_loaded = False

#: An ANSI escape sequence, as click finds one to take out of a line
#: written to anything but a terminal (``click.echo``).
_ESCAPE: Final = "\x1b"


def say(line: str) -> None:
    """A line on standard error, as ``click.echo(line, err=True)`` writes
    it: nothing when there is no standard error, and flushed at once."""
    stream = sys.stderr
    if stream is None:
        return
    if _ESCAPE in line or _ascii_only(stream):
        # click takes escape sequences out when stderr is no terminal, and
        # writes UTF-8 to a stream set to ASCII; its own echo does both,
        # for the rare line or stream that needs it.
        import click

        click.echo(line, err=True)
        return
    stream.write(line + "\n")
    stream.flush()


def _ascii_only(stream: TextIO) -> bool:
    """Whether click takes ``stream`` for one set to ASCII by mistake
    (``LC_ALL=C`` before Python 3.7, ``PYTHONIOENCODING=ascii``)."""
    try:
        return codecs.lookup(getattr(stream, "encoding", None) or "ascii").name == "ascii"
    except LookupError:
        return False


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


def pause_until_loaded() -> None:
    """The cycle collector paused until the pipeline is loaded (``started``
    turns it back on), for the command: loading makes a hundred thousand
    objects and no garbage cycle among them. Callers in Python (tests,
    ``command.cli`` invoked directly) keep their collector as it is."""
    global _paused_until_loaded
    gc.disable()
    _paused_until_loaded = True


def started(params: Mapping[str, Any], one_run: bool) -> tuple[Options, app.Request]:
    """The command's options (``cli``'s parameters) as ``Options`` and a
    ``Request``, which loads the pipeline; then the collector back on, if
    the command paused it. ``one_run``: the process ends after this run."""
    options, request = _translated(params)
    if _paused_until_loaded:
        _collect_from_now_on(one_run)
    return options, request


def _collect_from_now_on(one_run: bool) -> None:
    """The cycle collector back on, once the pipeline is loaded: what is
    loaded by now (the options, the pipeline, click where it read them)
    lives as long as the process, so it is set aside for good
    (``gc.freeze``), and the run's collections, which would look at all of
    it again and again, look only at what the run makes. For ``one_run``,
    the pipeline is told that the process ends after it
    (``pipeline.ends_after_one_run``)."""
    global _paused_until_loaded
    _paused_until_loaded = False
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


def run(bibfiles: Sequence[str], options: Options, request: app.Request) -> None:
    """One run: its lines on standard error as they are found, then its
    failure raised, or its output shown."""
    from bib2pubs import app  # loaded by started already

    outcome = app.run(bibfiles, options, request, say=say)
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


def guarded(action: Callable[[], None], bibfiles: Sequence[str], debug: bool) -> int:
    """Runs ``action``, every error said as such: returns the exit code."""
    # Made before the run, while there is memory to make it: a run that
    # ran out may have none left, not even for one more call of Python's.
    no_memory = _out_of_memory_line(bibfiles)
    no_memory_bytes = (no_memory + "\n").encode("utf-8", "replace")
    out_of_memory = False
    try:
        action()
        return 0
    except Bib2PubsError as error:
        say(str(error))
        return error.exit_code
    except BrokenPipeError:
        # The reader went away (``| head``): stop quietly. The command itself
        # ends by SIGPIPE before this (see standard_streams); this is for
        # callers in Python, which ignores the signal.
        with contextlib.suppress(AttributeError, OSError, ValueError):  # a stream with no descriptor
            descriptor = sys.stdout.fileno()
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, descriptor)  # so that no later flush fails again
            os.close(devnull)
        return BROKEN_PIPE
    except KeyboardInterrupt:
        return 130
    except MemoryError:
        # Nothing called here: a MemoryError raised here would reach the
        # user bare.
        out_of_memory = True
    except Exception as error:  # noqa: BLE001 - no traceback reaches a user
        out_of_memory = is_out_of_memory(error)
        if not out_of_memory:
            _internal_error(error, debug)
            return 70
    # Said here, once the frames holding the memory are let go, and what a
    # one-run process keeps to its end with them, by methods of C alone.
    kept = getattr(sys.modules.get("bib2pubs.pipeline"), "kept_to_the_end", None)
    if kept is not None:
        kept.clear()
    try:
        say(no_memory)
    except MemoryError:
        # Not contextlib.suppress: its calls are Python's, and need memory.
        try:  # noqa: SIM105
            os.write(2, no_memory_bytes)  # as it stands: a call of C's
        except OSError:
            pass
    return 1


def _internal_error(error: Exception, debug: bool) -> None:
    """A bug of ours: one line (a traceback with --debug); the exit code is 70."""
    if debug:
        import traceback  # only with --debug

        traceback.print_exception(error)
    detail = repr(error)
    detail = detail if len(detail) <= 200 else detail[:200] + "…"
    say(f"bib2pubs: error: internal error: {detail} (run with --debug for a traceback)")


def _out_of_memory_line(bibfiles: Sequence[str]) -> str:
    """What a run that ran out of memory says, rather than a traceback."""
    names = ["<stdin>" if name == "-" else name for name in bibfiles]
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return f"bib2pubs: error: out of memory listing {shown}; free some memory, or list fewer entries"


def run_plainly(params: Mapping[str, Any]) -> int:
    """A whole run from options read without click (``plain_args``): what
    ``command.cli`` does with them, but for ``--watch``, which only click's
    reading leads to. Returns the exit code."""

    def one_run() -> None:
        options, request = started(params, one_run=True)
        run(params["bibfiles"], options, request)

    return guarded(one_run, params["bibfiles"], params["debug"])


def standard_streams() -> None:
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


def end(code: int) -> None:
    """Ends the process without Python's tear-down: freeing every object
    one by one takes up to a tenth of a small run, and longer after a
    large file, for nothing (everything is written and closed by then).
    The output is flushed first; a stream that cannot be flushed (a reader
    gone away) ends the run as it would have."""
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (BrokenPipeError, ValueError, OSError):
            pass
    os._exit(code)
