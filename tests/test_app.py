"""What a run does, as the Outcome says it (``app.run``), apart from how
the command line prints it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bib2pubs import Bib2PubsError, NothingReadError, Options, Selection, UsageError, app
from bib2pubs.cli.arguments import make_options, make_selection
from bib2pubs.errors import StaleOutputError
from tests.conftest import REFS, invoke

ME = Options(highlights=("Chao Jin",))
THREE = (
    "@inproceedings{a2024, title = {Alpha}, author = {Jin, Chao}, booktitle = {NSDI}, year = 2024}\n"
    "@article{b2023, title = {Beta}, author = {Li, Ana and Jin, Chao}, journal = {TPDS}, year = 2023}\n"
    "@misc{c2022, title = {Gamma}, author = {Jin, Chao}, year = 2022}\n"
)


def run(
    *bibfiles: Path | str, options: Options = ME, say: Callable[[str], object] | None = None, **request: object
) -> app.Outcome:
    return app.run([str(bib) for bib in bibfiles], options, app.Request(**request), say)  # type: ignore[arg-type]


def test_a_file_is_written_then_left_unchanged(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "pubs.md"
    written = run(REFS, output=str(out))
    assert written == app.Outcome((f"{out}: written",))
    assert written.exit_code == 0
    assert run(REFS, output=str(out)) == app.Outcome((f"{out}: unchanged",))
    assert out.read_text(encoding="utf-8").startswith("## 2025\n")
    assert capsys.readouterr() == ("", "")  # the outcome is said by its caller


def test_check_compares_with_the_file_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "pubs.md"
    missing = run(REFS, output=str(out), check=True)
    assert isinstance(missing.failure, StaleOutputError) and missing.exit_code == 1
    assert not out.exists()
    run(REFS, output=str(out))
    assert run(REFS, output=str(out), check=True) == app.Outcome((f"{out}: up to date",))
    stale = run(REFS, options=Options(highlights=("Ana Li",)), output=str(out), check=True)
    assert isinstance(stale.failure, StaleOutputError)
    assert "**Chao Jin**" in stale.failure.diff


def test_an_empty_selection_keeps_the_file(tmp_path: Path) -> None:
    out = tmp_path / "pubs.md"
    out.write_text("the page as it was\n", encoding="utf-8")
    outcome = run(REFS, options=Options(selection=Selection(since=2100)), output=str(out))
    assert type(outcome.failure) is Bib2PubsError
    assert outcome.failure.message == f"no entry is left after the selection; {out} left as it was"
    assert out.read_text(encoding="utf-8") == "the page as it was\n"
    # To standard output, an empty list with a warning.
    shown = run(REFS, options=Options(selection=Selection(since=2100)), format_name="text")
    assert shown == app.Outcome(("bib2pubs: warning: no entry is left after the selection",), stdout="")


def test_nothing_read_keeps_the_file_and_says_why_first(tmp_path: Path) -> None:
    out = tmp_path / "pubs.md"
    out.write_text("the page as it was\n", encoding="utf-8")
    broken = tmp_path / "broken.bib"
    broken.write_text("@misc{b, title={Unbalanced {x}, year=2020}\n", encoding="utf-8")
    outcome = run(broken, output=str(out))
    assert isinstance(outcome.failure, NothingReadError)
    assert outcome.failure.message == f"no entry could be read from {broken}; {out} left as it was"
    assert outcome.stderr == (f"{broken}:1: error: b: unbalanced braces in field 'title'; entry skipped",)
    assert out.read_text(encoding="utf-8") == "the page as it was\n"


def test_an_input_is_never_overwritten(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(THREE, encoding="utf-8")
    link = tmp_path / "pubs.md"
    link.symlink_to(bib)
    for target in (bib, link):
        outcome = run(bib, output=str(target), template="academicpages")
        assert isinstance(outcome.failure, UsageError) and outcome.exit_code == 2
        assert outcome.failure.message == f"-o {target} would overwrite the input {bib}"
    assert bib.read_text(encoding="utf-8") == THREE


LISTED = ("category_other=manuscripts",)


def test_the_split_folder_is_summed_up(tmp_path: Path) -> None:
    bib, folder = tmp_path / "refs.bib", tmp_path / "pages"
    # Its @misc filed where a stock academicpages site lists it: no note.
    bib.write_text(THREE, encoding="utf-8")
    assert run(bib, split=str(folder), sets=LISTED) == app.Outcome((f"{folder}: 3 written, 0 unchanged",))
    (folder / "2022-c2022.md").write_text("edited by hand\n", encoding="utf-8")
    bib.write_text(THREE.replace("Gamma", "Gamma 2").replace("Alpha", "Alpha 2"), encoding="utf-8")
    kept = "changed since bib2pubs wrote it, or not written by it (a link, a folder); kept (--force overwrites)"
    assert run(bib, split=str(folder), sets=LISTED).stderr == (
        f"{folder / '2022-c2022.md'}: {kept}",
        f"{folder}: 1 written, 1 unchanged",
    )
    stale = run(bib, split=str(folder), sets=LISTED, check=True, force=True)
    assert stale.stderr == (f"{folder}: 1 to write, 2 unchanged",)
    assert stale.failure is not None and stale.failure.message == f"{folder} is out of date"


def test_what_goes_to_standard_output(monkeypatch: pytest.MonkeyPatch) -> None:
    text = run(REFS, format_name="text")
    assert text.stdout is not None and text.stdout.startswith("2025\n----\n")
    counts = run(REFS, stats=True, format_name="json")
    assert counts.stdout is not None and json.loads(counts.stdout)["highlighted"][0]["name"] == "Chao Jin"
    monkeypatch.setattr(app.sys.stdout, "isatty", lambda: True)
    preview = run(REFS)
    assert preview.preview is not None and preview.stdout is None
    tables = run(REFS, stats=True)
    assert tables.stats is not None and tables.stats.people[0].name == "Chao Jin"


def test_explain_and_notes_come_in_order() -> None:
    outcome = run(REFS, options=Options(highlights=("Chao Jn",)), explain=True, format_name="text", sets=("x=1",))
    assert outcome.stderr == (
        "bib2pubs: warning: --highlight 'Chao Jn' matches nobody in the listing",
        "--highlight 'Chao Jn': found in 0 of 11 entries",
        *outcome.stderr[2:-1],
        "bib2pubs: warning: --set x: the template does not use 'x'",
    )


def test_the_template_is_found_once_per_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from bib2pubs.rendering import jinja, pages

    found: list[str] = []
    resolve = jinja.resolve_template

    def counted(name: str, template_dirs: tuple[str, ...] = ()) -> jinja.Template:
        found.append(name)
        return resolve(name, template_dirs)

    monkeypatch.setattr(jinja, "resolve_template", counted)
    monkeypatch.setattr(pages, "resolve_template", counted)
    assert run(REFS, template="academicpages").failure is None
    assert run(REFS, format_name="latex").failure is None
    assert run(REFS, format_name="html").failure is None  # written without a template
    assert run(REFS, split=str(tmp_path / "pages"), template="hugo-bundle").failure is None
    assert found == ["academicpages", "latex", "hugo-bundle"]


def test_what_a_watch_reads(tmp_path: Path) -> None:
    template = tmp_path / "mine.md.j2"
    template.write_text("x\n", encoding="utf-8")
    request = app.Request(template=str(template), template_dirs=(str(tmp_path),))
    assert app.watched_paths([str(REFS)], ME, request) == [str(REFS), str(tmp_path), str(template)]
    style = tmp_path / "mine.csl"
    style.write_text("<style/>\n", encoding="utf-8")
    assert app.watched_paths([str(REFS)], ME, app.Request(style=str(style))) == [str(REFS), str(style)]
    assert app.watched_paths([str(REFS)], ME, app.Request(style="apa")) == [str(REFS)]  # a shipped one
    with pytest.raises(UsageError, match="not standard input"):
        app.watched_paths(["-"], ME, request)
    with pytest.raises(UsageError, match="no --check or --stats"):
        app.watched_paths([str(REFS)], ME, app.Request(stats=True))


def test_options_from_the_command_line_words() -> None:
    selection = make_selection(group_by="kind", group_titles=("journal=Journals",))
    assert selection.titles == {"journal": "Journals"}
    options = make_options(["Chao Jin"], ["student=Ana Li"], ["Ana Li=Li Ana"], "full", None, False, selection)
    assert options.highlights_as == (("student", "Ana Li"),) and options.aliases == (("Ana Li", "Li Ana"),)
    for words, message in (
        ({"group_titles": ("poster=P",)}, "--group-title poster: use a kind"),
        ({"group_titles": ("journal",)}, "--group-title wants KIND=TITLE"),
    ):
        with pytest.raises(UsageError, match=message):
            make_selection(**words)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="--alias wants"):
        make_options([], [], ["alone"], "full", None, False, selection)
    ignored = run(REFS, options=Options(selection=Selection(titles={"journal": "J"})), format_name="json")
    assert ignored.stderr == ("bib2pubs: warning: --group-title names sections of --group-by kind; ignored",)


@pytest.mark.parametrize(
    ("cut", "code", "last"),
    [
        (RuntimeError("a bug"), 70, "bib2pubs: error: internal error: RuntimeError('a bug')"),
        (KeyboardInterrupt(), 130, None),
        (MemoryError(), 1, "bib2pubs: error: out of memory listing"),
        (BrokenPipeError(), 141, None),
    ],
)
def test_what_was_found_before_a_run_is_cut_short_is_still_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cut: BaseException, code: int, last: str | None
) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(THREE + "@misc{broken, title = {Delta}\n", encoding="utf-8")

    def render(*_: object, **__: object) -> str:
        raise cut

    monkeypatch.setattr(app, "render", render)
    outcome = run(bib, format_name="text")
    assert outcome.cut_short is cut and outcome.failure is None and outcome.exit_code == code
    assert any("broken" in line for line in outcome.stderr)
    # The command says those lines, then ends as it ends for that error.
    result = invoke(str(bib), "-H", "Chao Jin", "-f", "text")
    assert result.exit_code == code
    lines = result.stderr.splitlines()
    assert any("broken" in line for line in lines)
    if last is not None:
        assert lines[-1].startswith(last)
        assert next(index for index, line in enumerate(lines) if "broken" in line) < len(lines) - 1


def test_each_line_is_said_as_soon_as_it_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(THREE + "@misc{broken, title = {Delta}\n", encoding="utf-8")
    seen: list[str] = []
    seen_when_rendering: list[str] = []
    real_render = app.render

    def render(*args: Any, **kwargs: Any) -> str:
        seen_when_rendering.extend(seen)
        return real_render(*args, **kwargs)

    monkeypatch.setattr(app, "render", render)
    outcome = run(bib, format_name="text", output=str(tmp_path / "out.txt"), say=seen.append)
    # The reading's diagnostics before the rendering, then what was written; all of them in the outcome too.
    assert any("broken" in line for line in seen_when_rendering)
    assert seen == list(outcome.stderr) and seen[-1] == f"{tmp_path / 'out.txt'}: written"
