"""The built-in HTML list, written without a template engine.

The output is the one ``html.html.j2`` gives, byte for byte: that template
stays the starting point for an HTML list of one's own (and the base of
``html-page``), and a test holds the two together on every corpus file.
Written directly, a large list costs a fraction of what Jinja's loop of
macros, filters and escapes costs, and a run spares loading Jinja.

Every value is escaped as the template's autoescape and ``finalize``
escape it (``html_braces``: HTML, and braces as character references).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final

from markupsafe import escape

from bib2pubs.lazyre import lazy
from bib2pubs.model import Listing, Person, Publication
from bib2pubs.names.style import shorten
from bib2pubs.read.links import unsafe_scheme
from bib2pubs.rendering.cited import Citations
from bib2pubs.rendering.list_writer import ListWriter
from bib2pubs.rendering.text_pieces import (
    footnotes,
    mark_sign,
    note_text,
    shown_links,
    venue_line,
)
from bib2pubs.rendering.words import ENGLISH

#: The variables the built-in HTML list reads; with any other, the
#: template is rendered (it tells which it ignores).
HTML_VARIABLES: Final = frozenset({"title", "heading", "files_base", "base_url"})


def render_html(
    listing: Listing,
    variables: Mapping[str, str] | None = None,
    max_authors: int | None = None,
    words: Mapping[str, str] = ENGLISH,
    citations: Citations | None = None,
    entry: Callable[[Publication], str] | None = None,
) -> str:
    """The listing as the built-in ``html`` template writes it; each
    entry's text by ``entry`` when given (``entry_writer``'s, or texts
    written ahead by it: ``rendering.ahead``)."""
    variables = dict(variables or {})
    if entry is None:
        entry = _Writer(variables, max_authors, words, citations).entry
    out = ['<div class="pubs">\n']
    title = variables.get("title")
    level = _level(variables.get("heading"))
    if title:
        out.append(f'<h{level - 1} class="pubs-title">{_e(title)}</h{level - 1}>\n')
    for group in listing.groups:
        entries = [pub for pub in group.entries if not pub.hidden]
        if not entries:
            continue
        out.append('<section class="pub-group">\n')
        if group.title:
            out.append(f'<h{level} class="pub-group-title">{_e(group.title)}</h{level}>\n')
        out.append('<ul class="pub-list">\n')
        out.extend(map(entry, entries))
        out.append("</ul>\n</section>\n")
    out.append("</div>\n")
    return "".join(out)


def entry_writer(
    variables: Mapping[str, str] | None, max_authors: int | None, words: Mapping[str, str]
) -> Callable[[Publication], str]:
    """An entry's text, as ``render_html`` writes it without a style."""
    return _Writer(dict(variables or {}), max_authors, words, None).entry


# What ``html_braces`` rewrites: markupsafe's five characters, and braces.
_SPECIAL: Final = lazy("[&<>'\"{}]")


def _e(value: object) -> str:
    """``html_braces``: HTML-escaped, braces as character references."""
    if type(value) is str and _SPECIAL.search(value) is None:
        return value  # most values: one search costs less than escaping
    return _escaped(value)


def _escaped(value: object) -> str:
    """``html_braces`` the long way, as the template's filters do it."""
    return _braces(str(escape(value)))


def _braces(text: str) -> str:
    if "{" in text or "}" in text:  # rare: "in" costs less than replacing
        text = text.replace("{", "&#123;").replace("}", "&#125;")
    return text


def _level(heading: str | None) -> int:
    """``(heading|default(3))|int``, then 2 to 6 or 3, as the template reads it."""
    if heading is None:
        return 3
    try:
        level = int(heading)
    except ValueError:
        try:
            level = int(float(heading))
        except (ValueError, OverflowError):
            level = 0
    return level if 2 <= level <= 6 else 3


