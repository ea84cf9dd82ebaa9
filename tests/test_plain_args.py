"""The command lines read without click (``cli.plain_args``) are read as
click reads them: the same parameters, or none at all (click then reads
the line). And a run from them is the run click's reading gives: the same
output, messages, files and exit code, without loading click."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from unittest import mock

import click
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from bib2pubs.cli.command import cli
from bib2pubs.cli.plain_args import CLICK_VARIABLES, DEFAULTS, OPTIONS, read_options, read_plainly
from bib2pubs.cli.settings import config_arguments
from tests.conftest import REFS

#: The options click alone reads: they check, load or convert their value,
#: or print and exit.
LEFT_TO_CLICK = {"--config", "--encoding", "--max-size", "--watch", "--version", "-h", "--help"}


@pytest.fixture(scope="module")
def no_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A working folder with no settings file in it or above it (the search
    stops at the scratch root, which others may write in), and none of the
    variables click reads set."""
    folder = tmp_path_factory.mktemp("plain")
    before = os.getcwd()
    os.chdir(folder)
    clean = {name: value for name, value in os.environ.items() if name not in CLICK_VARIABLES}
    try:
        with mock.patch.dict(os.environ, clean, clear=True):
            yield folder
    finally:
        os.chdir(before)


#: The command's options, --help among them (click adds it).
_PARAMS = [
    param for param in cli.get_params(click.Context(cli, **cli.context_settings)) if isinstance(param, click.Option)
]


def _click_reading(arguments: Sequence[str]) -> dict[str, Any] | None:
    """The parameters click reads from ``arguments``, or None when it
    refuses them or ends (help, version, a usage error)."""
    try:
        with cli.make_context("bib2pubs", list(arguments)) as context:
            return dict(context.params)
    except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
        return None


def test_the_defaults_are_clicks(no_settings: Path) -> None:
    assert read_plainly(["refs.bib"]) == _click_reading(["refs.bib"]) == {**DEFAULTS, "bibfiles": ("refs.bib",)}


def test_the_options_are_read_as_click_declares_them() -> None:
    declared: dict[str, click.Parameter] = {opt: param for param in _PARAMS for opt in param.opts}
    assert set(OPTIONS) | LEFT_TO_CLICK == set(declared)
    assert not set(OPTIONS) & LEFT_TO_CLICK
    for opt, (name, kind, choices) in OPTIONS.items():
        param = declared[opt]
        assert param.name == name, opt
        assert (kind == "flag") == bool(getattr(param, "is_flag", False)), opt
        assert (kind == "many") == param.multiple, opt
        assert tuple(getattr(param.type, "choices", ())) == choices, opt
        if kind == "count":
            assert isinstance(param.type, click.IntRange) and param.type.min == 1 and param.type.max is None, opt
        elif kind == "year":
            assert param.type is click.INT, opt
        elif kind != "flag":
            assert isinstance(param.type, click.Choice if choices else click.types.StringParamType), opt
        # A variable click reads leaves the line to click (CLICK_VARIABLES).
        assert param.envvar is None or param.envvar in CLICK_VARIABLES, opt
        assert param.callback is None and not param.is_eager, opt


#: Command lines read here, each with what it gives beyond the defaults.
READ = [
    (["refs.bib"], {}),
    (["a.bib", "b.bib", "-"], {"bibfiles": ("a.bib", "b.bib", "-")}),
    (["refs.bib", "-H", "Chao Jin", "-f", "markdown"], {"highlights": ("Chao Jin",), "format_name": "markdown"}),
    (["-H", "A", "refs.bib", "--highlight=B", "-H", ""], {"highlights": ("A", "B", "")}),
    (["refs.bib", "-o", "a.md", "--output", "b.md"], {"output": "b.md"}),  # the last one given
    (["refs.bib", "-H", "--explain"], {"highlights": ("--explain",)}),  # click takes it as the value
    (["refs.bib", "--", "-x.bib", "--explain"], {"bibfiles": ("refs.bib", "-x.bib", "--explain")}),
    (["refs.bib", "--since", "2020", "--until=-5"], {"since": 2020, "until": -5}),
    (["refs.bib", "--max-authors", "007", "--max-entries", "3"], {"max_authors": 7, "max_entries": 3}),
    (["refs.bib", "--kind", "journal", "--kind=thesis"], {"kinds": ("journal", "thesis")}),
    (
        ["refs.bib", "--explain", "--strict", "--debug", "--no-config"],
        {"explain": True, "strict": True, "debug": True, "no_config": True},
    ),
    (
        ["refs.bib", "-t", "academicpages", "--set", "title=Full Publications"],
        {"template": "academicpages", "sets": ("title=Full Publications",)},
    ),
]

