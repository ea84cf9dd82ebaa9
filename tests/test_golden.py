"""Every golden file matches what the code produces now (`make golden` to
rewrite after a reviewed change)."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from tests.golden import CASES, GOLDEN, TREES, produce, produce_tree, read_tree


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(name: str) -> None:
    expected = (GOLDEN / name).read_text(encoding="utf-8")
    actual = produce(name)
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                f"tests/golden/{name}",
                "now",
            )
        )
        pytest.fail(f"output differs from the golden file (run `make golden` if intended):\n{diff}")


@pytest.mark.parametrize("name", sorted(TREES))
def test_golden_tree(name: str, tmp_path: Path) -> None:
    expected = read_tree(GOLDEN / name)
    actual = produce_tree(name, tmp_path / name)
    assert sorted(actual) == sorted(expected), "the files differ (run `make golden` if intended)"
    for file, text in expected.items():
        assert actual[file] == text, f"tests/golden/{name}/{file} differs (run `make golden` if intended)"


def test_every_golden_file_is_a_case() -> None:
    assert {path.name for path in GOLDEN.iterdir()} == set(CASES) | set(TREES)
