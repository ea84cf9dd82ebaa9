"""The kind of a work and its venue, read from the entry's own fields.

Field conventions: BibTeX (``journal``, ``booktitle``, ``howpublished``,
``school``, ``institution``), biblatex (``journaltitle``, ``eventtitle``,
``venue`` = the event's place, ``eventdate``, ``pubstate``), ACM DL
(``location`` = the event's place), al-folio (``abbr``) and two fields of
ours for what no convention covers: ``venueurl`` (the venue's site),
``venuelabel`` (what the page shows instead of "ABBR YEAR") and
``venuename`` (the name shown, as written, instead of the canonical one).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from bib2pubs.latex.decode import latex_to_text
from bib2pubs.latex.tables import AAS_JOURNALS
from bib2pubs.lazyre import lazy
from bib2pubs.model import Venue
from bib2pubs.names.fold import fold
from bib2pubs.read.dates import format_event_dates
from bib2pubs.read.links import arxiv_id, clean_url, doi_name
from bib2pubs.venues.abbreviations import Journal, expand_journal, journal_key
from bib2pubs.venues.parse import VenueString, parse_venue
from bib2pubs.venues.table import KnownVenue, VenueTable, acronym_key, name_key

_TYPE_KINDS: Final[Mapping[str, str]] = {
    "article": "journal",
    "periodical": "journal",
    "suppperiodical": "journal",
    "inproceedings": "conference",
    "conference": "conference",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "bachelorsthesis": "thesis",
    "thesis": "thesis",
    "book": "book",
    "mvbook": "book",
    "booklet": "book",
    "proceedings": "book",
    "mvproceedings": "book",
    "collection": "book",
    "mvcollection": "book",
    "inbook": "chapter",
    "incollection": "chapter",
    "bookinbook": "chapter",
    "suppbook": "chapter",
    "suppcollection": "chapter",
    "techreport": "report",
    "report": "report",
    "unpublished": "preprint",
}
_SERVER_NAMES: Final = (
    r"\b(?:arxiv|corr|biorxiv|medrxiv|chemrxiv|techrxiv|psyarxiv|socarxiv|ssrn|"
    r"research\s+square|osf\s+preprints|preprints?)\b"
)
_PREPRINT_SERVERS: Final = lazy(_SERVER_NAMES, re.I)
# The same, for lower-case ASCII text: quicker without IGNORECASE
# (``_names_a_server``).
_PREPRINT_SERVERS_LOWER: Final = lazy(_SERVER_NAMES)
_UNDER_REVIEW: Final = lazy(r"(?:submitted\s+to|under\s+review\s+(?:at|for))\b", re.I)
_PREPRINT_STATES: Final = frozenset({"submitted", "preprint", "inpreparation", "underreview", "inreview"})
_WORKSHOP: Final = lazy(r"\bworkshops?\b", re.I)
_TRAILING: Final = " ,;:"
_LEADING: Final = lazy(r"^[\s,;:]+")
_CORR: Final = lazy(r"corr", re.I)
_GENERIC: Final = frozenset({"conference", "symposium", "workshop", "journal", "transactions", "meeting", "congress"})
# "arXiv preprint arXiv:2107.10279", Zotero's "arXiv:2107.10279 [cond-mat, physics:quant-ph]".
_ARXIV_IN_NAME: Final = lazy(r"(?:arxiv\s+preprint\s+)?arxiv:\s*([^\s\[\]]+)(?:\s*\[[^\]]*\])?", re.I)
# arXiv named without an identifier: ADS's "arXiv e-prints", Paperpile's "arXiv [math.OC]".
_ARXIV_ALONE: Final = lazy(r"arxiv(?:\s+e-?prints?|\s+preprint)?(?:\s*\[[^\]]*\])?", re.I)
_EVENT: Final = lazy(r"\b(?:conference|symposium|workshop|congress)\b", re.I)
_PROCEEDINGS_OF: Final = lazy(r"(?:in\s+)?(?:proceedings|proc\.)\s+of\b", re.I)
# A dated event as a book's title: AIAA's "AIAA SCITECH 2024 Forum",
# "2018 AIAA SPACE … Forum", Springer's "…: First International Conference,
# SmartCom 2016, Jaipur…": the year starts the title or follows the event's
# acronym. "The Paris Peace Conference, 1919" is a history book.
_DATED_EVENT: Final = lazy(
    r"^(?=.*\b(?:[Cc]onference|[Ss]ymposium|[Ww]orkshop|[Cc]ongress|[Ff]orum)\b)"
    r"(?:(?:19|20)\d{2}\s|.*\b[A-Z][A-Za-z]*[A-Z][A-Za-z]*\s+(?:19|20)\d{2}\b)"
)
_CORR_VOLUME: Final = lazy(r"abs/(\S+)")
# A journal issue named after a conference: "PLDI", "OOPSLA2", "CSCW".
_EVENT_ISSUE: Final = lazy(r"([A-Z][A-Za-z]*[A-Z])\d?")
_HAS_YEAR: Final = lazy(r"(?<!\d)(?:\d{4}|'\d{2})(?!\d)")
# A journal title that may be abbreviated: two words or more, a period, or
# an acronym ("MNRAS", "A&A"); not "Nature", "Automatica".
_MAYBE_ABBREVIATED: Final = lazy(r"\S\s+\S|\.|[A-Z].*[A-Z]")
# ADS's ``journal = {\\apj}``: one AAS journal macro, braced or not.
_AAS_MACRO: Final = lazy(r"\s*\{?\s*\\([A-Za-z]+)\s*\}?\s*")
# ``howpublished = {\\url{https://…}}``: a link, not a venue name.
_URL_ONLY: Final = lazy(r"\s*(?:\\url\s*\{\s*[^{}\s]+\s*\}|https?://\S+)\s*", re.I)
# A publication status written into the venue: "to appear in X", "X (in press)".
_STATUSES: Final = (
    r"to\s+appear|accepted\s+for\s+publication|conditionally\s+accepted|accepted|submitted|in\s+press|"
    r"forthcoming|revise\s+and\s+resubmit|under\s+review|in\s+review|in\s+preparation"
)
_STATUS_BEFORE: Final = lazy(rf"^({_STATUSES})(?:\s*(?:in|at|to|by|with|for)\b|\s*[,:])\s*(?=\S)", re.I)
_STATUS_AFTER: Final = lazy(
    rf"(?:\s*[,;:]\s*|\s*\(\s*|\s+-+\s+|\.\s+)(?:manuscript\s+)?({_STATUSES})(?:\s*,\s*(?:19|20)\d{{2}})?\s*\)?\s*$",
    re.I,
)
# A venue that is a status alone: "in press", "Manuscript under review".
_STATUS_ONLY: Final = lazy(rf"\s*(?:manuscript\s+)?({_STATUSES})\s*\.?\s*", re.I)
_PRESENTATION_KIND: Final = lazy(
    r"(?:invited\s+|contributed\s+|oral\s+|poster\s+)?(?:talk|poster|presentation|keynote|lecture|abstract)s?", re.I
)
_TALK_AT: Final = lazy(r"\b(?:talk|presented|presentation|poster|keynote|lecture|colloquium|seminar|chair)\b", re.I)
# A word of a status: what split_status is tried on (most venues have none).
_STATUS_WORDS: Final = r"appear|accepted|submitted|press|forthcoming|resubmit|review|preparation"
_STATUS_WORD: Final = lazy(_STATUS_WORDS, re.I)
# The same, for lower-case ASCII text: IGNORECASE makes the search try
# every position of the text, eight times slower (``_has_status_word``).
_STATUS_WORD_LOWER: Final = lazy(_STATUS_WORDS)
# Statuses of a paper not yet accepted anywhere.
_NOT_YET: Final = frozenset({"Under review", "In review", "In preparation", "Revise and resubmit", "Submitted"})
_THESIS_TYPES: Final = {
    "phdthesis": "PhD thesis",
    "phd": "PhD thesis",
    "mastersthesis": "Master's thesis",
    "masterthesis": "Master's thesis",
    "mathesis": "Master's thesis",
    "bachelorsthesis": "Bachelor's thesis",
    "bathesis": "Bachelor's thesis",
    "candthesis": "Candidate thesis",
}


def _text(fields: Mapping[str, str], *names: str) -> str:
    for name in names:
        value = fields.get(name)
        if value is not None:
            # Decoded text has no blank but single spaces: what ends it is
            # as plain to strip as to match.
            text = latex_to_text(value).rstrip(_TRAILING)
            if text:
                return text
    return ""


def classify(entry_type: str, fields: Mapping[str, str]) -> str:
    """The kind of work: conference, workshop, journal, preprint, thesis,
    book, chapter, report or other."""
    if "pubstate" in fields and "".join(fields["pubstate"].lower().split()) in _PREPRINT_STATES:
        return "preprint"
    venue = fields.get("booktitle") or fields.get("journal") or fields.get("journaltitle") or ""
    if _not_yet_accepted(venue):
        return "preprint"
    kind = _TYPE_KINDS.get(entry_type, "other")
    if kind == "journal":
        journal = fields.get("journaltitle") or fields.get("journal") or ""
        booktitle = fields.get("booktitle") or ""
        if not journal and not booktitle and preprint_server(fields):
            return "preprint"  # Crossref's posted content: Research Square, bioRxiv
        if not journal and _EVENT.search(booktitle):
            # Google Scholar's @article with a conference's booktitle (EMNLP).
            return "workshop" if _names_workshop(booktitle) else "conference"
        return "preprint" if _names_a_server(journal) else "journal"
    if kind == "conference":
        return "workshop" if _names_workshop(fields.get("booktitle") or fields.get("eventtitle") or "") else kind
    if kind == "chapter" and _DATED_EVENT.match(fields.get("booktitle", "")):
        # AIAA and Springer export papers of their conferences as chapters.
        return "workshop" if _names_workshop(fields["booktitle"]) else "conference"
    if kind == "other":
        hints = " ".join(fields.get(name, "") for name in ("howpublished", "publisher", "journal", "note"))
        if arxiv_id(fields) or _names_a_server(hints):
            return "preprint"
    return kind


# The venue tests below are cached on the text as written: the papers of
# one proceedings or journal share it, and a pattern's word boundaries,
# tested at every position, cost more than the look-up (3 µs an entry,
# pure Python).


@lru_cache(maxsize=1 << 12)
def _not_yet_accepted(venue: str) -> bool:
    """Whether a venue as written says the work is not accepted yet:
    OpenReview's "Submitted to The Twelfth International Conference …",
    "European Journal of Personality. Manuscript under review"; not
    "Pediatrics in Review", a journal."""
    if _UNDER_REVIEW.match(venue.lstrip("{ ")):
        return True
    return _has_status_word(venue) and split_status(latex_to_text(venue))[1] in _NOT_YET


@lru_cache(maxsize=1 << 12)
def _names_workshop(title: str) -> bool:
    return _WORKSHOP.search(title) is not None


# In ASCII text, to ignore case is to lower-case it; beyond ASCII,
# IGNORECASE matches more ("ſ" for "s", "İ" and "ı" for "i", the Kelvin
# sign for "k") than lower-casing gives (tests/test_speed_venuekey.py).


def _has_status_word(text: str) -> bool:
    """Whether ``_STATUS_WORD`` matches ``text``."""
    if text.isascii():
        return _STATUS_WORD_LOWER.search(text.lower()) is not None
    return _STATUS_WORD.search(text) is not None


@lru_cache(maxsize=1 << 12)
def _names_a_server(text: str) -> bool:
    """Whether ``_PREPRINT_SERVERS`` matches ``text``."""
    if text.isascii():
        return _PREPRINT_SERVERS_LOWER.search(text.lower()) is not None
    return _PREPRINT_SERVERS.search(text) is not None


def _aas_journal(fields: Mapping[str, str]) -> tuple[str, str] | None:
    """The full name and short form of an AAS journal macro (``\\apj``:
    "Astrophysical Journal", "ApJ") written as the journal, as ADS exports."""
    written = fields.get("journaltitle") or fields.get("journal") or ""
    macro = _AAS_MACRO.fullmatch(written) if "\\" in written else None
    return AAS_JOURNALS.get(macro.group(1).lower()) if macro else None


def split_status(written: str) -> tuple[str, str]:
    """A venue string without the publication status written into it,
    and that status: "to appear in Brain Structure and Function" is
    ("Brain Structure and Function", "To appear"); "Nature, in press" is
    ("Nature", "In press"); "Manuscript under review" is ("", "Under
    review"): the status is the note, and no venue is named yet."""
    if not _has_status_word(written):
        return written, ""  # every status holds one of its words; most venues none
    alone = _STATUS_ONLY.fullmatch(written)
    if alone:
        return "", _status_words(alone.group(1))
    before = _STATUS_BEFORE.search(written)
    after = _STATUS_AFTER.search(written)
    for found, rest in (
        (before, written[before.end() :] if before else ""),
        (after, written[: after.start()] if after else ""),
    ):
        if found and rest.strip():
            return rest.strip(), _status_words(found.group(1))
    return written, ""


def _status_words(found: str) -> str:
    status = " ".join(found.split())
    return status[0].upper() + status[1:].lower()


def venue_status(kind: str, entry_type: str, fields: Mapping[str, str]) -> str:
    """The publication status written into the entry's venue ("To
    appear", "In press", "Accepted for publication", "Submitted"), or "".
    Normalizing has it from ``venue_and_status``, with the venue."""
    # Only a preprint's name may be its DOI's server.
    server = preprint_server(fields) if kind == "preprint" else ""
    # _name reads the kind's _FIELDS_BY_KIND alone, as the venue's reading
    # does: entries of one venue share the answer (tests/test_speed_hot.py).
    return _cached_status(kind, entry_type, tuple(map(fields.get, _FIELDS_BY_KIND.get(kind, _OTHER_FIELDS))), server)


@lru_cache(maxsize=1 << 12)
def _cached_status(kind: str, entry_type: str, values: tuple[str | None, ...], server: str) -> str:
    names = _FIELDS_BY_KIND.get(kind, _OTHER_FIELDS)
    fields = {name: value for name, value in zip(names, values, strict=True) if value is not None}
    return split_status(_name(kind, entry_type, fields, server))[1]


def _name(kind: str, entry_type: str, fields: Mapping[str, str], server: str) -> str:
    if kind == "journal":
        # An @article with a journal's title as booktitle ("Proceedings of
        # the VLDB Endowment", as Google Scholar writes PVLDB). A publisher
        # is no journal ("Springer"): without a title, none is shown.
        return _text(fields, "journaltitle", "journal", "booktitle")
    if kind == "chapter":
        return _text(fields, "booktitle", "maintitle", "publisher")
    if kind == "thesis":
        return _thesis(entry_type, fields)
    if kind == "report":
        return _text(fields, "institution", "organization", "publisher")
    if kind == "book":
        return _text(fields, "publisher", "organization")
    # The kinds below read ``howpublished``, the kinds above do not
    # (``_FIELDS_BY_KIND``).
    howpublished = _howpublished(fields)
    if kind in ("conference", "workshop"):
        # A talk's event is often in ``howpublished`` ("Poster" says only
        # what it was) or, written out, in ``organization`` ("Invited talk at
        # the … Annual Conference"; not a sponsor: "IEEE Computer Society").
        organization = _text(fields, "organization")
        # Neither pattern matches an empty field: most have neither.
        if howpublished and _PRESENTATION_KIND.fullmatch(howpublished):
            # "Poster" at the organization's meeting: the organization is where.
            howpublished, organization = "", organization or howpublished
        elif organization and not _TALK_AT.search(organization):
            organization = ""
        return _text(fields, "booktitle", "eventtitle", "journal") or howpublished or organization
    if kind == "preprint":
        name = _text(fields, "journaltitle", "journal") or howpublished or _text(fields, "publisher")
        # A booktitle says where a submitted paper is not yet published,
        # unless it says so itself ("Submitted to …", as OpenReview writes).
        booktitle = _text(fields, "booktitle")
        name = name or (booktitle if _UNDER_REVIEW.match(booktitle) or split_status(booktitle)[1] else "")
        if server and (not name or name == _text(fields, "publisher")):
            return server  # "bioRxiv" for Crossref's "Cold Spring Harbor Laboratory"
        return name or ("arXiv preprint" if arxiv_id(fields) else "")
    return howpublished or _text(fields, "journal", "booktitle", "publisher", "organization", "institution")


def _howpublished(fields: Mapping[str, str]) -> str:
    """``howpublished`` as a venue's name: nothing when it is a link alone."""
    value = fields.get("howpublished")
    if value is None or _URL_ONLY.fullmatch(value):
        return ""
    return latex_to_text(value).rstrip(_TRAILING)


# Preprint servers by their DOI prefix, for exports that name only the
# publisher. Cold Spring Harbor's 10.1101 is its journals' too ("gad.…" for
# Genes & Development): only a posting's number is bioRxiv's or medRxiv's
# (medRxiv's dated numbers have eight digits after the date).
_POSTED: Final = lazy(r"10\.1101/(?:(?P<dated>\d{4}\.\d{2}\.\d{2}\.)?(?P<number>\d{6,8})(?:v\d+)?)$")
_PREPRINT_DOIS: Final = (
    ("10.21203/rs.", "Research Square"),
    ("10.31234/", "PsyArXiv"),
    ("10.31235/", "SocArXiv"),
    ("10.31219/", "OSF Preprints"),
    ("10.20944/preprints", "Preprints.org"),
    ("10.26434/chemrxiv", "ChemRxiv"),
    ("10.36227/techrxiv", "TechRxiv"),
    ("10.2139/ssrn", "SSRN"),
    ("10.48550/arxiv", "arXiv preprint"),
)


def preprint_server(fields: Mapping[str, str]) -> str:
    """The preprint server a DOI belongs to ("Research Square"), or ""."""
    written = fields.get("doi", "").lower()
    if not written or (not any(prefix in written for prefix, _ in _PREPRINT_DOIS) and "10.1101/" not in written):
        return ""  # most DOIs are no preprint server's: no need to read them
    doi = doi_name(written)
    if doi.startswith("10.1101/"):
        posted = _POSTED.match(doi)
        if posted is None:
            return ""
        medrxiv = "medrxiv" in fields.get("url", "").lower() or (posted["dated"] and len(posted["number"]) == 8)
        return "medRxiv" if medrxiv else "bioRxiv"
    for prefix, server in _PREPRINT_DOIS:
        if doi.startswith(prefix):
            return server
    return ""


def _thesis(entry_type: str, fields: Mapping[str, str]) -> str:
    """ "PhD thesis, Peking University": the degree, then the school."""
    school = _text(fields, "school", "institution", "organization")
    written = _text(fields, "type")
    degree = _THESIS_TYPES.get(written.lower().replace(" ", ""), written) or _THESIS_TYPES.get(entry_type, "")
    return ", ".join(part for part in (degree, school) if part)


def _label(kind: str, short: str, name: str, year: int | None) -> str:
    """ "NSDI 2024" for a conference, "TPDS" for a journal; nothing when the
    name already says it ("INTERSPEECH"), no second year ("ICCV 2025")."""
    if not short or short.casefold() == name.casefold():
        return ""
    if kind in ("conference", "workshop") and year and not _HAS_YEAR.search(short):
        return f"{short} {year}"
    return short


#: The fields the costly part of the reading (the venue string parsed,
#: looked up in the table, its abbreviation expanded) depends on, by the
#: kind of work: the same for every issue of a journal and every year of a
#: venue. Fewer fields, fewer readings, and a quicker key for each entry.
#: A test holds ``_read`` to them.
_OWN_FIELDS: Final = (
    "venuename",
    "abbr",
    "shortjournal",
    "shortbooktitle",
    "venuelabel",
    "venueurl",
    "venue",
    "eventdate",
)
# An event's place (``_event_location``), also where a journal turns out
# to be an event: the table's row or a "Proceedings of" title says so.
_EVENT_FIELDS: Final = ("series", "address", "location")
_EVENT_NAMES: Final = ("howpublished", "organization", "booktitle", "eventtitle", "journal")
_CONFERENCE_FIELDS: Final = (*_OWN_FIELDS, *_EVENT_NAMES, *_EVENT_FIELDS)
_FIELDS_BY_KIND: Final[Mapping[str, tuple[str, ...]]] = {
    "journal": (*_OWN_FIELDS, "journaltitle", "journal", "booktitle", *_EVENT_FIELDS),
    "conference": _CONFERENCE_FIELDS,
    "workshop": _CONFERENCE_FIELDS,
    "chapter": (*_OWN_FIELDS, "booktitle", "maintitle", "publisher"),
    "thesis": (*_OWN_FIELDS, "school", "institution", "organization", "type"),
    "report": (*_OWN_FIELDS, "institution", "organization", "publisher"),
    "book": (*_OWN_FIELDS, "publisher", "organization"),
    "preprint": (
        *_OWN_FIELDS, "journaltitle", "journal", "howpublished", "publisher", "booktitle",
        "arxiv", "eprint", "archiveprefix", "eprinttype",
    ),
}  # fmt: skip
# Any other kind: ``_name``'s last resort.
_OTHER_FIELDS: Final = (
    *_OWN_FIELDS,
    "howpublished",
    "journal",
    "booktitle",
    "publisher",
    "organization",
    "institution",
)

#: Every field ``extract_venue`` reads: its result depends on these alone,
#: which lets entries of one venue share the work (a test keeps the list
#: complete). Volume and number only finish a reading (``_finish``).
VENUE_FIELDS: Final[tuple[str, ...]] = (
    "journaltitle", "journal", "booktitle", "eventtitle", "maintitle", "publisher", "school", "institution",
    "organization", "type", "howpublished", "venuename", "abbr", "shortjournal", "shortbooktitle", "venuelabel",
    "venueurl", "volume", "arxiv", "eprint", "archiveprefix", "eprinttype", "venue", "location", "series",
    "address", "eventdate", "number",
)  # fmt: skip


@dataclass(frozen=True, slots=True, init=False)
class _Reading:
    """What an entry's venue is before its volume, number and year are
    read: all a journal's issues and a venue's years share it."""

    kind: str
    name: str
    #: The short form, unless the issue is named after a conference.
    short: str
    #: The entry's ``venuelabel``, and whether it or ``abbr`` is given
    #: (then no issue's name replaces the short form).
    own_label: str
    own_short: bool
    #: The entry's ``venueurl``, else the table's row with its URL pattern.
    url: str
    known: KnownVenue | None
    #: The event's year where the string dates the event; the string's
    #: year, for an entry without one.
    event_year: int | None
    parsed_year: int | None
    location: str
    dates: str
    #: A preprint's label, and whether it is DBLP's CoRR (``volume =
    #: {abs/…}`` gives its label).
    preprint_label: str = ""
    corr: bool = False
    #: The publication status written into the venue's name (``venue_status``).
    status: str = ""

    def __init__(
        self,
        kind: str,
        name: str,
        short: str,
        own_label: str,
        own_short: bool,
        url: str,
        known: KnownVenue | None,
        event_year: int | None,
        parsed_year: int | None,
        location: str,
        dates: str,
        preprint_label: str = "",
        corr: bool = False,
        status: str = "",
    ) -> None:
        # Written out, to be compiled: see bib2pubs.model's note.
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "short", short)
        object.__setattr__(self, "own_label", own_label)
        object.__setattr__(self, "own_short", own_short)
        object.__setattr__(self, "url", url)
        object.__setattr__(self, "known", known)
        object.__setattr__(self, "event_year", event_year)
        object.__setattr__(self, "parsed_year", parsed_year)
        object.__setattr__(self, "location", location)
        object.__setattr__(self, "dates", dates)
        object.__setattr__(self, "preprint_label", preprint_label)
        object.__setattr__(self, "corr", corr)
        object.__setattr__(self, "status", status)


