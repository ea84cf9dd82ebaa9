"""The built-in academicpages page, written without a template engine.

The output is the one ``academicpages.md.j2`` gives, byte for byte (the
researcher's reference page among them): that template stays the starting
point for a page of one's own, and a test holds the two together on every
corpus file. Names are written as the Markdown list writes them (the
templates share ``_markdown.md.j2``'s ``people``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final

from bib2pubs.lazyre import lazy
from bib2pubs.model import Listing, Publication
from bib2pubs.rendering.cited import Citations
from bib2pubs.rendering.filters import yaml_scalar, yaml_string
from bib2pubs.rendering.markdown_list import MarkdownWriter
from bib2pubs.rendering.markdown_text import comment_safe, markdown_escape
from bib2pubs.rendering.text_pieces import footnotes, note_text, shown_links, venue_line
from bib2pubs.rendering.words import ENGLISH

#: The variables the built-in page reads; with any other, the template is
#: rendered (it tells which it ignores).
ACADEMICPAGES_VARIABLES: Final = frozenset({"title", "permalink", "layout", "author_profile", "files_base", "base_url"})
# Jinja's ``title`` filter: a word starts after a blank, a hyphen or an opening bracket.
_WORD_START: Final = lazy(r"([-\s({\[<]+)")


def render_academicpages(
    listing: Listing,
    variables: Mapping[str, str] | None = None,
    max_authors: int | None = None,
    words: Mapping[str, str] = ENGLISH,
    citations: Citations | None = None,
    entry: Callable[[Publication], str] | None = None,
) -> str:
    """The listing as the built-in ``academicpages`` template writes it;
    each entry's text by ``entry`` when given (``entry_writer``'s, or
    texts written ahead by it: ``rendering.ahead``)."""
    variables = dict(variables or {})
    if entry is None:
        entry = _Writer(variables, max_authors, words, citations).page_entry
    out = [
        "---\n",
        f"layout: {yaml_scalar(variables.get('layout', 'archive'))}\n",
        f'title: "{yaml_string(variables.get("title", "Publications"))}"\n',
        f"permalink: {yaml_scalar(variables.get('permalink', '/publications/'))}\n",
        f"author_profile: {yaml_scalar(variables.get('author_profile', 'true'))}\n",
        "---\n\n{% include base_path %}\n\n",
    ]
    for number, group in enumerate(listing.groups, 1):
        if group.title and any(not pub.hidden for pub in group.entries):
            out.append(f"## {markdown_escape(group.title)}\n\n")
        for index, pub in enumerate(group.entries, 1):
            text = entry(pub).strip()
            # A hidden entry stays as a comment, its Markdown escaped already.
            out.append(f"<!-- {comment_safe(text)} -->\n" if pub.hidden else f"{text}\n")
            if not (index == len(group.entries) and number == len(listing.groups)):
                out.append("\n")
    return "".join(out)


def entry_writer(
    variables: Mapping[str, str] | None, max_authors: int | None, words: Mapping[str, str]
) -> Callable[[Publication], str]:
    """An entry's text, as ``render_academicpages`` writes it without a style."""
    return _Writer(dict(variables or {}), max_authors, words, None).page_entry


def _title_case(text: str) -> str:
    """Jinja's ``title`` filter."""
    return "".join(item[0].upper() + item[1:].lower() for item in _WORD_START.split(text) if item)


class _Writer(MarkdownWriter):
    """The page's entries: the Markdown list's names, the page's own lines."""

    def page_entry(self, pub: Publication) -> str:
        """The template's ``entry`` macro."""
        lines, cited, said = self.opening(pub)
        for note in footnotes(pub, self.words):
            lines.append(f"({markdown_escape(note.sign)} {markdown_escape(_title_case(note.meaning))})")
        where = self.page_venue(pub)
        if where and not cited:
            lines.append(f"*{where}{'' if where.endswith('.') else '.'}*")
        remark = note_text(pub, said)
        if remark:
            lines.append(markdown_escape(remark))
        # A hidden entry keeps every link, the empty placeholders too.
        links = list(pub.links.items()) if pub.hidden else shown_links(pub, said)
        if links:
            lines.append(
                " ".join(f"[**[{markdown_escape(self.labels[kind])}]({self.url(url)})**]" for kind, url in links)
            )
        return "  \n".join(lines)

    def page_venue(self, pub: Publication) -> str:
        """The template's ``venue`` macro."""
        line = venue_line(pub, self.words)
        out = []
        if pub.kind == "preprint":
            out.append(f"{markdown_escape(self.words['in'])} ")
        if line.book_editors:
            out.append(f"{markdown_escape(self.words['in'])} {markdown_escape(line.book_editors)}, ")
        if line.url and not line.label:
            out.append(f"[{markdown_escape(line.name)}]({self.url(line.url)})")
        else:
            out.append(markdown_escape(line.name))
        if line.label:
            label = (
                f"[**{markdown_escape(line.label)}**]({self.url(line.url)})"
                if line.url
                else f"**{markdown_escape(line.label)}**"
            )
            out.append(f" ({label})" if line.name else label)
        for index, part in enumerate(part for part in (line.locators, line.when) if part):
            comma = ", " if line.name or line.label or index else ""
            out.append(f"{comma}{markdown_escape(part)}")
        return "".join(out)
