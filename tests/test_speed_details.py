"""The quick reading of an entry's details, links, dates and venue string
gives exactly what the careful reading gives.

Each careful reading below is the code as it was before its shortcut (all
fields looked at, every pattern tried); the shortcut is held to it on the
whole corpus and on generated input, as in test_fast_paths.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bib2pubs import load
from bib2pubs.details import _LEADING, _locator, _pages, read_identifiers, read_locators, text_of
from bib2pubs.latex.decode import latex_to_text
from bib2pubs.model import Diagnostic, Identifiers, Locators
from bib2pubs.read import links
from bib2pubs.read.bibtex import RawEntry
from bib2pubs.read.dates import _MONTH_WORD, _MONTHS, _YEAR, parse_month, parse_year
from bib2pubs.venues import classify as venue_kinds
from bib2pubs.venues import parse
from tests.conftest import CORPUS, ROOT
from tests.corpus_support import entries_of

FILES = sorted(CORPUS.rglob("*.bib"))


ENTRIES = list(entries_of(FILES))


def test_the_corpus_is_large_enough_to_tell() -> None:
    assert len(ENTRIES) > 3000


# -- details: locators and identifiers -------------------------------------

_LOCATOR_FIELDS = (
    "volume", "number", "issue", "pages", "chapter", "edition", "series", "publisher", "address", "location"
)  # fmt: skip


def careful_locators(fields: Mapping[str, str], event_place: str) -> Locators:
    present = set(_LOCATOR_FIELDS).intersection(fields)
    if not present:
        return Locators()
    found = {name: _locator(fields[name]) for name in present if name != "pages"}
    address = found.get("address", "")
    if not address and "location" in found:
        location = _LEADING.sub("", found["location"])
        address = "" if event_place and location == event_place else location
    return Locators(
        volume=found.get("volume", ""),
        number=found.get("number") or found.get("issue", ""),
        pages=_pages(fields["pages"]) if "pages" in fields else "",
        chapter=found.get("chapter", ""),
        edition=found.get("edition", ""),
        series=found.get("series", ""),
        publisher=found.get("publisher", ""),
        address=address,
    )


def careful_identifiers(entry: RawEntry) -> tuple[Identifiers, list[Diagnostic]]:
    fields = entry.fields
    found = {
        "doi": ("doi", links.doi_name(fields["doi"]) if "doi" in fields else ""),
        "arxiv": ("arxiv" if "arxiv" in fields else "eprint", careful_arxiv_id(fields)),
    }
    problems = []
    for name, (field, value) in found.items():
        dropped = careful_dropped_target(entry, field, value, name)
        if dropped is not None:
            found[name] = (field, "")
            problems.append(dropped)
    identifiers = Identifiers(found["doi"][1], found["arxiv"][1], text_of(fields, "isbn"), text_of(fields, "issn"))
    return identifiers, problems


def _places(entry: RawEntry) -> list[str]:
    """Event places to try: none, and the entry's own location (the
    venue may show it as the event's place)."""
    return ["", latex_to_text(entry.fields.get("location", "")).lstrip(" ,;:")]


def test_locators_and_identifiers_agree_on_the_corpus() -> None:
    for entry in ENTRIES:
        for place in _places(entry):
            assert read_locators(entry.fields, place) == careful_locators(entry.fields, place), entry.key
        assert read_identifiers(entry) == careful_identifiers(entry), entry.key


# Values as files write them, and what a shortcut could get wrong: digits
# of other scripts, blanks, trailing commas, LaTeX, empty values.
_VALUE_PIECES = st.sampled_from(
    ["1", "42", "2024", "０", "²", "٣", " ", "\t", "\n", ",", ";", ":", "{", "}", "\\", "\\'e", "--", "-", "–",
     "iv", "S12", "No Pagination Specified", "javascript:", "https://doi.org/", "10.1/x", "arXiv:", "&#106;", "x"]
)  # fmt: skip
_VALUES = st.lists(_VALUE_PIECES, max_size=6).map("".join)
_DETAIL_NAMES = st.sampled_from(
    [*_LOCATOR_FIELDS, "doi", "arxiv", "eprint", "archiveprefix", "eprinttype", "isbn", "issn", "title"]
)
_DETAIL_FIELDS = st.dictionaries(_DETAIL_NAMES, _VALUES, max_size=8)