def extract_venue(
    kind: str,
    entry_type: str,
    fields: Mapping[str, str],
    year: int | None,
    table: VenueTable | None = None,
) -> tuple[Venue, str]:
    """The venue of an entry and its kind, refined by the venue table; see
    ``read_venue``. Entries of the same venue share one reading, finished
    once per volume, number and year."""
    venue, kind, _ = venue_and_status(kind, entry_type, fields, year, table)
    return venue, kind


def venue_and_status(
    kind: str,
    entry_type: str,
    fields: Mapping[str, str],
    year: int | None,
    table: VenueTable | None = None,
) -> tuple[Venue, str, str]:
    """``extract_venue``'s venue and kind, and ``venue_status``'s status,
    from one look at the fields: the reading finds the status as it takes
    it out of the venue's name."""
    values = tuple(map(fields.get, _FIELDS_BY_KIND.get(kind, _OTHER_FIELDS)))
    # The DOI and URL differ for every entry; only the server they name
    # counts, and only for a preprint (``_name``).
    server = preprint_server(fields) if kind == "preprint" else ""
    return _cached_venue(kind, entry_type, year, table, values, server, fields.get("volume"), fields.get("number"))


#: parse_venue, once per string: the same string comes back for many
#: venues' readings (a series, a journal filed under several kinds).
_parsed = lru_cache(maxsize=1 << 12)(parse_venue)


