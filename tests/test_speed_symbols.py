"""pylatexenc's symbol table kept between runs is the table read from
pylatexenc itself; a kept copy that is damaged, of the wrong shape or
cannot be kept changes nothing but the time. And the start-up shortcuts
of bib2pubs.latex (a named tuple for Macro, no search for invisible
characters in a printable value) give what the careful code gave."""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bib2pubs.cachedir import keep, read_kept
from bib2pubs.latex import decode as latex_decode
from bib2pubs.latex import macros
from tests.conftest import ROOT

# Values with macros bib2pubs' own tables lack and pylatexenc's have
# (\lneqq, \texttheta, \smallsetminus), and one nobody knows (\unheardof).
UNKNOWN_MACROS_BIB = r"""@article{one,
  title = {Orders $a \lneqq b$ and {\texttheta}-sets $A \smallsetminus B$ with \unheardof{} ends},
  author = {Doe, Jane},
  journal = {Journal of \texttheta{} Tests},
  year = {2020},
}
"""


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh cache folder, and a table read anew on each call."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("BIB2PUBS_NO_CACHE", raising=False)
    macros.pylatexenc_symbols.cache_clear()
    yield tmp_path / "cache" / "bib2pubs"
    macros.pylatexenc_symbols.cache_clear()


def _kept_files(cache: Path) -> list[Path]:
    return sorted(cache.glob("pylatexenc-*.marshal"))


def _fresh() -> dict[str, str]:
    """The table as read from pylatexenc, with nothing kept."""
    return macros._read_pylatexenc_symbols()


