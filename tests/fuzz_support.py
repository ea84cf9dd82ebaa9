"""Helpers for tests/test_fuzz_corpus.py: mutations of .bib bytes that
remember which part of the original they changed, a runner that gives the
command line a time and a memory limit, and the checks every run must pass.

A mutation is a list of ``Edit``s on the original bytes, never overlapping,
so that an entry of the original can be told untouched (its bytes and the
bytes beside them are not in any edit) and then must not be lost silently.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import resource
import select
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

# The options of every run: JSON, so that the keys listed can be read back;
# preprints kept apart and hidden entries listed, so that an entry is never
# merged into another or left out on purpose; no settings file from the
# folder the tests run in.
OPTIONS = ("-f", "json", "--keep-preprints", "--include-hidden", "--no-config")
TIMEOUT = 20  # seconds before a run is killed
SLOW = 10  # seconds: a run of a file of a few MB taking longer is a finding (they take well under one)
MEMORY = 2 << 30  # bytes of address space for one run (RLIMIT_AS)
GROWTH = 512 << 10  # KiB: a run's resident memory growing more than this is a finding
# Output larger than this many times the input, plus room for one field at
# the parser's cut (10 M characters), is a finding.
AMPLIFICATION = 1000
ONE_FIELD = 16 << 20


@dataclass(frozen=True)
class Edit:
    """The original's bytes ``[lo, hi)`` replaced by ``new``."""

    lo: int
    hi: int
    new: bytes
    what: str
    # The same text in other bytes (another encoding, other line endings):
    # every entry is still there, none counts as touched.
    same_text: bool = False


def apply(original: bytes, edits: Sequence[Edit]) -> bytes:
    """The original with the (non-overlapping) edits made."""
    out = original
    for edit in sorted(edits, key=lambda edit: (edit.lo, edit.hi), reverse=True):
        out = out[: edit.lo] + edit.new + out[edit.hi :]
    return out


def describe(edits: Sequence[Edit]) -> str:
    return "; ".join(edit.what for edit in sorted(edits, key=lambda edit: edit.lo))


def _overlap(one: Edit, other: Edit) -> bool:
    # Edits that touch or sit side by side are merged in effect; keep them apart.
    return one.lo <= other.hi + 1 and other.lo <= one.hi + 1


def _show(data: bytes, limit: int = 40) -> str:
    text = repr(data[:limit])
    return text + (f"…(+{len(data) - limit} bytes)" if len(data) > limit else "")


# ---------------------------------------------------------------- mutations

SYNTAX = [b"{", b"}", b'"', b",", b"@", b"=", b"#", b"(", b")", b"%", b"\\", b"\n", b"~", b"$", b" "]
JUNK = [
    b"@article{", b"@string{", b"@comment{", b"@preamble{", b"and", b" and ", b"{\\'e}", b"\\", b"\\\\",
    b"title = {", b"author = ", b"year = 2020", b"crossref = {", b" # ", b'"{', b'}"', b"{{", b"}}",
    b"\r\n", b"\r", b"\t", b"\xc3\xa9", b"\xe4\xb8\xad", b"\xe2\x80\xa8", b"\xc2\x85", b"=\n", b",\n",
]  # fmt: skip
CONTROL = [bytes([code]) for code in (*range(32), 127)]
INVALID_UTF8 = [
    b"\xff", b"\xfe", b"\xc3", b"\xe9", b"\xe9t\xe9", b"\x80", b"\xc0\xaf", b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80", b"\xe4\xb8", b"\xff\xfe", b"\xfe\xff", b"\xa9 2020",
]  # fmt: skip
BOMS = [b"\xef\xbb\xbf", b"\xef\xbb\xbf\xef\xbb\xbf"]
AT_LINES = [
    b"\n@article{fuzzinner,\n", b"\n@Word{\n", b"\n@Word{", b"@inproceedings{fuzzinner2, ", b"\n@misc{fuzz,}\n",
    b"\n@string{fz = {x}}\n", b"\n@comment{\n", b"\n  @book{fuzz3,\n  title = {T},\n", b"\n@\n", b"\n@{,\n",
]  # fmt: skip


