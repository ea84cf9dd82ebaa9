"""What an entry says, as plain text: venue line, marks and their
footnotes, names kept whole, link labels. Shared by the templates (through
``filters``), the plain-text list and the terminal preview; it imports no
markup library, so the plain outputs start quickly."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Final, NamedTuple

from bib2pubs.errors import UsageError
from bib2pubs.lazyre import lazy
from bib2pubs.model import Person, Publication
from bib2pubs.names.style import shorten
from bib2pubs.read.links import has_scheme
from bib2pubs.rendering.words import ENGLISH, fill, link_labels

#: Button text for each link kind, in English.
LINK_LABELS: Final = link_labels(ENGLISH)

_YEAR: Final = lazy(r"(?<!\d)(\d{4})(?!\d)")


class VenueLine(NamedTuple):
    """The parts of a venue line, for templates to mark up: the venue's
    name, label and link, where in it the work is ("vol. 12, no. 3,
    pp. 45–67", a book's publisher), and where and when."""

    name: str
    label: str
    url: str
    when: str
    locators: str = ""
    #: A chapter's book's editors, "E. Fisher, G. Ho (eds.)", said after "In".
    book_editors: str = ""


def venue_when(publication: Publication) -> str:
    """Where and when, after the venue's name: "Santa Clara, April 16–18, 2024".

    The year is said once: not again when the dates, or a name written with
    it (DBLP's "…, NSDI 2024, Santa Clara, CA, April 15-17, 2024"), say it.
    """
    venue = publication.venue
    year = str(publication.year) if publication.year is not None else ""
    when = venue.dates
    # A year that is no part of the text is none of its years: most
    # entries need no search.
    if (
        year
        and (year not in when or year not in _YEAR.findall(when))
        and (year not in venue.name or year not in _YEAR.findall(venue.name))
    ):
        when = f"{when}, {year}" if when else year
    return ", ".join(part for part in (venue.location, when) if part)


def venue_line(publication: Publication, words: Mapping[str, str] = ENGLISH) -> VenueLine:
    """What a venue line shows. A preprint's line is its server (or just
    "Preprint"), without place or date: the year heading says when. A
    book's venue is its publisher, said with the locators after its
    series and edition ("2nd ed., Wiley, Chichester")."""
    venue = publication.venue
    preprint = publication.kind == "preprint"
    name = venue.name or (words["preprint"] if preprint else "")
    if publication.kind == "book" and name and name.casefold() == publication.locators.publisher.casefold():
        name = ""
    when = "" if preprint else venue_when(publication)
    editors = _book_editors(publication, words) if name else ""
    return VenueLine(name, venue.label, venue.url, when, locator_text(publication, words, name), editors)


def _book_editors(publication: Publication, words: Mapping[str, str]) -> str:
    """The editors of the book a chapter is in (an entry with authors shows
    its editors nowhere else)."""
    if publication.kind != "chapter" or not publication.authors or not publication.editors:
        return ""
    names = ", ".join(person.display for person in publication.editors)
    return f"{names} ({editors_word(publication, words)})"


def editors_word(publication: Publication, words: Mapping[str, str]) -> str:
    """ "ed." for one editor, "eds." for more (or an "et al." of them)."""
    return words["editors" if len(publication.editors) > 1 or publication.et_al else "editor"]


def people_tail(publication: Publication, words: Mapping[str, str]) -> str:
    """What follows the list of people: ", et al." and, for a work listed
    by its editors, " (eds.)"."""
    tail = f", {words['et-al']}" if publication.et_al else ""
    return tail if publication.authors else f"{tail} ({editors_word(publication, words)})"


def venue_text(publication: Publication, words: Mapping[str, str] = ENGLISH) -> str:
    """The whole venue line as plain text, for text output and the terminal:
    "USENIX … (NSDI 2024), Santa Clara, April 16–18, 2024"."""
    line = venue_line(publication, words)
    head = f"{line.name} ({line.label})" if line.name and line.label else line.name or line.label
    if line.book_editors:
        head = f"{words['in']} {line.book_editors}, {head}"
    return ", ".join(part for part in (head, line.locators, line.when) if part)


# Kinds whose publisher is part of the reference: the venue of a journal
# article or a paper is its journal or conference (DBLP's and ACM's
# "publisher = {ACM}" on every paper says nothing a reader needs).
_PUBLISHED: Final = frozenset({"book", "chapter", "thesis", "report", "other"})
# Where a conference entry's series is a volume's collection ("Lecture
# Notes in Computer Science", with its volume) and not ACM's acronym
# ("SIGCOMM '23"), which the venue already says.
_EVENTS: Final = frozenset({"conference", "workshop"})
_ORDINAL_SUFFIX: Final = {1: "st", 2: "nd", 3: "rd"}
_CHAPTER: Final = lazy(r"[\w.\-–]{1,10}")


# ACM's series, the event's acronym and year: "SIGCOMM '23", "ACM MobiSys'22",
# "CHI 2020"; at most three words before the year, each with a capital.
_EVENT_ACRONYM: Final = lazy(r"(?:[A-Za-z&/+.\-]*[A-Z][\w&/+.\-]*\s*){1,3}(?:['’‘]\s?\d{2}|\s\d{4})")


def event_acronym(series: str) -> bool:
    """Whether a paper's ``series`` is its conference's acronym and year,
    as ACM exports it ("SIGCOMM '23"), which says nothing the venue does
    not; a series with volumes ("Lecture Notes in Computer Science") is not."""
    series = series.strip()
    # The pattern backtracks long on capitals ("INTERNATIONAL CONFERENCE ON
    # …"): it is tried only on what it may match, at most four words
    # ending in two digits (tests/test_speed_hot.py).
    return series[-2:].isdecimal() and len(series.split()) <= 4 and bool(_EVENT_ACRONYM.fullmatch(series))


def locator_text(publication: Publication, words: Mapping[str, str] = ENGLISH, shown: str | None = None) -> str:
    """Where in its venue a work is, as a reference says it: "vol. 12,
    no. 3, pp. 45–67" for an article; series, edition, publisher and
    place for a book. "" for a preprint, whose server is its venue.
    ``shown`` is the venue name the line shows (the venue's by default):
    a publisher or place it says is not said twice."""
    kind = publication.kind
    found = publication.locators
    if kind == "preprint" or not any(
        (found.volume, found.number, found.pages, found.chapter, found.edition, found.series, found.publisher)
    ):
        return ""
    parts: list[str] = []
    if (
        found.series
        and found.series != publication.venue.name
        and not (kind in _EVENTS and event_acronym(found.series))
    ):
        parts.append(found.series)
    # "vol. 12" and "pp. 45–67" are kept on one line (a no-break space).
    if found.volume:
        parts.append(_filled_together(words, "volume", found.volume))
    if found.number:
        parts.append(_filled_together(words, "number", found.number))
    if found.chapter and _CHAPTER.fullmatch(found.chapter):  # not a chapter's title put there
        parts.append(_filled_together(words, "chapter", found.chapter))
    if found.pages and kind not in ("book", "thesis"):  # a book's pages are its length
        key = "pages" if "–" in found.pages or "," in found.pages else "page"
        parts.append(_filled_together(words, key, found.pages))
    if found.edition and kind in ("book", "chapter", "other"):
        parts.append(_together(_edition(found.edition, words)))
    if kind in _PUBLISHED:
        venue = (publication.venue.name if shown is None else shown).casefold()
        parts.extend(part for part in (found.publisher, found.address) if part and part.casefold() not in venue)
    return ", ".join(parts)


def _together(text: str) -> str:
    """A short locator kept on one line, unless it is long text."""
    return keep_together(text) if len(text) <= 24 else text


def _filled_together(words: Mapping[str, str], key: str, value: str) -> str:
    """``_together(fill(words, key, value))`` in one call: most entries
    have three such locators (volume, number, pages)."""
    text = words[key].replace("{}", value, 1)
    return text.replace(" ", "\u00a0") if len(text) <= 24 else text


def _edition(edition: str, words: Mapping[str, str]) -> str:
    """ "2" is "2nd ed." (in English; "2. Aufl." in German); an edition
    written out ("Second edition", "2nd ed.") stays as written."""
    # isdecimal, not isdigit: "²" is a digit that int() cannot read; and
    # past nine digits no edition (int() refuses 4,300).
    if edition.isdecimal() and len(edition) < 10:
        number = int(edition)
        if words["edition"] == ENGLISH["edition"]:
            suffix = "th" if 10 <= number % 100 <= 20 else _ORDINAL_SUFFIX.get(number % 10, "th")
            edition = f"{number}{suffix}"
        return fill(words, "edition", edition)
    if re.search(r"\bed\b|edition|éd|aufl|版", edition, re.IGNORECASE):
        return edition
    return fill(words, "edition", edition)


def shown_links(publication: Publication, cited: str = "") -> list[tuple[str, str]]:
    """The entry's links, by kind, that have a target and that its citation
    (``cited``, the text a CSL style wrote) does not show already: APA's
    "https://doi.org/…" is not said twice."""
    return [(kind, url) for kind, url in publication.links.items() if url and (not cited or url not in cited)]


def note_text(publication: Publication, cited: str = "") -> str:
    """The entry's note ("To appear", "In Chinese") as a sentence ends; ""
    when its citation (``cited``, the text a CSL style wrote) says it."""
    note = publication.note.strip()
    if not note or (cited and note.rstrip(".").casefold() in cited.casefold()):
        return ""
    return note if note[-1] in ".!?。" else note + "."


#: The sign after a name for each mark; other marks (unknown annotations)
#: have none, though HTML still gives them a class.
MARK_SIGNS: Final = {"equal": "*", "corresponding": "†", "dagger": "†"}


def mark_signs(person: Person) -> str:
    """The signs after a name: "*" for equal contribution, "†" for the
    corresponding author or a dagger typed into the name."""
    if not person.marks:
        return ""  # most names
    return "".join(dict.fromkeys(MARK_SIGNS.get(mark, "") for mark in person.marks))


class Footnote(NamedTuple):
    """A sign used in an entry and what it means."""

    sign: str
    meaning: str


def footnotes(publication: Publication, words: Mapping[str, str] = ENGLISH) -> list[Footnote]:
    """The signs an entry uses, explained: "*" equal contribution, "†"
    corresponding author (not when a dagger typed into a name, whose
    meaning the .bib does not say, shares the sign)."""
    marks = publication.marks
    notes = [Footnote("*", words["equal-contribution"])] if "equal" in marks else []
    if "corresponding" in marks and "dagger" not in marks:
        notes.append(Footnote("†", words["corresponding-author"]))
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


def display_width(text: str) -> int:
    """Columns a terminal or a fixed-width font gives ``text``: two for a
    wide character (Chinese, Japanese), none for a combining mark; so a
    heading's underline is as long as its title ("会议论文" takes eight)."""
    if text.isascii():
        return len(text)
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


_WEB_ADDRESS: Final = lazy(r"https?://[^/\s]+", re.IGNORECASE)
# A host written without its scheme ("github.com/me/tool", "www.x.org"):
# a link elsewhere, not a file of the site.
_BARE_HOST: Final = lazy(r"www\.|[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}/")


def resolve_link(url: str, files_base: str | None = None, base_url: str | None = None) -> str:
    """A link as a page of the site reaches it (``--set files_base``,
    ``--set base_url``): a bare file name ("paper.pdf", as al-folio's
    ``pdf`` field writes it) put under ``files_base`` ("/assets/pdf/"),
    and a site-relative path ("/files/x.pdf") made absolute with
    ``base_url``. A URL with a scheme, a fragment ("#x"), a path from
    the page (".", "..") or a host without scheme stays as written."""
    if not url or url[0] in "#." or url.startswith("//") or has_scheme(url):
        return url
    if url[0] != "/":
        if not files_base or _BARE_HOST.match(url):
            return url
        url = files_base.rstrip("/") + "/" + url
        if url[0] != "/" or url.startswith("//"):
            return url  # files_base was a URL of its own, or relative to the page
    if base_url:
        return base_url.rstrip("/") + url
    return url


def check_base_url(base_url: str | None, files_base: str | None = None) -> None:
    """Refuses a ``--set base_url`` that is no web address, and a
    ``files_base`` that is no folder or web address (a script's
    ``javascript:``, blanks): said once, at the start, rather than as a
    broken link in every entry."""
    if base_url is not None and not _WEB_ADDRESS.match(base_url):
        raise UsageError(f"--set base_url={base_url}: a web address, e.g. https://me.github.io")
    if files_base and (
        files_base != files_base.strip()
        or re.search(r"\s", files_base)
        or (has_scheme(files_base) and not _WEB_ADDRESS.match(files_base))
    ):
        raise UsageError(f"--set files_base={files_base}: a folder of the site (/assets/pdf/) or a web address")
