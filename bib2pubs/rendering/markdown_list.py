"""The built-in Markdown list, written without a template engine.

The output is the one ``markdown.md.j2`` gives, byte for byte: that
template stays the starting point for a Markdown list of one's own, and a
test holds the two together on every corpus file. Each value is escaped
where the template escapes it (``markdown_escape``, value by value: a
name that starts a line must not start a list).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final

from bib2pubs.model import Listing, Person, Publication
from bib2pubs.names.style import shorten
from bib2pubs.rendering.cited import Citations
from bib2pubs.rendering.list_writer import ListWriter
from bib2pubs.rendering.markdown_text import comment_safe, markdown_escape, markdown_url
from bib2pubs.rendering.text_pieces import (
    footnotes,
    highlight_look,
    mark_signs,
    note_text,
    shown_links,
    venue_line,
)
from bib2pubs.rendering.words import ENGLISH

#: The variables the built-in Markdown list reads; with any other, the
#: template is rendered (it tells which it ignores).
MARKDOWN_VARIABLES: Final = frozenset({"title", "files_base", "base_url"})
_BREAK: Final = "  \n  "


def render_markdown(
    listing: Listing,
    variables: Mapping[str, str] | None = None,
    max_authors: int | None = None,
    words: Mapping[str, str] = ENGLISH,
    citations: Citations | None = None,
    entry: Callable[[Publication], str] | None = None,
) -> str:
    """The listing as the built-in ``markdown`` template writes it; each
    entry's text by ``entry`` when given (``entry_writer``'s, or texts
    written ahead by it: ``rendering.ahead``)."""
    variables = dict(variables or {})
    if entry is None:
        entry = MarkdownWriter(variables, max_authors, words, citations).entry
    out = []
    title = variables.get("title")
    if title:
        out.append(f"# {markdown_escape(title)}\n\n")
    for number, group in enumerate(listing.groups, 1):
        if group.title and any(not pub.hidden for pub in group.entries):
            out.append(f"## {markdown_escape(group.title)}\n\n")
        for pub in group.entries:
            text = entry(pub).strip()
            # A hidden entry stays as a comment, its Markdown escaped already.
            out.append(f"<!-- {comment_safe('- ' + text)} -->\n" if pub.hidden else f"- {text}\n")
        if group.entries and number < len(listing.groups):
            out.append("\n")
    return "".join(out)


def entry_writer(
    variables: Mapping[str, str] | None, max_authors: int | None, words: Mapping[str, str]
) -> Callable[[Publication], str]:
    """An entry's text, as ``render_markdown`` writes it without a style."""
    return MarkdownWriter(dict(variables or {}), max_authors, words, None).entry


class MarkdownWriter(ListWriter):
    """The entries, as the template writes them."""

    def url(self, url: str) -> str:
        """``url|site_url|md_url``."""
        return markdown_url(self.site_link(url))

    def opening(self, pub: Publication) -> tuple[list[str], str, str]:
        """The first lines both Markdown templates give an entry (its
        citation, else its title and names), the citation in Markdown and
        as text ("" without a style)."""
        cited, said = self.cited(pub, "markdown")
        if cited:
            return [cited], cited, said
        lines = [f"**{markdown_escape(pub.title)}**"] if pub.title else []
        names = self.people(pub)
        if names:
            lines.append(names)
        return lines, cited, said

    def entry(self, pub: Publication) -> str:
        """The ``entry`` macro: the entry's lines, joined by hard breaks."""
        lines, cited, said = self.opening(pub)
        lines += [
            f"{markdown_escape(note.sign)} {markdown_escape(note.meaning)}" for note in footnotes(pub, self.words)
        ]
        where = self.venue(pub)
        if where and not cited:
            lines.append(where)
        remark = note_text(pub, said)
        if remark:
            lines.append(markdown_escape(remark))
        links = shown_links(pub, said)
        if links:
            lines.append(" · ".join(f"[{markdown_escape(self.labels[kind])}]({self.url(url)})" for kind, url in links))
        return _BREAK.join(lines)

    def people(self, pub: Publication) -> str:
        """The ``people`` macro of ``_markdown.md.j2``."""
        persons = shorten(pub.authors or pub.editors, self.max_authors)
        out = [", ".join("…" if person is None else _person(person) for person in persons)]
        if pub.et_al:
            out.append(f", {markdown_escape(self.words['et-al'])}")
        if pub.editors and not pub.authors:
            word = "editors" if len(pub.editors) > 1 or pub.et_al else "editor"
            out.append(f" ({markdown_escape(self.words[word])})")
        return "".join(out)

    def venue(self, pub: Publication) -> str:
        """The ``venue`` macro."""
        line = venue_line(pub, self.words)
        out = []
        if line.book_editors:
            out.append(f"{markdown_escape(self.words['in'])} {markdown_escape(line.book_editors)}, ")
        if line.url and not line.label:
            out.append(f"*[{markdown_escape(line.name)}]({self.url(line.url)})*")
        elif line.name:
            out.append(f"*{markdown_escape(line.name)}*")
        if line.label:
            label = (
                f"[{markdown_escape(line.label)}]({self.url(line.url)})" if line.url else markdown_escape(line.label)
            )
            out.append(f" ({label})" if line.name else label)
        for index, part in enumerate(part for part in (line.locators, line.when) if part):
            comma = ", " if line.name or line.label or index else ""
            out.append(f"{comma}{markdown_escape(part)}")
        return "".join(out)


def _person(person: Person) -> str:
    """The ``person_md`` macro: the name in its highlight's look, then its marks."""
    look = highlight_look(person.highlight)
    name = markdown_escape(person.display)
    if look == "bold":
        name = f"**{name}**"
    elif look == "italic":
        name = f"*{name}*"
    elif look:
        name = f"<u>{name}</u>"
    # Most names have no marks, and "" needs no escaping.
    return (name + markdown_escape(mark_signs(person))) if person.marks else name
