"""The journal lists read bucket by bucket give exactly what the whole lists
give.

``bib2pubs.venues.abbreviations`` keeps the data file's rows in buckets and
looks a key up in the few it needs; the word-by-word search looks only at
the titles whose words begin as the abbreviation's do. Each shortcut is
checked here against the careful path it replaced (the whole file read
into dicts, every title of the same length and first letter tried word by
word), on every key of the lists, on the test fixtures and the corpus, and
on generated abbreviations.
"""

from __future__ import annotations

import functools
import re
import zlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bib2pubs.cachedir import kept_path, read_kept
from bib2pubs.latex.decode import latex_to_text
from bib2pubs.venues import abbreviations
from bib2pubs.venues.abbreviations import (
    _ABBREVIATED,
    BUCKETS,
    FILES,
    PER_FILE,
    Journal,
    _built,
    _file,
    _files,
    _stem,
    bucket_of,
    cuts_short,
    expand_journal,
    journal_key,
    title_group,
)
from tests.conftest import CORPUS, table_rows

# The careful path: the whole data file in dicts, as the lists were read
# before they were kept in buckets.


@dataclass(frozen=True)
class _Whole:
    titles: dict[str, int]
    names: list[str]
    shorts: list[str]
    abbreviations: dict[str, int]
    by_start: dict[tuple[int, str], list[tuple[int, tuple[str, ...]]]]


@functools.cache
def _whole() -> _Whole:
    text = zlib.decompress(Path(abbreviations.DATA_FILE).read_bytes()).decode("utf-8")
    titles: dict[str, int] = {}
    names: list[str] = []
    shorts: list[str] = []
    pending: list[tuple[str, str]] = []
    for line in text.splitlines():
        kind, key, value, short = line.split("\t")
        if kind == "T":
            titles[key] = len(names)
            names.append(value)
            shorts.append(short)
        else:
            pending.append((key, value))
    by_start: dict[tuple[int, str], list[tuple[int, tuple[str, ...]]]] = defaultdict(list)
    for key, number in titles.items():
        words = tuple(key.split())
        if words:
            by_start[len(words), words[0][0]].append((number, words))
    return _Whole(titles, names, shorts, {key: titles.get(value, -1) for key, value in pending}, by_start)


def _careful(written: str) -> Journal | None:
    key = journal_key(written)
    if not key:
        return None
    whole = _whole()
    if key in whole.titles:
        return None
    number = whole.abbreviations.get(key)
    if number is None and re.search(r"[^\W\d_]+\.", written):
        words = key.split()
        found = {
            title
            for title, title_words in whole.by_start.get((len(words), words[0][0]), ())
            if all(map(cuts_short, words, title_words))
        }
        number = found.pop() if len(words) >= 2 and len(found) == 1 else None
    if number is None or number < 0:
        return None
    return Journal(whole.names[number], whole.shorts[number])


def _uncached(written: str) -> Journal | None:
    """``expand_journal`` itself, not its cache of what it answered."""
    return expand_journal.__wrapped__(written)  # type: ignore[attr-defined,no-any-return]


# Abbreviations as DBLP and ISO 4 write them: words cut short after a few
# letters, with a period; short words whole.


def _cut(title: str, keep: int) -> str:
    return " ".join(word if len(word) <= keep + 1 else word[:keep] + "." for word in title.split())


def _some_titles(step: int) -> list[str]:
    return _whole().names[::step]


def test_every_key_of_the_lists_is_answered_as_the_whole_lists_answer() -> None:
    whole = _whole()
    for key in [*whole.titles, *whole.abbreviations]:
        assert _uncached(key) == _careful(key), key


def test_every_title_of_the_lists_is_left_as_written() -> None:
    for name in _whole().names:
        assert _uncached(name) is None, name


@pytest.mark.parametrize("keep", [1, 3, 4, 5])
def test_titles_cut_short_are_found_as_the_whole_lists_find_them(keep: int) -> None:
    found = 0
    for title in _some_titles(23):
        written = _cut(title, keep)
        expected = _careful(written)
        assert _uncached(written) == expected, written
        found += expected is not None
    assert found > 100, "the word-by-word search found almost nothing: the test tests little"


