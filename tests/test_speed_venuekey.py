"""A venue is read once per venue string and finished per issue.

``extract_venue`` shares the costly reading of a venue (its string parsed,
looked up in the table, its abbreviation expanded) among all entries of a
kind that write the same venue fields, whatever their volume, number and
year; those only finish the reading (``_finish``: an issue named after a
conference, CoRR's ``abs/…`` volume, the year in the label and the URL).
Checked here against the reading as it was before that split (kept below,
as it was written), on the whole corpus and on generated entries; and the
shared reading against the fields it is shared by.
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bib2pubs.latex.decode import latex_to_text
from bib2pubs.model import Venue
from bib2pubs.read.dates import format_event_dates, parse_year
from bib2pubs.read.links import arxiv_id, clean_url
from bib2pubs.venues import classify as venues
from bib2pubs.venues.abbreviations import journal_key
from bib2pubs.venues.classify import (
    _ARXIV_ALONE,
    _ARXIV_IN_NAME,
    _CORR,
    _CORR_VOLUME,
    _EVENT,
    _EVENT_ISSUE,
    _FIELDS_BY_KIND,
    _OTHER_FIELDS,
    _PREPRINT_SERVERS,
    _PRESENTATION_KIND,
    _PROCEEDINGS_OF,
    _STATUS_WORD,
    _TALK_AT,
    _UNDER_REVIEW,
    _URL_ONLY,
    VENUE_FIELDS,
    _aas_by_title,
    _aas_journal,
    _abbreviated_journal,
    _event_location,
    _has_status_word,
    _label,
    _names_a_server,
    _nlm_title,
    _parsed,
    _read,
    _recognise,
    _text,
    _thesis,
    classify,
    extract_venue,
    preprint_server,
    read_venue,
    split_status,
    venue_status,
)
from bib2pubs.venues.parse import VenueString
from bib2pubs.venues.table import KnownVenue, VenueTable, builtin_table
from tests.conftest import CORPUS
from tests.corpus_support import RecordingFields, entries_of

KINDS = ("journal", "conference", "workshop", "chapter", "thesis", "report", "book", "preprint", "other", "talk")
TABLES = (builtin_table(), None)


ENTRIES = list(entries_of(sorted(CORPUS.rglob("*.bib"))))


def _agrees_with_the_reading_before(
    kind: str, entry_type: str, fields: Mapping[str, str], year: int | None, table: VenueTable | None
) -> None:
    before = old_read_venue(kind, entry_type, fields, year, table)
    assert read_venue(kind, entry_type, fields, year, table) == before
    assert extract_venue(kind, entry_type, fields, year, table) == before
    # What the shared reading is keyed by is all it reads; the DOI's
    # server is part of the key only for a preprint.
    recording = RecordingFields(fields)
    server = preprint_server(fields)
    reading = _read(kind, entry_type, recording, table, server)
    assert recording.asked <= set(_FIELDS_BY_KIND.get(kind, _OTHER_FIELDS)), recording.asked
    if kind != "preprint":
        assert _read(kind, entry_type, fields, table, "Research Square") == reading


def test_the_corpus_is_large_enough_to_tell() -> None:
    assert len(ENTRIES) > 3000


@pytest.mark.parametrize("table", TABLES, ids=("builtin", "none"))
def test_the_split_reading_is_the_reading_before_on_the_corpus(table: VenueTable | None) -> None:
    for entry in ENTRIES:
        year = parse_year(entry.get("year"))
        kind = classify(entry.type, entry.fields)
        _agrees_with_the_reading_before(kind, entry.type, entry.fields, year, table)


def test_every_kind_of_reading_is_the_reading_before_on_the_corpus() -> None:
    # Each entry read as every kind: every branch meets every field.
    table = builtin_table()
    for entry in ENTRIES:
        for kind in KINDS:
            _agrees_with_the_reading_before(kind, entry.type, entry.fields, None, table)


def test_the_kinds_fields_are_the_venues_fields() -> None:
    named = {name for names in (*_FIELDS_BY_KIND.values(), _OTHER_FIELDS) for name in names}
    assert named | {"volume", "number"} == set(VENUE_FIELDS)
    assert "volume" not in named and "number" not in named


def _fresh_caches() -> None:
    venues._cached_venue.cache_clear()
    venues._cached_reading.cache_clear()


def test_one_reading_serves_every_issue_of_a_journal() -> None:
    _fresh_caches()
    labels = []
    for volume, number in (("7", "PLDI"), ("7", "OOPSLA2"), ("8", "3"), ("8", None)):
        fields = {"journal": "Proceedings of the ACM on Programming Languages", "volume": volume}
        fields |= {"number": number} if number else {}
        venue, kind = extract_venue("journal", "article", fields, 2023, builtin_table())
        assert (venue, kind) == old_read_venue("journal", "article", fields, 2023, builtin_table())
        labels.append(venue.label)
    assert labels[:2] == ["PLDI 2023", "OOPSLA 2023"]
    assert venues._cached_reading.cache_info().misses == 1


def test_one_reading_serves_every_corr_preprint() -> None:
    _fresh_caches()
    labels = []
    for volume in ("abs/2107.10279", "abs/{2312.02228}", "{abs/1901.00001}", "12", None):
        fields = {"journal": "CoRR", **({"volume": volume} if volume else {})}
        venue, kind = extract_venue("preprint", "article", fields, 2021, builtin_table())
        assert (venue, kind) == old_read_venue("preprint", "article", fields, 2021, builtin_table())
        labels.append(venue.label)
    assert labels == ["arXiv:2107.10279", "arXiv:2312.02228", "arXiv:1901.00001", "", ""]
    assert venues._cached_reading.cache_info().misses == 1


# Values as files write them, chosen to reach every rule that reads the
# volume, the number or the year, and the rules around them.
_VALUES = st.sampled_from(
    ["CoRR", "{CoRR}", "corr", "abs/2107.10279", "abs/{2312.02228}", " abs/1901.00001 ",
     "arXiv preprint arXiv:2107.10279", "arXiv:2107.10279 [cond-mat]", "arXiv e-prints", "arXiv [math.OC]",
     "arXiv", "2107.10279", "arxiv",
     "Proceedings of the ACM on Programming Languages", "Proc. ACM Program. Lang.", "PLDI", "{PLDI}", "OOPSLA2",
     "CSCW", "3", "12", "Journal of the ACM", "J. ACM", "IEEE Trans. Autom. Control", "\\apj", "{\\mnras}",
     "Phys. Rev. D", "Nature, in press", "to appear in Nature", "Manuscript under review", "Submitted to ICLR 2024",
     "21st USENIX Symposium on Networked Systems Design and Implementation, NSDI 2024, Santa Clara, CA, "
     "April 15-17, 2024",
     "NSDI '24", "NSDI", "Proceedings of the 29th Symposium on Operating Systems Principles", "SOSP '23",
     "ILP 2017, Orléans, France, September 4-6, 2017", "Inductive Logic Programming", "Workshop on Hot Topics",
     "WWW '22 Companion", "IGARSS 2024 - 2024 IEEE International Geoscience and Remote Sensing Symposium",
     "Proceedings of the Twentieth International Conference on Machine Learning", "Journal of the American Society "
     "of Nephrology : JASN", "Rheumatology (Oxford, England)", "Advances in Neural Information Processing Systems",
     "Springer", "Cold Spring Harbor Laboratory", "https://example.org/venue", "\\url{https://example.org}",
     "Poster", "Invited talk at the Annual Conference", "IEEE Computer Society", "New York, NY, USA", "Santa Clara",
     "2024-04-15/2024-04-17", "PhD", "phdthesis", "MIT", "TPDS", "My label", "", "{}", " ", "2017", "'24"]
)  # fmt: skip
_DOIS = st.sampled_from(
    ["10.48550/arXiv.2107.10279", "10.1101/2020.01.01.123456", "10.21203/rs.3.rs-1/v1", "10.1145/1"]
)
# The rules that read the volume and the number meet their values often.
_OFTEN = st.sampled_from(["CoRR", "abs/2107.10279", "PLDI", "OOPSLA2", "NSDI '24", "TPDS", "{PLDI}"])
_NAMES = st.one_of(
    st.sampled_from(["journal", "journaltitle", "booktitle", "volume", "number", "abbr", "venuelabel"]),
    st.sampled_from([*VENUE_FIELDS, "doi"]),
)
_FIELDS = st.dictionaries(_NAMES, st.one_of(_OFTEN, _VALUES), max_size=7)


@settings(max_examples=1500, deadline=None)
@given(
    fields=_FIELDS,
    doi=st.one_of(st.none(), _DOIS),
    kind=st.sampled_from(KINDS),
    entry_type=st.sampled_from(["article", "inproceedings", "phdthesis", "misc", "book", "unpublished"]),
    year=st.sampled_from([None, 1999, 2017, 2024]),
    table=st.sampled_from(TABLES),
)
def test_the_split_reading_is_the_reading_before_on_generated_entries(
    fields: dict[str, str],
    doi: str | None,
    kind: str,
    entry_type: str,
    year: int | None,
    table: VenueTable | None,
) -> None:
    if doi is not None:
        fields = {**fields, "doi": doi}
    _agrees_with_the_reading_before(kind, entry_type, fields, year, table)
    # Entries that differ in volume, number and year alone share a reading
    # and still each get their own venue.
    for volume, number, other_year in (("abs/2401.00001", "PLDI", 2011), (None, None, None)):
        other = {name: value for name, value in fields.items() if name not in ("volume", "number")}
        other |= {name: value for name, value in (("volume", volume), ("number", number)) if value is not None}
        _agrees_with_the_reading_before(kind, entry_type, other, other_year, table)


# -- status words and preprint servers, looked for in lower-case text -------


def test_status_words_and_servers_are_found_alike_on_the_corpus() -> None:
    seen = {value for entry in ENTRIES for value in entry.fields.values() if len(value) < 300}
    seen |= {latex_to_text(value) for value in seen}
    assert len(seen) > 10000
    for text in seen:
        assert _has_status_word(text) == bool(_STATUS_WORD.search(text)), text
        assert _names_a_server(text) == bool(_PREPRINT_SERVERS.search(text)), text


# Words of both patterns in any case, and the letters IGNORECASE matches
# beyond ASCII: the long s, the dotted and dotless i, the Kelvin sign.
_WORD_PIECES = st.sampled_from(
    ["appear", "ACCEPTED", "Submitted", "press", "PrEsS", "forthcoming", "resubmit", "Review", "preparation",
     "arXiv", "ARXIV", "CoRR", "bioRxiv", "medrxiv", "ChemRxiv", "TechRxiv", "PsyArXiv", "SocArXiv", "SSRN",
     "Research", "Square", "OSF", "Preprints", "preprint", "ſ", "İ", "ı", "K", "é", "\\", "-", "_", "1", " ", "  ",
     "\n", "s", "i", "k", "x", "e", "r", "v", "w"]
)  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(st.lists(_WORD_PIECES, max_size=8).map("".join))
def test_status_words_and_servers_are_found_alike_in_generated_text(text: str) -> None:
    assert _has_status_word(text) == bool(_STATUS_WORD.search(text))
    assert _names_a_server(text) == bool(_PREPRINT_SERVERS.search(text))


def test_a_status_is_read_from_the_name_as_before() -> None:
    # The DOI's server is the name only of a preprint: other kinds' names,
    # and so their statuses, are read without it.
    for entry in ENTRIES:
        for kind in KINDS:
            before = split_status(_old_name(kind, entry.type, entry.fields, preprint_server(entry.fields)))[1]
            assert venue_status(kind, entry.type, entry.fields) == before, entry.key


# -- the reading before the split, as it was written -------------------------


def _old_name(kind: str, entry_type: str, fields: Mapping[str, str], server: str) -> str:
    if "howpublished" in fields and _URL_ONLY.fullmatch(fields["howpublished"]):
        fields = {name: value for name, value in fields.items() if name != "howpublished"}
    if kind == "journal":
        # An @article with a journal's title as booktitle ("Proceedings of
        # the VLDB Endowment", as Google Scholar writes PVLDB). A publisher
        # is no journal ("Springer"): without a title, none is shown.
        return _text(fields, "journaltitle", "journal", "booktitle")
    if kind in ("conference", "workshop"):
        # A talk's event is often in ``howpublished`` ("Poster" says only
        # what it was) or, written out, in ``organization`` ("Invited talk at
        # the … Annual Conference"; not a sponsor: "IEEE Computer Society").
        howpublished = _text(fields, "howpublished")
        organization = _text(fields, "organization")
        # Neither pattern matches an empty field: most have neither.
        if howpublished and _PRESENTATION_KIND.fullmatch(howpublished):
            # "Poster" at the organization's meeting: the organization is where.
            howpublished, organization = "", organization or howpublished
        elif organization and not _TALK_AT.search(organization):
            organization = ""
        return _text(fields, "booktitle", "eventtitle", "journal") or howpublished or organization
    if kind == "chapter":
        return _text(fields, "booktitle", "maintitle", "publisher")
    if kind == "thesis":
        return _thesis(entry_type, fields)
    if kind == "report":
        return _text(fields, "institution", "organization", "publisher")
    if kind == "book":
        return _text(fields, "publisher", "organization")
    if kind == "preprint":
        name = _text(fields, "journaltitle", "journal", "howpublished", "publisher")
        # A booktitle says where a submitted paper is not yet published,
        # unless it says so itself ("Submitted to …", as OpenReview writes).
        booktitle = _text(fields, "booktitle")
        name = name or (booktitle if _UNDER_REVIEW.match(booktitle) or split_status(booktitle)[1] else "")
        if server and (not name or name == _text(fields, "publisher")):
            return server  # "bioRxiv" for Crossref's "Cold Spring Harbor Laboratory"
        return name or ("arXiv preprint" if arxiv_id(fields) else "")
    return _text(fields, "howpublished", "journal", "booktitle", "publisher", "organization", "institution")


def old_read_venue(
    kind: str,
    entry_type: str,
    fields: Mapping[str, str],
    year: int | None,
    table: VenueTable | None = None,
    server: str | None = None,
) -> tuple[Venue, str]:
    """The venue of an entry and its kind, refined by the venue table.
    ``server`` is the entry's ``preprint_server`` (computed when None).

    The entry's own fields win (``venuename``, ``abbr``, ``venuelabel``,
    ``venueurl``, ``venue``/``location``, ``eventdate``); then the table
    (canonical name, acronym, URL); then what the venue string itself says
    (DBLP's place and dates, an acronym in parentheses). An unknown venue
    keeps its own name, cleaned: nothing is invented.
    """
    aas = _aas_journal(fields) if kind == "journal" else None
    server = preprint_server(fields) if server is None else server
    written = aas[0] if aas else split_status(_old_name(kind, entry_type, fields, server))[0]
    nlm_short = ""
    if kind == "journal" and not aas:
        written, nlm_short = _nlm_title(written)
        # "Physical Review D" as ADS's \\prd and "Phys. Rev. D" read.
        aas = _aas_by_title().get(journal_key(written))
    event = kind in ("conference", "workshop")
    # A journal's title is shown as written ("Proceedings of the IEEE"),
    # but read like an event's for finding it in the table: Google Scholar
    # files NeurIPS and ICCV papers under "journal".
    parsed = _parsed(written) if event or kind == "journal" else VenueString(written)
    known = _recognise(kind, fields, written, parsed, table) if table is not None else None
    if known is not None:
        kind = known.kind
        event = kind in ("conference", "workshop")
    elif kind == "journal" and (parsed.year or _PROCEEDINGS_OF.match(written)) and _EVENT.search(parsed.name):
        # "IGARSS 2024 - 2024 IEEE International … Symposium", "Proceedings of
        # the Twentieth International Conference on …" filed as a journal.
        kind, event = ("workshop" if parsed.workshop else "conference"), True
    if not event and known is None:
        parsed = VenueString(written)
    expanded = _abbreviated_journal(written, table) if kind == "journal" and known is None and not aas else None
    if isinstance(expanded, KnownVenue):
        known = expanded
    elif expanded is not None:
        aas = (expanded.name, expanded.short)
    name = _text(fields, "venuename") or (known.name if known else aas[0] if aas else parsed.name)
    acronym = parsed.acronym
    if known is None and table is not None and (parsed.qualified or parsed.workshop) and table.by_acronym(acronym):
        acronym = ""  # the host's ("WWW" for its companion volume): not this venue's
    short = _text(fields, "abbr", "shortjournal", "shortbooktitle") or (
        known.short if known else aas[1] if aas else nlm_short or acronym
    )
    issue = _EVENT_ISSUE.fullmatch(_text(fields, "number")) if kind == "journal" else None
    if issue and not _text(fields, "abbr", "venuelabel"):
        # ACM's journals of conference papers name the issue after the
        # conference (PACMPL's number = {PLDI}, PACMHCI's CSCW): a PLDI paper.
        short = issue.group(1)
    # The event's year, where the string dates the event (Springer's
    # "ILP 2017, Orléans, France, September 4-6, 2017" in a 2018 volume):
    # the label names the event, "ILP 2017".
    year = parsed.year if (event and parsed.dates and parsed.year) or year is None else year
    label = _text(fields, "venuelabel") or _label("conference" if issue else kind, short, name, year)
    url = clean_url(fields.get("venueurl", "")) or (known.url_for(year) if known else "")
    if kind == "preprint":
        name, short, label = _old_preprint(fields, written, name, short, label)
    location = _text(fields, "venue")
    if not location and event:
        location = _event_location(fields) or parsed.location
    dates = ""
    if "eventdate" in fields:
        raw = fields["eventdate"]
        dates = format_event_dates(raw) or latex_to_text(raw)
    elif event:
        dates = parsed.dates
    return Venue(name, short, label, url, location, dates), kind


def _old_preprint(fields: Mapping[str, str], written: str, name: str, short: str, label: str) -> tuple[str, str, str]:
    """An arXiv preprint's name, short form and label ("arXiv preprint",
    "arXiv", "arXiv:2312.02228"), from DBLP's ``journal = {CoRR}, volume =
    {abs/…}``, Scholar's "arXiv preprint arXiv:…", or an arXiv ``eprint``;
    its link is the arXiv button."""
    corr = _CORR_VOLUME.fullmatch(latex_to_text(fields.get("volume", "")).strip())
    in_name = _ARXIV_IN_NAME.fullmatch(written)
    own_short = _text(fields, "abbr", "shortjournal")
    if corr and _CORR.fullmatch(written):
        return "arXiv preprint", own_short or "arXiv", f"arXiv:{corr.group(1)}"
    if _CORR.fullmatch(written):
        return "arXiv preprint", own_short or "arXiv", label if label.casefold() != "corr" else ""
    if in_name and not _text(fields, "venuename"):
        return "arXiv preprint", own_short or "arXiv", f"arXiv:{in_name.group(1)}"
    if _ARXIV_ALONE.fullmatch(written) and not _text(fields, "venuename"):
        name, short = "arXiv preprint", own_short or "arXiv"
    if name == "arXiv preprint":  # an eprint alone: no venue named
        short = short or "arXiv"
    if not label and arxiv_id(fields):
        return name, short, f"arXiv:{arxiv_id(fields)}"
    return name, short, label
