"""BibTeX itself: its capacity settings, and which entries of a file it
reports errors on (those are left out of the inputs, so that every tool
gets input it can read)."""

from __future__ import annotations

import bisect
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

#: BibTeX's string capacity, raised for a file of many entries: texmf.cnf's
#: 200,000 runs out before 100,000 entries (bibtex stops with error 3, and
#: bibtex2html with it). kpathsea reads the environment before texmf.cnf.
BIBTEX_CAPACITY = {"max_strings": "2000000"}


def bibtex_rejects(bib: Path) -> set[str]:
    """The entries BibTeX reports errors on, reading ``bib`` whole."""
    log = _bibtex_log(bib)
    here = re.escape(str(bib))
    # Errors reading the file name its line; errors running the style (a
    # name ending in a comma, too many commas in a name) name the entry.
    errors = _keys_at_lines(bib, [int(n) for n in re.findall(rf"---line (\d+) of file {here}$", log, re.M)])
    errors |= set(re.findall(r"^(?!Warning--).* for entry (\S+)$", log, re.M))
    errors |= set(re.findall(r'A bad cross reference---entry "([^"]+)"', log))
    return errors


def _bibtex_log(bib: Path) -> str:
    """What BibTeX says reading every entry of ``bib`` with the plain style."""
    if not shutil.which("bibtex"):
        return ""
    with tempfile.TemporaryDirectory() as scratch:
        aux = Path(scratch) / "check.aux"
        aux.write_text(f"\\citation{{*}}\n\\bibstyle{{plain}}\n\\bibdata{{{bib.with_suffix('')}}}\n")
        subprocess.run(
            ["bibtex", "-terse", aux.name],
            cwd=scratch,
            env={**os.environ, **BIBTEX_CAPACITY},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        return aux.with_suffix(".blg").read_text(encoding="utf-8", errors="replace")


def _keys_at_lines(bib: Path, lines: list[int]) -> set[str]:
    """The keys of the entries those lines fall in."""
    starts = [
        (number, match.group(1))
        for number, line in enumerate(bib.read_text(encoding="utf-8").splitlines(), 1)
        if (match := re.match(r"@(?!string)\w+\{([^,]+),", line))
    ]
    numbers = [number for number, _ in starts]
    return {starts[index - 1][1] for line in lines if (index := bisect.bisect_right(numbers, line))}
