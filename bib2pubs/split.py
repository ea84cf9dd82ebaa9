"""One file per publication (``--split DIR``), kept in step with the .bib
without losing an edit.

A folder of per-publication pages (academicpages' ``_publications/``,
Hugo Blox's ``content/publication/``) is synced, not overwritten:

- a file is written only when its content changes, atomically (as ``-o``);
- bib2pubs records, in ``DIR/.bib2pubs.json``, a hash of each file it
  wrote; a file whose content no longer has that hash was edited by hand
  since, and a file with no record was not written by bib2pubs: neither is
  overwritten (nor removed) without ``--force``, and the run says so;
- a file whose entry left the .bib is reported, and removed with ``--prune``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, field

from bib2pubs.errors import Bib2PubsError, UsageError
from bib2pubs.model import Diagnostic, Listing, Publication
from bib2pubs.output import write_file

#: The record of what bib2pubs wrote, kept in the folder.
MANIFEST = ".bib2pubs.json"

#: Per-entry templates: the file name pattern each writes by default, and
#: whether a clean ``cite.bib`` goes beside each file.
ITEM_TEMPLATES: Mapping[str, tuple[str, bool]] = {
    "academicpages-item": ("{year}-{key}.md", False),
    "hugo-bundle": ("{key}/index.md", True),
}

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_FIELDS = frozenset({"key", "year", "kind", "type", "month"})


def file_safe(key: str) -> str:
    """A key as a file name: only letters, digits, ".", "_" and "-" ("wang:2024/a" becomes "wang-2024-a")."""
    return _UNSAFE.sub("-", key).strip("-.") or "entry"


def file_name(pattern: str, publication: Publication) -> str:
    """``pattern`` filled in for ``publication``: {key} (file-safe), {year}
    ("undated" without one), {month} (two digits), {kind} and {type}."""
    unknown = [name for name in _PLACEHOLDER.findall(pattern) if name not in _FIELDS]
    if unknown:
        known = "{key}, {year}, {month}, {kind}, {type}"
        raise UsageError(f"--split-name {pattern}: no {{{unknown[0]}}}; use {known}")
    values = {
        "key": file_safe(publication.key),
        "year": str(publication.year) if publication.year is not None else "undated",
        "month": f"{publication.month:02d}" if publication.month else "00",
        "kind": publication.kind,
        "type": file_safe(publication.type),
    }
    name = _PLACEHOLDER.sub(lambda found: values[found.group(1)], pattern)
    if not _inside(name):
        raise UsageError(f"--split-name {pattern}: gives '{name}', not a file inside the folder")
    return name


def _inside(name: str) -> bool:
    """Whether ``name`` is a path within the folder (no "..", not absolute,
    not the record itself)."""
    parts = name.replace("\\", "/").split("/")
    return not name.startswith("/") and all(part not in ("", ".", "..") for part in parts) and name != MANIFEST


def split_files(
    listing: Listing,
    template: str | None = None,
    name_pattern: str | None = None,
    variables: Mapping[str, str] | None = None,
    max_authors: int | None = None,
    template_dirs: Sequence[str] = (),
    bibtex_dropped: Set[str] | None = None,
) -> tuple[dict[str, str], list[Diagnostic]]:
    """The files of ``--split``: relative path → text, one per listed entry
    (hidden ones aside) from a per-entry template (``academicpages-item``
    unless ``template`` names another), with ``cite.bib`` beside each where
    the template asks for it; and notes about ``--set`` variables."""
    from bib2pubs.bibexport import SITE_FIELDS, entry_bibtex
    from bib2pubs.formats import format_of
    from bib2pubs.render import render_items

    template = template or "academicpages-item"
    default_pattern, cite = ITEM_TEMPLATES.get(template, ("", False))
    if not default_pattern:  # a template of one's own: NAME.md.j2 writes {year}-{key}.md
        suffix = {"markdown": "md", "html": "html", "text": "txt", "latex": "tex"}.get(format_of(template) or "", "md")
        default_pattern = "{year}-{key}." + suffix
    items, notes = render_items(listing, template, variables, max_authors, template_dirs, bibtex_dropped)
    dropped = frozenset(SITE_FIELDS if bibtex_dropped is None else bibtex_dropped)
    files: dict[str, str] = {}
    owners: dict[str, str] = {}
    for publication, text in items:
        names = {file_name(name_pattern or default_pattern, publication): text}
        if cite:
            folder = os.path.dirname(next(iter(names)))
            names[os.path.join(folder, "cite.bib")] = entry_bibtex(publication, dropped)
        for name, content in names.items():
            if name in owners:
                raise UsageError(
                    f"--split: entries '{owners[name]}' and '{publication.key}' would share the file {name};"
                    " add {type} or {month} to --split-name"
                )
            owners[name] = publication.key
            files[name] = content
    return files, notes


@dataclass
class SyncReport:
    """What a sync did, or (with ``check``) would do; paths relative to the folder."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    #: Files not overwritten (or not removed): edited by hand, or not ours.
    kept: list[str] = field(default_factory=list)
    #: Files whose entry is gone, left in place (no --prune).
    orphaned: list[str] = field(default_factory=list)
    #: Files whose entry is gone, not removed by --prune: edited by hand.
    kept_orphans: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _current(path: str) -> str | None:
    try:
        with open(path, "rb") as file:
            return _digest(file.read())
    except FileNotFoundError:
        return None
    except OSError as error:
        raise Bib2PubsError(f"cannot read: {error.strerror or error}", path) from None


