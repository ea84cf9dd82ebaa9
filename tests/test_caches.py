"""What is kept between runs (compiled templates, the venue table's keys):
used when current, never stale, never in the way."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bib2pubs import Options
from bib2pubs.pipeline import build_listing
from bib2pubs.read.source import Source
from bib2pubs.rendering.jinja import environment, render_template
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
        text = render_template(LISTING, template)[0]
    environment.cache_clear()
    return text


@pytest.mark.parametrize("template", ["markdown", "html", "text", "latex"])
def test_a_second_run_reads_the_compiled_template_and_writes_the_same(
    template: str, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = render_template(LISTING, template)[0]
    compiled = sorted(cache.rglob("*.cache"))
    assert compiled, "nothing was kept"
    stamps = [path.stat().st_mtime_ns for path in compiled]
    environment.cache_clear()
    second = render_template(LISTING, template)[0]
    assert first == second == _uncached(template, monkeypatch)
    assert [path.stat().st_mtime_ns for path in compiled] == stamps  # read, not written again


def test_an_edited_template_is_compiled_again(cache: Path, tmp_path: Path) -> None:
    template = tmp_path / "mine.txt.j2"
    template.write_text("{{ groups|length }} groups\n", encoding="utf-8")
    assert render_template(LISTING, str(template))[0] == f"{len(LISTING.groups)} groups\n"
    environment.cache_clear()
    template.write_text("{{ groups|length }} years\n", encoding="utf-8")
    assert render_template(LISTING, str(template))[0] == f"{len(LISTING.groups)} years\n"


def test_a_damaged_cache_file_is_passed_over(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    render_template(LISTING, "text")
    for path in cache.rglob("*.cache"):
        path.write_bytes(b"\x00garbage")
    environment.cache_clear()
    assert render_template(LISTING, "text")[0] == _uncached("text", monkeypatch)


def test_a_cache_that_cannot_be_written_costs_nothing_but_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would go", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    expected = _uncached("markdown", monkeypatch)
    environment.cache_clear()
    try:
        assert render_template(LISTING, "markdown")[0] == expected
    finally:
        environment.cache_clear()


def test_the_cache_can_be_turned_off(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BIB2PUBS_NO_CACHE", "1")
    render_template(LISTING, "text")
    assert not cache.exists()


def _fresh_table() -> object:
    from bib2pubs.venues.table import builtin_table

    builtin_table.cache_clear()
    return builtin_table()


def test_the_venue_tables_keys_are_kept_and_read_back_the_same(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bib2pubs.venues.table import VenueTable

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


# What is kept runs (compiled templates) or is trusted (the venue table):
# damage never fails a run, and nothing is read from a folder or file
# someone else could have written.

NEEDS_ROOT = "giving a file to another user (uid 65534) needs root; run the tests as root to check it"


def _cli_run() -> tuple[int, str, str]:
    """A whole run (html-page: a template with an include, and the venue
    table), with the templates and the table read anew from the cache."""
    from bib2pubs.venues.table import builtin_table
    from tests.conftest import invoke

    environment.cache_clear()
    builtin_table.cache_clear()
    result = invoke(str(REFS), "-t", "html-page")
    return result.exit_code, result.stdout, result.stderr


def _kept(cache: Path) -> list[Path]:
    return sorted(cache.rglob("*.cache")) + sorted(cache.glob("venues-*.marshal"))


def _damaged(data: bytes) -> dict[str, bytes]:
    """The file's bytes with one byte flipped at several places, cut short,
    emptied or grown."""
    size = len(data)
    versions = {}
    for where in sorted({0, 3, 20, 31, 40, 70, size // 4, size // 2, 3 * size // 4, size - 1}):
        for flip in (0x01, 0xFF):
            versions[f"byte {where} ^ {flip:#x}"] = data[:where] + bytes([data[where] ^ flip]) + data[where + 1 :]
    versions.update({"cut in half": data[: size // 2], "last byte cut": data[:-1], "empty": b""})
    versions["grown"] = data + b"\x00"
    return versions


def test_a_damaged_cache_never_changes_or_fails_a_run(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as patch:
        patch.setenv("BIB2PUBS_NO_CACHE", "1")
        expected = _cli_run()
    assert expected[0] == 0
    assert _cli_run() == expected  # fills the cache
    files = _kept(cache)
    assert len(files) >= 3, files  # html-page.html.j2, html.html.j2, the venue table
    originals = {path: path.read_bytes() for path in files}
    for path, data in originals.items():
        for how, damaged in _damaged(data).items():
            path.write_bytes(damaged)
            assert _cli_run() == expected, (path.name, how)
            # The damaged file was passed over and written again.
            assert path.read_bytes() != damaged, (path.name, how)
        path.write_bytes(data)


def _source_checksum(kept: Path) -> str:
    """Jinja's checksum of the template's source, as a kept file holds it."""
    from bib2pubs.rendering.template_cache import _MAGIC

    return kept.read_bytes()[len(_MAGIC) + 32 :].split(b"\n", 1)[0].decode()


FAILING_ROOT = """
name = "planted"
blocks = {}
debug_info = ""
def root(context, missing=None, environment=None):
    raise SystemError("unknown opcode")
    yield ""
