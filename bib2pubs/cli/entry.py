"""The console entry point, ``bib2pubs`` (and ``python -m bib2pubs``).

The command line is read without click when ``plain_args`` can read it
(the common lines, in a folder with no settings file), and by click
(``command``) otherwise: loading click is a sixth of a small run.

Apart from ``command`` too so that the cycle collector is paused before
anything loads: loading makes a hundred thousand objects, no garbage
cycle among them, and the collections they would set off cost a
twentieth of a small run. The collector comes back on once the pipeline
is loaded (``running.started``).
"""

import gc
import sys


def main() -> None:
    """Runs the command, with the collector paused until the pipeline is
    loaded; the process ends here (``running.end``)."""
    gc.disable()  # before anything loads: running.pause_until_loaded says why
    # Loaded here, not at the top, so that loading them is what the pause covers.
    from bib2pubs.cli import running
    from bib2pubs.cli.plain_args import read_plainly

    running.pause_until_loaded()
    running.standard_streams()
    try:
        params = read_plainly(sys.argv[1:])
    except Exception:  # noqa: BLE001 - click reads the line instead, and says what is wrong
        params = None
    if params is None:
        # click, only for what plain_args leaves to it.
        from bib2pubs.cli.command import exit_code

        code = exit_code()
    else:
        code = running.run_plainly(params)
    running.end(code)