def test_the_kept_table_is_the_table_read_from_pylatexenc(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = _fresh()
    assert len(fresh) > 500  # pylatexenc was read, not an empty table
    made = macros.pylatexenc_symbols.__wrapped__()
    assert list(made.items()) == list(fresh.items())
    [kept] = _kept_files(cache)
    assert list(read_kept(str(kept)).items()) == list(fresh.items())

    # A later run reads the kept copy, pylatexenc's tables untouched.
    def not_read() -> dict[str, str]:
        raise AssertionError("pylatexenc read although a copy was kept")

    monkeypatch.setattr(macros, "_read_pylatexenc_symbols", not_read)
    assert list(macros.pylatexenc_symbols.__wrapped__().items()) == list(fresh.items())


def test_pylatexencs_files_are_found() -> None:
    """Every file the kept copy is named after exists: a missing one would
    turn the copy off in silence."""
    path = macros._kept_symbols_path()
    assert path is not None
    import pylatexenc

    folder = os.path.dirname(pylatexenc.__file__ or "")
    for name in macros._PYLATEXENC_SOURCES:
        assert os.path.isfile(os.path.join(folder, name)), name


def test_the_copy_is_named_after_pylatexencs_tables_and_this_module(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bib2pubs import cachedir

    seen: list[tuple[str, ...]] = []

    def kept_path(stem: str, sources: tuple[str, ...]) -> str | None:
        seen.append(sources)
        return None

    monkeypatch.setattr(cachedir, "kept_path", kept_path)
    assert macros._kept_symbols_path() is None
    [sources] = seen
    assert macros.__file__ in sources
    assert any(source.endswith(os.path.join("latex2text", "_defaultspecs.py")) for source in sources)
    assert any(source.endswith(os.path.join("latexwalker", "_defaultspecs.py")) for source in sources)


@pytest.mark.parametrize(
    "damage",
    ["garbage", "cut short", "empty", "not a table", "empty table", "numbers", "bytes"],
)
def test_a_damaged_kept_table_is_passed_over_and_rewritten(cache: Path, damage: str) -> None:
    fresh = _fresh()
    macros.pylatexenc_symbols.__wrapped__()
    [kept] = _kept_files(cache)
    whole = kept.read_bytes()
    if damage == "garbage":
        kept.write_bytes(b"\x00garbage" + whole[8:])
    elif damage == "cut short":
        kept.write_bytes(whole[: len(whole) // 2])
    elif damage == "empty":
        kept.write_bytes(b"")
    else:  # sealed as bib2pubs seals, of the wrong shape
        keep(
            str(kept),
            {
                "not a table": ["texttheta", "θ"],
                "empty table": {},
                "numbers": {"texttheta": 952},
                "bytes": {b"texttheta": "θ"},
            }[damage],
        )
    assert list(macros.pylatexenc_symbols.__wrapped__().items()) == list(fresh.items())
    assert list(read_kept(str(kept)).items()) == list(fresh.items())  # rewritten


def test_a_failure_to_read_pylatexenc_is_not_kept(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty table may be a passing failure: the next run tries again."""
    monkeypatch.setattr(macros, "_read_pylatexenc_symbols", dict)
    assert macros.pylatexenc_symbols.__wrapped__() == {}
    assert not _kept_files(cache)


def test_no_pylatexenc_is_an_empty_table(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    def missing(name: str) -> object:
        raise ImportError(name)

    monkeypatch.setattr(importlib, "import_module", missing)
    assert macros.pylatexenc_symbols.__wrapped__() == {}
    assert not _kept_files(cache)


def _run(bib: Path, **env: str) -> tuple[int, str, str, bool]:
    """A whole run in a new process: its exit code, output, diagnostics, and
    whether pylatexenc's tables were imported."""
    code = (
        "import sys\n"
        "from bib2pubs.cli.command import cli\n"
        "try:\n"
        "    cli.main(sys.argv[1:], prog_name='bib2pubs', standalone_mode=False)\n"
        "finally:\n"
        "    sys.stderr.write('IMPORTED=%s' % ('pylatexenc.latex2text' in sys.modules))\n"
    )
    environment = {k: v for k, v in os.environ.items() if k not in ("BIB2PUBS_NO_CACHE", "XDG_CACHE_HOME")}
    environment.update(env, PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-c", code, str(bib), "-f", "text"],
        capture_output=True,
        text=True,
        check=False,
        env=environment,
        cwd=ROOT,
    )
    stderr, _, imported = result.stderr.rpartition("IMPORTED=")
    return result.returncode, result.stdout, stderr, imported == "True"


def test_a_run_without_a_cache_folder_gives_the_same_output(tmp_path: Path) -> None:
    bib = tmp_path / "unknown.bib"
    bib.write_text(UNKNOWN_MACROS_BIB, encoding="utf-8")
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder would go", encoding="utf-8")
    folder = str(tmp_path / "cache")

    *uncached, imported = _run(bib, BIB2PUBS_NO_CACHE="1", XDG_CACHE_HOME=folder)
    assert imported and not list((tmp_path / "cache").rglob("pylatexenc-*"))
    assert uncached[0] == 0 and "≨" in uncached[1] and "θ" in uncached[1] and "∖" in uncached[1]
    *unwritable, imported = _run(bib, XDG_CACHE_HOME=str(blocked))
    assert imported and unwritable == uncached
    *first, imported = _run(bib, XDG_CACHE_HOME=folder)
    assert imported and first == uncached
    assert len(list((tmp_path / "cache").rglob("pylatexenc-*.marshal"))) == 1
    *kept, imported = _run(bib, XDG_CACHE_HOME=folder)
    assert not imported, "pylatexenc's tables imported although a copy was kept"
    assert kept == uncached


# --------------------------------------------------------------------------
# Start-up shortcuts


def test_a_macro_cannot_be_changed() -> None:
    macro = macros.MACROS["textbf"]
    with pytest.raises(AttributeError):
        macro.nargs = 2  # type: ignore[misc]
    assert macro == macros.Macro(1, macro.render, 0)


def _tidy_careful(value: str) -> str:
    """_tidy as it was: the invisible characters searched for in every value."""
    value = latex_decode._INVISIBLE.sub("", value)
    return " ".join(unicodedata.normalize("NFC", value).split())


def test_no_invisible_character_is_printable() -> None:
    """The ground of _tidy's shortcut, checked on every code point."""
    every = "".join(map(chr, range(sys.maxunicode + 1)))
    invisible = latex_decode._INVISIBLE.findall(every)
    assert len(invisible) == 65
    assert not any(char.isprintable() for char in invisible)


_INVISIBLE_CHARS = [chr(c) for c in (*range(0x20), *range(0x7F, 0xA0), 0x200B, 0x2060, 0xFEFF)]
_PIECES = st.sampled_from([*_INVISIBLE_CHARS, " ", "\t", "\n", "a", "-", "\u00e9", "e\u0301", "\u03b8", "\u00ad"])


_ASCII_PIECES = st.sampled_from([" ", "  ", "a", "Bc", "-", "{", "\t", "\n", "\x7f", "\x1f"])


@settings(max_examples=1000, deadline=None)
@given(st.lists(_PIECES).map("".join) | st.lists(_ASCII_PIECES).map("".join) | st.text())
def test_tidy_is_the_careful_tidy(value: str) -> None:
    assert latex_decode._tidy(value) == _tidy_careful(value)
