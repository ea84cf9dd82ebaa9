"""One file per publication (``--split DIR``), kept in step with the .bib
without losing an edit.

A folder of per-publication pages (academicpages' ``_publications/``,
Hugo Blox's ``content/publication/``) is synced, not overwritten:

- a file is written only when its content changes, atomically (as ``-o``);
- bib2pubs records, in ``DIR/.bib2pubs.json``, a hash of each file it
  wrote; a file whose content no longer has that hash was edited by hand
  since, and a file with no record was not written by bib2pubs: neither is
  overwritten (nor removed) without ``--force``, and the run says so;
- a file whose entry left the .bib is reported, and removed with ``--prune``,
  unless the run met errors in the input: an entry that could not be read
  would look gone, so ``--prune`` is refused then;
- no link inside the folder is followed (see ``write.folder``), and two runs into
  one folder take turns;
- a name too long for a folder is shortened, with a warning; a file that
  still cannot be written is an error of its own, and the rest of the
  folder is written and recorded all the same.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bib2pubs.errors import Bib2PubsError
from bib2pubs.model import Diagnostic
from bib2pubs.rendering.page_names import MANIFEST, inside
from bib2pubs.write.folder import Folder, Foreign, open_folder


@dataclass
class SyncReport:
    """What a sync did, or (with ``check``) would do; paths relative to the folder."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    #: Files not overwritten (or not removed): edited by hand, or not ours.
    kept: list[str] = field(default_factory=list)
    #: Files whose entry is gone, left in place (no --prune, or --prune refused).
    orphaned: list[str] = field(default_factory=list)
    #: Files whose entry is gone, not removed by --prune: edited by hand.
    kept_orphans: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    #: Files that could not be read, written or removed (errors), and files
    #: --prune did not remove because the input had errors (warnings).
    problems: list[Diagnostic] = field(default_factory=list)


class SyncError(Bib2PubsError):
    """A sync that did all else, and recorded it, but left files out (each
    one in ``report.problems``) or refused ``--prune``."""

    def __init__(self, message: str, directory: str, report: SyncReport) -> None:
        super().__init__(message, directory)
        self.report = report

    def __str__(self) -> str:
        return "\n".join([*(str(problem) for problem in self.report.problems), super().__str__()])


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_manifest(folder: Folder) -> dict[str, str]:
    path = folder.where(MANIFEST)
    try:
        data = folder.content(MANIFEST)
        if data is None:
            return {}
        recorded = json.loads(data.decode("utf-8"))["files"]
        entries = [(name, digest) for name, digest in recorded.items() if isinstance(digest, str)]
    except Foreign:
        raise Bib2PubsError("bib2pubs' record of the folder is a link or not a file; remove it", path) from None
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
        # json gives up with RecursionError on a record nested thousands deep.
        detail = "nested too deeply" if isinstance(error, RecursionError) else repr(error)
        message = f"cannot read bib2pubs' record of the folder ({detail}); remove it to start afresh"
        raise Bib2PubsError(message, path) from None
    # A record edited to point outside the folder is not followed.
    return {str(name): digest for name, digest in entries if inside(str(name))}


def sync(
    directory: str,
    files: Mapping[str, str],
    diagnostics: Sequence[Diagnostic] = (),
    *,
    prune: bool = False,
    force: bool = False,
    check: bool = False,
) -> SyncReport:
    """Brings ``directory`` in step with ``files`` (relative path → text).

    ``diagnostics`` are the run's: with an error among them (an entry that
    could not be read looks gone), ``--prune`` removes nothing. The folder
    is locked meanwhile, so that runs into one folder take turns. The record
    is written even when a file fails part way, so that what was written
    stays bib2pubs' own. Raises SyncError, once all else is done and
    recorded, when some file could not be read, written or removed, or was
    not pruned for errors in the input.
    """
    refused = prune and any(diagnostic.level == "error" for diagnostic in diagnostics)
    folder = open_folder(directory, create=not check)
    if folder is None:  # --check of a folder not made yet
        return SyncReport(written=list(files))
    with folder, folder.locked(exclusive=not check):
        state = _Sync(folder, _read_manifest(folder), prune and not refused, force, check, refused)
        try:
            for name, text in files.items():
                state.file(name, text)
            for name in sorted(set(state.recorded) - set(files)):
                state.orphan(name)
        finally:
            record = state.final_record()
            if not check and record != state.recorded:
                manifest = json.dumps({"files": dict(sorted(record.items()))}, indent=2) + "\n"
                folder.write(MANIFEST, manifest.encode("utf-8"))
    report = state.report
    failed = sum(problem.level == "error" for problem in report.problems)
    if failed or (refused and report.orphaned):
        raise SyncError(_summary(report, failed, refused, check), directory, report)
    return report


