"""--watch: runs again when an input changes (tested on the polling loop,
which the command drives; no test waits on real time)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

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


def test_each_run_reads_the_settings_again_and_goes_on_after_a_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bib2pubs.cli.watch
    from bib2pubs import Options, app

    (tmp_path / ".git").mkdir()  # the repository's root: the settings file is looked for up to here
    (tmp_path / "refs.bib").write_text(
        "@misc{a, title={A}, author={Jin, Chao and Li, Ana}, year=2020}\n", encoding="utf-8"
    )
    settings = tmp_path / "bib2pubs.toml"
    settings.write_text('highlight = "Chao Jin"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    saved = ['highlight = "Ana Li"\n', 'name-style = "bogus"\n', 'highlight = "Ana Li"\n']

    def sleep(_: float) -> None:  # the user edits the settings between runs
        settings.write_text(saved.pop(0), encoding="utf-8")
        os.utime(settings, (len(saved), len(saved)))  # a distinct time even on coarse clocks

    runs: list[app.Request] = []
    real_run = app.run

    def spied(bibfiles: list[str], options: Options, request: app.Request, say: Any = None) -> app.Outcome:
        runs.append(request)
        return real_run(bibfiles, options, request, say)

    loop = bib2pubs.cli.watch.watch
    monkeypatch.setattr(
        bib2pubs.cli.watch, "watch", lambda paths, run_once: loop(paths, run_once, rounds=3, sleep=sleep)
    )
    monkeypatch.setattr(app, "run", spied)
    result = invoke("refs.bib", "-f", "markdown", "--watch")
    assert result.exit_code == 0
    assert result.stdout.count("**Chao Jin**, Ana Li") == 1
    assert result.stdout.count("Chao Jin, **Ana Li**") == 2
    assert result.stderr.splitlines() == [
        "bib2pubs: watching 2 files; Ctrl-C stops",
        f"bib2pubs: error: {settings}: name-style: 'bogus' is not one of "
        "'full', 'initials', 'family-first', 'family-first-full'.",
    ]
    assert len(runs) == 3  # the run with a bad setting stopped before app.run
