"""What an entry says about a work beyond its title, people and venue:
where in the venue it is (volume, pages…), who published it, its
identifiers, abstract, keywords, al-folio's award and preview image, and
its language. Every value is LaTeX decoded; an absent field is "" or ().

Most entries lack most of these fields, so each is decoded only when
present: a large file pays for what it holds, not for the list below.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from bib2pubs.latex.decode import latex_to_text
from bib2pubs.lazyre import lazy
from bib2pubs.model import Diagnostic, Identifiers, Locators
from bib2pubs.read.bibtex import RawEntry
from bib2pubs.read.links import arxiv_id, clean_url, doi_name, dropped_target
from bib2pubs.read.scanner import split_outside_braces

_LOCATOR_FIELDS: Final = frozenset(
    {"volume", "number", "issue", "pages", "chapter", "edition", "series", "publisher", "address", "location"}
)
_IDENTIFIER_FIELDS: Final = frozenset({"doi", "arxiv", "eprint", "isbn", "issn"})
_NO_LOCATORS: Final = Locators()
_NO_IDENTIFIERS: Final = Identifiers()

# A page as written: "123", "e1234", "S12", "A3b", or a roman numeral.
_PAGE: Final = r"(?:[A-Za-z]{0,3}\d+[A-Za-z]?|[ivxlcdm]+|[IVXLCDM]+)"
# Two pages joined by a hyphen (or two, or three: BibTeX's dashes), a dash
# or a minus sign, blanks around it or not; not inside a longer word.
# Compiled on first need: most pages fields take _DIGITS_RANGE's shortcut.
_RANGE: Final = lazy(rf"(?<![\w\-–—/])({_PAGE})\s*(?:-{{1,3}}|[‐‑‒–—−])\s*({_PAGE})(?![\w\-–—/])")
_DASHES: Final = frozenset("-‐‑‒–—−")
_LEADING: Final = lazy(r"^[\s,;:]+")
# al-folio's demo and Google Scholar end values with a comma ("Courier
# Corporation,"), as if the field list went on inside the braces.
_TRAILING: Final = " ,;:"
# Two page numbers and BibTeX's dash, as most pages fields are written.
_DIGITS_RANGE: Final = lazy(r"\s*(\d+)\s*-{1,3}\s*(\d+)\s*")
_NO_PAGES: Final = lazy(r"\bno pagination\b", re.IGNORECASE)


def text_of(fields: Mapping[str, str], *names: str) -> str:
    """The first of ``names`` the entry gives a value, decoded; "" when
    none does (an empty ``language = {}`` leaves ``langid`` its say)."""
    for name in names:
        text = latex_to_text(fields[name]) if name in fields else ""
        if text:
            return text
    return ""


def page_range(text: str) -> str:
    """Page ranges with an en dash ("123--130", "123-130" and "123 – 130"
    are "123–130"); a single page, an article number or free text as is."""
    if _DASHES.isdisjoint(text):
        return text
    return _RANGE.sub(r"\1–\2", text)


def keyword_list(value: str) -> tuple[str, ...]:
    """The keywords of a ``keywords`` field as written: split on the
    commas and semicolons outside braces (``{LaTeX, and} more`` is one, as
    biblatex reads it), each decoded and trimmed, empties dropped."""
    words = (latex_to_text(word).strip() for word in split_outside_braces(value, ",;"))
    return tuple(word for word in words if word)


def _locator(value: str) -> str:
    return latex_to_text(value).rstrip(_TRAILING)


def _field(fields: Mapping[str, str], name: str) -> str:
    """``_locator`` of the field, "" when the entry lacks it."""
    value = fields.get(name)
    if value is None:
        return ""
    if value.isdigit() and value.isascii():
        return value  # most volumes and numbers: nothing to decode or trim
    return latex_to_text(value).rstrip(_TRAILING)


def _pages(value: str) -> str:
    first, dashes, last = value.partition("--")
    if dashes and first.isdecimal() and last.isdecimal():
        # BibTeX's "123--130", as most pages fields are written: what
        # _DIGITS_RANGE reads without a search (isdecimal is \d).
        return f"{first}–{last}"
    plain = _DIGITS_RANGE.fullmatch(value)
    if plain:  # most pages fields: nothing to decode
        return f"{plain.group(1)}–{plain.group(2)}"
    if _NO_PAGES.search(value):  # PsycNET's "No Pagination Specified": there are none
        return ""
    return page_range(_locator(value))


def read_locators(fields: Mapping[str, str], event_place: str) -> Locators:
    """Volume, number, pages… and the publisher's place: ``address``, or
    biblatex's ``location`` unless the venue shows it as the event's place
    (``event_place``, from ``venues.classify``)."""
    if _LOCATOR_FIELDS.isdisjoint(fields):
        return _NO_LOCATORS
    address = _field(fields, "address")
    if not address and "location" in fields:
        location = _LEADING.sub("", _locator(fields["location"]))
        address = "" if event_place and location == event_place else location
    pages = fields.get("pages")
    return Locators(
        volume=_field(fields, "volume"),
        # ``issue`` only stands in for a number: not decoded beside one.
        number=_field(fields, "number") or _field(fields, "issue"),
        pages="" if pages is None else _pages(pages),
        chapter=_field(fields, "chapter"),
        edition=_field(fields, "edition"),
        series=_field(fields, "series"),
        publisher=_field(fields, "publisher"),
        address=address,
    )


def read_identifiers(entry: RawEntry) -> tuple[Identifiers, list[Diagnostic]]:
    """DOI (without its resolver), arXiv id (the one the arXiv link uses),
    ISBN and ISSN. An identifier is text, but a template may make a link of
    it: a DOI or arXiv id a browser would run (``javascript:…``) is dropped
    with a warning."""
    fields = entry.fields
    if _IDENTIFIER_FIELDS.isdisjoint(fields):
        return _NO_IDENTIFIERS, []
    problems: list[Diagnostic] = []
    doi = _checked(entry, "doi", doi_name(fields["doi"]) if "doi" in fields else "", "doi", problems)
    arxiv = _checked(entry, "arxiv" if "arxiv" in fields else "eprint", arxiv_id(fields), "arxiv", problems)
    identifiers = Identifiers(doi, arxiv, text_of(fields, "isbn"), text_of(fields, "issn"))
    return identifiers, problems


def _checked(entry: RawEntry, field: str, value: str, what: str, problems: list[Diagnostic]) -> str:
    """``value``, or "" with the warning added to ``problems`` when it is
    a target no page may carry (an empty value is none)."""
    dropped = dropped_target(entry, field, value, what) if value else None
    if dropped is None:
        return value
    problems.append(dropped)
    return ""


def read_preview(entry: RawEntry) -> tuple[str, list[Diagnostic]]:
    """al-folio's ``preview``, an image's file name or URL; one a page must
    not load (``javascript:``, ``data:``…) is dropped with a warning."""
    if "preview" not in entry.fields:
        return "", []
    preview = clean_url(entry.fields["preview"])
    dropped = dropped_target(entry, "preview", preview, "preview")
    return (preview, []) if dropped is None else ("", [dropped])