def test_the_fixture_and_the_corpus_journals_are_answered_as_the_whole_lists_answer() -> None:
    written = {latex_to_text(row[0]) for _, row in table_rows("journal_abbreviations.tsv")}
    field = re.compile(r"\bjournal\s*=\s*[{\"]([^{}\"\n]*)", re.IGNORECASE)
    for path in sorted(CORPUS.rglob("*.bib")):
        written.update(field.findall(path.read_text(encoding="utf-8", errors="replace")))
    assert len(written) > 300
    for text in sorted(written):
        assert _uncached(text) == _careful(text), text


_TITLES = st.sampled_from(_some_titles(7)) if Path(abbreviations.DATA_FILE).exists() else st.just("")


@st.composite
def _abbreviated(draw: st.DrawFn) -> str:
    """A title with each word cut short, contracted, left out or kept."""
    words = []
    for word in draw(_TITLES).split():
        how = draw(st.sampled_from(["keep", "cut", "cut", "contract", "drop"]))
        if how == "cut":
            words.append(word[: draw(st.integers(1, max(1, len(word))))] + ".")
        elif how == "contract" and len(word) > 3:
            inside = draw(st.lists(st.sampled_from(word[1:-1]), max_size=3)) if len(word) > 2 else []
            words.append(word[0] + "".join(inside) + word[-1] + ".")
        elif how != "drop":
            words.append(word)
    return " ".join(words)


@settings(max_examples=400, deadline=None)
@given(_abbreviated())
def test_generated_abbreviations_are_found_as_the_whole_lists_find_them(written: str) -> None:
    assert _uncached(written) == _careful(written)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ajJ. &,:-pPhysRvLtc1é\n\t", max_size=30))
def test_any_text_is_answered_as_the_whole_lists_answer(written: str) -> None:
    assert _uncached(written) == _careful(written)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("aZé_1. \tß\u0301."), max_size=20))
def test_a_letter_before_a_period_is_what_a_word_cut_short_is(written: str) -> None:
    assert bool(_ABBREVIATED.search(written)) is bool(re.search(r"[^\W\d_]+\.", written))


def test_a_lookup_answered_again_is_the_same() -> None:
    for written in ("J Biol Chem", "Formal Asp. Comput.", "J. Phys.", "Nature", ""):
        assert expand_journal(written) == _uncached(written) == _careful(written)


# The buckets themselves.


def _data() -> bytes:
    return zlib.decompress(Path(abbreviations.DATA_FILE).read_bytes())


def test_the_data_file_splits_into_rows_as_splitlines_splits_it() -> None:
    """The build splits on newlines alone, at once; the careful path split
    each of ``splitlines``' lines on tabs."""
    data = _data()
    text = data.decode("utf-8")
    rows = [line.split("\t") for line in text.splitlines()]
    assert all(len(row) == 4 for row in rows)
    assert text.endswith("\n") and text.removesuffix("\n").split("\n") == text.splitlines()
    kept = [line for buckets, _ in _files(data) for rows_bytes in buckets for line in rows_bytes.split(b"\n") if line]
    assert sorted(line.decode("utf-8") for line in kept) == sorted(text.splitlines())


def test_each_row_is_in_the_bucket_of_its_key_in_the_files_order() -> None:
    data = _data()
    files = _files(data)
    assert len(files) == FILES and all(len(buckets) == PER_FILE for buckets, _ in files)
    by_bucket: dict[int, list[str]] = defaultdict(list)
    for line in data.decode("utf-8").splitlines():
        by_bucket[bucket_of(line.split("\t")[1])].append(line)
    for number in range(BUCKETS):
        file, place = divmod(number, PER_FILE)
        assert files[file][0][place] == ("\n" + "\n".join(by_bucket[number]) + "\n").encode()


