"""The package's shape: no import cycle (imports inside functions counted),
a short top level, function-level imports only with a reason, run-time
dependencies that are really imported, and a README map of every stage."""

from __future__ import annotations

import ast
import configparser
import itertools
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "bib2pubs"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _type_checking_only(tree: ast.AST) -> bool:
    """Whether ``if TYPE_CHECKING:`` in this module never runs: the name is
    typing's, or set to False and never to anything else."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign):
            continue
        names = {target.id for target in node.targets if isinstance(target, ast.Name)}
        if "TYPE_CHECKING" in names and not (isinstance(node.value, ast.Constant) and node.value.value is False):
            return False
    return True


def _run_time_nodes(tree: ast.AST, skip_type_checking: bool = True) -> Iterator[ast.AST]:
    """Every node of ``tree`` but those under ``if TYPE_CHECKING:``, which
    never runs."""
    for node in ast.iter_child_nodes(tree):
        if (
            skip_type_checking
            and isinstance(node, ast.If)
            and isinstance(node.test, ast.Name)
            and node.test.id == "TYPE_CHECKING"
        ):
            for orelse in node.orelse:
                yield orelse
                yield from _run_time_nodes(orelse, skip_type_checking)
            continue
        yield node
        yield from _run_time_nodes(node, skip_type_checking)


def _dynamic_import(node: ast.AST) -> ast.expr | None:
    """The module argument of a call to ``import_module`` or ``__import__``."""
    if not isinstance(node, ast.Call):
        return None
    called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
    if called not in ("import_module", "__import__"):
        return None
    named = [keyword.value for keyword in node.keywords if keyword.arg == "name"]
    return node.args[0] if node.args else (named[0] if named else None)


def _by_name(node: ast.AST) -> str | None:
    """The module of ``import_module("…")`` or ``__import__("…")`` called with a constant."""
    argument = _dynamic_import(node)
    return str(argument.value) if isinstance(argument, ast.Constant) else None


def _dotted(node: ast.AST) -> str | None:
    """``bib2pubs.a.b`` of an attribute chain such as ``bib2pubs.a.b.c``."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name) and node.id == "bib2pubs" and parts:
        return ".".join(["bib2pubs", *reversed(parts)])
    return None


def _face() -> dict[str, str]:
    """The names ``bib2pubs`` itself offers, each with the module it comes from."""
    import bib2pubs

    return dict(bib2pubs._HOMES)


def _imported(source: str, module: str, is_package: bool, modules: Iterable[str]) -> Iterator[tuple[str, int]]:
    """The package's modules that running ``source`` (the module ``module``)
    imports, anywhere in it, with the line; importing ``a.b.c`` runs
    ``a`` and ``a.b`` too, and a name of the face (``from bib2pubs import
    load``) runs its home module."""
    known = set(modules)
    face = _face()
    package = module if is_package else module.rpartition(".")[0]
    tree = ast.parse(source)
    for node in _run_time_nodes(tree, _type_checking_only(tree)):
        found: list[str] = []
        if isinstance(node, ast.Import):
            found = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                origin = ".".join([*base, node.module] if node.module else base)
            else:
                origin = node.module or ""
            found = [origin, *(f"{origin}.{alias.name}" for alias in node.names)]
            if origin == "bib2pubs":
                found += [face[alias.name] for alias in node.names if alias.name in face]
        elif _by_name(node):
            found = [str(_by_name(node))]
        elif _dotted(node):
            found = [str(_dotted(node))]
        for name in found:
            parts = name.split(".")
            for end in range(1, len(parts) + 1):
                target = ".".join(parts[:end])
                if target in known and target != module:
                    yield target, getattr(node, "lineno", 0)


def _graph() -> dict[str, dict[str, int]]:
    modules = _modules()
    graph: dict[str, dict[str, int]] = {}
    for name, path in modules.items():
        graph[name] = {}
        source = path.read_text(encoding="utf-8")
        for target, line in _imported(source, name, path.name == "__init__.py", modules):
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


