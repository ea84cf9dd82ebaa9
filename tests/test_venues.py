"""Kinds and venues from the entry's own fields: the fixture table in
tests/fixtures/venues.tsv, one entry per line."""

from __future__ import annotations

import pytest

from bib2pubs.bibtex import parse_text
from bib2pubs.dates import parse_year
from bib2pubs.model import Venue
from bib2pubs.venues import classify, extract_venue
from tests.conftest import table_rows

COLUMNS = ("kind", "name", "short", "label", "url", "location", "dates")


def _rows() -> list[tuple[int, str, list[str]]]:
    rows = []
    for number, (bibtex, *expected) in table_rows("venues.tsv"):
        rows.append((number, bibtex, expected + [""] * (len(COLUMNS) - len(expected))))
    return rows


@pytest.mark.parametrize(
    ("line", "bibtex", "expected"), _rows(), ids=lambda value: f"line{value}" if isinstance(value, int) else ""
)
def test_venue_table(line: int, bibtex: str, expected: list[str]) -> None:
    result = parse_text(bibtex, "venues.tsv")
    assert result.diagnostics == (), f"venues.tsv:{line}: {result.diagnostics}"
    (entry,) = result.entries
    kind = classify(entry.type, entry.fields)
    venue = extract_venue(kind, entry.type, entry.fields, parse_year(entry.get("year")))
    assert (kind, *(getattr(venue, column) for column in COLUMNS[1:])) == tuple(expected), f"venues.tsv:{line}"


def test_venue_model_fields_match_the_table_columns() -> None:
    assert tuple(Venue.__dataclass_fields__) == COLUMNS[1:]
