"""LaTeX output that compiles yet loses something, said once per run: text
in scripts pdflatex cannot typeset (and lualatex drops without a font that
has them), and site-relative links, which lead nowhere in a mailed PDF."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Final

from markupsafe import Markup

from bib2pubs.lazyre import lazy
from bib2pubs.model import Diagnostic, Listing, Publication
from bib2pubs.read.links import has_scheme
from bib2pubs.rendering.filters import latex_url
from bib2pubs.rendering.text_pieces import resolve_link, shown_links

# A document that loads fontspec is compiled with lualatex or xelatex and
# chooses its fonts: no note. Data cannot write this (its "\" is escaped).
_FONTSPEC: Final = lazy(r"\\(?:usepackage|RequirePackage)\s*(?:\[[^\]]*\])?\s*\{[^}]*\bfontspec\b")
# Unicode names' first words that are one script for a reader.
_CJK: Final = {"CJK", "HIRAGANA", "KATAKANA", "HANGUL", "BOPOMOFO", "IDEOGRAPHIC", "HALFWIDTH", "FULLWIDTH"}
#: The built-in templates whose links the relative-link note is about.
LINKING_TEMPLATES: Final = frozenset({"latex.tex.j2", "latex-document.tex.j2"})


def tex_href(url: str) -> Markup:
    """``url|tex_href``: the target for ``\\href{…}`` (``tex_url``), or ""
    for a link with no scheme ("/files/x.pdf", "paper.pdf"): in a PDF it
    names a file beside the reader's copy, which is not there."""
    return latex_url(url) if has_scheme(url) else Markup("")


def script_of(char: str) -> str | None:
    """The script of a letter pdflatex's default fonts lack ("Greek",
    "Cyrillic", "CJK"…), None for Latin letters and anything else."""
    if ord(char) < 0x370 or not unicodedata.category(char).startswith("L"):
        return None
    word = unicodedata.name(char, "").split(" ", 1)[0]
    if word in ("LATIN", "MODIFIER", ""):
        return None
    return "CJK" if word in _CJK else word.title()


def latex_notes(listing: Listing, text: str, variables: Mapping[str, str], template_file: str) -> list[Diagnostic]:
    """Notes on a rendered LaTeX ``text``: scripts it needs a Unicode engine
    and font for (unless it loads fontspec), and, for a built-in template,
    links left out as site-relative and a ``numbering`` it does not know."""
    notes = []
    scripts = sorted({script for char in set(text) if (script := script_of(char))})
    if scripts and not _FONTSPEC.search(text):
        keys = [pub.key for pub in _listed(listing) if any(script_of(char) for char in _shown_text(pub))]
        where = f" (first in {keys[0]}{f' and {len(keys) - 1} more entries' if len(keys) > 1 else ''})" if keys else ""
        notes.append(
            f"the LaTeX has {', '.join(scripts)} characters{where}, which pdflatex cannot typeset: compile it"
            " with lualatex or xelatex and fontspec with a font that has them, or write a whole document"
            " with -t latex-document"
        )
    if template_file in LINKING_TEMPLATES:
        notes.extend(_builtin_notes(listing, variables))
    return [Diagnostic("", None, None, "warning", note) for note in notes]


def _builtin_notes(listing: Listing, variables: Mapping[str, str]) -> list[str]:
    notes = []
    numbering = variables.get("numbering")
    if numbering is not None and numbering.lower() not in ("continuous", "group"):
        notes.append(f"--set numbering={numbering}: use continuous, or group (each group from 1, the default)")
    links_off = str(variables.get("links", "true")).lower() in ("false", "no", "0")
    if not links_off:
        # The links as the template writes them (site_url): what still has
        # no scheme is left out.
        files_base, base_url = variables.get("files_base"), variables.get("base_url")
        relative = [
            url
            for pub in _listed(listing)
            for _, url in shown_links(pub)
            if url and not has_scheme(resolve_link(url, files_base, base_url))
        ]
        if relative:
            fix = (
                "--set files_base=/where/they/are/ puts bare file names on the site"
                if base_url
                else "--set base_url=https://your.site makes such links whole"
            )
            notes.append(
                f"{_count(len(relative), 'link has', 'links have')} no address outside your site"
                f" (e.g. {relative[0]}), left out of the LaTeX, where it would lead nowhere: {fix}"
            )
    return notes


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def _listed(listing: Listing) -> list[Publication]:
    return [pub for group in listing.groups for pub in group.entries if not pub.hidden]


def _shown_text(pub: Publication) -> str:
    """The text of an entry a list shows, to say which entries hold a script."""
    people = " ".join(person.display for person in (*pub.authors, *pub.editors))
    return " ".join((pub.title, people, pub.venue.name, pub.venue.label, pub.note))