@lru_cache(maxsize=1 << 12)
def _cached_venue(
    kind: str,
    entry_type: str,
    year: int | None,
    table: VenueTable | None,
    values: tuple[str | None, ...],
    server: str,
    volume: str | None,
    number: str | None,
) -> tuple[Venue, str, str]:
    reading = _cached_reading(kind, entry_type, table, values, server)
    venue, kind = _finish(reading, volume, number, year)
    return venue, kind, reading.status


@lru_cache(maxsize=1 << 12)
def _cached_reading(
    kind: str, entry_type: str, table: VenueTable | None, values: tuple[str | None, ...], server: str
) -> _Reading:
    names = _FIELDS_BY_KIND.get(kind, _OTHER_FIELDS)
    fields = {name: value for name, value in zip(names, values, strict=True) if value is not None}
    return _read(kind, entry_type, fields, table, server)


def read_venue(
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
    server = preprint_server(fields) if server is None else server
    return _finish(_read(kind, entry_type, fields, table, server), fields.get("volume"), fields.get("number"), year)


def _read(kind: str, entry_type: str, fields: Mapping[str, str], table: VenueTable | None, server: str) -> _Reading:
    """What ``read_venue`` reads but the volume, number and year: only the
    kind's ``_FIELDS_BY_KIND`` (a test holds it to them), and ``server``
    only for a preprint."""
    aas = _aas_journal(fields) if kind == "journal" else None
    # The status comes from the name as written, macro or not: it is the
    # one ``venue_status`` gives, which the reading keeps for normalizing.
    written, status = split_status(_name(kind, entry_type, fields, server))
    if aas:
        written = aas[0]
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
    own_label = _text(fields, "venuelabel")
    preprint_label, corr = "", False
    if kind == "preprint":
        # A preprint's label takes no year (``_label``); only CoRR's reads the volume.
        label = own_label or _label(kind, short, name, None)
        name, short, preprint_label = _preprint(fields, written, name, short, label)
        corr = bool(_CORR.fullmatch(written))
    location = _text(fields, "venue")
    if not location and event:
        location = _event_location(fields) or parsed.location
    dates = ""
    if "eventdate" in fields:
        raw = fields["eventdate"]
        dates = format_event_dates(raw) or latex_to_text(raw)
    elif event:
        dates = parsed.dates
    return _Reading(
        kind=kind,
        name=name,
        short=short,
        own_label=own_label,
        own_short=bool(_text(fields, "abbr", "venuelabel")),
        url=clean_url(fields.get("venueurl", "")),
        known=known,
        event_year=parsed.year if event and parsed.dates and parsed.year else None,
        parsed_year=parsed.year,
        location=location,
        dates=dates,
        preprint_label=preprint_label,
        corr=corr,
        status=status,
    )


def _finish(reading: _Reading, volume: str | None, number: str | None, year: int | None) -> tuple[Venue, str]:
    """A reading with what the entry's volume, number and year change: the
    label of an issue named after a conference or of a CoRR preprint, the
    event's year in the label and in the table's URL."""
    kind, short = reading.kind, reading.short
    # ACM's journals of conference papers name the issue after the
    # conference (PACMPL's number = {PLDI}, PACMHCI's CSCW): a PLDI paper.
    issue = (
        _EVENT_ISSUE.fullmatch(latex_to_text(number).rstrip(_TRAILING))
        if kind == "journal" and number is not None
        else None
    )
    if issue and not reading.own_short:
        short = issue.group(1)
    # The event's year, where the string dates the event (Springer's
    # "ILP 2017, Orléans, France, September 4-6, 2017" in a 2018 volume):
    # the label names the event, "ILP 2017".
    if reading.event_year is not None:
        year = reading.event_year
    elif year is None:
        year = reading.parsed_year
    if kind == "preprint":
        label = reading.preprint_label
        corr = _CORR_VOLUME.fullmatch(latex_to_text(volume).strip()) if reading.corr and volume is not None else None
        if corr:
            label = f"arXiv:{corr.group(1)}"
    else:
        label = reading.own_label or _label("conference" if issue else kind, short, reading.name, year)
    url = reading.url or (reading.known.url_for(year) if reading.known else "")
    return Venue(reading.name, short, label, url, reading.location, reading.dates), kind


# PubMed's titles: "Journal of the American Society of Nephrology : JASN",
# "Rheumatology (Oxford, England)", "Journal of the Air & Waste Management
# Association (1995)": the acronym after " : " is the short form; a place
# or a year in parentheses only tells namesakes apart.
_NLM_ACRONYM: Final = lazy(r"(?P<title>.+?)\s+:\s+(?P<acronym>[A-Z][A-Za-z&]*[A-Z][A-Za-z&]*)")
_NLM_QUALIFIER: Final = lazy(r"\s*\(([^()]*)\)\s*$")
_YEAR_ONLY: Final = lazy(r"(?:19|20)\d{2}")
# A place: capitalised names, two or more parts, maybe NLM's ": 1950".
_PLACE_WORDS: Final = r"[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*)*"
_NLM_PLACE: Final = lazy(
    rf"(?!(?:Part|Section|Series|Ser\.|Sect\.)\s){_PLACE_WORDS}(?:\s*,\s*{_PLACE_WORDS})+(?:\s*:\s*\d{{4}})?"
)


def _nlm_title(written: str) -> tuple[str, str]:
    """A journal's title without PubMed's qualifiers, and the acronym it
    gives ("" when none). "(Part B, Cybernetics)" is no place and stays."""
    qualifier = _NLM_QUALIFIER.search(written) if written.endswith(")") else None
    if qualifier and qualifier.start() > 0:
        title = written[: qualifier.start()]
        inside = qualifier.group(1).strip()
        if _YEAR_ONLY.fullmatch(inside) or _NLM_PLACE.fullmatch(inside):
            written = title
    found = _NLM_ACRONYM.fullmatch(written) if ":" in written else None
    if found and len(found.group("acronym")) <= 10:
        return found.group("title"), found.group("acronym")
    return written, ""


def _abbreviated_journal(written: str, table: VenueTable | None) -> KnownVenue | Journal | None:
    """The journal an abbreviated title names ("IEEE Trans. Autom.
    Control", PubMed's "J Biol Chem", DBLP's "Formal Asp. Comput."): the
    table's row when the table knows the title, else the lists' title."""
    if not _MAYBE_ABBREVIATED.search(written):
        return None
    aas = _aas_by_short().get(written.strip())
    found = Journal(*aas) if aas else expand_journal(written)
    if found is None:
        return None
    known = table.by_name(found.name) if table is not None else None
    if known is not None and known.kind == "journal":
        return known
    aas = _aas_by_title().get(journal_key(found.name))
    return Journal(*aas) if aas else found  # "ApJL", as the AAS writes it


@lru_cache(maxsize=1)
def _aas_by_short() -> dict[str, tuple[str, str]]:
    """The AAS journals by their short forms ("ApJ", "A&A", "MNRAS")."""
    return {short: (title, short) for title, short in AAS_JOURNALS.values()}


@lru_cache(maxsize=1)
def _aas_by_title() -> dict[str, tuple[str, str]]:
    """The AAS journals by their titles' keys: one spelling and short form
    however a file writes them (``\\apjl``, "Astrophys. J. Lett.")."""
    return {journal_key(title): (title, short) for title, short in AAS_JOURNALS.values()}


def _preprint(fields: Mapping[str, str], written: str, name: str, short: str, label: str) -> tuple[str, str, str]:
    """An arXiv preprint's name, short form and label ("arXiv preprint",
    "arXiv", "arXiv:2312.02228"), from DBLP's ``journal = {CoRR}`` (whose
    ``volume = {abs/…}`` ``_finish`` reads), Scholar's "arXiv preprint
    arXiv:…", or an arXiv ``eprint``; its link is the arXiv button."""
    in_name = _ARXIV_IN_NAME.fullmatch(written)
    own_short = _text(fields, "abbr", "shortjournal")
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


def _event_location(fields: Mapping[str, str]) -> str:
    """ACM's ``location``, the event's place: only beside ``series`` or
    ``address`` (the publisher's city), as ACM exports write them. In
    biblatex, and so in Zotero's exports, ``location`` is the publisher's
    city ("Cham", "New York, NY, USA"), no event's place."""
    if "series" not in fields and "address" not in fields:
        return ""
    location = _LEADING.sub("", _text(fields, "location"))
    return "" if location == _text(fields, "address") else location


def _recognise(
    kind: str, fields: Mapping[str, str], written: str, parsed: VenueString, table: VenueTable
) -> KnownVenue | None:
    """The table's row for an entry's venue, if the table has it.

    Tried in turn: the entry's ``abbr``; the venue string as written (a
    journal's abbreviation, "Proceedings of the VLDB Endowment"); its name
    without "Proceedings of the 29th"; the acronym found in it; ACM's
    ``series`` ("SOSP '23"). What is written decides against the table:
    - a companion, poster, workshop… volume is found by its full name
      only, never by its host's acronym or series ("SIGCOMM '22 Poster and
      Demo Sessions" is not SIGCOMM);
    - a name found in the table must not contradict an acronym written
      beside it ("SIAM … Data Mining (SDM)" is not ICDM);
    - an acronym must not contradict a name written beside it ("Fast
      Software Encryption, FSE 2016" is not the software engineering FSE);
    - an event is never taken for a journal, nor a workshop for a conference.
    """
    if kind not in ("conference", "workshop", "journal"):
        return None
    series = _parsed(_text(fields, "series")) if "series" in fields else VenueString("")
    acronyms = [acronym for acronym in (parsed.acronym, series.acronym) if acronym]
    qualified = parsed.qualified or series.qualified
    by_written = table.by_name(written)
    # Most journals' titles are their parsed names: one lookup for both.
    by_name = [by_written, by_written if parsed.name == written else table.by_name(parsed.name)]
    by_acronym = [] if qualified else [table.by_acronym(acronym) for acronym in acronyms]
    abbr = table.by_acronym(_text(fields, "abbr"))
    workshop = kind == "workshop" or parsed.workshop
    for known in (abbr, *by_name, *by_acronym):
        if known is None or (workshop and known.kind != "workshop" and not _former_workshop(known, parsed.name)):
            continue
        if known is not abbr and kind != "journal" and known.kind == "journal" and not _titled(known, written):
            continue
        if known in by_name and known not in by_acronym and not all(_names_it(known, a) for a in acronyms):
            continue
        if known is not abbr and known not in by_name and not _agrees(known, parsed.name):
            continue
        return known
    return None


def _former_workshop(known: KnownVenue, name: str) -> bool:
    """Whether ``name`` is a workshop the venue grew out of ("Internet
    Measurement Workshop" for IMC)."""
    key = name_key(name)
    return any("workshop" in alias.lower() and name_key(alias) == key for alias in known.aliases)


def _titled(known: KnownVenue, written: str) -> bool:
    """Whether ``written`` is one of the venue's names, word for word."""
    return any(fold(written) == fold(own) for own in (known.name, *known.aliases))


def _names_it(known: KnownVenue, acronym: str) -> bool:
    """Whether ``acronym`` is the venue's, or a longer or shorter form of
    it ("NAACL-HLT" for NAACL, "IEEE INFOCOM" for INFOCOM)."""
    written = acronym_key(acronym)
    for own in (known.short, *known.aliases):
        key = acronym_key(own)
        if key and (written.startswith(key) or key.startswith(written) or written.endswith(key)):
            return True
    return False


def _agrees(known: KnownVenue, name: str) -> bool:
    """Whether a name written beside an acronym could be the venue's: a
    name of three words or more shares half its words with one of the
    venue's names ("Symposium on Operating System Design and
    Implementation" for OSDI, not "Fast Software Encryption" for FSE),
    words such as "Conference" aside."""
    words = set(name_key(name, loose=True).split()) - _GENERIC
    if len(name.split()) < 3 or not words:
        return True
    return any(
        len(words & set(name_key(own, loose=True).split())) * 2 > len(words) for own in (known.name, *known.aliases)
    )