def _summary(report: SyncReport, failed: int, refused: bool, check: bool) -> str:
    said = []
    if failed:
        said.append(f"{failed} file{'s' if failed > 1 else ''} could not be written or removed (above)")
    if refused and report.orphaned:
        count = len(report.orphaned)
        said.append(
            f"--prune refused, as the input had errors (an entry that could not be read would look gone):"
            f" {count} file{'s' if count > 1 else ''} of entries no longer listed kept"
        )
    done = f"{len(report.written)} {'to write' if check else 'written'}, {len(report.unchanged)} unchanged"
    if report.kept:
        done += f", {len(report.kept)} kept (changed by hand or not bib2pubs'; --force overwrites)"
    return f"{'; '.join(said)}; the rest is {'checked' if check else 'in step and recorded'}: {done}"


@dataclass
class _Sync:
    """One sync under way: the record read, the record to write, the report."""

    folder: Folder
    recorded: Mapping[str, str]
    prune: bool
    force: bool
    check: bool
    #: --prune was asked for, and refused for errors in the input.
    refused: bool = False
    record: dict[str, str] = field(default_factory=dict)
    #: The names dealt with; a sync cut short keeps the record of the others.
    visited: set[str] = field(default_factory=set)
    report: SyncReport = field(default_factory=SyncReport)

    def file(self, name: str, text: str) -> None:
        """A file of a listed entry: written unless current or not ours."""
        self.visited.add(name)
        try:
            self._file(name, text)
        except Bib2PubsError as error:
            self._failed(name, error)

    def orphan(self, name: str) -> None:
        """A file bib2pubs wrote for an entry no longer listed."""
        self.visited.add(name)
        try:
            self._orphan(name)
        except Bib2PubsError as error:
            self._failed(name, error)

    def final_record(self) -> dict[str, str]:
        unvisited = {name: digest for name, digest in self.recorded.items() if name not in self.visited}
        return {**unvisited, **self.record}

    def _file(self, name: str, text: str) -> None:
        data = text.encode("utf-8", "surrogateescape")
        wanted = _digest(data)
        current = self._current(name)
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
        if not self.check:
            self.folder.write(name, data)
        self.report.written.append(name)
        self.record[name] = wanted

    def _orphan(self, name: str) -> None:
        current = self._current(name)
        if current is None:
            return  # already gone
        if not self.prune:
            self.report.orphaned.append(name)
            self._keep_record(name)
            if self.refused:
                message = "its entry is no longer listed; kept, as --prune is refused after errors in the input"
                self.report.problems.append(Diagnostic(self.folder.where(name), None, None, "warning", message))
            return
        if current == "" or (current != self.recorded[name] and not self.force):
            self.report.kept_orphans.append(name)
            self._keep_record(name)
            return
        if not self.check:
            self.folder.remove(name)
        self.report.removed.append(name)

    def _current(self, name: str) -> str | None:
        """The hash of what ``name`` holds; None when nothing is there; ""
        for what bib2pubs never touches: a link (on the path too), or
        anything not a regular file."""
        try:
            data = self.folder.content(name)
        except Foreign:
            return ""
        return None if data is None else _digest(data)

    def _failed(self, name: str, error: Bib2PubsError) -> None:
        """A file that could not be read, written or removed: said, and its
        record (if any) kept, as the file holds what it held."""
        self._keep_record(name)
        where = error.file or self.folder.where(name)
        self.report.problems.append(Diagnostic(where, None, None, "error", error.message))

    def _keep_record(self, name: str) -> None:
        if name in self.recorded:
            self.record[name] = self.recorded[name]