def test_the_graph_sees_every_way_a_module_is_imported() -> None:
    # The test above is only as good as the imports it sees.
    graph = _graph()
    assert "bib2pubs.read.two_processes" in graph["bib2pubs.pipeline"]  # imported inside a function
    assert "bib2pubs.latex.tables" in graph["bib2pubs.latex.decode"]  # "from bib2pubs.latex import tables"
    assert "bib2pubs.read" in graph["bib2pubs.pipeline"]  # a package's __init__ runs too
    assert "bib2pubs.pipeline" not in graph["bib2pubs"]  # under TYPE_CHECKING: never run
    modules = ["p", "p.a", "p.b", "p.c", "p.d", "p.sub", "p.sub.e"]
    source = (
        "from . import a\n"
        "from .b import thing\n"
        "def f():\n"
        "    from .. import c\n"
        "    importlib.import_module('p.d')\n"
        "    __import__('p.sub.e')\n"
    )
    found = {target for target, _ in _imported(source, "p.sub.x", False, modules)}
    assert found == {"p", "p.c", "p.d", "p.sub", "p.sub.e"}
    found = {target for target, _ in _imported(source, "p", True, modules)}
    assert found >= {"p.a", "p.b"}
    # The face's names lead to their homes; a chain of attributes is an import; a
    # TYPE_CHECKING of one's own that is true runs.
    source = (
        "import bib2pubs\n"
        "from bib2pubs import load\n"
        "TYPE_CHECKING = True\n"
        "if TYPE_CHECKING:\n"
        "    from bib2pubs.rendering import jinja\n"
        "def f():\n"
        "    return bib2pubs.report.stats.compute\n"
    )
    found = {target for target, _ in _imported(source, "bib2pubs.read.dates", False, graph)}
    assert {"bib2pubs.pipeline", "bib2pubs.rendering.jinja", "bib2pubs.report.stats"} <= found


def test_no_module_imports_by_a_name_it_computes() -> None:
    # Such an import cannot be followed; only the face's own lazy loading
    # (bib2pubs/__init__.py, whose homes the graph follows) may.
    computed = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != PACKAGE / "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if _dynamic_import(node) is not None and _by_name(node) is None
    ]
    assert computed == []


#: The stages in pipeline order: a module may import its own stage and the
#: stages before it, never one after it. The first is what every stage shares.
STAGES = (
    ("version", "errors", "model", "lazyre", "cachedir", "trust", "parallel"),
    ("latex",),
    ("read",),
    ("names",),
    ("venues",),
    ("details", "normalize", "preprints", "select"),
    ("rendering",),
    ("write",),
    ("report",),
    ("pipeline",),
    ("app",),
    ("cli", "__main__"),
)


def _stage(module: str) -> int:
    if module == "bib2pubs":  # the package itself runs only version; its face loads the rest when asked
        return 0
    part = module.split(".")[1]
    (stage,) = [index for index, names in enumerate(STAGES) if part in names]
    return stage


def test_imports_point_down_the_pipeline() -> None:
    upward = [
        f"{module}:{line} imports {target}"
        for module, targets in _graph().items()
        for target, line in targets.items()
        if _stage(target) > _stage(module)
    ]
    assert upward == []


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
            if isinstance(node, ast.Import | ast.ImportFrom) or _dynamic_import(node) is not None:
                yield node.lineno, lines[function.lineno - 1 : node.lineno]


#: What tools read in a comment: it says nothing to a reader.
_DIRECTIVE = re.compile(r"\b(noqa|type: ?ignore|pragma|pylint|fmt|isort|nosec|ruff|mypy)\b[^#]*", re.IGNORECASE)


def _is_reason(comment: str) -> bool:
    """A comment that says something in words: not a tool's instruction,
    a reminder, or code left commented out."""
    text = _DIRECTIVE.sub("", comment.lstrip("#")).strip()
    if re.match(r"(import|from)\s+[\w.]+", text) or re.match(r"(TODO|FIXME|XXX)\b", text):
        return False
    return len(re.findall(r"[A-Za-z]{2,}", text)) >= 2


def _has_reason(block: list[str]) -> bool:
    """A comment on the import's line, on the line above it, or above the
    block of imports it belongs to."""
    *above, line = block
    if "#" in line and _is_reason(line[line.index("#") :]):
        return True
    for previous in reversed(above):
        stripped = previous.strip()
        if stripped.startswith("#"):
            return _is_reason(stripped)
        importing = (
            stripped.startswith(("import ", "from ")) or "import_module(" in stripped or "__import__(" in stripped
        )
        if not (importing or not stripped):
            return False
    return False


