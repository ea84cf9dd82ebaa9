"""What an entry says, as plain text: venue line, marks and their
footnotes, names kept whole, link labels. Shared by the templates (through
``filters``), the plain-text list and the terminal preview; it imports no
markup library, so the plain outputs start quickly."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from bib2pubs.model import Person, Publication
from bib2pubs.names.style import shorten

#: Button text for each link kind.
LINK_LABELS = {
    "pdf": "PDF",
    "slides": "Slides",
    "code": "Code",
    "video": "Video",
    "poster": "Poster",
    "website": "Website",
    "html": "HTML",
    "supp": "Supp",
    "blog": "Blog",
    "arxiv": "arXiv",
    "doi": "DOI",
    "url": "Link",
}

_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


class VenueLine(NamedTuple):
    """The parts of a venue line, for templates to mark up."""

    name: str
    label: str
    url: str
    when: str


def venue_when(publication: Publication) -> str:
    """Where and when, after the venue's name: "Santa Clara, April 16–18, 2024".

    The year is said once: not again when the dates, or a name written with
    it (DBLP's "…, NSDI 2024, Santa Clara, CA, April 15-17, 2024"), say it.
    """
    venue = publication.venue
    year = str(publication.year) if publication.year is not None else ""
    when = venue.dates
    if year and year not in _YEAR.findall(when) and year not in _YEAR.findall(venue.name):
        when = f"{when}, {year}" if when else year
    return ", ".join(part for part in (venue.location, when) if part)


def venue_line(publication: Publication) -> VenueLine:
    """What a venue line shows. A preprint's line is its server (or just
    "Preprint"), without place or date: the year heading says when."""
    venue = publication.venue
    preprint = publication.kind == "preprint"
    name = venue.name or ("Preprint" if preprint else "")
    return VenueLine(name, venue.label, venue.url, "" if preprint else venue_when(publication))


def venue_text(publication: Publication) -> str:
    """The whole venue line as plain text, for text output and the terminal:
    "USENIX … (NSDI 2024), Santa Clara, April 16–18, 2024"."""
    line = venue_line(publication)
    head = f"{line.name} ({line.label})" if line.name and line.label else line.name or line.label
    return ", ".join(part for part in (head, line.when) if part)


#: The sign after a name for each mark; other marks (unknown annotations)
#: have none, though HTML still gives them a class.
MARK_SIGNS = {"equal": "*", "corresponding": "†", "dagger": "†"}


def mark_signs(person: Person) -> str:
    """The signs after a name: "*" for equal contribution, "†" for the
    corresponding author or a dagger typed into the name."""
    return "".join(dict.fromkeys(MARK_SIGNS.get(mark, "") for mark in person.marks))


class Footnote(NamedTuple):
    """A sign used in an entry and what it means."""

    sign: str
    meaning: str


def footnotes(publication: Publication) -> list[Footnote]:
    """The signs an entry uses, explained: "*" equal contribution, "†"
    corresponding author (not when a dagger typed into a name, whose
    meaning the .bib does not say, shares the sign)."""
    marks = publication.marks
    notes = [Footnote("*", "Equal contribution")] if "equal" in marks else []
    if "corresponding" in marks and "dagger" not in marks:
        notes.append(Footnote("†", "Corresponding author"))
    return notes


def mark_sign(mark: str) -> str:
    """The sign for one mark ("" for marks that have none)."""
    return MARK_SIGNS.get(mark, "")


def highlight_look(style: str | None) -> str:
    """How a highlight style looks where only a few looks exist (Markdown,
    the terminal): "bold" for the user ("self") and "bold"; "italic" for
    "italic"; "underline" for any other style, such as "student"."""
    if not style:
        return ""
    if style in ("self", "bold"):
        return "bold"
    return "italic" if style == "italic" else "underline"


def shorten_people(people: Sequence[Person], limit: int | None) -> list[Person | None]:
    """``names.style.shorten`` as a filter: None stands for "…"."""
    return shorten(people, limit)


def plain_name(person: Person | None) -> str:
    """A name and its signs as plain text, kept on one line ("…" for the
    names ``shorten`` left out)."""
    if person is None:
        return "…"
    return keep_together(person.display + mark_signs(person))


def keep_together(text: str) -> str:
    """Joins words with no-break spaces so wrapping never splits them (a
    person's name); the text template turns them back into spaces."""
    return text.replace(" ", "\u00a0")
