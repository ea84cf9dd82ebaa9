"""A large bibliography's entries normalized on several cores at once.

Each entry is normalized on its own, so the work splits into consecutive
chunks: the process keeps the first, and forked workers take the others
and send their results back pickled through a pipe. Forking shares the
parsed entries without copying them, and costs a few milliseconds, so it
is done only for files large enough to gain from it.

Results are the same, in the same order, as from one process: any chunk
whose worker fails (no fork, a crash, a result that cannot be read back)
is redone here. Workers are used only where forking is safe and cheap:
Linux, no other thread running. ``BIB2PUBS_JOBS`` sets how many processes
share the work (1: this one alone); by default, one per core, four at most.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

#: Below this many items a worker costs more than it saves.
MIN_ITEMS = 2000
#: Files smaller than this (characters) are read in one go, not in halves.
MIN_TEXT = 1_000_000
_MAX_JOBS = 4


def allowed() -> int:
    """How many processes may share work here: 1 where forking is unsafe."""
    wanted = os.environ.get("BIB2PUBS_JOBS", "")
    if wanted.strip().isdigit():
        limit = max(int(wanted), 1)
    else:
        limit = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1, _MAX_JOBS)
    return limit if limit > 1 and _can_fork() else 1


def jobs(count: int) -> int:
    """How many processes should share ``count`` items."""
    if count < MIN_ITEMS:
        return 1
    return min(allowed(), max(count // (MIN_ITEMS // 2), 1))


def _can_fork() -> bool:
    # Forking a process with threads, or where the system frameworks may
    # not survive it (macOS), can leave the worker in a broken state.
    threading = sys.modules.get("threading")  # not imported: no thread started
    alone = threading is None or threading.active_count() == 1
    return sys.platform.startswith("linux") and hasattr(os, "fork") and alone


def split_map(work: Callable[[Sequence[Item]], Result], items: Sequence[Item], workers: int) -> list[Result]:
    """``work`` applied to ``workers`` consecutive chunks of ``items``, in
    order; all chunks but the first go to forked workers."""
    if workers <= 1:
        return [work(items)]
    size = -(-len(items) // workers)
    chunks = [items[start : start + size] for start in range(0, len(items), size)]
    started = [start(partial(work, chunk)) for chunk in chunks[1:]]
    results = [work(chunks[0])]
    for chunk, worker in zip(chunks[1:], started, strict=True):
        result = collect(worker) if worker is not None else None
        results.append(result if result is not None else work(chunk))
    return results


def start(task: Callable[[], Result]) -> tuple[int, int] | None:
    """Forks a worker doing ``task``: (its pid, the pipe to read), or None."""
    import pickle  # only when workers are used

    try:
        reader, writer = os.pipe()
        pid = os.fork()
    except OSError:
        return None
    if pid == 0:  # the worker: never returns
        status = 1
        try:
            os.close(reader)
            data = pickle.dumps(task(), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(writer, "wb") as pipe:
                pipe.write(data)
            status = 0
        finally:
            os._exit(status)  # no atexit handlers, no second flush of output
    os.close(writer)
    return pid, reader


def collect(worker: tuple[int, int]) -> Any:
    """A worker's result, or None when it failed."""
    import pickle

    pid, reader = worker
    with os.fdopen(reader, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if status != 0 or not data:
        return None
    try:
        result = pickle.loads(data)  # our own worker's output
    except Exception:  # noqa: BLE001 - redone here instead
        return None
    return result
