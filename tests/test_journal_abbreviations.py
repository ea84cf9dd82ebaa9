"""Journal titles from their abbreviations: the real strings of
tests/fixtures/journal_abbreviations.tsv, the shipped lookup tables, the
pieces of their generator (tests/journal_abbreviations.py), the tables
kept in the cache folder, and the lists read only when a run needs them."""

from __future__ import annotations

import os
import subprocess
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bib2pubs.cachedir import keep, kept_path
from bib2pubs.latex.decode import latex_to_text
from bib2pubs.latex.tables import AAS_JOURNALS
from bib2pubs.venues import abbreviations
from bib2pubs.venues.abbreviations import (
    FILES,
    PER_FILE,
    Journal,
    _bucket,
    _built,
    _file,
    _files,
    _row,
    _stem,
    bucket_of,
    expand_journal,
    journal_key,
    title_group,
)
from bib2pubs.venues.classify import read_venue
from bib2pubs.venues.table import builtin_table
from tests.conftest import REFS, ROOT, table_rows
from tests.journal_abbreviations import same_title, table, target, title_case

ROWS = table_rows("journal_abbreviations.tsv")

# Real strings the lists or the code read wrongly today. The fixture keeps
# the right answer; each reason says what goes wrong, so that a fix shows up
# as an unexpected pass.
WRONG_TODAY = {
    "Ann. Phys. (N. Y.)": "one list gives it to 'Annals of Physics (New York)' and to 'Annals of Physics'; "
    "target() takes the first, and the shorter title is not counted a spelling of it",
    "J. Geophys. Res. Atmos.": "the title is spelt as the first list to give it writes it, "
    "'Journal of Geophysical Research, "
    "[Atmospheres]' without its brackets; the journal's title has a colon",
    "Proc Biol Sci": "NLM's own title for the journal, 'Proceedings. Biological sciences', is taken as written",
    "Astrophys. J. Lett.": "JabRef's astronomy list gives 'ApJ' as the Letters' short form",
    "Biomass Bioenergy": "its key, without the filler 'and', is the title's, so it is taken for a title already",
    "Bioinform.": "DBLP's one-word abbreviation: titles are matched word by word only for two words or more",
    "Curr Opin HIV AIDS": "JabRef's lists do not hold the journal",
}


def _params() -> list[Any]:
    params = []
    for line, (written, title, short, _source) in ROWS:
        reason = WRONG_TODAY.get(written)
        marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
        params.append(pytest.param(written, title, short, marks=marks, id=f"line{line}"))
    return params


@pytest.mark.parametrize(("written", "title", "short"), _params())
def test_real_journal_strings(written: str, title: str, short: str) -> None:
    expected = Journal(title, short) if title else None
    assert expand_journal(latex_to_text(written)) == expected


def test_the_fixture_has_60_real_strings_or_more_each_with_its_source() -> None:
    assert len(ROWS) >= 60
    assert all(len(row) == 4 and row[3].strip() for _, row in ROWS), "four columns, the last the source"
    written = [row[0] for _, row in ROWS]
    assert len(written) == len(set(written)), "a string twice"
    assert set(WRONG_TODAY) <= set(written), "a reason for a string the fixture no longer has"
    assert all(row[1] or not row[2] for _, row in ROWS), "a short form for a string that stays as written"


# Through read_venue with the built-in table: (written, name, short, url).
# A journal the table knows has the table's name, acronym and link; one it
# does not know has the lists' title; one neither knows stays as written.
VENUES = [
    ("Commun. {ACM}", "Communications of the ACM", "CACM", "https://cacm.acm.org/"),
    ("Proc. {ACM} Program. Lang.", "Proceedings of the ACM on Programming Languages", "PACMPL", "https://dl.acm.org/journal/pacmpl"),
    ("Trans. Assoc. Comput. Linguistics", "Transactions of the Association for Computational Linguistics", "TACL", "https://transacl.org/"),
    # The lists count this one shared (see WRONG_TODAY); the table knows it.
    ("J. Artif. Intell. Res.", "Journal of Artificial Intelligence Research", "JAIR", "https://www.jair.org/"),
    ("IEEE Trans. Vis. Comput. Graphics", "IEEE Transactions on Visualization and Computer Graphics", "TVCG", ""),
    ("IEEE Commun. Surveys Tuts.", "IEEE Communications Surveys & Tutorials", "COMST", ""),
    ("{IEEE} Trans. Autom. Control.", "IEEE Transactions on Automatic Control", "", ""),
    ("J Virol", "Journal of Virology", "", ""),
    # An AAS journal under the AAS's title, however it is written.
    ("A\\&A", "Astronomy & Astrophysics", "A&A", ""),
    ("ApJ", "The Astrophysical Journal", "ApJ", ""),
    ("Astrophys. J. Lett.", "The Astrophysical Journal Letters", "ApJL", ""),
    ("Mon. Not. R. Astron. Soc.", "Monthly Notices of the Royal Astronomical Society", "MNRAS", ""),
    # ADS's macro: the AAS table's title, not the lists'.
    ("\\apj", "The Astrophysical Journal", "ApJ", ""),
    ("Stat", "Stat", "", ""),
    ("J. Phys.", "J. Phys.", "", ""),
    ("Nature", "Nature", "", ""),
]  # fmt: skip


