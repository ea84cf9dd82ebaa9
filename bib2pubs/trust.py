"""Whether a file someone else could have written may be read, and TOML
read with the errors a user can act on.

A settings file names templates (code) and output files, and a venue table
names what the page shows, so each is read only when it is the user's own:
owned by the user, in folders nobody else may write in.
"""

from __future__ import annotations

import os
import stat
import sys
from typing import Any

from bib2pubs.errors import UsageError


def not_yours(path: str) -> str | None:
    """Why someone else could have written ``path`` ("owned by uid 1001,
    not you"), or None when only the user can. A folder of the user's own
    group (``alice:alice``, as systems with a group per user make them)
    may be writable by that group."""
    return others_may_write(path)


def others_may_write(path: str, above: bool = False) -> str | None:
    """``not_yours``; for a folder ``above`` the user's own, the system's
    (root's) will do too, and a sticky one (as /tmp, where nobody may
    rename another's entries) may be writable by others."""
    geteuid = getattr(os, "geteuid", None)
    if geteuid is None:  # pragma: no cover - no owners to compare (Windows)
        return None
    try:
        info = os.stat(path)
    except OSError as error:
        return f"not readable ({error.strerror})"
    me = geteuid()
    if info.st_uid != me and not (above and info.st_uid == 0):
        return f"owned by uid {info.st_uid}, not you (uid {me})"
    if above and info.st_mode & stat.S_ISVTX:
        return None
    if info.st_mode & stat.S_IWOTH:
        return "writable by everyone"
    if info.st_mode & stat.S_IWGRP and not _own_group(info.st_gid, me):
        return f"writable by group {info.st_gid}"
    return None


def _own_group(gid: int, uid: int) -> bool:
    """Whether ``gid`` is the user's private group: named as the user, with
    no other member."""
    # Only a folder writable by its group asks who is in the group.
    import grp
    import pwd

    try:
        user, group = pwd.getpwuid(uid), grp.getgrgid(gid)
    except KeyError:
        return False
    return group.gr_name == user.pw_name and set(group.gr_mem) <= {user.pw_name}


def file_problem(path: str) -> str | None:
    """Why someone else could have written the file ``path``, or the folder
    it really is in (when ``path`` is a link), or None."""
    problem = not_yours(path)
    if problem is None and os.path.islink(path):
        real_folder = os.path.dirname(os.path.realpath(path))
        folder_problem = not_yours(real_folder)
        problem = folder_problem and f"its folder {real_folder} is {folder_problem}"
        above = os.path.dirname(real_folder)
        while problem is None and above != real_folder:
            # Whoever may rename a folder above may swap the whole path.
            folder_problem = others_may_write(above, above=True)
            problem = folder_problem and f"a folder above it, {above}, is {folder_problem}"
            real_folder, above = above, os.path.dirname(above)
    return problem


def _read(path: str) -> str:
    with open(path, encoding="utf-8") as file:
        return file.read()


def read_toml(path: str, what: str) -> dict[str, Any]:
    """A TOML file as a dict; a file that cannot be read or parsed is a
    UsageError naming it (``what`` says which file it is to the user)."""
    if sys.version_info >= (3, 11):
        import tomllib  # only a run with a settings file or a venue table parses TOML
    else:  # pragma: no cover - only Python 3.10 runs this
        # tomllib's own parser, published for Python 3.10 as tomli.
        import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

    try:
        text = _read(path)
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"{path}: cannot read {what}: {error}") from None
    try:
        document: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise UsageError(f"{path}: {error}") from None
    except RecursionError:  # tomllib recurses into nested arrays and tables
        raise UsageError(f"{path}: values nested too deeply") from None
    except ValueError as error:  # a number past the 4,300 digits int() reads
        raise UsageError(f"{path}: a value tomllib cannot read: {error}") from None
    return document
