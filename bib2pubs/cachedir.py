"""Where bib2pubs keeps what it can compute again, to save the time.

The user's cache folder (``$XDG_CACHE_HOME/bib2pubs``, else
``~/.cache/bib2pubs``) holds compiled templates, the venue table's
index and the journal abbreviations' lookup tables. Nothing there is needed: ``BIB2PUBS_NO_CACHE=1`` turns it off, and
a folder that cannot be read or written is passed over in silence.

Compiled templates are code that runs, so what is read back must be what
bib2pubs wrote: a folder or file of someone else's, or one that others may
write in, is passed over (as Jinja's own cache does), and every file
carries a checksum of its contents, checked before they are used.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import stat
import sys
import zlib
from collections.abc import Callable, Sequence
from typing import Any, Final

from bib2pubs.version import __version__

#: A digest of a payload, written before it (``seal``).
Digest = Callable[[bytes], bytes]


def cache_root() -> str | None:
    """The cache folder, or None when caching is off."""
    if os.environ.get("BIB2PUBS_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    if not os.path.isabs(base):
        return None  # no home to speak of: "~" left as it was
    return os.path.join(base, "bib2pubs")


def cache_folder(name: str = "") -> str | None:
    """The cache folder (or its subfolder ``name``), made for the user alone
    when missing; None when caching is off or the folder is not the user's
    own (``own``)."""
    root = cache_root()
    if root is None:
        return None
    with contextlib.suppress(OSError):
        os.makedirs(os.path.dirname(root), exist_ok=True)
    folders = [root, os.path.join(root, name)] if name else [root]
    for folder in folders:
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:
            pass
        except OSError:
            return None
        try:
            # lstat: a link is refused, not followed; someone who can write
            # beside the folder could otherwise point it at one of the user's.
            info = os.lstat(folder)
        except OSError:
            return None
        if not (stat.S_ISDIR(info.st_mode) and own(info)):
            return None
    return folders[-1]


def own(info: os.stat_result) -> bool:
    """Whether a file or folder is the user's and nobody else may write it."""
    geteuid = getattr(os, "geteuid", None)
    if geteuid is None:  # pragma: no cover - no owners to compare (Windows)
        return True
    return info.st_uid == geteuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def read_own(path: str) -> bytes | None:
    """The contents of ``path`` when it is a file of the user's own that
    nobody else may write (checked on the file opened, not through a link),
    else None."""
    # No link is followed; a pipe or device does not block the open.
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError:
        return None
    try:
        with open(descriptor, "rb") as file:
            info = os.fstat(file.fileno())
            if not (stat.S_ISREG(info.st_mode) and own(info)):
                return None
            return file.read()
    except OSError:
        return None


def write_quietly(path: str, data: bytes) -> None:
    """Writes ``data`` to ``path`` whole (a temporary file, then a rename)
    or not at all; a failure only costs the time saved. ``path`` is in a
    folder from ``cache_folder``."""
    temporary = f"{path}.{os.getpid()}.tmp"
    # A new file of the user's alone: never one found there, nor a link.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        with open(os.open(temporary, flags, 0o600), "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.remove(temporary)


def seal(payload: bytes, digest: Digest) -> bytes:
    """``payload`` preceded by its digest."""
    return digest(payload) + payload


def unseal(data: bytes, digest: Digest) -> bytes | None:
    """The payload of ``seal``'s output, or None when the digest does not
    match it (a file damaged, cut short or written by something else)."""
    size = len(digest(b""))
    payload = data[size:]
    if len(data) < size or digest(payload) != data[:size]:
        return None
    return payload


def kept_path(stem: str, sources: tuple[str, ...]) -> str | None:
    """Where plain data computed from ``sources`` (files of bib2pubs'
    own: a table and the modules that read it) is kept between runs, or
    None when caching is off. The name changes with each source's size and
    time, bib2pubs' version and Python's: nothing stale is ever read."""
    paths = kept_paths((stem,), sources)
    return paths[0] if paths else None


def kept_paths(stems: Sequence[str], sources: tuple[str, ...]) -> tuple[str, ...]:
    """``kept_path`` for each of several stems kept from the same sources,
    the folder and the sources looked at once; empty when caching is off."""
    root = cache_folder()
    if root is None:
        return ()
    stamp = [__version__, sys.version]
    for path in sources:
        try:
            info = os.stat(path)
        except OSError:
            return ()  # a source missing: nothing to keep
        stamp.append(f"{path}:{info.st_size}:{info.st_mtime_ns}")
    tag = f"{__version__}-{zlib.crc32('|'.join(stamp).encode()):08x}"
    return tuple(os.path.join(root, f"{stem}-{tag}.marshal") for stem in stems)


def _crc32(payload: bytes) -> bytes:
    """A kept file's checksum. CRC-32 finds the damage a disk or a copy
    does (every burst of up to 32 bits); the file is the user's own, so no
    forgery is to be feared, and zlib loads in a fraction of the time
    hashlib takes (2.5 ms)."""
    return zlib.crc32(payload).to_bytes(4, "big")


def read_kept(path: str) -> Any:
    """The plain values kept at ``path``, or None when the file is missing,
    damaged or not the user's own. marshal builds values without running
    anything; the caller checks their shape."""
    data = read_own(path)
    payload = None if data is None else unseal(data, _crc32)
    if payload is None:
        return None
    try:
        return marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return None


#: Copies of one table kept at most: the newest, for as many installs
#: (virtual environments, versions) as a user may run in turn. With one
#: only, two installs sharing the cache folder would each rebuild the
#: table on every other run.
KEPT_COPIES: Final = 3


def keep(path: str, value: Any) -> None:
    """Keeps plain values (``read_kept`` reads them back), and removes all
    but the newest ``KEPT_COPIES`` copies of the same table (``kept_path``
    names them alike): older versions leave no pile of stale copies."""
    write_quietly(path, seal(marshal.dumps(value), _crc32))
    folder, name = os.path.split(path)
    stem = name.split("-", 1)[0] + "-"
    others: list[tuple[float, str]] = []
    with contextlib.suppress(OSError):
        for other in os.listdir(folder):
            if other != name and other.startswith(stem) and other.endswith(".marshal"):
                with contextlib.suppress(OSError):
                    others.append((os.stat(os.path.join(folder, other)).st_mtime, other))
    for _, other in sorted(others, reverse=True)[KEPT_COPIES - 1 :]:
        with contextlib.suppress(OSError):
            os.remove(os.path.join(folder, other))
