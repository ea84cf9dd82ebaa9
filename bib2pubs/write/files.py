"""Write results so that nothing is lost and unchanged files stay untouched."""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Iterator
from typing import Final

from bib2pubs.errors import Bib2PubsError, StaleOutputError


def _encode(text: str) -> bytes:
    # surrogateescape gives back the bytes of a file name that was not UTF-8.
    return text.encode("utf-8", "surrogateescape")


def write_stdout(text: str) -> None:
    """Writes UTF-8 whatever the locale says, so a C locale cannot crash us."""
    if sys.stdout is None:
        raise Bib2PubsError("standard output is closed; use -o FILE")
    stream = getattr(sys.stdout, "buffer", None)
    try:
        if stream is not None:
            sys.stdout.flush()
            stream.write(_encode(text))
            stream.flush()
        else:
            sys.stdout.write(text)
            sys.stdout.flush()
    except BrokenPipeError:
        raise  # the reader stopped early (| head): not an error of ours
    except OSError as error:
        raise Bib2PubsError(f"cannot write to standard output: {error.strerror or error}") from None


def same_file(a: str, b: str) -> bool:
    """Whether two paths name one file (through links, too)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def write_file(path: str, text: str) -> bool:
    """Writes ``text`` to ``path`` and returns whether the file changed.

    A file that already holds exactly this text is not touched (make and git
    see no change). A regular file is replaced atomically (a temporary file,
    then a rename), so a failed run never leaves half a page; a symbolic link
    is followed, so the file it points to is the one updated; a device or
    pipe (``/dev/stdout``) is written to directly.
    """
    try:
        info = os.stat(path)  # follows links: what the path really is
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise Bib2PubsError(f"cannot write: {error.strerror or error}", path) from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise Bib2PubsError("is a directory; give a file name", path)
    if info is not None and not stat.S_ISREG(info.st_mode):
        _write_through(path, path, text)  # /dev/stdout, a pipe: no renaming
        return True
    target = os.path.realpath(path)
    if info is not None:
        if _same_content(path, target, text, info.st_size):
            return False
        if not os.access(target, os.W_OK):
            raise Bib2PubsError("is read-only; left as it was", path)
    _replace_atomically(path, target, text, None if info is None else stat.S_IMODE(info.st_mode))
    return True


#: Characters encoded at a time: a large page is encoded and written (or
#: compared) a part at a time, so that its bytes are never all in memory
#: at once; fresh memory, touched page by page, cost more than the
#: encoding itself (an 86 MB page: 0.16 s in parts, 0.19 to 0.35 s whole).
_ENCODED_PART = 1 << 20  # not Final: tests set it lower


def _encoded(text: str) -> Iterator[bytes]:
    """``text`` in UTF-8, a part at a time (each character's bytes come
    from that character alone, so parts join to the whole's encoding)."""
    for start in range(0, len(text), _ENCODED_PART):
        yield _encode(text[start : start + _ENCODED_PART])


def _same_content(path: str, target: str, text: str, size: int) -> bool:
    if size < len(text):  # each character is one byte at least
        return False
    try:
        with open(target, "rb") as handle:
            for part in _encoded(text):
                if handle.read(len(part)) != part:
                    return False
            return not handle.read(1)
    except OSError as error:
        # A file that cannot be read (write-only) is replaced when its size
        # tells it differs, as without reading it.
        if sum(len(part) for part in _encoded(text)) != size:
            return False
        raise Bib2PubsError(f"cannot read the existing file: {error.strerror or error}", path) from None


def _write_through(path: str, target: str, text: str) -> None:
    data = _encode(text)  # whole: a device or pipe gets all of it or nothing
    try:
        with open(target, "wb") as handle:
            handle.write(data)
    except OSError as error:
        raise Bib2PubsError(f"cannot write: {error.strerror or error}", path) from None


def temporary_name(name: str) -> str:
    """The name of the file an atomic write of ``name`` makes beside it
    before renaming it into place; it is 18 bytes longer than ``name``."""
    return f".{name}.{os.urandom(6).hex()}.tmp"


def _replace_atomically(path: str, target: str, text: str, mode: int | None) -> None:
    directory = os.path.dirname(target)
    temporary = os.path.join(directory, temporary_name(os.path.basename(target)))
    try:
        # 0o666 lets the umask decide a new file's mode, as any editor would.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as error:
        raise Bib2PubsError(f"cannot write here: {error.strerror or error}", path) from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            for part in _encoded(text):
                handle.write(part)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise Bib2PubsError(f"cannot write: {error.strerror or error}", path) from None
        raise
    _sync_directory(directory)


def _sync_directory(directory: str) -> None:
    """Makes the rename durable; best effort, as some systems refuse it."""
    with contextlib.suppress(OSError):
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


#: Lines of diff ``--check`` shows; the rest is summed up.
_DIFF_LINES: Final = 20


def check_file(path: str, text: str) -> None:
    """Raises StaleOutputError unless ``path`` holds exactly ``text``; the
    file is never touched."""
    import difflib  # only --check, only for a file out of date

    try:
        with open(path, encoding="utf-8", newline="") as handle:
            current = handle.read()
    except FileNotFoundError:
        raise StaleOutputError("missing: a run would write it", path) from None
    except (OSError, UnicodeDecodeError) as error:
        raise StaleOutputError(f"cannot be read: {error}", path) from None
    if current == text:
        return
    lines = list(
        difflib.unified_diff(
            current.splitlines(keepends=True), text.splitlines(keepends=True), path, f"{path} (new)", n=1
        )
    )
    shown = "".join(lines[:_DIFF_LINES]).rstrip("\n")
    if len(lines) > _DIFF_LINES:
        shown += f"\n… and {len(lines) - _DIFF_LINES} more lines of diff"
    raise StaleOutputError("out of date: a run would change it", path, shown)
