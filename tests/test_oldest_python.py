"""bib2pubs on the oldest Python that setup.cfg promises (python_requires).

The tests run on whatever Python made the virtual environment, usually a
newer one, so syntax only newer versions read (a possessive ``*+`` in a
regular expression, for instance, which Python 3.10 rejects) would pass
here and break every run there. This compiles every module and every
regular expression, lazy ones included, with the oldest Python when the
machine has it (pyenv's interpreters are found too), and says so when not.
"""

from __future__ import annotations

import configparser
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

_REQUIRES = configparser.ConfigParser()
_REQUIRES.read(ROOT / "setup.cfg", encoding="utf-8")
OLDEST = re.fullmatch(r">=\s*(\d+)\.(\d+)", _REQUIRES["options"]["python_requires"].strip())
assert OLDEST is not None, "python_requires is '>=X.Y'"
VERSION = f"{OLDEST.group(1)}.{OLDEST.group(2)}"


def _oldest_python() -> str | None:
    """An interpreter of the oldest version that runs (a pyenv shim may
    name one that is not selected)."""
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates = [str(path) for path in sorted(pyenv.glob(f"{VERSION}.*/bin/python{VERSION}"), reverse=True)]
    candidates.append(shutil.which(f"python{VERSION}") or "")
    for candidate in filter(None, candidates):
        ran = subprocess.run([candidate, "-c", "pass"], capture_output=True, timeout=60)
        if ran.returncode == 0:
            return candidate
    return None


# Imports every module; a module whose import needs a package this bare
# interpreter lacks (click, jinja2…) is still compiled, and every pattern
# reached through its globals (lazy ones forced) is compiled too.
_CHECK = r"""
import importlib, pkgutil, re, sys, traceback
import bib2pubs
from bib2pubs.lazyre import _Lazy
problems = []
for module in pkgutil.walk_packages(bib2pubs.__path__, "bib2pubs."):
    name = module.name
    try:
        imported = importlib.import_module(name)
    except ModuleNotFoundError as error:
        if (error.name or "").split(".")[0] != "bib2pubs":
            spec = importlib.util.find_spec(name)
            try:
                compile(spec.loader.get_source(name), spec.origin, "exec")
            except SyntaxError as syntax:
                problems.append(f"{name}: {syntax!r}")
            continue
        problems.append(f"{name}: {error!r}")
        continue
    except Exception:
        problems.append(f"{name}: {traceback.format_exc(limit=3)}")
        continue
    for value in list(vars(imported).values()):
        if isinstance(value, _Lazy):
            try:
                re.compile(value.pattern, value._flags)
            except re.error as error:
                problems.append(f"{name}: lazy pattern {value.pattern[:60]!r}: {error}")
print("\n".join(problems))
"""


def test_every_module_and_pattern_compiles_on_the_oldest_python_promised() -> None:
    python = _oldest_python()
    if python is None:
        pytest.skip(f"Python {VERSION} (setup.cfg's oldest) is not installed here: the check needs it")
    checked = subprocess.run(
        [python, "-I", "-c", f"import sys; sys.path.insert(0, {str(ROOT)!r})\n" + _CHECK],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.strip() == ""
