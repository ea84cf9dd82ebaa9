"""The terminal preview: years as headings, the highlight in bold, live links.

rich is imported here only, so other formats never pay for it. rich honours
NO_COLOR and wraps to the terminal's width.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, TYPE_CHECKING, Final

from rich.console import Console
from rich.style import Style
from rich.text import Text

from bib2pubs.lazyre import lazy
from bib2pubs.model import Listing, Publication
from bib2pubs.names.style import shorten
from bib2pubs.rendering.cited import Citations, citation_of
from bib2pubs.rendering.text_pieces import (
    footnotes,
    highlight_look,
    mark_signs,
    note_text,
    people_tail,
    shown_links,
    venue_text,
)
from bib2pubs.rendering.words import ENGLISH

if TYPE_CHECKING:
    from bib2pubs.rendering.citations import Citation

_ABSOLUTE: Final = lazy(r"[A-Za-z][A-Za-z0-9+.\-]*://")


def _entry(
    publication: Publication, max_authors: int | None, words: Mapping[str, str], citation: Citation | None
) -> object:
    text = Text()
    if citation is not None and citation.pieces:
        for piece, style in citation.pieces:
            text.append(piece, style=style)
        for footnote in footnotes(publication, words):
            text.append(f"\n({footnote.sign} {footnote.meaning})", style="dim")
        note = note_text(publication, citation.text)
        if note:
            text.append(f"\n{note}")
    else:
        _own_lines(text, publication, max_authors, words)
    _links(text, shown_links(publication, citation.text if citation is not None else ""), words)
    return text


def _own_lines(text: Text, publication: Publication, max_authors: int | None, words: Mapping[str, str]) -> None:
    if publication.title:
        text.append(publication.title, style="bold")
    persons = publication.authors or publication.editors
    if persons:
        text.append("\n" if publication.title else "")
        for index, person in enumerate(shorten(persons, max_authors)):
            if index:
                text.append(", ")
            if person is None:
                text.append("…")
                continue
            text.append(person.display, style=highlight_look(person.highlight))
            text.append(mark_signs(person))
        text.append(people_tail(publication, words))
        for footnote in footnotes(publication, words):
            text.append(f"\n({footnote.sign} {footnote.meaning})", style="dim")
    venue = venue_text(publication, words)
    if venue:
        text.append("\n")
        text.append(venue, style="italic")
    note = note_text(publication)
    if note:
        text.append("\n")
        text.append(note)


def _links(text: Text, links: list[tuple[str, str]], words: Mapping[str, str]) -> None:
    if links:
        text.append("\n")
        for index, (kind, url) in enumerate(links):
            if index:
                text.append(" ")
            # Only a full URL is a link a terminal can open.
            link_style = Style(color="cyan", link=url) if _ABSOLUTE.match(url) else Style(color="cyan")
            text.append(f"[{words.get(kind, kind)}]", style=link_style)
            if not _ABSOLUTE.match(url):
                text.append(f" {url}", style="dim")


def show(
    listing: Listing,
    file: IO[str] | None = None,
    max_authors: int | None = None,
    words: Mapping[str, str] = ENGLISH,
    citations: Citations | None = None,
) -> None:
    """Prints ``listing`` to the terminal (or ``file``) with rich, its
    fixed words in ``words`` (``rendering.words``), each entry as
    ``citations`` (``--style``) cites it, if it does."""
    console = Console(file=file, highlight=False, emoji=False)
    for group in listing.groups:
        visible = [publication for publication in group.entries if not publication.hidden]
        if not visible:
            continue
        if group.title:
            console.rule(Text(group.title, style="bold"), align="left")
        for publication in visible:
            citation = citation_of(citations, publication)
            console.print(_entry(publication, max_authors, words, citation))
            console.print()
