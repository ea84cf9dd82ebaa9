"""The bench (`make bench`): bib2pubs timed against bibtex2html and pybtex
on the same work; run as `python -m bench.run` from the project root."""