def test_a_reason_is_more_than_a_linters_instruction() -> None:
    assert not _has_reason(["def f():", "    import json  # noqa: PLC0415"])
    assert not _has_reason(["def f():", "    import json  # type: ignore[import-untyped]"])
    assert _has_reason(["def f():", "    import json  # only --stats writes JSON"])
    assert _has_reason(["def f():", "    # Only --stats writes JSON.", "    import json", "    import csv"])
    assert not _has_reason(["def f():", "    x = 1", "    import json"])
    for silent in ("# pylint: disable=import-outside-toplevel", "# fmt: skip", "# isort: skip", "# nosec", "# TODO"):
        assert not _has_reason(["def f():", f"    import json  {silent}"]), silent
    assert not _has_reason(["def f():", "    # import csv", "    import json"])


def test_every_function_level_import_says_why() -> None:
    unexplained = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for line, block in _function_level_imports(path)
        if not _has_reason(block)
    ]
    assert unexplained == [], "a function-level import without a comment saying why: " + ", ".join(unexplained)


#: Distributions whose modules are imported under another name.
_IMPORT_NAMES = {"citeproc_py": "citeproc"}


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
            distribution = name.group().lower().replace("-", "_")
            requirements[_IMPORT_NAMES.get(distribution, distribution)] = line
    return requirements


def _third_party_imports() -> set[str]:
    found = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                found.add(node.module.split(".")[0])
            elif _by_name(node):  # importlib.import_module("pylatexenc.latex2text"), __import__("…")
                found.add(str(_by_name(node)).split(".")[0])
    return {name for name in found if name != "bib2pubs" and name not in sys.stdlib_module_names}


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
    # No licence classifier: setuptools deprecates them for the license field.
    assert "License ::" not in config["metadata"]["classifiers"]
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License\n")


def _named(text: str) -> set[str]:
    """The module names a piece of the README gives in backticks."""
    return set(re.findall(r"`([a-z_]+)`", text))


def test_the_readme_maps_every_module() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Layout") :]
    section = section[: section.find("\n## ", 1)] if "\n## " in section[1:] else section
    folders = sorted(path for path in PACKAGE.rglob("*") if path.is_dir() and path.name != "__pycache__")
    assert [folder for folder in folders if not (folder / "__init__.py").exists()] == [], "a folder that is no package"
    subpackages = sorted(folder.name for folder in PACKAGE.iterdir() if (folder / "__init__.py").exists())
    for name in subpackages:
        (row,) = [line for line in section.splitlines() if line.startswith(f"| `bib2pubs/{name}/` |")]
        modules = {path.stem for path in (PACKAGE / name).rglob("*.py")} - {"__init__"}
        assert modules - _named(row) == set(), f"the README's row of bib2pubs/{name}/ leaves these out"
        assert _named(row) - modules == set(), f"the README's row of bib2pubs/{name}/ names modules it does not hold"
    top = section[section.index("At the top:") :].split("\n\n")[0]
    modules = {path.stem for path in PACKAGE.glob("*.py")} - {"__init__", "__main__"}
    assert modules - _named(top) == set(), "the README's layout leaves these top-level modules out"
    assert _named(top) - modules == set(), "the README's layout names top-level modules that do not exist"
    for name in re.findall(r"`bib2pubs/(\w+)/`", section):
        assert name in subpackages, f"the README's layout names bib2pubs/{name}/, which does not exist"


def _final_names() -> set[str]:
    """The package's module-level names declared ``Final``."""
    names = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            declared = ast.unparse(node.annotation) if isinstance(node, ast.AnnAssign) else ""
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and declared.startswith("Final"):
                names.add(node.target.id)
    return names


def _patched_names() -> set[str]:
    """The names tests set on a module (``monkeypatch.setattr(module,
    "NAME", …)`` or ``setattr("package.module.NAME", …)``, and
    unittest.mock's ``patch("package.module.NAME")`` and
    ``patch.object(module, "NAME")``)."""
    names = set()
    for path in (ROOT / "tests").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if called not in ("setattr", "patch", "object"):
                continue
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                names.add(first.value.rsplit(".", 1)[-1])
            elif len(node.args) > 1 and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str):
                names.add(node.args[1].value)
    return names


def test_no_name_a_test_patches_is_final() -> None:
    # Compiled by mypyc, a Final module-level name is read from a C static:
    # a test that patches it would go on testing the original, unseen.
    assert "_FAST_FIELD" in _patched_names() and "KINDS" in _final_names()  # the scans find what they look for
    assert _patched_names() & _final_names() == set()
