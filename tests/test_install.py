"""A plain (not editable) install gives a working command with every built-in
template, run from any folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

from tests.conftest import GOLDEN, REFS, ROOT

PACKAGING = ("bib2pubs", "templates", "setup.py", "setup.cfg", "pyproject.toml", "README.md", "LICENSE")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Builds a wheel from a copy of the sources and installs it in a folder."""
    work = tmp_path_factory.mktemp("install")
    source = work / "source"
    for name in PACKAGING:
        origin = ROOT / name
        if origin.is_dir():
            shutil.copytree(origin, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            source.mkdir(exist_ok=True)
            shutil.copy(origin, source / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    # As a user builds it: without BIB2PUBS_COMPILE, whatever this shell says.
    env = {name: value for name, value in os.environ.items() if name != "BIB2PUBS_COMPILE"}
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(work / "dist"), str(source)],
        check=True,
        timeout=300,
        env=env,
    )
    (wheel,) = (work / "dist").glob("bib2pubs-*.whl")
    site = work / "site"
    subprocess.run([*pip, "install", "--no-deps", "--target", str(site), str(wheel)], check=True, timeout=300)
    return site


def _run(site: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # The installed copy, not the checkout: the checkout is not on the path.
    env = {**os.environ, "PYTHONPATH": str(site)}
    return subprocess.run(
        [str(site / "bin" / "bib2pubs"), *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=120
    )


def test_a_plain_install_is_pure_python(installed: Path) -> None:
    """Compiled modules come only with ``make wheel`` (setup.py)."""
    assert [path.name for path in (installed / "bib2pubs").rglob("*") if path.suffix in (".so", ".pyd")] == []
    assert (installed / "bib2pubs" / "normalize.py").is_file()


def test_an_install_holds_its_patterns_compiled_ahead(installed: Path, tmp_path: Path) -> None:
    """The build compiles ahead every pattern of the modules that import
    with the standard library alone (setup.py, bib2pubs/lazyre.py), those a
    run to text, Markdown or JSON loads among them; the installed package
    makes each from that table, equal to what re.compile makes."""
    check = (
        "import re\n"
        "from bib2pubs import lazyre\n"
        "import bib2pubs.cli.entry, bib2pubs.cli.plain_args, bib2pubs.app, bib2pubs.pipeline\n"
        "import bib2pubs.rendering.plain_text, bib2pubs.rendering.markdown_list, bib2pubs.rendering.json_model\n"
        "table = lazyre._read_table()\n"
        "made = set(lazyre.MADE)\n"
        "assert made <= set(table), made - set(table)\n"
        "for pattern, flags in table:\n"
        "    ahead = lazyre.from_table(pattern, flags)\n"
        "    assert ahead is not None and ahead == re.compile(pattern, flags), pattern\n"
        "print(len(table))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(installed)}
    result = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 150


def test_installed_command_has_every_template(installed: Path, tmp_path: Path) -> None:
    templates = sorted(path.name for path in (installed / "bib2pubs" / "templates").glob("*.j2"))
    assert templates == sorted(path.name for path in (ROOT / "templates").glob("*.j2"))
    bib = tmp_path / "refs.bib"
    shutil.copy(REFS, bib)
    result = _run(
        installed, "refs.bib", "-H", "Chao Jin", "-t", "academicpages", "--set", "title=Full Publications", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == (GOLDEN / "refs.academicpages.md").read_text(encoding="utf-8")
    for template in ("markdown", "html", "text"):
        assert _run(installed, "refs.bib", "-t", template, cwd=tmp_path).returncode == 0


def test_installed_module_is_the_installed_copy(installed: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(installed)}
    result = subprocess.run(
        [sys.executable, "-c", "import bib2pubs, sys; print(bib2pubs.__file__)"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=True,
    )
    assert result.stdout.startswith(str(installed))


def test_module_runs_from_a_clone_without_installing(tmp_path: Path) -> None:
    """``python -m bib2pubs`` inside a clone finds the built-in templates in
    the clone's top-level ``templates/`` folder, as the package
    ``bib2pubs.templates`` exists only in an install."""
    clone = tmp_path / "clone"
    for name in ("bib2pubs", "templates"):
        shutil.copytree(ROOT / name, clone / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REFS, clone / "refs.bib")
    # -S: no site-packages, so no editable install of bib2pubs is found; the
    # dependencies come in on PYTHONPATH, and the clone is the working folder.
    dependencies = str(Path(click.__file__).parents[1])
    env = {**os.environ, "PYTHONPATH": dependencies, "BIB2PUBS_NO_CACHE": "1"}
    probe = [sys.executable, "-S", "-c", "import bib2pubs.rendering.template_files as t; print(t.__file__)"]
    where = subprocess.run(probe, capture_output=True, text=True, cwd=clone, env=env, timeout=60, check=True)
    assert where.stdout.startswith(str(clone))
    for fmt, golden in (("latex", "refs.tex"), ("html", "refs.html"), ("text", "refs.txt")):
        result = subprocess.run(
            [sys.executable, "-S", "-m", "bib2pubs", "refs.bib", "-H", "Chao Jin", "-f", fmt],
            capture_output=True,
            text=True,
            cwd=clone,
            env=env,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout == (GOLDEN / golden).read_text(encoding="utf-8")