#: Command lines click must read: each says something click checks,
#: converts, prints or refuses.
LEFT = [
    [],
    ["-H", "Chao Jin"],  # no file
    ["refs.bib", "--help"],
    ["refs.bib", "-h"],
    ["--version"],
    ["refs.bib", "--watch"],
    ["refs.bib", "--config", "mine.toml"],
    ["refs.bib", "-H", "--config=mine.toml"],  # read as a value, but the settings search sees it
    ["refs.bib", "--encoding", "latin-1"],
    ["refs.bib", "--max-size", "1MB"],
    ["refs.bib", "-fhtml"],
    ["refs.bib", "-f=html"],
    ["refs.bib", "--format", "HTML"],
    ["refs.bib", "--explain=yes"],
    ["refs.bib", "--since", "+2020"],
    ["refs.bib", "--since", " 2020"],
    ["refs.bib", "--since", "2_020"],
    ["refs.bib", "--since", "٢٠٢٠"],
    ["refs.bib", "--max-authors", "0"],
    ["refs.bib", "--max-authors", "-1"],
    ["refs.bib", "--kind", "paper"],
    ["refs.bib", "--form", "html"],  # click takes no abbreviation either
    ["refs.bib", "-o"],
    ["refs.bib", "-x"],
]


@pytest.mark.parametrize(("arguments", "given"), READ)
def test_common_lines_are_read_as_click_reads_them(
    arguments: list[str], given: dict[str, Any], no_settings: Path
) -> None:
    expected = {**DEFAULTS, "bibfiles": ("refs.bib",), **given}
    assert read_plainly(arguments) == _click_reading(arguments) == expected


@pytest.mark.parametrize("arguments", LEFT)
def test_other_lines_are_left_to_click(arguments: list[str], no_settings: Path) -> None:
    assert read_plainly(arguments) is None


_NAMES = sorted({opt for param in _PARAMS for opt in param.opts})
_ODD = ["--bogus", "-x", "-fhtml", "-Hx", "--format=html", "--format=", "--explain=1", "--since=20", "--", "-"]
_VALUES = [
    *{choice for _, _, choices in OPTIONS.values() for choice in choices},
    *["0", "1", "7", "-3", "+4", " 5", "٣", "2020", "1_000", "", "x", "Chao Jin", "a=b", "refs.bib", "--no-config"],
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([*_NAMES, *_ODD, *_VALUES]), max_size=8))
def test_any_line_read_here_is_read_as_click_reads_it(arguments: list[str]) -> None:
    with _in_folder_without_settings():
        params = read_plainly(arguments)
        if params is not None:
            assert _click_reading(arguments) == params
        # Without the settings search, the same reading, but where
        # --config is named (read_plainly leaves that to click).
        if config_arguments(arguments)[0] is None:
            assert read_options(arguments) == params


class _in_folder_without_settings:
    """The scratch root, where the settings search stops, with none of the
    variables click reads."""

    def __enter__(self) -> None:
        self._before = os.getcwd()
        self._environ = mock.patch.dict(
            os.environ, {k: v for k, v in os.environ.items() if k not in CLICK_VARIABLES}, clear=True
        )
        self._environ.start()
        os.chdir(_SCRATCH)

    def __exit__(self, *_: object) -> None:
        os.chdir(self._before)
        self._environ.stop()


_SCRATCH = Path(tempfile.gettempdir())


def test_a_settings_file_is_left_to_click(no_settings: Path) -> None:
    project = no_settings / "project"
    (project / ".git").mkdir(parents=True)
    (project / "sub").mkdir()
    before = os.getcwd()
    os.chdir(project / "sub")
    try:
        assert read_plainly(["refs.bib"]) is not None
        (project / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
        assert read_plainly(["refs.bib"]) is not None  # no table of ours in it
        (project / "pyproject.toml").write_text("[tool.bib2pubs]\nhighlight = 'A'\n", encoding="utf-8")
        assert read_plainly(["refs.bib"]) is None
        # --no-config: the file is not read, by click either.
        read = read_plainly(["refs.bib", "--no-config"])
        assert read is not None and read == _click_reading(["refs.bib", "--no-config"])
        (project / "pyproject.toml").unlink()
        (project / "bib2pubs.toml").write_text("highlight = 'A'\n", encoding="utf-8")
        assert read_plainly(["refs.bib"]) is None
    finally:
        os.chdir(before)


def test_the_variables_are_those_click_reads() -> None:
    # The options' own, and the one that makes click complete a shell's line.
    declared = {param.envvar for param in _PARAMS if param.envvar}
    completion = CliRunner().invoke(cli, [], prog_name="bib2pubs", env={"_BIB2PUBS_COMPLETE": "bash_source"})
    assert completion.exit_code == 0 and "_BIB2PUBS_COMPLETE=bash_complete" in completion.output
    assert set(CLICK_VARIABLES) == {*declared, "_BIB2PUBS_COMPLETE"}


@pytest.mark.parametrize("variable", CLICK_VARIABLES)
def test_a_variable_click_reads_leaves_the_line_to_click(variable: str, no_settings: Path) -> None:
    with mock.patch.dict(os.environ, {variable: "5"}):
        assert read_plainly(["refs.bib"]) is None


# A run, in a new interpreter, through the console entry point or through
# click; the last line of its standard error says whether click loaded.
_PROBE = """import os, sys
real_exit = os._exit
def ended(code):
    os.write(2, ("\\nCLICK " + str("click" in sys.modules)).encode())
    real_exit(code)
os._exit = ended
mode = sys.argv[1]
sys.argv = ["bib2pubs", *sys.argv[2:]]
if mode == "entry":
    from bib2pubs.cli.entry import main
else:
    from bib2pubs.cli.command import main
main()
"""


def _run(
    mode: str, arguments: Sequence[str], folder: Path, stdin: bytes = b"", **variables: str
) -> tuple[int, bytes, str, bool]:
    """Exit code, standard output, standard error and whether click loaded."""
    environ = {k: v for k, v in os.environ.items() if k not in CLICK_VARIABLES}
    environ.update(variables)  # bib2pubs as this run imports it (the compiled copy, for test_compiled)
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, mode, *arguments],
        input=stdin,
        capture_output=True,
        timeout=120,
        cwd=folder,
        env=environ,
    )
    stderr, marked, loaded = result.stderr.decode("utf-8", "surrogateescape").rpartition("\nCLICK ")
    assert marked, result.stderr  # the run ended at os._exit, as the command does
    return result.returncode, result.stdout, stderr, loaded == "True"


