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
    locale = "de"
    word = { pdf = "Artikel" }

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
from collections.abc import Mapping, Sequence
from typing import Any, Final

from bib2pubs.errors import UsageError
from bib2pubs.trust import file_problem, not_yours, read_toml

CONFIG_NAME: Final = "bib2pubs.toml"
PYPROJECT: Final = "pyproject.toml"

#: Options that name files, resolved against the config file's folder.
_PATH_OPTIONS: Final = frozenset({"template", "output", "venues", "template-dir", "style"})
#: Options given as KEY=VALUE pairs; a TOML table is accepted for them.
_PAIR_OPTIONS: Final = frozenset({"highlight-as", "set", "word"})


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


def config_arguments(args: Sequence[str]) -> tuple[str | None, bool]:
    """``--config FILE`` and ``--no-config`` among the arguments, wherever
    they are before ``--``, as the settings are looked for before the
    options are read (``configured``)."""
    config, disabled = None, False
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--no-config":
            disabled = True
        elif arg == "--config" and index + 1 < len(args):
            config = args[index + 1]
        elif arg.startswith("--config="):
            config = arg.split("=", 1)[1]
    return config, disabled


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
_PEEK: Final = 1 << 20


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
_ALIASES: Final = {"highlights": "highlight", "aliases": "alias"}


def _value(path: str, option: str, value: Any, kind: str) -> Any:
    if option in _PAIR_OPTIONS and isinstance(value, dict):
        rights = [right for rights in value.values() for right in (rights if isinstance(rights, list) else [rights])]
        if not all(isinstance(right, (str, int, float)) for right in rights):  # a number is text too
            raise UsageError(f"{path}: '{option}' wants a table of text, e.g. {option} = {{ key = \"text\" }}")
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
