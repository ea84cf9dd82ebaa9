"""The kind of a work and its venue, read from the entry's own fields.

Field conventions: BibTeX (``journal``, ``booktitle``, ``howpublished``,
``school``, ``institution``), biblatex (``journaltitle``, ``eventtitle``,
``venue`` = the event's place, ``eventdate``, ``pubstate``), ACM DL
(``location`` = the event's place), al-folio (``abbr``) and two fields of
ours for what no convention covers: ``venueurl`` (the venue's site) and
``venuelabel`` (what the page shows instead of "ABBR YEAR").
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from bib2pubs.dates import format_event_dates
from bib2pubs.latex import latex_to_text
from bib2pubs.links import arxiv_id, clean_url
from bib2pubs.model import Venue

_TYPE_KINDS: Mapping[str, str] = {
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
_PREPRINT_SERVERS = re.compile(
    r"\b(?:arxiv|corr|biorxiv|medrxiv|chemrxiv|techrxiv|psyarxiv|socarxiv|ssrn|"
    r"research\s+square|osf\s+preprints|preprints?)\b",
    re.I,
)
_PREPRINT_STATES = frozenset({"submitted", "preprint", "inpreparation", "underreview", "inreview"})
_WORKSHOP = re.compile(r"\bworkshops?\b", re.I)
_TRAILING = re.compile(r"[\s,;:]+$")
_HAS_YEAR = re.compile(r"(?<!\d)(?:\d{4}|'\d{2})(?!\d)")
_THESIS_TYPES = {
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
            text = _TRAILING.sub("", latex_to_text(value))
            if text:
                return text
    return ""


def classify(entry_type: str, fields: Mapping[str, str]) -> str:
    """The kind of work: conference, workshop, journal, preprint, thesis,
    book, chapter, report or other."""
    pubstate = "".join(fields.get("pubstate", "").lower().split())
    if pubstate in _PREPRINT_STATES:
        return "preprint"
    kind = _TYPE_KINDS.get(entry_type, "other")
    if kind == "journal":
        journal = fields.get("journaltitle") or fields.get("journal") or ""
        return "preprint" if _PREPRINT_SERVERS.search(journal) else "journal"
    if kind == "conference":
        return "workshop" if _WORKSHOP.search(fields.get("booktitle") or fields.get("eventtitle") or "") else kind
    if kind == "other":
        hints = " ".join(fields.get(name, "") for name in ("howpublished", "publisher", "journal", "note"))
        if arxiv_id(fields) or _PREPRINT_SERVERS.search(hints):
            return "preprint"
    return kind


def _name(kind: str, entry_type: str, fields: Mapping[str, str]) -> str:
    if kind == "journal":
        return _text(fields, "journaltitle", "journal")
    if kind in ("conference", "workshop"):
        return _text(fields, "booktitle", "eventtitle", "journal")
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
        return name or ("arXiv preprint" if arxiv_id(fields) else "")
    return _text(fields, "howpublished", "journal", "booktitle", "publisher", "organization", "institution")


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


def extract_venue(kind: str, entry_type: str, fields: Mapping[str, str], year: int | None) -> Venue:
    """The venue as the entry states it; nothing is looked up or invented."""
    name = _name(kind, entry_type, fields)
    short = _text(fields, "abbr", "shortjournal", "shortbooktitle")
    label = _text(fields, "venuelabel") or _label(kind, short, name, year)
    url = clean_url(fields.get("venueurl", ""))
    if kind == "preprint" and not label and arxiv_id(fields):
        label = f"arXiv:{arxiv_id(fields)}"  # its link is the entry's arXiv button
    location = _text(fields, "venue")
    if not location and kind in ("conference", "workshop"):
        location = _text(fields, "location")
    dates = ""
    if "eventdate" in fields:
        raw = fields["eventdate"]
        dates = format_event_dates(raw) or latex_to_text(raw)
    return Venue(name, short, label, url, location, dates)
