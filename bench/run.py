"""``make bench``: bib2pubs against bibtex2html and pybtex, on the same work.

Not a test: it times real runs and writes bench/RESULTS.md.

- **Same work.** HTML against HTML: ``bib2pubs FILE -f html`` against
  bibtex2html with ``-nodoc -nobibsource`` (one page, no second page of
  BibTeX sources) and BibTeX's plain style. Plain text against plain text:
  ``bib2pubs -f text`` against ``pybtex-format --style plain``. bib2pubs
  runs as it does by default (one process, but a forked worker sharing
  the work of a file of 32 million characters or more), and with
  ``BIB2PUBS_JOBS=1`` and ``=2`` (one process always; a worker from a
  million characters).
- **Distinct real entries.** tugboat.bib as Debian ships it; texlive's
  beebe/*.bib merged into one file; every .bib texlive, its
  documentation and the project's test corpus hold, merged; and those
  with dblp's own entries (bench/data: 74,156, nearly all conference
  papers) merged after them, the first 100,000 entries kept. Merging keeps
  each work once (same folded title and first author's family name, no
  year, volume, number or pages that differ: the first copy wins) and
  renames a key or macro only where two files use it for different things;
  nothing is repeated or made up. The files are read by a small reader of
  the bench's own (bibreader.py), not by bib2pubs. Left out, and counted
  in the table: entries it cannot follow, entries without a title
  (glossary data), entries using a macro no file defines, cross-references
  to nothing, and entries BibTeX itself reports errors on, so that every
  tool gets input it can read.
- **Outputs checked.** Every run's output is counted (HTML list items,
  plain-text entries); a run that lists fewer entries than the input holds
  is a failure with its count, whatever its exit code. A peer that comes
  out short with its default settings is given the ones it needs (BibTeX's
  capacities for bibtex2html), and the table says so.
- **Wall and CPU time of the process tree** (``os.wait4``: the child and
  every process it waited for, such as bibtex under bibtex2html and
  bib2pubs' workers), in rounds where every tool runs once, after one round
  that warms the disk cache and bib2pubs' template cache; medians. Peak
  memory is the largest single process of the tree, as GNU time reports it
  (wrapping each run in it adds about 1 ms of wall and CPU time, alike for
  every tool).

A peer that is not installed is reported as missing, not skipped quietly.

Run as ``python -m bench.run`` from the project root. The work is done by
the modules next to this one: bibreader and merging
(the inputs' entries), bibtex_check, inputs, tools, timing, report and goals;
stage_table, with the probe stages.py, says where bib2pubs' time goes.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.inputs import OUT, ROOT, find_inputs
from bench.report import results_page
from bench.stage_table import stage_times
from bench.timing import compare, rounds_for, startup_times
from bench.tools import builds, find_tools

RESULTS = ROOT / "bench" / "RESULTS.md"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", type=Path, default=Path(sys.executable).parent.parent)
    parser.add_argument("--pure-venv", type=Path, help="a venv holding bib2pubs as pure Python, timed too")
    parser.add_argument("--rounds", type=int, help="timed rounds per input (default: 9 to 3, by size)")
    options = parser.parse_args()
    venv = options.venv.absolute()
    pure_venv = options.pure_venv.absolute() if options.pure_venv else None
    OUT.mkdir(parents=True, exist_ok=True)
    inputs, missing = find_inputs()
    tools, missing_tools = find_tools(venv, pure_venv)
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        startup = startup_times(venv, work, pure_venv)
        rows = [(bib, compare(tools, bib, options.rounds or rounds_for(bib.entries), work)) for bib in inputs]
    try:
        stages = [(bib, stage_times(venv, bib.path)) for bib in inputs]
    except subprocess.CalledProcessError as error:  # the timings above are still worth writing
        print(f"bench/stages.py failed, so no stage table: {error.stderr.strip()[-500:]}", file=sys.stderr)
        stages = []
    page = results_page(rows, startup, missing + missing_tools, builds(venv, pure_venv), stages)
    RESULTS.write_text(page, encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
