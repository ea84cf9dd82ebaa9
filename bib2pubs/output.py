"""Write results so that nothing is lost and unchanged files stay untouched."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile

from bib2pubs.errors import Bib2PubsError


def write_stdout(text: str) -> None:
    """Writes UTF-8 whatever the locale says, so a C locale cannot crash us."""
    stream = getattr(sys.stdout, "buffer", None)
    if stream is not None:
        sys.stdout.flush()
        stream.write(text.encode("utf-8"))
        stream.flush()
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def write_file(path: str, text: str) -> bool:
    """Writes ``text`` to ``path`` atomically; returns False, touching
    nothing, when the file already holds exactly this text (so make and git
    see no change)."""
    data = text.encode("utf-8")
    if os.path.isdir(path):
        raise Bib2PubsError("is a directory; give a file name", path)
    try:
        with open(path, "rb") as handle:
            if handle.read() == data:
                return False
    except FileNotFoundError:
        pass
    except OSError as error:
        raise Bib2PubsError(f"cannot read the existing file: {error.strerror or error}", path) from None
    directory = os.path.dirname(os.path.abspath(path))
    try:
        mode = os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    try:
        handle_fd, temporary = tempfile.mkstemp(prefix=".bib2pubs-", suffix=".tmp", dir=directory)
    except OSError as error:
        raise Bib2PubsError(f"cannot write here: {error.strerror or error}", path) from None
    try:
        with os.fdopen(handle_fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise Bib2PubsError(f"cannot write: {error.strerror or error}", path) from None
    return True
