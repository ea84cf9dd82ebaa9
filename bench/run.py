"""``make bench``: bib2pubs against bibtex2html and pybtex, side by side.

Not a test: it times real runs and writes bench/RESULTS.md. Inputs:
refs.bib; a ~800-entry homepage file; Debian's tugboat.bib (4,846 real
entries, from texlive-bibtex-extra); and 10k- and 100k-entry files made by
repeating tugboat's entries under new keys. Every tool turns each input
into a plain list; each run is timed from start to exit (medians of several
runs), with the peak memory the kernel reports for the child process.

bib2pubs runs as a user runs it: the ``bib2pubs`` command of a virtual
environment where it is installed with its dependencies and nothing else
(``--venv``; ``make bench`` makes it in bench/out/venv). Start-up is
measured against that environment's bare ``python -c pass``. Large files
are shared between the cores; the same runs with ``BIB2PUBS_JOBS=1`` show
one process alone.

A peer that is not installed is reported as missing, not skipped quietly.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
RESULTS = ROOT / "bench" / "RESULTS.md"
TUGBOAT = Path("/usr/share/texlive/texmf-dist/bibtex/bib/beebe/tugboat.bib")
PYTHON = sys.executable


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float
    ok: bool


def _measure(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """One run: wall time, and the peak resident memory GNU time reports
    (the kernel's figure for a forked child would include this script's)."""
    timer = ["/usr/bin/time", "-f", "%M"] if os.path.exists("/usr/bin/time") else []
    start = time.perf_counter()
    result = subprocess.run(
        [*timer, *command],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
        env={**os.environ, **(env or {})},
    )
    seconds = time.perf_counter() - start
    lines = result.stderr.decode(errors="replace").strip().splitlines()
    peak = int(lines[-1]) / 1024 if timer and lines and lines[-1].isdigit() else float("nan")
    return Run(seconds, peak, result.returncode == 0)


def _median(command: list[str], cwd: Path, repeat: int, env: dict[str, str] | None = None) -> Run:
    return _summary([_measure(command, cwd, env) for _ in range(repeat)])


def _summary(runs: list[Run]) -> Run:
    """The median time, the highest peak, and whether every run succeeded."""
    return Run(statistics.median(r.seconds for r in runs), max(r.peak_mb for r in runs), all(r.ok for r in runs))


def _entries(path: Path) -> int:
    return len(re.findall(rb"^\s*@(?!string|comment|preamble)\w+\s*[{(]", path.read_bytes(), re.I | re.M))


def _scaled(source: Path, count: int) -> Path:
    """A file of ``count`` real entries: tugboat's, repeated under new keys."""
    target = OUT / f"scaled-{count // 1000}k.bib"
    if target.exists():
        return target
    text = source.read_text(encoding="utf-8", errors="replace")
    strings = "".join(re.findall(r"(?ims)^@string\s*\{.*?\}\s*$", text))
    entries = re.findall(r"(?ms)^@(?!string|comment|preamble)\w+\s*\{.*?(?=^@|\Z)", text)
    parts, round_ = [strings], 0
    while len(parts) - 1 < count:
        for entry in entries:
            if len(parts) - 1 >= count:
                break
            parts.append(re.sub(r"^(@\w+\s*\{\s*)([^,\s]+)", rf"\g<1>\g<2>-r{round_}", entry, count=1))
        round_ += 1
    target.write_text("".join(parts), encoding="utf-8")
    return target


#: One process alone, for the rows that show what sharing the cores adds.
ALONE = {"BIB2PUBS_JOBS": "1"}


@dataclass(frozen=True)
class Tool:
    command: Callable[[Path], list[str]]
    env: dict[str, str] | None = None


