"""Shared paths and helpers for the tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bib2pubs.cli.command import cli

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True, scope="session")
def _own_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Compiled templates go to a scratch folder, not the user's cache."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))


TESTS = ROOT / "tests"
FIXTURES = TESTS / "fixtures"
CORPUS = TESTS / "corpus"
GOLDEN = TESTS / "golden"
REFS = ROOT / "refs.bib"


def table_rows(name: str, *, header: bool = False) -> list[tuple[int, list[str]]]:
    """(line number, tab-separated cells) for each data line of the fixture
    table tests/fixtures/NAME. Blank lines and lines starting with # are
    skipped, and the first line too when the table has a header."""
    rows = []
    lines = (FIXTURES / name).read_text(encoding="utf-8").split("\n")
    for number, line in enumerate(lines, 1):
        if (header and number == 1) or not line.strip() or line.startswith("#"):
            continue
        rows.append((number, line.split("\t")))
    return rows


def invoke(*args: str, input: str | bytes | None = None) -> Result:
    """Runs the CLI in-process with stdout and stderr kept apart."""
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


@pytest.fixture
def write_bib(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Writes a .bib file into a scratch folder and returns its path."""

    def write(text: str, name: str = "refs.bib") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