"""


@pytest.mark.parametrize(
    "code",
    [
        "from jinja2.runtime import markup_jointx",  # an import of a mangled name
        "x = 1",  # no template in it
        FAILING_ROOT,  # loads, then fails while rendering
    ],
)
def test_kept_code_that_fails_is_dropped_and_compiled_afresh(
    cache: Path, monkeypatch: pytest.MonkeyPatch, code: str
) -> None:
    # Sealed as bib2pubs seals its files, as if damaged before it was
    # sealed: the checksum holds, the code fails.
    from bib2pubs.rendering.template_cache import sealed_template, template_code

    expected = _uncached("markdown", monkeypatch)
    render_template(LISTING, "markdown")
    for kept in sorted(cache.rglob("*.cache")):
        checksum = _source_checksum(kept)
        planted = sealed_template(checksum, compile(code, "<kept>", "exec"))
        kept.write_bytes(planted)
        environment.cache_clear()
        assert render_template(LISTING, "markdown")[0] == expected, kept.name
        fresh = template_code(kept.read_bytes(), checksum)
        assert fresh is not None and fresh.co_filename != "<kept>", kept.name  # written again, sound
        environment.cache_clear()
        assert render_template(LISTING, "markdown")[0] == expected  # and read back


def test_a_templates_own_error_is_still_reported_when_its_code_is_kept(cache: Path, tmp_path: Path) -> None:
    from bib2pubs import TemplateError

    template = tmp_path / "typo.txt.j2"
    template.write_text("{{ groups|length }} {{ titel }}\n", encoding="utf-8")
    for _ in range(2):  # compiled, then read back from the cache
        environment.cache_clear()
        with pytest.raises(TemplateError, match="'titel' is undefined"):
            render_template(LISTING, str(template))
    assert list(cache.rglob("*.cache"))


def _poison(cache: Path, marker: Path) -> None:
    """Replaces every kept template with code that creates ``marker`` when
    it runs, sealed and matching its source: it runs if it is read."""
    from bib2pubs.rendering.template_cache import sealed_template

    for kept in cache.rglob("*.cache"):
        code = compile(f"open({str(marker)!r}, 'w').close()", "<planted>", "exec")
        kept.write_bytes(sealed_template(_source_checksum(kept), code))


def _reads_poisoned_cache(cache: Path, marker: Path, monkeypatch: pytest.MonkeyPatch) -> bool:
    environment.cache_clear()
    assert render_template(LISTING, "text")[0] == _uncached("text", monkeypatch)
    ran = marker.exists()
    marker.unlink(missing_ok=True)
    return ran


def test_planted_code_runs_only_from_the_users_own_folder(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "ran"
    render_template(LISTING, "text")
    (folder,) = [path for path in cache.iterdir() if path.is_dir()]
    # The control: from the user's own folder, kept code runs (so it must
    # be the user's).
    _poison(cache, marker)
    assert _reads_poisoned_cache(cache, marker, monkeypatch)
    for where, mode in ((cache, 0o777), (cache, 0o720), (folder, 0o702), (folder, 0o770)):
        _poison(cache, marker)
        where.chmod(mode)
        try:
            assert not _reads_poisoned_cache(cache, marker, monkeypatch), (where.name, oct(mode))
        finally:
            where.chmod(0o700)
    _poison(cache, marker)
    for kept in folder.glob("*.cache"):
        kept.chmod(0o666)
    assert not _reads_poisoned_cache(cache, marker, monkeypatch)


def test_a_link_in_the_cache_is_not_followed(cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    marker = tmp_path / "ran"
    render_template(LISTING, "text")
    _poison(cache, marker)
    for kept in cache.rglob("*.cache"):
        elsewhere = tmp_path / kept.name
        kept.rename(elsewhere)
        kept.symlink_to(elsewhere)
    assert not _reads_poisoned_cache(cache, marker, monkeypatch)


@pytest.mark.parametrize("linked", ["cache folder", "templates folder"])
def test_a_linked_cache_folder_is_not_followed(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, linked: str
) -> None:
    """Whoever can write beside the cache folder could swap it for a link
    to a folder of the user's: bib2pubs would write there, and read back
    what it finds. A link is refused, as Jinja's own cache refuses it."""
    marker = tmp_path / "ran"
    render_template(LISTING, "text")
    _poison(cache, marker)
    (folder,) = [path for path in cache.iterdir() if path.is_dir()]
    moved = folder if linked == "templates folder" else cache
    target = tmp_path / "users-own-folder"
    moved.rename(target)
    moved.symlink_to(target)
    before = sorted(target.rglob("*"))
    assert not _reads_poisoned_cache(cache, marker, monkeypatch)
    assert sorted(target.rglob("*")) == before  # nothing written through the link


