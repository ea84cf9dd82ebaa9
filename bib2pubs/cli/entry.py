"""The console entry point, ``bib2pubs`` (and ``python -m bib2pubs``).

Apart from ``command`` so that the cycle collector is paused before click
and the pipeline load: loading them makes a hundred thousand objects, no
garbage cycle among them, and the collections they would set off cost a
twentieth of a small run. ``command.main`` turns the collector back on
once the pipeline is loaded.
"""

import gc


def main() -> None:
    """Runs the command (``command.main``) with the collector paused until
    the pipeline is loaded."""
    gc.disable()
    # Loaded here, not at the top, so that loading it is what the pause covers.
    from bib2pubs.cli.command import main as run_command

    run_command()
