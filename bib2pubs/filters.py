"""Jinja filters: per-format escaping and small, markup-free helpers.

Filters that produce markup return ``Markup`` so the Markdown finalizer in
``render`` does not escape them a second time.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from bib2pubs.model import Publication

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
# `{` and `}` also keep Jekyll's Liquid from seeing `{{` or `{%` in data.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>{}$|~#])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def markdown_escape(text: str) -> str:
    """Backslash-escapes what Markdown or Liquid would interpret."""
    return _ENTITY.sub("&amp;", _MARKDOWN_SPECIAL.sub(r"\\\1", text))


def markdown_url(url: str) -> Markup:
    """A link destination that Markdown cannot misread."""
    return Markup(quote(url, safe="/:?#[]@!$&'*+,;=%~-._"))


def yaml_string(text: str) -> Markup:
    """Contents of a double-quoted YAML scalar (for front matter)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return Markup("".join(char if char >= " " else f"\\x{ord(char):02x}" for char in escaped))


_PLAIN_SCALAR = re.compile(r"[A-Za-z0-9_/.\-]+")


def yaml_scalar(value: object) -> Markup:
    """A YAML value: bare when that is unambiguous ("/publications/", "true"),
    double-quoted otherwise."""
    text = str(value)
    if _PLAIN_SCALAR.fullmatch(text):
        return Markup(text)
    return Markup(f'"{yaml_string(text)}"')


def html_comment(text: str) -> Markup:
    """Text that can sit inside ``<!-- … -->`` without ending it early."""
    return Markup(str(text).replace("--", "- -"))


def venue_when(publication: Publication) -> str:
    """Where and when, after the venue's name: "Santa Clara, April 16–18, 2024".

    The dates stand for the year when they already name it.
    """
    venue = publication.venue
    year = str(publication.year) if publication.year is not None else ""
    when = venue.dates
    if year and year not in _YEAR.findall(when):
        when = f"{when}, {year}" if when else year
    return ", ".join(part for part in (venue.location, when) if part)


def keep_together(text: str) -> str:
    """Joins words with no-break spaces so wrapping never splits them (a
    person's name); the text template turns them back into spaces."""
    return text.replace(" ", "\u00a0")


def venue_text(publication: Publication) -> str:
    """The whole venue line as plain text, for text output and the terminal:
    "USENIX … (NSDI 2024), Santa Clara, April 16–18, 2024"."""
    venue = publication.venue
    name = venue.name or ("Preprint" if publication.kind == "preprint" else "")
    head = f"{name} ({venue.label})" if name and venue.label else name or venue.label
    when = "" if publication.kind == "preprint" else venue_when(publication)
    return ", ".join(part for part in (head, when) if part)


FILTERS: dict[str, Callable[..., Any]] = {
    "md_url": markdown_url,
    "yaml_string": yaml_string,
    "yaml_scalar": yaml_scalar,
    "html_comment": html_comment,
    "venue_when": venue_when,
    "venue_text": venue_text,
    "keep_together": keep_together,
}
