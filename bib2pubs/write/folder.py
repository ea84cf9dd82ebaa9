"""The ``--split`` folder, worked in through its own descriptor so that no
symbolic link inside it is ever followed.

Every path inside the folder is walked one part at a time from the
folder's descriptor, each part opened with O_NOFOLLOW: a link anywhere on
the way (a linked sub-folder, a linked file, or one planted between a
check and a write) leads nowhere, and what is not a real folder or a
regular file is reported as not ours. A file is replaced by renaming a new
file, made beside it with O_EXCL, over its name, which never writes
through a link or a hard link. The folder given on the command line may
itself be a link: the user chose it.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
from collections.abc import Iterator
from types import TracebackType
from typing import Final

from bib2pubs.errors import Bib2PubsError
from bib2pubs.rendering.page_names import LOCK
from bib2pubs.write.files import temporary_name

_FOLDER: Final = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# O_NONBLOCK: a pipe put in the lock's place must not hang the run.
_LOCK_FLAGS: Final = os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
# Opening a link with O_NOFOLLOW gives ELOOP; a file where a folder should
# be gives ENOTDIR; a socket, ENXIO.
_FOREIGN: Final = (errno.ELOOP, errno.ENOTDIR, errno.ENXIO)


class Foreign(Exception):
    """A link, or something that is not a folder or a regular file, is on the path."""


def open_folder(path: str, *, create: bool) -> Folder | None:
    """The folder at ``path``, made first with ``create``; None when it
    does not exist and is not to be made."""
    if create:
        try:
            os.makedirs(path, exist_ok=True)
        except OSError as error:
            raise Bib2PubsError(f"cannot make the folder: {error.strerror or error}", path) from None
    try:
        return Folder(path, os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC))
    except FileNotFoundError:
        if create:
            raise Bib2PubsError("cannot open the folder: it went away", path) from None
        return None
    except OSError as error:
        raise Bib2PubsError(f"cannot open the folder: {error.strerror or error}", path) from None


class Folder:
    """An open folder; names are relative to it, with "/" between parts."""

    def __init__(self, path: str, descriptor: int) -> None:
        self.path = path
        self.descriptor = descriptor

    def __enter__(self) -> Folder:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None
    ) -> None:
        os.close(self.descriptor)

    @contextlib.contextmanager
    def locked(self, *, exclusive: bool) -> Iterator[None]:
        """Waits for any other run into this folder to finish, and holds it
        meanwhile. The lock file is removed when done; a run that took it
        by an older name (removed since) tries again. A shared hold (for
        ``--check``) makes no file: it waits only for a run under way."""
        if not exclusive:
            try:
                shared: int | None = os.open(LOCK, _LOCK_FLAGS | os.O_RDONLY, dir_fd=self.descriptor)
            except OSError:
                shared = None  # no run under way (or none that could write here)
            try:
                if shared is not None:
                    with contextlib.suppress(OSError):
                        _flock(shared, shared=True)
                yield
            finally:
                if shared is not None:
                    os.close(shared)
            return
        descriptor = self._take_lock()
        try:
            yield
        finally:
            if descriptor != self.descriptor:
                with contextlib.suppress(OSError):
                    os.unlink(LOCK, dir_fd=self.descriptor)
                os.close(descriptor)

    def _take_lock(self) -> int:
        while True:
            try:
                descriptor = os.open(LOCK, _LOCK_FLAGS | os.O_RDWR | os.O_CREAT, 0o666, dir_fd=self.descriptor)
            except OSError as error:
                if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
                    # A folder we may not write to: no file can be written
                    # there, but the run may still find all current.
                    with contextlib.suppress(OSError):
                        _flock(self.descriptor, shared=False)
                    return self.descriptor
                reason = "a link stands in its place" if error.errno == errno.ELOOP else error.strerror or str(error)
                raise Bib2PubsError(f"cannot lock the folder: {reason}", self.where(LOCK)) from None
            try:
                if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                    raise Bib2PubsError("cannot lock the folder: not a file; remove it", self.where(LOCK))
                _flock(descriptor, shared=False)
                held = os.fstat(descriptor)
                try:
                    named = os.stat(LOCK, dir_fd=self.descriptor, follow_symlinks=False)
                except FileNotFoundError:
                    named = None
            except BaseException as error:
                os.close(descriptor)
                if isinstance(error, OSError):  # a file system without locks, say
                    raise Bib2PubsError(
                        f"cannot lock the folder: {error.strerror or error}", self.where(LOCK)
                    ) from None
                raise
            if named is not None and (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino):
                return descriptor
            os.close(descriptor)  # the run before removed it: take the new one

    @contextlib.contextmanager
    def _parents(self, name: str, *, create: bool) -> Iterator[tuple[list[int], list[str]] | None]:
        """The open folders on the way to ``name`` (this one first) and
        its parts; None when a folder on the way does not exist (and is not
        made). Raises Foreign for a link or a file where a folder should be."""
        parts = name.split("/")
        chain = [self.descriptor]
        try:
            for part in parts[:-1]:
                inner = _enter(chain[-1], part, create)
                if inner is None:
                    yield None
                    return
                chain.append(inner)
            yield chain, parts
        finally:
            for descriptor in chain[1:]:
                os.close(descriptor)

    def content(self, name: str) -> bytes | None:
        """What the regular file ``name`` holds; None when nothing is there.
        Raises Foreign for a link or anything else on the path."""
        try:
            with self._parents(name, create=False) as found:
                if found is None:
                    return None
                chain, parts = found
                return _read(chain[-1], parts[-1])
        except OSError as error:
            if error.errno in _FOREIGN:
                raise Foreign from None
            raise Bib2PubsError(f"cannot read: {error.strerror or error}", self.where(name)) from None

    def write(self, name: str, data: bytes) -> None:
        """Puts ``data`` in the file ``name`` atomically, making the folders
        on the way; a link or other file found there is never written through."""
        where = self.where(name)
        try:
            with self._parents(name, create=True) as found:
                assert found is not None
                chain, parts = found
                _replace(chain[-1], parts[-1], data, where)
        except Foreign:
            raise Bib2PubsError(
                "not written: a link, or a file where a folder should be, is in the way", where
            ) from None
        except OSError as error:
            if error.errno in _FOREIGN:
                message = "not written: a link, or a file where a folder should be, is in the way"
                raise Bib2PubsError(message, where) from None
            raise Bib2PubsError(f"cannot write: {error.strerror or error}", where) from None

    def remove(self, name: str) -> None:
        """Removes the file ``name``, then the folders on its way that are
        left empty (a Hugo bundle's folder once its files are gone)."""
        try:
            with self._parents(name, create=False) as found:
                if found is None:
                    return
                chain, parts = found
                os.unlink(parts[-1], dir_fd=chain[-1])  # a link there is removed, never followed
                for parent, part in zip(reversed(chain[:-1]), reversed(parts[:-1]), strict=True):
                    try:
                        os.rmdir(part, dir_fd=parent)
                    except OSError:
                        break
        except OSError as error:
            raise Bib2PubsError(f"cannot remove: {error.strerror or error}", self.where(name)) from None

    def where(self, name: str) -> str:
        """``name`` as a path to show."""
        return os.path.join(self.path, *name.split("/"))


def _flock(descriptor: int, *, shared: bool) -> None:
    fcntl.flock(descriptor, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)


def _enter(parent: int, part: str, create: bool) -> int | None:
    """The folder ``part`` in ``parent``, opened without following a link;
    made first when missing and ``create``."""
    try:
        return os.open(part, _FOLDER, dir_fd=parent)
    except FileNotFoundError:
        if not create:
            return None
    except OSError as error:
        if error.errno in _FOREIGN:
            raise Foreign from None
        raise
    with contextlib.suppress(FileExistsError):  # another process may make it first
        os.mkdir(part, 0o777, dir_fd=parent)
    try:
        return os.open(part, _FOLDER, dir_fd=parent)
    except OSError as error:
        if error.errno in _FOREIGN:
            raise Foreign from None
        raise


def _read(parent: int, leaf: str) -> bytes | None:
    try:
        info = os.stat(leaf, dir_fd=parent, follow_symlinks=False)
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(info.st_mode):
        raise Foreign
    # O_NONBLOCK: a pipe put there since the check must not hang the run.
    descriptor = os.open(leaf, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=parent)
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise Foreign
        return handle.read()


def _replace(parent: int, leaf: str, data: bytes, where: str) -> None:
    try:
        info = os.stat(leaf, dir_fd=parent, follow_symlinks=False)
    except FileNotFoundError:
        info = None
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise Foreign
    if info is not None and not os.access(leaf, os.W_OK, dir_fd=parent, follow_symlinks=False):
        raise Bib2PubsError("is read-only; left as it was", where)
    temporary = temporary_name(leaf)
    # 0o666 lets the umask decide a new file's mode, as any editor would.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    descriptor = os.open(temporary, flags, 0o666, dir_fd=parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            if info is not None:
                os.fchmod(handle.fileno(), stat.S_IMODE(info.st_mode))
            os.fsync(handle.fileno())
        os.replace(temporary, leaf, src_dir_fd=parent, dst_dir_fd=parent)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary, dir_fd=parent)
        raise
    with contextlib.suppress(OSError):  # makes the rename durable; some systems refuse
        os.fsync(parent)