@settings(max_examples=1500, deadline=None)
@given(fields=_DETAIL_FIELDS, place=st.sampled_from(["", "Tucson", "x", "1"]))
def test_locators_and_identifiers_agree_on_generated_fields(fields: dict[str, str], place: str) -> None:
    assert read_locators(fields, place) == careful_locators(fields, place)
    entry = RawEntry("article", "k", fields, "x.bib", 1, {"doi": 2, "eprint": 3})
    assert read_identifiers(entry) == careful_identifiers(entry)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="0123456789", min_size=1, max_size=8))
def test_a_number_alone_needs_no_decoding(value: str) -> None:
    assert _locator(value) == value


# -- links -------------------------------------------------------------------

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")


def careful_unsafe_scheme(url: str) -> str | None:
    if links._WEB_LINK.match(url):
        return None
    if "&" in url:
        import html

        url = html.unescape(url)
    seen = links._INVISIBLE.sub("", url)
    scheme = _SCHEME.match(seen)
    if scheme and len(scheme.group(1)) > 1 and scheme.group(1).lower() not in links._SAFE_SCHEMES:
        return scheme.group(1)
    return None


def careful_dropped_target(entry: RawEntry, field: str, value: str, what: str) -> Diagnostic | None:
    scheme = careful_unsafe_scheme(value)
    if scheme is None:
        return None
    line = entry.field_lines.get(field, entry.line)
    return Diagnostic(entry.file, line, entry.key or None, "warning", f"{what} with a '{scheme}:' target dropped")


def careful_arxiv_id(fields: Mapping[str, str]) -> str:
    if "arxiv" in fields:
        return links._ARXIV_PREFIX.sub("", links.clean_url(fields["arxiv"])).removesuffix(".pdf")
    eprint = links._ARXIV_PREFIX.sub("", links.clean_url(fields.get("eprint", "")))
    if not eprint:
        return ""
    archive = (fields.get("archiveprefix") or fields.get("eprinttype") or "").strip("{} ").lower()
    if archive == "arxiv" or (not archive and links._ARXIV_ID.fullmatch(eprint)):
        return eprint
    return ""


def careful_links(entry: RawEntry) -> tuple[dict[str, str], list[Diagnostic]]:
    fields = entry.fields
    found: dict[str, str] = {}
    places: set[str] = set()
    diagnostics: list[Diagnostic] = []
    for kind, names in links.LINK_FIELDS:
        source = None
        for name in names:
            if name in fields:
                source = name
                break
        if kind == "arxiv":
            identifier = careful_arxiv_id(fields)
            url = f"https://arxiv.org/abs/{identifier}" if identifier else None
            source = "arxiv" if "arxiv" in fields else "eprint"
        elif source is None and kind == "url" and links._HOWPUBLISHED_URL.fullmatch(fields.get("howpublished", "")):
            source = "howpublished"
            url = links.clean_url(fields[source])
        elif source is None:
            continue
        elif kind == "doi":
            url = links.doi_url(fields[source])
        else:
            url = links.clean_url(fields[source])
        if kind == "url" and url and links._DOI_PREFIX.match(url) and links.doi_name(url):
            doi = links.doi_url(url)
            if links._place(doi) == links._place(found.get("doi", doi)):
                kind, url = "doi", doi
        if url is None:
            continue
        place = links._place(url)
        if url and place in places:
            continue
        dropped = careful_dropped_target(entry, source, url, f"{kind} link")
        if dropped is not None:
            diagnostics.append(dropped)
            continue
        found[kind] = url
        places.add(place)
    return found, diagnostics


def test_links_agree_on_the_corpus() -> None:
    for entry in ENTRIES:
        assert links.extract_links(entry) == careful_links(entry), entry.key
        assert links.arxiv_id(entry.fields) == careful_arxiv_id(entry.fields), entry.key