class _Writer(ListWriter):
    """The entries, as the template writes them."""

    def __init__(
        self,
        variables: Mapping[str, str],
        max_authors: int | None,
        words: Mapping[str, str],
        citations: Citations | None,
    ) -> None:
        super().__init__(variables, max_authors, words, citations)
        # Escaped once per run, not for each link of each entry.
        self.link_kinds = {kind: _e(kind) for kind in self.labels}
        self.link_labels = {kind: _e(label) for kind, label in self.labels.items()}

    def href(self, url: str) -> str:
        """``url|site_url|href``."""
        resolved = self.site_link(url)
        return _e("" if unsafe_scheme(resolved) else resolved)

    def entry(self, pub: Publication) -> str:
        # Markup already; the template's outer html_braces filter still
        # writes its braces as references.
        cited, said = self.cited(pub, "html")
        cited = _braces(cited)
        out = [f'<li class="pub pub-{_e(pub.kind)}" id="pub-{_e(pub.key)}">\n']
        title = _e(pub.title)
        if cited:
            out.append(f'<span class="pub-citation">{cited}</span>\n')
        else:
            if title:
                out.append(f'<span class="pub-title">{title}</span>\n')
            persons = pub.authors or pub.editors
            if persons:
                out.append(self.people(pub, persons))
        for note in footnotes(pub, self.words):
            out.append(f'<span class="pub-note">{_e(note.sign)} {_e(note.meaning)}</span>\n')
        where = "" if cited else self.venue(pub)
        if where:
            out.append(f'<span class="pub-venue">{where}</span>\n')
        remark = note_text(pub, said)
        if remark:
            out.append(f'<span class="pub-remark">{_e(remark)}</span>\n')
        links = shown_links(pub, said)
        if links:
            named = title or _e(pub.key)
            shown = " ".join(
                f'<a class="pub-link pub-link-{self.link_kinds[kind]}" href="{self.href(url)}" '
                f'aria-label="{self.link_labels[kind]}: {named}">{self.link_labels[kind]}</a>'
                for kind, url in links
            )
            out.append(f'<span class="pub-links">{shown}</span>\n')
        if pub.abstract:
            out.append(
                f'<details class="pub-abstract"><summary>{_e(self.words["abstract"])}</summary>'
                f"<p>{_e(pub.abstract)}</p></details>\n"
            )
        out.append("</li>\n")
        return "".join(out)

    def people(self, pub: Publication, persons: tuple[Person, ...]) -> str:
        names = ", ".join(map(_person, shorten(persons, self.max_authors)))
        out = [f'<span class="pub-authors{"" if pub.authors else " pub-editors"}">{names}']
        if pub.et_al:
            out.append(f', <span class="pub-et-al">{_e(self.words["et-al"])}</span>')
        if not pub.authors:
            word = "editors" if len(persons) > 1 or pub.et_al else "editor"
            out.append(f" ({_e(self.words[word])})")
        out.append("</span>\n")
        return "".join(out)

    def venue(self, pub: Publication) -> str:
        line = venue_line(pub, self.words)
        out = []
        if line.book_editors:
            out.append(f'{_e(self.words["in"])} <span class="pub-venue-editors">{_e(line.book_editors)}</span>, ')
        if line.name:
            if line.url and not line.label:
                out.append(f'<a class="pub-venue-name" href="{self.href(line.url)}">{_e(line.name)}</a>')
            else:
                out.append(f'<span class="pub-venue-name">{_e(line.name)}</span>')
        if line.label:
            label = (
                f'<a class="pub-venue-label" href="{self.href(line.url)}">{_e(line.label)}</a>'
                if line.url
                else f'<span class="pub-venue-label">{_e(line.label)}</span>'
            )
            out.append(f" ({label})" if line.name else label)
        if line.locators:
            comma = ", " if line.name or line.label else ""
            out.append(f'{comma}<span class="pub-venue-locators">{_e(line.locators)}</span>')
        if line.when:
            comma = ", " if line.name or line.label or line.locators else ""
            out.append(f'{comma}<span class="pub-venue-when">{_e(line.when)}</span>')
        return "".join(out)


def _person(person: Person | None) -> str:
    """One name as ``person_html`` writes it."""
    if person is None:
        return '<span class="pub-author-more">…</span>'
    style = person.highlight
    classes = _e(f"pub-author pub-highlight pub-highlight-{style}") if style else "pub-author"
    tag = "strong" if style == "self" else "span"
    marks = "".join(
        f'<sup class="pub-mark pub-mark-{_e(mark)}" title="{_e(mark)}">{_e(mark_sign(mark))}</sup>'
        for mark in person.marks
    )
    return f'<{tag} class="{classes}">{_e(person.display)}</{tag}>{marks}'