def _read_manifest(directory: str) -> dict[str, str]:
    path = os.path.join(directory, MANIFEST)
    try:
        with open(path, encoding="utf-8") as file:
            recorded = json.load(file).get("files", {})
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, AttributeError) as error:
        message = f"cannot read bib2pubs' record of the folder ({error}); remove it to start afresh"
        raise Bib2PubsError(message, path) from None
    # A record edited to point outside the folder is not followed.
    return {str(name): str(digest) for name, digest in recorded.items() if _inside(str(name))}


def sync(
    directory: str, files: Mapping[str, str], *, prune: bool = False, force: bool = False, check: bool = False
) -> SyncReport:
    """Brings ``directory`` in step with ``files`` (relative path → text)."""
    report = SyncReport()
    recorded = _read_manifest(directory)
    record: dict[str, str] = {}
    for name, text in files.items():
        path = os.path.join(directory, name)
        wanted = _digest(text.encode("utf-8", "surrogateescape"))
        current = _current(path)
        if current == wanted:
            report.unchanged.append(name)
            record[name] = wanted
            continue
        if current is not None and recorded.get(name) != current and not force:
            report.kept.append(name)  # edited by hand since, or never ours
            if name in recorded:
                record[name] = recorded[name]
            continue
        report.written.append(name)
        if not check:
            os.makedirs(os.path.dirname(path) or directory, exist_ok=True)
            write_file(path, text)
        record[name] = wanted
    for name in sorted(set(recorded) - set(files)):
        path = os.path.join(directory, name)
        current = _current(path)
        if current is None:
            continue  # already gone
        if not prune or (current != recorded[name] and not force):
            (report.orphaned if not prune else report.kept_orphans).append(name)
            record[name] = recorded[name]
            continue
        report.removed.append(name)
        if not check:
            os.remove(path)
            _remove_empty_folders(os.path.dirname(path), directory)
    if not check and record != recorded:
        manifest = json.dumps({"files": dict(sorted(record.items()))}, indent=2) + "\n"
        write_file(os.path.join(directory, MANIFEST), manifest)
    return report


def _remove_empty_folders(folder: str, top: str) -> None:
    """Removes ``folder`` and the folders above it, up to ``top``, while empty
    (a Hugo bundle's folder once its files are gone)."""
    top = os.path.abspath(top)
    folder = os.path.abspath(folder)
    while folder != top and folder.startswith(top + os.sep):
        try:
            os.rmdir(folder)
        except OSError:
            return
        folder = os.path.dirname(folder)
