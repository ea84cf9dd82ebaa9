"""Builds bib2pubs: pure Python, or with its hot modules compiled by mypyc.

``pip install .`` builds the pure package, which is complete and runs
everywhere. With ``BIB2PUBS_COMPILE=1`` (``make wheel``), the modules
that do the per-entry work are compiled to C extensions by mypyc, from
the same source, unchanged: the same output in about a third less
time (bench/RESULTS.md). That needs mypyc (it comes with mypy) and a C
compiler in the build environment, hence ``--no-build-isolation``. Where
either is missing, or the C compiler fails, the build says so and goes on
pure; a type error in the source stops it. Either way the build compiles
the package's regular expressions ahead for the Python building it
(``patterns.bin``, see bib2pubs/lazyre.py). The metadata is in setup.cfg.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py
from setuptools.errors import CCompilerError, CompileError, ExecError, PlatformError

HERE = Path(__file__).parent

#: The modules mypyc compiles: those that do the per-entry work (reading,
#: decoding, names, venues, the model, the list writers). The rest stays
#: pure Python: it runs once per run (the command line, the pipeline's
#: calls, whose warnings must name the caller's line, the selection,
#: files, caches, reports), or is made for run-time hooks that compiled
#: code does not keep (Jinja's and click's marks on functions,
#: citeproc-py's subclasses, lazyre's attributes found on first use).
COMPILED = (
    "bib2pubs/read/",
    "bib2pubs/latex/",
    "bib2pubs/names/",
    "bib2pubs/venues/",
    "bib2pubs/details.py",
    "bib2pubs/model.py",
    "bib2pubs/normalize.py",
    "bib2pubs/preprints.py",
    "bib2pubs/rendering/academicpages_list.py",
    "bib2pubs/rendering/ahead.py",
    "bib2pubs/rendering/clean_bibtex.py",
    "bib2pubs/rendering/html_list.py",
    "bib2pubs/rendering/json_model.py",
    "bib2pubs/rendering/json_text.py",
    "bib2pubs/rendering/list_writer.py",
    "bib2pubs/rendering/markdown_list.py",
    "bib2pubs/rendering/markdown_text.py",
    "bib2pubs/rendering/plain_text.py",
    "bib2pubs/rendering/text_pieces.py",
    "bib2pubs/rendering/wrapping.py",
)


#: Pure Python within COMPILED's folders: the library's inputs, which a
#: caller may give as any sequence or number (a compiled class takes only
#: the declared types), and what reads them once per file.
PURE = ("bib2pubs/read/source.py",)


def compiled_modules() -> list[str]:
    """The source files mypyc compiles (COMPILED, package files and PURE aside)."""
    paths = sorted(path.relative_to(HERE).as_posix() for path in (HERE / "bib2pubs").rglob("*.py"))
    return [path for path in paths if path.startswith(COMPILED) and not path.endswith(("__init__.py", *PURE))]


def compiler_problem() -> str | None:
    """Why no extension can be built here (no C compiler, no Python
    headers), found by compiling one line that includes Python.h as
    build_ext would; None when it compiles. Asked before anything is
    built, so that a pure build is a pure wheel, for any platform."""
    compiler = shlex.split(os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc")
    with tempfile.TemporaryDirectory() as work:
        probe = Path(work, "probe.c")
        probe.write_text("#include <Python.h>\nint probe(void) { return 0; }\n", encoding="utf-8")
        command = [
            *compiler,
            "-c",
            str(probe),
            "-o",
            str(Path(work, "probe.o")),
            "-I",
            sysconfig.get_paths()["include"],
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        except (OSError, subprocess.SubprocessError) as error:
            return f"no C compiler ({' '.join(compiler)}: {error})"
    return None if done.returncode == 0 else f"the C compiler fails: {done.stderr.strip()[:300]}"


def extensions() -> list[object]:
    if os.environ.get("BIB2PUBS_COMPILE", "") != "1":
        return []
    try:
        from mypyc.build import mypycify  # only a compiled build needs mypyc
    except ImportError:
        print("bib2pubs: mypyc is not installed; building pure Python", file=sys.stderr)
        return []
    problem = compiler_problem()
    if problem:
        print(f"bib2pubs: {problem}; building pure Python", file=sys.stderr)
        return []
    # A type error stops the build here: the source is wrong, not the machine.
    return list(mypycify(["--config-file", str(HERE / "setup.cfg"), *compiled_modules()], opt_level="3"))


class OptionalBuildExt(build_ext):
    """Compiles the extensions, or, where the C compiler still fails
    (after ``compiler_problem`` found it working), none: the pure modules
    are in the package either way, though the wheel is then named for
    this platform."""

    def run(self) -> None:
        try:
            super().run()
        except (CCompilerError, CompileError, ExecError, PlatformError, OSError) as error:
            for extension in self.extensions:
                Path(self.get_ext_fullpath(extension.name)).unlink(missing_ok=True)
            print(f"bib2pubs: compiling failed ({error}); building pure Python", file=sys.stderr)


#: Run in the build's Python, with the standard library and the built
#: package alone on its path (``-S``: no site-packages, so every build of
#: one source writes the same table): imports every module that imports
#: without other packages (Jinja's, rich's and click's layers do not: their
#: few patterns are compiled at run time), then writes every pattern they
#: made, compiled, to the file named.
PATTERNS_SCRIPT = """
import importlib, pkgutil, sys
sys.path.insert(0, sys.argv[1])
import bib2pubs
from bib2pubs import lazyre
for module in pkgutil.walk_packages(bib2pubs.__path__, "bib2pubs."):
    if module.name != "bib2pubs.__main__":
        try:
            importlib.import_module(module.name)
        except ImportError:
            pass
with open(sys.argv[2], "wb") as table:
    table.write(lazyre.table_data(dict.fromkeys(lazyre.MADE)))
print(f"bib2pubs: {len(set(lazyre.MADE))} patterns compiled ahead", file=sys.stderr)
"""


class BuildPyWithPatterns(build_py):
    """Copies the package, then compiles its patterns ahead into it. A
    failure is reported and leaves the table out: the package compiles
    its patterns as it runs, as without it."""

    def run(self) -> None:
        super().run()
        target = Path(self.build_lib, "bib2pubs", "patterns.bin")
        target.unlink(missing_ok=True)
        build_lib = str(Path(self.build_lib).absolute())
        command = [sys.executable, "-I", "-S", "-B", "-c", PATTERNS_SCRIPT, build_lib, str(target)]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=300)
            problem = done.stderr.strip()[-500:] if done.returncode != 0 else ""
        except (OSError, subprocess.SubprocessError) as error:
            problem = str(error)
        if problem:
            target.unlink(missing_ok=True)
            print(f"bib2pubs: patterns not compiled ahead: {problem}", file=sys.stderr)


if __name__ == "__main__":  # as pip and setuptools run it; tests import the lists
    setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt, "build_py": BuildPyWithPatterns})
