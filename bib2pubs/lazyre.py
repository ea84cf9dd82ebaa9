"""Regular expressions compiled when first used.

Compiling a pattern costs Python a fraction of a millisecond, and bib2pubs
holds a hundred: together a tenth of a small run's time. Which of them a
run needs depends on what its file holds (LaTeX commands, odd URLs,
broken entries, dated events), so the patterns the package keeps at
module level are made here and compiled only when a file needs them (a
small file needs about half); only the reader's pattern for a field and a
pattern over bytes, which every file needs, are compiled at once. After
the first use the pattern's own methods answer directly, at no cost.
"""

from __future__ import annotations

import re
from typing import Any, Final, cast

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


class _Lazy:
    __slots__ = ("_flags", "pattern", "flags", *_METHODS)

    def __init__(self, pattern: str, flags: int) -> None:
        self.pattern = pattern
        self._flags = flags

    def __getattr__(self, name: str) -> Any:
        # Called only for what is not set yet: the first use compiles.
        compiled = re.compile(self.pattern, self._flags)
        for method in _METHODS:
            setattr(self, method, getattr(compiled, method))
        self.flags = compiled.flags
        return getattr(compiled, name)


def lazy(pattern: str, flags: int | re.RegexFlag = 0) -> re.Pattern[str]:
    """A pattern that compiles itself on first use."""
    return cast("re.Pattern[str]", _Lazy(pattern, int(flags)))