_LINK_NAMES = sorted({name for _, names in links.LINK_FIELDS for name in names} | {"eprint", "howpublished"})
_LINK_VALUES = st.sampled_from(
    ["https://x.org/a", "http://x.org/a/", "https://www.x.org/a", "\\url{https://x.org/a}", "javascript:alert(1)",
     "&#106;avascript:x", "10.1145/1", "https://doi.org/10.1145/1", "http://dx.doi.org/10.1145/1", "doi:10.1/y",
     "2107.10279", "arXiv:2107.10279", "hep-th/9901001", "a.pdf", "", " ", "data:x", "C:/paper.pdf", "arxiv", "ArXiv"]
)  # fmt: skip
_LINK_FIELDS = st.dictionaries(
    st.sampled_from([*_LINK_NAMES, "archiveprefix", "eprinttype", "title"]), _LINK_VALUES, max_size=6
)


@settings(max_examples=2000, deadline=None)
@given(_LINK_FIELDS)
def test_links_agree_on_generated_fields(fields: dict[str, str]) -> None:
    entry = RawEntry("misc", "k", fields, "x.bib", 1, dict.fromkeys(fields, 2))
    assert links.extract_links(entry) == careful_links(entry)
    assert links.arxiv_id(fields) == careful_arxiv_id(fields)


@settings(max_examples=1000, deadline=None)
@given(st.lists(_LINK_VALUES, max_size=3).map("".join))
def test_unsafe_scheme_agrees(url: str) -> None:
    assert links.unsafe_scheme(url) == careful_unsafe_scheme(url)


# -- dates -------------------------------------------------------------------


def careful_year(value: str) -> int | None:
    match = _YEAR.search(value)
    return int(match.group(1)) if match else None


def careful_month(value: str) -> int | None:
    text = value.strip().strip("{}").strip()
    if text.isdecimal():
        number = int(text)
        return number if 1 <= number <= 12 else None
    word = _MONTH_WORD.match(text)
    if word:
        return _MONTHS.get(word.group().lower())
    return None


def test_years_and_months_agree_on_the_corpus() -> None:
    for entry in ENTRIES:
        for name in ("year", "month", "date"):
            if name in entry.fields:
                value = latex_to_text(entry.fields[name])
                assert parse_year(value) == careful_year(value), entry.key
                assert parse_month(value) == careful_month(value), entry.key


# Letters whose case the month names' letters share only loosely (the
# Kelvin sign lower-cases to "k", dotted I to two characters), other digits.
_DATE_CHARS = st.sampled_from([*"0129 {}-/aAjJnNuUsSeEpPtTmMyYcCkKoOvVdDbBrRgGlL", "İ", "ı", "K", "٢", "２", "²"])


@settings(max_examples=3000, deadline=None)
@given(st.one_of(st.lists(_DATE_CHARS, max_size=9).map("".join), st.sampled_from([*_MONTHS, "Sept", "SEP", "dEc"])))
def test_years_and_months_agree_on_generated_values(value: str) -> None:
    assert parse_year(value) == careful_year(value)
    assert _outcome(parse_month, value) == _outcome(careful_month, value)


def _outcome(read: Callable[[str], int | None], value: str) -> int | str | None:
    """What ``read`` gives, or the error it raises (none should: "²", a
    digit to str.isdigit but not to int(), once made one)."""
    try:
        return read(value)
    except ValueError as error:
        return repr(error)


# -- venue kinds and names ---------------------------------------------------

_TRAILING = re.compile(r"[\s,;:]+$")
# Every kind of blank the decoder may meet, and what a venue's name ends with.
_BLANKS_AND_ENDS = st.sampled_from([*"a ,;:\t\n\r\x0b\x0c\x1c\x85\xa0{}\\~", "\u2028", "\u3000", "\\,", "\\ "])


@settings(max_examples=2000, deadline=None)
@given(st.lists(_BLANKS_AND_ENDS, max_size=10).map("".join))
def test_decoded_text_ends_as_the_pattern_ends_it(value: str) -> None:
    decoded = latex_to_text(value)
    assert decoded.rstrip(venue_kinds._TRAILING) == _TRAILING.sub("", decoded)


def test_the_skipped_venue_checks_could_not_have_matched() -> None:
    # An absent pubstate or howpublished is read as "": neither says anything.
    assert "" not in venue_kinds._PREPRINT_STATES
    assert venue_kinds._URL_ONLY.fullmatch("") is None
    # An empty howpublished or organization is no talk.
    assert venue_kinds._PRESENTATION_KIND.fullmatch("") is None
    assert venue_kinds._TALK_AT.search("") is None


