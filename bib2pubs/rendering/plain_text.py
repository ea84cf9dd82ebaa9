"""The built-in plain-text list, written without a template engine.

Plain text is what e-mails, forms and shell pipelines take, often from a
Makefile or CI: it is written here directly, which spares each run loading
Jinja (the slowest part of a small run). The output is the one the
``text.txt.j2`` template gives, byte for byte; that template stays the
starting point for a text list of one's own, and a test holds the two
together on every corpus file.

Variables (``--set``): ``title``, a heading on top; ``width``, the width
lines are wrapped at (default 78); ``files_base`` and ``base_url``, where
bare file names and site-relative links point (``resolve_link``). A width that is no width (not a number,
or no wider than the indent) is a usage error here at once, where the
template fails only once it wraps a line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Final

from bib2pubs.errors import UsageError
from bib2pubs.model import Diagnostic, Listing, Publication
from bib2pubs.names.style import shorten
from bib2pubs.rendering.cited import Citations, citation_of
from bib2pubs.rendering.formats import RESERVED
from bib2pubs.rendering.text_pieces import (
    check_base_url,
    display_width,
    footnotes,
    note_text,
    people_tail,
    plain_name,
    resolve_link,
    shown_links,
    venue_text,
)
from bib2pubs.rendering.words import ENGLISH
from bib2pubs.rendering.wrapping import wrap_text

if TYPE_CHECKING:
    from bib2pubs.rendering.citations import Citation

#: The variables the plain-text list reads.
TEXT_VARIABLES: Final = frozenset({"title", "width", "files_base", "base_url"})
_INDENT: Final = "    "
_NO_BREAK: Final = "\u00a0"


def render_text(
    listing: Listing,
    variables: Mapping[str, str] | None = None,
    max_authors: int | None = None,
    words: Mapping[str, str] = ENGLISH,
    citations: Citations | None = None,
    entry: Callable[[Publication], str] | None = None,
) -> tuple[str, list[Diagnostic]]:
    """The listing as plain text, with the fixed words in ``words``
    (``rendering.words``) and each entry as ``citations`` (``--style``)
    cites it, if it does; and notes about ``--set`` names it ignores.
    Each entry's text by ``entry`` when given (``entry_writer``'s, or
    texts written ahead by it: ``rendering.ahead``)."""
    variables = dict(variables or {})
    taken = sorted(RESERVED.intersection(variables))
    if taken:
        raise UsageError(f"--set {taken[0]}: the templates already use that name for the listing")
    width, bases = _settings(variables)
    notes = [
        Diagnostic("", None, None, "warning", f"--set {name}: the template does not use '{name}'")
        for name in variables
        if name not in TEXT_VARIABLES
    ]
    out: list[str] = []
    title = variables.get("title")
    if title:
        out.append(f"{title}\n{'=' * display_width(title)}\n\n")
    started = False
    for group in listing.groups:
        entries = [pub for pub in group.entries if not pub.hidden]
        if not entries:
            continue
        if started:
            out.append("\n")
        started = True
        if group.title:
            out.append(f"{group.title}\n{'-' * display_width(group.title)}\n")
        for pub in entries:
            if entry is not None:
                out.append(entry(pub))
                continue
            citation = citation_of(citations, pub) if citations else None  # most runs cite nothing
            _entry(out, pub, width, max_authors, words, citation, bases)
    return "".join(out), notes


def entry_writer(
    variables: Mapping[str, str] | None, max_authors: int | None, words: Mapping[str, str]
) -> Callable[[Publication], str]:
    """An entry's text, as ``render_text`` writes it without a style; a
    UsageError for a width or links it refuses."""
    width, bases = _settings(dict(variables or {}))

    def write(pub: Publication) -> str:
        out: list[str] = []
        _entry(out, pub, width, max_authors, words, None, bases)
        return "".join(out)

    return write


def _settings(variables: Mapping[str, str]) -> tuple[int, tuple[str | None, str | None]]:
    """The width lines are wrapped at, and where bare file names and
    site-relative links point (``files_base``, ``base_url``); a UsageError
    for a width or links the list refuses."""
    width = _width(variables.get("width"))
    check_base_url(variables.get("base_url"), variables.get("files_base"))
    return width, (variables.get("files_base") or None, variables.get("base_url") or None)


def _entry(
    out: list[str],
    pub: Publication,
    width: int,
    max_authors: int | None,
    words: Mapping[str, str],
    citation: Citation | None,
    bases: tuple[str | None, str | None],
) -> None:
    out.append("\n")
    if citation is not None and citation.text:
        out.append(wrap_text(citation.text, width, False, "\n", False) + "\n")
        for footnote in footnotes(pub, words):
            out.append(f"{_INDENT}({footnote.sign} {footnote.meaning})\n")
        note = note_text(pub, citation.text)
        if note:
            out.append(_INDENT + _hanging(note, width) + "\n")
    else:
        _own_lines(out, pub, width, max_authors, words)
    for kind, url in shown_links(pub, citation.text if citation is not None else ""):
        out.append(f"{_INDENT}{words[kind]}: {resolve_link(url, *bases)}\n")


def _own_lines(out: list[str], pub: Publication, width: int, max_authors: int | None, words: Mapping[str, str]) -> None:
    """Title, people, footnotes, venue and note, as bib2pubs writes them."""
    if pub.title:
        out.append(wrap_text(pub.title, width, False, "\n", False) + "\n")
    persons = pub.authors or pub.editors
    if persons:
        # Each name is kept on one line: wrapping breaks only between names.
        names = ", ".join(plain_name(person) for person in shorten(persons, max_authors))
        out.append(_INDENT + _hanging(names + people_tail(pub, words), width) + "\n")
    for footnote in footnotes(pub, words):
        out.append(f"{_INDENT}({footnote.sign} {footnote.meaning})\n")
    where = venue_text(pub, words)
    if where:
        out.append(_INDENT + _hanging(where if where[-1:] == "." else where + ".", width) + "\n")
    note = note_text(pub)
    if note:
        out.append(_INDENT + _hanging(note, width) + "\n")


def _hanging(text: str, width: int) -> str:
    """An indented paragraph: wrapped within the indent, no-break spaces
    (which kept names whole) turned back into spaces."""
    inner = width - len(_INDENT)
    return wrap_text(text, inner, False, "\n" + _INDENT, False).replace(_NO_BREAK, " ")


def _width(value: str | None) -> int:
    """``--set width=N``, read as the template's ``int`` filter reads it."""
    if value is None:
        return 78
    try:
        width = int(value)
    except ValueError:
        try:
            width = int(float(value))
        except (ValueError, OverflowError):
            width = 0
    if width <= len(_INDENT):
        raise UsageError(f"--set width={value}: a number of columns above {len(_INDENT)}, e.g. 78")
    return width
