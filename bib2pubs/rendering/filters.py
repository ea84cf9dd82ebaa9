"""Jinja filters: per-format escaping, and the markup-free helpers of
``text_pieces`` under the names templates use.

Filters that produce markup return ``Markup`` so the Markdown finalizer in
``jinja`` does not escape them a second time.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Final
from urllib.parse import quote

from markupsafe import Markup, escape

from bib2pubs.latex.decode import latex_to_text
from bib2pubs.latex.math import text_escape
from bib2pubs.lazyre import lazy
from bib2pubs.model import Publication
from bib2pubs.read.links import unsafe_scheme
from bib2pubs.rendering import markdown_text
from bib2pubs.rendering.markdown_text import comment_safe, markdown_escape
from bib2pubs.rendering.page_names import file_safe
from bib2pubs.rendering.text_pieces import (
    LINK_LABELS,
    MARK_SIGNS,
    Footnote,
    VenueLine,
    display_width,
    footnotes,
    highlight_look,
    keep_together,
    mark_sign,
    mark_signs,
    note_text,
    plain_name,
    shorten_people,
    venue_line,
    venue_text,
    venue_when,
)

# In \href{…}: the characters TeX still reads inside a URL.
# What a URL may hold as it is in \href{…}: RFC 3986's characters, less
# those TeX reads: "^" ("^^5c" is a backslash to TeX, "^^7b" a brace, so
# "^^5cdirectlua^^7b…" would run code), "\\", braces, "$". Anything else is
# percent-encoded, then "%" and "#" are escaped for TeX.
_URL_AS_IS: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?[]@!&'()*+,;=%#")


def latex_escape(text: str) -> str:
    """Text LaTeX prints as it is (UTF-8 input assumed): specials escaped,
    as in a title around its formulas (``latex.math.text_escape``)."""
    return text_escape(text)


def latex(text: object) -> Markup:
    """``latex_escape`` as a filter, marked safe, for text templates join themselves."""
    return text if isinstance(text, Markup) else Markup(latex_escape(str(text)))


def tex_title(publication: Publication | str) -> Markup:
    """A publication's title for LaTeX: with its formulas as math when
    normalizing kept any (``title_math``), else the title escaped. Given
    a title alone, it is escaped."""
    if isinstance(publication, Publication):
        return Markup(publication.title_math or latex_escape(publication.title))
    return latex(publication)


def latex_url(url: str) -> Markup:
    """A URL for ``\\href{…}``: characters TeX would read (``^``, ``\\``,
    braces, ``$``, blanks, non-ASCII) percent-encoded, ``%`` and ``#``
    escaped ("" for a script or data URL)."""
    if unsafe_scheme(url):
        return Markup("")
    encoded = "".join(char if char in _URL_AS_IS else quote(char, safe="") for char in url)
    return Markup(encoded.replace("%", r"\%").replace("#", r"\#"))


def markdown(text: object) -> Markup:
    """``markdown_escape`` as a filter, marked safe, for text that templates
    join into larger Markdown strings themselves."""
    return text if isinstance(text, Markup) else Markup(markdown_escape(str(text)))


def markdown_url(url: str) -> Markup:
    """A link destination that Markdown cannot misread (``markdown_text``)."""
    return Markup(markdown_text.markdown_url(url))


def href(url: str) -> str:
    """A URL for an HTML ``href`` ("" for a script or data URL; the
    template's autoescape does the rest)."""
    return "" if unsafe_scheme(url) else url


def yaml_string(text: str) -> Markup:
    """Contents of a double-quoted YAML scalar (for front matter); what YAML
    does not allow in a document (control characters, U+FFFE…) escaped."""
    # As str: Markup's replace would HTML-escape its arguments.
    escaped = str(text).replace("\\", "\\\\").replace('"', '\\"')
    return Markup("".join(char if _YAML_PRINTABLE.match(char) else _yaml_escape(char) for char in escaped))


# The characters YAML 1.1 and 1.2 allow as they are.
_YAML_PRINTABLE: Final = lazy("[\t\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _yaml_escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


# Front matter a theme runs through `markdownify` (academicpages' title,
# Hugo Blox's publication and abstract) is read as Markdown, and some layouts
# print the same field into HTML as it is. Character references suit both:
# Markdown (kramdown, CommonMark, Goldmark) shows them as the character and
# never reads them as syntax, and HTML shows the character. Backslash escapes
# would be printed as backslashes by the layouts that do not markdownify.
_MARKDOWNIFY_REFERENCES: Final = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "'": "&#x27;",
        "\\": "&#92;",
        "`": "&#96;",
        "*": "&#42;",
        "_": "&#95;",
        "[": "&#91;",
        "]": "&#93;",
        "{": "&#123;",  # Liquid, kramdown's {::…} and {: …} too
        "}": "&#125;",
        "|": "&#124;",
        "~": "&#126;",
        "$": "&#36;",  # kramdown's math
        "#": "&#35;",
    }
)
# What Markdown reads only at the start of a line: lists ("- ", "+ ", "1. ",
# "1) "), rules and setext underlines ("-", "="), kramdown's definitions (":")
# and end-of-block marks ("^"), and indented code (a space or tab, which is
# also dropped there); at its end, spaces are dropped or make a line break.
# (Other whitespace at a line's ends is left alone: normalized fields have none.)
_MARKDOWNIFY_LINE_EDGE: Final = lazy(r"^(?:([-+=:^ \t])|(\d+)([.)]))|([ \t])$", re.M)


