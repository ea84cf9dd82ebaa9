"""Jinja filters: per-format escaping and small, markup-free helpers.

Filters that produce markup return ``Markup`` so the Markdown finalizer in
``render`` does not escape them a second time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple
from urllib.parse import quote

from markupsafe import Markup

from bib2pubs.links import unsafe_scheme
from bib2pubs.model import Person, Publication
from bib2pubs.namestyle import shorten

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

# Characters Markdown (kramdown and CommonMark alike) may read as syntax.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>$|~#])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
# At the start of a line: "- " "+ " ": " "=" (lists, definitions, headings,
# rules) and "1. " / "1) " (numbered lists).
_LINE_START = re.compile(r"^(\s*|\s*\d+)([-+=:]|(?<=\d)[.)])")
# Braces become character references: Jekyll runs Liquid before Markdown,
# and Liquid sees `{{` and `{%` even after a backslash.
_BRACES = str.maketrans({"{": "&#123;", "}": "&#125;"})
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_DOUBLE_HYPHEN = re.compile(r"-(?=-)")


def markdown_escape(text: str) -> str:
    """Escapes what Markdown or Jekyll's Liquid would interpret.

    Text that may start a line (an author list) also has its leading list,
    heading and rule markers escaped: "1. FC Köln" must not start a list.
    """
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", _ENTITY.sub("&amp;", text))
    escaped = _LINE_START.sub(r"\1\\\2", escaped, count=1)
    return escaped.translate(_BRACES)


_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "^": r"\textasciicircum{}",
    "_": r"\_",
    "%": r"\%",
    "~": r"\textasciitilde{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
}
_LATEX_SPECIAL = re.compile("|".join(re.escape(char) for char in _LATEX_SPECIALS))
# In \href{…}: the characters TeX still reads inside a URL.
_URL_SPECIAL = re.compile(r"([%#\\{}])")


def latex_escape(text: str) -> str:
    """Text LaTeX prints as it is (UTF-8 input assumed): specials escaped."""
    return _LATEX_SPECIAL.sub(lambda match: _LATEX_SPECIALS[match.group()], text)


def latex(text: object) -> Markup:
    """``latex_escape`` as a filter, marked safe, for text templates join themselves."""
    return text if isinstance(text, Markup) else Markup(latex_escape(str(text)))


def latex_url(url: str) -> Markup:
    """A URL for ``\\href{…}``: ``%``, ``#`` and braces escaped ("" for a
    script or data URL)."""
    if unsafe_scheme(url):
        return Markup("")
    return Markup(_URL_SPECIAL.sub(r"\\\1", url))


def markdown(text: object) -> Markup:
    """``markdown_escape`` as a filter, marked safe, for text that templates
    join into larger Markdown strings themselves."""
    return text if isinstance(text, Markup) else Markup(markdown_escape(str(text)))


def markdown_url(url: str) -> Markup:
    """A link destination that Markdown cannot misread ("" for a script
    or data URL, which normalizing already drops: a second guard)."""
    if unsafe_scheme(url):
        return Markup("")
    return Markup(quote(url, safe="/:?#[]@!$&'*+,;=%~-._"))


def href(url: str) -> str:
    """A URL for an HTML ``href`` ("" for a script or data URL; the
    template's autoescape does the rest)."""
    return "" if unsafe_scheme(url) else url


def yaml_string(text: str) -> Markup:
    """Contents of a double-quoted YAML scalar (for front matter)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return Markup("".join(char if char >= " " else f"\\x{ord(char):02x}" for char in escaped))


_PLAIN_SCALAR = re.compile(r"[A-Za-z0-9_/][A-Za-z0-9_/.\-]*")


def yaml_scalar(value: object) -> Markup:
    """A YAML value: bare when that is unambiguous ("/publications/", "true"),
    double-quoted otherwise."""
    text = str(value)
    if _PLAIN_SCALAR.fullmatch(text):
        return Markup(text)
    return Markup(f'"{yaml_string(text)}"')


def html_comment(value: object) -> Markup:
    """Markdown that can sit inside ``<!-- … -->`` without ending it early
    (no "--" survives). Text not yet escaped is escaped first."""
    text = value if isinstance(value, Markup) else markdown_escape(str(value))
    return Markup(_DOUBLE_HYPHEN.sub("- ", str(text)))


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
    """``namestyle.shorten`` as a filter: None stands for "…"."""
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


FILTERS: dict[str, Callable[..., Any]] = {
    "md": markdown,
    "tex": latex,
    "tex_url": latex_url,
    "md_url": markdown_url,
    "href": href,
    "yaml_string": yaml_string,
    "yaml_scalar": yaml_scalar,
    "html_comment": html_comment,
    "venue_line": venue_line,
    "venue_when": venue_when,
    "venue_text": venue_text,
    "mark_signs": mark_signs,
    "look": highlight_look,
    "footnotes": footnotes,
    "mark_sign": mark_sign,
    "shorten": shorten_people,
    "keep_together": keep_together,
    "plain_name": plain_name,
}
