"""The terminal preview: years as headings, the highlight in bold, live links.

rich is imported here only, so other formats never pay for it. rich honours
NO_COLOR and wraps to the terminal's width.
"""

from __future__ import annotations

from typing import IO

from bib2pubs.filters import LINK_LABELS, venue_text
from bib2pubs.model import Listing, Publication

_HIGHLIGHT_STYLES = {"self": "bold"}


def _entry(publication: Publication) -> object:
    from rich.style import Style
    from rich.text import Text

    text = Text()
    text.append(publication.title or "(untitled)", style="bold")
    if publication.authors:
        text.append("\n")
        for index, person in enumerate(publication.authors):
            if index:
                text.append(", ")
            style = _HIGHLIGHT_STYLES.get(person.highlight or "", "underline") if person.highlight else ""
            text.append(person.display, style=style)
            if "equal" in person.marks:
                text.append("*")
        if publication.et_al:
            text.append(", et al.")
        if "equal" in publication.marks:
            text.append("\n(* Equal Contribution)", style="dim")
    venue = venue_text(publication)
    if venue:
        text.append("\n")
        text.append(venue, style="italic")
    if publication.links:
        text.append("\n")
        for index, (kind, url) in enumerate(publication.links.items()):
            if index:
                text.append(" ")
            label = f"[{LINK_LABELS.get(kind, kind)}]"
            text.append(label, style=Style(color="cyan", link=url) if url else "dim")
    return text


def show(listing: Listing, file: IO[str] | None = None) -> None:
    """Prints ``listing`` to the terminal (or ``file``) with rich."""
    from rich.console import Console
    from rich.text import Text

    console = Console(file=file, highlight=False, emoji=False)
    for group in listing.groups:
        visible = [publication for publication in group.entries if not publication.hidden]
        if not visible:
            continue
        console.rule(Text(group.title, style="bold"), align="left")
        for publication in visible:
            console.print(_entry(publication))
            console.print()
