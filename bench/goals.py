"""The Goals section of bench/RESULTS.md: issue 18's targets, each with the
figures that decide whether it is met."""

from __future__ import annotations

from bench.inputs import Input
from bench.timing import Result, Rows, peer_of

#: The goal for a large file; the machine may hold fewer distinct entries.
LARGE_GOAL = 100_000


def _verdict(met: bool) -> str:
    return "**met**" if met else "**not met**"


def goal_lines(rows: Rows, startup: dict[str, tuple[float, float]]) -> list[str]:
    """Issue 18's targets, each with the figures that decide it."""
    lines = [
        "## Goals",
        "",
        'Judged on the rows not marked "pure Python": bib2pubs built as the paragraph above says.',
        "",
    ]
    for bib, results in rows[:2]:
        lines.append(_html_goal(bib, results))
    lines.append(_large_goal(*rows[-1]) if rows else f"- {LARGE_GOAL:,} distinct entries in < 5 s: no input")
    base = startup["python -c pass"][0]
    for name, limit in (("refs.bib to text", 5), ("refs.bib to Markdown", 6)):
        ratio = startup[name][0] / base
        lines.append(f"- {name} ≤ {limit}× a bare `python -c pass` (wall): {ratio:.1f}×: " + _verdict(ratio <= limit))
    return lines


def _html_goal(bib: Input, results: list[Result]) -> str:
    goal = f"- {bib.path.name} ({bib.entries:,} entries) to HTML at or below bibtex2html in wall and CPU"
    ours = next((r for r in results if r.tool.name == "bib2pubs -f html"), None)
    two = next((r for r in results if r.tool.name == "bib2pubs -f html, two processes"), None)
    peer = peer_of(results, "html")
    if not (ours and two and peer):
        return f"{goal}: not measured (bibtex2html missing)"
    met = ours.wall <= peer.wall and ours.cpu <= peer.cpu and ours.complete
    return (
        f"{goal}: bib2pubs {ours.wall:.3f} s wall, {ours.cpu:.3f} s CPU (two processes: {two.wall:.3f} s, "
        f"{two.cpu:.3f} s) against {peer.wall:.3f} s, {peer.cpu:.3f} s: {ours.wall / peer.wall:.2f}× the wall, "
        f"{ours.cpu / peer.cpu:.2f}× the CPU: " + _verdict(met)
    )


def _large_goal(bib: Input, results: list[Result]) -> str:
    goal = f"- {LARGE_GOAL:,} distinct entries in < 5 s"
    ours = next(r for r in results if r.tool.name == "bib2pubs -f html")
    text = next(r for r in results if r.tool.name == "bib2pubs -f text")
    one = next((r for r in results if r.tool.name == "bib2pubs -f html, one process"), None)
    measured = (
        f"{bib.path.name}'s {bib.entries:,} take bib2pubs {ours.wall:.2f} s wall, {ours.cpu:.2f} s CPU to HTML "
        + (f"(in one process: {one.wall:.2f} s, {one.cpu:.2f} s) " if one else "")
        + f"and {text.wall:.2f} s, {text.cpu:.2f} s to text ({bib.entries / ours.wall:,.0f} entries/s to HTML)"
    )
    if bib.entries >= LARGE_GOAL:
        return f"{goal}: {measured}: " + _verdict(ours.wall < 5 and ours.complete)
    short = (
        f"the machine's bibliographies hold {bib.entries:,} distinct entries, and the bench repeats none to make "
        f"up {LARGE_GOAL:,}"
    )
    if ours.wall >= 5:
        return f"{goal}: {short}; already {measured}: **not met**"
    # Time per entry does not fall as files grow (it was measured not to):
    # at the rate shown, a file of the goal's size that takes 5 s or more
    # misses the goal, though no such file was timed.
    projected = LARGE_GOAL * ours.wall / bib.entries
    if projected >= 5:
        return f"{goal}: {short}; {measured}; at that rate {LARGE_GOAL:,} take about {projected:.0f} s: **not met**"
    return f"{goal}: **not shown**: {short}; {measured}"
