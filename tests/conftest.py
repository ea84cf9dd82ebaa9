"""Shared paths and helpers for the tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bib2pubs.cli import cli

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
FIXTURES = TESTS / "fixtures"
CORPUS = TESTS / "corpus"
GOLDEN = TESTS / "golden"
REFS = ROOT / "refs.bib"


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
