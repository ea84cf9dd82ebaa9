"""The shortcuts of the per-entry work give exactly what the careful paths
give: folding character by character, the preprint merge's title keys and
the test for an event's acronym as a series, on every title, name and
series of the corpus and on generated text."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import bib2pubs
from bib2pubs import details, preprints
from bib2pubs.latex import decode
from bib2pubs.model import Publication
from bib2pubs.names import fold as folding
from bib2pubs.names import match, people
from bib2pubs.names.fold import fold
from bib2pubs.names.parts import split_name
from bib2pubs.read.dates import parse_year
from bib2pubs.rendering import text_pieces
from bib2pubs.venues import classify, parse
from bib2pubs.venues.table import builtin_table
from tests.conftest import CORPUS
from tests.corpus_support import RecordingFields, listing_or_none, parse_file

FILES = sorted(CORPUS.rglob("*.bib"))


@cache
def _publications(path: Path) -> tuple[Publication, ...]:
    listing = listing_or_none(path, bib2pubs.Options(keep_preprints=True))
    if listing is None:
        return ()
    return tuple(pub for group in listing.groups for pub in group.entries)


_NOT_WORD = re.compile(r"[^0-9a-z]+")


def _careful_title_key(title: str) -> str:
    """The title key as first written: the version note dropped, "&" read
    as "and", folded, and all but letters and digits dropped."""
    return _NOT_WORD.sub("", fold(preprints._VERSION_NOTE.sub("", title).replace("&", " and ")))


def _careful_fold(text: str) -> str:
    """``fold`` as first written, on the whole text at once."""
    if text.isascii():
        plain = text
    else:
        decomposed = unicodedata.normalize("NFKD", text.translate(folding._PLAIN_LETTERS))
        plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(folding._SEPARATORS.sub(" ", plain.casefold()).split())


def _texts(path: Path) -> list[str]:
    texts: list[str] = []
    for publication in _publications(path):
        texts.append(publication.title)
        for person in (*publication.authors, *publication.editors):
            texts.extend((person.first, person.von, person.last, person.jr))
    return texts


@pytest.mark.parametrize("path", FILES, ids=lambda path: str(path.relative_to(CORPUS)))
def test_folding_agrees_on_the_corpus(path: Path) -> None:
    for text in _texts(path):
        assert folding.plain_folded(text) == folding._plain_character(text), text
        assert fold.__wrapped__(text) == _careful_fold(text), text


@pytest.mark.parametrize("path", FILES, ids=lambda path: str(path.relative_to(CORPUS)))
def test_title_keys_agree_on_the_corpus(path: Path) -> None:
    for publication in _publications(path):
        assert preprints._title_key(publication.title) == _careful_title_key(publication.title), publication.title


_TITLE_PIECES = [
    "A", "b", "Z", "z", "0", "9", " ", "  ", "\t", "\n", "\u00a0", "\u2003", "&", "-", "_", ".", ",", ":", "'",
    "(", ")", "[", "]", "{", "}", "full", "Extended", "LONG", "short", "version", "Abstract", "paper", "Paper",
    "(Full Version)", "[extended abstract]", "(short paper)", "(Long Version]", "é", "É", "ß", "ı", "İ", "ﬁ",
    "Ł", "æ", "Œ", "²", "½", "٣", "Ⅻ", "K", "ſ", "µ", "\u0301", "日本", "Ω", "ω", "ǅ", "\x00", "\x7f",
]  # fmt: skip
# Runs of combining marks of different classes, which NFKD reorders, and
# characters that decompose to several (ﬃ, ǅ, ½) or to none of the kind.
_MARKED = st.lists(
    st.sampled_from([*_TITLE_PIECES, "\u0323", "\u0327", "\u031b", "\u0345", "\u05b0", "\u093c", "ﬃ", "ᾳ", "Å"]),
    max_size=16,
).map("".join)


_TITLES = st.one_of(
    _MARKED,
    st.lists(st.sampled_from(_TITLE_PIECES), max_size=16).map("".join),
    st.text(max_size=40),
    st.text(alphabet=st.characters(max_codepoint=127), max_size=40),
)


@settings(max_examples=2000, deadline=None)
@given(text=st.one_of(_MARKED, st.text(max_size=30)))
def test_folding_character_by_character_agrees(text: str) -> None:
    assert folding.plain_folded(text) == folding._plain_character(text)
    assert fold.__wrapped__(text) == _careful_fold(text)


@settings(max_examples=2000, deadline=None)
@given(title=_TITLES)
def test_title_keys_agree_on_generated_titles(title: str) -> None:
    assert preprints._title_key(title) == _careful_title_key(title)


@settings(max_examples=1000, deadline=None)
@given(title=_TITLES)
def test_a_version_note_ends_only_a_title_ending_in_a_bracket(title: str) -> None:
    if preprints._VERSION_NOTE.search(title):
        assert title.rstrip().endswith((")", "]"))


def _careful_event_acronym(series: str) -> bool:
    return bool(text_pieces._EVENT_ACRONYM.fullmatch(series.strip()))


@pytest.mark.parametrize("path", FILES, ids=lambda path: str(path.relative_to(CORPUS)))
def test_event_acronyms_agree_on_the_corpus(path: Path) -> None:
    for publication in _publications(path):
        for text in (publication.locators.series, publication.venue.name, publication.title):
            assert text_pieces.event_acronym(text) == _careful_event_acronym(text), text


_SERIES_PIECES = [
    "SIGCOMM", "ACM", "MobiSys", "CHI", "Lecture", "Notes", "in", "&", "/", "+", ".", "-", "_", "x", "Q",
    " ", "  ", "\t", "\u00a0", "\u2003", "'", "’", "‘", "2", "23", "2020", "٣", "٢٣", "²", "1", "é", "Ł",
]  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(series=st.lists(st.sampled_from(_SERIES_PIECES), max_size=10).map("".join))
def test_event_acronyms_agree_on_generated_series(series: str) -> None:
    assert text_pieces.event_acronym(series) == _careful_event_acronym(series)


# What decode's scans stand for: a value with LaTeX in it, and one that
# needs the decoder (the same but braces).
_HAS_LATEX = re.compile(r"[\\{}$~`]|--|''|,,")
_NEEDS_DECODER = re.compile(r"[\\$~`]|--|''|,,")
_LATEX_PIECES = ["\\", "$", "~", "`", "-", "'", ",", "{", "}", "a", " ", "\n", "--", "''", ",,", "é", "\\TeX"]


@settings(max_examples=3000, deadline=None)
@given(value=st.one_of(st.lists(st.sampled_from(_LATEX_PIECES), max_size=12).map("".join), st.text(max_size=20)))
def test_needs_decoder_is_its_pattern(value: str) -> None:
    assert decode._needs_decoder(value) == (_NEEDS_DECODER.search(value) is not None)
    assert decode.has_latex(value) == (_HAS_LATEX.search(value) is not None)


@pytest.mark.parametrize("path", FILES, ids=lambda path: str(path.relative_to(CORPUS)))
def test_needs_decoder_agrees_on_the_corpus(path: Path) -> None:
    for entry in parse_file(path).bibliography.entries:
        for value in entry.fields.values():
            assert decode._needs_decoder(value) == (_NEEDS_DECODER.search(value) is not None), value
            assert decode.has_latex(value) == (_HAS_LATEX.search(value) is not None), value


_KINDS = ("journal", "conference", "workshop", "chapter", "thesis", "report", "book", "preprint", "other")


@pytest.mark.parametrize("path", FILES, ids=lambda path: str(path.relative_to(CORPUS)))
def test_a_shared_venue_status_is_the_entrys_own(path: Path) -> None:
    for entry in parse_file(path).bibliography.entries:
        for kind in _KINDS:
            fields = RecordingFields(entry.fields)
            server = classify.preprint_server(entry.fields) if kind == "preprint" else ""
            own = classify.split_status(classify._name(kind, entry.type, fields, server))[1]
            # What the cache is keyed by is all the reading asks for.
            assert fields.asked <= set(classify._FIELDS_BY_KIND.get(kind, classify._OTHER_FIELDS)), (kind, fields.asked)
            assert classify.venue_status(kind, entry.type, entry.fields) == own, (entry.key, kind)
            # Read with the venue, as normalizing reads it: the same status,
            # whatever the table makes of the venue.
            for table in (None, builtin_table()):
                read = classify.venue_and_status(kind, entry.type, entry.fields, parse_year(entry.get("year")), table)
                assert read[2] == own, (entry.key, kind)


def _careful_pages(value: str) -> str:
    """``details._pages`` with every value read by _DIGITS_RANGE first."""
    plain = details._DIGITS_RANGE.fullmatch(value)
    if plain:
        return f"{plain.group(1)}–{plain.group(2)}"
    if details._NO_PAGES.search(value):
        return ""
    return details.page_range(details._locator(value))


_PAGE_PIECES = ["1", "23", "٣", "²", "-", "--", "---", "–", " ", "\n", "e", "x", "{", "}", "no pagination"]


@settings(max_examples=3000, deadline=None)
@given(value=st.lists(st.sampled_from(_PAGE_PIECES), max_size=8).map("".join))
def test_pages_read_as_the_pattern_reads_them(value: str) -> None:
    assert details._pages(value) == _careful_pages(value)


@pytest.mark.parametrize("path", FILES, ids=lambda path: str(path.relative_to(CORPUS)))
def test_pages_agree_on_the_corpus(path: Path) -> None:
    for entry in parse_file(path).bibliography.entries:
        if "pages" in entry.fields:
            assert details._pages(entry.fields["pages"]) == _careful_pages(entry.fields["pages"]), entry.key


# -- venue strings -----------------------------------------------------------


# What parse._trim strips.
_TRIM = re.compile(r"^[\s,;:.\-–—]+|[\s,;:\-–—]+$")


def _careful_parse_venue(text: str) -> parse.VenueString:
    """parse_venue with every quick test let through and the ends trimmed
    by the pattern: every pattern tried."""
    with pytest.MonkeyPatch.context() as patch:
        for name in dir(parse):
            if name.startswith("_may_"):
                patch.setattr(parse, name, lambda text: True)
        patch.setattr(parse, "_trim", lambda text: _TRIM.sub("", text))
        return parse.parse_venue(text)


_VENUE_FIELDS = ("booktitle", "journal", "journaltitle", "eventtitle", "series", "venue", "location", "howpublished")


@pytest.mark.parametrize("path", FILES, ids=lambda path: str(path.relative_to(CORPUS)))
def test_venue_strings_parse_alike_on_the_corpus(path: Path) -> None:
    for entry in parse_file(path).bibliography.entries:
        for name in _VENUE_FIELDS:
            if name in entry.fields:
                text = decode.latex_to_text(entry.fields[name])
                assert parse.parse_venue(text) == _careful_parse_venue(text), text


# Pieces of venue strings: Springer's tails, volumes and parts, the ends
# _trim strips, blanks of every kind, and letters that match others when
# case is ignored (long s, Kelvin sign, dotted and dotless i).
_VENUE_PIECES = [
    "Proceedings of the ", "21st ", "Conference on X", " Workshop", ", ", ": ", "NSDI", " 2024", " '24",
    ", Proceedings", ". Revised Selected Papers 27", ", Selected Papers", ", Part II", ", part iv 16", " Part",
    " Vol. 3", "(Volume 1: Long Papers)", ", volume 2", "VOL 7", " - ", "—", "–", ".", ";", ":", "-", ",",
    " ", "  ", "\t", "\n", "\x1c", "\x85", "\xa0", "\u2003", "\u3000", "ſ", "K", "İ", "ı", "PROCEEDINGS",
    "papers", "part", "vol", "Santa Clara, CA", "April 15-17, 2024", "(ICDE 2019)", "é",
]  # fmt: skip
_VENUE_STRINGS = st.lists(st.sampled_from(_VENUE_PIECES), max_size=8).map("".join)


@settings(max_examples=2000, deadline=None)
@given(_VENUE_STRINGS)
def test_venue_strings_parse_alike_on_generated_strings(text: str) -> None:
    assert parse.parse_venue(text) == _careful_parse_venue(text)


@settings(max_examples=3000, deadline=None)
@given(st.one_of(_VENUE_STRINGS, st.text(max_size=20)))
def test_the_quick_venue_tests_pass_over_only_what_the_patterns_leave(text: str) -> None:
    assert parse._trim(text) == _TRIM.sub("", text)
    if parse._SPRINGER_TAIL.sub("", text) != text:
        assert parse._may_end_in_parts(text)
    if parse._VOLUME.sub("", text) != text:
        assert parse._may_name_a_volume(text)


def test_the_blanks_trimmed_are_what_the_patterns_call_blanks() -> None:
    blank = re.compile(r"\s")
    assert [char for char in map(chr, range(0x110000)) if blank.fullmatch(char)] == list(parse._BLANKS)


# Highlights, among them names that read both ways, joined family names,
# particles, suffixes and an initial: their patterns' family words.
_HIGHLIGHTS = (
    *("Chao Jin", "Jin Chao", "Yann LeCun", "Laura Leal-Taixe", "Guy L. Steele Jr.", "Ludwig van Beethoven"),
    *("José Müller", "Lukasz Wei", "Jin Ｊｉｎ", "Чао 金", "Hans Ǿrsted", "Anna Ǽsir"),
)
_NAME_WORDS = ("Chao", "Jin", "Yann", "Le", "Cun", "LeCun", "Laura", "Leal", "Taixe", "Guy", "Steele", "Jr")
_MORE_WORDS = ("Ludwig", "van", "Beethoven", "de", "la", "O", "Brien", "Wei", "jin", "chao", "0001", "C.", "J")
_JOINERS = (" ", " ", ",", ".", "-", "'", "''", "--", "jr", "II", "{", "}", "\\'e", "~", "é", "\u200b", "$", "`")
# Written otherwise than in ASCII: accents composed and not, letters NFKD
# leaves alone, full-width letters, other scripts, dashes, a no-break space.
_UNICODE = ("José", "Müller", "Łukasz", "e\u0301", "Ｊｉｎ", "Чао", "金", "–", "’", "\xa0", "ß", "Ǆ", "ﬁ", "\u2060")
# Letters folding reads apart from their accent only when composed (ǿ is ø
# with an acute): a name written decomposed decodes to the composed form.
_COMPOSED_APART = ("Ørsted", "Ǿrsted", "\u00d8\u0301rsted", "Ǽsir", "\u00c6\u0301sir", "\u0301")
_NAME_PIECES = [*_NAME_WORDS, *_MORE_WORDS, *_JOINERS, *_UNICODE, *_COMPOSED_APART]
_WRITTEN_NAMES = st.lists(st.sampled_from(_NAME_PIECES), max_size=9).map("".join)


@cache
def _patterns() -> tuple[match.Pattern, ...]:
    made = [match.make_pattern(name, "self") for name in _HIGHLIGHTS]
    return (*made, *(swapped for swapped in map(match.family_first, made) if swapped is not None))


def _passed_over_rightly(written: str) -> None:
    for pattern in _patterns():
        if match.may_name_as_written(pattern.families, written):
            continue
        parts = match.decoded(split_name(written))
        assert not match._may_name(pattern.families, folding.comparable(parts)), (pattern.name, written)
        assert match.match(pattern, parts, match.has_comma(written)) is None, (pattern.name, written)


@settings(max_examples=3000)
@given(written=_WRITTEN_NAMES)
def test_a_name_passed_over_as_written_is_one_no_reading_matches(written: str) -> None:
    _passed_over_rightly(written)


def _judged_by_folding(families: frozenset[str], written: str) -> bool:
    """may_name_as_written without its look at an ASCII name's letters."""
    from bib2pubs.latex.decode import has_latex
    from bib2pubs.names.fold import fold

    if has_latex(written) or not written.isprintable() or not unicodedata.is_normalized("NFC", written):
        return True
    words = set(fold(written.replace(",", " ")).split())
    return any(match._made_of(family, words) for family in families)


