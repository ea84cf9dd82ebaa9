"""``make bench``: bib2pubs against bibtex2html and pybtex, on the same work.

Not a test: it times real runs and writes bench/RESULTS.md.

- **Same work.** HTML against HTML: ``bib2pubs FILE -f html`` against
  bibtex2html with ``-nodoc -nobibsource`` (one page, no second page of
  BibTeX sources) and BibTeX's plain style. Plain text against plain text:
  ``bib2pubs -f text`` against ``pybtex-format --style plain``. bib2pubs
  runs as it does by default (it may fork workers on idle cores) and with
  ``BIB2PUBS_JOBS=1`` (one process).
- **Distinct real entries.** tugboat.bib as Debian ships it; texlive's
  beebe/*.bib merged into one file; and every .bib texlive, its
  documentation and the project's test corpus hold, merged. Merging keeps
  each work once (same folded title and first author's family name, no
  year, volume, number or pages that differ: the first copy wins) and
  renames a key or macro only where two files use it for different things;
  nothing is repeated or made up. The files are read by the small reader
  below, not by bib2pubs. Left out, and counted in the table: entries it
  cannot follow, entries without a title (glossary data), entries using a
  macro no file defines, cross-references to nothing, and entries BibTeX
  itself reports errors on, so that every tool gets input it can read.
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
"""

from __future__ import annotations

import argparse
import bisect
import gzip
import html
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
RESULTS = ROOT / "bench" / "RESULTS.md"
TEXMF_BIB = Path("/usr/share/texlive/texmf-dist/bibtex/bib")
TUGBOAT = TEXMF_BIB / "beebe" / "tugboat.bib"
#: Where Debian puts .bib files: texlive's tree (bibliographies, and examples
#: next to packages' sources) and the packages' documentation.
SYSTEM_BIB_ROOTS = (Path("/usr/share/texlive/texmf-dist"), Path("/usr/share/doc"))
CORPUS = ROOT / "tests" / "corpus"
#: The goal for a large file; the machine may hold fewer distinct entries.
LARGE_GOAL = 100_000

# ---------------------------------------------------------------- reading .bib
# A reader of its own, so that what bib2pubs reads (or misreads) cannot
# shape the inputs it is timed on.

_AT = re.compile(r"@\s*([A-Za-z][\w-]*)\s*([{(])")
_DELIMITER = re.compile(r'[{}()"]')
_QUOTED = re.compile(r'[{}"]')
_SPACE = re.compile(r"\s*")
#: An entry's first line inside another item: that item never closed.
_ENTRY_START = re.compile(r"\n\s*@\s*[A-Za-z][\w-]*\s*[{(]\s*[^\s,{}()]+\s*,")
_HEAD = re.compile(r"@\s*([A-Za-z][\w-]*)\s*[{(]\s*([^\s,{}()\"#%'=\\]+)\s*,")
_FIELD = re.compile(r"[\s,]*([^\s=,{}\"#%'()]+)\s*=\s*")
_WORD = re.compile(r"[^\s,#{}\"()=%]+")


@dataclass
class Entry:
    kind: str
    key: str
    #: Field name (lower case) to the value's parts, as written, joined by '#'.
    fields: dict[str, list[str]]

    def text(self) -> str:
        body = "".join(f",\n  {name} = {' # '.join(parts)}" for name, parts in self.fields.items())
        return f"@{self.kind}{{{self.key}{body}\n}}\n"


def _items(text: str) -> Iterator[tuple[str, str | None]]:
    """Each @-item of a .bib text: its type in lower case, and its text, or
    None where it never closes (it is then read up to the next entry's
    first line). Text outside items is a comment, as BibTeX reads it."""
    pos = 0
    while match := _AT.search(text, pos):
        end = _closing(text, match.end(), match.group(2))
        inner = _ENTRY_START.search(text, match.end(), end or len(text))
        if end is None or inner:
            yield match.group(1).lower(), None
            pos = inner.start() if inner else match.end()
            continue
        yield match.group(1).lower(), text[match.start() : end]
        pos = end


