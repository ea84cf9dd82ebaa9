"""Where bib2pubs keeps what it can compute again, to save the time.

The user's cache folder (``$XDG_CACHE_HOME/bib2pubs``, else
``~/.cache/bib2pubs``) holds compiled templates and the venue table's
index. Nothing there is needed: ``BIB2PUBS_NO_CACHE=1`` turns it off, and
a folder that cannot be read or written is passed over in silence.
"""

from __future__ import annotations

import contextlib
import os


def cache_root() -> str | None:
    """The cache folder, or None when caching is off."""
    if os.environ.get("BIB2PUBS_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    if not os.path.isabs(base):
        return None  # no home to speak of: "~" left as it was
    return os.path.join(base, "bib2pubs")


def write_quietly(path: str, data: bytes) -> None:
    """Writes ``data`` to ``path`` whole (a temporary file, then a rename)
    or not at all; a failure only costs the time saved."""
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        with open(temporary, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.remove(temporary)
