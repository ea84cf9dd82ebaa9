"""The package's shape: no import cycle (imports inside functions counted),
a short top level, function-level imports only with a reason, run-time
dependencies that are really imported, and a README map of every stage."""

from __future__ import annotations

import ast
import configparser
import itertools
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "bib2pubs"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _imported(path: Path, module: str, modules: dict[str, Path]) -> Iterator[tuple[str, int]]:
    """The package's modules ``path`` imports, anywhere in it, with the line."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in modules:
                    yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                if submodule in modules:
                    yield submodule, node.lineno
                elif source in modules:
                    yield source, node.lineno


def _graph() -> dict[str, dict[str, int]]:
    modules = _modules()
    graph: dict[str, dict[str, int]] = {}
    for name, path in modules.items():
        graph[name] = {}
        for target, line in _imported(path, name, modules):
            if target != name:
                graph[name].setdefault(target, line)
    return graph


def _cycle(graph: dict[str, dict[str, int]]) -> list[str] | None:
    """One import cycle, as the modules along it, or None."""
    state: dict[str, str] = {}
    trail: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = "open"
        trail.append(module)
        for target in graph[module]:
            if state.get(target) == "open":
                return [*trail[trail.index(target) :], target]
            if target not in state:
                found = visit(target)
                if found:
                    return found
        state[module] = "done"
        trail.pop()
        return None

    for module in graph:
        if module not in state:
            found = visit(module)
            if found:
                return found
    return None


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b": 1}, "b": {}, "c": {"a": 1}}) is None


def test_no_import_cycle_even_inside_functions() -> None:
    graph = _graph()
    cycle = _cycle(graph)
    assert cycle is None, " -> ".join(
        f"{module} (line {graph[module][target]})" for module, target in itertools.pairwise(cycle)
    )


def test_the_graph_sees_function_level_and_relative_imports() -> None:
    # The test above is only as good as the imports it sees.
    graph = _graph()
    assert "bib2pubs.read.two_processes" in graph["bib2pubs.pipeline"]  # imported inside a function
    assert "bib2pubs.latex.tables" in graph["bib2pubs.latex.decode"]  # "from bib2pubs.latex import tables"


def test_the_top_level_holds_at_most_fifteen_modules() -> None:
    top = sorted(path.name for path in PACKAGE.glob("*.py"))
    assert len(top) <= 15, top


def _function_level_imports(path: Path) -> Iterator[tuple[int, list[str]]]:
    """Each block of imports inside a function: its first line and the
    source lines above it, back to the function's start."""
    lines = path.read_text(encoding="utf-8").splitlines()
    tree = ast.parse("\n".join(lines))
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Import | ast.ImportFrom):
                yield node.lineno, lines[function.lineno - 1 : node.lineno]


def _has_reason(block: list[str]) -> bool:
    """A comment on the import's line, on the line above it, or above the
    block of imports it belongs to."""
    *above, line = block
    if "#" in line:
        return True
    for previous in reversed(above):
        stripped = previous.strip()
        if stripped.startswith("#"):
            return True
        if not (stripped.startswith(("import ", "from ")) or not stripped):
            return False
    return False


def test_every_function_level_import_says_why() -> None:
    unexplained = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for line, block in _function_level_imports(path)
        if not _has_reason(block)
    ]
    assert unexplained == [], "a function-level import without a comment saying why: " + ", ".join(unexplained)


def _requirements() -> dict[str, str]:
    """The run-time requirements: import name → requirement line."""
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    requirements = {}
    for line in config["options"]["install_requires"].splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name = re.match(r"[A-Za-z0-9_.-]+", line)
            assert name is not None, line
            requirements[name.group().lower().replace("-", "_")] = line
    return requirements


def _third_party_imports() -> set[str]:
    found = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                found.add(node.module.split(".")[0])
            elif _imports_by_name(node):  # importlib.import_module("pylatexenc.latex2text")
                assert isinstance(node, ast.Call) and isinstance(node.args[0], ast.Constant)
                found.add(str(node.args[0].value).split(".")[0])
    return {name for name in found if name != "bib2pubs" and name not in sys.stdlib_module_names}


def _imports_by_name(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "import_module"
        and bool(node.args)
        and isinstance(node.args[0], ast.Constant)
    )


def test_every_run_time_dependency_is_imported_and_every_import_declared() -> None:
    requirements = _requirements()
    imported = _third_party_imports()
    assert set(requirements) - imported == set(), "declared but never imported"
    assert imported - set(requirements) == set(), "imported but not declared in setup.cfg"


def test_the_licence_file_matches_the_metadata() -> None:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    assert config["metadata"]["license"] == "MIT"
    assert config["metadata"]["license_files"] == "LICENSE"
    assert "License :: OSI Approved :: MIT License" in config["metadata"]["classifiers"]
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License\n")


def test_the_readme_maps_every_subpackage() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Layout") :]
    section = section[: section.find("\n## ", 1)] if "\n## " in section[1:] else section
    subpackages = sorted(path.parent.name for path in PACKAGE.glob("*/__init__.py"))
    for name in subpackages:
        assert f"`bib2pubs/{name}/`" in section, f"the README's layout does not name bib2pubs/{name}/"
    for name in re.findall(r"`bib2pubs/(\w+)/`", section):
        assert name in subpackages, f"the README's layout names bib2pubs/{name}/, which does not exist"