def _closing(text: str, start: int, opener: str) -> int | None:
    """Where the item opened at ``start`` ends (just past its delimiter); in
    an item opened with '(', a ')' inside a quoted value does not end it."""
    depth, quoted = 0, False
    for match in _DELIMITER.finditer(text, start):
        char = match.group()
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return match.end() if opener == "{" else None
            depth -= 1
        elif depth == 0 and opener == "(":
            if char == '"':
                quoted = not quoted
            elif char == ")" and not quoted:
                return match.end()
    return None


def _entry(item: str) -> Entry | None:
    head = _HEAD.match(item)
    if not head:
        return None
    fields = _fields(item[head.end() : -1])
    return Entry(head.group(1), head.group(2), fields) if fields is not None else None


def _fields(body: str) -> dict[str, list[str]] | None:
    """``name = value, ...``; a repeated field keeps its first value, as
    BibTeX does. None where the text is not a list of fields."""
    fields: dict[str, list[str]] = {}
    pos = 0
    while match := _FIELD.match(body, pos):
        parts, pos = _value(body, match.end())
        if parts is None:
            return None
        fields.setdefault(match.group(1).lower(), parts)
    return fields if not body[pos:].strip(" \t\r\n,") else None


def _value(body: str, pos: int) -> tuple[list[str] | None, int]:
    """A field's value: braced, quoted, number or macro parts joined by '#'."""
    parts = []
    while True:
        pos = _skip_space(body, pos)
        end = _part_end(body, pos)
        if end is None:
            return None, pos
        parts.append(body[pos:end])
        pos = _skip_space(body, end)
        if not body.startswith("#", pos):
            break
        pos += 1
    return (parts if pos == len(body) or body[pos] == "," else None), pos


def _skip_space(text: str, pos: int) -> int:
    match = _SPACE.match(text, pos)
    return match.end() if match else pos


def _part_end(body: str, pos: int) -> int | None:
    if body.startswith("{", pos):
        return _closing(body, pos + 1, "{")
    if body.startswith('"', pos):
        depth = 0
        for match in _QUOTED.finditer(body, pos + 1):
            char = match.group()
            if char == '"' and depth == 0:
                return match.end()
            depth += {"{": 1, "}": -1}.get(char, 0)
        return None
    word = _WORD.match(body, pos)
    return word.end() if word else None


def _is_macro(part: str) -> bool:
    return not part.startswith(("{", '"')) and not part.isdigit()


def _read_bib(path: Path) -> str:
    """A file's text: UTF-8, else Latin-1 (as texlive's older German
    examples are written)."""
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


@cache
def census(path: Path) -> tuple[list[str], frozenset[str]]:
    """A file's entries' keys, and those (lower case) other entries cross-refer to."""
    entries = [
        entry
        for kind, item in _items(_read_bib(path))
        if kind not in ("string", "preamble", "comment") and item and (entry := _entry(item))
    ]
    keys = [entry.key for entry in entries]
    parents = {entry.fields["crossref"][0].strip('{}"').lower() for entry in entries if "crossref" in entry.fields}
    return keys, frozenset(parents & {key.lower() for key in keys})


# ------------------------------------------------------ one file of distinct works


def _folded(parts: list[str]) -> str:
    """A value as words, for telling works apart: accents, TeX markup, case
    and punctuation dropped (``Br{\\"u}ggemann`` is ``bruggemann``)."""
    text = " ".join(part.strip('{}"') for part in parts)
    text = re.sub(r"\\[^A-Za-z]", "", text).replace("\\", "")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[\W_]+", " ", text.lower()).split())


def _first_family(parts: list[str]) -> str:
    """The first person's family name: before the comma, else the last word."""
    first = re.split(r"\s+and\s+", " ".join(parts), maxsplit=1)[0]
    family = first.split(",")[0] if "," in first else (first.split() or [""])[-1]
    return _folded([family])


def _work(entry: Entry) -> tuple[str, str] | None:
    """The title and first author's (else editor's) family name, folded;
    None for an entry without a title."""
    title = entry.fields.get("title")
    if not title or not _folded(title):
        return None
    return _folded(title), _first_family(entry.fields.get("author") or entry.fields.get("editor") or [])


LOCATORS = ("year", "volume", "number", "pages")


