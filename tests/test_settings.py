"""Settings files: bib2pubs.toml and [tool.bib2pubs], found from the working
directory, overridden by the command line."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bib2pubs.cli.command import cli
from tests.conftest import REFS

BIB = "@article{a, title={Serving}, author={Jin, Chao and Li, Ana and Shi, Haoyue}, journal={J}, year=2024}\n"


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Path]:
    """A CV repository (with .git) as the working directory."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "refs.bib").write_text(BIB, encoding="utf-8")
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(old)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_settings_file_gives_the_options(repo: Path) -> None:
    (repo / "bib2pubs.toml").write_text(
        'highlight = "Chao Jin"\n'
        'highlight-as = { student = ["Ana Li"] }\n'
        'alias = [["Freda Shi", "Haoyue Shi"]]\n'
        'format = "markdown"\n'
        'name_style = "initials"\n',
        encoding="utf-8",
    )
    result = run("refs.bib")
    assert result.exit_code == 0, result.stderr
    assert "**C. Jin**, <u>A. Li</u>, H. Shi  \n" in result.stdout
    # --highlight-as on the command line replaces the file's: Ana Li is no longer underlined.
    result = run("refs.bib", "--highlight-as", "friend=Freda Shi")
    assert "**C. Jin**, A. Li, <u>H. Shi</u>  \n" in result.stdout


def test_pyproject_table_is_read_from_a_subfolder(repo: Path) -> None:
    (repo / "pyproject.toml").write_text(
        '[project]\nname = "cv"\n\n[tool.bib2pubs]\nhighlights = ["Ana Li"]\n', encoding="utf-8"
    )
    (repo / "pages").mkdir()
    os.chdir(repo / "pages")
    result = run("../refs.bib", "-o", "out.md")
    assert result.exit_code == 0, result.stderr
    assert "**Ana Li**" in (repo / "pages" / "out.md").read_text(encoding="utf-8")


def test_paths_in_the_file_are_relative_to_it(repo: Path) -> None:
    (repo / "tpl").mkdir()
    (repo / "tpl" / "mine.txt.j2").write_text("{{ groups|length }} year(s)\n", encoding="utf-8")
    (repo / "bib2pubs.toml").write_text('template = "tpl/mine.txt.j2"\n', encoding="utf-8")
    (repo / "sub").mkdir()
    os.chdir(repo / "sub")
    result = run("../refs.bib")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "1 year(s)\n"


def test_a_style_file_in_the_settings_is_relative_to_it_and_a_name_is_a_name(repo: Path) -> None:
    shipped = Path(__file__).parent.parent / "bib2pubs" / "rendering" / "styles" / "ieee.csl"
    (repo / "styles").mkdir()
    (repo / "styles" / "mine.csl").write_bytes(shipped.read_bytes())
    (repo / "bib2pubs.toml").write_text('style = "styles/mine.csl"\n', encoding="utf-8")
    (repo / "sub").mkdir()
    os.chdir(repo / "sub")
    result = run("../refs.bib", "-f", "text")
    assert result.exit_code == 0, result.stderr
    assert "“" in result.stdout  # IEEE quotes the title
    (repo / "bib2pubs.toml").write_text('style = "apa"\nset = { width = 60 }\n', encoding="utf-8")
    result = run("../refs.bib", "-f", "text")
    assert result.exit_code == 0, result.stderr


def test_no_config_and_explicit_config(repo: Path) -> None:
    (repo / "bib2pubs.toml").write_text('highlight = "Chao Jin"\nformat = "markdown"\n', encoding="utf-8")
    (repo / "other.toml").write_text('highlight = "Ana Li"\nformat = "markdown"\n', encoding="utf-8")
    assert "**Chao Jin**" in run("refs.bib").stdout
    assert "Chao Jin, Ana Li" in run("refs.bib", "--no-config", "-f", "markdown").stdout
    assert "**Ana Li**" in run("refs.bib", "--config", "other.toml").stdout
    assert "**Ana Li**" in run("refs.bib", "--config=other.toml").stdout


