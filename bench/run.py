"""``make bench``: bib2pubs against bibtex2html and pybtex, side by side.

Not a test: it times real runs and writes bench/RESULTS.md. Inputs:
refs.bib; a ~800-entry homepage file; Debian's tugboat.bib (4,846 real
entries, from texlive-bibtex-extra); and 10k- and 100k-entry files made by
repeating tugboat's entries under new keys. Every tool turns each input
into a plain list; each run is timed from start to exit (medians of several
runs), with the peak memory the kernel reports for the child process.

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


def _measure(command: list[str], cwd: Path) -> Run:
    """One run: wall time, and the peak resident memory GNU time reports
    (the kernel's figure for a forked child would include this script's)."""
    timer = ["/usr/bin/time", "-f", "%M"] if os.path.exists("/usr/bin/time") else []
    start = time.perf_counter()
    result = subprocess.run([*timer, *command], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    seconds = time.perf_counter() - start
    lines = result.stderr.decode(errors="replace").strip().splitlines()
    peak = int(lines[-1]) / 1024 if timer and lines and lines[-1].isdigit() else float("nan")
    return Run(seconds, peak, result.returncode == 0)


def _median(command: list[str], cwd: Path, repeat: int) -> Run:
    runs = [_measure(command, cwd) for _ in range(repeat)]
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


def _tools(work: Path) -> dict[str, object]:
    """The commands that turn a .bib into a plain list, by tool; a missing
    peer maps to the reason."""
    tools: dict[str, object] = {
        "bib2pubs": lambda bib: [PYTHON, "-m", "bib2pubs", str(bib), "-f", "text", "-o", str(work / "out.txt")]
    }
    if shutil.which("bibtex2html") and shutil.which("bibtex"):
        tools["bibtex2html"] = lambda bib: [
            "bibtex2html", "-nodoc", "-noabstract", "-nokeywords", "-q", "-o", str(work / "b2h"), str(bib)
        ]  # fmt: skip
    else:
        tools["bibtex2html"] = "not installed (Debian: apt-get install bibtex2html)"
    pybtex = shutil.which("pybtex-format") or str(Path(PYTHON).parent / "pybtex-format")
    if os.path.exists(pybtex):
        tools["pybtex"] = lambda bib: [pybtex, "--style", "plain", str(bib), str(work / "pybtex.txt")]
    else:
        tools["pybtex"] = "not installed (PyPI: pip install pybtex)"
    return tools


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    inputs = [ROOT / "refs.bib", ROOT / "tests/corpus/homepages/jan-de-leeuw/mypubs.bib"]
    missing = []
    if TUGBOAT.exists():
        inputs += [TUGBOAT, _scaled(TUGBOAT, 10_000), _scaled(TUGBOAT, 100_000)]
    else:
        missing.append(f"{TUGBOAT} (Debian: apt-get install texlive-bibtex-extra)")
    baseline = _median([PYTHON, "-c", "pass"], ROOT, 7)
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        tools = _tools(work)
        missing += [f"{name}: {reason}" for name, reason in tools.items() if isinstance(reason, str)]
        for bib in inputs:
            entries = _entries(bib)
            repeat = 5 if entries < 5_000 else 3 if entries < 50_000 else 1
            results = {}
            for name, make in tools.items():
                if callable(make):
                    results[name] = _median(make(bib), work, repeat)
                    print(f"{bib.name}: {name}: {results[name].seconds:.2f} s", file=sys.stderr)
            rows.append((bib, entries, results))
    RESULTS.write_text(_report(rows, baseline, missing), encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(ROOT)}", file=sys.stderr)
    return 0


def _report(rows: list[tuple[Path, int, dict[str, Run]]], baseline: Run, missing: list[str]) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Made by `make bench` on {time.strftime('%Y-%m-%d')}, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs. Each cell: median wall time (seconds) of whole runs, from start to exit, "
        'turning the file into a plain list; peak memory of the process. "(failed)": the tool exited '
        "with an error, so its list may be incomplete.",
        "",
        f"Start-up: `python -c pass` takes {baseline.seconds:.3f} s.",
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
    if rows and "bib2pubs" in rows[0][2]:
        startup = rows[0][2]["bib2pubs"].seconds / baseline.seconds
        lines += ["", f"refs.bib to text takes {startup:.1f}× a bare `python -c pass`."]
    if missing:
        lines += ["", "Missing, so not measured:", *[f"- {item}" for item in missing]]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
