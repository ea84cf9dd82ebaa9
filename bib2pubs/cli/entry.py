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

import _thread
import gc
import os
import sys


def main() -> None:
    """Runs the command, with the collector paused until the pipeline is
    loaded; the process ends here (``running.end``)."""
    gc.disable()  # before anything loads: running.pause_until_loaded says why
    defer_inspect()
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
    try:
        running.end(code)
    except MemoryError:  # out of memory even for the call: ended as it stands
        os._exit(code)


def defer_inspect() -> None:
    """The standard module ``inspect`` loaded when one of its names is
    first used, not when it is imported.

    ``dataclasses`` imports it, and with it ``ast``, ``dis`` and
    ``tokenize``: a tenth of a small run (6 ms of 60), for what a class
    with a docstring never asks of it. Until then ``sys.modules`` holds a
    stand-in module; the first name looked up in it loads the real module
    in its place, and the stand-in takes on its names, so that a module
    holding the stand-in goes on as if it held the real one. Only the
    command does this, for its own process: the library leaves the
    importer's modules alone. (``importlib.util.LazyLoader`` cannot serve:
    the import statement itself looks at the module's ``__spec__``, which
    loads it.) From Python 3.12 on, ``dataclasses`` reads every class's
    annotations through ``inspect``, so there is nothing to defer.
    """
    if "inspect" in sys.modules or sys.version_info >= (3, 12):
        return
    stand_in = type(sys)("inspect")  # a module; type(sys) spares loading the types module
    # Two threads asking at once must not both take the stand-in out.
    loading = _thread.RLock()

    def load(attribute: str) -> object:
        with loading:
            if sys.modules.get("inspect") is stand_in:
                del sys.modules["inspect"]
            # The real module, the first time a name is asked of the stand-in.
            import inspect

            vars(stand_in).update(vars(inspect))
        return getattr(inspect, attribute)

    vars(stand_in)["__getattr__"] = load  # PEP 562: asked for each name it lacks
    sys.modules["inspect"] = stand_in
