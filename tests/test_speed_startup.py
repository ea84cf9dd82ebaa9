"""Start-up: a plain run loads only what it uses.

A small run's time is mostly Python loading modules, so what the text,
Markdown and HTML lists never need is loaded where it is used: the name
matching of ``names.match`` only for a highlight, a name with LaTeX in it
or a mark field that names someone; the BibTeX writer only for BibTeX, a
template (which may show an entry as BibTeX) or an option that changes
what it leaves out. These checks run the command in a fresh interpreter,
where nothing was loaded before, so that a module-level import bringing a
module back onto the plain path is caught, and so is a lazy import that no
longer finds what it needs.
"""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REFS, ROOT, invoke

#: Modules a plain run of the built-in lists does without.
NOT_ON_A_PLAIN_RUN = (
    "bib2pubs.names.match",
    "bib2pubs.names.nicknames",
    "bib2pubs.rendering.clean_bibtex",
    "bibtexparser",
    "jinja2",
    "pylatexenc",
    "rich",
)

#: Standard modules ``inspect`` loads, which a plain run does without:
#: ``dataclasses`` imports inspect, and the command defers it (up to
#: Python 3.11: from 3.12 on, every dataclass is read through inspect).
DEFERS_INSPECT = sys.version_info < (3, 12)
STANDARD_NOT_LOADED = ("ast", "dis", "tokenize") if DEFERS_INSPECT else ()

#: Names that need names.match: LaTeX to decode, a mark field naming an
#: author, a name bolded by hand, and the highlighted author.
NEEDS_MATCHING = r"""@inproceedings{erdos,
  title = {On Random Graphs},
  author = {Erd\H{o}s, Paul and R\'{e}nyi, Alfr\'{e}d and \textbf{Jin, Chao}},
  booktitle = {Proceedings of Something},
  equal = {Paul Erdős and Alfréd Rényi},
  year = 2024,
}

@article{plain,
  title = {A Plain Paper},
  author = {Jin, Chao and Doe, Jane},
  journal = {Journal of Things},
  year = 2023,
}
"""


def _run_fresh(arguments: list[str], cwd: Path) -> tuple[str, list[str]]:
    """The command run in a new interpreter: its standard error, and which
    of ``NOT_ON_A_PLAIN_RUN`` it loaded."""
    probe = (
        "import sys\n"
        "from bib2pubs.cli.command import cli\n"
        f"cli.main({arguments!r}, standalone_mode=False)\n"
        f"print(sorted(m for m in {NOT_ON_A_PLAIN_RUN!r} if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120, cwd=cwd
    )
    return result.stderr, eval(result.stdout.strip().splitlines()[-1])  # a printed list of names


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_a_plain_run_loads_no_name_matching(fmt: str, tmp_path: Path) -> None:
    out = tmp_path / f"out.{fmt}"
    stderr, loaded = _run_fresh([str(REFS), "-f", fmt, "-o", str(out), "--no-config"], ROOT)
    assert loaded == []
    assert stderr == f"{out}: written\n"
    # And it wrote what the command run in this process writes.
    again = tmp_path / f"again.{fmt}"
    assert invoke(str(REFS), "-f", fmt, "-o", str(again), "--no-config").exit_code == 0
    assert out.read_bytes() == again.read_bytes()


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_a_plain_command_line_loads_no_click(fmt: str, tmp_path: Path) -> None:
    # The console entry point reads a common command line without click
    # (cli.plain_args), a fifth of a small run; tests/test_plain_args.py
    # holds that reading to click's.
    out = tmp_path / f"out.{fmt}"
    probe = (
        "import os, sys\n"
        "real_exit = os._exit\n"
        "def ended(code):\n"
        f"    watched = ('click', *{STANDARD_NOT_LOADED!r}, *{NOT_ON_A_PLAIN_RUN!r})\n"
        "    loaded = sorted(m for m in watched if m in sys.modules)\n"
        "    os.write(2, f'LOADED {loaded}'.encode())\n"
        "    real_exit(code)\n"
        "os._exit = ended\n"
        "sys.argv = sys.argv[1:]\n"
        "from bib2pubs.cli.entry import main\n"
        "main()\n"
    )
    arguments = ["bib2pubs", str(REFS), "-H", "Chao Jin", "-f", fmt, "-o", str(out)]
    result = subprocess.run(
        [sys.executable, "-c", probe, *arguments], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    said, _, loaded = result.stderr.rpartition("LOADED ")
    assert said == f"{out}: written\n"
    # Name matching for the highlight; nothing else, click neither, nor
    # what inspect would bring (cli.entry.defer_inspect).
    assert eval(loaded) == ["bib2pubs.names.match", "bib2pubs.names.nicknames"]


@pytest.mark.parametrize(
    "extra",
    [
        [],  # LaTeX in names, a mark field, a bold name: matching loads without a highlight
        ["--highlight", "Chao Jin"],
        ["--highlight", "Jin Chao"],  # read family name first, with a note
        ["--highlight", "Nobody Here"],  # a highlight that names nobody, with a warning
        ["--highlight", "Chao Jin", "--explain"],
    ],
)
def test_name_matching_loaded_when_needed_gives_what_it_gave(extra: list[str], tmp_path: Path) -> None:
    bib = tmp_path / "needs.bib"
    bib.write_text(NEEDS_MATCHING, encoding="utf-8")
    out = tmp_path / "fresh.txt"
    stderr, loaded = _run_fresh([str(bib), "-f", "text", "-o", str(out), "--no-config", *extra], tmp_path)
    assert "bib2pubs.names.match" in loaded
    again = tmp_path / "again.txt"
    result = invoke(str(bib), "-f", "text", "-o", str(again), "--no-config", *extra)
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8") == again.read_text(encoding="utf-8")
    assert stderr == result.stderr.replace(str(again), str(out))
    assert "Erdős" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "arguments",
    [
        ["-f", "bibtex"],
        ["-t", "al-folio"],  # the templates' bibtex filter
        ["-f", "markdown"],
        ["-f", "html"],
        ["-f", "text"],
        ["-f", "json"],
        ["-t", "academicpages"],
    ],
)
def test_no_bibtex_option_drops_what_the_site_only_fields_drop(arguments: list[str]) -> None:
    # Without --bibtex-drop or --bibtex-keep the command asks for the
    # default (None) instead of computing it; options that change nothing
    # take the computed path, and every output must be the same.
    for bib in (REFS, *sorted((ROOT / "tests" / "corpus" / "al-folio").glob("*.bib"))):
        default = invoke(str(bib), "--no-config", *arguments)
        computed = invoke(str(bib), "--no-config", *arguments, "--bibtex-drop", "ABBR", "--bibtex-keep", "no-such")
        assert (default.exit_code, default.stdout, default.stderr) == (
            computed.exit_code,
            computed.stdout,
            computed.stderr,
        ), bib


