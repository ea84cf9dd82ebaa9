"""Golden files: the exact output of each case, reviewed in git.

``make golden`` (``python -m tests.golden``) rewrites them; ``test_golden``
compares. Paths are relative to the project root so outputs are the same on
every machine.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from click.testing import CliRunner

from bib2pubs.cli.command import cli

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
_LEAL_TAIXE = "tests/corpus/homepages/laura-leal-taixe/mypubs.bib"
_DETAILS = "tests/fixtures/details.bib"
_NAME_OPTIONS = [
    "-H",
    "Chao Jin",
    "--highlight-as",
    "student=Zili Zhang",
    "--name-style",
    "initials",
    "--max-authors",
    "6",
]

#: golden file name → command-line arguments (run from the project root).
CASES: dict[str, list[str]] = {
    # The seed page: the command in refs.bib's header and the README.
    "refs.academicpages.md": [
        "refs.bib",
        "--highlight",
        "Chao Jin",
        "--template",
        "academicpages",
        "--set",
        "title=Full Publications",
    ],
    "refs.markdown.md": ["refs.bib", "-H", "Chao Jin", "-f", "markdown"],
    "refs.html": ["refs.bib", "-H", "Chao Jin", "-f", "html"],
    "refs.txt": ["refs.bib", "-H", "Chao Jin", "-f", "text"],
    "refs.json": ["refs.bib", "-H", "Chao Jin", "-f", "json"],
    "refs.tex": ["refs.bib", "-H", "Chao Jin", "-f", "latex"],
    # A whole document for lualatex, numbered across years, site links made whole.
    "refs.document.tex": [
        "refs.bib",
        "-H",
        "Chao Jin",
        "-t",
        "latex-document",
        "--set",
        "numbering=continuous",
        "--set",
        "base_url=https://chao-jin.github.io",
    ],
    "refs.page.html": ["refs.bib", "-H", "Chao Jin", "-t", "html-page", "--set", "title=Chao Jin: Publications"],
    "refs.export.bib": ["refs.bib", "-H", "Chao Jin", "-f", "bibtex"],
    # CSL-JSON, as pandoc and Zotero read it (tests/test_csl_json.py).
    "refs.csl.json": ["refs.bib", "-H", "Chao Jin", "-f", "csl-json"],
    "details.csl.json": ["tests/fixtures/details.bib", "-f", "csl-json"],
    # The name options: a student in a second style, initials, long lists shortened.
    **{
        f"refs-names.{suffix}": ["refs.bib", *_NAME_OPTIONS, *args]
        for suffix, args in (
            ("academicpages.md", ["-t", "academicpages"]),
            ("markdown.md", ["-f", "markdown"]),
            ("html", ["-f", "html"]),
            ("txt", ["-f", "text"]),
        )
    },
    # A real homepage file: hand-bolded names, arXiv journals, many years.
    "leal-taixe.academicpages.md": [_LEAL_TAIXE, "-H", "Laura Leal-Taixé", "-t", "academicpages"],
    "leal-taixe.markdown.md": [_LEAL_TAIXE, "-H", "Laura Leal-Taixé", "-f", "markdown"],
    "leal-taixe.html": [_LEAL_TAIXE, "-H", "Laura Leal-Taixé", "-f", "html"],
    "leal-taixe.txt": [_LEAL_TAIXE, "-H", "Laura Leal-Taixé", "-f", "text"],
    "leal-taixe.json": [_LEAL_TAIXE, "-H", "Laura Leal-Taixé", "-f", "json"],
    "leal-taixe.tex": [_LEAL_TAIXE, "-H", "Laura Leal-Taixé", "-f", "latex"],
    "leal-taixe.page.html": [_LEAL_TAIXE, "-H", "Laura Leal-Taixé", "-t", "html-page"],
    "leal-taixe.export.bib": [_LEAL_TAIXE, "-H", "Laura Leal-Taixé", "-f", "bibtex"],
    # Whole references: volume, pages, publisher, edition, series, notes,
    # abstracts, from real entries of every kind (tests/fixtures/PROVENANCE.md).
    **{
        f"details.{suffix}": [_DETAILS, "-H", "Christopher Steven Timperley", *args]
        for suffix, args in (
            ("academicpages.md", ["-t", "academicpages"]),
            ("al-folio.html", ["-t", "al-folio"]),
            ("markdown.md", ["-f", "markdown"]),
            ("html", ["-f", "html"]),
            ("txt", ["-f", "text"]),
            ("tex", ["-f", "latex"]),
            ("json", ["-f", "json"]),
        )
    },
    # The same in other languages, and by kind for the group titles' words.
    "details.de.txt": [_DETAILS, "--locale", "de", "--group-by", "kind", "-f", "text"],
    "details.zh.markdown.md": [_DETAILS, "--locale", "zh", "--group-by", "kind", "-f", "markdown"],
    "details.fr.html": [_DETAILS, "--locale", "fr", "-f", "html"],
    # Cited in CSL styles, in bib2pubs' groups, the highlight kept.
    "details.apa.txt": [_DETAILS, "-H", "Christopher Steven Timperley", "--style", "apa", "-f", "text"],
    "details.apa.html": [_DETAILS, "-H", "Christopher Steven Timperley", "--style", "apa", "-f", "html"],
    "details.apa.json": [_DETAILS, "-H", "Christopher Steven Timperley", "--style", "apa", "-f", "json"],
    "details.ieee.markdown.md": [_DETAILS, "-H", "Christopher Steven Timperley", "--style", "ieee", "-f", "markdown"],
    "details.ieee.tex": [_DETAILS, "-H", "Christopher Steven Timperley", "--style", "ieee", "-f", "latex"],
    "details.chicago.de.academicpages.md": [
        _DETAILS,
        "-H",
        "Christopher Steven Timperley",
        "--style",
        "chicago-author-date",
        "--locale",
        "de",
        "-t",
        "academicpages",
    ],
}


#: golden folder name → arguments of a ``--split`` run writing that folder.
TREES: dict[str, list[str]] = {
    "split-academicpages": ["refs.bib", "-H", "Chao Jin", "-t", "academicpages-item"],
    "split-hugo": ["refs.bib", "-H", "Chao Jin", "-t", "hugo-bundle"],
    # DOIs and arXiv ids, keywords, every kind of link, an undated entry.
    "split-hugo-details": [_DETAILS, "-H", "Christopher Steven Timperley", "-t", "hugo-bundle"],
}


def produce_tree(name: str, folder: Path) -> dict[str, str]:
    """Runs one ``--split`` case into ``folder`` (from the project root) and
    returns the folder's files: relative path → text."""
    previous = os.getcwd()
    os.chdir(ROOT)
    try:
        result = CliRunner().invoke(cli, [*TREES[name], "--split", str(folder)], catch_exceptions=False)
    finally:
        os.chdir(previous)
    if result.exit_code != 0:
        raise RuntimeError(f"{name}: exit {result.exit_code}: {result.stderr}")
    return read_tree(folder)


def read_tree(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def produce(name: str) -> str:
    """Runs one case from the project root and returns its standard output."""
    previous = os.getcwd()
    os.chdir(ROOT)
    try:
        result = CliRunner().invoke(cli, CASES[name], catch_exceptions=False)
    finally:
        os.chdir(previous)
    if result.exit_code != 0:
        raise RuntimeError(f"{name}: exit {result.exit_code}: {result.stderr}")
    return result.stdout


def main() -> int:
    GOLDEN.mkdir(exist_ok=True)
    for name in CASES:
        path = GOLDEN / name
        text = produce(name)
        old = path.read_text(encoding="utf-8") if path.exists() else None
        if old != text:
            path.write_text(text, encoding="utf-8")
            print(f"rewrote {path.relative_to(ROOT)}")
    for name in TREES:
        folder = GOLDEN / name
        if folder.exists():
            shutil.rmtree(folder)
        produce_tree(name, folder)
        print(f"rewrote {folder.relative_to(ROOT)}/")
    stale = {path.name for path in GOLDEN.iterdir()} - set(CASES) - set(TREES)
    for name in sorted(stale):
        print(f"not a case any more (delete it?): tests/golden/{name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
