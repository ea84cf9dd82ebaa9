"""Work shared among processes gives exactly what one process gives: a
large file's halves read at once. Sizes are lowered here so that small
files take the shared path; each check also proves the shared path was
taken, or why it was declined."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import InitVar, dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bib2pubs import Listing, NothingReadError, Options, parallel, pipeline
from bib2pubs.normalize import Normalized, Normalizer
from bib2pubs.pipeline import build_listing
from bib2pubs.read import two_processes
from bib2pubs.read.bibtex import RawEntry
from bib2pubs.read.source import Source, decode
from bib2pubs.venues.table import builtin_table
from tests.conftest import CORPUS, REFS

pytestmark = pytest.mark.skipif(not parallel._can_fork(), reason="workers are forked on Linux only")

HOMEPAGES = sorted((CORPUS / "homepages").rglob("*.bib"))
OPTIONS = [Options(), Options(highlights=("Jan de Leeuw",), strict=True), Options(highlights_as=(("x", "Jin, Chao"),))]


def _source(path: Path) -> Source:
    return Source(str(path), decode(path.read_bytes(), str(path))[0])


def _alone(sources: list[Source], options: Options, monkeypatch: pytest.MonkeyPatch) -> Listing:
    with monkeypatch.context() as patch:
        patch.setenv("BIB2PUBS_JOBS", "1")
        return build_listing(sources, options)


@pytest.fixture
def shared(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file large enough to be read in halves."""
    monkeypatch.setenv("BIB2PUBS_JOBS", "2")
    monkeypatch.setattr(parallel, "MIN_TEXT", 0)


