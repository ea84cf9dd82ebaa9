"""bib2pubs: turn a BibTeX file into a researcher's publication list."""

from bib2pubs.version import __version__

__all__ = ["__version__"]
