"""Compiled templates kept between runs, so a run skips compiling them.

Compiling a template costs more than rendering a homepage's list with it,
and a Makefile or a watch loop renders the same template again and again.
Jinja's bytecode cache keeps the compiled code in the user's cache folder
(``$XDG_CACHE_HOME/bib2pubs``, else ``~/.cache/bib2pubs``). Jinja checks
each file against the template's source and the Python version; the folder
name adds everything else the compiled code depends on (the versions of
bib2pubs and Jinja, and the environment's settings), so nothing stale is
ever loaded. ``BIB2PUBS_NO_CACHE=1`` turns the cache off; a cache that
cannot be read or written is passed over in silence: it only saves time.
"""

from __future__ import annotations

import contextlib
import hashlib
import os

import jinja2
from jinja2.bccache import Bucket

from bib2pubs.cachedir import cache_root


class _QuietCache(jinja2.FileSystemBytecodeCache):
    """A bytecode cache that never fails a run."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, ValueError, EOFError, TypeError):
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def bytecode_cache(settings: str) -> jinja2.BytecodeCache | None:
    """The cache for an environment whose settings ``settings`` describes."""
    from bib2pubs import __version__

    root = cache_root()
    if root is None:
        return None
    key = hashlib.sha256(f"{__version__}|{jinja2.__version__}|{settings}".encode()).hexdigest()[:16]
    directory = os.path.join(root, f"templates-{key}")
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
    except OSError:
        return None
    return _QuietCache(directory)