def test_no_bibtex_option_splits_as_the_site_only_fields_do(tmp_path: Path) -> None:
    # Hugo's bundles hold each entry's cite.bib.
    folders = []
    for extra in ([], ["--bibtex-drop", "abbr"]):
        folder = tmp_path / f"split{len(extra)}"
        result = invoke(str(REFS), "--no-config", "--split", str(folder), "-t", "hugo-bundle", *extra)
        assert result.exit_code == 0, result.stderr
        folders.append({str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*.*"))})
    assert folders[0] == folders[1]
    assert any(name.endswith("cite.bib") for name in folders[0])


def test_the_collector_waits_until_the_pipeline_is_loaded_then_sets_it_aside(tmp_path: Path) -> None:
    # The console entry point (cli.entry) pauses the cycle collector before
    # anything loads; running.started turns it back on once the pipeline is
    # loaded, with what is loaded by then set aside (gc.freeze), so that no
    # collection runs while modules load and each one of the run looks only
    # at what the run makes. The run writes what it writes without. So on
    # both paths: a line read without click, and one click reads ("-ftext").
    out = tmp_path / "out.txt"
    probe = (
        "import gc, os, sys\n"
        "seen = []\n"
        "gc.callbacks.append(lambda phase, info: seen.append("
        "(gc.get_freeze_count(), 'bib2pubs.app' in sys.modules, gc.get_count()[0]))"
        " if phase == 'start' else None)\n"
        "real_exit = os._exit\n"
        "def ended(code):\n"
        "    loading = [frozen for frozen, loaded, young in seen if not loaded]\n"
        "    running = [frozen for frozen, loaded, young in seen if loaded]\n"
        "    youngest = max((young for frozen, loaded, young in seen if loaded), default=0)\n"
        "    os.write(2, f'STATE {len(loading)} {min(running, default=-1)} {gc.isenabled()} {gc.get_freeze_count()}"
        " {youngest}\\n'.encode())\n"
        "    real_exit(code)\n"
        "os._exit = ended\n"
        "from bib2pubs.cli.entry import main\n"
        "gc.collect()\n"  # a collection before main(): nothing set aside yet
        "seen.clear()\n"
        "sys.argv = sys.argv[1:]\n"
        "main()\n"
    )
    # Enough entries for the run's writer to make a collection due, had it
    # not been paused for it too: the collections seen are the pipeline's.
    many = tmp_path / "many.bib"
    many.write_text(
        "".join(
            f"@misc{{k{n}, title = {{Work {n}}}, author = {{Ann Lee and Bo Wu}}, year = 2020}}\n" for n in range(3000)
        ),
        encoding="utf-8",
    )
    for bib, reading in ((REFS, ["-f", "text"]), (many, ["-f", "text"]), (REFS, ["-ftext"]), (many, ["-ftext"])):
        arguments = ["bib2pubs", str(bib), *reading, "-o", str(out), "--no-config"]
        result = subprocess.run(
            [sys.executable, "-c", probe, *arguments], capture_output=True, text=True, timeout=120, cwd=ROOT
        )
        assert result.returncode == 0, result.stderr
        *_, state = result.stderr.splitlines()
        _, loading, running, enabled, frozen, youngest = state.split()
        assert loading == "0", "a collection ran while the command and the pipeline loaded"
        assert enabled == "True" and int(frozen) > 10_000  # the command's and the pipeline's objects, set aside
        assert running == "-1" or int(running) > 10_000
        # What the pipeline made while it paused the collector is set aside
        # too, not scanned all at once when the collector resumes: no
        # collection finds more than a few times its threshold of new objects.
        assert int(youngest) < 5 * gc.get_threshold()[0]
        again = tmp_path / "again.txt"
        assert invoke(str(bib), "-f", "text", "-o", str(again), "--no-config").exit_code == 0
        assert out.read_bytes() == again.read_bytes()


def _python(probe: str) -> str:
    """What ``probe`` prints, run in a fresh interpreter."""
    return subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60).stdout


@pytest.mark.skipif(not DEFERS_INSPECT, reason="from Python 3.12 on, dataclasses reads annotations through inspect")
def test_a_deferred_module_loads_when_first_used_and_serves_as_itself() -> None:
    # cli.entry.defer_inspect(): dataclasses imports inspect, which
    # a class with a docstring never uses; the stand-in loads the real
    # module at the first name asked of it.
    probe = (
        "import sys\n"
        "from bib2pubs.cli.entry import defer_inspect\n"
        "defer_inspect()\n"
        "import dataclasses\n"
        "held = dataclasses.inspect\n"
        "@dataclasses.dataclass(frozen=True)\n"
        "class Documented:\n"
        "    'Has a docstring: inspect is not needed.'\n"
        "    a: int\n"
        "before = 'ast' in sys.modules\n"
        "@dataclasses.dataclass(frozen=True)\n"
        "class Bare:\n"
        "    a: int\n"
        "import inspect\n"
        "from inspect import signature\n"
        "real = sys.modules['inspect']\n"
        "print(before, 'ast' in sys.modules, repr(Bare.__doc__), held.signature is real.signature,"
        " inspect is real, type(real).__name__, repr(str(signature(Documented))), hasattr(held, 'no_such_name'))\n"
    )
    assert _python(probe).split(" ", 7) == [
        "False",
        "True",
        "'Bare(a:",
        "int)'",
        "True",
        "True",
        "module",
        "'(a: int) -> None' False\n",
    ]

    already = "import sys, inspect\nfrom bib2pubs.cli.entry import defer_inspect\ndefer_inspect()\n"
    already += "print(sys.modules['inspect'] is inspect)\n"
    assert _python(already).strip() == "True"  # a module already loaded is left as it is


def test_module_level_patterns_are_compiled_when_first_used() -> None:
    # Every pattern kept at module level is made with lazyre.lazy, so that
    # a run compiles only those its file needs; the bytes pattern every
    # UTF-8 file is checked with is named here (re.compile, or lazyre's compiled).
    import ast

    compiled_at_once = {("read/source.py", "_CONTROL_BYTES")}
    found = set()
    for path in sorted((ROOT / "bib2pubs").rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
            at_once = isinstance(value, ast.Call) and (
                (
                    isinstance(value.func, ast.Attribute)
                    and value.func.attr == "compile"
                    and isinstance(value.func.value, ast.Name)
                    and value.func.value.id == "re"
                )
                or (isinstance(value.func, ast.Name) and value.func.id == "compiled")
            )
            if at_once:
                target = node.targets[0] if isinstance(node, ast.Assign) else node.target
                assert isinstance(target, ast.Name)
                found.add((path.relative_to(ROOT / "bib2pubs").as_posix(), target.id))
    assert found == compiled_at_once


@pytest.mark.skipif(not DEFERS_INSPECT, reason="from Python 3.12 on, dataclasses reads annotations through inspect")
def test_threads_asking_the_deferred_module_at_once_all_get_the_real_one() -> None:
    probe = (
        "import sys, _thread, time\n"
        "sys.setswitchinterval(1e-6)\n"
        "from bib2pubs.cli.entry import defer_inspect\n"
        "defer_inspect()\n"
        "held = sys.modules['inspect']\n"
        "got, failed, ready = [], [], _thread.allocate_lock()\n"
        "ready.acquire()\n"
        "def ask():\n"
        "    with ready: pass\n"
        "    try: got.append(held.isclass)\n"
        "    except BaseException as error: failed.append(repr(error))\n"
        "for _ in range(8): _thread.start_new_thread(ask, ())\n"
        "time.sleep(0.05); ready.release()\n"
        "while len(got) + len(failed) < 8: time.sleep(0.01)\n"
        "import inspect\n"
        "print(failed, all(f is inspect.isclass for f in got), sys.modules['inspect'] is inspect)\n"
    )
    for _ in range(5):
        assert _python(probe).strip() == "[] True True"
