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

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import bib2pubs
from bib2pubs import Diagnostic, Listing
from bib2pubs.read.bibtex import Bibliography, RawEntry, parse_text
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


def entries_of(paths: Iterable[Path]) -> Iterator[RawEntry]:
    """Every entry of the files, as the parser reads them."""
    for path in paths:
        yield from parse_file(path).bibliography.entries


class RecordingFields(Mapping[str, str]):
    """An entry's fields that note every name looked up in them, and fail
    when iterated: a reading may depend only on the fields it names."""

    def __init__(self, fields: Mapping[str, str]) -> None:
        self.fields = fields
        self.asked: set[str] = set()

    def __getitem__(self, name: str) -> str:
        self.asked.add(name)
        return self.fields[name]

    def __contains__(self, name: object) -> bool:
        self.asked.add(str(name))
        return name in self.fields

    def __iter__(self) -> Iterator[str]:
        raise AssertionError("the reading must not depend on fields it does not name")

    def __len__(self) -> int:
        return len(self.fields)


def listing_or_none(path: Path, options: bib2pubs.Options) -> Listing | None:
    """The listing of one file, or None when the file holds no entry."""
    try:
        return bib2pubs.load([str(path)], options)
    except bib2pubs.NothingReadError:
        return None


def corpus_id(path: Path, corpus: Path) -> str:
    """A test id for a file: its path under the corpus, else its name."""
    return str(path.relative_to(corpus)) if path.is_relative_to(corpus) else path.name
