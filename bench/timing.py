"""Wall and CPU time of a run's whole process tree, and its peak memory;
interleaved rounds of every tool on an input, after a warm-up round, and
their medians; the start-up times of small runs."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

from bench.inputs import ROOT, Input
from bench.tools import PURE, Tool


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    peak_mb: float
    exit_code: int
    listed: int
    #: The last line the tool wrote to standard error.
    said: str = ""


def measure(
    command: list[str], cwd: Path, env: dict[str, str] | None = None, stderr: Path | None = None
) -> tuple[float, float, int]:
    """One run: wall seconds, CPU seconds of the process and every process
    it waited for, and the exit code."""
    start = time.perf_counter()
    with open(stderr or os.devnull, "wb") as errors:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env={**os.environ, **(env or {})},
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_utime + usage.ru_stime, process.returncode


#: Reports a run's peak memory. The kernel's figure for a child of this
#: script starts from this script's own size (a child is forked from it),
#: while GNU time is small when it forks the tool.
GNU_TIME = Path("/usr/bin/time")


def run_tool(tool: Tool, bib: Path, work: Path) -> Run:
    for old in work.iterdir():
        old.unlink()
    peak, stderr = work / "peak", work / "stderr"
    wrapper = [str(GNU_TIME), "-f", "%M", "-o", str(peak)] if GNU_TIME.exists() else []
    wall, cpu, code = measure([*wrapper, *tool.command(bib, work)], work, tool.env, stderr)
    said = stderr.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    return Run(wall, cpu, _peak_mb(peak), code, tool.count(work), said[-1] if said else "")


def _peak_mb(report: Path) -> float:
    """GNU time's %M (kilobytes) on the report's last line."""
    lines = report.read_text().split() if report.exists() else []
    return int(lines[-1]) / 1024 if lines and lines[-1].isdigit() else float("nan")


@dataclass(frozen=True)
class Result:
    tool: Tool
    runs: list[Run]
    #: The fewest entries a complete output lists.
    expected: int
    note: str = ""
    #: Keys of the input its output leaves out, where the output names keys.
    unlisted: list[str] | None = None

    @property
    def wall(self) -> float:
        return statistics.median(run.wall for run in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(run.cpu for run in self.runs)

    @property
    def peak_mb(self) -> float:
        return max(run.peak_mb for run in self.runs)

    @property
    def listed(self) -> int:
        return min(run.listed for run in self.runs)

    @property
    def complete(self) -> bool:
        return self.listed >= self.expected

    @property
    def said(self) -> str:
        """What a short run said last (its error, if it crashed)."""
        return next((run.said for run in self.runs if run.listed < self.expected), "")


#: Each input with every tool's result on it, in the order they ran.
Rows = list[tuple[Input, list[Result]]]


def peer_of(results: list[Result], output: str) -> Result | None:
    """The peer writing ``output`` (bibtex2html for HTML, pybtex for text), if it ran."""
    return next((r for r in results if r.tool.peer and r.tool.output == output), None)


@dataclass(frozen=True)
class Ready:
    """A tool as the warm-up round left it."""

    tool: Tool
    note: str = ""
    unlisted: list[str] | None = None


def _warm_up(tools: list[Tool], bib: Input, work: Path) -> list[Ready]:
    """One untimed round. A peer that comes out short gets its fallback
    settings (and a note saying so) if they make it finish; a tool whose
    output names keys is asked which entries it leaves out."""
    ready = []
    for tool in tools:
        note = ""
        if run_tool(tool, bib.path, work).listed < tool.expected(bib) and tool.fallback:
            settings, described = tool.fallback
            retried = replace(tool, env={**tool.env, **settings})
            if run_tool(retried, bib.path, work).listed >= tool.expected(bib):
                tool, note = retried, described
        unlisted = None
        if tool.listed_keys:
            listed = tool.listed_keys(work)
            unlisted = [key for key in bib.keys if key.lower() not in listed]
        ready.append(Ready(tool, note, unlisted))
    return ready


def compare(tools: list[Tool], bib: Input, rounds: int, work: Path) -> list[Result]:
    """``rounds`` rounds, each tool once per round, the order turning each
    round, so that noise on the machine falls on all of them alike."""
    ready = _warm_up(tools, bib, work)
    runs: list[list[Run]] = [[] for _ in ready]
    for number in range(rounds):
        turn = number % len(ready)
        for index in [*range(turn, len(ready)), *range(turn)]:
            runs[index].append(run_tool(ready[index].tool, bib.path, work))
    results = [
        Result(one.tool, measured, one.tool.expected(bib), one.note, one.unlisted)
        for one, measured in zip(ready, runs, strict=True)
    ]
    for result in results:
        print(f"{bib.path.name}: {result.tool.name}: {result.wall:.3f} s, CPU {result.cpu:.3f} s", file=sys.stderr)
    return results


def rounds_for(entries: int) -> int:
    # A round of the largest input takes every tool about two minutes.
    return 9 if entries < 6_000 else 7 if entries < 15_000 else 5 if entries < 50_000 else 3


STARTUP_ROUNDS = 21


def startup_times(venv: Path, work: Path, pure_venv: Path | None = None) -> dict[str, tuple[float, float]]:
    """Median wall and CPU seconds of the small runs start-up is judged by."""
    python, ours, refs = str(venv / "bin" / "python"), str(venv / "bin" / "bib2pubs"), str(ROOT / "refs.bib")
    commands = {
        "python -c pass": [python, "-c", "pass"],
        "python -c 'import click'": [python, "-c", "import click"],
        # As `make demo` runs it: with the researcher's name highlighted.
        "refs.bib to text": [ours, refs, "-H", "Chao Jin", "-f", "text", "-o", str(work / "refs.txt")],
        "refs.bib to JSON": [ours, refs, "-H", "Chao Jin", "-f", "json", "-o", str(work / "refs.json")],
        "refs.bib to Markdown": [ours, refs, "-H", "Chao Jin", "-f", "markdown", "-o", str(work / "refs.md")],
    }
    if pure_venv is not None:
        pure = str(pure_venv / "bin" / "bib2pubs")
        for name, output in (("text", "text"), ("Markdown", "markdown")):
            commands[f"refs.bib to {name}{PURE}"] = [pure, refs, "-H", "Chao Jin", "-f", output, "-o", str(work / "p")]
    for command in commands.values():  # the first runs keep compiled templates
        measure(command, work)
    # Timed directly: a wrapper reporting memory would add its own start-up.
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(STARTUP_ROUNDS):
        for name, command in commands.items():
            wall, cpu, _ = measure(command, work)
            times[name].append((wall, cpu))
    return {
        name: (statistics.median(w for w, _ in measured), statistics.median(c for _, c in measured))
        for name, measured in times.items()
    }