@pytest.mark.parametrize(("written", "name", "short", "url"), VENUES)
def test_read_venue_with_the_builtin_table(written: str, name: str, short: str, url: str) -> None:
    venue, kind = read_venue("journal", "article", {"journal": written}, 2020, builtin_table())
    assert (kind, venue.name, venue.short, venue.url) == ("journal", name, short, url)


@pytest.mark.parametrize("written", ["IEEE Trans. Vis. Comput. Graphics", "IEEE Commun. Surveys Tuts."])
def test_a_title_the_lists_give_is_the_tables_when_the_table_knows_it(written: str) -> None:
    """IEEE Xplore's forms are no aliases in the table: the lists find the
    title, and the table's row for that title is the venue."""
    table_ = builtin_table()
    assert table_.by_name(written) is None
    found = expand_journal(written)
    assert found is not None
    known = table_.by_name(found.name)
    assert known is not None
    venue, _ = read_venue("journal", "article", {"journal": written}, 2020, table_)
    assert (venue.name, venue.short) == (known.name, known.short)


# The shipped data.


def _shipped() -> list[list[str]]:
    text = zlib.decompress(Path(abbreviations.DATA_FILE).read_bytes()).decode("utf-8")
    return [line.split("\t") for line in text.splitlines()]


def test_the_shipped_rows_are_keyed_as_journal_key_keys_them() -> None:
    """The keys were made when the file was built: a change to the folding
    or to the filler words must rebuild it."""
    rows = _shipped()
    assert all(len(row) == 4 and row[0] in ("T", "A") for row in rows)
    titles = [row for row in rows if row[0] == "T"]
    assert len(titles) > 30000
    assert [key for _, key, _, _ in titles] == [journal_key(title) for _, _, title, _ in titles]
    title_keys = {key for _, key, _, _ in titles}
    assert len(title_keys) == len(titles), "a title twice"
    shared = 0
    abbreviation_keys = set()
    for _, key, title_key, rest in (row for row in rows if row[0] == "A"):
        assert key and rest == ""
        assert title_key in title_keys or title_key == "", key
        assert key not in title_keys, f"{key!r} is an abbreviation and a title"
        assert key not in abbreviation_keys, f"{key!r} twice"
        abbreviation_keys.add(key)
        shared += title_key == ""
    assert 0 < shared < len(abbreviation_keys) // 10


# The generator's pieces.


@pytest.mark.parametrize(
    ("nlm", "titled"),
    [
        ("Indian journal of dermatology", "Indian Journal of Dermatology"),
        ("AIDS research and human retroviruses", "AIDS Research and Human Retroviruses"),
        ("Journal of physics: condensed matter", "Journal of Physics: Condensed Matter"),
        ("Proceedings. biological sciences", "Proceedings. Biological Sciences"),
        ("Cancer: a journal of the American cancer society", "Cancer: A Journal of the American Cancer Society"),
        ("Molecular bioSystems", "Molecular BioSystems"),
        ("The journal of the acoustical society of America", "The Journal of the Acoustical Society of America"),
        ("mBio", "mBio"),
        ("npj Computational Materials", "npj Computational Materials"),
        ("Journal Of Guidance, Control, And Dynamics", "Journal of Guidance, Control, and Dynamics"),
    ],
)
def test_title_case(nlm: str, titled: str) -> None:
    assert title_case(nlm) == titled


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        ("Journal de Physique", "Journal of Physics", False),
        ("Astrophysics Journal", "Astrophysical Journal", True),
        ("Systems & Control Letters", "System & Control Letters", True),
        ("Monthly Notices of the Royal Astronomical Society", "Monthy Notices of the Royal Astronomical Society", True),
        ("Physical Review A", "Physical Review A: Atomic, Molecular, and Optical Physics", True),
        # The subtitle goes one way only: the title with it is not the one without.
        ("Physical Review A: Atomic, Molecular, and Optical Physics", "Physical Review A", False),
        ("Physical Review A", "Physical Review B", False),
        ("Journal of Physics A", "Journal of Physics B", False),
        ("Annals of Physics", "Annalen der Physik", False),
    ],
)
def test_same_title(one: str, other: str, same: bool) -> None:
    assert same_title(journal_key(one), journal_key(other)) is same


