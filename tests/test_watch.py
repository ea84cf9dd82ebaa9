"""--watch: runs again when an input changes (tested on the polling loop,
which the command drives; no test waits on real time)."""

from __future__ import annotations

import os
from pathlib import Path

from bib2pubs.cli.watch import files_in, stamp, watch
from tests.conftest import invoke


def test_a_change_triggers_one_more_run(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text("@misc{a, title={A}, year=2020}\n", encoding="utf-8")
    runs: list[int] = []
    polls = 0

    def sleep(_: float) -> None:
        nonlocal polls
        polls += 1
        if polls == 2:  # the user saves the file
            bib.write_text("@misc{a, title={A changed}, year=2020}\n", encoding="utf-8")
            os.utime(bib, (1, 1))  # a distinct time even on coarse clocks

    assert watch([str(bib)], lambda: runs.append(len(runs)), rounds=5, sleep=sleep) == 2


def test_nothing_changes_nothing_runs_again(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text("@misc{a, title={A}, year=2020}\n", encoding="utf-8")
    assert watch([str(bib)], lambda: None, rounds=3, sleep=lambda _: None) == 1


def test_template_folders_are_watched_file_by_file(tmp_path: Path) -> None:
    (tmp_path / "mine.md.j2").write_text("x", encoding="utf-8")
    before = stamp(files_in([str(tmp_path)]))
    (tmp_path / "other.md.j2").write_text("y", encoding="utf-8")
    assert stamp(files_in([str(tmp_path)])) != before


def test_watch_refuses_standard_input_and_check() -> None:
    assert invoke("-", "--watch", input="@misc{a, title={A}}").exit_code == 2
    result = invoke("refs.bib", "--watch", "--check", "-o", "x.md")
    assert result.exit_code == 2 and "--watch rebuilds an output" in result.stderr
