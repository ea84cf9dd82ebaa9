"""Fuzzing the command line with damaged copies of real files.

Each case takes a small file of tests/corpus, damages it (bytes and lines
deleted, copied or inserted; braces, quotes, commas, '@', '=' and '#'
dropped or added; another file spliced in; the end cut off; a @string
doubling chain; control characters, invalid UTF-8, a BOM; very long lines;
'@Word{' lines inside values; now and then the whole file re-encoded, or
copied until it is read in halves by several processes) and runs
``bib2pubs FILE -f json`` on it, with a time and a memory limit. Every run
must end with exit 0, 1 or 2, without a traceback, every line on stderr a
``file:line: level: message`` diagnostic (or one of two summaries), its
output not out of proportion to its input, and every entry the damage did
not touch listed or named by a diagnostic.

Seeded and bounded: 300 cases with a fixed seed by default, about 15 s on
two cores. ``BIB2PUBS_FUZZ_CASES=5000`` runs more, ``BIB2PUBS_FUZZ_SEED=N``
others; a failing case names its seed and number, the damage done, and the
damaged file, kept for a look.
"""

from __future__ import annotations

import os
import random
import shlex
import sys
import tempfile
from pathlib import Path

import pytest

from tests.conftest import CORPUS
from tests.fuzz_support import (
    OPTIONS,
    Baseline,
    Edit,
    Outcome,
    apply,
    baseline,
    check,
    describe,
    mutate,
    run_forked,
    run_subprocess,
    untouched,
)

SEED = int(os.environ.get("BIB2PUBS_FUZZ_SEED", "2024"))
CASES = int(os.environ.get("BIB2PUBS_FUZZ_CASES", "300"))
# Most runs fork this process (bib2pubs imported once); every tenth starts
# a fresh interpreter as a user does, so both ways are fuzzed.
SUBPROCESS_EVERY = 10
# Small files, so that a case takes milliseconds: a few hundred of them,
# from every source of the corpus.
FILES = sorted(path for path in CORPUS.rglob("*.bib") if path.stat().st_size <= 8000)

_baselines: dict[Path, Baseline] = {}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def _baseline(path: Path, workdir: Path) -> Baseline:
    if path not in _baselines:
        _baselines[path] = baseline(run_forked(str(path), str(workdir)))
    return _baselines[path]


def test_there_are_files_to_fuzz() -> None:
    assert len(FILES) >= 80


@pytest.mark.parametrize("case", range(CASES), ids=lambda case: f"case{case:04d}")
def test_damaged_file_gives_a_listing_or_diagnostics(case: int, workdir: Path) -> None:
    rng = random.Random(f"{SEED}:{case}")
    source, other = rng.choice(FILES), rng.choice(FILES)
    original = source.read_bytes()
    edits = mutate(rng, original, other.read_bytes())
    path = workdir / f"seed{SEED}-case{case:04d}.bib"
    mutated = apply(original, edits)
    path.write_bytes(mutated)
    base = _baseline(source, workdir)
    keep = untouched(original, base, edits)
    runner = run_subprocess if case % SUBPROCESS_EVERY == 0 else run_forked
    outcome = runner(str(path), str(workdir))
    problems = check(outcome, str(path), mutated, base, keep)
    if problems:
        # Kept where the test runner's clean-up of old scratch folders does not reach.
        kept = Path(tempfile.mkdtemp(prefix=f"bib2pubs-fuzz-seed{SEED}-case{case:04d}-")) / path.name
        kept.write_bytes(mutated)
        pytest.fail(_report(case, source, other, describe(edits), kept, outcome, problems), pytrace=False)
    path.unlink()


def _report(case: int, source: Path, other: Path, edits: str, path: Path, outcome: Outcome, problems: list[str]) -> str:
    stderr = outcome.stderr.decode("utf-8", "replace").splitlines()
    shown = "\n".join(f"    {line[:400]}" for line in stderr[:15]) + ("\n    …" if len(stderr) > 15 else "")
    command = shlex.join([sys.executable, "-m", "bib2pubs", str(path), *OPTIONS])
    return "\n".join(
        [
            f"fuzz case {case} of seed {SEED}: " + "; ".join(problems),
            f"  file:     {source.relative_to(CORPUS)} (spliced with {other.relative_to(CORPUS)})",
            f"  damage:   {edits}",
            f"  damaged:  {path} (run as {path.name} in a scratch folder)",
            f"  command:  {command}",
            f"  run:      exit {outcome.status} after {outcome.seconds:.2f} s ({outcome.how})",
            "  stderr:",
            shown,
            f"  again:    BIB2PUBS_FUZZ_SEED={SEED} pytest tests/test_fuzz_corpus.py -k case{case:04d}",
        ]
    )


def test_the_checks_see_what_they_look_for(tmp_path: Path) -> None:
    # The oracle itself: an untouched entry missing, a stray stderr line and
    # a bad exit status are each caught; a damaged entry is not required.
    original = b"@misc{a, title={A}}\n@misc{b, title={B}}\n@misc{c, title={C}}\n"
    path = tmp_path / "x.bib"
    path.write_bytes(original)
    base = baseline(run_forked(str(path), str(tmp_path)))
    assert base.starts == {"a": 1, "b": 2, "c": 3}
    assert untouched(original, base, _replace(original, b"title={B}", b"title={B")) == ["a", "c"]
    # An edit where an entry starts is beside the one before it too.
    assert untouched(original, base, _replace(original, b"@misc{b", b"@misc{{b")) == ["c"]
    listing = b'{"groups": [{"title": "", "entries": [{"key": "a", "source": {"file": "x", "line": 1}}]}]}'
    found = check(
        Outcome(0, listing, f"{path}:2: error: b: broken\n".encode(), 0.1, "fork"),
        str(path),
        original,
        base,
        ["a", "c"],
    )
    assert found == ["[dropped] entry 'c' (untouched) is neither listed nor named on stderr"]
    named = f"{path}:2: error: b: broken, and so is c\n".encode()
    assert check(Outcome(0, listing, named, 0.1, "fork"), str(path), original, base, ["a", "c"]) == []
    stray = check(Outcome(70, b"", b"boom\n", 0.1, "fork"), str(path), original, base, [])
    assert [problem.split("]")[0] for problem in stray] == ["[exit", "[form"]


def _replace(original: bytes, old: bytes, new: bytes) -> list[Edit]:
    at = original.index(old)
    return [Edit(at, at + len(old), new, f"{old!r} → {new!r}")]