def _locators(entry: Entry) -> tuple[str, ...]:
    return tuple(_folded(entry.fields.get(name, [])) for name in LOCATORS)


def _same_place(one: tuple[str, ...], other: tuple[str, ...]) -> bool:
    """No year, volume, number or pages that differ: a journal's "Calendar"
    in every issue is many works, one paper in two files is one."""
    return all(a == b or not a or not b for a, b in zip(one, other, strict=True))


MONTHS = {
    month: [month] for month in ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
}
REPEATS = "repeats of an entry already in (same title and first author, no year, volume, number or pages differing)"


@dataclass
class Merged:
    """Entries of many files in one: each work once, keys unique."""

    #: Macros by lower-case name, with BibTeX's month names.
    strings: dict[str, list[str]] = field(default_factory=lambda: dict(MONTHS))
    entries: dict[str, Entry] = field(default_factory=dict)  # lower-case key to entry
    #: Title and first author to the locators and keys of the entries kept.
    works: dict[tuple[str, str], list[tuple[tuple[str, ...], str]]] = field(default_factory=dict)
    left_out: Counter[str] = field(default_factory=Counter)
    #: "keys" and "macros" renamed where two files use one name for two things.
    renamed: Counter[str] = field(default_factory=Counter)
    files: int = 0

    def add_file(self, path: Path) -> None:
        text = _read_bib(path)
        self.files += 1
        keys: dict[str, str] = {}  # this file's keys to the keys they became
        macros: dict[str, str] = {}  # this file's macros to the names they became
        kept = []
        for kind, item in _items(text):
            if kind in ("preamble", "comment"):
                continue
            if kind == "string":
                self._add_string(item, macros)
            elif (entry := _entry(item) if item else None) is None:
                self.left_out["entries this reader cannot follow (unbalanced braces, no key, `%` comments inside)"] += 1
            elif (added := self._add_entry(entry, keys)) is not None:
                kept.append(added)
        for entry in kept:
            _rename_references(entry, keys, macros)

    def _add_string(self, item: str | None, macros: dict[str, str]) -> None:
        match = item and re.match(r"@\s*string\s*[{(]\s*([^\s=#{}\"]+)\s*=", item, re.I)
        parts = _value(item[match.end() : -1].rstrip(), 0)[0] if match else None
        if not match or parts is None:
            return
        name = match.group(1)
        parts = [macros.get(part.lower(), part) if _is_macro(part) else part for part in parts]
        same = self.strings.get(name.lower())
        if same is not None and same != parts:
            name = _unused(name, self.strings)
            self.renamed["macros"] += 1
        self.strings[name.lower()] = parts
        macros[match.group(1).lower()] = name

    def _add_entry(self, entry: Entry, keys: dict[str, str]) -> Entry | None:
        work = _work(entry)
        if work is None:
            self.left_out["entries without a title (glossary, index and option data)"] += 1
            return None
        locators = _locators(entry)
        kept = self.works.setdefault(work, [])
        earlier = next((key for place, key in kept if _same_place(place, locators)), None)
        if earlier is not None:
            self.left_out[REPEATS] += 1
            keys.setdefault(entry.key.lower(), earlier)
            return None
        final = _unused(entry.key, self.entries)
        self.renamed["keys"] += final != entry.key
        keys[entry.key.lower()] = final
        entry.key = final
        self.entries[final.lower()] = entry
        kept.append((locators, final))
        return entry

    def drop(self, keys: set[str], reason: str) -> None:
        dropped = [self.entries.pop(key.lower()) for key in keys if key.lower() in self.entries]
        if dropped:
            self.left_out[reason] += len(dropped)

    def text(self) -> str:
        """The file: macros, then entries, then the entries others cross-refer
        to (BibTeX wants those last)."""
        strings = "".join(
            f"@string{{{name} = {' # '.join(parts)}}}\n" for name, parts in self.strings.items() if name not in MONTHS
        )
        targets = {entry.fields["crossref"][0].strip('{}"').lower() for entry in self._referring()}
        ordered = sorted(self.entries.values(), key=lambda entry: entry.key.lower() in targets)
        return strings + "\n" + "\n".join(entry.text() for entry in ordered)

    def _referring(self) -> list[Entry]:
        return [entry for entry in self.entries.values() if "crossref" in entry.fields]

    def undefined(self) -> set[str]:
        """Entries using a macro that no file defines (BibTeX's month names aside)."""
        return {
            entry.key
            for entry in self.entries.values()
            if any(
                _is_macro(part) and part.lower() not in self.strings
                for parts in entry.fields.values()
                for part in parts
            )
        }

    def dangling(self) -> set[str]:
        """Entries that cross-refer to an entry that is not there, or to themselves."""
        targets = {entry.key: entry.fields["crossref"][0].strip('{}"').lower() for entry in self._referring()}
        return {key for key, target in targets.items() if target not in self.entries or target == key.lower()}


