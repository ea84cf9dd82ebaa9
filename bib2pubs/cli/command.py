"""The command line as click reads it: options in, the run's outcome
out, errors as exit codes.

What a run does is decided in ``app``; ``running`` turns the options into
``Options`` and a ``Request``, and the ``Outcome`` into output and an exit
code; this module declares the command and reads what ``plain_args``
leaves to click (``--help``, usage errors, a settings file, ``--watch``).
Exit codes: 0 success (warnings allowed); 1 the run failed (no entry
read, a template error, an output that cannot be written, out of memory) or
``--check`` found the output out of date; 2 usage errors and unreadable or
refused input (larger than ``--max-size`` or ``--max-entries``); 70 an
internal error (a bug: please report it); 130 interrupted; 141 the reader
of standard output went away (``| head``): the shell's status for a command
ended by SIGPIPE, as git, grep and cat end.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import click

from bib2pubs.cli import running
from bib2pubs.cli.configured import ARGUMENTS, CONFIG_PATH, ConfiguredCommand
from bib2pubs.cli.options import EPILOG, command_options

if TYPE_CHECKING:
    from bib2pubs import app
    from bib2pubs.pipeline import Options


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
    code = running.guarded(lambda: _command(params), params["bibfiles"], params["debug"])
    if code:
        sys.exit(code)


def _command(params: Mapping[str, Any]) -> None:
    options, request = running.started(params, one_run=not params["watch"])
    if params["watch"]:
        _watch(params["bibfiles"], options, request)
    else:
        running.run(params["bibfiles"], options, request)


def _watch(bibfiles: Sequence[str], options: Options, request: app.Request) -> None:
    """Runs, then runs again on every change, reporting (not stopping at) failures."""
    from bib2pubs import app  # loaded by running.started already

    paths = app.watched_paths(bibfiles, options, request)
    context = click.get_current_context()
    config = context.meta.get(CONFIG_PATH)
    if config and os.path.exists(config):
        paths.append(config)
    arguments = [argument for argument in context.meta.get(ARGUMENTS, []) if argument != "--watch"]
    debug = bool(context.params["debug"])

    def run_once() -> None:
        code = running.guarded(lambda: _run_again(context.info_name, arguments), bibfiles, debug)
        if code == 130:
            raise KeyboardInterrupt
        if code == running.BROKEN_PIPE:  # nobody reads what the next run writes
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
    options, request = running.started(params, one_run=False)
    running.run(params["bibfiles"], options, request)


def main() -> None:
    """The command as click alone reads it, whatever the line (a test
    compares it with ``plain_args``' reading); the console entry point is
    ``entry.main``. Ends the process (``running.end``)."""
    running.pause_until_loaded()
    running.standard_streams()
    code = exit_code()
    try:
        running.end(code)
    except MemoryError:  # out of memory even for the call: ended as it stands
        os._exit(code)


def exit_code() -> int:
    """Runs the command on ``sys.argv`` as click reads it; its exit code."""
    try:
        cli(prog_name="bib2pubs")
    except SystemExit as done:
        if isinstance(done.code, str) and sys.stderr is not None:
            print(done.code, file=sys.stderr)
        return done.code if isinstance(done.code, int) else 0 if done.code is None else 1
    except MemoryError:  # before the run itself: reading the options or the settings
        if sys.stderr is not None:
            print("bib2pubs: error: out of memory", file=sys.stderr)
        return 1
    return 0
