"""Text made safe for Markdown and for Jekyll's Liquid, which reads a page
before Markdown does: what the Markdown templates' escaping and the
Markdown list writer share, without the template machinery."""

from __future__ import annotations

from typing import Final

from bib2pubs.lazyre import lazy
from bib2pubs.read.links import unsafe_scheme

# Characters Markdown (kramdown and CommonMark alike) may read as syntax.
_MARKDOWN_SPECIAL: Final = lazy(r"([\\`*_\[\]<>$|~#])")
_ENTITY: Final = lazy(r"&(?=#?\w+;)")
# At the start of a line: "- " "+ " ": " "=" (lists, definitions, headings,
# rules) and "1. " / "1) " (numbered lists).
_LINE_START: Final = lazy(r"^(\s*|\s*\d+)([-+=:]|(?<=\d)[.)])")
# Braces become character references: Jekyll runs Liquid before Markdown,
# and Liquid sees `{{` and `{%` even after a backslash.
_BRACES: Final = str.maketrans({"{": "&#123;", "}": "&#125;"})
_DOUBLE_HYPHEN: Final = lazy(r"-(?=-)")
# Text with none of the characters the rewrites touch (specials, "&", braces).
_NOTHING_TO_ESCAPE: Final = lazy(r"[^\\`*_\[\]<>$|~#&{}]*")
_URL_SAFE: Final = "/:?#[]@!$&'*+,;=%~-._"
# A URL of characters ``quote`` keeps (its always-safe ASCII and
# ``_URL_SAFE``), which it returns unchanged.
_QUOTED_ALREADY: Final = lazy(r"[A-Za-z0-9_.\-~/:?#\[\]@!$&'*+,;=%]*")


def markdown_escape(text: str) -> str:
    """Escapes what Markdown or Jekyll's Liquid would interpret.

    Text that may start a line (an author list) also has its leading list,
    heading and rule markers escaped: "1. FC Köln" must not start a list.
    """
    if _LINE_START.match(text) is None and _NOTHING_TO_ESCAPE.fullmatch(text):
        return text  # most names and titles: a match costs less than three rewrites
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", _ENTITY.sub("&amp;", text))
    escaped = _LINE_START.sub(r"\1\\\2", escaped, count=1)
    return escaped.translate(_BRACES)


def markdown_url(url: str) -> str:
    """A link destination that Markdown cannot misread ("" for a script
    or data URL, which normalizing already drops: a second guard)."""
    if unsafe_scheme(url):
        return ""
    if _QUOTED_ALREADY.fullmatch(url):
        return url  # most links: spares loading urllib.parse too
    from urllib.parse import quote  # only for a list with links; urllib.parse costs 2 ms to load

    return quote(url, safe=_URL_SAFE)


def comment_safe(markdown: str) -> str:
    """Escaped Markdown that can sit inside ``<!-- … -->`` without ending
    it early: no "--" survives."""
    return _DOUBLE_HYPHEN.sub("- ", markdown)
