"""Writing output: atomic, untouched when unchanged, nothing lost."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from bib2pubs import Bib2PubsError
from bib2pubs.write.files import write_file
from tests.conftest import REFS


def test_new_file_gets_the_umask_mode(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        assert write_file(str(tmp_path / "p.md"), "page\n") is True
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "p.md").stat().st_mode) == 0o644
    assert (tmp_path / "p.md").read_text(encoding="utf-8") == "page\n"


def test_unchanged_file_is_not_touched(tmp_path: Path) -> None:
    path = tmp_path / "p.md"
    path.write_text("page\n", encoding="utf-8")
    os.utime(path, (1_000_000_000, 1_000_000_000))
    inode = path.stat().st_ino
    assert write_file(str(path), "page\n") is False
    assert path.stat().st_mtime == 1_000_000_000 and path.stat().st_ino == inode


def test_changed_file_keeps_its_mode_and_leaves_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "p.md"
    path.write_text("old\n", encoding="utf-8")
    path.chmod(0o640)
    assert write_file(str(path), "new\n") is True
    assert path.read_text(encoding="utf-8") == "new\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.md"]


def test_symlink_is_followed_not_replaced(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    real = tmp_path / "real" / "pubs.md"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    assert write_file(str(link), "new\n") is True
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == "new\n"


def test_a_device_is_written_to_directly(tmp_path: Path) -> None:
    assert write_file(os.devnull, "anything\n") is True
    assert Path(os.devnull).exists() and not Path(os.devnull).is_file()


def test_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(Bib2PubsError, match="is a directory"):
        write_file(str(tmp_path), "page\n")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write to any file")
def test_read_only_file_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "p.md"
    path.write_text("mine\n", encoding="utf-8")
    path.chmod(0o444)
    with pytest.raises(Bib2PubsError, match="read-only"):
        write_file(str(path), "new\n")
    assert path.read_text(encoding="utf-8") == "mine\n"


def test_read_only_file_is_left_alone_even_for_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # os.access answers for the real user; as root it would say "writable",
    # so the refusal is checked by simulating a read-only answer.
    path = tmp_path / "p.md"
    path.write_text("mine\n", encoding="utf-8")
    monkeypatch.setattr(os, "access", lambda *_args, **_kwargs: False)
    with pytest.raises(Bib2PubsError, match="read-only"):
        write_file(str(path), "new\n")
    assert path.read_text(encoding="utf-8") == "mine\n"


def test_interrupted_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "p.md"
    path.write_text("old\n", encoding="utf-8")

    def interrupted(*_args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_file(str(path), "new\n")
    assert path.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.md"]


def test_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9.md")  # surrogate-escaped, as the shell hands it over
    assert write_file(str(tmp_path / name), f"{name}\n") is True
    assert (tmp_path / name).read_bytes() == b"caf\xe9.md\n"


@pytest.mark.parametrize(
    "format_args", [("-t", "academicpages"), ("-f", "json"), ("-f", "latex"), ("--stats", "-f", "json")]
)
def test_output_is_the_same_bytes_whatever_the_hash_seed(format_args: tuple[str, ...]) -> None:
    # Sets and dicts must never leak their order into a page: a Makefile
    # rule would otherwise rebuild, and git see a change, on every run.
    outputs = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        command = [sys.executable, "-m", "bib2pubs", str(REFS), "-H", "Chao Jin", *format_args]
        result = subprocess.run(command, capture_output=True, env=env, check=True, timeout=60)
        outputs.add(result.stdout)
    assert len(outputs) == 1


# A page written and compared a few characters at a time, as a large page
# is: the parts end inside multi-byte characters' neighbours, and a file
# that differs only in its last part, or only by running on, is changed.
_PAGES = ["", "ab", "abcdé", "é中😀" * 7, "x" * 20 + "é", "\udce9 caf\udce9"]


@pytest.mark.parametrize("page", _PAGES)
@pytest.mark.parametrize("existing", [None, *_PAGES, "abcdé!", "é中😀" * 7 + "x", "x" * 21])
def test_a_page_written_in_parts_is_its_whole_encoding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, page: str, existing: str | None
) -> None:
    from bib2pubs.write import files

    monkeypatch.setattr(files, "_ENCODED_PART", 3)
    path = tmp_path / "p.md"
    whole = page.encode("utf-8", "surrogateescape")
    if existing is not None:
        path.write_bytes(existing.encode("utf-8", "surrogateescape"))
        os.utime(path, (1_000_000_000, 1_000_000_000))
    changed = write_file(str(path), page)
    assert path.read_bytes() == whole
    assert changed is (existing != page)
    if not changed:
        assert path.stat().st_mtime == 1_000_000_000
    assert os.listdir(tmp_path) == ["p.md"]


def test_a_page_that_cannot_be_encoded_leaves_the_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A character UTF-8 has no bytes for, found part way through writing:
    the temporary file goes, the existing page stays."""
    from bib2pubs.write import files

    monkeypatch.setattr(files, "_ENCODED_PART", 4)
    path = tmp_path / "p.md"
    path.write_text("the old page\n", encoding="utf-8")
    with pytest.raises(UnicodeEncodeError):
        write_file(str(path), "a new page, then \ud800")
    assert path.read_text(encoding="utf-8") == "the old page\n"
    assert os.listdir(tmp_path) == ["p.md"]


@pytest.mark.parametrize(("existing", "replaced"), [("old page, longer\n", True), ("new page\n", False)])
def test_a_file_that_cannot_be_read_is_replaced_when_its_size_differs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, existing: str, replaced: bool
) -> None:
    """A write-only page (root reads any file, so reading is refused here
    by hand) is replaced when its size says it differs; of the same size,
    it cannot be compared, and is left as it was, with a message."""
    from bib2pubs.write import files

    path = tmp_path / "p.md"
    path.write_text(existing, encoding="utf-8")

    def refused(name: str, mode: str = "r") -> object:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files, "open", refused, raising=False)
    if replaced:
        assert write_file(str(path), "new page\n") is True
        assert path.read_text(encoding="utf-8") == "new page\n"
    else:
        with pytest.raises(Bib2PubsError, match="cannot read the existing file: Permission denied"):
            write_file(str(path), "new page\n")
        assert path.read_text(encoding="utf-8") == existing


def test_a_pipe_gets_the_whole_page_or_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page that cannot be encoded writes nothing to a pipe (a reader
    there would take half a page for the page), however large the parts
    a file is written in."""
    from bib2pubs.write import files

    monkeypatch.setattr(files, "_ENCODED_PART", 4)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        with pytest.raises(UnicodeEncodeError):
            write_file(str(fifo), "a page, then \ud800")
        assert os.read(reader, 100) == b""
        assert write_file(str(fifo), "a page\n") is True
        assert os.read(reader, 100) == b"a page\n"
    finally:
        os.close(reader)
