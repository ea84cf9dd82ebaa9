"""Compiled templates kept between runs, so a run skips compiling them.

Compiling a template costs more than rendering a homepage's list with it,
and a Makefile or a watch loop renders the same template again and again.
Jinja's compiled code is kept in the user's cache folder
(``$XDG_CACHE_HOME/bib2pubs``, else ``~/.cache/bib2pubs``), one file per
template: the checksum of the template's source, the code, and a SHA-256 of
both checked before the code is read back. The folder name adds everything
else the code depends on (the versions of Python, bib2pubs and Jinja, and
the environment's settings), so nothing stale is ever loaded.

Kept code runs, so it is read only from folders and files of the user's own
that nobody else may write (``cachedir``), and never through pickle (as
Jinja's own files are). Any failure while code read back is loaded or run
drops what was read and compiles the templates afresh: a damaged cache costs
time, never a run. ``BIB2PUBS_NO_CACHE=1`` turns the cache off.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
from collections.abc import Callable
from types import CodeType
from typing import Final, TypeVar

import jinja2
from jinja2.bccache import Bucket

from bib2pubs.cachedir import cache_folder, read_own, seal, unseal, write_quietly
from bib2pubs.version import __version__

#: The first bytes of a kept template (a new layout gets a new number).
_MAGIC: Final = b"bib2pubs compiled template 1\n"

Result = TypeVar("Result")


def _sha256(payload: bytes) -> bytes:
    return hashlib.sha256(payload).digest()


def sealed_template(checksum: str, code: CodeType) -> bytes:
    """What is kept of a template: its source's checksum (Jinja's) and its
    compiled code, sealed with a SHA-256 of both."""
    return _MAGIC + seal(checksum.encode() + b"\n" + marshal.dumps(code), _sha256)


def template_code(data: bytes, checksum: str) -> CodeType | None:
    """The code kept in ``data`` for a template whose source has
    ``checksum``; None when ``data`` is damaged or the source has changed."""
    if not data.startswith(_MAGIC):
        return None
    payload = unseal(data[len(_MAGIC) :], _sha256)
    if payload is None:
        return None
    kept, _, code = payload.partition(b"\n")
    if kept != checksum.encode():
        return None
    try:
        loaded = marshal.loads(code)
    except Exception:  # noqa: BLE001 - any failure to read it back is a damaged file
        return None
    return loaded if isinstance(loaded, CodeType) else None


class KeptTemplates(jinja2.BytecodeCache):
    """Compiled templates in a folder of the user's own; never fails a run."""

    def __init__(self, directory: str) -> None:
        self.directory = directory
        #: Files whose code this process has loaded (``afresh_on_failure``).
        self.loaded: set[str] = set()
        #: Off while templates are compiled afresh, so only new code runs.
        self.reading = True

    def _path(self, bucket: Bucket) -> str:
        return os.path.join(self.directory, f"{bucket.key}.cache")

    def load_bytecode(self, bucket: Bucket) -> None:
        if not self.reading:
            return
        path = self._path(bucket)
        data = read_own(path)
        code = None if data is None else template_code(data, bucket.checksum)
        if code is not None:
            bucket.code = code
            self.loaded.add(path)

    def dump_bytecode(self, bucket: Bucket) -> None:
        if bucket.code is not None:
            write_quietly(self._path(bucket), sealed_template(bucket.checksum, bucket.code))


def bytecode_cache(settings: str) -> KeptTemplates | None:
    """The cache for an environment whose settings ``settings`` describes."""
    # Marshalled code is read back only by the Python that wrote it.
    stamp = f"{sys.version}|{__version__}|{jinja2.__version__}|{settings}"
    directory = cache_folder(f"templates-{hashlib.sha256(stamp.encode()).hexdigest()[:16]}")
    return None if directory is None else KeptTemplates(directory)


def afresh_on_failure(environment: jinja2.Environment, action: Callable[[], Result]) -> Result:
    """``action()``, which loads and renders templates of ``environment``;
    when it fails while code read back from the cache is in use, the code
    read is dropped and ``action()`` runs again with every template compiled
    afresh (a template's own error then fails again, and is reported)."""
    cache = environment.bytecode_cache
    try:
        return action()
    except Exception:
        if not isinstance(cache, KeptTemplates) or not cache.loaded:
            raise
    for path in cache.loaded:
        with contextlib.suppress(OSError):
            os.remove(path)
    cache.loaded.clear()
    if environment.cache is not None:
        environment.cache.clear()  # the templates made from that code
    cache.reading = False
    try:
        return action()
    finally:
        cache.reading = True
