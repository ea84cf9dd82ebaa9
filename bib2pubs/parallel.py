"""Work forked off to a second process: a large file's second half, read
and normalized by a worker while this process does the first half
(``read.two_processes``), its result pickled into a file in memory both
share, and unpickled here part by part as the worker writes it.

The worker is forked before anything is parsed, so that it shares little
more than the file's text: a worker forked once the entries are parsed
shares them all, and each object either process then touches (a
reference count changed) makes the system copy its page for it. Measured
that way (normalizing the parsed entries in two chunks), both processes
slowed so much that a second core gained nothing on the beebe set and lost
9% on 31,000 entries; that path is gone. (Rendering the entries in two
processes once the listing is built fares alike: 0.93 s for 100,000
entries' HTML in one process, 0.90 s in two. Instead, each process
writes the entries it normalized as it goes: ``rendering.ahead``.)

Results are the same as from one process: a worker that fails (no fork, a
crash, a result that cannot be read back) leaves its work to be redone
here. Workers are used only where forking is safe and cheap: Linux, no
other thread running. By default the command line has a second process
share only a file of ``DEFAULT_MIN_TEXT`` characters or more, and only
where this process may run on two cores (a program calling the library
gets a fork only when ``BIB2PUBS_JOBS`` asks): on 100,000 entries it
saves 35% of the wall time for 5% more CPU time (bench/RESULTS.md),
which is worth it where a run takes seconds, not where it takes a
fraction of one. ``BIB2PUBS_JOBS`` says otherwise: 1 for one process
always, 2 for two from ``MIN_TEXT``.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from dataclasses import fields
from typing import Any, TypeVar

Result = TypeVar("Result")

#: Files smaller than this (characters) are read in one go, not in halves.
MIN_TEXT = 1_000_000
#: Files smaller than this are read in one process unless the user asks
#: for two: about 40,000 entries, three seconds' work.
DEFAULT_MIN_TEXT = 32_000_000


def allowed(size: int, by_default: bool = True) -> int:
    """How many processes may share the work of a file of ``size``
    characters: as ``BIB2PUBS_JOBS`` says (from ``MIN_TEXT``), else, where
    ``by_default`` (the command line: a process that ends after one run,
    not a program calling the library, which gets no fork it did not ask
    for), 2 from ``DEFAULT_MIN_TEXT`` where two cores are ours; 1 where
    forking is unsafe."""
    wanted = os.environ.get("BIB2PUBS_JOBS", "").strip()
    if wanted.isascii() and wanted.isdigit():  # not "²", which int() refuses
        digits = wanted.lstrip("0") or "0"
        asked = int(digits) if len(digits) < 10 else 2  # as many as one could ask (int() refuses 4,300 digits)
        limit = max(asked, 1) if size >= MIN_TEXT else 1
    else:
        limit = 2 if by_default and size >= DEFAULT_MIN_TEXT and _cores() >= 2 else 1
    return limit if limit > 1 and _can_fork() else 1


def _cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        return 1


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


#: A worker: its pid, the pipe that tells how much of its result is
#: written, and the shared file the result is written to.
Worker = tuple[int, int, int]


def start(task: Callable[[], Result]) -> Worker | None:
    """Forks a worker doing ``task`` (a ``Worker``), or None: no fork, or
    no memfd to share its result in (not Linux, or a sandbox that forbids
    it), where the work is done in one process."""
    # Only a run that forks workers needs this; a small run never loads it.
    import signal

    # Ctrl-C is held back while forking: a worker must never unwind into
    # the caller's code, and one the signal reaches ends at once.
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    opened: list[int] = []
    try:
        # The result goes to a file in memory that both processes share, so
        # the worker writes it at its own pace, and this process reads each
        # part once it is written: a pipe would hold the worker back until
        # this process, busy with its own half, read from it. The pipe only
        # tells how far the worker has written.
        opened.append(os.memfd_create("bib2pubs-result", os.MFD_CLOEXEC))
        opened.extend(os.pipe())
        pid = os.fork()
    except (OSError, AttributeError):  # no pipe, no fork; no memfd (not Linux)
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        for end in opened:
            os.close(end)
        return None
    shared, reader, writer = opened
    if pid == 0:  # the worker: never returns
        status = 1
        try:
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
            os.close(reader)
            written = _Written(shared, writer)
            _pickler(written).dump(task())
            written.told_all()
            status = 0
        finally:
            os._exit(status)  # no atexit handlers, no second flush of output
    signal.pthread_sigmask(signal.SIG_SETMASK, held)
    os.close(writer)
    return pid, reader, shared


class _Written:
    """Where a worker's pickler writes: to the shared file, each part's end
    then told through the pipe (eight bytes, which a pipe writes whole), so
    the reader knows it may read up to there. Each note tells all written
    so far: where the pipe is full (the reader busy), a note is left out,
    the next one telling it too, and the worker goes on; the last one
    (``told_all``) waits for room."""

    def __init__(self, shared: int, told: int) -> None:
        self.shared = shared
        self.told = told
        self.size = 0
        os.set_blocking(told, False)

    def write(self, data: bytes) -> int:
        view = memoryview(data)
        while view:
            view = view[os.write(self.shared, view) :]
        self.size += len(data)
        with contextlib.suppress(BlockingIOError):
            os.write(self.told, self.size.to_bytes(8, "little"))
        return len(data)

    def told_all(self) -> None:
        os.set_blocking(self.told, True)
        os.write(self.told, self.size.to_bytes(8, "little"))


class _Read:
    """What this process's unpickler reads: the worker's result in the
    shared file, each part read once the worker has told it is written;
    EOFError when the worker ended first."""

    def __init__(self, shared: int, told: int) -> None:
        self.shared = shared
        self.told = told
        self.size = 0  # how much the worker has told
        self.position = 0

    def _wait_for(self, end: int) -> None:
        while self.size < end:
            note = b""
            while len(note) < 8:
                more = os.read(self.told, 8 - len(note))
                if not more:
                    raise EOFError("the worker ended before its result was written")
                note += more
            self.size = int.from_bytes(note, "little")

    def read(self, count: int = -1) -> bytes:
        if count < 0:
            raise ValueError("a pickle reads what it knows the length of")
        self._wait_for(self.position + count)
        data = os.pread(self.shared, count, self.position)
        if len(data) < count:  # the worker told of more than it wrote
            raise EOFError("the worker's result is cut short")
        self.position += len(data)
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readline(self) -> bytes:
        line = b""
        while not line.endswith(b"\n"):
            more = self.read(1)
            line += more
        return line


class Exchange:
    """One message each way between this process and a worker, at the
    point where each needs what the other found (``read.two_processes``:
    which entries are cross-referenced). Made before the worker is
    started; the worker sends first, then hears (``in_worker``); this
    process hears, then sends (``in_main``), so that neither waits on the
    other to read a message too large for a pipe's buffer."""

    def __init__(self) -> None:
        self._to_worker = os.pipe()
        try:
            self._to_main = os.pipe()
        except OSError:
            self._open = set(self._to_worker)
            self.close()
            raise
        #: The ends this process has not closed: each is closed once only,
        #: as its number may be given to another file once it is.
        self._open = {*self._to_worker, *self._to_main}

    def in_worker(self, sent: object) -> Any:
        """In the worker: sends ``sent``, and returns what this process
        sends back; raises EOFError when it sends nothing (it gave up)."""
        self._close(self._to_worker[1], self._to_main[0])
        _send(self._taken(self._to_main[1]), sent)
        return _receive(self._taken(self._to_worker[0]))

    def forked(self) -> None:
        """In this process once the worker is started: the worker's ends closed."""
        self._close(self._to_worker[0], self._to_main[1])

    def in_main(self, sent: object) -> tuple[bool, Any]:
        """Here, after ``forked``: (True, what the worker sent) once
        ``sent`` is sent to it; (False, None) when the worker failed first."""
        try:
            received = _receive(self._taken(self._to_main[0]))
        except Exception:  # noqa: BLE001 - nothing, or a message cut short: the worker failed
            self.close()
            return False, None
        try:
            _send_unsignalled(self._taken(self._to_worker[1]), sent)
        except OSError:  # the worker ended meanwhile
            return False, None
        return True, received

    def close(self) -> None:
        """Every end still open here closed: no worker was started, or
        this process gave up on it."""
        self._close(*self._open)

    def _taken(self, end: int) -> int:
        """``end``, to be closed by whoever it is handed to."""
        self._open.discard(end)
        return end

    def _close(self, *ends: int) -> None:
        for end in ends:
            if end in self._open:
                self._open.discard(end)
                with contextlib.suppress(OSError):
                    os.close(end)


