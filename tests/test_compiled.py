"""The release build (``make wheel``: setup.py compiles the per-entry
modules with mypyc) behaves as the source does.

Compiled code checks the declared types at run time and binds the calls
between compiled modules when it is built, so it could part from the
source on input the source carries on through. The wheel is built as a
release builds it, kept under build/ by the digest of everything it is
built from (an unchanged tree is built once), and unpacked; the tests
that sweep outputs then run again against it, in a fresh interpreter:
the golden files, the corpus, the seed page, the property tests, the
command line. Skipped, saying why, where mypyc or a C compiler is missing.

Tests that swap a module's function or constant for a test double
(monkeypatch) are not among them: a compiled caller does not see the swap.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import ROOT

#: Test files that check outputs end to end, through no test double.
OUTPUT_TESTS = (
    "test_golden.py",
    "test_corpus.py",
    "test_fuzz.py",
    "test_fuzz_corpus.py",
    "test_seed.py",
    "test_cli.py",
    "test_names.py",
    "test_venues.py",
    "test_render.py",
    "test_list_writers.py",
    "test_details.py",
    "test_latex.py",
    "test_highlight.py",
    "test_name_parts.py",
    # The classes whose __init__ is written out for mypyc to compile: made
    # as dataclasses' own makes them, and compared as dataclasses compare.
    "test_dataclass_inits.py",
    # The console entry point's reading of a line without click, and runs
    # from it against click's.
    "test_plain_args.py",
)
_EXTENSION = (".so", ".pyd")


def _setup_module() -> ModuleType:
    """setup.py, imported (it builds only when run as a script)."""
    spec = importlib.util.spec_from_file_location("bib2pubs_setup", ROOT / "setup.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


#: What the tree the compiled tests run in leaves out of the project: the
#: package (the wheel's takes its place) and what is no source.
_NOT_COPIED = {
    ".git",
    ".venv",
    "build",
    "dist",
    "bib2pubs",
    "bench/out",
    "tests/artifacts",
    ".hypothesis",
    ".pytest_cache",
}


def _digest() -> str:
    """What the build depends on: the setup files, package and templates,
    this Python, every installed distribution's version (mypy, setuptools,
    the libraries and stubs mypyc types against), and the compiler's
    settings."""
    from importlib.metadata import distributions

    installed = sorted(f"{dist.metadata['Name']}=={dist.version}" for dist in distributions())
    compiler = [f"{name}={os.environ.get(name, '')}" for name in ("CC", "CFLAGS", "CPPFLAGS", "LDFLAGS")]
    digest = hashlib.sha256("\n".join([sys.version, *installed, *compiler]).encode())
    files = [ROOT / name for name in ("setup.py", "setup.cfg", "pyproject.toml")]
    files += sorted(
        path for folder in ("bib2pubs", "templates") for path in (ROOT / folder).rglob("*") if path.is_file()
    )
    for path in files:
        if "__pycache__" not in path.parts and not path.name.endswith(_EXTENSION):
            digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _cannot_build() -> str | None:
    try:
        import mypyc.build  # noqa: F401
    except ImportError:
        return "mypyc is not installed (it comes with mypy: pip install -e '.[test]')"
    problem: str | None = _setup_module().compiler_problem()
    return f"{problem} (Debian: apt-get install gcc)" if problem else None


def _copy_of_the_project(tree: Path) -> None:
    """The project but its package, for the tests run against the wheel:
    they find the project's files where they look (beside the package)."""

    def left_out(folder: str, names: list[str]) -> set[str]:
        where = Path(folder).relative_to(ROOT).as_posix()
        return {
            name
            for name in names
            if f"{where}/{name}".removeprefix("./") in _NOT_COPIED
            or name == "__pycache__"
            or name.endswith(".egg-info")
        }

    shutil.copytree(ROOT, tree, ignore=left_out, dirs_exist_ok=True)


@pytest.fixture(scope="module")
def compiled_site() -> Path:
    """A copy of the project with the release wheel's package in place of
    the source: built (or kept from an earlier run of the same source),
    unpacked, and checked to hold compiled modules before it is kept."""
    problem = _cannot_build()
    if problem:
        pytest.skip(problem)
    kept = ROOT / "build" / f"compiled-{_digest()}"
    tree = kept / "tree"
    if not (kept / "done").exists():
        # No module left over from an earlier build: setuptools would pack
        # build/lib's copy of a module since deleted. Its C objects
        # (build/temp.*) are kept, and reused where the C is unchanged.
        for old in [
            *(ROOT / "build").glob("compiled-*"),
            *(ROOT / "build").glob("lib.*"),
            *(ROOT / "build").glob("bdist.*"),
        ]:
            shutil.rmtree(old)
        built = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-build-isolation", "--no-deps", "-w", str(kept), "."],
            cwd=ROOT,
            env={**os.environ, "BIB2PUBS_COMPILE": "1"},
            capture_output=True,
            text=True,
        )
        assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
        (wheel,) = kept.glob("bib2pubs-*.whl")
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(tree)
        compiled = [path for path in (tree / "bib2pubs").rglob("*") if path.name.endswith(_EXTENSION)]
        assert compiled, "the wheel holds no compiled module:\n" + built.stderr[-3000:]
        (kept / "done").touch()  # only a build that compiled is kept
    # The rest of the project afresh on every run: the build is kept by its
    # sources' digest, but the tests it runs change without rebuilding it.
    for name in os.listdir(ROOT):
        copied = tree / name
        if name in _NOT_COPIED or not (copied.exists() or copied.is_symlink()):
            continue  # the package, and the wheel's own files, stay
        shutil.rmtree(copied) if copied.is_dir() and not copied.is_symlink() else copied.unlink()
    _copy_of_the_project(tree)
    return tree