@pytest.mark.parametrize("whose", ["cache folder", "templates folder", "file"])
def test_a_cache_of_someone_elses_is_passed_over(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, whose: str
) -> None:
    import os

    if os.geteuid() != 0:
        pytest.skip(NEEDS_ROOT)
    marker = tmp_path / "ran"
    render_template(LISTING, "text")
    _poison(cache, marker)
    (folder,) = [path for path in cache.iterdir() if path.is_dir()]
    given = {"cache folder": [cache], "templates folder": [folder], "file": list(folder.glob("*.cache"))}[whose]
    for path in given:
        os.chown(path, 65534, -1)
    before = sorted(cache.rglob("*"))
    assert not _reads_poisoned_cache(cache, marker, monkeypatch)
    if whose == "file":  # in the user's own folder: replaced by the user's, sound
        assert all(path.stat().st_uid == os.geteuid() for path in given)
        assert not _reads_poisoned_cache(cache, marker, monkeypatch)
    else:  # nothing is written in someone else's folder
        assert sorted(cache.rglob("*")) == before
        assert all(path.stat().st_uid == 65534 for path in given)


def test_a_venue_table_kept_where_others_may_write_is_not_read(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import marshal

    from bib2pubs.cachedir import _crc32, seal

    _fresh_table()
    (kept,) = cache.glob("venues-*.marshal")
    rows, index = marshal.loads(kept.read_bytes()[4:])
    planted_rows = [(short, kind, "Planted" if short == "NSDI" else name, *rest) for short, kind, name, *rest in rows]
    planted = seal(marshal.dumps((planted_rows, index)), _crc32)
    kept.write_bytes(planted)
    assert _fresh_table().by_short["NSDI"].name == "Planted"  # the control: read from the user's own folder
    for mode in (0o777, 0o720):
        kept.write_bytes(planted)
        cache.chmod(mode)
        try:
            assert _fresh_table().by_short["NSDI"].name != "Planted", oct(mode)
        finally:
            cache.chmod(0o700)
    kept.chmod(0o646)
    assert _fresh_table().by_short["NSDI"].name != "Planted"


def test_a_kept_table_leaves_the_newest_copies_of_other_installs_and_removes_older_ones(cache: Path) -> None:
    import os

    from bib2pubs.cachedir import KEPT_COPIES, keep, read_kept

    cache.mkdir(parents=True, exist_ok=True)
    # Copies of the same table from other installs or versions, oldest first.
    copies = [cache / f"journals-0.0.{number}-0000000{number}.marshal" for number in range(KEPT_COPIES + 2)]
    for age, copy in enumerate(reversed(copies), 1):
        copy.write_bytes(b"old")
        os.utime(copy, (1_000_000 - age * 10, 1_000_000 - age * 10))
    other = cache / "venues-0.0.9-00000000.marshal"
    other.write_bytes(b"old")
    kept = cache / "journals-0.1.0-12345678.marshal"
    keep(str(kept), ("titles",))
    assert read_kept(str(kept)) == ("titles",)
    newest = copies[-(KEPT_COPIES - 1) :]
    assert [copy.exists() for copy in copies] == [copy in newest for copy in copies]
    assert other.exists()  # another table's is not this one's to remove


def test_two_installs_sharing_a_cache_folder_read_their_copies_in_turn(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each install names its copy by its own files: after each has kept
    one, neither rebuilds it when the other runs in between."""
    from bib2pubs import cachedir

    first = cachedir.kept_path("journals", (__file__,))
    second = cachedir.kept_path("journals", (str(Path(__file__).parent / "conftest.py"),))
    assert first is not None and second is not None and first != second
    cachedir.keep(first, ("one",))
    cachedir.keep(second, ("two",))
    written: list[str] = []
    monkeypatch.setattr(cachedir, "write_quietly", lambda path, data: written.append(path))
    for _ in range(3):
        assert cachedir.read_kept(first) == ("one",)
        assert cachedir.read_kept(second) == ("two",)
    assert written == []


def test_several_kept_paths_are_each_the_kept_path_of_its_stem(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The journal lists' 64 files find their places at once (kept_paths).
    from bib2pubs import cachedir

    sources = (__file__, str(Path(__file__).parent / "conftest.py"))
    stems = ["journals", "journals1", "journals63"]
    assert cachedir.kept_paths(stems, sources) == tuple(cachedir.kept_path(stem, sources) for stem in stems)
    assert len(set(cachedir.kept_paths(stems, sources))) == 3
    assert cachedir.kept_paths(stems, (*sources, str(cache / "no-such-source"))) == ()
    monkeypatch.setenv("BIB2PUBS_NO_CACHE", "1")
    assert cachedir.kept_paths(stems, sources) == ()
    assert cachedir.kept_path("journals", sources) is None
