"""The command line, end to end: options, outputs, messages and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bib2pubs.version import __version__
from tests.conftest import REFS, ROOT, invoke

GOOD = """@inproceedings{first,
  title = {First Paper},
  author = {Jin, Chao and Doe, Jane},
  booktitle = {Proceedings of Something},
  year = 2024,
}
"""
BROKEN_MIDDLE = """@article{before, title = {Before}, author = {Jin, Chao}, journal = {J}, year = 2023}

@article{broken,
  title = {Unbalanced {brace},
  author = {Doe, Jane},
  year = 2022,
}

@article{after, title = {After}, author = {Doe, Jane}, journal = {J}, year = 2021}
"""


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"bib2pubs, version {__version__}"


def test_help_lists_every_option_and_examples() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    for option in ("--highlight", "--format", "--template", "--set", "--output", "--version", "--debug"):
        assert option in result.stdout
    assert 'bib2pubs refs.bib --highlight "Chao Jin"' in result.stdout
    assert "Exit codes" in result.stdout


def test_no_arguments_is_a_usage_error() -> None:
    result = invoke()
    assert result.exit_code == 2
    assert "Missing argument 'BIBFILE...'" in result.stderr


def test_missing_file_exit_2(tmp_path: Path) -> None:
    result = invoke(str(tmp_path / "nope.bib"))
    assert result.exit_code == 2
    assert result.stderr == f"{tmp_path / 'nope.bib'}: error: no such file\n"
    assert result.stdout == ""


def test_directory_given_as_input(tmp_path: Path) -> None:
    result = invoke(str(tmp_path))
    assert result.exit_code == 2
    assert "is a directory" in result.stderr


def test_piped_output_defaults_to_text(write_bib) -> None:  # type: ignore[no-untyped-def]
    result = invoke(str(write_bib(GOOD)), "-H", "Chao Jin")
    assert result.exit_code == 0
    assert result.stdout.startswith("2024\n----\n\nFirst Paper\n    Chao Jin, Jane Doe\n")


def test_broken_entry_is_reported_and_its_neighbours_listed(write_bib) -> None:  # type: ignore[no-untyped-def]
    path = write_bib(BROKEN_MIDDLE)
    result = invoke(str(path), "-f", "markdown")
    assert result.exit_code == 0
    assert f"{path}:4: error: broken: unbalanced braces in field 'title'; entry skipped" in result.stderr
    assert "**Before**" in result.stdout and "**After**" in result.stdout
    assert "Unbalanced" not in result.stdout


def test_json_model_has_every_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = invoke("refs.bib", "-H", "Chao Jin", "--format", "json")
    assert result.exit_code == 0
    model = json.loads(result.stdout)
    assert set(model) == {"version", "groups", "diagnostics"}
    assert model["version"] == 2
    assert [group["title"] for group in model["groups"]] == ["2025", "2024", "2023", "2022"]
    entry = model["groups"][1]["entries"][2]
    assert entry["key"] == "zhang2024jolteon"
    assert {"key", "type", "kind", "title", "year", "month", "authors", "venue", "links", "hidden", "selected"} <= set(
        entry
    )
    assert (entry["type"], entry["kind"], entry["year"], entry["month"]) == ("inproceedings", "conference", 2024, 4)
    assert entry["venue"] == {
        "name": "USENIX Symposium on Networked Systems Design and Implementation",
        "short": "NSDI",
        "label": "NSDI 2024",
        "url": "https://www.usenix.org/conference/nsdi24",
        "location": "Santa Clara",
        "dates": "April 16–18, 2024",
    }
    assert entry["links"] == {
        "pdf": "/files/papers/NSDI24-Jolteon.pdf",
        "slides": "/files/slides/NSDI24-Jolteon-slides.pdf",
    }
    assert entry["locators"]["publisher"] == "USENIX Association"
    assert entry["identifiers"] == {"doi": "", "arxiv": "", "isbn": "", "issn": ""}
    me = entry["authors"][1]
    assert me == {
        "first": "Chao",
        "von": "",
        "last": "Jin",
        "jr": "",
        "display": "Chao Jin",
        "highlight": "self",
        "marks": [],
    }
    assert entry["authors"][2]["highlight"] is None  # Xin Jin is someone else
    hidden = model["groups"][0]["entries"][0]
    assert hidden["hidden"] is True and hidden["links"] == {"pdf": ""}
    assert [person["marks"] for person in hidden["authors"][:3]] == [["equal"], ["equal"], []]
    assert model["diagnostics"] == []


def test_json_diagnostics_are_data(write_bib) -> None:  # type: ignore[no-untyped-def]
    path = write_bib(BROKEN_MIDDLE)
    model = json.loads(invoke(str(path), "-f", "json").stdout)
    assert model["diagnostics"] == [
        {
            "file": str(path),
            "line": 4,
            "key": "broken",
            "level": "error",
            "message": "unbalanced braces in field 'title'; entry skipped",
        }
    ]


def test_output_file_written_then_left_untouched(tmp_path: Path) -> None:
    out = tmp_path / "publications.md"
    first = invoke(str(REFS), "-H", "Chao Jin", "-t", "academicpages", "-o", str(out))
    assert first.exit_code == 0
    assert first.stderr == f"{out}: written\n"
    os.utime(out, (1_000_000_000, 1_000_000_000))
    second = invoke(str(REFS), "-H", "Chao Jin", "-t", "academicpages", "-o", str(out))
    assert second.stderr == f"{out}: unchanged\n"
    assert out.stat().st_mtime == 1_000_000_000
    printed = invoke(str(REFS), "-H", "Chao Jin", "-t", "academicpages")
    assert out.read_text(encoding="utf-8") == printed.stdout


@pytest.mark.parametrize(
    ("suffix", "starts"),
    [(".md", "## 2025"), (".html", '<div class="pubs">'), (".txt", "2025\n----"), (".json", "{")],
)
def test_format_follows_the_output_suffix(tmp_path: Path, suffix: str, starts: str) -> None:
    out = tmp_path / f"pubs{suffix}"
    assert invoke(str(REFS), "-o", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith(starts)


def test_unknown_output_suffix(tmp_path: Path) -> None:
    result = invoke(str(REFS), "-o", str(tmp_path / "pubs.docx"))
    assert result.exit_code == 2
    assert "cannot tell the format" in result.stderr and "--format" in result.stderr


def test_format_and_template_must_agree() -> None:
    result = invoke(str(REFS), "-f", "html", "-t", "academicpages")
    assert result.exit_code == 2
    assert result.stderr == "bib2pubs: error: template 'academicpages' writes markdown, not html\n"


def test_unknown_template_names_the_builtins() -> None:
    result = invoke(str(REFS), "-t", "jekyll-fancy")
    assert result.exit_code == 2
    assert "no template 'jekyll-fancy'" in result.stderr
    assert "academicpages, al-folio, html, html-page, latex, latex-document, markdown, text" in result.stderr


def test_user_template_extends_a_builtin(tmp_path: Path) -> None:
    mine = tmp_path / "mine.md.j2"
    mine.write_text(
        '{% extends "builtin/academicpages.md.j2" %}\n{% block front_matter %}# {{ title }}\n\n{% endblock %}\n',
        encoding="utf-8",
    )
    result = invoke(str(REFS), "-H", "Chao Jin", "-t", str(mine), "--set", "title=Papers")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("# Papers\n\n## 2025\n")
    assert "**Chao Jin**\\*" in result.stdout


def test_template_error_names_file_and_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.md.j2"
    broken.write_text("line one\n{{ groups[0].nonexistent_attribute }}\n", encoding="utf-8")
    result = invoke(str(REFS), "-t", str(broken))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{broken}:2: error: template error:")
    assert "Traceback" not in result.stderr


def test_template_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    broken = tmp_path / "syntax.md.j2"
    broken.write_text("ok\n{% for x in %}\n", encoding="utf-8")
    result = invoke(str(REFS), "-t", str(broken))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{broken}:2: error: ")


def test_set_needs_key_value() -> None:
    result = invoke(str(REFS), "-t", "academicpages", "--set", "no-equals-sign")
    assert result.exit_code == 2
    assert "--set wants KEY=VALUE" in result.stderr


def test_set_variable_no_template_uses_is_reported() -> None:
    result = invoke(str(REFS), "-t", "academicpages", "--set", "titel=Typo")
    assert result.exit_code == 0
    assert "bib2pubs: warning: --set titel: the template does not use 'titel'" in result.stderr


def test_set_title_reaches_the_page() -> None:
    result = invoke(str(REFS), "-t", "academicpages", "--set", 'title=My "Best" Papers')
    assert 'title: "My \\"Best\\" Papers"' in result.stdout


def test_nothing_read_leaves_existing_output_alone(tmp_path: Path, write_bib) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "publications.md"
    out.write_text("the page as it was\n", encoding="utf-8")
    empty = write_bib("% only a comment\n", "empty.bib")
    result = invoke(str(empty), "-o", str(out))
    assert result.exit_code == 1
    assert "no entry could be read" in result.stderr and "left as it was" in result.stderr
    assert out.read_text(encoding="utf-8") == "the page as it was\n"


def test_failed_run_leaves_existing_output_alone(tmp_path: Path) -> None:
    out = tmp_path / "publications.md"
    out.write_text("the page as it was\n", encoding="utf-8")
    bad_template = tmp_path / "bad.md.j2"
    bad_template.write_text("{{ undefined_variable }}", encoding="utf-8")
    result = invoke(str(REFS), "-t", str(bad_template), "-o", str(out))
    assert result.exit_code == 1
    assert out.read_text(encoding="utf-8") == "the page as it was\n"


def test_output_into_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    out = tmp_path / "no" / "such" / "dir" / "p.md"
    result = invoke(str(REFS), "-o", str(out))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{out}: error: cannot write here:")


def test_standard_input() -> None:
    result = invoke("-", "-f", "markdown", "-H", "Chao Jin", input=GOOD)
    assert result.exit_code == 0
    assert "**Chao Jin**, Jane Doe" in result.stdout


def test_several_highlights_and_several_files(write_bib) -> None:  # type: ignore[no-untyped-def]
    one = write_bib(GOOD, "one.bib")
    two = write_bib("@misc{other, title = {Other}, author = {Doe, J.}, year = 2020}", "two.bib")
    result = invoke(str(one), str(two), "-H", "Chao Jin", "-H", "Jane Doe", "-f", "json")
    groups = json.loads(result.stdout)["groups"]
    assert [group["title"] for group in groups] == ["2024", "2020"]
    people = [(a["display"], a["highlight"]) for g in groups for e in g["entries"] for a in e["authors"]]
    assert people == [("Chao Jin", "self"), ("Jane Doe", "self"), ("J. Doe", "self")]


def test_empty_highlight_is_a_usage_error() -> None:
    result = invoke(str(REFS), "-H", "  ")
    assert result.exit_code == 2
    assert "--highlight needs a name" in result.stderr


def test_python_dash_m_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bib2pubs", "--version"], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0
    assert result.stdout.strip() == f"bib2pubs, version {__version__}"


def test_broken_pipe_is_quiet() -> None:
    # `bib2pubs refs.bib | head -1`: no traceback when the reader stops early.
    big = ROOT / "tests" / "corpus" / "pybtex" / "tugboat.bib"  # megabytes of output
    script = (
        f"{sys.executable} -m bib2pubs {REFS} -f text | head -1; "
        f"{sys.executable} -m bib2pubs {big} -f json 2>/dev/null | head -c 1 >/dev/null; "
        f"{sys.executable} -m bib2pubs {big} -f json | head -c 1 >/dev/null"
    )
    result = subprocess.run(["sh", "-c", script], capture_output=True, text=True, check=False, timeout=60)
    assert result.stdout == "2025\n"
    assert "Traceback" not in result.stderr
    assert all(line.startswith(f"{big}:") for line in result.stderr.splitlines())  # diagnostics only


@pytest.mark.parametrize("args", [(), ("-f", "json"), ("-f", "text", "-o", "-"), ("--stats",), ("--watch",)])
def test_a_closed_standard_output_is_one_clear_error(args: tuple[str, ...]) -> None:
    # `bib2pubs refs.bib >&-` was an internal error (exit 70).
    command = " ".join([sys.executable, "-m", "bib2pubs", str(REFS), *args])
    result = subprocess.run(["sh", "-c", f"{command} >&-"], capture_output=True, text=True, check=False, timeout=60)
    assert result.returncode == 1
    assert result.stderr == "bib2pubs: error: standard output is closed; use -o FILE\n"


def test_a_closed_standard_output_is_no_matter_with_a_file(tmp_path: Path) -> None:
    out = tmp_path / "pubs.md"
    command = f"{sys.executable} -m bib2pubs {REFS} -o {out} >&-"
    result = subprocess.run(["sh", "-c", command], capture_output=True, text=True, check=False, timeout=60)
    assert result.returncode == 0 and result.stderr == f"{out}: written\n"
    assert out.read_text(encoding="utf-8").startswith("## 2025\n")


@pytest.mark.parametrize("format_name", ["text", "json"])
def test_a_reader_gone_away_ends_the_run_as_sigpipe_ends_other_commands(format_name: str) -> None:
    import signal

    big = ROOT / "tests" / "corpus" / "pybtex" / "tugboat.bib"  # more output than a pipe holds
    with subprocess.Popen(
        [sys.executable, "-m", "bib2pubs", str(big), "-f", format_name],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.read(10)
        process.stdout.close()  # as `| head -c 10` does
        stderr = process.stderr.read().decode()
        assert process.wait(timeout=60) == -signal.SIGPIPE  # 141 in the shell, as for cat or grep
    assert "Traceback" not in stderr and "internal error" not in stderr


def test_a_broken_pipe_in_python_ends_with_the_status_of_sigpipe(monkeypatch: pytest.MonkeyPatch) -> None:
    # Where the signal is ignored (a caller in Python), the same status.
    def gone(_: str) -> None:
        raise BrokenPipeError

    monkeypatch.setattr("bib2pubs.cli.running.write_stdout", gone)
    result = invoke(str(REFS), "-f", "text")
    assert result.exit_code == 141 and result.stderr == ""


def test_watch_stops_when_nobody_reads_its_output(monkeypatch: pytest.MonkeyPatch) -> None:
    import bib2pubs.cli.watch

    polls: list[int] = []
    watch = bib2pubs.cli.watch.watch

    def bounded(paths, run_once):  # type: ignore[no-untyped-def]
        # A few polls, not forever: a watch that went on returns after them.
        return watch(paths, run_once, rounds=3, sleep=lambda _: polls.append(1))

    def gone(_: str) -> None:
        raise BrokenPipeError

    monkeypatch.setattr("bib2pubs.cli.running.write_stdout", gone)
    monkeypatch.setattr(bib2pubs.cli.watch, "watch", bounded)
    result = invoke(str(REFS), "-f", "text", "--no-config", "--watch")
    assert result.exit_code == 141
    assert polls == []  # stopped at the first run


HEAVY = ("rich", "jinja2", "pylatexenc", "bibtexparser")


def _modules_after(code: str) -> list[str]:
    probe = f"import sys\n{code}\nprint(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60)
    return eval(result.stdout.strip().splitlines()[-1])  # a printed list of names


def test_importing_the_cli_loads_no_heavy_module() -> None:
    assert _modules_after("import bib2pubs.cli.command") == []


def test_each_format_loads_only_what_it_needs(tmp_path: Path) -> None:
    run = (
        "from bib2pubs.cli.command import cli\ncli.main([{bib!r}, '-f', {fmt!r}, '-o', {out!r}], standalone_mode=False)"
    )
    # Plain text, what pipes and Makefiles take, and the HTML and Markdown
    # lists are written without Jinja; the other templates need it.
    for fmt, expected in (("json", []), ("text", []), ("html", []), ("markdown", []), ("latex", ["jinja2"])):
        code = run.format(bib=str(REFS), fmt=fmt, out=str(tmp_path / f"out.{fmt}"))
        assert _modules_after(code) == expected, fmt


@pytest.mark.parametrize(
    ("format_name", "template", "output", "tty", "chosen"),
    [
        (None, None, None, True, None),  # a terminal gets the preview
        (None, None, None, False, "text"),  # a pipe gets plain text
        (None, None, "-", True, "text"),
        (None, "academicpages", None, True, "markdown"),  # the template says its format
        (None, None, "p.html", True, "html"),  # so does the output's suffix
        ("json", None, "p.txt", True, "json"),  # --format wins over the suffix
        (None, "html", "p.md", False, "html"),  # and so does the template
    ],
)
def test_format_choice(
    monkeypatch: pytest.MonkeyPatch,
    format_name: str | None,
    template: str | None,
    output: str | None,
    tty: bool,
    chosen: str | None,
) -> None:
    from bib2pubs import app

    monkeypatch.setattr(app.sys.stdout, "isatty", lambda: tty)
    assert app._choose_format(format_name, template, output)[0] == chosen


def test_output_named_like_another_format_is_warned_about(tmp_path: Path) -> None:
    out = tmp_path / "pubs.html"
    result = invoke(str(REFS), "-t", "academicpages", "-o", str(out))
    assert result.exit_code == 0
    assert f"{out}: warning: writing markdown into a file named like another format" in result.stderr


def test_reserved_template_names_cannot_be_set() -> None:
    result = invoke(str(REFS), "-f", "text", "--set", "groups=x")
    assert result.exit_code == 2
    assert "--set groups: the templates already use that name" in result.stderr


def test_bad_set_value_is_a_template_error_not_a_crash(tmp_path: Path) -> None:
    template = tmp_path / "narrow.txt.j2"
    template.write_text("{% for group in groups %}\n{{ group.title|wordwrap(width|int) }}\n{% endfor %}\n")
    result = invoke(str(REFS), "-t", str(template), "--set", "width=abc")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{template}:2: ")
    assert "template error (ValueError)" in result.stderr


def test_highlight_that_matches_nobody_is_reported() -> None:
    result = invoke(str(REFS), "-f", "text", "-H", "Chao Jn")
    assert result.exit_code == 0
    assert "bib2pubs: warning: --highlight 'Chao Jn' matches nobody in the listing" in result.stderr


def test_name_bolded_by_hand_is_highlighted_without_an_option(write_bib) -> None:  # type: ignore[no-untyped-def]
    path = write_bib(
        "@article{k, title = {T}, author = {Doe, Jane and \\textbf{Jin, Chao}}, journal = {J}, year = 2024}"
    )
    assert "Jane Doe, **Chao Jin**" in invoke(str(path), "-f", "markdown").stdout


def test_placeholder_links_show_only_in_hidden_entries(write_bib) -> None:  # type: ignore[no-untyped-def]
    path = write_bib(
        "@misc{draft, title = {Draft}, author = {Jin, Chao}, year = 2024, pdf = {}, hidden = {true}}\n"
        "@misc{public, title = {Public}, author = {Jin, Chao}, year = 2024, pdf = {}, code = {/code}}\n"
    )
    page = invoke(str(path), "-t", "academicpages").stdout
    assert "<!-- **Draft**  \nChao Jin  \n*2024.*  \n[**[PDF]()**] -->" in page
    assert "**Public**  \nChao Jin  \n*2024.*  \n[**[Code](/code)**]\n" in page


def test_editors_are_listed_when_there_are_no_authors(write_bib) -> None:  # type: ignore[no-untyped-def]
    path = write_bib("@book{k, title = {Handbook}, editor = {Jin, Chao and Doe, Jane}, publisher = {P}, year = 2024}")
    assert "**Chao Jin**, Jane Doe (eds.)" in invoke(str(path), "-f", "markdown", "-H", "Chao Jin").stdout
    assert "Chao Jin, Jane Doe (eds.)" in invoke(str(path), "-f", "text").stdout


def test_stray_brace_keeps_the_fields_after_it(write_bib) -> None:  # type: ignore[no-untyped-def]
    path = write_bib("@article{a,\n  title = {Extra close}},\n  author = {Jin, Chao}, journal = {J}, year = 2020,\n}\n")
    result = invoke(str(path), "-f", "text")
    assert result.stdout.startswith("2020\n----\n\nExtra close\n    Chao Jin\n    J, 2020.\n")
    assert f"{path}:2: warning: a: a stray '}}' closed the entry early; the fields after it are kept" in result.stderr


def test_duplicate_keys_are_reported_and_both_listed(write_bib) -> None:  # type: ignore[no-untyped-def]
    path = write_bib("@misc{k, title = {One}, year = 2020}\n@misc{K, title = {Two}, year = 2020}\n")
    result = invoke(str(path), "-f", "text")
    assert "One" in result.stdout and "Two" in result.stdout
    assert f"{path}:2: warning: K: duplicate key (first at line 1); both are listed" in result.stderr


def test_every_option_is_documented_in_the_readme() -> None:
    from bib2pubs.cli.command import cli as command

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    options = [opt for param in command.params for opt in param.opts if opt.startswith("--")]
    assert options, "no options found"
    assert [opt for opt in options if f"`{opt}" not in readme and f", {opt}" not in readme] == []


def test_output_may_not_overwrite_an_input(tmp_path: Path, write_bib) -> None:  # type: ignore[no-untyped-def]
    bib = write_bib(GOOD)
    alias = tmp_path / "alias.md"
    alias.symlink_to(bib)
    for target in (bib, alias):
        result = invoke(str(bib), "-t", "academicpages", "-o", str(target))
        assert result.exit_code == 2
        assert f"bib2pubs: error: -o {target} would overwrite the input {bib}" in result.stderr
    assert bib.read_text(encoding="utf-8") == GOOD


def test_empty_output_name_is_a_usage_error() -> None:
    result = invoke(str(REFS), "-o", "")
    assert result.exit_code == 2
    assert "-o needs a file name" in result.stderr


def test_the_readme_template_example_works(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = readme.split("```jinja\n", 1)[1].split("```", 1)[0]
    mine = tmp_path / "mine.md.j2"
    mine.write_text(example, encoding="utf-8")
    result = invoke(str(REFS), "-H", "Chao Jin", "-t", str(mine))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("# Publications\n\n## 2025\n")


def test_highlighted_editor_counts_as_a_match(write_bib) -> None:  # type: ignore[no-untyped-def]
    path = write_bib("@proceedings{p, title = {Proc.}, editor = {Jin, Chao and others}, year = 2024}")
    result = invoke(str(path), "-f", "markdown", "-H", "Chao Jin")
    assert "**Chao Jin**, et al. (eds.)" in result.stdout
    assert "matches nobody" not in result.stderr


def test_biblatex_sets_and_xdata_are_not_listed(write_bib) -> None:  # type: ignore[no-untyped-def]
    path = write_bib(
        "@set{s, entryset = {a,b}}\n@xdata{x, journal = {J}}\n@article{a, title = {A}, xdata = {x}, year = 2020}\n"
    )
    model = json.loads(invoke(str(path), "-f", "json").stdout)
    assert [entry["key"] for group in model["groups"] for entry in group["entries"]] == ["a"]


def test_template_dir_templates_come_before_the_builtins(tmp_path: Path) -> None:
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "mine.txt.j2").write_text("{{ groups|length }} groups\n", encoding="utf-8")
    (folder / "academicpages.md.j2").write_text(
        '{% extends "builtin/academicpages.md.j2" %}\n{% block front_matter %}# Mine\n\n{% endblock %}\n',
        encoding="utf-8",
    )
    mine = invoke(str(REFS), "--template-dir", str(folder), "-t", "mine")
    assert mine.exit_code == 0, mine.stderr
    assert mine.stdout == "4 groups\n"
    replaced = invoke(str(REFS), "--template-dir", str(folder), "-t", "academicpages")
    assert replaced.stdout.startswith("# Mine\n\n## 2025\n")
    missing = invoke(str(REFS), "--template-dir", str(tmp_path / "nope"), "-t", "mine")
    assert missing.exit_code == 2 and "--template-dir" in missing.stderr


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["-f", "json"], 0),  # megabytes of JSON through a pipe, every byte of it
        (["-f", "text", "--set", "width=abc"], 2),
        (["-f", "nonsense"], 2),
    ],
)
def test_the_command_ends_with_its_output_whole_and_its_exit_code(args: list[str], code: int) -> None:
    big = ROOT / "tests" / "corpus" / "pybtex" / "tugboat.bib"
    command = [sys.executable, "-m", "bib2pubs", str(big), *args]
    result = subprocess.run(command, capture_output=True, check=False, timeout=120)
    assert result.returncode == code
    expected = invoke(str(big), *args)
    assert expected.exit_code == code
    assert result.stdout == expected.stdout_bytes
    # In-process, click names the command after its function.
    assert (
        result.stderr.decode()
        .replace("bib2pubs [OPTIONS]", "cli [OPTIONS]")
        .replace("'bib2pubs --help'", "'cli --help'")
        == expected.stderr
    )


def test_help_names_the_environment_variables() -> None:
    shown = invoke("--help").stdout
    assert "BIB2PUBS_JOBS=2" in shown and "BIB2PUBS_NO_CACHE=1" in shown