def _unused(name: str, taken: dict[str, object]) -> str:
    """``name``, or ``name-2``, ``name-3``… where it is taken (case-blind, as
    BibTeX compares keys and macro names)."""
    candidate, n = name, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{name}-{n}"
    return candidate


def _rename_references(entry: Entry, keys: dict[str, str], macros: dict[str, str]) -> None:
    """Point an entry's macros and cross-reference at what they became."""
    for name, parts in entry.fields.items():
        entry.fields[name] = [macros.get(part.lower(), part) if _is_macro(part) else part for part in parts]
    if "crossref" in entry.fields:
        target = entry.fields["crossref"][0].strip('{}"')
        entry.fields["crossref"] = ["{" + keys.get(target.lower(), target) + "}"]


def build_distinct(sources: list[Path], target: Path) -> Merged:
    """Write ``target`` from ``sources``."""
    merged = Merged()
    for path in sources:
        merged.add_file(path)
    merged.drop(merged.undefined(), "entries using a macro no file defines (their title or venue would be empty)")
    rejected: set[str] = set()
    for _ in range(3):  # until BibTeX rejects nothing more
        merged.drop(rejected, "entries BibTeX reports errors on (mostly names with a stray comma)")
        merged.drop(merged.dangling(), "entries cross-referring to an entry that is not there (or to themselves)")
        target.write_text(merged.text(), encoding="utf-8")
        rejected = _bibtex_rejects(target)
        if not rejected:
            break
    return merged


# ----------------------------------------------------------------- BibTeX itself

#: BibTeX's string capacity, raised for a file of many entries: texmf.cnf's
#: 200,000 runs out before 100,000 entries (bibtex stops with error 3, and
#: bibtex2html with it). kpathsea reads the environment before texmf.cnf.
BIBTEX_CAPACITY = {"max_strings": "2000000"}


def _bibtex_rejects(bib: Path) -> set[str]:
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


# ---------------------------------------------------------------------- inputs


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


def _inputs() -> tuple[list[Input], list[str]]:
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


def _merged_input(sources: list[Path], target: Path, origin: str) -> Input:
    merged = build_distinct(sources, target)
    renamed = " and ".join(f"{count:,} {what}" for what, count in sorted(merged.renamed.items()) if count)
    origin += f"; {merged.files} files read" + (f"; {renamed} renamed where files clash" if renamed else "")
    left_out = "; ".join(f"{reason}: {count:,}" for reason, count in merged.left_out.most_common())
    return Input(target, origin, left_out)


# ----------------------------------------------------------------------- tools


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


#: One process alone: the rows that show what forking adds or saves.
ALONE = {"BIB2PUBS_JOBS": "1"}


def _tools(venv: Path) -> tuple[list[Tool], list[str]]:
    """The tools timed, and the missing ones with how to get them."""
    tools = [_bib2pubs(venv, "html"), _bib2pubs(venv, "html", ALONE)]
    missing = []
    if shutil.which("bibtex2html") and shutil.which("bibtex"):
        tools.append(_bibtex2html())
    else:
        missing.append("bibtex2html (Debian: apt-get install bibtex2html)")
    tools += [_bib2pubs(venv, "text"), _bib2pubs(venv, "text", ALONE)]
    pybtex = venv / "bin" / "pybtex-format"
    if pybtex.exists():
        tools.append(_pybtex(pybtex))
    else:
        missing.append("pybtex (PyPI: pip install pybtex)")
    return tools, missing


