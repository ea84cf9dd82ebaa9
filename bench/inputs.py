"""The files timed: tugboat.bib as Debian ships it, texlive's beebe/*.bib
merged, every .bib on the machine and in the project's test corpus merged,
and those with dblp's entries from bench/data up to 100,000: each holding
distinct real entries."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bench.bibreader import census
from bench.merging import build_distinct

ROOT = Path(__file__).resolve().parent.parent
#: Where the merged inputs are written.
OUT = ROOT / "bench" / "out"
TEXMF_BIB = Path("/usr/share/texlive/texmf-dist/bibtex/bib")
TUGBOAT = TEXMF_BIB / "beebe" / "tugboat.bib"
#: Where Debian puts .bib files: texlive's tree (bibliographies, and examples
#: next to packages' sources) and the packages' documentation.
SYSTEM_BIB_ROOTS = (Path("/usr/share/texlive/texmf-dist"), Path("/usr/share/doc"))
CORPUS = ROOT / "tests" / "corpus"
#: Real entries of dblp's (bench/data/PROVENANCE), for a file of 100,000
#: distinct works: texlive's bibliographies hold about 31,000.
DBLP_SAMPLE = ROOT / "bench" / "data" / "dblp-sample.bib.xz"
LARGEST = 100_000


@dataclass(frozen=True)
class Input:
    path: Path
    origin: str
    left_out: str = ""

    @property
    def keys(self) -> list[str]:
        return census(self.path)[0]

    @property
    def entries(self) -> int:
        return len(self.keys)

    @property
    def parents(self) -> frozenset[str]:
        """Keys (lower case) of the entries others cross-refer to: bib2pubs
        does not list those that only hold data for others (README)."""
        return census(self.path)[1]


def find_inputs() -> tuple[list[Input], list[str]]:
    """The files timed, and what is missing for the others."""
    if not TUGBOAT.exists():
        return [], [f"{TUGBOAT} (Debian: texlive-bibtex-extra)"]
    inputs = [Input(TUGBOAT, "TUGboat's bibliography, as texlive-bibtex-extra ships it")]
    beebe = sorted((TEXMF_BIB / "beebe").glob("*.bib"))
    names = ", ".join(path.stem for path in beebe)
    inputs.append(_merged_input(beebe, OUT / "beebe.bib", f"texlive's beebe/*.bib merged ({names})"))
    everything = _system_bib_files() + sorted(CORPUS.rglob("*.bib"))
    roots = " and ".join(f"`{root}`" for root in SYSTEM_BIB_ROOTS)
    origin = f"every .bib and .bib.gz under {roots}, then the project's tests/corpus/**/*.bib, merged"
    inputs.append(_merged_input(everything, OUT / "distinct-all.bib", origin))
    if not DBLP_SAMPLE.exists():
        return inputs, [f"{DBLP_SAMPLE.relative_to(ROOT)} (in git)"]
    origin += f", then dblp's entries (`{DBLP_SAMPLE.relative_to(ROOT)}`, see PROVENANCE there), merged; "
    origin += f"the first {LARGEST:,} kept"
    inputs.append(_merged_input([*everything, DBLP_SAMPLE], OUT / "distinct-100k.bib", origin, LARGEST))
    return inputs, []


def _system_bib_files() -> list[Path]:
    """Every .bib (or .bib.gz) of Debian's texlive and its documentation;
    texlive's bibliographies first, so their copy of a work is the one kept."""
    found = sorted(
        path
        for root in SYSTEM_BIB_ROOTS
        for pattern in ("*.bib", "*.bib.gz")
        for path in root.rglob(pattern)
        if path.is_file()
    )
    return sorted(found, key=lambda path: not path.is_relative_to(TEXMF_BIB))


def _merged_input(sources: list[Path], target: Path, origin: str, limit: int | None = None) -> Input:
    merged = build_distinct(sources, target, limit)
    renamed = " and ".join(f"{count:,} {what}" for what, count in sorted(merged.renamed.items()) if count)
    origin += f"; {merged.files} files read" + (f"; {renamed} renamed where files clash" if renamed else "")
    left_out = "; ".join(f"{reason}: {count:,}" for reason, count in merged.left_out.most_common())
    return Input(target, origin, left_out)
