"""``--split DIR`` with a key used twice (4 of 33 real homepage files do):
both entries are written, the second under "-2", with a warning naming
both; the names hold from run to run, so --prune and --check agree."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bib2pubs.rendering.page_names import MANIFEST
from tests.conftest import invoke

TWICE = (
    "@inproceedings{jin2024, title = {Alpha}, author = {Jin, Chao}, booktitle = {NSDI}, year = 2024}\n"
    "@article{jin2024, title = {Beta}, author = {Jin, Chao}, journal = {TPDS}, year = 2024}\n"
    "@misc{li2023, title = {Gamma}, author = {Li, Ana}, year = 2023}\n"
)


def _split(bib: Path, folder: Path, *more: str) -> tuple[int, str]:
    result = invoke(str(bib), "--split", str(folder), *more)
    return result.exit_code, result.stderr


def _titles(folder: Path) -> dict[str, str]:
    """Each page's file → the title in its front matter."""
    return {
        path.relative_to(folder).as_posix(): next(
            line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("title:")
        )
        for path in sorted(folder.rglob("*.md"))
    }


@pytest.mark.parametrize(
    ("template", "first", "second"),
    [
        ("academicpages-item", "2024-jin2024.md", "2024-jin2024-2.md"),
        ("hugo-bundle", "jin2024/index.md", "jin2024-2/index.md"),
    ],
)
def test_both_entries_are_written_the_second_suffixed(  # type: ignore[no-untyped-def]
    template: str, first: str, second: str, write_bib, tmp_path: Path
) -> None:
    bib, folder = write_bib(TWICE), tmp_path / "out"
    code, said = _split(bib, folder, "-t", template)
    assert code == 0, said
    titles = _titles(folder)
    assert titles[first] == 'title: "Alpha"' and titles[second] == 'title: "Beta"'
    assert (
        f"{bib}:2: warning: jin2024: key used twice (also at {bib}:1): written as {second}, the other as {first}"
        in said
    )
    if template == "hugo-bundle":  # each bundle's cite.bib is its own entry
        assert "Beta" in (folder / "jin2024-2" / "cite.bib").read_text(encoding="utf-8")
        assert "Alpha" in (folder / "jin2024" / "cite.bib").read_text(encoding="utf-8")


def test_a_second_run_gives_the_same_names_and_changes_nothing(write_bib, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bib, folder = write_bib(TWICE), tmp_path / "out"
    assert _split(bib, folder)[0] == 0
    before = {path.name: path.stat().st_mtime_ns for path in folder.iterdir()}
    code, said = _split(bib, folder, "--prune")
    assert code == 0 and f"{folder}: 0 written, 3 unchanged" in said and "removed" not in said
    assert {path.name: path.stat().st_mtime_ns for path in folder.iterdir()} == before
    assert _split(bib, folder, "--check")[0] == 0
    recorded = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["files"]
    assert sorted(recorded) == ["2023-li2023.md", "2024-jin2024-2.md", "2024-jin2024.md"]


def test_the_first_in_the_file_keeps_the_name_whatever_the_order_listed(write_bib, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bib = write_bib(
        "@misc{k, title = {Zeta}, author = {Jin, Chao}, year = 2024}\n"
        "@misc{k, title = {Alpha}, author = {Jin, Chao}, year = 2024}\n"
    )
    folder = tmp_path / "out"
    for order in ("file", "title"):
        listed = invoke(str(bib), "--sort", order, "-f", "json").stdout
        assert (listed.index("Zeta") < listed.index("Alpha")) == (order == "file")
        code, said = _split(bib, folder, "--sort", order, "--prune")
        assert code == 0, said
        assert _titles(folder) == {"2024-k.md": 'title: "Zeta"', "2024-k-2.md": 'title: "Alpha"'}


def test_prune_removes_the_suffixed_page_once_its_entry_is_gone(write_bib, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bib, folder = write_bib(TWICE), tmp_path / "out"
    assert _split(bib, folder)[0] == 0
    bib.write_text(TWICE.replace("@article{jin2024", "@article{jin2024b"), encoding="utf-8")
    code, said = _split(bib, folder, "--prune")
    assert code == 0 and "key used twice" not in said
    assert sorted(_titles(folder)) == ["2023-li2023.md", "2024-jin2024.md", "2024-jin2024b.md"]
    assert _titles(folder)["2024-jin2024b.md"] == 'title: "Beta"'


def test_a_suffix_never_takes_another_entrys_name(write_bib, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    three = TWICE + "@misc{jin2024-2, title = {Delta}, author = {Jin, Chao}, year = 2024}\n"
    bib, folder = write_bib(three), tmp_path / "out"
    code, said = _split(bib, folder)
    assert code == 0, said
    titles = _titles(folder)
    assert titles["2024-jin2024.md"] == 'title: "Alpha"'
    assert titles["2024-jin2024-2.md"] == 'title: "Delta"'
    assert titles["2024-jin2024-3.md"] == 'title: "Beta"'
    assert "written as 2024-jin2024-3.md, the other as 2024-jin2024.md" in said


def test_keys_that_make_one_file_name_are_told_apart_too(write_bib, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bib = write_bib(
        "@misc{Wang:2024, title = {One}, author = {Wang, Li}, year = 2024}\n"
        "@misc{wang/2024, title = {Two}, author = {Wang, Li}, year = 2024}\n"
    )
    folder = tmp_path / "out"
    code, said = _split(bib, folder)
    assert code == 0, said
    assert _titles(folder) == {"2024-Wang-2024.md": 'title: "One"', "2024-wang-2024-2.md": 'title: "Two"'}
    assert f"wang/2024: key makes the same file name as 'Wang:2024' at {bib}:1" in said


def test_the_same_key_in_two_files_names_each_file(write_bib, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    one = write_bib("@misc{x, title = {One}, author = {Wang, Li}, year = 2024}\n", "a.bib")
    two = write_bib("\n@misc{x, title = {Two}, author = {Wang, Li}, year = 2024}\n", "b.bib")
    folder = tmp_path / "out"
    result = invoke(str(one), str(two), "--split", str(folder))
    assert result.exit_code == 0, result.stderr
    assert f"{two}:2: warning: x: key used twice (also at {one}:1): written as 2024-x-2.md" in result.stderr
    assert _titles(folder) == {"2024-x.md": 'title: "One"', "2024-x-2.md": 'title: "Two"'}


def test_a_pattern_that_merges_different_keys_is_still_refused(write_bib, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    other = "@misc{wang2024, title = {Delta}, author = {Wang, Li}, year = 2024}\n"
    bib, folder = write_bib(TWICE + other), tmp_path / "out"
    code, said = _split(bib, folder, "--split-name", "{year}.md")
    assert code == 2
    assert "would share the file 2024.md; give --split-name a pattern that tells them apart" in said
    assert not folder.exists() or not any(folder.iterdir())


def test_pages_in_categories_a_stock_site_does_not_list_are_said(tmp_path: Path) -> None:
    from tests.conftest import REFS

    result = invoke(str(REFS), "--no-config", "-t", "academicpages-item", "--split", str(tmp_path / "a"))
    assert result.exit_code == 0
    assert "categories academicpages' own _config.yml does not list: preprints (4)" in result.stderr
    args = ["-t", "academicpages-item", "--split", str(tmp_path / "b"), "--set", "category_preprint=manuscripts"]
    assert "does not list" not in invoke(str(REFS), "--no-config", *args).stderr