def test_the_source_tree_holds_no_compiled_module() -> None:
    """A module compiled into the tree would be imported instead of its
    source, and the tests would run a stale build."""
    assert [path for path in (ROOT / "bib2pubs").rglob("*") if path.name.endswith(_EXTENSION)] == []


def test_the_wheel_holds_every_module_setup_compiles_and_every_source(compiled_site: Path) -> None:
    setup = _setup_module()
    compiled = setup.compiled_modules()
    assert len(compiled) > 30
    package = compiled_site / "bib2pubs"
    built = {
        path.relative_to(compiled_site).as_posix().split(".")[0]
        for path in package.rglob("*")
        if path.name.endswith(_EXTENSION)
    }
    assert {name.removesuffix(".py") for name in compiled} <= built
    assert not any(name.startswith(setup.PURE) for name in built)
    sources = {path.relative_to(ROOT).as_posix() for path in (ROOT / "bib2pubs").rglob("*.py")}
    assert sources <= {path.relative_to(compiled_site).as_posix() for path in package.rglob("*.py")}
    assert (package / "patterns.bin").stat().st_size > 10_000  # compiled ahead (lazyre)
    assert not list(package.rglob("__pycache__"))  # the build's own imports leave no bytecode behind


def _compiled_python(site: Path, then: str) -> str:
    """Code that imports bib2pubs from the copy holding the wheel's
    package, checks that its modules are the compiled ones, then runs
    ``then``. The copy goes first on the path, and bib2pubs is imported
    before anything else: its submodules then come from the wheel too."""
    return (
        f"import sys\nsys.path.insert(0, {str(site)!r})\n"
        "import bib2pubs.normalize, bib2pubs.read.bibtex\n"
        "for module in (bib2pubs.normalize, bib2pubs.read.bibtex):\n"
        f"    assert module.__file__.endswith({_EXTENSION!r}), module.__file__\n" + then
    )


