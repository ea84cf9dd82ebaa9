"""A large bibliography's entries normalized on several cores at once.

Each entry is normalized on its own, so the work splits into consecutive
chunks: the process keeps the first, and forked workers take the others
and send their results back pickled through a pipe. Forking shares the
parsed entries without copying them, and costs a few milliseconds, so it
is done only for files large enough to gain from it.

Results are the same, in the same order, as from one process: any chunk
whose worker fails (no fork, a crash, a result that cannot be read back)
is redone here. Workers are used only where forking is safe and cheap:
Linux, no other thread running. ``BIB2PUBS_JOBS=N`` lets N processes
share the work; by default this one does it alone. Measured (bench/run.py,
2 cores, idle): a second process saved 1 to 8% of the wall time of files
of 5,000 to 31,000 entries, at 22 to 33% more CPU time, and with the
per-entry modules compiled it made the largest slower; pickling the
results back costs about what the work saved.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import fields
from functools import partial
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

#: Below this many items a worker costs more than it saves.
MIN_ITEMS = 2000
#: Files smaller than this (characters) are read in one go, not in halves.
MIN_TEXT = 1_000_000


def allowed() -> int:
    """How many processes may share work here: ``BIB2PUBS_JOBS``, else 1;
    1 too where forking is unsafe."""
    wanted = os.environ.get("BIB2PUBS_JOBS", "")
    limit = max(int(wanted), 1) if wanted.strip().isdigit() else 1
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
    if not (sys.platform.startswith("linux") and hasattr(os, "fork") and alone):
        return False
    import signal  # only a run that may fork sets signals up: plain runs skip the import

    # Where SIGCHLD is ignored (a setting inherited from whatever started
    # us), workers are reaped by the system and their status is lost.
    return signal.getsignal(signal.SIGCHLD) is not signal.SIG_IGN


def split_map(work: Callable[[Sequence[Item]], Result], items: Sequence[Item], workers: int) -> list[Result]:
    """``work`` applied to ``workers`` consecutive chunks of ``items``, in
    order; all chunks but the first go to forked workers."""
    if workers <= 1:
        return [work(items)]
    size = -(-len(items) // workers)
    chunks = [items[start : start + size] for start in range(0, len(items), size)]
    started = [start(partial(work, chunk)) for chunk in chunks[1:]]
    try:
        results = [work(chunks[0])]
    except BaseException:
        for worker in started:
            abandon(worker)
        raise
    for chunk, worker in zip(chunks[1:], started, strict=True):
        result = collect(worker)
        results.append(result if result is not None else work(chunk))
    return results


Worker = tuple[int, int]


def start(task: Callable[[], Result]) -> Worker | None:
    """Forks a worker doing ``task``: (its pid, the pipe to read), or None."""
    # Only a run that forks workers needs this; a small run never loads it.
    import signal

    # Ctrl-C is held back while forking: a worker must never unwind into
    # the caller's code, and one the signal reaches ends at once.
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        reader, writer = os.pipe()
    except OSError:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        return None
    try:
        pid = os.fork()
    except OSError:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        os.close(reader)
        os.close(writer)
        return None
    if pid == 0:  # the worker: never returns
        status = 1
        try:
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
            os.close(reader)
            data = dumps(task())
            with os.fdopen(writer, "wb") as pipe:
                pipe.write(data)
            status = 0
        finally:
            os._exit(status)  # no atexit handlers, no second flush of output
    signal.pthread_sigmask(signal.SIG_SETMASK, held)
    os.close(writer)
    return pid, reader


def dumps(result: object) -> bytes:
    """``result`` pickled, its frozen dataclasses without a ``__dict__``
    (slotted ones, and all of them where mypyc compiled the model) as
    their class and field values: unpickled, each is made again by its
    class, as pickle's default cannot do for compiled frozen classes (and
    does in Python, field by field, for slotted ones). Only classes that
    their fields make again exactly: every field given to ``__init__`` by
    position, and no ``__post_init__`` to change or refuse them."""
    # Only a worker pickles: a run that forks none never loads these.
    import io
    import pickle

    fields_of: dict[type, tuple[str, ...] | None] = {}

    def made_by_fields(kind: type) -> tuple[str, ...] | None:
        params = getattr(kind, "__dataclass_params__", None)
        if params is None or not params.frozen or hasattr(kind, "__post_init__"):
            return None
        every = fields(kind)
        if len(every) != len(kind.__dataclass_fields__):  # type: ignore[attr-defined]  # an InitVar or ClassVar
            return None
        return None if any(not each.init or each.kw_only is True for each in every) else tuple(e.name for e in every)

    class _Pickler(pickle.Pickler):
        def reducer_override(self, obj: object) -> Any:
            kind = type(obj)
            if kind not in fields_of:
                fields_of[kind] = None if hasattr(obj, "__dict__") else made_by_fields(kind)
            names = fields_of[kind]
            if names is None:
                return NotImplemented
            return kind, tuple(getattr(obj, name) for name in names)

    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(result)
    return buffer.getvalue()


def collect(worker: Worker | None) -> Any:
    """A worker's result, or None when it failed (or was never started)."""
    if worker is None:
        return None
    import pickle  # only a run that forked workers reads their results

    pid, reader = worker
    try:
        with os.fdopen(reader, "rb") as pipe:
            data = pipe.read()
    finally:
        status = _wait(pid)
    if status != 0 or not data:
        return None
    try:
        result = pickle.loads(data)  # our own worker's output
    except Exception:  # noqa: BLE001 - redone here instead
        return None
    return result


def abandon(worker: Worker | None) -> None:
    """Stops a worker whose result is no longer wanted, and reaps it."""
    if worker is None:
        return
    import signal  # only a run that forked workers stops them

    pid, reader = worker
    os.close(reader)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    _wait(pid)


def _wait(pid: int) -> int:
    """The worker's exit status; -1 when it cannot be known (a parent that
    ignores SIGCHLD has its children reaped by the system)."""
    try:
        return os.waitpid(pid, 0)[1]
    except ChildProcessError:
        return -1
