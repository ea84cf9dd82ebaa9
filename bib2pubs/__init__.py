"""bib2pubs: turn a BibTeX file into a researcher's publication list."""

__version__ = "0.1.0"
