"""Choosing, grouping and ordering: --group-by, --sort, the filters, and
--check for CI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import REFS, invoke

MIX = r"""
@inproceedings{conf2024, title = {B Conference Paper}, author = {Jin, Chao}, booktitle = {NSDI}, year = 2024,
  month = apr}
@article{jour2024, title = {A Journal Article}, author = {Jin, Xin}, journal = {TPDS}, year = 2024, month = dec,
  selected = {true}}
@misc{pre2025, title = {C Preprint}, author = {Jin, Chao}, howpublished = {arXiv}, year = 2025}
@inproceedings{conf2020, title = {D Old Paper}, author = {Li, Ana}, booktitle = {OSDI}, year = 2020}
@misc{secret, title = {E Draft}, author = {Jin, Chao}, howpublished = {Preprint}, year = 2025, hidden = {true}}
"""


@pytest.fixture
def mix(write_bib):  # type: ignore[no-untyped-def]
    return str(write_bib(MIX))


def _groups(*args: str) -> list[tuple[str, list[str]]]:
    result = invoke(*args, "-f", "json")
    assert result.exit_code == 0, result.stderr
    return [(g["title"], [e["key"] for e in g["entries"]]) for g in json.loads(result.stdout)["groups"]]


def test_grouping_by_year_kind_or_none(mix: str) -> None:
    # By default, by month within a year (December's article before April's paper).
    assert _groups(mix) == [("2025", ["pre2025", "secret"]), ("2024", ["jour2024", "conf2024"]), ("2020", ["conf2020"])]
    assert _groups(mix, "--sort", "file")[1] == ("2024", ["conf2024", "jour2024"])
    assert _groups(mix, "--group-by", "kind") == [
        ("Conference Papers", ["conf2024", "conf2020"]),
        ("Journal Articles", ["jour2024"]),
        ("Preprints", ["pre2025", "secret"]),
    ]
    assert _groups(mix, "--group-by", "kind", "--group-title", "journal=Journal Papers")[1][0] == "Journal Papers"
    assert _groups(mix, "--group-by", "none", "--sort", "file") == [
        ("", ["conf2024", "jour2024", "pre2025", "conf2020", "secret"])
    ]
    assert _groups(mix, "--group-by", "kind,year", "--sort", "file")[0] == (
        "Conference Papers",
        ["conf2024", "conf2020"],
    )
    assert _groups(mix, "--group-by", "kind,year")[2] == ("Preprints", ["pre2025", "secret"])


def test_orders_within_a_group(mix: str) -> None:
    assert _groups(mix, "--group-by", "none", "--sort", "date")[0][1] == [
        "pre2025", "secret", "jour2024", "conf2024", "conf2020"
    ]  # fmt: skip
    assert _groups(mix, "--group-by", "none", "--sort", "title")[0][1] == [
        "jour2024", "conf2024", "pre2025", "conf2020", "secret"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "keys"),
    [
        (("--since", "2024"), ["pre2025", "secret", "jour2024", "conf2024"]),
        (("--until", "2020"), ["conf2020"]),
        (("--kind", "journal", "--kind", "preprint"), ["pre2025", "secret", "jour2024"]),
        (("--key", "conf2020", "--key", "jour2024"), ["jour2024", "conf2020"]),
        (("--selected",), ["jour2024"]),
        (("-H", "Chao Jin", "--only-highlighted"), ["pre2025", "secret", "conf2024"]),
    ],
)
def test_filters(mix: str, args: tuple[str, ...], keys: list[str]) -> None:
    assert [key for _, group in _groups(mix, *args) for key in group] == keys


def test_hidden_entries_are_listed_only_with_include_hidden(mix: str) -> None:
    assert "E Draft" not in invoke(mix, "-f", "html").stdout
    assert "E Draft" in invoke(mix, "-f", "html", "--include-hidden").stdout
    assert "<!-- - **E Draft**" not in invoke(mix, "-f", "markdown", "--include-hidden").stdout


def test_bad_selection_options_are_usage_errors(mix: str) -> None:
    assert invoke(mix, "--group-by", "venue", "-f", "text").exit_code == 2
    assert invoke(mix, "--kind", "poster", "-f", "text").exit_code == 2
    result = invoke(mix, "--group-title", "posters=Posters", "-f", "text")
    assert result.exit_code == 2 and "--group-title posters: use a kind" in result.stderr


def test_check_reports_a_stale_or_missing_file_and_writes_nothing(tmp_path: Path) -> None:
    page = tmp_path / "publications.md"
    missing = invoke(str(REFS), "-H", "Chao Jin", "-o", str(page), "--check")
    assert missing.exit_code == 1 and "missing: a run would write it" in missing.stderr
    assert not page.exists()
    assert invoke(str(REFS), "-H", "Chao Jin", "-o", str(page)).exit_code == 0
    current = invoke(str(REFS), "-H", "Chao Jin", "-o", str(page), "--check")
    assert current.exit_code == 0 and "up to date" in current.stderr
    before = page.read_bytes()
    stale = invoke(str(REFS), "-H", "Xin Jin", "-o", str(page), "--check")
    assert stale.exit_code == 1
    assert "out of date: a run would change it" in stale.stderr
    assert "+  Chao Jin\\*, Ziheng Jiang\\*" in stale.stderr  # a line of the diff
    assert "more lines of diff" in stale.stderr
    assert page.read_bytes() == before


def test_check_needs_an_output_file() -> None:
    result = invoke(str(REFS), "--check")
    assert result.exit_code == 2 and "--check compares with a file: add -o FILE" in result.stderr


STATS = r"""
@inproceedings{a, title = {A}, author = {Jin, Chao and Li, Ana}, booktitle = {NSDI}, year = 2024}
@article{b, title = {B}, author = {Li, Ana and Jin, Chao}, journal = {TPDS}, year = 2024}
@article{c, title = {C}, author = {Jin, Chao}, journal = {TPDS}, year = 2023}
@misc{d, title = {D}, author = {Wu, Bo and Jin, Chao and others}, howpublished = {arXiv}, year = 2023}
@misc{e, title = {E}, author = {Jin, Chao}, howpublished = {Preprint}, hidden = {true}, year = 2022}
@misc{f, title = {F}, author = {Wu, Bo}, howpublished = {Preprint}}
"""


def test_stats_as_json(write_bib) -> None:  # type: ignore[no-untyped-def]
    path = write_bib(STATS)
    result = invoke(str(path), "-H", "Chao Jin", "--highlight-as", "student=Ana Li", "--stats", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {
        "total": 5,
        "by_year": {"2024": 2, "2023": 2, "undated": 1},
        "by_kind": {"conference": 1, "journal": 2, "preprint": 2},
        "highlighted": [
            {"name": "Chao Jin", "works": 4, "first_author": 1, "last_author": 1, "sole_author": 1},
            {"name": "Ana Li", "works": 2, "first_author": 1, "last_author": 1, "sole_author": 0},
        ],
    }


def test_stats_as_tables_and_usage(write_bib, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write_bib(STATS)
    result = invoke(str(path), "-H", "Chao Jin", "--stats")
    assert result.exit_code == 0, result.stderr
    assert "5 works" in result.stdout and "first author" in result.stdout
    assert invoke(str(path), "--stats", "-o", str(tmp_path / "stats.md")).exit_code == 2
    written = invoke(str(path), "--stats", "-o", str(tmp_path / "stats.json"))
    assert written.exit_code == 0
    assert json.loads((tmp_path / "stats.json").read_text(encoding="utf-8"))["total"] == 5


def test_a_selection_that_leaves_nothing_never_blanks_a_page(mix: str, tmp_path: Path) -> None:
    page = tmp_path / "publications.md"
    page.write_text("my page\n", encoding="utf-8")
    result = invoke(mix, "--key", "typo2024", "-o", str(page))
    assert result.exit_code == 1
    assert "no entry is left after the selection" in result.stderr and "left as it was" in result.stderr
    assert page.read_text(encoding="utf-8") == "my page\n"
    printed = invoke(mix, "--since", "2205", "-f", "text")
    assert printed.exit_code == 0 and "warning: no entry is left after the selection" in printed.stderr


def test_stats_check_compares_and_writes_nothing(mix: str, tmp_path: Path) -> None:
    stats = tmp_path / "stats.json"
    assert invoke(mix, "--stats", "-o", str(stats), "--check").exit_code == 1
    assert not stats.exists()
    assert invoke(mix, "--stats", "-o", str(stats)).exit_code == 0
    assert invoke(mix, "--stats", "-o", str(stats), "--check").exit_code == 0


def test_keys_are_case_insensitive_as_in_bibtex(mix: str) -> None:
    assert [key for _, group in _groups(mix, "--key", "CONF2020") for key in group] == ["conf2020"]


def test_group_title_without_kind_sections_is_reported(mix: str) -> None:
    result = invoke(mix, "--group-title", "journal=Journal Papers", "-f", "text")
    assert result.exit_code == 0
    assert "--group-title names sections of --group-by kind; ignored" in result.stderr


def test_a_file_given_twice_is_read_once(mix: str) -> None:
    result = invoke(mix, mix, "-f", "json")
    assert "is given twice; read once" in result.stderr
    keys = [e["key"] for g in json.loads(result.stdout)["groups"] for e in g["entries"]]
    assert len(keys) == len(set(keys)) == 5
