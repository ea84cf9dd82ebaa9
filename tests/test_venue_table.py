"""The built-in venue table, a user's own table, and the real venue
strings of tests/fixtures/venue_strings.tsv (one entry per line)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bib2pubs.latex.decode import latex_to_text
from bib2pubs.model import KINDS as KINDS_OF_WORK
from bib2pubs.read.bibtex import parse_text
from bib2pubs.read.dates import parse_year
from bib2pubs.venues.classify import classify, extract_venue
from bib2pubs.venues.parse import parse_venue
from bib2pubs.venues.table import KINDS, builtin_table, name_key
from tests.conftest import ROOT, invoke, table_rows

COLUMNS = ("kind", "name", "short", "label", "url", "location", "dates")
STRING_ROWS = table_rows("venue_strings.tsv")


@pytest.mark.parametrize(("line", "row"), STRING_ROWS, ids=[f"line{line}" for line, _ in STRING_ROWS])
def test_real_venue_strings(line: int, row: list[str]) -> None:
    bibtex, *expected, _source = row
    result = parse_text(bibtex, "venue_strings.tsv")
    assert result.diagnostics == (), f"venue_strings.tsv:{line}: {result.diagnostics}"
    (entry,) = result.entries
    kind = classify(entry.type, entry.fields)
    venue, kind = extract_venue(kind, entry.type, entry.fields, parse_year(entry.get("year")), builtin_table())
    got = (kind, *(getattr(venue, column) for column in COLUMNS[1:]))
    assert got == tuple(expected), f"venue_strings.tsv:{line}"


def test_the_fixture_has_150_real_strings_or_more() -> None:
    assert len(STRING_ROWS) >= 150
    assert all(row[-1].strip() for _, row in STRING_ROWS), "every row names where its string came from"


def _rows() -> list[list[str]]:
    text = (ROOT / "bib2pubs" / "venues" / "venues.tsv").read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]


def test_builtin_table_is_well_formed() -> None:
    rows = _rows()
    assert len(rows) >= 250
    assert all(len(row) == 5 and row[1] in KINDS for row in rows)
    shorts = [row[0] for row in rows]
    assert len(shorts) == len(set(shorts)), "a short name twice"
    keys: dict[str, str] = {}
    for short, _, name, aliases, url in rows:
        for text in (name, *(alias for alias in aliases.split(" | ") if alias)):
            key = name_key(text)
            assert keys.setdefault(key, short) == short, f"'{text}' of {short} is also {keys[key]}'s"
        per_year = re.fullmatch(r"(?:19|20)\d\d\+ https://[^\s{}]+(?:\{yyyy\}|\{yy\})[^\s{}]*", url)
        assert not url or per_year or re.fullmatch(r"https://[^\s{}]+", url), url


def test_builtin_table_covers_the_major_areas() -> None:
    table = builtin_table()
    for short in ("NSDI", "OSDI", "SOSP", "SIGCOMM", "ISCA", "SIGMOD", "VLDB", "NeurIPS", "ICML", "ICLR", "AAAI"):
        assert table.by_acronym(short) is not None, short
    for short in ("ACL", "EMNLP", "CVPR", "ICCV", "CHI", "CCS", "NDSS", "STOC", "FOCS", "ICSE", "PLDI", "POPL"):
        assert table.by_acronym(short) is not None, short
    assert table.by_acronym("NIPS") is table.by_acronym("NeurIPS")  # a rename
    assert table.by_name("J. Mach. Learn. Res.") is table.by_acronym("JMLR")  # a journal abbreviation


def test_a_users_table_overrides_and_extends(write_bib, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bib = write_bib(
        "@inproceedings{a, title={A}, booktitle={Proc. NSDI}, year=2024}\n"
        "@inproceedings{b, title={B}, booktitle={Proceedings of the 3rd Lab Retreat}, year=2024}\n"
    )
    venues = tmp_path / "venues.toml"
    venues.write_text(
        '[NSDI]\nname = "Networked Systems Design and Implementation"\nurl = "https://nsdi.example/{yyyy}"\n'
        '[LabR]\nname = "Lab Retreat"\nkind = "workshop"\n',
        encoding="utf-8",
    )
    result = invoke(str(bib), "--venues", str(venues), "-f", "markdown")
    assert result.exit_code == 0, result.stderr
    nsdi = "*Networked Systems Design and Implementation* ([NSDI 2024](https://nsdi.example/2024)), 2024"
    assert nsdi in result.stdout
    assert "*Lab Retreat* (LabR 2024), 2024" in result.stdout


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[X]\nkind = "talk"\n', "kind must be conference, workshop or journal, not 'talk'"),
        ('[X]\nkind = ["conference"]\n', "kind must be conference, workshop or journal, not ['conference']"),
        ("[X]\nkind = {a = 1}\n", "kind must be conference, workshop or journal, not {'a': 1}"),
        ('[X]\nnam = "typo"\n', "unknown key 'nam'"),
        ('[X]\naliases = "one"\n', "aliases is a list of text"),
        ("X = 1\n", "[X] must be a table"),
        ("[X\n", "venues.toml: "),
    ],
)
def test_a_bad_users_table_is_a_usage_error(write_bib, tmp_path: Path, toml: str, message: str) -> None:  # type: ignore[no-untyped-def]
    bib = write_bib("@inproceedings{a, title={A}, booktitle={NSDI}, year=2024}\n")
    venues = tmp_path / "venues.toml"
    venues.write_text(toml, encoding="utf-8")
    result = invoke(str(bib), "--venues", str(venues), "-f", "text")
    assert result.exit_code == 2
    assert message in result.stderr


def test_a_missing_users_table_is_a_usage_error(write_bib) -> None:  # type: ignore[no-untyped-def]
    bib = write_bib("@inproceedings{a, title={A}, booktitle={NSDI}, year=2024}\n")
    result = invoke(str(bib), "--venues", "no-such.toml", "-f", "text")
    assert result.exit_code == 2
    assert "--venues no-such.toml" in result.stderr


@given(st.text(max_size=300))
def test_any_venue_string_is_read_without_raising(text: str) -> None:
    parsed = parse_venue(text)
    assert parsed.year is None or 1900 <= parsed.year <= 2099
    for entry_type, field in (("inproceedings", "booktitle"), ("article", "journal"), ("misc", "howpublished")):
        venue, kind = extract_venue(
            classify(entry_type, {field: text}), entry_type, {field: text}, None, builtin_table()
        )
        assert kind in KINDS_OF_WORK
        # A venue with a letter or digit in it is never dropped.
        meaningful = any(char.isalnum() for char in latex_to_text(text))
        assert not meaningful or venue.name or venue.short or venue.label