def test_the_search_stops_at_the_repository_root(repo: Path) -> None:
    (repo.parent / "bib2pubs.toml").write_text('highlight = "Chao Jin"\n', encoding="utf-8")
    try:
        assert "Chao Jin, Ana Li" in run("refs.bib", "-f", "markdown").stdout
    finally:
        (repo.parent / "bib2pubs.toml").unlink()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('hilight = "Chao Jin"\n', "unknown setting 'hilight'"),
        ("max-authors = [1, 2]\n", "'max-authors' wants a single value"),
        ('explain = "yes"\n', "'explain' wants true or false"),
        ("highlight = [1]\n", "'highlight' wants text or a list of text"),
        ('highlight = "Chao Jin\n', "bib2pubs.toml: "),
        ('name-style = "fancy"\n', "'fancy' is not one of"),
        ("max-authors = 0\n", "0 is not in the range x>=1"),
        ("word = { pdf = { a = 1 } }\n", "'word' wants a table of text"),
        ("set = { title = [[1]] }\n", "'set' wants a table of text"),
        ('locale = "xx"\n', "--locale xx: no such language"),
    ],
)
def test_bad_settings_are_usage_errors_naming_the_file(repo: Path, text: str, message: str) -> None:
    (repo / "bib2pubs.toml").write_text(text, encoding="utf-8")
    result = run("refs.bib", "-f", "text")
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_missing_config_file_is_a_usage_error(repo: Path) -> None:
    result = run("refs.bib", "--config", "nope.toml")
    assert result.exit_code == 2
    assert "--config nope.toml: no such file" in result.stderr


def test_the_project_itself_has_no_settings_file() -> None:
    # The tests run from the repository; a settings file there would change them.
    assert not (REFS.parent / "bib2pubs.toml").exists()


def test_a_bad_value_names_the_file_and_the_setting(repo: Path) -> None:
    (repo / "bib2pubs.toml").write_text('group-by = "decade"\n', encoding="utf-8")
    result = run("refs.bib", "-f", "text")
    assert result.exit_code == 2
    assert "bib2pubs.toml: group-by: 'decade' is not one of" in result.stderr


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("pyproject.toml", b"tool = 5\n# [tool.bib2pubs]\n", "pyproject.toml: 'tool' must be a table"),
        (
            "pyproject.toml",
            b"[tool]\nbib2pubs = 3\n# [tool.bib2pubs]\n",
            "pyproject.toml: [tool.bib2pubs] must be a table",
        ),
        (
            "pyproject.toml",
            b'[tool.bib2pubs]\nhighlight = "Chao Jin \xff"\n',
            "pyproject.toml: cannot read the configuration",
        ),
        ("bib2pubs.toml", b'highlight = "J\xe9r\xf4me"\n', "bib2pubs.toml: cannot read the configuration"),
        (
            "bib2pubs.toml",
            b"highlight = " + b"[" * 5000 + b"]" * 5000 + b"\n",
            "bib2pubs.toml: values nested too deeply",
        ),
        (
            "bib2pubs.toml",
            b"set = " + b"{a=" * 5000 + b"1" + b"}" * 5000 + b"\n",
            "bib2pubs.toml: values nested too deeply",
        ),
        # A number past the 4,300 digits int() reads: tomllib's ValueError.
        ("bib2pubs.toml", b"since = " + b"9" * 5000 + b"\n", "bib2pubs.toml: a value tomllib cannot read"),
        ("pyproject.toml", b"[tool.bib2pubs]\nmax-authors = " + b"9" * 5000 + b"\n", "a value tomllib cannot read"),
    ],
)
def test_a_settings_file_of_the_wrong_shape_is_a_usage_error(
    repo: Path, name: str, content: bytes, message: str
) -> None:
    (repo / name).write_bytes(content)
    for args in (["refs.bib"], ["refs.bib", "--config", name]):  # found, and named
        result = run(*args)
        assert result.exit_code == 2, (args, result.stderr)
        assert message in result.stderr
        assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1


def test_a_pyproject_that_is_not_ours_is_passed_over(repo: Path) -> None:
    # Not UTF-8 and no [tool.bib2pubs]: another tool's business.
    (repo / "pyproject.toml").write_bytes(b'[project]\nname = "caf\xe9"\n')
    result = run("refs.bib", "-f", "markdown")
    assert result.exit_code == 0, result.stderr
    assert "Chao Jin, Ana Li" in result.stdout


ODD_VALUES = ["5", "-1", "true", "1.5", "[]", "[[]]", "{}", "{ a = { b = 1 } }", '""', '"x"', "1979-05-27", '["a", 1]']


def test_no_value_of_any_setting_gives_a_traceback(repo: Path) -> None:
    # Every setting with values of every TOML type: a usage error naming
    # the file, or a run; never an internal error.
    from bib2pubs.cli.configured import ConfiguredCommand

    assert isinstance(cli, ConfiguredCommand)
    for setting in sorted(cli._settings()):
        if setting == "watch":
            continue  # would wait for changes; its values are checked as the others'
        for value in ODD_VALUES:
            (repo / "bib2pubs.toml").write_text(f"{setting} = {value}\n", encoding="utf-8")
            result = CliRunner().invoke(cli, ["refs.bib"])
            assert result.exception is None or isinstance(result.exception, SystemExit), (setting, value)
            assert result.exit_code in (0, 1, 2), (setting, value, result.stderr)
            assert "internal error" not in result.stderr, (setting, value, result.stderr)
