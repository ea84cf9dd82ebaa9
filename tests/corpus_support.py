"""How the tests of real files read and render, in one place.

The corpus sweeps (tests/test_corpus.py, tests/test_owners.py) and the
tests of bad input (tests/test_messy.py) load and render through these
functions: the library's face (``bib2pubs.load``,
``bib2pubs.render``) where a test means what a user of the
library gets, and a built-in template through Jinja where a test means the
template itself (the face writes the built-in text list without Jinja).
``parse_file`` is a file as the parser reads it, for the checks that compare a
listing with the entries read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import bib2pubs
from bib2pubs import Diagnostic, Listing
from bib2pubs.read.bibtex import Bibliography, parse_text
from bib2pubs.read.source import decode
from bib2pubs.rendering import jinja


def load(paths: Iterable[str | Path], options: bib2pubs.Options | None = None) -> Listing:
    """The listing of ``paths`` (``bib2pubs.load``), with the default
    options when none are given."""
    return bib2pubs.load([str(path) for path in paths], bib2pubs.Options() if options is None else options)


def render_format(listing: Listing, format_name: str, max_authors: int | None = None) -> tuple[str, list[Diagnostic]]:
    """``listing`` in ``format_name`` with that format's own template or
    writer (``bib2pubs.render``), and the notes of the rendering."""
    notes: list[Diagnostic] = []
    text = bib2pubs.render(listing, bib2pubs.RenderSpec(format=format_name, max_authors=max_authors), notes)
    return text, notes


def render_template(
    listing: Listing,
    name: str,
    variables: Mapping[str, str] | None = None,
    max_authors: int | None = None,
) -> tuple[str, list[Diagnostic]]:
    """``listing`` through the built-in template ``name`` itself, with
    Jinja, and the notes about ``variables`` it ignores."""
    return jinja.render_template(listing, name, variables, max_authors)


@dataclass(frozen=True)
class Parsed:
    """A file decoded and parsed: its text and what the parser read in it."""

    path: Path
    text: str
    bibliography: Bibliography


def parse_file(path: Path) -> Parsed:
    text, _ = decode(path.read_bytes(), str(path))
    return Parsed(path, text, parse_text(text, str(path)))
