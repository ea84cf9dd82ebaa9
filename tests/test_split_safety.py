"""``--split DIR`` under attack or strain: links inside DIR lead nowhere, long
keys still get a file, runs into one folder take turns, and ``--prune``
removes nothing after errors in the input."""

from __future__ import annotations

import errno
import hashlib
import json
import multiprocessing
import os
import random
from pathlib import Path
from typing import Any

import pytest

from bib2pubs.rendering.page_names import MANIFEST, NAME_BYTES
from bib2pubs.write.files import temporary_name
from bib2pubs.write.folder import LOCK, Folder
from bib2pubs.write.sync import sync
from tests.conftest import invoke
from tests.test_split import THREE


def _split(bib: Path, folder: Path, *more: str) -> tuple[int, str]:
    result = invoke(str(bib), "-H", "Chao Jin", "--split", str(folder), *more)
    return result.exit_code, result.stderr


def _tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (links not followed): path → text."""
    found = {}
    for root, _, names in os.walk(folder):
        for name in names:
            path = Path(root) / name
            if not path.is_symlink():
                found[path.relative_to(folder).as_posix()] = path.read_text(encoding="utf-8")
    return found


def _assert_record_matches_the_folder(folder: Path) -> dict[str, str]:
    """The record lists exactly the files in the folder, each with its hash."""
    record = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["files"]
    on_disk = {
        name: hashlib.sha256(text.encode("utf-8")).hexdigest()
        for name, text in _tree(folder).items()
        if name != MANIFEST
    }
    assert record == on_disk
    return dict(record)


# Links inside DIR ----------------------------------------------------------


@pytest.mark.parametrize("force", [False, True], ids=["plain", "force"])
@pytest.mark.parametrize("existing", [False, True], ids=["new-files", "existing-files"])
def test_a_linked_folder_inside_is_never_written_through(
    existing: bool, force: bool, write_bib, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    bib, folder, outside = write_bib(THREE), tmp_path / "out", tmp_path / "outside"
    outside.mkdir()
    folder.mkdir()
    theirs = {"index.md": "theirs\n", "cite.bib": "theirs too\n"} if existing else {}
    for name, text in theirs.items():
        (outside / name).write_text(text, encoding="utf-8")
    (folder / "a2024").symlink_to(outside, target_is_directory=True)
    code, said = _split(bib, folder, "-t", "hugo-bundle", *(["--force"] if force else []))
    assert code == 0, said
    for name in ("index.md", "cite.bib"):
        assert f"{folder / 'a2024' / name}: changed since bib2pubs wrote it, or not written by it (a link" in said
    assert _tree(outside) == theirs
    record = _assert_record_matches_the_folder(folder)
    assert sorted(record) == ["b2023/cite.bib", "b2023/index.md", "c2022/cite.bib", "c2022/index.md"]


def test_a_linked_folder_deeper_in_the_pattern_is_never_written_through(write_bib, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bib, folder, outside = write_bib(THREE), tmp_path / "out", tmp_path / "outside"
    outside.mkdir()
    folder.mkdir()
    (folder / "conference").symlink_to(outside, target_is_directory=True)
    code, said = _split(bib, folder, "--split-name", "{kind}/{year}-{key}.md", "--force")
    assert code == 0, said
    assert f"{folder / 'conference' / '2024-a2024.md'}: changed since bib2pubs wrote it" in said
    assert _tree(outside) == {}
    assert sorted(_assert_record_matches_the_folder(folder)) == ["journal/2023-b2023.md", "other/2022-c2022.md"]


def test_prune_never_removes_through_a_linked_folder(write_bib, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bib, folder, outside = write_bib(THREE), tmp_path / "out", tmp_path / "outside"
    _split(bib, folder, "-t", "hugo-bundle")
    # The same files, byte for byte, outside the folder, and a link to them
    # where bib2pubs' own folder was: the recorded hashes all match.
    outside.mkdir()
    for name in ("index.md", "cite.bib"):
        (outside / name).write_bytes((folder / "c2022" / name).read_bytes())
        (folder / "c2022" / name).unlink()
    (folder / "c2022").rmdir()
    (folder / "c2022").symlink_to(outside, target_is_directory=True)
    bib.write_text(THREE.split("@misc")[0], encoding="utf-8")
    code, said = _split(bib, folder, "-t", "hugo-bundle", "--prune", "--force")
    assert code == 0, said
    assert "0 written, 4 unchanged\n" in said and "removed" not in said
    assert sorted(_tree(outside)) == ["cite.bib", "index.md"]


def test_a_link_planted_between_check_and_write_is_not_written_through(  # type: ignore[no-untyped-def]
    write_bib, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bib, folder, outside = write_bib(THREE), tmp_path / "out", tmp_path / "outside"
    outside.mkdir()
    looked = Folder.content

    def look_then_plant(self: Folder, name: str) -> bytes | None:
        found = looked(self, name)
        if name == "a2024/index.md":  # found nothing there; now a link is put in the way
            (folder / "a2024").symlink_to(outside, target_is_directory=True)
        return found

    monkeypatch.setattr(Folder, "content", look_then_plant)
    code, said = _split(bib, folder, "-t", "hugo-bundle")
    assert code == 1
    assert f"{folder / 'a2024' / 'index.md'}: error: not written: a link, or a file where a folder should be" in said
    assert "1 file could not be written or removed (above); the rest is in step and recorded: 4 written" in said
    assert "Traceback" not in said
    assert _tree(outside) == {}
    assert sorted(_assert_record_matches_the_folder(folder)) == [
        "b2023/cite.bib",
        "b2023/index.md",
        "c2022/cite.bib",
        "c2022/index.md",
    ]


@pytest.mark.parametrize("name", [MANIFEST, LOCK])
def test_a_linked_record_or_lock_is_not_followed(name: str, write_bib, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bib, folder, outside = write_bib(THREE), tmp_path / "out", tmp_path / "outside"
    outside.mkdir()
    folder.mkdir()
    (outside / "precious").write_text('{"files": {}}\n', encoding="utf-8")
    (folder / name).symlink_to(outside / ("precious" if name == MANIFEST else "new"))
    result = invoke(str(bib), "--split", str(folder))
    assert result.exit_code == 1
    expected = "is a link or not a file; remove it" if name == MANIFEST else "cannot lock the folder: a link stands"
    assert f"{folder / name}: error: " in result.stderr and expected in result.stderr
    assert _tree(outside) == {"precious": '{"files": {}}\n'}
    assert sorted(path.name for path in folder.iterdir()) == [name]


def test_a_pipe_in_the_locks_place_neither_hangs_the_run_nor_is_taken(write_bib, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bib, folder = write_bib(THREE), tmp_path / "out"
    folder.mkdir()
    os.mkfifo(folder / LOCK)
    result = invoke(str(bib), "--split", str(folder))
    assert result.exit_code == 1 and f"{folder / LOCK}: error: cannot lock the folder: not a file" in result.stderr
    result = invoke(str(bib), "--split", str(folder), "--check")
    assert result.exit_code == 1 and f"{folder}: 3 to write, 0 unchanged" in result.stderr
    assert sorted(path.name for path in folder.iterdir()) == [LOCK]


def test_a_folder_that_cannot_be_locked_is_a_clear_error(
    write_bib, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    import fcntl

    def no_locks(descriptor: int, operation: int) -> None:  # as on NFS without its lock service
        raise OSError(errno.ENOLCK, os.strerror(errno.ENOLCK))

    monkeypatch.setattr(fcntl, "flock", no_locks)
    bib, folder = write_bib(THREE), tmp_path / "out"
    result = invoke(str(bib), "--split", str(folder))
    assert result.exit_code == 1
    assert f"{folder / LOCK}: error: cannot lock the folder: {os.strerror(errno.ENOLCK)}" in result.stderr
    # Nothing written unlocked; the empty lock file, whose lock was never
    # held, is not ours to remove.
    assert [path.name for path in folder.iterdir()] == [LOCK] and (folder / LOCK).read_bytes() == b""


# Long keys -------------------------------------------------------------------

LONG = "k" * 300
LONG_TOO = "k" * 299 + "x"  # the same 200 first letters: told apart by the hash
WIDE = "張" * 150  # 150 characters, 450 bytes in UTF-8
LONG_KEYS = (
    f"@misc{{{LONG}, title = {{Long}}, year = 2020}}\n"
    f"@misc{{{LONG_TOO}, title = {{Long too}}, year = 2020}}\n"
    f"@misc{{{WIDE}, title = {{Wide}}, year = 2021}}\n"
)


@pytest.mark.parametrize("template", ["academicpages-item", "hugo-bundle"])
def test_long_keys_get_shortened_names_and_a_warning(template: str, write_bib, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bib, folder = write_bib(LONG_KEYS + THREE), tmp_path / "out"
    code, said = _split(bib, folder, "-t", template)
    assert code == 0, said
    for key in (LONG, LONG_TOO, WIDE):
        assert f"warning: {key}: the key makes a file name too long for a folder; written as " in said
    record = _assert_record_matches_the_folder(folder)
    pages = 6 if template == "academicpages-item" else 12
    assert len(record) == pages and f"{folder}: {pages} written, 0 unchanged" in said
    for name in record:  # each part leaves room for the temporary name of an atomic write
        assert all(len(temporary_name(part).encode("utf-8")) <= 255 for part in name.split("/"))
    # page_names counts on the atomic write's temporary name being 18 bytes longer.
    assert len(temporary_name("").encode("utf-8")) == 255 - NAME_BYTES == 18
    year = "{}-" if template == "academicpages-item" else ""
    long_names = {name.split("/")[0] for name in record if "kkk" in name}  # LONG and LONG_TOO apart
    assert len(long_names) == 2 and all(name.startswith(year.format(2020) + "k" * 150) for name in long_names)
    assert any(name.startswith(year.format(2021) + "張" * 50) for name in record)
    code, said = _split(bib, folder, "-t", template)  # the same names again: nothing to write
    assert code == 0 and f"{folder}: 0 written, {pages} unchanged" in said


def test_a_file_that_still_cannot_be_written_is_an_error_of_its_own(  # type: ignore[no-untyped-def]
    write_bib, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a file system taking names of at most 143 bytes (eCryptfs), even
    a shortened name is too long: that entry fails, the rest is written."""
    bib, folder = write_bib(LONG_KEYS.split("\n")[0] + "\n" + THREE), tmp_path / "out"
    opened = os.open

    def small_names(path: Any, flags: int, mode: int = 0o777, *, dir_fd: int | None = None) -> int:
        if dir_fd is not None and flags & os.O_CREAT and len(os.fsencode(path)) > 143:
            raise OSError(errno.ENAMETOOLONG, os.strerror(errno.ENAMETOOLONG), path)
        return opened(path, flags, mode, dir_fd=dir_fd)

    monkeypatch.setattr(os, "open", small_names)
    code, said = _split(bib, folder)
    assert code == 1
    assert f"warning: {LONG}: the key makes a file name too long" in said
    assert f"{folder}/2020-{'k' * 150}" in said and ": error: cannot write: File name too long" in said
    assert "1 file could not be written or removed (above); the rest is in step and recorded: 3 written" in said
    assert f"{folder}: 3 written, 0 unchanged\n" in said  # the run's usual count, before the failure
    assert sorted(_assert_record_matches_the_folder(folder)) == ["2022-c2022.md", "2023-b2023.md", "2024-a2024.md"]


