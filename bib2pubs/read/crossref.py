"""Resolve ``crossref``: a child entry inherits what its parent states.

bibtexparser 2 leaves this undone. We follow BibTeX (fields missing in the
child are copied from the parent, by name) plus biblatex's mapping of the
parent's ``title`` to the child's ``booktitle``. A parent's links and status
are its own: a proceedings volume's DOI is not the paper's.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Final

from bib2pubs.model import Diagnostic
from bib2pubs.read.bibtex import RawEntry

_NOT_INHERITED: Final = frozenset(
    {
        # identity and cross-references
        *("ids", "crossref", "xref", "entryset", "related", "label", "shorthand", "sortkey", "key"),
        # the parent's own title goes to booktitle, not title
        *("title", "subtitle", "titleaddon", "shorttitle"),
        # links and identifiers
        *("url", "doi", "eprint", "eprinttype", "archiveprefix", "primaryclass", "arxiv", "file"),
        *("pdf", "slides", "code", "video", "poster", "website", "html", "supp", "blog"),
        # the parent's status on a page
        *("abstract", "hidden", "selected", "preview", "award", "bibtex_show"),
    }
)
_BOOK_TYPES: Final = frozenset({"inproceedings", "conference", "incollection", "inbook", "bookinbook", "suppbook"})
_MAX_CHAIN: Final = 32


def resolve_crossrefs(entries: tuple[RawEntry, ...]) -> tuple[tuple[RawEntry, ...], frozenset[str], list[Diagnostic]]:
    """Returns the entries with inheritance applied, the keys (lower case)
    that some entry cross-references, and the problems found."""
    by_key: dict[str, RawEntry] = {}
    for entry in entries:
        by_key.setdefault(entry.key.lower(), entry)
    diagnostics: list[Diagnostic] = []
    targets: set[str] = set()
    resolved: list[RawEntry] = []
    for entry in entries:
        if "crossref" not in entry.fields:
            resolved.append(entry)
            continue
        chain = _parents(entry, by_key, diagnostics)
        targets.update(parent.key.lower() for parent in chain)
        resolved.append(_inherit(entry, chain) if chain else entry)
    return tuple(resolved), frozenset(targets), diagnostics


def _parents(entry: RawEntry, by_key: dict[str, RawEntry], diagnostics: list[Diagnostic]) -> list[RawEntry]:
    """The parent, grandparent, … of ``entry``, nearest first. Problems are
    reported on the entry they belong to: an unknown parent on the entry that
    names it, a cycle on every entry in it."""
    chain: list[RawEntry] = []
    seen = [entry.key]
    current = entry
    while "crossref" in current.fields and len(chain) < _MAX_CHAIN:
        target = current.fields["crossref"].strip()
        parent = by_key.get(target.lower())
        if parent is None:
            if current is entry:
                line = entry.field_lines.get("crossref", entry.line)
                diagnostics.append(
                    Diagnostic(
                        entry.file, line, entry.key or None, "warning", f"crossref to unknown entry '{_shown(target)}'"
                    )
                )
            break
        if parent.key.lower() in {key.lower() for key in seen}:
            line = entry.field_lines.get("crossref", entry.line)
            path = " → ".join([*seen, parent.key])
            diagnostics.append(Diagnostic(entry.file, line, entry.key or None, "warning", f"crossref cycle {path}"))
            break
        seen.append(parent.key)
        chain.append(parent)
        current = parent
    return chain


def _inherit(entry: RawEntry, chain: list[RawEntry]) -> RawEntry:
    fields = dict(entry.fields)
    for parent in chain:
        for name, value in parent.fields.items():
            if name not in fields and name not in _NOT_INHERITED:
                fields[name] = value
        if entry.type in _BOOK_TYPES and "booktitle" not in fields and parent.fields.get("title"):
            fields["booktitle"] = parent.fields["title"]
    return replace(entry, fields=fields)


def _shown(key: str) -> str:
    """A key as a message quotes it: a value run long by a missing brace is
    cut, so that the report stays one readable line."""
    return key if len(key) <= 60 else key[:60] + "…"
