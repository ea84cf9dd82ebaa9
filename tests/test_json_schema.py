"""The JSON model against its schema (bib2pubs/rendering/listing.schema.json):
every golden case's input and options, and corpus files, printed as JSON,
must validate. The schema closes every object, so a key added to the JSON
without the schema (or the schema without the JSON) fails here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from bib2pubs.cli.command import cli
from bib2pubs.rendering.json_model import VERSION
from tests.golden import CASES, GOLDEN, ROOT

SCHEMA_PATH = ROOT / "bib2pubs" / "rendering" / "listing.schema.json"
SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))

#: Options that choose how the listing is shown, not what it holds.
_SHOWING = frozenset({"-f", "--format", "-t", "--template", "--set"})

CORPUS = [
    "tests/fixtures/details.bib",
    "tests/corpus/al-folio/papers.bib",
    "tests/corpus/biber/examples.bib",
    "tests/corpus/homepages/chris-timperley/publications.bib",
    "tests/corpus/bbt-import-fixtures/Import error with character '+' in BibTeX field name #2660.bib",
    "tests/corpus/bbt-import-fixtures/web_page and other mendeley idiocy.bib",
]


def _as_json_run(arguments: list[str]) -> tuple[str, ...]:
    """A case's arguments, what it shows swapped for ``-f json``."""
    kept: list[str] = []
    skip = False
    for argument in arguments:
        if skip:
            skip = False
        elif argument in _SHOWING:
            skip = True
        else:
            kept.append(argument)
    return (*kept, "-f", "json")


_GOLDEN_RUNS = sorted({_as_json_run(arguments) for arguments in CASES.values()})


def _run(arguments: tuple[str, ...]) -> Any:
    result = CliRunner().invoke(cli, list(arguments), catch_exceptions=False)
    assert result.exit_code in (0, 1), result.stderr  # 1: problems were found, and listed
    return json.loads(result.stdout)


def test_the_schema_is_a_valid_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["properties"]["version"] == {"const": VERSION}


@pytest.mark.parametrize("arguments", _GOLDEN_RUNS, ids=" ".join)
def test_each_golden_case_as_json(arguments: tuple[str, ...], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    jsonschema.validate(_run(arguments), SCHEMA)


# The *.csl.json files are CSL-JSON, held to the CSL schema in test_csl_json.py.
_MODEL_FILES = sorted(path for path in GOLDEN.glob("*.json") if not path.name.endswith(".csl.json"))


@pytest.mark.parametrize("path", _MODEL_FILES, ids=lambda path: path.name)
def test_the_golden_json_files(path: Path) -> None:
    model = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.validate(model, SCHEMA)
    assert model["version"] == VERSION


@pytest.mark.parametrize("path", CORPUS)
def test_corpus_files_as_json(path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    jsonschema.validate(_run((path, "-f", "json")), SCHEMA)


def test_a_key_the_schema_does_not_know_fails() -> None:
    model = _run((str(ROOT / "tests" / "fixtures" / "details.bib"), "-f", "json"))
    model["groups"][0]["entries"][0]["locators"]["page_count"] = "4"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(model, SCHEMA)
