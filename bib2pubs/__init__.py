"""bib2pubs: turn a BibTeX file into a researcher's publication list.

From Python::

    import bib2pubs

    listing = bib2pubs.load(["refs.bib"], bib2pubs.Options(highlights=("Chao Jin",)))
    page = bib2pubs.render(listing, bib2pubs.RenderSpec(template="academicpages"))

The names below are imported when first used, so that ``import bib2pubs``
(and ``bib2pubs --version``) loads nothing else.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from bib2pubs.version import __version__

if TYPE_CHECKING:
    from bib2pubs.model import Listing
    from bib2pubs.pipeline import Options, RenderSpec, RenderWarning, load, render
    from bib2pubs.select import Selection

__all__ = [
    "Listing",
    "Options",
    "RenderSpec",
    "RenderWarning",
    "Selection",
    "__version__",
    "load",
    "render",
]

#: Where each name of the library's face is defined.
_HOMES = {
    "Listing": "bib2pubs.model",
    "Options": "bib2pubs.pipeline",
    "RenderSpec": "bib2pubs.pipeline",
    "RenderWarning": "bib2pubs.pipeline",
    "Selection": "bib2pubs.select",
    "load": "bib2pubs.pipeline",
    "render": "bib2pubs.pipeline",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'bib2pubs' has no attribute '{name}'")
    value = getattr(import_module(home), name)
    globals()[name] = value  # found directly from now on
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
