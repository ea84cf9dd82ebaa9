"""bench/RESULTS.md: the goals, the inputs, the timings against the peers
and the start-up times, as Markdown tables."""

from __future__ import annotations

import os
import sys
import time

from bench.bibtex_check import BIBTEX_CAPACITY
from bench.goals import goal_lines
from bench.inputs import Input
from bench.stage_table import Stages, stage_lines
from bench.timing import STARTUP_ROUNDS, Result, Rows, peer_of
from bench.tools import BIBTEX2HTML_FLAGS


def results_page(
    rows: Rows,
    startup: dict[str, tuple[float, float]],
    missing: list[str],
    builds: str,
    stages: list[tuple[Input, Stages]] | None = None,
) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Made by `make bench` on {time.strftime('%Y-%m-%d')}, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs. The same work for every tool: HTML against HTML (bibtex2html "
        f"`{' '.join(BIBTEX2HTML_FLAGS)}`, which runs bibtex) and plain text against plain text "
        "(`pybtex-format --style plain`); inputs of distinct real entries; every output's entries counted; "
        "wall and CPU time of the whole process tree (bibtex under bibtex2html, bib2pubs' forked workers); "
        "medians of interleaved rounds, after a warm-up round. bench/run.py says how, at its top. Timed: " + builds,
        "",
        *goal_lines(rows, startup),
        "",
        *_inputs_table(rows),
        "",
        *_results_table(rows),
        "",
        *_startup_table(startup),
    ]
    if stages:
        lines += ["", *stage_lines(stages)]
    if missing:
        lines += ["", "Missing, so not measured:", *[f"- {item}" for item in missing]]
    return "\n".join(lines) + "\n"