def careful_split_status(written: str) -> tuple[str, str]:
    alone = venue_kinds._STATUS_ONLY.fullmatch(written)
    if alone:
        return "", venue_kinds._status_words(alone.group(1))
    before = venue_kinds._STATUS_BEFORE.search(written)
    after = venue_kinds._STATUS_AFTER.search(written)
    for found, rest in (
        (before, written[before.end() :] if before else ""),
        (after, written[: after.start()] if after else ""),
    ):
        if found and rest.strip():
            return rest.strip(), venue_kinds._status_words(found.group(1))
    return written, ""


def careful_text(fields: Mapping[str, str], *names: str) -> str:
    for name in names:
        value = fields.get(name)
        if value is not None:
            text = _TRAILING.sub("", latex_to_text(value))
            if text:
                return text
    return ""


def test_kinds_statuses_and_venues_agree_on_the_corpus() -> None:
    from bib2pubs.venues.table import builtin_table

    table = builtin_table()
    for entry in ENTRIES:
        fields, year = entry.fields, parse_year(entry.fields.get("year", ""))
        kind = venue_kinds.classify(entry.type, fields)
        quick = (kind, venue_kinds.venue_status(kind, entry.type, fields))
        quick_venue = venue_kinds.read_venue(kind, entry.type, fields, year, table)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(venue_kinds, "split_status", careful_split_status)
            patch.setattr(venue_kinds, "_text", careful_text)
            patch.setattr(venue_kinds, "_parsed", parse.parse_venue)  # each string read anew
            careful = (kind, venue_kinds.venue_status(kind, entry.type, fields))
            assert venue_kinds.classify(entry.type, fields) == kind, entry.key
            assert quick == careful, entry.key
            assert quick_venue == venue_kinds.read_venue(kind, entry.type, fields, year, table), entry.key


_STATUS_PIECES = st.sampled_from(
    ["to appear", "To  Appear", "in ", "Nature", ", ", "(", ")", "accepted", "under review", "In Press", "press",
     "Manuscript", " ", "Pediatrics in Review", "submitted to", "forthcoming", ". ", "2024", "revise and resubmit",
     "\\apj", "{\\mnras}", " : ", "JASN", "Journal of X", ":", "\\"]
)  # fmt: skip


@settings(max_examples=2000, deadline=None)
@given(st.lists(_STATUS_PIECES, max_size=6).map("".join))
def test_statuses_and_journal_forms_agree_on_generated_strings(written: str) -> None:
    assert venue_kinds.split_status(written) == careful_split_status(written)
    # What the journal's quick tests pass over: no macro without a
    # backslash, no NLM acronym without a colon.
    if venue_kinds._AAS_MACRO.fullmatch(written):
        assert "\\" in written
    if venue_kinds._NLM_ACRONYM.fullmatch(written):
        assert ":" in written


# -- venue strings -----------------------------------------------------------


def careful_parse_venue(text: str) -> parse.VenueString:
    """parse_venue with its prefilters let through: every pattern tried."""
    with pytest.MonkeyPatch.context() as patch:
        for quick_test in ("_may_hold_dates", "_may_say_held", "_may_have_subtitle", "_may_be_findings"):
            patch.setattr(parse, quick_test, lambda text: True)
        return parse.parse_venue(text)


_VENUE_FIELDS = ("booktitle", "journal", "journaltitle", "eventtitle", "series", "venue", "location", "howpublished")


def test_a_venue_string_read_once_is_shared_unchanged() -> None:
    # What _parsed hands out again cannot be changed by the one it was handed to.
    with pytest.raises(AttributeError):
        parse.parse_venue("NSDI 2024").name = "x"  # type: ignore[misc]


def test_venue_strings_parse_alike_on_the_corpus() -> None:
    seen = set()
    for entry in ENTRIES:
        for name in _VENUE_FIELDS:
            if name in entry.fields:
                seen.add(latex_to_text(entry.fields[name]))
    assert len(seen) > 1000
    for text in sorted(seen):
        assert parse.parse_venue(text) == careful_parse_venue(text), text


