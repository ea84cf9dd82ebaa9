"""bib2pubs tests (a package so `python -m tests.golden` works)."""
