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
import posixpath
import re
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, field

from bib2pubs.errors import Bib2PubsError, UsageError
from bib2pubs.model import Diagnostic, Listing, Publication, Venue
from bib2pubs.output import write_file

#: The record of what bib2pubs wrote, kept in the folder.
MANIFEST = ".bib2pubs.json"

#: Per-entry templates: the file name pattern each writes by default, and
#: whether a clean ``cite.bib`` goes beside each file.
ITEM_TEMPLATES: Mapping[str, tuple[str, bool]] = {
    "academicpages-item": ("{year}-{key}.md", False),
    "hugo-bundle": ("{key}/index.md", True),
}

# Letters and digits of any script stay ("müller2020", "张2020").
_UNSAFE = re.compile(r"[^\w.-]+")
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
    drive = ":" in parts[0]  # "C:x" on Windows
    return (
        not name.startswith("/")
        and not drive
        and all(part not in ("", ".", "..") for part in parts)
        and name != MANIFEST
    )


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
    from bib2pubs.bibexport import dropped_or_default, entry_bibtex
    from bib2pubs.formats import SUFFIXES, format_of
    from bib2pubs.render import builtin_templates, render_items, resolve_template

    template = template or "academicpages-item"
    if template in builtin_templates():
        raise UsageError(f"{template} is a template of a whole list; with --split, use a template of one entry")
    pattern, cite = ITEM_TEMPLATES.get(template, (None, False))
    if pattern is None:  # a template of one's own: NAME.md.j2 writes {year}-{key}.md
        file = resolve_template(template, template_dirs)[0]
        suffix = {value: key for key, value in reversed(SUFFIXES.items())}.get(format_of(file) or "", "md")
        pattern = "{year}-{key}." + suffix
    pattern = name_pattern or pattern
    file_name(pattern, _SAMPLE)  # a pattern that cannot work is reported before any file is written
    items, notes = render_items(listing, template, variables, max_authors, template_dirs, bibtex_dropped)
    files: dict[str, str] = {}
    owners: dict[str, str] = {}
    for publication, text in items:
        page = file_name(pattern, publication)
        names = {page: text}
        if cite:  # paths use "/" everywhere, so that the record reads alike on any system
            names[posixpath.join(posixpath.dirname(page), "cite.bib")] = entry_bibtex(
                publication, dropped_or_default(bibtex_dropped)
            )
        for name, content in names.items():
            if name.lower() in owners:  # the same file where case does not count
                raise UsageError(
                    f"--split: entries '{owners[name.lower()]}' and '{publication.key}' would share the file {name};"
                    " give --split-name a pattern that tells them apart"
                )
            owners[name.lower()] = publication.key
            files[name] = content
    return files, notes


_SAMPLE = Publication("key", "misc", "other", "", 2024, 1, (), (), Venue(), {})


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


def _current(path: str, top: str) -> str | None:
    """The hash of what ``path`` holds; None when nothing is there; "" for
    what bib2pubs never touches: a symbolic link (on the path too), or
    anything not a regular file, which would lead out of the folder."""
    if not os.path.lexists(path):
        return None
    real = os.path.realpath(path)
    if os.path.islink(path) or not real.startswith(os.path.realpath(top) + os.sep) or not os.path.isfile(path):
        return ""
    try:
        with open(path, "rb") as file:
            return _digest(file.read())
    except OSError as error:
        raise Bib2PubsError(f"cannot read: {error.strerror or error}", path) from None


def _read_manifest(directory: str) -> dict[str, str]:
    path = os.path.join(directory, MANIFEST)
    try:
        with open(path, encoding="utf-8") as file:
            recorded = json.load(file)["files"]
        entries = [(name, digest) for name, digest in recorded.items() if isinstance(digest, str)]
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        message = f"cannot read bib2pubs' record of the folder ({error!r}); remove it to start afresh"
        raise Bib2PubsError(message, path) from None
    # A record edited to point outside the folder is not followed.
    return {str(name): digest for name, digest in entries if _inside(str(name))}


def sync(
    directory: str, files: Mapping[str, str], *, prune: bool = False, force: bool = False, check: bool = False
) -> SyncReport:
    """Brings ``directory`` in step with ``files`` (relative path → text).

    The record is written even when a file fails part way, so that what
    was written stays bib2pubs' own.
    """
    state = _Sync(directory, _read_manifest(directory), prune, force, check)
    try:
        for name, text in files.items():
            state.file(name, text)
        for name in sorted(set(state.recorded) - set(files)):
            state.orphan(name)
    finally:
        if not check and state.record != state.recorded:
            manifest = json.dumps({"files": dict(sorted(state.record.items()))}, indent=2) + "\n"
            _write(os.path.join(directory, MANIFEST), manifest)
    return state.report


@dataclass
class _Sync:
    """One sync under way: the record read, the record to write, the report."""

    directory: str
    recorded: Mapping[str, str]
    prune: bool
    force: bool
    check: bool
    record: dict[str, str] = field(default_factory=dict)
    report: SyncReport = field(default_factory=SyncReport)

    def file(self, name: str, text: str) -> None:
        """A file of a listed entry: written unless current or not ours."""
        path = os.path.join(self.directory, name)
        wanted = _digest(text.encode("utf-8", "surrogateescape"))
        current = _current(path, self.directory)
        if current == wanted:
            self.report.unchanged.append(name)
            self.record[name] = wanted
            return
        # Changed by hand since bib2pubs wrote it, or never bib2pubs'; a
        # link or a folder is kept even with --force.
        if current == "" or (current is not None and self.recorded.get(name) != current and not self.force):
            self.report.kept.append(name)
            self._keep_record(name)
            return
        self.report.written.append(name)
        if not self.check:
            _write(path, text)
        self.record[name] = wanted

    def orphan(self, name: str) -> None:
        """A file bib2pubs wrote for an entry no longer listed."""
        path = os.path.join(self.directory, name)
        current = _current(path, self.directory)
        if current is None:
            return  # already gone
        if not self.prune:
            self.report.orphaned.append(name)
            self._keep_record(name)
            return
        if current == "" or (current != self.recorded[name] and not self.force):
            self.report.kept_orphans.append(name)
            self._keep_record(name)
            return
        self.report.removed.append(name)
        if self.check:
            return
        try:
            os.remove(path)
        except OSError as error:
            self._keep_record(name)
            raise Bib2PubsError(f"cannot remove: {error.strerror or error}", path) from None
        _remove_empty_folders(os.path.dirname(path), self.directory)

    def _keep_record(self, name: str) -> None:
        if name in self.recorded:
            self.record[name] = self.recorded[name]


def _write(path: str, text: str) -> None:
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
    except OSError as error:
        raise Bib2PubsError(f"cannot make the folder: {error.strerror or error}", os.path.dirname(path)) from None
    write_file(path, text)


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
