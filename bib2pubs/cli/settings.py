"""Settings kept beside the .bib: ``bib2pubs.toml`` or ``[tool.bib2pubs]``.

Any command-line option can be set, under its long name (dashes or
underscores), so that a CV repository's rule is just
``bib2pubs refs.bib -o publications.md``::

    highlight = "Chao Jin"
    highlight-as = { student = ["Ana Li", "Bo Wu"] }
    alias = ["Freda Shi=Haoyue Shi"]
    name-style = "initials"
    max-authors = 8
    template = "templates/mine.md.j2"
    set = { title = "Full Publications" }

The file is looked for in the working directory and its parents, up to the
repository's root (a folder with ``.git``). Options given on the command
line replace the file's value for that option. Paths in the file are
relative to the file.

A settings file decides what runs and where output goes (a template, the
output file), so only the user's own are read: the search stops at a folder
that is not the user's or that others may write in (``/tmp``, a shared
folder), and a settings file there, or one owned by someone else, is passed
over with a warning. ``--config FILE`` reads the file it names.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Mapping
from typing import Any

from bib2pubs.errors import UsageError

CONFIG_NAME = "bib2pubs.toml"
PYPROJECT = "pyproject.toml"

#: Options that name files, resolved against the config file's folder.
_PATH_OPTIONS = frozenset({"template", "output", "venues", "template-dir"})
#: Options given as KEY=VALUE pairs; a TOML table is accepted for them.
_PAIR_OPTIONS = frozenset({"highlight-as", "set"})


def find_config(start: str) -> tuple[str | None, list[str]]:
    """The nearest ``bib2pubs.toml``, or ``pyproject.toml`` with a
    ``[tool.bib2pubs]`` table, from the folder ``start`` up to the
    repository root, in folders of the user's own only; and warnings about
    a settings file passed over because someone else may have written it."""
    folder = os.path.abspath(start)
    while True:
        folder_problem = not_yours(folder)
        found = _settings_in(folder, trusted=folder_problem is None)
        if found is not None:
            problem = f"its folder is {folder_problem}" if folder_problem else file_problem(found)
            if problem:
                return None, [f"{found}: warning: ignored: {problem} (--config {found} reads it all the same)"]
            return found, []
        parent = os.path.dirname(folder)
        if folder_problem or os.path.exists(os.path.join(folder, ".git")) or parent == folder:
            return None, []
        folder = parent


def _settings_in(folder: str, trusted: bool) -> str | None:
    candidate = os.path.join(folder, CONFIG_NAME)
    if os.path.isfile(candidate):
        return candidate
    pyproject = os.path.join(folder, PYPROJECT)
    if os.path.isfile(pyproject) and _has_our_table(pyproject, trusted):
        return pyproject
    return None


#: How much of a pyproject.toml in someone else's folder is read to tell
#: whether to warn about it (a file planted there may be of any size).
_PEEK = 1 << 20


def _has_our_table(pyproject: str, trusted: bool) -> bool:
    """Whether a pyproject.toml names our table. One of the user's that
    cannot be read is an error (it may hold the settings); someone else's
    only gets a warning if it plainly does."""
    try:
        with open(pyproject, "rb") as file:
            return b"[tool.bib2pubs]" in (file.read() if trusted else file.read(_PEEK))
    except OSError as error:
        if not trusted:
            return False
        raise UsageError(f"{pyproject}: cannot read the configuration: {error}") from None


def not_yours(path: str) -> str | None:
    """Why someone else could have written ``path`` ("owned by uid 1001,
    not you"), or None when only the user can. A folder of the user's own
    group (``alice:alice``, as systems with a group per user make them)
    may be writable by that group."""
    return _others_may_write(path)


def _others_may_write(path: str, above: bool = False) -> str | None:
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
            folder_problem = _others_may_write(above, above=True)
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
        import tomllib
    else:  # pragma: no cover - Python 3.10 has the same parser as tomli
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
    return document


def load_config(path: str, params: Mapping[str, tuple[str, str]]) -> dict[str, Any]:
    """The file's settings as click defaults (parameter name → value).

    ``params`` maps each long option name ("name-style") to its parameter
    name and kind ("multiple", "flag" or "single"). Unknown keys and values
    of the wrong type are usage errors naming the file.
    """
    document = read_toml(path, "the configuration")
    table: Any = document
    if os.path.basename(path) == PYPROJECT:
        tool = document.get("tool", {})
        if not isinstance(tool, dict):
            raise UsageError(f"{path}: 'tool' must be a table, as [tool.bib2pubs] makes it")
        table = tool.get("bib2pubs", {})
    if not isinstance(table, dict):
        raise UsageError(f"{path}: [tool.bib2pubs] must be a table")
    defaults: dict[str, Any] = {}
    for key, value in table.items():
        option = _ALIASES.get(key.replace("_", "-"), key.replace("_", "-"))
        if option not in params:
            known = ", ".join(sorted(params))
            raise UsageError(f"{path}: unknown setting '{key}' (settings: {known})")
        name, kind = params[option]
        defaults[name] = _value(path, option, value, kind)
    return defaults


#: Plural spellings people write in a config file.
_ALIASES = {"highlights": "highlight", "aliases": "alias"}


def _value(path: str, option: str, value: Any, kind: str) -> Any:
    if option in _PAIR_OPTIONS and isinstance(value, dict):
        value = [
            f"{left}={right}"
            for left, rights in value.items()
            for right in (rights if isinstance(rights, list) else [rights])
        ]
    if kind == "multiple":
        values = value if isinstance(value, list) else [value]
        if option == "alias":
            values = ["=".join(map(str, item)) if isinstance(item, list) else item for item in values]
        if not all(isinstance(item, str) for item in values):
            raise UsageError(f"{path}: '{option}' wants text or a list of text")
        if option in _PATH_OPTIONS:  # folders, relative to the file
            folder = os.path.dirname(path)
            return [item if os.path.isabs(item) else os.path.relpath(os.path.join(folder, item)) for item in values]
        return values
    if kind == "flag":
        if not isinstance(value, bool):
            raise UsageError(f"{path}: '{option}' wants true or false")
        return value
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise UsageError(f"{path}: '{option}' wants a single value, not {type(value).__name__}")
    if option in _PATH_OPTIONS and isinstance(value, str) and _is_relative_path(value):
        return os.path.relpath(os.path.join(os.path.dirname(path), value))
    return value


def _is_relative_path(value: str) -> bool:
    """A relative file path, not "-" nor a built-in template's name."""
    return bool(value) and value != "-" and not os.path.isabs(value) and ("/" in value or "." in value)