def _inputs_table(rows: Rows) -> list[str]:
    lines = [
        "## Inputs",
        "",
        "Merging keeps each work once: an entry whose folded title and first author's (else editor's) family "
        "name match an entry already in, with no year, volume, number or pages that differ, is a repeat (so "
        'one paper in two files is one entry, and TUGboat\'s "Calendar" in every issue is many). Where two '
        "files use one key (or macro name) for different things, the later one is renamed. Nothing is repeated "
        'or altered otherwise. "cross-referenced": entries others `crossref`; bib2pubs does not list those '
        "that only hold data for others (README), so its outputs are checked against the entries less those. "
        "The system's .bib files come from texlive-bibtex-extra, texlive-lang-german, texlive-latex-extra, "
        "texlive-publishers and texlive-publishers-doc (`tests/setup-system.sh bench` installs them), and "
        "whatever else the machine has; texlive-latex-extra-doc (593 MB) is left out, for under 1,000 more. "
        "They hold about 31,000 distinct works; the largest input adds dblp's own BibTeX, nearly all of "
        "conference papers (bench/data/PROVENANCE: real entries, unaltered, CC0), and keeps the first 100,000.",
        "",
        "| input | entries | cross-referenced | size | what it holds | left out |",
        "|---|---:|---:|---:|---|---|",
    ]
    for bib, _ in rows:
        size = f"{bib.path.stat().st_size / 1e6:.1f} MB"
        cells = [bib.path.name, f"{bib.entries:,}", f"{len(bib.parents):,}", size, bib.origin, bib.left_out or "—"]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _results_table(rows: Rows) -> list[str]:
    lines = [
        "## Results",
        "",
        "Seconds are medians. The ratios hold each tool against the peer writing the same output "
        "(bibtex2html for HTML, pybtex for text; none where the peer failed): below 1 is less time than the "
        'peer. "listed": the entries counted in the output; "needed": the fewest a complete output holds (for '
        "bib2pubs, the entries less those cross-referenced); **failed** marks a short output, whatever the exit "
        'code. "bib2pubs -f html" runs as a user runs it: in one process, but for a file of 32 million '
        'characters or more, which a forked worker shares; "one process" sets `BIB2PUBS_JOBS=1`, "two '
        'processes" `BIB2PUBS_JOBS=2`, a forked worker sharing any file of a million characters or more; '
        '"matches nobody" looks for a name '
        "no entry holds, as a user's highlight does in a file of others' works. " + _settings_note(rows),
        "",
        "| input | tool | rounds | wall s | CPU s | wall ÷ peer | CPU ÷ peer | peak MB | listed | needed | exit |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for bib, results in rows:
        lines += [_result_row(bib, result, peer_of(results, result.tool.output)) for result in results]
    failures = [_failure(bib, result) for bib, results in rows for result in results if not result.complete]
    return lines + (["", "Failed runs:", *failures] if failures else []) + ["", *_unlisted(rows)]


def _unlisted(rows: Rows) -> list[str]:
    """Which entries bib2pubs' HTML leaves out, by its items' ids."""
    lines = ["What bib2pubs' HTML leaves out (found from its items' ids, in the warm-up run):"]
    for bib, results in rows:
        ours = next((r for r in results if r.tool.name == "bib2pubs -f html"), None)
        if ours is None or ours.unlisted is None:
            continue
        parents = [key for key in ours.unlisted if key.lower() in bib.parents]
        others = [key for key in ours.unlisted if key.lower() not in bib.parents]
        said = f"{len(parents):,} cross-referenced" if parents else ""
        if others:
            shown = ", ".join(f"`{key}`" for key in others[:10]) + (", …" if len(others) > 10 else "")
            said += (" and " if said else "") + f"{len(others):,} others ({shown})"
        lines.append(f"- {bib.path.name}: {said or 'nothing'}")
    lines += [
        "",
        "By design (README), bib2pubs does not list a cross-referenced entry that only holds data for others, "
        "lists a work once where it finds other versions of it (a preprint or working paper next to the "
        "published one), and does not list biblatex data (`@xdata`, `@set`); the keys above show which.",
    ]
    return lines


def _settings_note(rows: Rows) -> str:
    """Which peers needed settings of their own to finish."""
    given = sorted({f"{r.tool.name} on {bib.path.name}: {r.note}" for bib, results in rows for r in results if r.note})
    if given:
        return "Given the settings they need to finish: " + "; ".join(given) + "."
    capacity = ", ".join(f"`{name}={value}`" for name, value in BIBTEX_CAPACITY.items())
    return f"Every peer ran with its default settings (bibtex2html would get BibTeX's {capacity} if it came out short)."


def _result_row(bib: Input, result: Result, peer: Result | None) -> str:
    versus = peer if peer and peer is not result and peer.complete else None
    cells = [
        bib.path.name,
        result.tool.name + (f" ({result.note})" if result.note else ""),
        str(len(result.runs)),
        f"{result.wall:.3f}",
        f"{result.cpu:.3f}",
        f"{result.wall / versus.wall:.2f}" if versus else "",
        f"{result.cpu / versus.cpu:.2f}" if versus else "",
        f"{result.peak_mb:.0f}",
        f"{result.listed:,}" + ("" if result.complete else " **failed**"),
        f"{result.expected:,}",
        ", ".join(str(code) for code in sorted({run.exit_code for run in result.runs})),
    ]
    return "| " + " | ".join(cells) + " |"


def _failure(bib: Input, result: Result) -> str:
    said = f": `{result.said}`" if result.said else ""
    return f"- {result.tool.name} on {bib.path.name}: {result.listed:,} of {result.expected:,} entries listed{said}"


def _startup_table(startup: dict[str, tuple[float, float]]) -> list[str]:
    base_wall, base_cpu = startup["python -c pass"]
    return [
        "## Start-up",
        "",
        f"Medians of {STARTUP_ROUNDS} rounds in the benchmark's environments, where bib2pubs is installed as "
        "a user installs it (not editable, with its dependencies and, in one, pybtex).",
        "",
        "| run | wall s | × `python -c pass` | CPU s | × `python -c pass` |",
        "|---|---:|---:|---:|---:|",
        *[
            f"| {name} | {wall:.4f} | {wall / base_wall:.1f}× | {cpu:.4f} | {cpu / base_cpu:.1f}× |"
            for name, (wall, cpu) in startup.items()
        ],
    ]