def test_target_takes_the_most_given_title_when_the_others_spell_it() -> None:
    astrophysical, astrophysics = journal_key("Astrophysical Journal"), journal_key("Astrophysics Journal")
    assert target({astrophysics: 1, astrophysical: 3}) == astrophysical
    # Equals: the first, in the lists' order.
    assert target({astrophysical: 1, astrophysics: 1}) == astrophysical
    review_a = journal_key("Physical Review A")
    with_subtitle = journal_key("Physical Review A: Atomic, Molecular, and Optical Physics")
    assert target({review_a: 2, with_subtitle: 1}) == review_a


def test_target_is_empty_for_two_journals() -> None:
    physique, physics = journal_key("Journal de Physique"), journal_key("Journal of Physics")
    assert target({physique: 1, physics: 1}) == ""
    assert target({physics: 2, physique: 1}) == ""
    # Three rows or more, three times as many: the lists' word ("Applied
    # Surface Science" over its former name).
    assert target({physics: 5, physique: 1}) == physics
    assert target({physics: 1}) == physics


def test_target_of_a_title_given_with_and_without_its_subtitle() -> None:
    long = journal_key("Journal of Vacuum Science & Technology, A: Vacuum, Surfaces, and Films")
    short = journal_key("Journal of Vacuum Science & Technology A")
    assert target({long: 2, short: 2}) == short


def test_table_from_list_rows() -> None:
    rows = [
        ("J. Phys.", "Journal de Physique", "mechanical"),
        ("J Phys", "Journal of physics", "entrez"),
        ("Indian J Dermatol", "Indian journal of dermatology", "entrez"),
        ("MNRAS", "Monthly Notices of the Royal Astronomical Society", "astronomy"),
        ("Mon. Not. R. Astron. Soc.", "Monthly Notices of the Royal Astronomical Society", "geology_physics"),
        ("Mon. Not. R. Astron. Soc.", "Monthy Notices of the Royal Astronomical Society", "ubc"),
        # A key that is a title as well names that title, not the row's.
        ("Nature", "Nature Physics", "general"),
        ("Nat", "Nature", "astronomy"),
        # The abbreviation's key is the title's (without "and"): no row.
        ("Biomass Bioenergy", "Biomass and Bioenergy", "mechanical"),
    ]
    lines = table(rows).splitlines()
    assert lines == [
        "T\tjournal physique\tJournal de Physique\t",
        "T\tjournal physics\tJournal of Physics\t",
        "T\tindian journal dermatology\tIndian Journal of Dermatology\t",
        "T\tmonthly notices royal astronomical society\tMonthly Notices of the Royal Astronomical Society\tMNRAS",
        "T\tnature physics\tNature Physics\t",
        "T\tnature\tNature\t",
        "A\tj phys\t\t",
        "A\tindian j dermatol\tindian journal dermatology\t",
        "A\tmnras\tmonthly notices royal astronomical society\t",
        "A\tmon not r astron soc\tmonthly notices royal astronomical society\t",
        "A\tnat\tnature\t",
    ]


# The tables kept in the cache folder.


def _forget() -> None:
    """Nothing read or looked up yet, as at the start of a run."""
    expand_journal.cache_clear()
    _file.cache_clear()
    _built.cache_clear()
    abbreviations._kept_places.cache_clear()


@pytest.fixture
def fresh_lists() -> Iterator[None]:
    """The lists read anew, and left unread for the tests that follow."""
    _forget()
    yield
    _forget()


def _kept_files(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "bib2pubs").glob("journals*.marshal"))