def test_each_title_is_in_its_group_and_the_groups_are_the_careful_paths() -> None:
    """Groups are made from whole columns at once; ``title_group`` reads one
    key. Title keys are words joined by one space, so the group's number of
    spaces is the careful path's number of words, less one."""
    files = _files(_data())
    groups: dict[str, set[str]] = {}
    for number, (_, file_groups) in enumerate(files):
        for group, titles in file_groups.items():
            assert bucket_of(group) // PER_FILE == number
            assert titles.startswith(b"\n") and titles.endswith(b"\n")
            groups[group] = set(titles.decode("ascii").strip("\n").split("\n"))
    expected: dict[str, set[str]] = defaultdict(set)
    for key in _whole().titles:
        if key:
            assert key == " ".join(key.split()), key
            assert title_group(key) == f"{key.split()[0][0]}{len(key.split()) - 1}"
            expected[title_group(key)].add(key)
    assert groups == expected


@pytest.mark.parametrize(
    "text",
    [
        b"",
        b"\n",
        b"T\tkey\tTitle\n",
        b"T\tkey\tTitle\t\tmore\n",
        b"X\tkey\tTitle\t\n",
        b"T\tkey\tTitle\t\nA\tk\n",
        b"T\tA\tTitle\nT\tkey\tTitle\t\tmore\n",
    ],
    ids=["empty", "newline", "three", "five", "kind", "short-row", "out-of-step"],
)
def test_a_data_file_of_another_shape_expands_nothing(text: bytes) -> None:
    files = _files(text)
    assert len(files) == FILES
    assert all(rows == b"\n\n" for buckets, groups in files for rows in buckets)
    assert not any(groups for _, groups in files)


@pytest.fixture
def fresh() -> Iterator[None]:
    """Nothing read yet, and nothing left read for the tests that follow."""

    def clear() -> None:
        expand_journal.cache_clear()
        _file.cache_clear()
        _built.cache_clear()
        abbreviations._kept_places.cache_clear()

    clear()
    yield
    clear()


def test_the_kept_files_read_back_as_they_were_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh: None
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("BIB2PUBS_NO_CACHE", raising=False)
    built = _built()
    kept = sorted((tmp_path / "bib2pubs").glob("journals*.marshal"))
    assert len(kept) == FILES
    sources = (abbreviations.DATA_FILE, abbreviations.__file__)
    for number in range(FILES):
        path = kept_path(_stem(number), sources)
        assert path is not None
        assert read_kept(path) == built[number]
    _file.cache_clear()
    assert all(_file(number) == built[number] for number in range(FILES))


def test_a_second_run_reads_only_the_files_its_journals_need(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh: None
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("BIB2PUBS_NO_CACHE", raising=False)
    assert expand_journal("TUGboat") is None
    expand_journal.cache_clear()
    _file.cache_clear()
    _built.cache_clear()
    abbreviations._kept_places.cache_clear()
    assert expand_journal("TUGboat") is None
    assert _file.cache_info().currsize == 1
    assert _built.cache_info().currsize == 0


def test_a_title_not_in_utf_8_stays_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh: None) -> None:
    """The data file is decoded a row at a time, when a run finds it: a
    damaged title is no journal, and the others are found still."""
    data = tmp_path / "lists.tsv.z"
    data.write_bytes(
        zlib.compress(
            b"T\tjournal physics\tJournal of Physi\xe7s\t\nA\tj phys\tjournal physics\t\n"
            b"T\tjournal chemistry\tJournal of Chemistry\t\nA\tj chem\tjournal chemistry\t\n"
        )
    )
    monkeypatch.setenv("BIB2PUBS_NO_CACHE", "1")
    monkeypatch.setattr(abbreviations, "DATA_FILE", str(data))
    assert expand_journal("J Phys") is None
    assert expand_journal("J. Physi.") is None
    assert expand_journal("J Chem") == Journal("Journal of Chemistry", "")
    assert expand_journal("J. Chemi.") == Journal("Journal of Chemistry", "")