def _send(end: int, message: object) -> None:
    import pickle  # only a run that forks workers exchanges messages

    with os.fdopen(end, "wb") as pipe:
        pipe.write(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))


def _send_unsignalled(end: int, message: object) -> None:
    """``_send``, with SIGPIPE ignored meanwhile: a worker that ended
    (killed for memory) then raises BrokenPipeError here, redone here,
    where the command line's SIGPIPE (its default, for ``| head``) would
    end the run without a word."""
    import signal  # only a run that forks workers exchanges messages

    before = signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    try:
        _send(end, message)
    finally:
        signal.signal(signal.SIGPIPE, before)


def _receive(end: int) -> Any:
    import pickle  # as above

    with os.fdopen(end, "rb") as pipe:
        data = pipe.read()
    if not data:
        raise EOFError("nothing was sent")
    return pickle.loads(data)  # our own process's message


def dumps(result: object) -> bytes:
    """``result`` pickled as a worker pickles it (``_pickler``)."""
    import io  # only a worker pickles

    buffer = io.BytesIO()
    _pickler(buffer).dump(result)
    return buffer.getvalue()


def _pickler(file: Any) -> Any:
    """A pickler writing to ``file``: its frozen dataclasses without a ``__dict__``
    (slotted ones, and all of them where mypyc compiled the model) as
    their class and field values: unpickled, each is made again by its
    class, as pickle's default cannot do for compiled frozen classes (and
    does in Python, field by field, for slotted ones). Only classes that
    their fields make again exactly: every field given to ``__init__`` by
    position, and no ``__post_init__`` to change or refuse them."""
    import pickle  # only a worker pickles: a run that forks none never loads it

    # Written to the file frame by frame (64 KB), as it is made.
    pickler = pickle.Pickler(file, protocol=pickle.HIGHEST_PROTOCOL)
    # Looked up by the pickler in C, class by class: a reducer_override
    # would be called in Python for every object, and took four times as
    # long as all the rest of pickling a large file's half.
    pickler.dispatch_table = _Reducers()
    return pickler


