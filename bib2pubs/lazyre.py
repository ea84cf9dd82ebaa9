"""Regular expressions compiled when first used, and compiled ahead by the build.

Compiling a pattern costs Python a fraction of a millisecond, and bib2pubs
holds a hundred and fifty: together a tenth of a small run's time. Which of
them a run needs depends on what its file holds (LaTeX commands, odd URLs,
broken entries, dated events), so the patterns the package keeps at
module level are made here and compiled only when a file needs them (a
small file needs about half); only the reader's pattern for a field and a
pattern over bytes, which every file needs, are compiled at once
(``compiled``). After the first use the pattern's own methods answer
directly, at no cost.

Most of compiling is Python's own parser and code generator, run afresh by
every process. The build runs them once (setup.py, with ``table_data``)
and installs what they make for each pattern as ``patterns.bin`` beside this
module: its program for the matching engine, groups and flags, for the
Python release that built it only (its exact version, the engine's magic
number and sizes head the file). A pattern found there with the same text
and flags is made from it in a few microseconds; any other pattern, an
install without the file, a file from another Python or a damaged entry
is compiled as usual. The file is part of the installed package, trusted
as its code is (whoever can change it can change the code beside it); it
is never written at run time. Each pattern made from it equals (``==``:
same text, flags and program) the one ``re.compile`` makes, as
tests/test_fast_paths.py checks for every pattern of the package.
"""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]  # the engine re.compile ends in; no stub
import marshal
import os
import re
import sys
from collections.abc import Iterable
from typing import Any, Final, cast, overload

_METHODS: Final = (
    "match",
    "search",
    "fullmatch",
    "sub",
    "subn",
    "findall",
    "finditer",
    "split",
    "groups",
    "groupindex",
)

#: Every pattern the package made, with its flags, in order: what the build
#: compiles ahead, having imported every module.
MADE: Final[list[tuple[str | bytes, int]]] = []

#: The patterns compiled ahead, installed with the package (see above).
TABLE_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "patterns.bin")

#: (A pattern's text, flags asked) -> (flags it has, program, groups, group
#: names, names by number); read from TABLE_FILE when first needed.
_Ahead = dict[tuple[str | bytes, int], tuple[int, bytes, int, dict[str, int], tuple[str | None, ...]]]
_ahead: _Ahead | None = None


class _Lazy:
    __slots__ = ("_flags", "pattern", "flags", *_METHODS)

    def __init__(self, pattern: str | bytes, flags: int) -> None:
        self.pattern = pattern
        self._flags = flags

    def __getattr__(self, name: str) -> Any:
        # Called only for what is not set yet: the first use compiles.
        made = _compile(self.pattern, self._flags)
        for method in _METHODS:
            setattr(self, method, getattr(made, method))
        self.flags = made.flags
        return getattr(made, name)


@overload
def lazy(pattern: str, flags: int | re.RegexFlag = 0) -> re.Pattern[str]: ...
@overload
def lazy(pattern: bytes, flags: int | re.RegexFlag = 0) -> re.Pattern[bytes]: ...
def lazy(pattern: str | bytes, flags: int | re.RegexFlag = 0) -> re.Pattern[Any]:
    """A pattern that compiles itself on first use."""
    MADE.append((pattern, int(flags)))
    return cast("re.Pattern[Any]", _Lazy(pattern, int(flags)))


@overload
def compiled(pattern: str, flags: int | re.RegexFlag = 0) -> re.Pattern[str]: ...
@overload
def compiled(pattern: bytes, flags: int | re.RegexFlag = 0) -> re.Pattern[bytes]: ...
def compiled(pattern: str | bytes, flags: int | re.RegexFlag = 0) -> re.Pattern[Any]:
    """A pattern compiled now (from the build's table where it is there)."""
    MADE.append((pattern, int(flags)))
    return _compile(pattern, int(flags))


def _compile(pattern: str | bytes, flags: int) -> re.Pattern[Any]:
    made = from_table(pattern, flags)
    return re.compile(pattern, flags) if made is None else made


def from_table(pattern: str | bytes, flags: int) -> re.Pattern[Any] | None:
    """The pattern made from the build's table, or None where the table
    has no such pattern (or the engine refuses its program)."""
    ahead = (_ahead if _ahead is not None else _read_table()).get((pattern, flags))
    if ahead is None:
        return None
    try:
        has, program, groups, names, by_number = ahead
        code = memoryview(program).cast("I").tolist()
        return cast("re.Pattern[Any]", _sre.compile(pattern, has, code, groups, names, by_number))
    except (ArithmeticError, LookupError, RuntimeError, TypeError, ValueError):  # a damaged entry: compiled as usual
        return None


def _this_python() -> tuple[str | int | None, ...]:
    """What a program for the matching engine is valid for: this very
    release of Python (its code generator is Python code, which a bug-fix
    release may change without a new engine), and the engine's own marks."""
    return (
        sys.implementation.cache_tag,
        sys.hexversion,
        _sre.MAGIC,
        _sre.CODESIZE,
        _sre.MAXREPEAT,
        _sre.MAXGROUPS,
        sys.byteorder,
    )


def _read_table() -> _Ahead:
    global _ahead
    table: _Ahead = {}
    try:
        with open(TABLE_FILE, "rb") as file:
            header, entries = marshal.loads(file.read())
        if header == _this_python() and isinstance(entries, dict):
            table = entries
    except (OSError, EOFError, ValueError, TypeError):  # none installed, or damaged: compiled as usual
        pass
    _ahead = table
    return table


def table_data(patterns: Iterable[tuple[str | bytes, int]]) -> bytes:
    """The contents of TABLE_FILE for ``patterns``, made by Python's own
    parser and code generator as ``re.compile`` runs them (the build's step)."""
    import array  # the build's step only

    try:
        from re import _compiler, _parser  # type: ignore[attr-defined]  # no stub
    except ImportError:  # Python 3.10
        import sre_compile as _compiler  # the same, under its old name
        import sre_parse as _parser  # the same, under its old name
    entries: _Ahead = {}
    for pattern, asked in patterns:
        flags = int(asked)
        parsed = _parser.parse(pattern, flags)
        program = array.array("I", _compiler._code(parsed, flags))
        names = dict(parsed.state.groupdict)
        by_number: list[str | None] = [None] * parsed.state.groups
        for name, number in names.items():
            by_number[number] = name
        has = int(flags | parsed.state.flags)
        entries[pattern, flags] = (has, program.tobytes(), parsed.state.groups - 1, names, tuple(by_number))
    return marshal.dumps((_this_python(), entries))
