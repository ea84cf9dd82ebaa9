"""One file of distinct works from many .bib files: each work once, keys
and macro names unique, nothing BibTeX reports errors on."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bench.bibreader import Entry, bib_items, is_macro, parse_entry, parse_value, read_bib
from bench.bibtex_check import bibtex_rejects


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
        text = read_bib(path)
        self.files += 1
        keys: dict[str, str] = {}  # this file's keys to the keys they became
        macros: dict[str, str] = {}  # this file's macros to the names they became
        kept = []
        for kind, item in bib_items(text):
            if kind in ("preamble", "comment"):
                continue
            if kind == "string":
                self._add_string(item, macros)
            elif (entry := parse_entry(item) if item else None) is None:
                self.left_out["entries this reader cannot follow (unbalanced braces, no key, `%` comments inside)"] += 1
            elif (added := self._add_entry(entry, keys)) is not None:
                kept.append(added)
        for entry in kept:
            _rename_references(entry, keys, macros)

    def _add_string(self, item: str | None, macros: dict[str, str]) -> None:
        if not item:
            return
        match = re.match(r"@\s*string\s*[{(]\s*([^\s=#{}\"]+)\s*=", item, re.I)
        parts = parse_value(item[match.end() : -1].rstrip(), 0)[0] if match else None
        if not match or parts is None:
            return
        name = match.group(1)
        parts = [macros.get(part.lower(), part) if is_macro(part) else part for part in parts]
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

    def trim(self, limit: int) -> bool:
        """Keeps the first ``limit`` entries, each with the entries it
        cross-refers to (an entry that does not fit with its parents is
        passed over); whether any went."""
        if len(self.entries) <= limit:
            return False
        kept: set[str] = set()
        for key in self.entries:
            needed = self._with_parents(key) - kept
            if len(kept) + len(needed) <= limit:
                kept |= needed
            if len(kept) == limit:
                break
        self.drop(set(self.entries) - kept, f"entries past the first {limit:,} (the last file's last ones)")
        return True

    def _with_parents(self, key: str) -> set[str]:
        """``key`` and the keys (lower case) of the entries it cross-refers
        to, up the chain, as far as they are in."""
        chain = {key}
        entry = self.entries.get(key)
        while entry is not None and (parent := entry.parent) is not None:
            if parent in chain or parent not in self.entries:
                break
            chain.add(parent)
            entry = self.entries[parent]
        return chain

    def _targets(self) -> set[str]:
        return {entry.parent for entry in self.entries.values() if entry.parent}

    def text(self) -> str:
        """The file: macros, then entries, then the entries others cross-refer
        to (BibTeX wants those last)."""
        strings = "".join(
            f"@string{{{name} = {' # '.join(parts)}}}\n" for name, parts in self.strings.items() if name not in MONTHS
        )
        targets = self._targets()
        ordered = sorted(self.entries.values(), key=lambda entry: entry.key.lower() in targets)
        return strings + "\n" + "\n".join(entry.text() for entry in ordered)

    def undefined(self) -> set[str]:
        """Entries using a macro that no file defines (BibTeX's month names aside)."""
        return {
            entry.key
            for entry in self.entries.values()
            if any(
                is_macro(part) and part.lower() not in self.strings for parts in entry.fields.values() for part in parts
            )
        }

    def dangling(self) -> set[str]:
        """Entries that cross-refer to an entry that is not there, or to themselves."""
        targets = {entry.key: entry.parent for entry in self.entries.values() if entry.parent}
        return {key for key, target in targets.items() if target not in self.entries or target == key.lower()}


def _unused(name: str, taken: Mapping[str, object]) -> str:
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
        entry.fields[name] = [macros.get(part.lower(), part) if is_macro(part) else part for part in parts]
    if "crossref" in entry.fields:
        target = entry.fields["crossref"][0].strip('{}"')
        entry.fields["crossref"] = ["{" + keys.get(target.lower(), target) + "}"]


def build_distinct(sources: list[Path], target: Path, limit: int | None = None) -> Merged:
    """Write ``target`` from ``sources``: at most ``limit`` entries, the
    first ones, when given."""
    merged = Merged()
    for path in sources:
        merged.add_file(path)
    merged.drop(merged.undefined(), "entries using a macro no file defines (their title or venue would be empty)")
    rejected: set[str] = set()
    for _ in range(3):  # until BibTeX rejects nothing more
        merged.drop(rejected, "entries BibTeX reports errors on (mostly names with a stray comma)")
        merged.drop(merged.dangling(), "entries cross-referring to an entry that is not there (or to themselves)")
        target.write_text(merged.text(), encoding="utf-8")
        rejected = bibtex_rejects(target)
        if not rejected:
            break
    # Dropping entries that nothing cross-refers to leaves BibTeX nothing new to report.
    if limit is not None and merged.trim(limit):
        target.write_text(merged.text(), encoding="utf-8")
    return merged
