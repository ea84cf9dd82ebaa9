"""The CSL styles bib2pubs ships (see PROVENANCE): package data, read with
importlib.resources by ``rendering.csl_style``."""
