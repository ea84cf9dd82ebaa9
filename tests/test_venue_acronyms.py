"""Venues of fields beyond computer systems, found in the built-in table:
the real venue strings of tests/fixtures/venue_acronyms.tsv (bare
acronyms, DBLP's, Google Scholar's and Zotero's forms), one entry per line."""

from __future__ import annotations

import pytest

from bib2pubs.read.bibtex import parse_text
from bib2pubs.read.dates import parse_year
from bib2pubs.venues.classify import classify, read_venue
from bib2pubs.venues.table import builtin_table
from tests.conftest import table_rows

ROWS = table_rows("venue_acronyms.tsv")


@pytest.mark.parametrize(("line", "row"), ROWS, ids=[f"line{line}" for line, _ in ROWS])
def test_a_venue_is_found_by_what_its_field_writes(line: int, row: list[str]) -> None:
    bibtex, name, short, label, _source = row
    result = parse_text(bibtex, "venue_acronyms.tsv")
    assert result.diagnostics == (), f"venue_acronyms.tsv:{line}: {result.diagnostics}"
    (entry,) = result.entries
    kind = classify(entry.type, entry.fields)
    table = builtin_table()
    venue, _kind = read_venue(kind, entry.type, entry.fields, parse_year(entry.get("year")), table)
    assert (venue.name, venue.short, venue.label) == (name, short, label), f"venue_acronyms.tsv:{line}"
    # The name is the table's own, not the string's cleaned up.
    assert table.by_short[short].name == name, f"venue_acronyms.tsv:{line}"


def test_the_fixture_has_40_real_strings_or_more() -> None:
    assert len(ROWS) >= 40
    assert all(len(row) == 5 for _, row in ROWS), "every row is bibtex, name, short, label, source"
    assert all(row[-1].strip() for _, row in ROWS), "every row names where its string came from"