# Pieces of venue strings, with the letters that match others when case is
# ignored (dotless and dotted i, long s, the Kelvin sign) and other digits.
_VENUE_PIECES = st.sampled_from(
    ["Proceedings of the ", "21st ", "Conference", " Workshop", ", ", ": ", "NSDI", " 2024", " '24", "April",
     " 15-17", "Sept.", "27 June 2022 - 1 July 2022", " Held as Part of ", "HELD as part of", "ETAPS 2022",
     "Findings of the ACL", "FINDINGS of the Association for Computational Linguistics", "fındings", "ſ", "İ",
     "K", "２０２３", "١٩٩٩", "Dec", "Decision", " - ", "(ICDE 2019)", "Santa Clara, CA", " Part II", ":", "held"]
)  # fmt: skip


_MONTH_NAMES = [*_MONTHS, *(name.title() for name in _MONTHS), "Sept.", "Dec.", "JAN"]
# Dates as exporters write them, every month among them.
_VENUE_DATES = st.builds(
    "{}{} {}, {}{}".format,
    st.sampled_from([", ", ",", " "]),
    st.sampled_from(_MONTH_NAMES),
    st.sampled_from(["6", "6-8", "25 - July 1"]),
    st.sampled_from(["2004", "２０２３", "19"]),
    st.sampled_from(["", ", Austin, TX", ", "]),
)
_VENUE_STRINGS = st.lists(st.one_of(_VENUE_PIECES, _VENUE_DATES), max_size=8).map("".join)


@settings(max_examples=1500, deadline=None)
@given(_VENUE_STRINGS)
def test_venue_strings_parse_alike_on_generated_strings(text: str) -> None:
    assert parse.parse_venue(text) == careful_parse_venue(text)


@settings(max_examples=3000, deadline=None)
@given(_VENUE_STRINGS)
def test_what_the_quick_tests_pass_over_could_not_have_matched(text: str) -> None:
    for pattern, may_match in (
        (parse._HELD_AS_PART, parse._may_say_held),
        (parse._EDITION_SUBTITLE, parse._may_have_subtitle),
        (parse._TRAILING_DATES, parse._may_hold_dates),
        (parse._MIDDLE_DATES, parse._may_hold_dates),
        (parse._PLACE_DATES, parse._may_hold_dates),
    ):
        if pattern.search(text):
            assert may_match(text), pattern.pattern
    if parse._FINDINGS.match(text):
        assert parse._may_be_findings(text)


def test_no_other_letter_stands_for_h_e_l_or_d_when_case_is_ignored() -> None:
    # Why "held" in the lower-cased string misses no match of _HELD_AS_PART.
    loose = re.compile("[held]", re.I)
    assert [char for char in map(chr, range(0x110000)) if loose.fullmatch(char)] == [*"DEHLdehl"]


_COMPILED = """
from bib2pubs.venues import parse
parse.parse_venue("Proceedings of the ACM SIGCOMM 2023 Conference")
for name in ("_TRAILING_DATES", "_MIDDLE_DATES", "_PLACE_DATES", "_FINDINGS", "_EDITION_SUBTITLE", "_HELD_AS_PART"):
    try:
        object.__getattribute__(getattr(parse, name), "match")
        print(name)
    except AttributeError:
        pass
"""


def test_a_venue_string_without_dates_compiles_no_pattern_of_dates() -> None:
    done = subprocess.run([sys.executable, "-c", _COMPILED], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.split() == []


@pytest.mark.parametrize(("month", "expected"), [("²", None), ("٣", 3), ("１２", 12), ("{4}", 4)])
def test_a_month_in_other_digits_is_read_or_left_out_never_an_error(month: str, expected: int | None) -> None:
    assert parse_month(month) == expected


def test_an_entry_with_a_superscript_month_is_listed(tmp_path: Path) -> None:
    bib = tmp_path / "month.bib"
    bib.write_text("@article{k, title = {T}, author = {A B}, journal = {J}, year = 2020, month = {²}}\n")
    listing = load(bib)
    assert [(pub.key, pub.year, pub.month) for group in listing.groups for pub in group.entries] == [("k", 2020, None)]
    assert [d.message for d in listing.diagnostics] == ["month '²' is not a month; left out"]
