"""A citation's pieces (``csl_markup.pieces``) written out in each format:
plain text, HTML, Markdown, LaTeX, and styled pieces for the terminal.

Every piece of text is escaped for its format here and nowhere else; the
markup around it comes only from the formats the style asked for, from
the highlighted people, as the built-in templates write them (an HTML
``pub-highlight`` class, Markdown's ``**…**``, LaTeX's ``\\textbf``), each
name followed by its marks' signs, and from the entry's own links where the
citation shows their address (``linked``).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Final

from bib2pubs.lazyre import lazy
from bib2pubs.model import Person
from bib2pubs.read.links import unsafe_scheme
from bib2pubs.rendering.csl_markup import KINDS, Piece
from bib2pubs.rendering.filters import latex_escape, latex_url, markdown_url
from bib2pubs.rendering.markdown_text import markdown_escape
from bib2pubs.rendering.text_pieces import highlight_look, mark_sign, mark_signs


@dataclass(frozen=True)
class Syntax:
    """How one format writes text, a style's format, and a person."""

    escape: Callable[[str], str]
    #: Opening and closing markup for each of ``csl_markup.KINDS`` but quotes
    #: and links.
    kinds: Mapping[str, tuple[str, str]]
    person: Callable[[Person], tuple[str, str]]
    marks: Callable[[Person], str]
    #: Opening and closing markup of a link to a URL.
    link: Callable[[str], tuple[str, str]]
    #: For the text a citation starts with, when it differs (Markdown: a
    #: list marker is escaped at the start of a line only).
    escape_start: Callable[[str], str] | None = None


def _html_escape(text: str) -> str:
    # Braces as references too, as the HTML template writes them: a Jekyll
    # page that includes the HTML runs Liquid over it.
    return html.escape(text, quote=True).replace("{", "&#123;").replace("}", "&#125;")


def _html_person(person: Person) -> tuple[str, str]:
    if not person.highlight:
        return "", ""
    classes = _html_escape(f"pub-author pub-highlight pub-highlight-{person.highlight}")
    tag = "strong" if person.highlight == "self" else "span"
    return f'<strong class="{classes}">' if tag == "strong" else f'<span class="{classes}">', f"</{tag}>"


def _html_marks(person: Person) -> str:
    return "".join(
        f'<sup class="pub-mark {_html_escape("pub-mark-" + mark)}" title="{_html_escape(mark)}">'
        f"{_html_escape(mark_sign(mark))}</sup>"
        for mark in person.marks
    )


_SMALL_CAPS: Final = ('<span style="font-variant:small-caps">', "</span>")

HTML: Final = Syntax(
    _html_escape,
    {
        "italic": ("<i>", "</i>"),
        "bold": ("<b>", "</b>"),
        "smallcaps": _SMALL_CAPS,
        "underline": ("<u>", "</u>"),
        "sup": ("<sup>", "</sup>"),
        "sub": ("<sub>", "</sub>"),
    },
    _html_person,
    _html_marks,
    lambda url: (f'<a class="pub-citation-link" href="{_html_escape(url)}">', "</a>"),
)

_MARKDOWN_LOOKS: Final = {"bold": ("**", "**"), "italic": ("*", "*"), "underline": ("<u>", "</u>"), "": ("", "")}


def _markdown_inline(text: str) -> str:
    # markdown_escape escapes "1." or ":" at the start of its text, which
    # only the start of a line needs: a letter before the text keeps it out.
    return markdown_escape("a" + text)[1:]


MARKDOWN: Final = Syntax(
    _markdown_inline,
    {
        "italic": ("*", "*"),
        "bold": ("**", "**"),
        "smallcaps": _SMALL_CAPS,
        "underline": ("<u>", "</u>"),
        "sup": ("<sup>", "</sup>"),
        "sub": ("<sub>", "</sub>"),
    },
    lambda person: _MARKDOWN_LOOKS[highlight_look(person.highlight)],
    lambda person: _markdown_inline(mark_signs(person)),
    lambda url: ("[", f"]({markdown_url(url)})"),
    markdown_escape,
)

_LATEX_LOOKS: Final = {
    "bold": ("\\textbf{", "}"),
    "italic": ("\\emph{", "}"),
    "underline": ("\\underline{", "}"),
    "": ("", ""),
}

LATEX: Final = Syntax(
    latex_escape,
    {
        "italic": ("\\emph{", "}"),
        "bold": ("\\textbf{", "}"),
        "smallcaps": ("\\textsc{", "}"),
        "underline": ("\\underline{", "}"),
        "sup": ("\\textsuperscript{", "}"),
        "sub": ("\\textsubscript{", "}"),
    },
    lambda person: _LATEX_LOOKS[highlight_look(person.highlight)],
    # As the LaTeX template writes them: each sign raised, one by one.
    lambda person: "".join(f"\\textsuperscript{{{sign}}}" for sign in mark_signs(person)),
    lambda url: (f"\\href{{{latex_url(url)}}}{{", "}"),
)

#: What may stand before an address in a citation ("(", a space, a quote)
#: and what after it, up to a space or the end (closing punctuation).
_BEFORE: Final = frozenset("([<\"'\u201c\u2018\u00ab")
_AFTER: Final = lazy(r"[.,;:!?)\]>\"'\u201d\u2019\u00bb]*(?:\s|$)")
_LINK: Final = "href:"