def _bib2pubs(venv: Path, output: str, env: dict[str, str] | None = None) -> Tool:
    ours, out = str(venv / "bin" / "bib2pubs"), "bib2pubs.html" if output == "html" else "bib2pubs.txt"
    return Tool(
        f"bib2pubs -f {output}" + (", one process" if env == ALONE else ""),
        output,
        lambda bib, work: [ours, str(bib), "-f", output, "-o", str(work / out)],
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


# ------------------------------------------------------------------- measuring


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    peak_mb: float
    exit_code: int
    listed: int
    #: The last line the tool wrote to standard error.
    said: str = ""


def _measure(
    command: list[str], cwd: Path, env: dict[str, str] | None = None, stderr: Path | None = None
) -> tuple[float, float, int]:
    """One run: wall seconds, CPU seconds of the process and every process
    it waited for, and the exit code."""
    start = time.perf_counter()
    with open(stderr or os.devnull, "wb") as errors:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env={**os.environ, **(env or {})},
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_utime + usage.ru_stime, process.returncode


#: Reports a run's peak memory. The kernel's figure for a child of this
#: script starts from this script's own size (a child is forked from it),
#: while GNU time is small when it forks the tool.
GNU_TIME = Path("/usr/bin/time")


def _run(tool: Tool, bib: Path, work: Path) -> Run:
    for old in work.iterdir():
        old.unlink()
    peak, stderr = work / "peak", work / "stderr"
    wrapper = [str(GNU_TIME), "-f", "%M", "-o", str(peak)] if GNU_TIME.exists() else []
    wall, cpu, code = _measure([*wrapper, *tool.command(bib, work)], work, tool.env, stderr)
    said = stderr.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    return Run(wall, cpu, _peak_mb(peak), code, tool.count(work), said[-1] if said else "")


def _peak_mb(report: Path) -> float:
    """GNU time's %M (kilobytes) on the report's last line."""
    lines = report.read_text().split() if report.exists() else []
    return int(lines[-1]) / 1024 if lines and lines[-1].isdigit() else float("nan")


@dataclass(frozen=True)
class Result:
    tool: Tool
    runs: list[Run]
    #: The fewest entries a complete output lists.
    expected: int
    note: str = ""
    #: Keys of the input its output leaves out, where the output names keys.
    unlisted: list[str] | None = None

    @property
    def wall(self) -> float:
        return statistics.median(run.wall for run in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(run.cpu for run in self.runs)

    @property
    def peak_mb(self) -> float:
        return max(run.peak_mb for run in self.runs)

    @property
    def listed(self) -> int:
        return min(run.listed for run in self.runs)

    @property
    def complete(self) -> bool:
        return self.listed >= self.expected

    @property
    def said(self) -> str:
        """What a short run said last (its error, if it crashed)."""
        return next((run.said for run in self.runs if run.listed < self.expected), "")


@dataclass(frozen=True)
class Ready:
    """A tool as the warm-up round left it."""

    tool: Tool
    note: str = ""
    unlisted: list[str] | None = None


def _warm_up(tools: list[Tool], bib: Input, work: Path) -> list[Ready]:
    """One untimed round. A peer that comes out short gets its fallback
    settings (and a note saying so) if they make it finish; a tool whose
    output names keys is asked which entries it leaves out."""
    ready = []
    for tool in tools:
        note = ""
        if _run(tool, bib.path, work).listed < tool.expected(bib) and tool.fallback:
            settings, described = tool.fallback
            retried = replace(tool, env={**tool.env, **settings})
            if _run(retried, bib.path, work).listed >= tool.expected(bib):
                tool, note = retried, described
        unlisted = None
        if tool.listed_keys:
            listed = tool.listed_keys(work)
            unlisted = [key for key in bib.keys if key.lower() not in listed]
        ready.append(Ready(tool, note, unlisted))
    return ready


def _compare(tools: list[Tool], bib: Input, rounds: int, work: Path) -> list[Result]:
    """``rounds`` rounds, each tool once per round, the order turning each
    round, so that noise on the machine falls on all of them alike."""
    ready = _warm_up(tools, bib, work)
    runs: list[list[Run]] = [[] for _ in ready]
    for number in range(rounds):
        turn = number % len(ready)
        for index in [*range(turn, len(ready)), *range(turn)]:
            runs[index].append(_run(ready[index].tool, bib.path, work))
    results = [
        Result(one.tool, measured, one.tool.expected(bib), one.note, one.unlisted)
        for one, measured in zip(ready, runs, strict=True)
    ]
    for result in results:
        print(f"{bib.path.name}: {result.tool.name}: {result.wall:.3f} s, CPU {result.cpu:.3f} s", file=sys.stderr)
    return results


def _rounds(entries: int) -> int:
    return 9 if entries < 6_000 else 7 if entries < 15_000 else 5


STARTUP_ROUNDS = 21


def _startup(venv: Path, work: Path) -> dict[str, tuple[float, float]]:
    """Median wall and CPU seconds of the small runs start-up is judged by."""
    python, ours, refs = str(venv / "bin" / "python"), str(venv / "bin" / "bib2pubs"), str(ROOT / "refs.bib")
    commands = {
        "python -c pass": [python, "-c", "pass"],
        "python -c 'import click'": [python, "-c", "import click"],
        # As `make demo` runs it: with the researcher's name highlighted.
        "refs.bib to text": [ours, refs, "-H", "Chao Jin", "-f", "text", "-o", str(work / "refs.txt")],
        "refs.bib to JSON": [ours, refs, "-H", "Chao Jin", "-f", "json", "-o", str(work / "refs.json")],
        "refs.bib to Markdown": [ours, refs, "-H", "Chao Jin", "-f", "markdown", "-o", str(work / "refs.md")],
    }
    for command in commands.values():  # the first runs keep compiled templates
        _measure(command, work)
    # Timed directly: a wrapper reporting memory would add its own start-up.
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(STARTUP_ROUNDS):
        for name, command in commands.items():
            wall, cpu, _ = _measure(command, work)
            times[name].append((wall, cpu))
    return {
        name: (statistics.median(w for w, _ in measured), statistics.median(c for _, c in measured))
        for name, measured in times.items()
    }


# ----------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", type=Path, default=Path(sys.executable).parent.parent)
    parser.add_argument("--rounds", type=int, help="timed rounds per input (default: 9 to 5, by size)")
    options = parser.parse_args()
    venv = options.venv.absolute()
    OUT.mkdir(parents=True, exist_ok=True)
    inputs, missing = _inputs()
    tools, missing_tools = _tools(venv)
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        startup = _startup(venv, work)
        rows = [(bib, _compare(tools, bib, options.rounds or _rounds(bib.entries), work)) for bib in inputs]
    RESULTS.write_text(_report(rows, startup, missing + missing_tools), encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(ROOT)}", file=sys.stderr)
    return 0


# ---------------------------------------------------------------------- report

Rows = list[tuple[Input, list[Result]]]


def _report(rows: Rows, startup: dict[str, tuple[float, float]], missing: list[str]) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Made by `make bench` on {time.strftime('%Y-%m-%d')}, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs. The same work for every tool: HTML against HTML (bibtex2html "
        f"`{' '.join(BIBTEX2HTML_FLAGS)}`, which runs bibtex) and plain text against plain text "
        "(`pybtex-format --style plain`); inputs of distinct real entries; every output's entries counted; "
        "wall and CPU time of the whole process tree (bibtex under bibtex2html, bib2pubs' forked workers); "
        "medians of interleaved rounds, after a warm-up round. bench/run.py says how, at its top.",
        "",
        *_goals(rows, startup),
        "",
        *_inputs_table(rows),
        "",
        *_results_table(rows),
        "",
        *_startup_table(startup),
    ]
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
        "whatever else the machine has; texlive-latex-extra-doc (593 MB) is left out, for under 1,000 more.",
        "",
        "| input | entries | cross-referenced | size | what it holds | left out |",
        "|---|---:|---:|---:|---|---|",
    ]
    for bib, _ in rows:
        size = f"{bib.path.stat().st_size / 1e6:.1f} MB"
        cells = [bib.path.name, f"{bib.entries:,}", f"{len(bib.parents):,}", size, bib.origin, bib.left_out or "—"]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _peer(results: list[Result], output: str) -> Result | None:
    return next((r for r in results if r.tool.peer and r.tool.output == output), None)


def _results_table(rows: Rows) -> list[str]:
    lines = [
        "## Results",
        "",
        "Seconds are medians. The ratios hold each tool against the peer writing the same output "
        "(bibtex2html for HTML, pybtex for text; none where the peer failed): below 1 is less time than the "
        'peer. "listed": the entries counted in the output; "needed": the fewest a complete output holds (for '
        "bib2pubs, the entries less those cross-referenced); **failed** marks a short output, whatever the exit "
        'code. "bib2pubs -f html" runs as a user runs it: it forks workers for a large file when it sees an idle '
        "core (by the last minute's load, which the bench itself raises, so a default run may stay in one "
        'process: then its CPU time equals its wall time); "one process" sets `BIB2PUBS_JOBS=1`. '
        + _settings_note(rows),
        "",
        "| input | tool | rounds | wall s | CPU s | wall ÷ peer | CPU ÷ peer | peak MB | listed | needed | exit |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for bib, results in rows:
        lines += [_result_row(bib, result, _peer(results, result.tool.output)) for result in results]
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
        f"Medians of {STARTUP_ROUNDS} rounds in the benchmark's environment, where bib2pubs is installed as "
        "a user installs it (not editable, with its dependencies and pybtex only).",
        "",
        "| run | wall s | × `python -c pass` | CPU s | × `python -c pass` |",
        "|---|---:|---:|---:|---:|",
        *[
            f"| {name} | {wall:.4f} | {wall / base_wall:.1f}× | {cpu:.4f} | {cpu / base_cpu:.1f}× |"
            for name, (wall, cpu) in startup.items()
        ],
    ]


def _verdict(met: bool) -> str:
    return "**met**" if met else "**not met**"


def _goals(rows: Rows, startup: dict[str, tuple[float, float]]) -> list[str]:
    """Issue 18's targets, each with the figures that decide it."""
    lines = ["## Goals", ""]
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
    alone = next((r for r in results if r.tool.name == "bib2pubs -f html, one process"), None)
    peer = _peer(results, "html")
    if not (ours and alone and peer):
        return f"{goal}: not measured (bibtex2html missing)"
    met = ours.wall <= peer.wall and ours.cpu <= peer.cpu and ours.complete
    return (
        f"{goal}: bib2pubs {ours.wall:.3f} s wall, {ours.cpu:.3f} s CPU (one process: {alone.wall:.3f} s, "
        f"{alone.cpu:.3f} s) against {peer.wall:.3f} s, {peer.cpu:.3f} s: {ours.wall / peer.wall:.2f}× the wall, "
        f"{ours.cpu / peer.cpu:.2f}× the CPU: " + _verdict(met)
    )


def _large_goal(bib: Input, results: list[Result]) -> str:
    goal = f"- {LARGE_GOAL:,} distinct entries in < 5 s"
    ours = next(r for r in results if r.tool.name == "bib2pubs -f html")
    text = next(r for r in results if r.tool.name == "bib2pubs -f text")
    measured = (
        f"{bib.path.name}'s {bib.entries:,} take bib2pubs {ours.wall:.2f} s wall, {ours.cpu:.2f} s CPU to HTML "
        f"and {text.wall:.2f} s, {text.cpu:.2f} s to text ({bib.entries / ours.wall:,.0f} entries/s to HTML)"
    )
    if bib.entries >= LARGE_GOAL:
        return f"{goal}: {measured}: " + _verdict(ours.wall < 5 and ours.complete)
    short = (
        f"the machine's bibliographies hold {bib.entries:,} distinct entries, and the bench repeats none to make "
        f"up {LARGE_GOAL:,}"
    )
    if ours.wall >= 5:
        return f"{goal}: {short}; already {measured}: **not met**"
    return f"{goal}: **not shown**: {short}; {measured}"


if __name__ == "__main__":
    sys.exit(main())
