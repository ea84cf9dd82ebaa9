"""Links from fields: the fixture table in tests/fixtures/links.tsv."""

from __future__ import annotations

import pytest

from bib2pubs.read.bibtex import parse_text
from bib2pubs.read.links import extract_links
from tests.conftest import table_rows


def _rows() -> list[tuple[int, str, dict[str, str], str]]:
    rows = []
    for number, (fields, expected, why) in table_rows("links.tsv"):
        links = dict(item.split("=", 1) for item in expected.split(" | ")) if expected != "(none)" else {}
        rows.append((number, fields.replace("\\n", "\n"), links, why))
    return rows


@pytest.mark.parametrize(("line", "fields", "expected", "why"), _rows(), ids=lambda v: str(v)[:30])
def test_links_table(line: int, fields: str, expected: dict[str, str], why: str) -> None:
    (entry,) = parse_text(f"@misc{{k, {fields}}}", "links.tsv").entries
    links, problems = extract_links(entry)
    assert links == expected, f"links.tsv:{line}: {why}"
    dropped = "javascript" in fields.lower() or "data:" in fields or "vbscript" in fields
    assert bool(problems) == dropped, f"links.tsv:{line}: a dropped link is reported, nothing else is"


def test_dropped_link_names_its_line() -> None:
    (entry,) = parse_text("@misc{k,\n  title = {T},\n  pdf = {javascript:alert(1)}}", "l.bib").entries
    _, problems = extract_links(entry)
    assert [str(problem) for problem in problems] == [
        "l.bib:3: warning: k: pdf link with a 'javascript:' target dropped"
    ]