def markdownify_text(value: object) -> Markup:
    """Text for a front-matter field that a theme may run through
    ``markdownify`` or print into HTML as it is: HTML's specials and every
    character Markdown or Liquid reads as syntax written as character
    references, so either way the page shows the text and nothing else."""
    text = str(value).translate(_MARKDOWNIFY_REFERENCES)
    return Markup(_MARKDOWNIFY_LINE_EDGE.sub(_line_edge_reference, text))


def _line_edge_reference(match: re.Match[str]) -> str:
    if match.group(2) is not None:
        return f"{match.group(2)}&#{ord(match.group(3))};"
    return f"&#{ord(match.group(1) or match.group(4))};"


def html_braces(value: object) -> Markup:
    """HTML-escaped text (markup already made is kept) with its braces as
    character references: a Jekyll page that includes the HTML runs Liquid
    over it, and Liquid reads ``{{`` and ``{%`` wherever they are."""
    text = str(escape(value))
    if "{" in text or "}" in text:  # rare: "in" and replace cost a tenth of translate
        text = text.replace("{", "&#123;").replace("}", "&#125;")
    return Markup(text)


def html_text(value: object) -> str:
    """Text with ``<``, ``>``, ``&`` and quotes written as entities, for a
    value that a layout puts into HTML as it is (a Jekyll front matter
    field printed with ``{{ page.venue }}``)."""
    import html  # html.entities' table loads only for templates that print front matter

    return html.escape(str(value), quote=True)


_PLAIN_SCALAR: Final = lazy(r"[A-Za-z0-9_/][A-Za-z0-9_/.\-]*")


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
    return Markup(comment_safe(str(text)))


FILTERS: Final[dict[str, Callable[..., Any]]] = {
    "md": markdown,
    "tex": latex,
    "tex_title": tex_title,
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
    "file_safe": file_safe,
    "html_text": html_text,
    "markdownify_text": markdownify_text,
    "html_braces": html_braces,
    "latex_text": latex_to_text,
    "plain_name": plain_name,
    "note_text": note_text,
    "display_width": display_width,
}


__all__ = [
    "FILTERS",
    "LINK_LABELS",
    "MARK_SIGNS",
    "Footnote",
    "VenueLine",
    "footnotes",
    "highlight_look",
    "keep_together",
    "mark_sign",
    "mark_signs",
    "plain_name",
    "shorten_people",
    "venue_line",
    "venue_text",
    "venue_when",
]
