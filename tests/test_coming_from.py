"""The README's recipes work as written: each make rule of "Coming from
another tool", the GitHub Actions workflow's commands, and the pre-commit
hook this repository defines (.pre-commit-hooks.yaml)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REFS, ROOT, invoke

README = (ROOT / "README.md").read_text(encoding="utf-8")
_SECTION = README.split("## Coming from another tool", 1)[1].split("\n## ", 1)[0]
_CHECKS = README.split("### Checked on every commit and push", 1)[1].split("\n## ", 1)[0]
_RULE = re.compile(r"^(?P<target>[^\s:]+):(?P<needs>[^\n]*)\n\t(?P<recipe>(?:[^\n]*\\\n\t?)*[^\n]*)", re.M)


def _make_rules(text: str) -> list[tuple[str, str, str]]:
    """(target, first prerequisite, recipe) of each ```make block."""
    rules = []
    for block in re.findall(r"```make\n(.*?)```", text, re.S):
        for match in _RULE.finditer(block):
            needs = match["needs"].split()
            recipe = match["recipe"].replace("\\\n\t", " ").replace("\\\n", " ")
            rules.append((match["target"], needs[0] if needs else "", recipe))
    return rules


RULES = _make_rules(_SECTION)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Path]:
    """A site repository holding this project's refs.bib under the names the
    recipes use, as the working directory."""
    for name in ("refs.bib", "_bibliography/papers.bib"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REFS, tmp_path / name)
    (tmp_path / ".git").mkdir()
    (tmp_path / "_includes").mkdir()  # every al-folio site has one; -o makes no folders
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(old)


def test_the_section_has_a_rule_for_each_tool() -> None:
    assert len(RULES) == 4
    assert {"_includes/publications.html", "pubs", "publications.tex"} <= {target for target, _, _ in RULES}


@pytest.mark.parametrize(("target", "needs", "recipe"), RULES, ids=[rule[0] for rule in RULES])
def test_each_recipe_runs_and_writes_its_page(site: Path, target: str, needs: str, recipe: str) -> None:
    command = recipe.replace("$<", needs).replace("$@", target).replace('"Your Name"', '"Chao Jin"')
    words = shlex.split(command)
    assert words[0] == "bib2pubs"
    result = invoke(*words[1:])
    assert result.exit_code == 0, (command, result.stderr)
    written = [path for path in site.rglob("*") if path.is_file() and ".git" not in path.parts]
    assert len(written) > 2, command  # the page, or a folder of pages, beside the two .bib files
    assert any("Chao Jin" in path.read_text(encoding="utf-8", errors="replace") for path in written)
    # Run again, it is up to date: nothing to write, and --check agrees.
    again = invoke(*words[1:], "--check")
    assert again.exit_code == 0, (command, again.stderr)


def test_the_workflow_checks_a_stale_page(site: Path) -> None:
    runs = re.findall(r"- run: (bib2pubs [^\n]+)", _CHECKS)
    assert runs == ["bib2pubs refs.bib -o _pages/publications.md --check"]
    words = shlex.split(runs[0])[1:]
    (site / "_pages").mkdir()
    assert invoke(*words).exit_code == 1  # no page yet
    built = [word for word in words if word != "--check"]
    assert invoke(*built).exit_code == 0
    assert invoke(*words).exit_code == 0
    with open("refs.bib", "a", encoding="utf-8") as bib:
        bib.write("@misc{new2026, title = {A New Work}, author = {Chao Jin}, year = 2026}\n")
    stale = invoke(*words)
    assert stale.exit_code == 1 and "A New Work" in stale.stderr + stale.stdout


def test_the_pre_commit_hook_runs_the_check(site: Path) -> None:
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert re.search(r"^- id: bib2pubs-check$", hooks, re.M)
    assert re.search(r"^  pass_filenames: false$", hooks, re.M)
    entry = re.search(r"^  entry: (.+)$", hooks, re.M)
    assert entry is not None
    args = re.search(r"args: \[(.+)\]", _CHECKS)
    assert args is not None
    words = [*shlex.split(entry[1]), *(arg.strip() for arg in args[1].split(","))]
    assert words[0] == "bib2pubs"
    (site / "_pages").mkdir()
    invoke(*(word for word in words[1:] if word != "--check"))
    assert invoke(*words[1:]).exit_code == 0
    (site / "_pages" / "publications.md").write_text("edited by hand\n", encoding="utf-8")
    assert invoke(*words[1:]).exit_code == 1