class _Reducers(dict[type, Callable[[Any], Any]]):
    """Each class's reducer (see ``_pickler``), made the first time the class
    is met; a KeyError for a class pickle's default must pickle."""

    def __init__(self) -> None:
        super().__init__()
        self.default: set[type] = set()

    def __missing__(self, kind: type) -> Callable[[Any], Any]:
        names = None if kind in self.default else _made_by_fields(kind)
        if names is not None:
            self[kind] = reducer = _reducer(kind, names)
            return reducer
        import copyreg  # only a worker pickles

        registered = copyreg.dispatch_table.get(kind)
        if registered is not None:  # as pickle's own table says (re.Pattern…)
            self[kind] = registered
            return registered
        # A class (pickled by name), or one pickle's default must do: found
        # by the pickler once the table has no reducer for it.
        self.default.add(kind)
        raise KeyError(kind)


def _made_by_fields(kind: type) -> tuple[str, ...] | None:
    """The fields that make an instance of ``kind`` again, in
    ``__init__``'s order; None where pickle's default must do it."""
    params = getattr(kind, "__dataclass_params__", None)
    if params is None or not params.frozen or hasattr(kind, "__post_init__"):
        return None
    if kind.__dictoffset__:  # its instances have a __dict__: pickle's default keeps all of it
        return None
    every = fields(kind)
    if len(every) != len(kind.__dataclass_fields__):  # type: ignore[attr-defined]  # an InitVar or ClassVar
        return None
    return None if any(not each.init or each.kw_only is True for each in every) else tuple(e.name for e in every)


def _reducer(kind: type, names: tuple[str, ...]) -> Callable[[Any], tuple[type, tuple[Any, ...]]]:
    """``kind`` and its instance's field values, read by ``attrgetter`` (C)."""
    from operator import attrgetter  # only a worker pickles

    if not names:
        return lambda _: (kind, ())
    read = attrgetter(*names)
    if len(names) == 1:
        return lambda instance: (kind, (read(instance),))
    return lambda instance: (kind, read(instance))


def collect(worker: Worker | None) -> Any:
    """A worker's result, or None when it failed (or was never started)."""
    if worker is None:
        return None
    import pickle  # only a run that forked workers reads their results

    pid, reader, shared = worker
    try:
        # Our own worker's output, read as it is written: whatever is left
        # of this process's time waiting goes to reading it.
        result = pickle.load(_Read(shared, reader))
        # Its last notes read: the pipe is kept open until the worker ends,
        # which a note written to a pipe closed here would keep it from
        # doing (SIGPIPE), and a full pipe would hold it waiting.
        while os.read(reader, 1 << 16):
            pass
    except Exception:  # noqa: BLE001 - cut short (the worker failed), or unreadable: redone here instead
        abandon(worker)  # stopped, not waited for: its result is not wanted
        return None
    except BaseException:  # Ctrl-C: no worker left behind
        abandon(worker)
        raise
    os.close(reader)
    os.close(shared)
    return result if _wait(pid) == 0 else None


def abandon(worker: Worker | None) -> None:
    """Stops a worker whose result is no longer wanted, and reaps it; once
    for each worker (its files are closed, and their numbers may be
    another's afterwards)."""
    if worker is None:
        return
    import signal  # only a run that forked workers stops them

    pid, reader, shared = worker
    os.close(reader)
    os.close(shared)
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
