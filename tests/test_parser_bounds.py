"""Reading stays bounded whatever a file holds. A long line costs what its
length does (an "@" once cost a look back to the start of its line), and
macros joined with "#" build at most ``values.MAX_VALUE`` characters a
value and ``values.join_budget`` in all, read at once or in two processes alike.

The pathological files run in a child process with a generous time limit
and a memory limit: a slip back to quadratic time or unbounded memory ends
it, where these files take a second or two."""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from bib2pubs import parallel
from bib2pubs.normalize import Normalized, Normalizer
from bib2pubs.pipeline import build_listing
from bib2pubs.read import entry_fields, two_processes, values
from bib2pubs.read.bibtex import Bibliography, RawEntry, parse_text
from bib2pubs.read.source import Source
from bib2pubs.read.values import Joiner, join_budget
from bib2pubs.venues.table import builtin_table
from tests.conftest import ROOT

TIME_LIMIT = 30  # seconds; each file takes a second or two (the 6 MB line took a minute)
MEMORY_LIMIT = 3 << 29  # 1.5 GiB of address space

# Each case: the file, built in the child, and what reading it gives: how
# many entries, the keys and lines of the first and the last, and the
# diagnostics, how many and the first.
_SUMMARY = """
import json, sys
from bib2pubs.read.bibtex import parse_text
text = {build}
result = parse_text(text, "x.bib")
entries, said = result.entries, result.diagnostics
ends = [(entry.key, entry.line) for entry in entries[:1] + entries[-1:]]
print(json.dumps([len(entries), ends, len(said), [str(d) for d in said[:1]]]))
"""
LONG_LINES = {
    "5 MB of '@'": ('"@" * 5_000_000', [0, [], 0, []]),
    "200,000 entries on one line": (
        '"".join(f"@misc{{k{n}, title = {{T{n}}}}} " for n in range(200_000)) + "\\n@misc{last, title = {L}}\\n"',
        [200_001, [["k0", 1], ["last", 2]], 0, []],
    ),
    "80,000 entries on one line, each left open": (
        '"".join(f"@misc{{k{n}, title = {{T{n} " for n in range(80_000))',
        [0, [], 80_000, ["x.bib:1: error: k0: unbalanced braces in field 'title'; entry skipped"]],
    ),
    # Unclosed, a comment is only the word "@comment": the entry after them is read.
    "500,000 comments left open": (
        '"@comment{" * 500_000 + "\\n@misc{k, title = {T}}"',
        [1, [["k", 2], ["k", 2]], 0, []],
    ),
    "40,000 stray fields on one line": (
        '"".join(f"@misc{{k{n}, t = {{x}}}}, f = {{" for n in range(40_000))',
        [
            40_000,
            [["k0", 1], ["k39999", 1]],
            40_000,
            ["x.bib:1: warning: k0: text after the entry looks like fields; a stray '}'?"],
        ],
    ),
    # The fast path, tried after each comma, read the rest of the run each
    # time: 40,000 commas took 10 s, 200,000 over a minute.
    "200,000 commas after a key": (
        '"@misc{a," + "," * 200_000 + "}\\n@misc(b," + ", " * 200_000 + "\\n)\\n@misc{c, title = {C}}\\n"',
        [3, [["a", 1], ["c", 4]], 0, []],
    ),
    "a value of 300,000 parts": (
        '"@string{a = {x}}\\n@misc{k, title = {@} # " + "a # " * 300_000 + "a}"',
        [1, [["k", 2], ["k", 2]], 0, []],
    ),
}


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _run(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT,
        preexec_fn=_limited,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        check=False,
    )


@pytest.mark.parametrize(("build", "expected"), LONG_LINES.values(), ids=list(LONG_LINES))
def test_long_lines_are_read_in_time_that_grows_with_their_length(build: str, expected: list[object]) -> None:
    done = _run(["-c", _SUMMARY.format(build=build)])
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == expected


def _doubling(count: int) -> str:
    """Macros each twice the one before: the last would be 2**(count + 1) long."""
    return '@string{m0 = "xx"}\n' + "".join(f"@string{{m{n + 1} = m{n} # m{n}}}\n" for n in range(count))


@pytest.mark.parametrize("jobs", ["1", "2"], ids=["at once", "in halves"])
def test_macros_that_double_a_file_over_1mb_stay_within_memory(jobs: str, tmp_path: Path) -> None:
    # The file is large enough to be read in halves with two processes:
    # their quick reading of the macros once built them without a limit
    # (22.7 GB, until the system killed the run).
    entries = "".join(
        f"@misc{{k{n}, author = {{Jin, Chao}}, title = {{Paper {n}}} # m60, year = {2000 + n % 25}}}\n"
        for n in range(16_000)
    )
    path = tmp_path / "doubling.bib"
    path.write_text(_doubling(60) + entries, encoding="utf-8")
    assert path.stat().st_size > parallel.MIN_TEXT
    out = tmp_path / "out.txt"
    done = _run(["-m", "bib2pubs", str(path), "-f", "text", "-o", str(out)], {"BIB2PUBS_JOBS": jobs})
    assert done.returncode == 0, done.stderr[-2000:]
    said = done.stderr.splitlines()
    budget = join_budget(len(path.read_text(encoding="utf-8")))
    spent = f"all that is left of the {budget:,} this file may build; cut"
    # m1 to m22 take 2**24 - 4 characters in all; m23 has the rest.
    assert (
        said[0]
        == f"{path}:24: warning: @string m23 grows past {budget - 2**24 + 4:,} characters through macros, {spent}"
    )
    # The text each entry was written in is kept, what the macros add is cut.
    assert [line for line in said if ": k0: " in line] == [
        f"{path}:62: warning: k0: field 'title' grows past 15 characters through macros, {spent}"
    ]
    listed = out.read_text(encoding="utf-8")
    assert {"Paper 0xxxxxxxx", "Paper 15999xxxxxxxx"} <= set(listed.splitlines())