def _kept_file_of(tmp_path: Path, key: str) -> Path:
    """The kept file holding a key's bucket."""
    path = kept_path(_stem(bucket_of(key) // PER_FILE), (abbreviations.DATA_FILE, abbreviations.__file__))
    assert path is not None
    assert Path(path).parent == tmp_path / "bib2pubs"
    return Path(path)


def _without_the_data_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """The data file cannot be read from now on: what is found comes from
    the kept files."""
    real_open = open

    def no_data_file(path: Any, *args: Any, **kwargs: Any) -> Any:
        if os.fspath(path) == abbreviations.DATA_FILE:
            raise OSError("the data file is not to be read again")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(abbreviations, "open", no_data_file, raising=False)


@pytest.mark.parametrize(
    "value",
    [
        None,
        "titles",
        (),
        ((), {}),
        ((b"",) * (PER_FILE - 1), {}),
        ((b"",) * PER_FILE, []),
        ((b"",) * PER_FILE, {}, {}),
        (("",) * PER_FILE, {}),
        ([b""] * PER_FILE, {}),
        ({b"": b""}, {}),
    ],
    ids=["none", "text", "empty", "no-buckets", "short", "groups", "long", "text-buckets", "list", "dict"],
)
def test_a_kept_value_of_another_shape_is_passed_over(
    value: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_lists: None
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("BIB2PUBS_NO_CACHE", raising=False)
    key = journal_key("J Biol Chem")
    kept = _kept_file_of(tmp_path, key)
    keep(str(kept), value)
    assert expand_journal("J Biol Chem") == Journal("Journal of Biological Chemistry", "")
    assert _file(bucket_of(key) // PER_FILE) == _built()[bucket_of(key) // PER_FILE]


def test_a_small_kept_value_is_used_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_lists: None
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("BIB2PUBS_NO_CACHE", raising=False)
    files = _files(b"T\tjournal physics\tJournal of Physics\t\nA\tj phys\tjournal physics\t\n")
    for number, value in enumerate(files):
        path = kept_path(_stem(number), (abbreviations.DATA_FILE, abbreviations.__file__))
        assert path is not None
        keep(path, value)
    _without_the_data_file(monkeypatch)
    assert expand_journal("J Phys") == Journal("Journal of Physics", "")
    assert expand_journal("J. Phys.") == Journal("Journal of Physics", "")
    assert expand_journal("J. Physics") == Journal("Journal of Physics", "")  # word by word
    assert expand_journal("J Biol Chem") is None
    assert _built.cache_info().currsize == 0


def test_a_second_read_comes_from_the_kept_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_lists: None
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("BIB2PUBS_NO_CACHE", raising=False)
    first = expand_journal("J Biol Chem")
    assert first == Journal("Journal of Biological Chemistry", "")
    kept = _kept_files(tmp_path)
    assert len(kept) == FILES
    stamps = [path.stat().st_mtime_ns for path in kept]

    _without_the_data_file(monkeypatch)
    _forget()
    assert expand_journal("J Biol Chem") == first
    assert expand_journal("Formal Asp. Comput.") == Journal("Formal Aspects of Computing", "")  # word by word
    assert _built.cache_info().currsize == 0
    assert [path.stat().st_mtime_ns for path in kept] == stamps

    # Without the kept files the patch bites: what was found came from them.
    monkeypatch.setenv("BIB2PUBS_NO_CACHE", "1")
    _forget()
    assert expand_journal("J Biol Chem") is None
    assert expand_journal("Formal Asp. Comput.") is None
    assert _kept_files(tmp_path) == kept
    assert [path.stat().st_mtime_ns for path in kept] == stamps


def test_without_a_cache_folder_the_lists_are_read_from_the_data_file(
    monkeypatch: pytest.MonkeyPatch, fresh_lists: None
) -> None:
    monkeypatch.setenv("BIB2PUBS_NO_CACHE", "1")
    assert expand_journal("J Biol Chem") == Journal("Journal of Biological Chemistry", "")
    assert expand_journal("Formal Asp. Comput.") == Journal("Formal Aspects of Computing", "")
    assert _built.cache_info().currsize == 1


@pytest.mark.parametrize("written", ["Hum Brain Mapp", "Formal Asp. Comput."])
def test_a_damaged_kept_file_is_passed_over(
    written: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_lists: None
) -> None:
    """Each file a lookup reads (the abbreviation's bucket, its title's,
    the title's group for a search word by word), damaged, is passed over
    and written anew; the others are not read."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("BIB2PUBS_NO_CACHE", raising=False)
    expected = expand_journal(written)
    assert expected is not None
    key = journal_key(written)
    read = {_kept_file_of(tmp_path, key), _kept_file_of(tmp_path, journal_key(expected.name))}
    if "." in written:
        read.add(_kept_file_of(tmp_path, title_group(key)))
    assert len(_kept_files(tmp_path)) == FILES
    for kept in _kept_files(tmp_path):
        data = bytearray(kept.read_bytes())
        data[len(data) // 2] ^= 0xFF
        kept.write_bytes(bytes(data))
        _forget()
        assert expand_journal(written) == expected
        assert (kept.read_bytes() != bytes(data)) is (kept in read), "the damaged file is written anew when read"
        kept.write_bytes(bytes(data[: len(data) // 2]))  # damaged further: passed over again
        _forget()
        assert expand_journal(written) == expected


def test_without_the_data_file_titles_stay_as_written(monkeypatch: pytest.MonkeyPatch, fresh_lists: None) -> None:
    monkeypatch.setenv("BIB2PUBS_NO_CACHE", "1")
    monkeypatch.setattr(abbreviations, "DATA_FILE", str(ROOT / "no-such-file.tsv.z"))
    assert expand_journal("J Biol Chem") is None
    assert expand_journal("Formal Asp. Comput.") is None


def test_without_the_data_file_titles_stay_as_written_with_caching_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_lists: None
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("BIB2PUBS_NO_CACHE", raising=False)
    monkeypatch.setattr(abbreviations, "DATA_FILE", str(tmp_path / "no-such-file.tsv.z"))
    assert expand_journal("J Biol Chem") is None
    assert not _kept_files(tmp_path)


# The lists are read only when a run meets a journal the table does not know.

_LOAD = """
import sys
import bib2pubs
from bib2pubs.venues import abbreviations
listing = bib2pubs.load([sys.argv[1]], bib2pubs.Options(highlights=("Chao Jin",)))
print(abbreviations._file.cache_info().currsize + abbreviations._built.cache_info().currsize)
print(listing.groups[0].entries[0].venue.name)
"""


def _load(path: Path) -> list[str]:
    # A fresh interpreter: in this one, other tests have read the lists already.
    env = dict(os.environ, BIB2PUBS_NO_CACHE="1")
    done = subprocess.run(
        [sys.executable, "-c", _LOAD, str(path)], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.splitlines()


def test_the_projects_own_file_does_not_read_the_lists() -> None:
    assert _load(REFS)[0] == "0"


def test_an_abbreviated_journal_reads_the_lists(tmp_path: Path) -> None:
    bib = tmp_path / "prl.bib"
    bib.write_text(
        "@article{k, author = {Ann Author}, title = {A Title}, journal = {Phys. Rev. Lett.}, year = 2020}\n",
        encoding="utf-8",
    )
    read, name = _load(bib)
    assert int(read) >= 1
    assert name == "Physical Review Letters"


# ADS's journal macros against the lists.

# The AAS macros' titles the lists do not hold: meeting abstracts,
# circulars, magazines and journals long closed.
NOT_IN_LISTS = frozenset(
    {
        "AAS/Division for Planetary Sciences Meeting Abstracts",
        "American Astronomical Society Meeting Abstracts",
        "Astronomicheskii Zhurnal",
        "Astrophysics Space Physics Research",
        "Bulletin of the Astronomical Institutes of Czechoslovakia",
        "Fundamentals of Cosmic Physics",
        "IAU Circulars",
        "Icarus",
        "Journal of the American Association of Variable Star Observers",
        "Memorie della Società Astronomica Italiana",
        "Sky and Telescope",
        "Soviet Astronomy",
    }
)


def test_the_aas_titles_are_titles_in_the_lists() -> None:
    """An AAS title is spelt as a journal's title (so the lists take it
    for a title and leave it), or is one of those the lists lack."""

    def is_title(key: str) -> bool:
        return _row(_bucket(key.encode()), b"T", key.encode()) is not None

    aas_titles = {title for title, _ in AAS_JOURNALS.values()}
    for title in sorted(aas_titles):
        assert is_title(journal_key(title)) or title in NOT_IN_LISTS, f"{title!r} is not a title in the lists"
    assert aas_titles >= NOT_IN_LISTS, "an exception for a title the AAS table no longer has"
    assert not {title for title in NOT_IN_LISTS if is_title(journal_key(title))}, "an exception the lists now hold"


def test_a_kept_group_of_another_type_finds_no_title(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_lists: None
) -> None:
    """A kept file whose groups hold numbers, not titles (damaged, its
    checksum made again): the abbreviation is left as written, no error."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("BIB2PUBS_NO_CACHE", raising=False)
    files = _files(b"T\tjournal physics\tJournal of Physics\t\n")
    for number, (buckets, groups) in enumerate(files):
        path = kept_path(_stem(number), (abbreviations.DATA_FILE, abbreviations.__file__))
        assert path is not None
        keep(path, (buckets, dict.fromkeys(groups, 0)))
    _without_the_data_file(monkeypatch)
    assert expand_journal("J. Physics") is None  # found word by word only through a group's titles
