"""The tools timed, on the same work: bib2pubs (HTML and plain text, as a
user runs it (one process) and in two; as a release wheel builds it, and pure
Python), bibtex2html and pybtex; each with its command and the count of
the entries its output lists, which decides whether a run is complete."""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.bibtex_check import BIBTEX_CAPACITY
from bench.inputs import Input


@dataclass(frozen=True)
class Tool:
    name: str
    #: "html" or "text": what it writes, and so which peer it is held against.
    output: str
    command: Callable[[Path, Path], list[str]]  # (input, scratch folder) to argv
    count: Callable[[Path], int]  # scratch folder to the entries its output lists
    env: dict[str, str] = field(default_factory=dict)
    #: Settings a run that comes out short is given, and their description.
    fallback: tuple[dict[str, str], str] | None = None
    peer: bool = False
    #: Whether it lists the entries that others cross-refer to (BibTeX's
    #: tools do, with every entry cited; bib2pubs, by design, does not).
    lists_parents: bool = True
    #: Scratch folder to the keys its output lists, where the output names them.
    listed_keys: Callable[[Path], set[str]] | None = None

    def expected(self, bib: Input) -> int:
        """The fewest entries a complete output lists."""
        return bib.entries if self.lists_parents else bib.entries - len(bib.parents)


def _count_in(name: str, pattern: str, flags: int = 0) -> Callable[[Path], int]:
    def count(work: Path) -> int:
        out = work / name
        return len(re.findall(pattern, out.read_text(encoding="utf-8", errors="replace"), flags)) if out.exists() else 0

    return count


def _count_text_entries(work: Path) -> int:
    """bib2pubs' plain text: blocks between blank lines, less the section
    headings (a line underlined with '-' or '=')."""
    out = work / "bib2pubs.txt"
    if not out.exists():
        return 0
    blocks = [block for block in re.split(r"\n\s*\n", out.read_text(encoding="utf-8")) if block.strip()]
    return sum(1 for block in blocks if not re.fullmatch(r"[-=]+", block.strip().splitlines()[-1]))


#: Two processes, and one: the rows that show what a forked worker adds
#: or saves (by default bib2pubs forks one only for a very large file).
TWO = {"BIB2PUBS_JOBS": "2"}
ONE = {"BIB2PUBS_JOBS": "1"}


#: The label of the rows timing the pure-Python install.
PURE = ", pure Python"

#: A highlight that matches nobody in the bench's files (TUGboat's authors
#: and the others): the row shows what looking for a name costs a run.
NOBODY = "Chao Jin"


def compiled_modules(venv: Path) -> int:
    """How many of bib2pubs' modules are compiled in ``venv`` (0: pure)."""
    return sum(1 for _ in venv.glob("lib/python*/site-packages/bib2pubs/**/*.so"))


def builds(venv: Path, pure_venv: Path | None) -> str:
    """What the bib2pubs rows run: a sentence for the results page."""
    count = compiled_modules(venv)
    main = (
        f"bib2pubs as a release wheel builds it (`make wheel`: {count} modules compiled by mypyc)"
        if count
        else "bib2pubs as pure Python (`make wheel` could not compile here)"
    )
    if pure_venv is None:
        return main + "."
    return main + f', and, in the rows marked "{PURE[2:]}", as `pip install .` installs it, not compiled.'


def find_tools(venv: Path, pure_venv: Path | None = None) -> tuple[list[Tool], list[str]]:
    """The tools timed, and the missing ones with how to get them.
    ``pure_venv`` holds bib2pubs as pure Python, timed as a user runs it."""
    tools = [
        _bib2pubs(venv, "html"),
        _bib2pubs(venv, "html", ONE),
        _bib2pubs(venv, "html", TWO),
        _bib2pubs(venv, "html", highlight=NOBODY),
    ]
    if pure_venv is not None:
        tools.append(_bib2pubs(pure_venv, "html", build=PURE))
    missing = []
    if shutil.which("bibtex2html") and shutil.which("bibtex"):
        tools.append(_bibtex2html())
    else:
        missing.append("bibtex2html (Debian: apt-get install bibtex2html)")
    tools += [_bib2pubs(venv, "text"), _bib2pubs(venv, "text", TWO)]
    if pure_venv is not None:
        tools.append(_bib2pubs(pure_venv, "text", build=PURE))
    pybtex = venv / "bin" / "pybtex-format"
    if pybtex.exists():
        tools.append(_pybtex(pybtex))
    else:
        missing.append("pybtex (PyPI: pip install pybtex)")
    return tools, missing


def _bib2pubs(
    venv: Path, output: str, env: dict[str, str] | None = None, build: str = "", highlight: str | None = None
) -> Tool:
    ours, out = str(venv / "bin" / "bib2pubs"), "bib2pubs.html" if output == "html" else "bib2pubs.txt"
    looking = ["-H", highlight] if highlight else []
    return Tool(
        f"bib2pubs -f {output}{build}"
        + {"": "", "2": ", two processes", "1": ", one process"}[(env or {}).get("BIB2PUBS_JOBS", "")]
        + (f", -H '{highlight}' (matches nobody)" if highlight else ""),
        output,
        lambda bib, work: [ours, str(bib), "-f", output, *looking, "-o", str(work / out)],
        _count_in(out, r'<li class="pub[ "]') if output == "html" else _count_text_entries,
        env or {},
        lists_parents=False,
        listed_keys=_html_ids if output == "html" else None,
    )


def _html_ids(work: Path) -> set[str]:
    """The keys bib2pubs' HTML lists: each item's id is ``pub-KEY``."""
    page = (work / "bib2pubs.html").read_text(encoding="utf-8") if (work / "bib2pubs.html").exists() else ""
    return {html.unescape(key).lower() for key in re.findall(r'<li class="pub[^"]*" id="pub-([^"]*)"', page)}


def _pybtex(pybtex: Path) -> Tool:
    """pybtex exits 2 when it warns, output complete: its count decides."""
    return Tool(
        "pybtex",
        "text",
        lambda bib, work: [str(pybtex), "--style", "plain", str(bib), str(work / "pybtex.txt")],
        _count_in("pybtex.txt", r"^\[[^\]\n]+\] ", re.M),
        peer=True,
    )


#: One page (no second page of BibTeX sources), the body only, BibTeX's plain style.
BIBTEX2HTML_FLAGS = ("-nodoc", "-nobibsource", "-noabstract", "-nokeywords", "-q", "-s", "plain")


def _bibtex2html() -> Tool:
    capacity = ", ".join(f"{name}={value}" for name, value in BIBTEX_CAPACITY.items())
    return Tool(
        "bibtex2html",
        "html",
        lambda bib, work: ["bibtex2html", *BIBTEX2HTML_FLAGS, "-o", str(work / "bibtex2html"), str(bib)],
        _count_in("bibtex2html.html", r'<tr valign="top">'),
        fallback=(BIBTEX_CAPACITY, f"BibTeX's {capacity}"),
        peer=True,
    )