def _line_starts(data: bytes) -> list[int]:
    return [0, *(match.end() for match in re.finditer(b"\n", data))]


def _position(rng: random.Random, data: bytes) -> int:
    return rng.randint(0, len(data))


def _line_boundary(rng: random.Random, data: bytes) -> int:
    return rng.choice([*_line_starts(data), len(data)])


def _inside_value(rng: random.Random, data: bytes) -> int:
    starts = [match.end() for match in re.finditer(rb"=\s*[{\"]", data)]
    return rng.choice(starts) if starts else _position(rng, data)


def _span(rng: random.Random, data: bytes, most: int) -> tuple[int, int]:
    lo = rng.randint(0, max(len(data) - 1, 0))
    return lo, min(len(data), lo + rng.randint(1, most))


def _delete_bytes(rng: random.Random, data: bytes, other: bytes) -> Edit:
    lo, hi = _span(rng, data, 24)
    return Edit(lo, hi, b"", f"delete {_show(data[lo:hi])} at {lo}")


def _duplicate_bytes(rng: random.Random, data: bytes, other: bytes) -> Edit:
    lo, hi = _span(rng, data, 80)
    return Edit(hi, hi, data[lo:hi], f"duplicate {_show(data[lo:hi])} at {hi}")


def _insert(rng: random.Random, data: bytes, pieces: Sequence[bytes], name: str, most: int = 3) -> Edit:
    at = rng.choice((_position, _position, _line_boundary, _inside_value))(rng, data)
    new = b"".join(rng.choice(pieces) for _ in range(rng.randint(1, most)))
    return Edit(at, at, new, f"insert {name} {_show(new)} at {at}")


def _insert_syntax(rng: random.Random, data: bytes, other: bytes) -> Edit:
    return _insert(rng, data, SYNTAX + JUNK, "syntax")


def _insert_random(rng: random.Random, data: bytes, other: bytes) -> Edit:
    at = _position(rng, data)
    new = bytes(rng.randrange(256) for _ in range(rng.randint(1, 12)))
    return Edit(at, at, new, f"insert random {_show(new)} at {at}")


def _drop_syntax(rng: random.Random, data: bytes, other: bytes) -> Edit:
    char = rng.choice(b'{}",@=#()%')
    places = [index for index, byte in enumerate(data) if byte == char]
    if not places:
        return _insert_syntax(rng, data, other)
    at = rng.choice(places)
    return Edit(at, at + 1, b"", f"drop {chr(char)!r} at {at}")


def _add_syntax(rng: random.Random, data: bytes, other: bytes) -> Edit:
    return _insert(rng, data, SYNTAX, "char", most=1)


def _lines(rng: random.Random, data: bytes, most: int) -> tuple[int, int]:
    starts = _line_starts(data)
    first = rng.randrange(len(starts))
    last = min(first + rng.randint(1, most), len(starts))
    return starts[first], starts[last] if last < len(starts) else len(data)


def _delete_lines(rng: random.Random, data: bytes, other: bytes) -> Edit:
    lo, hi = _lines(rng, data, 3)
    return Edit(lo, hi, b"", f"delete lines {_show(data[lo:hi])} at {lo}")


def _duplicate_lines(rng: random.Random, data: bytes, other: bytes) -> Edit:
    lo, hi = _lines(rng, data, 4)
    chunk = data[lo:hi] if data[lo:hi].endswith(b"\n") or hi < len(data) else data[lo:hi] + b"\n"
    at = _line_boundary(rng, data) if rng.random() < 0.3 else hi
    return Edit(at, at, chunk, f"copy lines {_show(chunk)} to {at}")


def _line_endings(rng: random.Random, data: bytes, other: bytes) -> Edit:
    lo, hi = _lines(rng, data, 8)
    ending = rng.choice([b"\r\n", b"\r", b"\n\r", b"\x0b", b"\x0c", b"\xe2\x80\xa8", b"\xc2\x85"])
    return Edit(lo, hi, data[lo:hi].replace(b"\n", ending), f"line endings {ending!r} in [{lo}, {hi})")