def linked(pieces: Sequence[Piece], urls: Iterable[str]) -> list[Piece]:
    """The pieces with each of ``urls`` (the entry's own links) that a run
    marked "link" (what the style wrote of a DOI or URL) shows whole made a
    link: its pieces get the format "href:URL". Only an exact address, not
    a longer one it starts, nor text outside such a run (a title), nor a
    URL whose scheme no page should link to. The "link" marks go, and
    pieces left with the same formats are joined again."""
    targets = sorted({url for url in urls if url and unsafe_scheme(url) is None}, key=len, reverse=True)
    out: list[Piece] = []
    index = 0
    while index < len(pieces):
        end = index
        while end < len(pieces) and "link" in pieces[end][1]:
            end += 1
        if end == index:
            _append(out, pieces[index])
            index += 1
            continue
        run = pieces[index:end]
        spans = _addresses("".join(text for text, _ in run), targets)
        start = 0
        for text, formats in run:
            _cut(out, text, formats - {"link"}, start, spans)
            start += len(text)
        index = end
    return out


def _addresses(text: str, targets: Sequence[str]) -> list[tuple[int, int, str]]:
    """Where in ``text`` each target stands whole: (start, end, url)."""
    found = []
    position = 0
    while position < len(text):
        if position == 0 or text[position - 1].isspace() or text[position - 1] in _BEFORE:
            for url in targets:
                if text.startswith(url, position) and _AFTER.match(text, position + len(url)):
                    found.append((position, position + len(url), url))
                    position += len(url)
                    break
            else:
                position += 1
        else:
            position += 1
    return found


def _cut(
    out: list[Piece], text: str, formats: frozenset[str], start: int, spans: Sequence[tuple[int, int, str]]
) -> None:
    """A piece starting at ``start`` of its run, cut where an address
    starts or ends, the address's part with its link."""
    inner = {edge - start for span in spans for edge in span[:2] if 0 < edge - start < len(text)}
    for left, right in pairwise(sorted({0, len(text)} | inner)):
        url = next((url for first, last, url in spans if first <= start + left and start + right <= last), None)
        _append(out, (text[left:right], formats | {_LINK + url} if url else formats))


def _append(out: list[Piece], piece: Piece) -> None:
    if out and out[-1][1] == piece[1]:
        out[-1] = (out[-1][0] + piece[0], piece[1])
    elif piece[0]:
        out.append(piece)


def _order(name: str) -> int:
    """Links outermost, then people, then the style's formats in a fixed
    order, so that the same formats always nest alike."""
    if name.startswith(_LINK):
        return -2
    return -1 if name.startswith("person:") else KINDS.index(name)


def write(pieces: Sequence[Piece], people: Mapping[int, Person], syntax: Syntax) -> str:
    """The pieces in a markup format, every tag closed in the order opened:
    where runs of formats overlap, the inner ones close and open again."""
    out: list[str] = []
    stack: list[str] = []
    for index, (text, formats) in enumerate(pieces):
        wanted = {name for name in formats if _known(name, people)}
        keep = 0
        while keep < len(stack) and stack[keep] in wanted:
            keep += 1
        following = pieces[index][1]
        while len(stack) > keep:
            out.append(_close(stack.pop(), people, syntax, following))
        for name in sorted(wanted - set(stack), key=_order):
            stack.append(name)
            out.append(_open(name, people, syntax))
        starts = not out and index == 0 and syntax.escape_start is not None
        out.append(syntax.escape_start(text) if starts and syntax.escape_start else syntax.escape(text))
    while stack:
        out.append(_close(stack.pop(), people, syntax, frozenset()))
    return "".join(out)


def _known(name: str, people: Mapping[int, Person]) -> bool:
    if name.startswith("person:"):
        return int(name[len("person:") :]) in people
    # "link" only marks where linked() looks; quotes are glyphs by now.
    return name.startswith(_LINK) or (name in KINDS and name not in ("link", "quote"))


def _open(name: str, people: Mapping[int, Person], syntax: Syntax) -> str:
    if name.startswith(_LINK):
        return syntax.link(name[len(_LINK) :])[0]
    if name.startswith("person:"):
        return syntax.person(people[int(name[len("person:") :])])[0]
    return syntax.kinds[name][0]


def _close(name: str, people: Mapping[int, Person], syntax: Syntax, following: frozenset[str]) -> str:
    """The closing markup; a name's marks follow its last piece."""
    if name.startswith(_LINK):
        return syntax.link(name[len(_LINK) :])[1]
    if not name.startswith("person:"):
        return syntax.kinds[name][1]
    person = people[int(name[len("person:") :])]
    return syntax.person(person)[1] + ("" if name in following else syntax.marks(person))


def plain(pieces: Sequence[Piece], people: Mapping[int, Person]) -> str:
    """The text alone, each name followed by its marks' signs."""
    return "".join(text for text, _ in terminal(pieces, people))


_TERMINAL_KINDS: Final = {"italic": "italic", "bold": "bold", "underline": "underline"}


def terminal(pieces: Sequence[Piece], people: Mapping[int, Person]) -> tuple[tuple[str, str], ...]:
    """(text, rich style) pairs: the style's italic, bold and underline, and
    each highlighted name in its look; a name's signs follow it unstyled."""
    out: list[tuple[str, str]] = []
    for index, (text, formats) in enumerate(pieces):
        looks = {_TERMINAL_KINDS[name] for name in formats if name in _TERMINAL_KINDS}
        ending = []
        for name in formats:
            person = people.get(int(name[len("person:") :])) if name.startswith("person:") else None
            if person is None:
                continue
            looks.add(highlight_look(person.highlight))
            if index + 1 == len(pieces) or name not in pieces[index + 1][1]:
                ending.append(mark_signs(person))
        out.append((text, " ".join(sorted(look for look in looks if look))))
        out.extend((signs, "") for signs in ending if signs)
    return tuple(out)