BROKEN = """@article{fine, title = {Fine}, author = {Ann Lee}, journal = {J. Things}, year = 2020}
@article{broken, title = {Unclosed, author = {Bo Wu}, year = 2021
@article{late, title = {Late}, author = {Ann Lee}, journal = {J. Things}, year = 2019, month = {Winter}}
"""

RUNS = [
    ["refs.bib", "-f", "text"],
    ["refs.bib", "-H", "Chao Jin", "-f", "markdown"],
    ["refs.bib", "-H", "Chao Jin", "-t", "academicpages", "-o", "out.md"],
    ["refs.bib", "-o", "out.html", "--check"],  # no such file yet: out of date
    ["refs.bib", "-H", "Nobody Here", "--explain", "-f", "text"],
    ["refs.bib", "--group-by", "kind", "--sort", "title", "--since", "2020", "--kind", "conference", "-f", "html"],
    ["refs.bib", "--stats"],
    ["refs.bib"],  # a pipe, not a terminal: plain text
    ["refs.bib", "--max-entries", "1", "-f", "text"],  # refused
    ["refs.bib", "--strict", "-f", "text"],
    ["refs.bib", "-t", "no-such-template"],
    ["missing.bib", "-f", "text"],
    ["broken.bib", "-f", "json", "-o", "out.json"],
    ["-", "-f", "bibtex", "--bibtex-drop", "abstract"],
    ["refs.bib", "--split", "pubs", "--split-name", "{key}.md"],
    ["refs.bib", "--highlight-as", "nonsense", "-f", "text"],  # a usage error found after reading
]


@pytest.mark.parametrize("arguments", RUNS, ids=" ".join)
def test_a_run_read_without_click_is_the_run_click_reads(arguments: list[str], tmp_path: Path) -> None:
    outcomes = []
    for mode in ("entry", "command"):
        folder = tmp_path / mode
        folder.mkdir()
        shutil.copy(REFS, folder / "refs.bib")
        (folder / "broken.bib").write_text(BROKEN, encoding="utf-8")
        code, stdout, stderr, loaded = _run(mode, arguments, folder, stdin=BROKEN.encode())
        assert loaded == (mode == "command"), stderr
        files = {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()}
        outcomes.append((code, stdout, stderr, files))
    assert outcomes[0] == outcomes[1]
    assert "Traceback" not in outcomes[0][2]


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_messages_are_written_as_click_writes_them_to_a_stream_not_set_to_utf8(encoding: str, tmp_path: Path) -> None:
    # click writes UTF-8 to a stream set to ASCII (running.say asks it to).
    outcomes = []
    for mode in ("entry", "command"):
        folder = tmp_path / mode
        folder.mkdir()
        (folder / "é.bib").write_text(BROKEN.replace("Ann Lee", "Ana Šimić"), encoding="utf-8")
        arguments = ["é.bib", "missing-ü.bib", "-f", "text"]
        outcomes.append(_run(mode, arguments, folder, PYTHONIOENCODING=encoding)[:3])
    assert outcomes[0] == outcomes[1]
    expected = "missing-ü.bib" if encoding == "ascii" else "missing-\udcfc.bib"  # UTF-8 from click; else as set
    assert f"{expected}: error" in outcomes[0][2]


def test_a_line_left_to_click_runs_as_before(tmp_path: Path) -> None:
    shutil.copy(REFS, tmp_path / "refs.bib")
    code, stdout, stderr, loaded = _run("entry", ["refs.bib", "-fhtml"], tmp_path)
    assert loaded and code == 0 and stdout.startswith(b"<")
    code, stdout, stderr, loaded = _run("entry", ["refs.bib", "--format", "HTML"], tmp_path)
    assert loaded and code == 2 and "'HTML' is not one of" in stderr
    (tmp_path / "bib2pubs.toml").write_text('format = "json"\n', encoding="utf-8")
    code, stdout, stderr, loaded = _run("entry", ["refs.bib"], tmp_path)
    assert loaded and code == 0 and stdout.startswith(b"{")