@settings(max_examples=3000)
@given(written=_WRITTEN_NAMES)
def test_looking_at_an_ascii_names_letters_first_changes_no_answer(written: str) -> None:
    for pattern in _patterns():
        assert match.may_name_as_written(pattern.families, written) == _judged_by_folding(pattern.families, written)


@pytest.mark.parametrize("path", FILES[::4], ids=lambda path: path.name)
def test_names_passed_over_as_written_match_nobody_on_the_corpus(path: Path) -> None:
    for pub in _publications(path):
        for person in (*pub.authors, *pub.editors):
            _passed_over_rightly(person.written)


def test_the_names_passed_over_are_most_names() -> None:
    # The test is worth its place only if it spares most readings: of the
    # corpus's 65,000 authors and editors, it spares 92% a look for "Chao Jin".
    pattern = match.make_pattern("Chao Jin", "self")
    written = [
        person.written for path in FILES for pub in _publications(path) for person in (*pub.authors, *pub.editors)
    ]
    passed_over = [name for name in written if not match.may_name_as_written(pattern.families, name)]
    assert len(written) > 1000 and len(passed_over) > 0.8 * len(written)
    assert match.may_name_as_written(pattern.families, "Jin, Chao") and match.may_name_as_written(
        pattern.families, "C. Jin"
    )
    # Written with accents, in another script or full-width: judged too.
    assert not match.may_name_as_written(pattern.families, "José Müller")
    assert match.may_name_as_written(pattern.families, "Ｃｈａｏ Ｊｉｎ")


# Names as typed: words, DBLP's numbers, commas and blanks of every kind.
_NAME_PIECES = st.sampled_from(
    ["Wei", "Wang", "0003", "1", "12345", ",", " ", "  ", "\t", "\u00a0", "\u2003", "é", "\n"]
)


@settings(max_examples=3000, deadline=None)
@given(st.lists(_NAME_PIECES, max_size=12).map("".join))
def test_a_dblp_number_is_taken_out_as_the_careful_pattern_takes_it(raw: str) -> None:
    """people._DBLP_NUMBER, searched in a name whose blanks clean_name made
    single spaces, takes out what the pattern for any blanks takes out."""
    careful = re.compile(r"(?<=\S)\s+\d{4}(?=\s*(?:,|$))")
    name = " ".join(raw.split()).replace(" ,", ",")
    assert people.clean_name(raw)[0] == careful.sub("", name)
