"""``--watch``: run again whenever an input changes.

For a live preview beside ``jekyll serve``: the .bib files, the settings
file, the templates and the venue table are polled (modification time and
size, twice a second: no extra dependency, and it works on every file
system). A run that fails, say on a .bib saved half-edited, is reported
and the watch goes on.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable

Stamp = tuple[tuple[str, float, int], ...]


def stamp(paths: Iterable[str]) -> Stamp:
    """What the files look like now: (path, mtime, size); a missing file
    counts as a change when it appears."""
    found = []
    for path in sorted(set(paths)):
        try:
            info = os.stat(path)
        except OSError:
            found.append((path, -1.0, -1))
            continue
        found.append((path, info.st_mtime, info.st_size))
    return tuple(found)


def files_in(paths: Iterable[str]) -> list[str]:
    """The paths, with folders (template folders) replaced by their files."""
    files: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            files.extend(os.path.join(path, name) for name in sorted(os.listdir(path)))
        else:
            files.append(path)
    return files


def watch(
    paths: Iterable[str],
    run_once: Callable[[], None],
    interval: float = 0.5,
    rounds: int | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Runs ``run_once``, then again after each change to ``paths``, until
    interrupted (or for ``rounds`` polls). Returns how many runs there were."""
    watched = list(paths)
    last = stamp(files_in(watched))
    run_once()
    runs, polls = 1, 0
    while rounds is None or polls < rounds:
        sleep(interval)
        polls += 1
        now = stamp(files_in(watched))
        if now != last:
            last = now
            run_once()
            runs += 1
    return runs
