"""bib2pubs: turn a BibTeX file into a researcher's publication list.

From Python::

    import bib2pubs

    listing = bib2pubs.load(["refs.bib"], bib2pubs.Options(highlights=("Chao Jin",)))
    page = bib2pubs.render(listing, bib2pubs.RenderSpec(template="academicpages"))

The names below are imported when first used, so that ``import bib2pubs``
(and ``bib2pubs --version``) loads nothing else; type checkers see them as
imported here.
"""

import sys as _sys  # built in, loaded with the interpreter: costs nothing

from bib2pubs.version import __version__

# Not typing.TYPE_CHECKING: importing typing would double the time
# ``import bib2pubs`` takes; type checkers treat this name alike.
TYPE_CHECKING = False
if TYPE_CHECKING:  # "X as X": each is the package's own name, re-exported
    from bib2pubs.errors import Bib2PubsError as Bib2PubsError
    from bib2pubs.errors import InputError as InputError
    from bib2pubs.errors import NothingReadError as NothingReadError
    from bib2pubs.errors import TemplateError as TemplateError
    from bib2pubs.errors import UsageError as UsageError
    from bib2pubs.model import Diagnostic as Diagnostic
    from bib2pubs.model import Highlight as Highlight
    from bib2pubs.model import Listing as Listing
    from bib2pubs.pipeline import Options as Options
    from bib2pubs.pipeline import RenderSpec as RenderSpec
    from bib2pubs.pipeline import RenderWarning as RenderWarning
    from bib2pubs.pipeline import load as load
    from bib2pubs.pipeline import render as render
    from bib2pubs.read.source import Limits as Limits
    from bib2pubs.select import Selection as Selection

#: Where each name of the library's face is defined.
_HOMES = {
    "Bib2PubsError": "bib2pubs.errors",
    "Diagnostic": "bib2pubs.model",
    "Highlight": "bib2pubs.model",
    "InputError": "bib2pubs.errors",
    "Limits": "bib2pubs.read.source",
    "Listing": "bib2pubs.model",
    "NothingReadError": "bib2pubs.errors",
    "Options": "bib2pubs.pipeline",
    "RenderSpec": "bib2pubs.pipeline",
    "RenderWarning": "bib2pubs.pipeline",
    "Selection": "bib2pubs.select",
    "TemplateError": "bib2pubs.errors",
    "UsageError": "bib2pubs.errors",
    "load": "bib2pubs.pipeline",
    "render": "bib2pubs.pipeline",
}

__all__ = [
    "Bib2PubsError",
    "Diagnostic",
    "Highlight",
    "InputError",
    "Limits",
    "Listing",
    "NothingReadError",
    "Options",
    "RenderSpec",
    "RenderWarning",
    "Selection",
    "TemplateError",
    "UsageError",
    "__version__",
    "load",
    "render",
]

if not TYPE_CHECKING:  # type checkers see the imports above, and flag a misspelt name

    def __getattr__(name: str) -> object:
        home = _HOMES.get(name)
        if home is None:
            raise AttributeError(f"module 'bib2pubs' has no attribute '{name}'")
        # Each name's module loads when the name is first asked for, not with the package.
        value = getattr(__import__(home, fromlist=[name]), name)
        globals()[name] = value  # found directly from now on
        return value

    def __dir__() -> list[str]:
        # The face and what every module has (__file__, __doc__…), and the
        # subpackages loaded so far; not the helpers of this file.
        shown = {
            name
            for name, value in globals().items()
            if name.startswith("__") or (not name.startswith("_") and type(value) is type(_sys))
        }
        return sorted({*__all__, *shown})