def test_the_compiled_build_passes_the_output_tests(compiled_site: Path) -> None:
    """Run in the copy, with the copy first on every child's path: a test
    that starts ``python -m bib2pubs`` (from the project's folder or any
    other) runs the compiled package too."""
    tests = [f"tests/{name}" for name in OUTPUT_TESTS]
    code = _compiled_python(compiled_site, "import pytest\nsys.exit(pytest.main(sys.argv[1:]))\n")
    run = subprocess.run(
        [sys.executable, "-c", code, "-q", "-p", "no:cacheprovider", "-x", *tests],
        cwd=compiled_site,
        env={**os.environ, "PYTHONPATH": str(compiled_site)},
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert " passed" in run.stdout.splitlines()[-1]


def test_a_large_file_shared_among_processes_gives_what_one_process_gives(compiled_site: Path, tmp_path: Path) -> None:
    """Forked workers send compiled publications back pickled."""
    bib = tmp_path / "large.bib"
    entries = [
        f"@article{{k{n}, author = {{Jin, Chao and Lee, Ana and Smith, J{n % 7}}},"
        f" title = {{Paper {n} on {{GPU}} caches}},"
        f" journal = {{IEEE Trans. Parallel Distrib. Syst.}}, volume = {n % 40}, pages = {{{n}--{n + 9}}},"
        f" year = {1990 + n % 35}, doi = {{10.1109/TPDS.{n}}}, note = {{Note {n} with $x^2$}}}}\n"
        for n in range(6000)
    ]
    bib.write_text("".join(entries), encoding="utf-8")
    code = _compiled_python(compiled_site, "from bib2pubs.cli.entry import main\nmain()\n")
    outputs = {}
    for jobs in ("1", "2"):
        run = subprocess.run(
            [sys.executable, "-c", code, str(bib), "-f", "json", "-H", "Chao Jin"],
            cwd=tmp_path,
            env={**os.environ, "BIB2PUBS_JOBS": jobs},
            capture_output=True,
            text=True,
        )
        assert run.returncode == 0, run.stderr
        outputs[jobs] = run.stdout
    assert outputs["1"] == outputs["2"]
    assert outputs["1"].count('"key": "k') == 6000


_HALVES_WITH_CROSSREFS = r"""
from bib2pubs import parallel
from bib2pubs.normalize import Normalizer
from bib2pubs.pipeline import _read_at_once
from bib2pubs.read import two_processes
from bib2pubs.read.source import Source
from bib2pubs.venues.table import builtin_table
parts = []
for n in range(3000):
    parts.append(f"@proceedings{{p{n}, title = {{Proc {n}}}, year = {1990 + n % 30}, editor = {{Ed, A}}}}\n")
    parts.append(
        f"@inproceedings{{c{n}, crossref = {{p{2999 - n}}}, author = {{Jin, Chao and Lee, Ana}},"
        f" title = {{Paper {n}}}, pages = {{{n}--{n + 5}}}}}\n"
    )
    parts.append(f"@article{{a{n}, author = {{Smith, J.}}, title = {{Art {n}}}, journal = {{TPDS}}, year = 2001,"
                 f" note = {{{'y' * 200}}}}}\n")
source = Source("x.bib", "".join(parts))
assert len(source.text) > parallel.MIN_TEXT
def normalize(entries, containers):
    return Normalizer((), "full", builtin_table(), containers=containers).all(entries)
from bib2pubs.rendering.html_list import entry_writer
from bib2pubs.rendering.words import ENGLISH
write = entry_writer({}, None, ENGLISH)
read = two_processes.read_in_halves(source, normalize, lambda pubs: [write(pub) for pub in pubs])
assert read is not None, "the halves were not taken"
count, parts_read, (publications, problems), written = read
alone = _read_at_once([source], Normalizer((), "full", builtin_table()), ())
assert count == alone.entries == 9000
assert publications == alone.publications and len(publications) == 6000
assert [d for part in parts_read for d in part.diagnostics] + problems == alone.diagnostics
# Written ahead in each process: the articles; the papers a cross-reference
# touches are left to be written with the list.
assert len(written) == 3000 and all(text == write(pub) for pub, text in written)
assert {pub.key[0] for pub, _ in written} == {"a"}
listed = {id(pub) for pub in publications}
assert all(id(pub) in listed for pub, _ in written)  # the very publications listed
print("ok")
"""


def test_a_file_that_cross_references_is_read_in_halves_by_the_compiled_build(compiled_site: Path) -> None:
    """The halves are taken (a failure would be redone in one process, the
    same output: so the taking is asserted), entries a cross-reference
    touches included, and give what one reading gives."""
    run = subprocess.run(
        [sys.executable, "-c", _compiled_python(compiled_site, _HALVES_WITH_CROSSREFS)],
        cwd=compiled_site,
        capture_output=True,
        text=True,
    )
    assert (run.returncode, run.stdout) == (0, "ok\n"), run.stderr


def test_a_worker_result_comes_back_from_the_compiled_build(compiled_site: Path) -> None:
    """A worker's publications unpickle in the parent: one that could not
    be read back would be redone there, the same output at twice the cost."""
    work = (
        "import pickle\n"
        "from functools import partial\n"
        "from bib2pubs import parallel\n"
        "from bib2pubs.normalize import Normalizer\n"
        "from bib2pubs.read.bibtex import parse_text\n"
        "from bib2pubs.venues.table import builtin_table\n"
        f"text = open({str(ROOT / 'refs.bib')!r}, encoding='utf-8').read()\n"
        "entries = parse_text(text, 'refs.bib').entries\n"
        "chunk = Normalizer((), 'full', builtin_table()).all\n"
        "sent = parallel.collect(parallel.start(partial(chunk, entries)))\n"
        "assert sent is not None, 'the worker result could not be read back'\n"
        "assert sent == chunk(entries) and sent[0]\n"
        "print('ok', len(sent[0]))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", _compiled_python(compiled_site, work)], cwd=compiled_site, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("ok ")


def test_library_calls_give_what_the_source_gives(compiled_site: Path) -> None:
    """The library's inputs take what callers write (lists for tuples,
    numbers for text) in the compiled build as in the source: compiled
    classes and functions check the declared types, so the inputs are
    made to them at the library's edge (pipeline), in pure Python."""
    calls = ROOT / "tests" / "library_calls.py"
    source = subprocess.run(
        [sys.executable, str(calls)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
    )
    compiled = subprocess.run(
        [
            sys.executable,
            "-c",
            _compiled_python(compiled_site, f"import runpy\nrunpy.run_path({str(calls)!r}, run_name='__main__')\n"),
        ],
        cwd=compiled_site,
        capture_output=True,
        text=True,
    )
    assert source.returncode == compiled.returncode == 0, source.stderr + compiled.stderr
    said = source.stdout.splitlines()
    assert len(said) > 10
    assert compiled.stdout.splitlines() == said
