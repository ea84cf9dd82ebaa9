"""What is kept between runs (compiled templates, the venue table's keys):
used when current, never stale, never in the way."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bib2pubs.pipeline import Options, build_listing
from bib2pubs.reader import Source
from bib2pubs.render import environment, render
from tests.conftest import REFS

LISTING = build_listing([Source("refs.bib", REFS.read_text(encoding="utf-8"))], Options(highlights=("Chao Jin",)))


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh cache folder; environments made anew for each use of it."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("BIB2PUBS_NO_CACHE", raising=False)
    environment.cache_clear()
    yield tmp_path / "cache" / "bib2pubs"
    environment.cache_clear()


def _uncached(template: str, monkeypatch: pytest.MonkeyPatch) -> str:
    with monkeypatch.context() as patch:
        patch.setenv("BIB2PUBS_NO_CACHE", "1")
        environment.cache_clear()
        text = render(LISTING, template)[0]
    environment.cache_clear()
    return text


@pytest.mark.parametrize("template", ["markdown", "html", "text", "latex"])
def test_a_second_run_reads_the_compiled_template_and_writes_the_same(
    template: str, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = render(LISTING, template)[0]
    compiled = sorted(cache.rglob("*.cache"))
    assert compiled, "nothing was kept"
    stamps = [path.stat().st_mtime_ns for path in compiled]
    environment.cache_clear()
    second = render(LISTING, template)[0]
    assert first == second == _uncached(template, monkeypatch)
    assert [path.stat().st_mtime_ns for path in compiled] == stamps  # read, not written again


def test_an_edited_template_is_compiled_again(cache: Path, tmp_path: Path) -> None:
    template = tmp_path / "mine.txt.j2"
    template.write_text("{{ groups|length }} groups\n", encoding="utf-8")
    assert render(LISTING, str(template))[0] == f"{len(LISTING.groups)} groups\n"
    environment.cache_clear()
    template.write_text("{{ groups|length }} years\n", encoding="utf-8")
    assert render(LISTING, str(template))[0] == f"{len(LISTING.groups)} years\n"


def test_a_damaged_cache_file_is_passed_over(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    render(LISTING, "text")
    for path in cache.rglob("*.cache"):
        path.write_bytes(b"\x00garbage")
    environment.cache_clear()
    assert render(LISTING, "text")[0] == _uncached("text", monkeypatch)


def test_a_cache_that_cannot_be_written_costs_nothing_but_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would go", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    expected = _uncached("markdown", monkeypatch)
    environment.cache_clear()
    try:
        assert render(LISTING, "markdown")[0] == expected
    finally:
        environment.cache_clear()


def test_the_cache_can_be_turned_off(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BIB2PUBS_NO_CACHE", "1")
    render(LISTING, "text")
    assert not cache.exists()


def _fresh_table() -> object:
    from bib2pubs.venuetable import builtin_table

    builtin_table.cache_clear()
    return builtin_table()


def test_the_venue_tables_keys_are_kept_and_read_back_the_same(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bib2pubs.venuetable import VenueTable

    made = _fresh_table()
    kept = sorted(cache.glob("venues-*.marshal"))
    assert len(kept) == 1
    read = _fresh_table()
    assert isinstance(made, VenueTable) and isinstance(read, VenueTable)
    assert read.index() == made.index() and read.by_short == made.by_short
    assert list(read.by_short) == list(made.by_short)
    kept[0].write_bytes(b"\x00garbage")
    assert _fresh_table().index() == made.index()  # damaged: made again
    kept[0].write_bytes(__import__("marshal").dumps(([("A", "journal", "A", (), "", 0)], ({"x": "B"}, {}, {}))))
    assert _fresh_table().index() == made.index()
    monkeypatch.setenv("BIB2PUBS_NO_CACHE", "1")
    assert _fresh_table().index() == made.index()
