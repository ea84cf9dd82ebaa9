"""Where bib2pubs' time goes on each input (bench/stages.py, run in the
timed build's environment): microseconds per entry in each stage, and how
often normalizing's caches already held what an entry asked for. It shows
which stage grows per entry as the inputs grow, and why."""

from __future__ import annotations

import json
import statistics
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bench.inputs import ROOT, Input

PROBE = ROOT / "bench" / "stages.py"
#: Separate processes per input; the medians are shown.
ROUNDS = 3
#: The stages, in the order the probe times them.
STAGES = ("read", "parse", "cross-references", "normalize", "merge and select", "HTML")
#: The caches, as the probe names them, and as the table heads them.
CACHES = {"names": "names", "venues": "venues", "latex": "LaTeX strings"}


@dataclass(frozen=True)
class Stages:
    entries: int
    #: Median seconds of each stage.
    seconds: dict[str, float]
    #: Each cache's share of lookups answered from it (0 to 1).
    hit_rates: dict[str, float]


def stage_times(venv: Path, bib: Path, rounds: int = ROUNDS) -> Stages:
    """The probe run ``rounds`` times on ``bib`` by the venv's Python;
    isolated (``-I``), so that it imports the build installed there."""
    found = []
    for _ in range(rounds):
        done = subprocess.run(
            [str(venv / "bin" / "python"), "-I", str(PROBE), str(bib)],
            capture_output=True,
            text=True,
            check=True,
        )
        found.append(json.loads(done.stdout))
    seconds = {stage: statistics.median(each["seconds"][stage] for each in found) for stage in STAGES}
    hit_rates = {}
    for name in CACHES:
        if name in found[0]["caches"]:
            hits, misses = found[0]["caches"][name]
            hit_rates[name] = hits / (hits + misses) if hits + misses else 0.0
    return Stages(found[0]["entries"], seconds, hit_rates)


def stage_lines(stages: list[tuple[Input, Stages]]) -> list[str]:
    if not stages:
        return []
    lines = [
        "## Where the time goes",
        "",
        f"bench/stages.py times the library's stages one after another in one process ({ROUNDS} runs, medians), "
        "in microseconds per entry read; start-up, loading the venue table and writing the file are not in it. "
        "The last columns say how "
        "often a cache of normalizing already held what an entry asked for: a person's name read (in an "
        "author list not already read whole), a venue read with its volume, number and year, a LaTeX string "
        "decoded.",
        "",
        "| input | entries | " + " | ".join(STAGES) + " | " + " | ".join(f"{h} cached" for h in CACHES.values()) + " |",
        "|---|---:|" + "---:|" * (len(STAGES) + len(CACHES)),
    ]
    for bib, found in stages:
        per_entry = [f"{found.seconds[stage] / found.entries * 1e6:.1f}" for stage in STAGES]
        rates = [f"{found.hit_rates[name]:.0%}" if name in found.hit_rates else "" for name in CACHES]
        lines.append(f"| {bib.path.name} | {found.entries:,} | " + " | ".join([*per_entry, *rates]) + " |")
    lines += ["", _growth(stages)]
    return lines


def _growth(stages: list[tuple[Input, Stages]]) -> str:
    """The smallest input against the largest: which stage grew per entry."""
    small, large = stages[0][1], stages[-1][1]
    names = stages[0][0].path.name, stages[-1][0].path.name

    def per_entry(found: Stages, stage: str) -> float:
        return found.seconds[stage] / found.entries * 1e6

    said = [
        f"From {names[0]} to {names[1]}, per entry, "
        + ", ".join(
            f"{stage} {per_entry(small, stage):.1f} → {per_entry(large, stage):.1f} µs "
            f"({per_entry(large, stage) / per_entry(small, stage):.2f}×)"
            for stage in ("parse", "normalize", "HTML")
        )
    ]
    if "venues" in small.hit_rates and "venues" in large.hit_rates:
        said.append(
            f"the venue cache answered {small.hit_rates['venues']:.0%} of {names[0]}'s entries "
            f"and {large.hit_rates['venues']:.0%} of {names[1]}'s"
        )
    return "; ".join(said) + "."