@pytest.mark.parametrize("path", [REFS, *HOMEPAGES], ids=lambda path: path.parent.name)
def test_a_file_read_in_halves_gives_what_one_reading_gives(
    path: Path, shared: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _source(path)
    for options in OPTIONS:
        try:
            alone = _alone([source], options, monkeypatch)
        except NothingReadError:
            return
        assert build_listing([source], options) == alone


def _normalize(entries: Sequence[RawEntry], containers: frozenset[str]) -> Normalized:
    """The normalizing stage as the pipeline hands it to ``read_in_halves``."""
    return Normalizer((), "full", builtin_table(), containers=containers).all(entries)


def _taken(text: str) -> bool:
    return two_processes.read_in_halves(Source("x.bib", text), _normalize) is not None


ENTRY = (
    "@article{{k{n}, author = {{Jin, Chao and Lee, Ana}}, title = {{Paper {n}}}, journal = {{TPDS}}, year = {year}}}\n"
)


def _entries(first: int, count: int) -> str:
    return "".join(ENTRY.format(n=n, year=2000 + n % 25) for n in range(first, first + count))


# Each case: a file, and whether halves can be trusted with it. Whatever
# the answer, the listing is the one a single reading gives.
TPDS_MACRO = _entries(0, 40).replace("{TPDS}", "tp")


def _nested(depth: int) -> str:
    """A macro's value ("\\l{a}{\\l{a}{…{end}…}}") whose braces nest ``depth`` deep."""
    return "".join("\\l{a}{" for _ in range(depth - 1)) + "{end}" + "}" * (depth - 1)


WRAP = "@misc{wrap, title = {" + "S" * 400 + "\n@misc{inner, title = {I}}\nend}}\n"
CASES = {
    "plain": (_entries(0, 40), True),
    "macros at the top": ("@string{tp = {TPDS}}\n@string{x = tp # { 2}}\n" + TPDS_MACRO, True),
    "a macro defined in the second half": (
        _entries(0, 30) + "@string{late = {Late}}\n" + _entries(30, 10).replace("{TPDS}", "late"),
        True,
    ),
    "a macro the quick scan cannot read": ("@string(tp = {TPDS})\n" + TPDS_MACRO, False),
    # Localised place names nest their commands eight deep.
    "a macro nested deep": ("@string{tp = {" + _nested(8) + "}}\n" + TPDS_MACRO, True),
    "a macro nested as deep as the scan follows": ("@string{tp = {" + _nested(12) + "}}\n" + TPDS_MACRO, True),
    "a quoted macro nested as deep": ('@string{tp = "' + _nested(12) + '"}\n' + TPDS_MACRO, True),
    "a macro nested deeper than the scan follows": ("@string{tp = {" + _nested(13) + "}}\n" + TPDS_MACRO, False),
    "an @string inside a comment": ("@comment{ @string{ghost = {X}} }\n" + _entries(0, 40), False),
    "an entry left open before the cut": (_entries(0, 20) + "@misc{open, title = {Open}\n" + _entries(20, 20), None),
    # The middle falls in a value holding a line that looks like an entry:
    # cut there, the first half would end inside the value.
    "a cut inside a value": (_entries(0, 20) + WRAP + _entries(20, 20), False),
    "a key in both halves": (_entries(0, 20) + _entries(0, 20), False),
    # A comment, or a value holding pasted entries, running on past the cut.
    "a comment across the cut": (
        _entries(0, 10) + "@comment{\n" + _entries(100, 120) + "}\n" + _entries(10, 20),
        False,
    ),
    "pasted entries across the cut": (
        _entries(0, 10)
        + "@misc{wrap, title = {Start\n@misc(in1, title = {I})\n"
        + "x" * 3000
        + "\n@misc(in2, title = {J})\nend}}\n"
        + _entries(10, 20),
        False,
    ),
    "entries without keys in both halves": ("@misc{title = {A}}\n" + _entries(0, 40) + "@misc{title = {B}}\n", False),
    # Cross-references across the cut, each way: the entries they touch
    # are normalized last, with all they inherit.
    "a cross-reference to the first half": (
        "@proceedings{p, title = {P}, year = 2001, editor = {Ed, A}}\n"
        + _entries(0, 40)
        + "@inproceedings{c, crossref = {p}, title = {C}, author = {Jin, Chao}}\n",
        True,
    ),
    "a cross-reference to the second half": (
        "@inproceedings{c, crossref = { P }, title = {C}, author = {Jin, Chao}}\n"
        + _entries(0, 40)
        + "@proceedings{p, title = {P}, year = 2001, publisher = {Pub}}\n",
        True,
    ),
    "a chain across the cut": (
        "@inproceedings{c, crossref = {p}, title = {C}}\n@book{g, title = {G}, year = 1999, address = {Rome}}\n"
        + _entries(0, 40)
        + "@proceedings{p, crossref = {g}, title = {P}}\n",
        True,
    ),
    "a cycle across the cut": (
        "@misc{a, crossref = {b}, title = {A}}\n" + _entries(0, 40) + "@misc{b, crossref = {a}, title = {B}}\n",
        True,
    ),
    "an unknown cross-reference": (_entries(0, 40) + "@misc{c, crossref = {nowhere}, title = {C}}\n", True),
    "a cross-referenced entry with authors, amid others": (
        _entries(0, 20) + "@misc{c, crossref = {k30}, title = {C}}\n" + _entries(20, 20),
        True,
    ),
    "cross-references in both halves": (
        "".join(
            f"@proceedings{{p{n}, title = {{P{n}}}, year = 2000}}\n"
            f"@inproceedings{{c{n}, crossref = {{p{39 - n}}}, title = {{C{n}}}, author = {{Lee, Ana}}}}\n"
            + _entries(n * 10, 1)
            for n in range(40)
        ),
        True,
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_what_halves_assume_is_checked(name: str, shared: None, monkeypatch: pytest.MonkeyPatch) -> None:
    # The cases are laid out around the middle of their text.
    monkeypatch.setattr(two_processes, "_middle", lambda text: len(text) // 2)
    text, trusted = CASES[name]
    if trusted is not None:
        assert _taken(text) is trusted
    sources = [Source("x.bib", text)]
    for options in OPTIONS:
        assert build_listing(sources, options) == _alone(sources, options, monkeypatch)


def test_a_highlight_typed_family_name_first_reads_the_file_once_more(
    shared: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = [Source("x.bib", _entries(0, 40))]
    options = Options(highlights=("Jin Chao",))
    listing = build_listing(sources, options)
    assert listing == _alone(sources, options, monkeypatch)
    assert any("read family name first" in d.message for d in listing.diagnostics)


def test_several_files_are_read_in_one_process(shared: None, monkeypatch: pytest.MonkeyPatch) -> None:
    # Halves are for a single file; entries already parsed are never sent
    # to a worker (parallel's docstring says why).
    for module in (parallel, two_processes):
        monkeypatch.setattr(module, "start", lambda task: pytest.fail("a worker was started"))
    sources = [_source(path) for path in HOMEPAGES[:3]]
    assert build_listing(sources, Options()) == _alone(sources, Options(), monkeypatch)


def test_a_worker_that_fails_is_replaced_by_the_main_process(shared: None, monkeypatch: pytest.MonkeyPatch) -> None:
    main = os.getpid()
    real = Normalizer.all

    def failing_in_workers(self: Normalizer, entries: Sequence[RawEntry]) -> Normalized:
        if os.getpid() != main:
            os._exit(3)
        return real(self, entries)

    monkeypatch.setattr(Normalizer, "all", failing_in_workers)
    sources = [Source("x.bib", _entries(0, 40))]
    assert build_listing(sources, Options()) == _alone(sources, Options(), monkeypatch)


@pytest.mark.parametrize(
    ("before", "clean"),
    [
        ("@misc{a, title = {A}}\n", True),
        ("@misc{a, title = {A}}\n@misc{b, title = {B}\n", True),  # left open, ends at the next entry either way
        # A value left open is broken, and reading goes on at the entry it
        # ran over, which starts at the cut: one reading does the same.
        ("@misc{a, title = {A\n", True),
        ('@misc{a, title = "A\n', True),
        ("@misc{a, title = {A}}\n@misc b\n", True),  # a slip, reported alike either way
        ("@comment{\n", False),  # a comment that closes after the cut
    ],
)
def test_reading_a_first_half_stops_cleanly_only_at_the_top_level(before: str, clean: bool) -> None:
    from bib2pubs.read.bibtex import parse_part

    text = before + "@misc{c, title = {C}}\n}\n"
    assert parse_part(text, "x.bib", {}, stop=len(before)).clean_end is clean


def test_no_worker_where_the_system_reaps_children(shared: None, monkeypatch: pytest.MonkeyPatch) -> None:
    import signal

    previous = signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    try:
        assert parallel.allowed(parallel.MIN_TEXT) == 1
        sources = [Source("x.bib", _entries(0, 40))]
        assert build_listing(sources, Options()) == _alone(sources, Options(), monkeypatch)
    finally:
        signal.signal(signal.SIGCHLD, previous)


def test_a_first_half_that_fails_leaves_no_worker_behind(shared: None, monkeypatch: pytest.MonkeyPatch) -> None:
    main = os.getpid()
    real = two_processes.parse_part

    def failing_here(*args: Any, **kwargs: Any) -> Any:
        if os.getpid() == main:
            raise KeyboardInterrupt  # as Ctrl-C while the first half is read
        return real(*args, **kwargs)

    monkeypatch.setattr(two_processes, "parse_part", failing_here)
    with pytest.raises(KeyboardInterrupt):
        build_listing([Source("x.bib", _entries(0, 2000))], Options())
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # every worker was reaped


LARGE = parallel.DEFAULT_MIN_TEXT


@pytest.mark.parametrize(
    ("wanted", "size", "cores", "processes"),
    [
        # By default, two only for a file of seconds' work, on two cores.
        (None, LARGE, 2, 2),
        (None, LARGE, 1, 1),
        (None, LARGE - 1, 2, 1),
        ("", LARGE, 4, 2),
        ("auto", LARGE, 2, 2),
        ("auto", parallel.MIN_TEXT, 2, 1),
        # As asked, from the smallest file worth cutting, cores or not.
        ("1", LARGE, 2, 1),
        ("0", LARGE, 2, 1),
        ("2", parallel.MIN_TEXT, 1, 2),
        ("2", parallel.MIN_TEXT - 1, 2, 1),
        ("8", LARGE, 2, 8),
        # Past what int() reads (4,300 digits): as many as one could ask for.
        ("9" * 5000, LARGE, 2, 2),
        ("0" * 5000 + "1", LARGE, 2, 1),
    ],
    ids=lambda value: value[:12] if isinstance(value, str) else None,
)
def test_work_is_shared_only_where_it_pays_or_as_asked(
    monkeypatch: pytest.MonkeyPatch, wanted: str | None, size: int, cores: int, processes: int
) -> None:
    """A second process saves 31% of the wall time for 13% more CPU time:
    by default only where a run takes seconds."""
    if wanted is None:
        monkeypatch.delenv("BIB2PUBS_JOBS", raising=False)
    else:
        monkeypatch.setenv("BIB2PUBS_JOBS", wanted)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cores)))
    assert parallel.allowed(size) == processes
    assert parallel.allowed(size, by_default=False) == (processes if wanted and wanted.isdigit() else 1)


def test_a_large_file_is_read_in_one_process_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BIB2PUBS_JOBS", raising=False)
    for module in (parallel, two_processes):
        monkeypatch.setattr(module, "start", lambda task: pytest.fail("a worker was started"))
    text = "".join(f"@misc{{k{n}, title = {{Title {n} {'x' * 200}}}, year = 2020}}\n" for n in range(5000))
    listing = build_listing([Source("big.bib", text)], Options())
    assert listing.entries_read == 5000


@pytest.mark.parametrize("command_line", [True, False], ids=["the command line", "the library"])
def test_a_file_of_seconds_work_is_read_in_two_processes_by_the_command_line(
    command_line: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A program calling the library gets no fork it did not ask for."""
    monkeypatch.delenv("BIB2PUBS_JOBS", raising=False)
    monkeypatch.setattr(pipeline, "_one_run", command_line)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    text = _entries(0, 2000)
    monkeypatch.setattr(parallel, "DEFAULT_MIN_TEXT", len(text))
    monkeypatch.setattr(parallel, "MIN_TEXT", len(text))
    started = []
    real = two_processes.start

    def counted(task: Any) -> Any:
        started.append(task)
        return real(task)

    monkeypatch.setattr(two_processes, "start", counted)
    sources = [Source("big.bib", text)]
    assert build_listing(sources, Options()) == _alone(sources, Options(), monkeypatch)
    assert len(started) == (1 if command_line else 0)


@pytest.mark.parametrize("path", [REFS, *HOMEPAGES[:8]], ids=lambda path: path.name)
def test_what_a_worker_sends_back_unpickles_as_itself(path: Path) -> None:
    """Publications, people, venues and diagnostics (frozen dataclasses,
    slotted or not), and entries as read, as ``start`` sends them."""
    import pickle

    from bib2pubs.read.bibtex import parse_text
    from bib2pubs.venues.table import builtin_table

    bibliography = parse_text(_source(path).text, path.name)
    normalized = Normalizer((), "full", builtin_table()).all(bibliography.entries)
    assert normalized[0]
    for result in (normalized, bibliography):
        assert pickle.loads(parallel.dumps(result)) == result


def test_a_frozen_slotted_dataclass_is_sent_as_its_class_and_fields() -> None:
    """As compiled frozen classes must be: pickle's default would set each
    field on a bare object, which a compiled frozen class refuses."""
    import pickle
    import pickletools

    from bib2pubs.model import Diagnostic

    diagnostic = Diagnostic("a.bib", 3, "k", "warning", "odd")
    data = parallel.dumps([diagnostic])
    assert pickle.loads(data) == [diagnostic]
    opcodes = {opcode.name for opcode, _, _ in pickletools.genops(data)}
    assert "BUILD" not in opcodes  # no state set after construction: made by the class itself


@dataclass(frozen=True, slots=True)
class _Derived:
    given: int
    twice: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "twice", self.given * 2)


@dataclass(frozen=True, slots=True)
class _Checked:
    value: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", self.value + 1)  # made again from its fields, it would count twice


@dataclass(frozen=True, slots=True, kw_only=True)
class _Named:
    value: int = 0


@dataclass(frozen=True, slots=True)
class _WithInitVar:
    value: int
    scale: InitVar[int] = 1

    def __post_init__(self, scale: int) -> None:
        object.__setattr__(self, "value", self.value * scale)


@dataclass(slots=True)
class _Open:
    value: list[int]


@pytest.mark.parametrize(
    "value",
    [_Derived(3), _Checked(1), _Named(value=4), _WithInitVar(5, 2), _Open([1])],
    ids=["init-false", "post-init", "kw-only", "initvar", "not-frozen"],
)
def test_a_dataclass_its_fields_cannot_make_again_is_pickled_as_pickle_does(value: object) -> None:
    import pickle

    assert parallel.dumps([value]) == pickle.dumps([value], protocol=pickle.HIGHEST_PROTOCOL)
    assert pickle.loads(parallel.dumps(value)) == value


def test_entries_left_for_the_end_are_sent_back_without_the_text() -> None:
    """Their field lines are counted before they are sent: counted when
    asked, they would carry the whole half's text with them."""
    from bib2pubs.read.bibtex import parse_text

    text = "@misc{a, crossref = {b}, title = {A}}\n@misc{b, title = {B}}\n@misc{c, title = {C}}\n"
    entries = parse_text(text, "x.bib").entries
    runs = two_processes._runs(entries, _normalize, frozenset({"b"}))
    assert [(later, [entry.key for entry in left]) for later, left, _, _, _ in runs] == [
        (True, ["a", "b"]),
        (False, []),
    ]
    assert [entry.field_lines for entry in runs[0][1]] == [{"crossref": 1, "title": 1}, {"title": 2}]
    assert b"@misc" not in parallel.dumps(runs)


@pytest.mark.parametrize(("strings", "spelled"), [(0, "string"), (5000, "string"), (5000, "String"), (5000, "STRING")])
def test_the_cut_shares_out_entries_not_characters(strings: int, spelled: str) -> None:
    """A block of ``@string`` commands or long entries weighs in characters,
    not in work: the cut leaves this process its share of the entries."""
    macros = "".join(f"@{spelled}{{m{n} = {{Macro {n}}}}}\n" for n in range(strings))
    short = "".join(f"@misc{{s{n}, title = {{S}}}}\n" for n in range(3000))
    long = "".join(f"@misc{{l{n}, abstract = {{{'A' * 2000}}}}}\n" for n in range(1000))
    text = macros + short + long
    before = text[: two_processes._middle(text)]
    share = (before.count("\n@misc")) / 4000
    assert abs(share - two_processes._FIRST_SHARE) < 0.02


def _open_descriptors() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


@pytest.mark.parametrize("fails", ["nowhere", "before telling", "after telling", "here"])
def test_no_pipe_is_left_open_whatever_fails(fails: str, shared: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every end of the pipes the halves talk through is closed, once
    (its number may go to another file once it is)."""
    main = os.getpid()
    real_parse, real_runs = two_processes.parse_part, two_processes._runs

    def parse(*args: Any, **kwargs: Any) -> Any:
        if fails == "before telling" and os.getpid() != main:
            os._exit(3)
        if fails == "here" and os.getpid() == main:
            raise KeyboardInterrupt
        return real_parse(*args, **kwargs)

    def runs(*args: Any) -> Any:
        if fails == "after telling" and os.getpid() != main:
            os._exit(3)
        return real_runs(*args)

    monkeypatch.setattr(two_processes, "parse_part", parse)
    monkeypatch.setattr(two_processes, "_runs", runs)
    sources = [Source("x.bib", _entries(0, 400))]
    before = _open_descriptors()
    if fails == "here":
        with pytest.raises(KeyboardInterrupt):
            build_listing(sources, Options())
    else:
        assert build_listing(sources, Options()) == _alone(sources, Options(), monkeypatch)
    assert _open_descriptors() == before


def test_entries_left_for_the_end_keep_their_runs_in_order() -> None:
    from bib2pubs.read.bibtex import parse_text

    left = {"a", "b", "d", "e", "f"}
    text = "".join(
        f"@misc{{{key}, title = {{T}}" + (", crossref = {p}" if key in left else "") + "}\n" for key in "abcdefg"
    )
    runs = two_processes._runs(parse_text(text, "x.bib").entries, _normalize, frozenset({"p"}))
    shape = [
        (later, [entry.key for entry in entries], [pub.key for pub in pubs]) for later, entries, pubs, _, _ in runs
    ]
    assert shape == [(True, ["a", "b"], []), (False, [], ["c"]), (True, ["d", "e", "f"], []), (False, [], ["g"])]


_DIES_AFTER_TELLING = """
import os, signal, sys, time
signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # as the command line sets it
os.environ["BIB2PUBS_JOBS"] = "2"
from bib2pubs import Options, parallel
from bib2pubs.pipeline import build_listing
from bib2pubs.read.source import Source
parallel.MIN_TEXT = 0
main = os.getpid()
real_in_worker, real_send = parallel.Exchange.in_worker, parallel._send_unsignalled

def in_worker(self, sent):
    parallel._send(self._taken(self._to_main[1]), sent)
    os._exit(3)  # killed for memory, say, before it hears back

def send(end, message):
    time.sleep(0.3)  # the worker is gone by now
    real_send(end, message)

parallel.Exchange.in_worker, parallel._send_unsignalled = in_worker, send
text = "".join(f"@misc{{k{n}, title = {{T{n}}}, year = 2020}}\\n" for n in range(200))
halves = build_listing([Source("x.bib", text)], Options())
os.environ["BIB2PUBS_JOBS"] = "1"
assert halves == build_listing([Source("x.bib", text)], Options())
print("ok", halves.entries_read)
"""


def test_a_worker_gone_before_it_hears_back_leaves_the_work_here() -> None:
    """Writing to it does not end the run, whose SIGPIPE is the default
    (the command line's, for ``| head``)."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    run = subprocess.run([sys.executable, "-c", _DIES_AFTER_TELLING], cwd=ROOT, capture_output=True, text=True)
    assert (run.returncode, run.stdout) == (0, "ok 200\n"), run.stderr


_DIES_WHILE_WRITING = """
import os, sys
os.environ["BIB2PUBS_JOBS"] = "2"
from bib2pubs import Options, parallel
from bib2pubs.pipeline import build_listing
from bib2pubs.read.source import Source
parallel.MIN_TEXT = 0
real_write = parallel._Written.write

def write(self, data):
    if self.size:  # its first part told, the worker ends as if it were done
        os.write(int(sys.argv[1]), b"gone")
        os._exit(0)  # success, as far as its status tells: only the result cut short gives it away
    return real_write(self, data)

parallel._Written.write = write
reading, writing = os.pipe()
sys.argv[1:] = [str(writing)]
text = "".join(f"@misc{{k{n}, title = {{T{n} {'x' * 300}}}, year = 2020}}\\n" for n in range(2000))
before = len(os.listdir("/proc/self/fd"))
halves = build_listing([Source("x.bib", text)], Options())
os.close(writing)
assert os.read(reading, 10) == b"gone"  # the worker had begun writing its result
assert len(os.listdir("/proc/self/fd")) == before - 1  # nothing of the worker's left open
try:
    os.waitpid(-1, os.WNOHANG)
    raise AssertionError("a worker is left behind")
except ChildProcessError:
    pass  # none: it was reaped
os.environ["BIB2PUBS_JOBS"] = "1"
assert halves == build_listing([Source("x.bib", text)], Options())
print("ok", halves.entries_read)
"""


def test_a_worker_gone_while_writing_its_result_leaves_the_work_here() -> None:
    """Its result is read as it is written: a result cut short is not
    taken, even from a worker whose status says it succeeded, and the
    file's second half is read here."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    run = subprocess.run([sys.executable, "-c", _DIES_WHILE_WRITING], cwd=ROOT, capture_output=True, text=True)
    assert (run.returncode, run.stdout) == (0, "ok 2000\n"), run.stderr


def test_a_full_pipe_does_not_hold_the_worker_back() -> None:
    """Each note tells all the worker has written so far: one the full pipe
    has no room for is left out and the worker goes on (this process, busy
    with its own half, reads no note yet); the last note waits for room."""
    import fcntl

    reader, writer = os.pipe()
    shared = os.memfd_create("result")
    try:
        fcntl.fcntl(writer, fcntl.F_SETPIPE_SZ, 4096)  # room for 512 notes
        written = parallel._Written(shared, writer)
        for _ in range(2000):  # would block on the 513th note if notes waited for room
            written.write(b"x" * 10)
        os.set_blocking(reader, False)
        told = os.read(reader, 1 << 16)
        assert 0 < len(told) < 2000 * 8 and len(told) % 8 == 0  # notes were left out
        written.told_all()
        last = int.from_bytes(os.read(reader, 8), "little")
        assert last == 20000 and os.pread(shared, last + 1, 0) == b"x" * 20000
    finally:
        for end in (reader, writer, shared):
            os.close(end)


_TAKEN_UNDER_SIGPIPE = """
import os, signal
signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # as the command line sets it
os.environ["BIB2PUBS_JOBS"] = "2"
from bib2pubs import parallel
from bib2pubs.read import two_processes
from bib2pubs.read.source import Source
from tests.test_parallel import _normalize, _entries
parallel.MIN_TEXT = 0
text = _entries(0, 60)
taken = [two_processes.read_in_halves(Source("x.bib", text), _normalize) is not None for _ in range(60)]
print(taken.count(True))
"""


def test_a_worker_is_never_lost_at_the_end_of_its_result() -> None:
    """The last note of a worker's result comes after the part it tells
    of: this process, with all it needs, still reads the pipe until the
    worker ends, so that the note never meets a closed pipe (SIGPIPE, the
    command line's default, would end the worker, and its result with it)."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    run = subprocess.run([sys.executable, "-c", _TAKEN_UNDER_SIGPIPE], cwd=ROOT, capture_output=True, text=True)
    assert (run.returncode, run.stdout) == (0, "60\n"), run.stderr
