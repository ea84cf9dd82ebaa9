"""The names of per-entry pages (``--split DIR``): from a pattern such as
``{year}-{key}.md``, safe for any file system, always inside the folder.
"""

from __future__ import annotations

import hashlib
from typing import Final

from bib2pubs.errors import UsageError
from bib2pubs.lazyre import lazy
from bib2pubs.model import Diagnostic, Publication

#: The record of what bib2pubs wrote, kept in the folder.
MANIFEST: Final = ".bib2pubs.json"

#: Held while a run reads and writes the folder, so that two runs into one
#: folder take turns instead of each recording only its own files.
LOCK: Final = ".bib2pubs.lock"

#: The longest name part written: 255 bytes is the limit of the common file
#: systems, and an atomic write first makes a name 18 bytes longer beside it
#: (``write.files.temporary_name``; a test holds the two to each other).
NAME_BYTES: Final = 255 - 18

# Letters and digits of any script stay ("müller2020", "张2020").
_UNSAFE: Final = lazy(r"[^\w.-]+")
_PLACEHOLDER: Final = lazy(r"\{(\w+)\}")
_FIELDS: Final = frozenset({"key", "year", "kind", "type", "month"})


def file_safe(key: str) -> str:
    """A key as a file name: only letters, digits, ".", "_" and "-" ("wang:2024/a" becomes "wang-2024-a")."""
    return _UNSAFE.sub("-", key).strip("-.") or "entry"


def file_name(pattern: str, publication: Publication) -> str:
    """``pattern`` filled in for ``publication``: {key} (file-safe), {year}
    ("undated" without one), {month} (two digits), {kind} and {type}; a part
    too long for a folder is shortened, told apart by a hash of the key."""
    return fitted(filled(pattern, publication), publication.key)


def filled(pattern: str, publication: Publication, key: str | None = None) -> str:
    """``pattern`` filled in, not yet shortened; ``key`` in place of the
    entry's own (file-safe) key."""
    unknown = [name for name in _PLACEHOLDER.findall(pattern) if name not in _FIELDS]
    if unknown:
        known = "{key}, {year}, {month}, {kind}, {type}"
        raise UsageError(f"--split-name {pattern}: no {{{unknown[0]}}}; use {known}")
    values = {
        "key": key or file_safe(publication.key),
        "year": str(publication.year) if publication.year is not None else "undated",
        "month": f"{publication.month:02d}" if publication.month else "00",
        "kind": publication.kind,
        "type": file_safe(publication.type),
    }
    name = _PLACEHOLDER.sub(lambda found: values[found.group(1)], pattern)
    if not inside(name):
        raise UsageError(f"--split-name {pattern}: gives '{name}', not a file inside the folder")
    return name


def suffixed(pattern: str, publication: Publication, number: int) -> str:
    """The name of the ``number``-th entry with ``publication``'s key:
    "-2" after the key ("2024-key-2.md", "key-2/index.md"), or after the
    file's stem when the pattern has no {key}."""
    if "{key}" in pattern:
        name = filled(pattern, publication, f"{file_safe(publication.key)}-{number}")
    else:
        folder, slash, base = filled(pattern, publication).rpartition("/")
        stem, _, suffix = base.rpartition(".")
        base = f"{stem}-{number}.{suffix}" if stem else f"{base}-{number}"
        name = folder + slash + base
    return fitted(name, f"{publication.key}\0{number}")


def fitted(name: str, key: str) -> str:
    return "/".join(fit(part, key) for part in name.split("/"))


def shortened(publication: Publication, name: str) -> Diagnostic:
    message = f"the key makes a file name too long for a folder; written as {name}"
    return Diagnostic(publication.file, publication.line or None, publication.key, "warning", message)


def inside(name: str) -> bool:
    """Whether ``name`` is a path within the folder (no "..", not absolute,
    not the record or the lock)."""
    parts = name.replace("\\", "/").split("/")
    drive = ":" in parts[0]  # "C:x" on Windows
    return (
        not name.startswith("/")
        and not drive
        and all(part not in ("", ".", "..") for part in parts)
        and name not in (MANIFEST, LOCK)
        and "\0" not in name  # no file name holds one; os refuses it
    )


def fit(part: str, tag: str) -> str:
    """``part`` of a path, shortened when longer than NAME_BYTES in UTF-8:
    a readable prefix, a short hash of ``tag`` (what tells the files apart,
    e.g. the entry's whole key) and the same suffix ("…-3f2a9c01b7de.md")."""
    if len(part.encode("utf-8", "surrogateescape")) <= NAME_BYTES:
        return part
    stem, dot, suffix = part.rpartition(".")
    if not stem or not 0 < len(suffix) <= 16:
        stem, dot, suffix = part, "", ""
    mark = f"-{hashlib.sha256(tag.encode('utf-8', 'surrogatepass')).hexdigest()[:12]}{dot}{suffix}"
    room = NAME_BYTES - len(mark.encode("utf-8", "surrogateescape"))
    prefix: list[str] = []
    for char in stem:  # whole characters only, never half of one
        room -= len(char.encode("utf-8", "surrogateescape"))
        if room < 0:
            break
        prefix.append(char)
    return "".join(prefix).rstrip("-.") + mark