def _splice(rng: random.Random, data: bytes, other: bytes) -> Edit:
    if not other:
        return _truncate(rng, data, other)
    olo, ohi = _span(rng, other, 600)
    if rng.random() < 0.5:  # this file's head, the other's tail
        cut = _position(rng, data)
        return Edit(cut, len(data), other[olo:], f"splice: from {cut} on, the other file from {olo}")
    at = rng.choice((_position, _line_boundary))(rng, data)
    return Edit(at, at, other[olo:ohi], f"splice: the other file's [{olo}, {ohi}) inserted at {at}")


def _truncate(rng: random.Random, data: bytes, other: bytes) -> Edit:
    cut = _position(rng, data)
    return Edit(cut, len(data), b"", f"truncate at {cut}")


def _string_chain(rng: random.Random, data: bytes, other: bytes) -> Edit:
    # Most chains stay small (2**18 characters at most); some go far past
    # any sensible cut, where only a bound on the whole expansion keeps the
    # run's time, memory and output small.
    deep = rng.random() < 0.2
    depth = rng.randint(30, 64) if deep else rng.randint(4, 18)
    lines = [b'@string{fz0 = "ab{c}"}']
    lines += [b"@string{fz%d = fz%d # fz%d}" % (level, level - 1, level - 1) for level in range(1, depth + 1)]
    if rng.random() < 0.3:  # a loop as well
        lines += [b"@string{fzloop = fzloop # fz0}", b"@string{fzx = fzy}", b"@string{fzy = fzx # fzx}"]
    if deep:  # used by several entries: one field at the parser's cut is fine, many are not
        for number in range(rng.randint(4, 10)):
            lines.append(b"@misc{fuzzbomb%d, title = fz%d # fz1, author = {A. Author}}" % (number, depth))
    else:
        fields = b"title = fz%d # fz1, note = fz%d, author = fz%d" % (depth, depth, depth // 2)
        lines.append(b"@misc{fuzzbomb, %s}" % fields)
    new = b"\n" + b"\n".join(lines) + b"\n"
    at = _line_boundary(rng, data)
    return Edit(at, at, new, f"insert a @string doubling chain of depth {depth} at {at}")


def _control(rng: random.Random, data: bytes, other: bytes) -> Edit:
    return _insert(rng, data, CONTROL, "control", most=4)


def _invalid_utf8(rng: random.Random, data: bytes, other: bytes) -> Edit:
    return _insert(rng, data, INVALID_UTF8, "invalid UTF-8", most=2)


def _bom(rng: random.Random, data: bytes, other: bytes) -> Edit:
    at = 0 if rng.random() < 0.6 else _line_boundary(rng, data)
    new = rng.choice(BOMS)
    return Edit(at, at, new, f"insert BOM {new!r} at {at}")


def _long_line(rng: random.Random, data: bytes, other: bytes) -> Edit:
    size = rng.choice((2_000, 20_000, 200_000, 200_000, 1_100_000))
    unit = rng.choice([b"x", b"word ", b"A. Author and ", b"\\'e", b"{", b"}", b"{x}", b"\\", b"$", b"@", b",", b'"'])
    new = unit * (size // len(unit))
    if unit == b"{" and rng.random() < 0.5:
        new += b"}" * len(new)  # deeply nested but balanced
    at = rng.choice((_position, _inside_value, _line_boundary))(rng, data)
    return Edit(at, at, new, f"insert {len(new)} bytes of {unit!r} at {at}")


def _at_line(rng: random.Random, data: bytes, other: bytes) -> Edit:
    at = _inside_value(rng, data) if rng.random() < 0.7 else _position(rng, data)
    new = rng.choice(AT_LINES)
    return Edit(at, at, new, f"insert {new!r} at {at}")


def _many_entries(rng: random.Random, data: bytes, other: bytes) -> Edit:
    # A file large enough to be read in halves and normalized by workers.
    copies = max(1_100_000 // max(len(data), 1), 1)
    at = len(data)
    return Edit(at, at, b"\n" + data * copies, f"append the file {copies} more times")


MUTATIONS: list[tuple[Callable[[random.Random, bytes, bytes], Edit], int]] = [
    (_delete_bytes, 10),
    (_duplicate_bytes, 6),
    (_insert_syntax, 10),
    (_insert_random, 4),
    (_drop_syntax, 12),
    (_add_syntax, 12),
    (_delete_lines, 6),
    (_duplicate_lines, 6),
    (_line_endings, 3),
    (_splice, 5),
    (_truncate, 4),
    (_string_chain, 2),
    (_control, 4),
    (_invalid_utf8, 5),
    (_bom, 3),
    (_long_line, 2),
    (_at_line, 8),
    (_many_entries, 0),  # see mutate(): rare, it is the slowest
]


ENCODINGS = [
    ("utf-16", b""),  # with a BOM, in this machine's byte order
    ("utf-16-le", b"\xff\xfe"),
    ("utf-16-be", b"\xfe\xff"),
    ("utf-16-le", b""),
    ("utf-16-be", b""),
    ("utf-32", b""),
    ("utf-8", b"\xef\xbb\xbf"),
]


def _transcode(rng: random.Random, data: bytes) -> Edit | None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if rng.random() < 0.3:
        ending = rng.choice(["\r\n", "\r"])
        new = text.replace("\r\n", "\n").replace("\n", ending).encode()
        return Edit(0, len(data), new, f"the whole file with {ending!r} line endings", same_text=True)
    codec, bom = rng.choice(ENCODINGS)
    return Edit(0, len(data), bom + text.encode(codec), f"the whole file in {codec}, BOM {bom!r}", same_text=True)


def mutate(rng: random.Random, data: bytes, other: bytes) -> list[Edit]:
    """One to three edits of ``data`` that do not overlap; ``other`` is
    another corpus file for splicing."""
    if rng.random() < 0.004:
        return [_many_entries(rng, data, other)]
    if rng.random() < 0.03:
        whole = _transcode(rng, data)
        if whole is not None:
            return [whole]
    operators, weights = zip(*MUTATIONS, strict=True)
    edits: list[Edit] = []
    for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
        edit = rng.choices(operators, weights)[0](rng, data, other)
        if not any(_overlap(edit, done) for done in edits):
            edits.append(edit)
    return edits


# ------------------------------------------------------------------ running


@dataclass
class Outcome:
    status: int | None  # None: killed (timed out, or a signal)
    stdout: bytes
    stderr: bytes
    seconds: float
    how: str
    note: str = ""
    max_rss_kb: int = 0  # the run's peak resident memory (forked runs only)
    start_rss_kb: int = 0  # what it held when forked, shared with the test process


def _limit_memory(limit: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def run_subprocess(path: str, cwd: str) -> Outcome:
    """``python -m bib2pubs PATH OPTIONS`` in a process of its own."""
    start = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bib2pubs", path, *OPTIONS],
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=TIMEOUT,
            preexec_fn=lambda: _limit_memory(MEMORY),
            check=False,
        )
    except subprocess.TimeoutExpired as expired:
        return Outcome(None, expired.stdout or b"", expired.stderr or b"", TIMEOUT, "subprocess", "timed out")
    outcome = Outcome(done.returncode, done.stdout, done.stderr, time.monotonic() - start, "subprocess")
    if done.returncode < 0:
        outcome.status, outcome.note = None, f"killed by signal {-done.returncode}"
    return outcome


def _statm() -> tuple[int, int]:
    """This process's address space and resident memory, in bytes."""
    with open("/proc/self/statm") as statm:
        size, resident = statm.read().split()[:2]
    return int(size) * resource.getpagesize(), int(resident) * resource.getpagesize()


def run_forked(path: str, cwd: str) -> Outcome:
    """The command's own entry point (what ``python -m bib2pubs`` calls) in
    a forked copy of this process: bib2pubs is imported once, and each run
    still has its own process, time and memory limit, and exit status."""
    space, resident = _statm()
    limit = space + MEMORY  # what this process holds already, plus the allowance
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            _child(path, cwd, out.fileno(), err.fileno(), limit)
        status, usage, note = _wait(pid)
        seconds = time.monotonic() - start
        out.seek(0)
        err.seek(0)
        outcome = Outcome(status, out.read(), err.read(), seconds, "fork", note)
    outcome.max_rss_kb, outcome.start_rss_kb = usage, resident // 1024
    return outcome


def _child(path: str, cwd: str, out: int, err: int, limit: int) -> None:  # pragma: no cover
    try:
        import faulthandler

        faulthandler.disable()  # a crash is seen in the exit status, not on the test runner's stderr
        os.chdir(cwd)
        _limit_memory(limit)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.alarm(TIMEOUT)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(out, 1)
        os.dup2(err, 2)
        # The streams a fresh interpreter has on pipes.
        sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding="utf-8")
        sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8")
        sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding="utf-8", errors="backslashreplace")
        sys.argv = ["bib2pubs", path, *OPTIONS]
        from bib2pubs.cli.entry import main  # as the console command runs

        main()  # ends the process
    except BaseException as error:  # noqa: BLE001 - reported through the exit status
        os.write(2, f"fuzz runner: {error!r}\n".encode())
    os._exit(71)


def _wait(pid: int) -> tuple[int | None, int, str]:
    deadline = time.monotonic() + TIMEOUT + 5
    pidfd = os.pidfd_open(pid) if hasattr(os, "pidfd_open") else None
    try:
        while True:
            done, status, usage = os.wait4(pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() > deadline:  # the alarm did not end it
                os.kill(pid, signal.SIGKILL)
                _, status, usage = os.wait4(pid, 0)
                return None, usage.ru_maxrss, "timed out (killed)"
            if pidfd is not None:
                select.select([pidfd], [], [], 1.0)
            else:
                time.sleep(0.005)
    finally:
        if pidfd is not None:
            os.close(pidfd)
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        why = "timed out" if number == signal.SIGALRM else f"killed by signal {number}"
        return None, usage.ru_maxrss, why
    return os.WEXITSTATUS(status), usage.ru_maxrss, ""


# ------------------------------------------------------------------- checks


@dataclass
class Baseline:
    """What the unmutated file gives: the keys listed and where their
    entries start (line numbers, 1-based, from the JSON's source)."""

    status: int | None
    starts: dict[str, int] = field(default_factory=dict)


def listed(stdout: bytes) -> list[tuple[str, int]]:
    """(key, line) of every entry in a JSON listing."""
    model = json.loads(stdout)
    return [(entry["key"], entry["source"]["line"] or 0) for group in model["groups"] for entry in group["entries"]]


def baseline(outcome: Outcome) -> Baseline:
    result = Baseline(outcome.status)
    if outcome.status == 0:
        for key, line in listed(outcome.stdout):
            result.starts.setdefault(key, line)
    return result


def untouched(original: bytes, base: Baseline, edits: Sequence[Edit]) -> list[str]:
    """Keys of listed entries whose text no edit changed or touched.

    An entry's text runs from the start of its first line to the start of
    the next listed entry's line (or the end), so what lies between (a
    comment, a ``@string``, an entry not listed) counts as the entry's.
    """
    starts = _line_starts(original)
    lines = sorted({line for line in base.starts.values() if 1 <= line <= len(starts)})
    spans: dict[int, tuple[int, int]] = {}
    for index, line in enumerate(lines):
        end = starts[lines[index + 1] - 1] if index + 1 < len(lines) else len(original)
        spans[line] = (starts[line - 1], end)
    keys = []
    for key, line in base.starts.items():
        if line not in spans or (re.fullmatch(r"unnamed-[0-9]+", key) and key.encode() not in original):
            # A keyless entry is named by its rank among keyless entries,
            # so an edit before it that adds or removes one renames it.
            continue
        lo, hi = spans[line]
        # Beside counts as touched: an edit ending where the entry starts
        # (or starting where it ends) may join with it.
        if all(edit.same_text or edit.hi < lo - 1 or edit.lo > hi for edit in edits):
            keys.append(key)
    return keys


CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def diagnostic_pattern(path: str) -> re.Pattern[str]:
    return re.compile(re.escape(path) + r":[1-9][0-9]*: (?:error|warning): \S.*")


# Lines on stderr that are not about one place in the file, each allowed
# only in the form given here:
SUMMARIES = [
    # Nothing could be read: the run fails (exit 1) after the diagnostics
    # saying why; the line names the file, and there is no line to name.
    (r"bib2pubs: error: no entry could be read from {path}", 1),
    # Entries were read but none is listed (every one only serves
    # cross-references); the JSON is still written (exit 0).
    (r"bib2pubs: warning: no entry is left after the selection", 0),
]


def names(diagnostic: str, key: str) -> bool:
    """Whether a diagnostic (without its file name) names the entry ``key``:
    as the entry it is about (``:12: error: KEY: …``) or in its message as a
    word of its own (``… swallows 'KEY'``, ``… KEY.``, ``@article{KEY``)."""
    before = r"(?:^|(?<=[\s'\"‘’“”(\[{,]))"
    after = r"(?=$|[\s'\"‘’“”)\],;]|[:.](?:\s|$))"
    return re.search(before + re.escape(key) + after, diagnostic.split(": ", 2)[-1]) is not None


def last_line(data: bytes) -> int:
    """The highest line number a diagnostic on ``data`` may give, whatever
    counts as a line break (``\n``, ``\r``, or any that Python knows)."""
    text = data.decode("utf-8", "replace")
    return max(len(text.splitlines()), data.count(b"\n") + data.count(b"\r")) + 1


def check(outcome: Outcome, path: str, data: bytes, base: Baseline, keep: Sequence[str]) -> list[str]:
    """What is wrong with a run of the mutated file ``data``, as '[class]
    detail' strings."""
    size = len(data)
    problems = []
    stderr = outcome.stderr.decode("utf-8", "replace")
    if outcome.status is None:
        problems.append(f"[killed] {outcome.note} after {outcome.seconds:.1f} s")
    elif outcome.status not in (0, 1, 2):
        problems.append(f"[exit] exit status {outcome.status}")
    elif outcome.seconds > SLOW:
        problems.append(f"[slow] {outcome.seconds:.1f} s")
    if outcome.max_rss_kb and outcome.max_rss_kb - outcome.start_rss_kb > GROWTH:
        problems.append(f"[memory] resident memory grew by {(outcome.max_rss_kb - outcome.start_rss_kb) >> 10} MiB")
    if "Traceback" in stderr:
        problems.append("[traceback] a traceback on stderr")
    if "internal error" in stderr:
        problems.append("[internal] an internal error on stderr")
    pattern = diagnostic_pattern(path)
    summaries = [(re.compile(text.format(path=re.escape(path))), status) for text, status in SUMMARIES]
    # Lines as a terminal shows them: only "\n" ends one; a "\r" or another
    # control character inside would let the rest hide the file:line: part.
    lines = stderr.split("\n")
    if lines[-1] == "":  # after the last line's "\n", or no output at all
        lines.pop()
    last = last_line(data)
    for line in lines if outcome.status is not None else ():
        if pattern.fullmatch(line) and not CONTROL_CHARACTER.search(line):
            number = int(line[len(path) + 1 :].split(":", 1)[0])
            if number > last:
                problems.append(f"[line] a diagnostic past the end of the file: {line[:300]!r}")
                break
            continue
        if any(regex.fullmatch(line) and outcome.status == status for regex, status in summaries):
            continue
        problems.append(f"[form] a stderr line not in the file:line: form: {line[:300]!r}")
        break
    if len(outcome.stdout) > AMPLIFICATION * size + ONE_FIELD:
        problems.append(f"[memory] {len(outcome.stdout) >> 20} MiB of output from {size} bytes of input")
    keys: set[str] = set()
    if outcome.status == 0:
        try:
            keys = {key for key, _ in listed(outcome.stdout)}
        except (ValueError, KeyError, TypeError) as error:
            problems.append(f"[json] exit 0 but no JSON listing on stdout: {error}")
    elif outcome.status is not None and outcome.stdout.strip():
        problems.append(f"[output] exit {outcome.status} with output on stdout: {outcome.stdout[:200]!r}")
    if outcome.status is not None:
        diagnostics = [line[len(path) :] for line in lines if pattern.fullmatch(line)]
        for key in keep:
            if key not in keys and not any(names(line, key) for line in diagnostics):
                problems.append(f"[dropped] entry '{key}' (untouched) is neither listed nor named on stderr")
    return problems