def _careful(text: str) -> Bibliography:
    """``text`` parsed with the one-match field reader switched off."""
    with pytest.MonkeyPatch.context() as patch:
        never = re.compile("(?!)")
        patch.setattr(entry_fields, "_FAST_FIELD", {"}": never, ")": never})
        return parse_text(text, "x.bib")


@pytest.fixture
def small_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Limits small files reach: 1,000 characters a value, and in all that
    and one more per character of the file."""
    monkeypatch.setattr(values, "MAX_VALUE", 1000)
    monkeypatch.setattr(values, "JOINED_PER_CHAR", 1)


def _entries(first: int, count: int, title: str = "{{Paper {n}}}") -> str:
    line = "@misc{{k{n}, author = {{Jin, Chao}}, title = " + title + ", year = 2020}}\n"
    return "".join(line.format(n=n) for n in range(first, first + count))


_MACROS = "@string{s = {S}}\n@string{t = {" + "x" * 100 + "}}\n"
_FIVE = " # ".join(["t"] * 5)  # 500 characters
_ELEVEN = " # ".join(["t"] * 11)  # 1,100
# Each file, whether its halves are trusted (each half's macros found by a
# quick reading), and which limit cuts values in it: a value's, or the one
# in all, spent by values of 500 characters from the 7th or 8th on.
CUTS = {
    "nothing cut": (_MACROS + _entries(0, 40, "s # {{{n}}}"), True, set()),
    "a value past its limit, in the first half": (_MACROS + _entries(0, 1, _ELEVEN) + _entries(1, 39), True, {"value"}),
    "a value past its limit, in the second half": (
        _MACROS + _entries(0, 39) + _entries(39, 1, _ELEVEN),
        True,
        {"value"},
    ),
    "values under the limit in all, in both halves": (
        _MACROS + _entries(0, 3, _FIVE) + _entries(3, 34) + _entries(37, 3, _FIVE),
        True,
        set(),
    ),
    "values past the limit in all, in the second half": (
        _MACROS + _entries(0, 20) + _entries(20, 20, _FIVE),
        False,
        {"all"},
    ),
    # Each half stays under the limit; together they pass it.
    "values past the limit in all, only together": (
        _MACROS + _entries(0, 6, _FIVE) + _entries(6, 28) + _entries(34, 6, _FIVE),
        False,
        {"all"},
    ),
    "macros that double": (_doubling(30) + _entries(0, 40), False, {"value", "all"}),
}


def _normalize(entries: Sequence[RawEntry], containers: frozenset[str]) -> Normalized:
    """The normalizing stage as the pipeline hands it to ``read_in_halves``."""
    return Normalizer((), "full", builtin_table(), containers=containers).all(entries)


@pytest.mark.parametrize(("text", "trusted", "limits"), CUTS.values(), ids=list(CUTS))
def test_values_are_cut_alike_at_once_and_in_halves(
    text: str, trusted: bool, limits: set[str], small_limits: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    read = parse_text(text, "x.bib")
    assert read == _careful(text)
    cuts = {
        "all" if "all that is left" in d.message else "value" for d in read.diagnostics if "grows past" in d.message
    }
    assert cuts == limits
    sources = [Source("x.bib", text)]
    monkeypatch.setenv("BIB2PUBS_JOBS", "1")
    alone = build_listing(sources)
    assert alone.entries_read == 40
    monkeypatch.setenv("BIB2PUBS_JOBS", "2")
    monkeypatch.setattr(parallel, "MIN_TEXT", 0)
    assert (two_processes.read_in_halves(sources[0], _normalize) is not None) is trusted
    assert build_listing(sources) == alone


def test_the_quick_reading_of_macros_stops_at_the_limit(small_limits: None) -> None:
    # It once built them whole: 2**31 characters for 30 doublings.
    text = _doubling(30) + _entries(0, 40)
    assert two_processes._scanned_macros(text, len(text), Joiner(join_budget(len(text)))) is None
    fitting = _doubling(3) + _entries(0, 40)
    assert two_processes._scanned_macros(fitting, len(fitting), Joiner(join_budget(len(fitting)))) == {
        f"m{n}": "x" * 2 ** (n + 1) for n in range(4)
    }


def test_text_written_in_the_file_is_never_cut(small_limits: None) -> None:
    # Once the limit in all is spent, a value may still be as long as the
    # text it is written in: what the file itself says is never cut.
    long = "y" * 100
    text = _doubling(30) + "@string{big = {" + "x" * 2000 + "}}\n@misc{k, title = {" + long + "} # big # {z}}\n"
    result = parse_text(text, "x.bib")
    written = len("{" + long + "} # big # {z}")
    assert result.entries[0].fields["title"] == long + "x" * (written - len(long))
    budget = join_budget(len(text))
    assert str(result.diagnostics[-1]) == (
        f"x.bib:33: warning: k: field 'title' grows past {written} characters through macros, "
        f"all that is left of the {budget:,} this file may build; cut"
    )
