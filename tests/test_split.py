"""``--split DIR``: one file per entry, synced without losing an edit."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bib2pubs import UsageError
from bib2pubs.model import Publication, Venue
from bib2pubs.rendering.page_names import MANIFEST, file_name, file_safe
from tests.conftest import REFS, invoke

THREE = (
    "@inproceedings{a2024, title = {Alpha}, author = {Jin, Chao}, booktitle = {NSDI}, year = 2024, pdf = {/a.pdf}}\n"
    "@article{b2023, title = {Beta}, author = {Li, Ana and Jin, Chao}, journal = {TPDS}, year = 2023}\n"
    "@misc{c2022, title = {Gamma}, author = {Jin, Chao}, year = 2022, abstract = {About {G}amma.}}\n"
)


def _split(bib: Path, folder: Path, *more: str) -> tuple[int, str]:
    result = invoke(str(bib), "-H", "Chao Jin", "--split", str(folder), *more)
    return result.exit_code, result.stderr


def _stamps(folder: Path) -> dict[str, int]:
    return {str(path.relative_to(folder)): path.stat().st_mtime_ns for path in folder.rglob("*") if path.is_file()}


@pytest.mark.parametrize("template", ["academicpages-item", "hugo-bundle"])
def test_a_second_run_changes_no_file(template: str, write_bib, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bib, folder = write_bib(THREE), tmp_path / "out"
    # Its @misc filed where a stock academicpages site lists it: no note.
    args = ["-t", template, *(["--set", "category_other=manuscripts"] if template == "academicpages-item" else [])]
    assert _split(bib, folder, *args) == (
        0,
        f"{folder}: {3 if template == 'academicpages-item' else 6} written, 0 unchanged\n",
    )
    before = _stamps(folder)
    assert MANIFEST in before
    code, said = _split(bib, folder, *args)
    assert code == 0 and "0 written" in said
    assert _stamps(folder) == before


def test_an_edited_file_is_kept_and_reported_until_forced(write_bib, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bib, folder = write_bib(THREE), tmp_path / "out"
    _split(bib, folder)
    page = folder / "2024-a2024.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nMy own note.\n", encoding="utf-8")
    bib.write_text(THREE.replace("{Alpha}", "{Alpha, revised}"), encoding="utf-8")
    code, said = _split(bib, folder)
    assert code == 0
    assert (
        f"{page}: changed since bib2pubs wrote it, or not written by it (a link, a folder); kept (--force overwrites)"
        in said
    )
    assert "My own note." in page.read_text(encoding="utf-8")
    code, said = _split(bib, folder)  # still reported on the next run
    assert "kept (--force overwrites)" in said
    assert _split(bib, folder, "--force")[0] == 0
    assert "Alpha, revised" in page.read_text(encoding="utf-8") and "My own note." not in page.read_text(
        encoding="utf-8"
    )
    assert "kept (--force overwrites)" not in _split(bib, folder)[1]  # bib2pubs' own again


def test_a_file_bib2pubs_did_not_write_is_not_overwritten(write_bib, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bib, folder = write_bib(THREE), tmp_path / "out"
    folder.mkdir()
    theirs = folder / "2023-b2023.md"
    theirs.write_text("written by hand\n", encoding="utf-8")
    code, said = _split(bib, folder)
    assert code == 0 and f"{theirs}: changed since bib2pubs wrote it" in said
    assert theirs.read_text(encoding="utf-8") == "written by hand\n"


@pytest.mark.parametrize("template", ["academicpages-item", "hugo-bundle"])
def test_a_removed_entry_is_reported_and_removed_with_prune(template: str, write_bib, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bib, folder = write_bib(THREE), tmp_path / "out"
    _split(bib, folder, "-t", template)
    gone = folder / ("2022-c2022.md" if template == "academicpages-item" else "c2022/index.md")
    assert gone.exists()
    bib.write_text(THREE.split("@misc")[0], encoding="utf-8")
    code, said = _split(bib, folder, "-t", template)
    assert code == 0 and f"{gone}: its entry is no longer listed; kept (--prune removes it)" in said
    assert gone.exists()
    code, said = _split(bib, folder, "-t", template, "--prune")
    assert code == 0 and "removed" in said
    assert not gone.exists() and not (folder / "c2022").exists()  # a bundle's folder goes with it
    assert "no longer listed" not in _split(bib, folder, "-t", template)[1]


def test_prune_keeps_an_edited_file_unless_forced(write_bib, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bib, folder = write_bib(THREE), tmp_path / "out"
    _split(bib, folder)
    page = folder / "2022-c2022.md"
    page.write_text("kept on purpose\n", encoding="utf-8")
    bib.write_text(THREE.split("@misc")[0], encoding="utf-8")
    assert f"{page}: its entry is no longer listed, but it was changed" in _split(bib, folder, "--prune")[1]
    assert page.exists()
    _split(bib, folder, "--prune", "--force")
    assert not page.exists()


def test_check_writes_nothing_and_says_whether_the_folder_is_current(write_bib, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bib, folder = write_bib(THREE), tmp_path / "out"
    code, said = _split(bib, folder, "--check")
    assert code == 1 and "3 to write" in said and not folder.exists()
    _split(bib, folder)
    assert _split(bib, folder, "--check")[0] == 0
    bib.write_text(THREE.replace("{Beta}", "{Beta 2}"), encoding="utf-8")
    before = _stamps(folder)
    code, said = _split(bib, folder, "--check")
    assert code == 1 and "is out of date" in said and _stamps(folder) == before


def test_the_pages_carry_what_their_sites_read(write_bib, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bib = write_bib(THREE)
    _split(bib, tmp_path / "ap")
    page = (tmp_path / "ap" / "2024-a2024.md").read_text(encoding="utf-8")
    for line in ('title: "Alpha"', "collection: publications", "permalink: /publication/2024-01-01-a2024"):
        assert line in page
    assert 'paperurl: "/a.pdf"' in page and "date: 2024-01-01" in page and "citation:" in page and "excerpt:" in page
    _split(bib, tmp_path / "hugo", "-t", "hugo-bundle")
    bundle = tmp_path / "hugo" / "c2022"
    front = (bundle / "index.md").read_text(encoding="utf-8")
    assert '- "me"' in front and 'abstract: "About Gamma."' in front and "url_pdf" not in front
    assert (bundle / "cite.bib").read_text(encoding="utf-8").startswith("@misc{c2022,\n  author = {Jin, Chao},")
    assert "abstract" not in (bundle / "cite.bib").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--split", "out", "-o", "x.md"], "--split writes a folder of files: it takes no -o or --stats"),
        (["--split", "out", "-f", "json"], "leave out --format"),
        (["-t", "academicpages-item"], "academicpages-item is a template of one entry: use it with --split DIR"),
        (["--prune"], "--prune, --force and --split-name go with --split DIR"),
        (["--split", "out", "--split-name", "{title}.md"], "--split-name {title}.md: no {title}"),
        (["--split", "out", "--split-name", "../{key}.md"], "not a file inside the folder"),
        (["--split", "out", "--split-name", "{kind}.md"], "would share the file"),
    ],
)
def test_split_usage_errors(args: list[str], message: str, tmp_path: Path) -> None:
    previous = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = invoke(str(REFS), *args)
    finally:
        os.chdir(previous)
    assert result.exit_code == 2, result.stderr
    assert message in result.stderr
    assert not (tmp_path / "out" / MANIFEST).exists()


def test_file_names() -> None:
    pub = Publication("Wang:2024/ML", "inproceedings", "conference", "T", None, None, (), (), Venue(), {})
    assert file_safe("Wang:2024/ML") == "Wang-2024-ML" and file_safe("///") == "entry"
    assert file_name("{year}-{key}.md", pub) == "undated-Wang-2024-ML.md"
    assert file_name("{kind}/{type}/{key}/index.md", pub) == "conference/inproceedings/Wang-2024-ML/index.md"
    with pytest.raises(UsageError):
        file_name("/abs/{key}.md", pub)


def test_a_record_pointing_outside_the_folder_is_not_followed(write_bib, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bib, folder = write_bib(THREE), tmp_path / "out"
    _split(bib, folder)
    outside = tmp_path / "precious.txt"
    outside.write_text("keep me\n", encoding="utf-8")
    manifest = folder / MANIFEST
    digest = __import__("hashlib").sha256(b"keep me\n").hexdigest()
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace('"files": {', f'"files": {{"../precious.txt": "{digest}",')
    )
    assert _split(bib, folder, "--prune", "--force")[0] == 0
    assert outside.read_text(encoding="utf-8") == "keep me\n"


@pytest.mark.parametrize(
    "record",
    [
        '{"files": null}',
        '{"files": [1]}',
        '{"files": "x"}',
        "[]",
        "not json",
        pytest.param("[" * 100_000, id="nested-100000-deep"),  # json's RecursionError
        pytest.param('{"files": {"a.md": "\\u00"}}', id="bad-escape"),
    ],
)
def test_a_damaged_record_is_a_clear_error(record: str, write_bib, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bib, folder = write_bib(THREE), tmp_path / "out"
    folder.mkdir()
    (folder / MANIFEST).write_text(record, encoding="utf-8")
    result = invoke(str(bib), "--split", str(folder))
    assert result.exit_code == 1
    assert f"{folder / MANIFEST}: error: cannot read bib2pubs' record of the folder" in result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert sorted(path.name for path in folder.iterdir()) == [MANIFEST]


def test_an_empty_selection_leaves_the_folder_as_it_was(write_bib, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bib, folder = write_bib(THREE), tmp_path / "out"
    _split(bib, folder)
    before = _stamps(folder)
    code, said = _split(bib, folder, "--since", "2099", "--prune")
    assert code == 1 and f"no entry is left after the selection; {folder} left as it was" in said
    assert _stamps(folder) == before


def test_links_lead_nowhere_even_with_force(write_bib, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bib, folder, elsewhere = write_bib(THREE), tmp_path / "out", tmp_path / "elsewhere"
    elsewhere.mkdir()
    folder.mkdir()
    (folder / "2024-a2024.md").symlink_to(elsewhere / "new.md")  # dangling
    (elsewhere / "theirs.md").write_text("theirs\n", encoding="utf-8")
    (folder / "2023-b2023.md").symlink_to(elsewhere / "theirs.md")
    code, said = _split(bib, folder, "--force")
    assert code == 0 and said.count("(a link, a folder); kept") == 2
    assert not (elsewhere / "new.md").exists() and (elsewhere / "theirs.md").read_text(encoding="utf-8") == "theirs\n"


def test_prune_never_removes_through_a_linked_folder(write_bib, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bib, folder = write_bib(THREE), tmp_path / "out"
    _split(bib, folder, "-t", "hugo-bundle")
    moved = tmp_path / "moved"
    (folder / "c2022").rename(moved)
    (folder / "c2022").symlink_to(moved, target_is_directory=True)
    bib.write_text(THREE.split("@misc")[0], encoding="utf-8")
    _split(bib, folder, "-t", "hugo-bundle", "--prune", "--force")
    assert (moved / "index.md").exists() and (moved / "cite.bib").exists()


def test_keys_in_any_script_keep_their_own_files(write_bib, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bib = write_bib(
        "@misc{müller2020, title = {M}, year = 2020}\n@misc{möller2020, title = {O}, year = 2020}\n"
        "@misc{张2020, title = {Z}, year = 2020}\n@misc{李2020, title = {L}, year = 2020}\n"
    )
    assert _split(bib, tmp_path / "out")[0] == 0
    names = sorted(path.name for path in (tmp_path / "out").iterdir())
    assert names == sorted([MANIFEST, "2020-müller2020.md", "2020-möller2020.md", "2020-张2020.md", "2020-李2020.md"])


def test_a_template_of_ones_own_names_its_files_by_its_format(tmp_path: Path) -> None:
    (tmp_path / "card.html.j2").write_text("<p>{{ pub.title }}</p>\n", encoding="utf-8")
    result = invoke(str(REFS), "--split", str(tmp_path / "out"), "--template-dir", str(tmp_path), "-t", "card")
    assert result.exit_code == 0, result.stderr
    assert {path.suffix for path in (tmp_path / "out").iterdir() if path.name != MANIFEST} == {".html"}


def test_a_list_template_is_refused(tmp_path: Path) -> None:
    result = invoke(str(REFS), "--split", str(tmp_path / "out"), "-t", "academicpages")
    assert result.exit_code == 2 and "academicpages is a template of a whole list" in result.stderr


def test_the_input_is_never_written_over(write_bib, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "site"
    (folder / "c2022").mkdir(parents=True)
    bib = folder / "c2022" / "cite.bib"
    bib.write_text(THREE, encoding="utf-8")
    result = invoke(str(bib), "--split", str(folder), "-t", "hugo-bundle", "--force")
    assert result.exit_code == 2 and "would overwrite the input" in result.stderr
    assert bib.read_text(encoding="utf-8") == THREE


def test_a_folder_that_cannot_be_made_is_a_clear_error(write_bib) -> None:  # type: ignore[no-untyped-def]
    result = invoke(str(write_bib(THREE)), "--split", "/proc/no-such-folder")
    assert result.exit_code == 1 and "Traceback" not in result.stderr and "internal error" not in result.stderr


def test_front_matter_carries_no_markup_into_the_page(write_bib, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bib = write_bib(
        '@misc{x, title = {<script>x</script> "q" {{ site.x }}}, year = 2020,\n'
        '  howpublished = {<img src=x onerror=alert(1)>}, pdf = {https://x.org/a"onmouseover="alert(1)}}\n'
        "@misc{y, title = {Odd\uffff}}\n"
    )
    _split(bib, tmp_path / "ap")
    page = (tmp_path / "ap" / "2020-x.md").read_text(encoding="utf-8")
    front = page.split("---")[1]
    assert "<script" not in front and "<img" not in front and "&lt;script&gt;" in front
    assert 'paperurl: "https://x.org/a%22onmouseover=%22alert%281%29"' in front
    assert "{{" not in page
    undated = (tmp_path / "ap" / "undated-y.md").read_text(encoding="utf-8")
    assert "\\uffff" in undated and "\uffff" not in undated  # YAML allows no U+FFFF
    assert "permalink: /publication/undated-y" in undated and "date:" not in undated
    _split(bib, tmp_path / "hugo", "-t", "hugo-bundle")
    bundle = (tmp_path / "hugo" / "y" / "index.md").read_text(encoding="utf-8")
    assert "authors: []" in bundle and 'publication: ""' in bundle


def test_the_bibtex_filter_in_markdown_is_html(tmp_path: Path) -> None:
    (tmp_path / "cite.md.j2").write_text("<pre>{{ pub|bibtex }}</pre>\n", encoding="utf-8")
    result = invoke(str(REFS), "--split", str(tmp_path / "out"), "--template-dir", str(tmp_path), "-t", "cite")
    assert result.exit_code == 0, result.stderr
    page = (tmp_path / "out" / "2024-jin2024ragcache.md").read_text(encoding="utf-8")
    assert page.startswith("<pre>@misc&#123;jin2024ragcache,\n  author = &#123;Jin, Chao and ")
    assert "\\_" not in page and "{" not in page