# Runs into one folder --------------------------------------------------------


def _race(folder: str, files: dict[str, str], prune: bool, start: Any) -> None:
    start.wait()
    sync(folder, files, prune=prune)


def test_runs_into_one_folder_take_turns_and_lose_no_record(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    folder = tmp_path / "out"
    names = [f"p{number:02d}.md" for number in range(30)]
    chosen = random.Random(12)
    for round_ in range(6):
        start = context.Barrier(2)
        runs = []
        for who in "ab":
            files = {name: f"round {round_}, run {who}: {name}\n" for name in chosen.sample(names, 15)}
            prune = round_ % 3 == 2 and who == "a"
            runs.append(context.Process(target=_race, args=(str(folder), files, prune, start)))
        for run in runs:
            run.start()
        for run in runs:
            run.join(60)
            assert run.exitcode == 0
        _assert_record_matches_the_folder(folder)
        leftovers = [path.name for path in folder.iterdir() if path.name == LOCK or path.name.endswith(".tmp")]
        assert leftovers == []


# --prune after errors in the input -----------------------------------------


def test_prune_is_refused_after_errors_in_the_input(write_bib, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bib, folder = write_bib(THREE), tmp_path / "out"
    assert _split(bib, folder)[0] == 0
    # Gamma's title loses its closing brace: the entry is skipped, and
    # looks gone; Alpha's title changes meanwhile.
    swallowed = THREE.split("@misc")[0].replace("{Alpha}", "{Alpha 2}") + "@misc{c2022, title = {Gamma, year = 2022}\n"
    bib.write_text(swallowed, encoding="utf-8")
    gone = folder / "2022-c2022.md"
    for check, done in (("--check", "checked: 1 to write"), ("--force", "in step and recorded: 1 written")):
        code, said = _split(bib, folder, "--prune", check)
        assert code == 1
        assert f"{bib}:3: error: c2022: unbalanced braces in field 'title'; entry skipped" in said
        assert f"{gone}: warning: its entry is no longer listed; kept, as --prune is refused after errors" in said
        assert "--prune refused, as the input had errors (an entry that could not be read would look gone)" in said
        assert f"1 file of entries no longer listed kept; the rest is {done}, 1 unchanged" in said
        assert gone.exists()
    assert "Alpha 2" in (folder / "2024-a2024.md").read_text(encoding="utf-8")
    assert "2022-c2022.md" in _assert_record_matches_the_folder(folder)
    bib.write_text(THREE.split("@misc")[0], encoding="utf-8")  # really gone now, and no error
    code, said = _split(bib, folder, "--prune")
    assert code == 0 and "1 removed" in said and not gone.exists()