def _tools(work: Path, venv: Path) -> dict[str, Tool | str]:
    """The commands that turn a .bib into a plain list, by tool; a missing
    peer maps to the reason."""
    ours = str(venv / "bin" / "bib2pubs")

    def bib2pubs(bib: Path) -> list[str]:
        return [ours, str(bib), "-f", "text", "-o", str(work / "out.txt")]

    tools: dict[str, Tool | str] = {"bib2pubs": Tool(bib2pubs), "bib2pubs, one process": Tool(bib2pubs, ALONE)}
    if shutil.which("bibtex2html") and shutil.which("bibtex"):
        tools["bibtex2html"] = Tool(
            lambda bib: ["bibtex2html", "-nodoc", "-noabstract", "-nokeywords", "-q", "-o", str(work / "b2h"), str(bib)]
        )
    else:
        tools["bibtex2html"] = "not installed (Debian: apt-get install bibtex2html)"
    pybtex = venv / "bin" / "pybtex-format"
    if pybtex.exists():
        tools["pybtex"] = Tool(lambda bib: [str(pybtex), "--style", "plain", str(bib), str(work / "pybtex.txt")])
    else:
        tools["pybtex"] = "not installed (PyPI: pip install pybtex)"
    return tools


def _startup(venv: Path, work: Path) -> dict[str, float]:
    """Medians of the small runs start-up is judged by."""
    python, ours, refs = str(venv / "bin" / "python"), str(venv / "bin" / "bib2pubs"), str(ROOT / "refs.bib")
    commands = {
        "python -c pass": [python, "-c", "pass"],
        "python -c 'import click'": [python, "-c", "import click"],
        # As `make demo` runs it: with the researcher's name highlighted.
        "refs.bib to text": [ours, refs, "-H", "Chao Jin", "-f", "text", "-o", str(work / "refs.txt")],
        "refs.bib to JSON": [ours, refs, "-H", "Chao Jin", "-f", "json", "-o", str(work / "refs.json")],
        "refs.bib to Markdown": [ours, refs, "-H", "Chao Jin", "-f", "markdown", "-o", str(work / "refs.md")],
    }
    _wall(commands["refs.bib to Markdown"], work)  # the first run keeps compiled templates
    # Round after round, as for the files; timed directly, since a wrapper
    # that reports memory adds its own start-up to every run.
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(21):
        for name, command in commands.items():
            times[name].append(_wall(command, work))
    return {name: statistics.median(measured) for name, measured in times.items()}


def _wall(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def main() -> int:
    venv = (
        Path(sys.argv[sys.argv.index("--venv") + 1]) if "--venv" in sys.argv else Path(PYTHON).parent.parent
    ).absolute()
    OUT.mkdir(parents=True, exist_ok=True)
    inputs = [ROOT / "refs.bib", ROOT / "tests/corpus/homepages/jan-de-leeuw/mypubs.bib"]
    missing = []
    if TUGBOAT.exists():
        inputs += [TUGBOAT, _scaled(TUGBOAT, 10_000), _scaled(TUGBOAT, 100_000)]
    else:
        missing.append(f"{TUGBOAT} (Debian: apt-get install texlive-bibtex-extra)")
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        startup = _startup(venv, work)
        tools = _tools(work, venv)
        missing += [f"{name}: {reason}" for name, reason in tools.items() if isinstance(reason, str)]
        for bib in inputs:
            entries = _entries(bib)
            repeat = 9 if entries < 5_000 else 5 if entries < 50_000 else 1
            # Round after round, every tool once per round: a moment of
            # noise on the machine falls on all of them alike.
            runs: dict[str, list[Run]] = {name: [] for name, tool in tools.items() if isinstance(tool, Tool)}
            for _ in range(repeat):
                for name, tool in tools.items():
                    if isinstance(tool, Tool):
                        runs[name].append(_measure(tool.command(bib), work, tool.env))
            results = {name: _summary(measured) for name, measured in runs.items()}
            for name, result in results.items():
                print(f"{bib.name}: {name}: {result.seconds:.3f} s", file=sys.stderr)
            rows.append((bib, entries, results))
    RESULTS.write_text(_report(rows, startup, missing), encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(ROOT)}", file=sys.stderr)
    return 0


def _report(rows: list[tuple[Path, int, dict[str, Run]]], startup: dict[str, float], missing: list[str]) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Made by `make bench` on {time.strftime('%Y-%m-%d')}, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs. Each cell: median wall time (seconds) of whole runs, from start to exit, "
        'turning the file into a plain list; peak memory of the process. "(failed)": the tool exited '
        "with an error, so its list may be incomplete. bib2pubs shares a large file between the cores; "
        '"one process" is the same run with `BIB2PUBS_JOBS=1`.',
        "",
        *_goals(rows, startup),
        "",
        "| input | entries | tool | seconds | entries/s | peak MB | vs bib2pubs |",
        "|---|---:|---|---:|---:|---:|---:|",
    ]
    for bib, entries, results in rows:
        ours = results.get("bib2pubs")
        for name, run in results.items():
            ratio = f"{run.seconds / ours.seconds:.2f}×" if ours and name != "bib2pubs" else ""
            rate = f"{entries / run.seconds:,.0f}" if run.seconds else ""
            status = "" if run.ok else " (failed)"
            cells = [bib.name, f"{entries:,}", name + status, f"{run.seconds:.3f}", rate, f"{run.peak_mb:.0f}", ratio]
            lines.append("| " + " | ".join(cells) + " |")
    base = startup["python -c pass"]
    lines += [
        "",
        "## Start-up",
        "",
        "Medians of 21 rounds in the benchmark's environment, where bib2pubs is installed as a user installs it; "
        "each run timed from start to exit.",
        "",
        "| run | seconds | × `python -c pass` |",
        "|---|---:|---:|",
        *[f"| {name} | {seconds:.4f} | {seconds / base:.1f}× |" for name, seconds in startup.items()],
    ]
    if missing:
        lines += ["", "Missing, so not measured:", *[f"- {item}" for item in missing]]
    return "\n".join(lines) + "\n"


def _goals(rows: list[tuple[Path, int, dict[str, Run]]], startup: dict[str, float]) -> list[str]:
    """The goals, each with the figures that decide it."""
    found = {bib.name: (entries, results) for bib, entries, results in rows}
    lines = ["## Goals", ""]

    def verdict(met: bool) -> str:
        return "**met**" if met else "**not met**"

    tugboat = found.get("tugboat.bib", (0, {}))[1]
    if "bib2pubs" in tugboat and "bibtex2html" in tugboat:
        ours, theirs = tugboat["bib2pubs"].seconds, tugboat["bibtex2html"].seconds
        lines.append(
            f"- tugboat.bib to text faster than bibtex2html: {ours:.3f} s against {theirs:.3f} s "
            f"({theirs / ours:.2f}× as fast; one process alone {tugboat['bib2pubs, one process'].seconds:.3f} s): "
            + verdict(ours < theirs)
        )
    small, large = found.get("scaled-10k.bib"), found.get("scaled-100k.bib")
    if small and large and "bib2pubs" in large[1]:
        run = large[1]["bib2pubs"]
        lines.append(f"- 100k entries in under 10 s: {run.seconds:.2f} s: " + verdict(run.seconds < 10))
        per_small = small[1]["bib2pubs"].peak_mb / small[0] * 1000
        per_large = run.peak_mb / large[0] * 1000
        lines.append(
            f"- memory linear in the input: {per_small:.1f} MB per 1,000 entries at 10k, {per_large:.1f} at 100k: "
            + verdict(per_large <= per_small * 1.25)
        )
    base = startup["python -c pass"]
    text = startup["refs.bib to text"] / base
    lines.append(f"- refs.bib to text within 8× a bare `python -c pass`: {text:.1f}×: " + verdict(text <= 8))
    click = startup["python -c 'import click'"] / base
    lines.append(f"  (importing click alone, which every run needs, takes {click:.1f}×)")
    return lines


if __name__ == "__main__":
    sys.exit(main())
