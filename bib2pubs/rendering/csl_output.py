"""A citation's pieces (``csl_markup.pieces``) written out in each format:
plain text, HTML, Markdown, LaTeX, and styled pieces for the terminal.

Every piece of text is escaped for its format here and nowhere else; the
markup around it comes only from the formats the style asked for and from
the highlighted people, as the built-in templates write them (an HTML
``pub-highlight`` class, Markdown's ``**…**``, LaTeX's ``\\textbf``), each
name followed by its marks' signs.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from bib2pubs.model import Person
from bib2pubs.rendering.csl_markup import KINDS, Piece
from bib2pubs.rendering.filters import latex_escape, markdown_escape
from bib2pubs.rendering.text_pieces import highlight_look, mark_sign, mark_signs


@dataclass(frozen=True)
class Syntax:
    """How one format writes text, a style's format, and a person."""

    escape: Callable[[str], str]
    #: Opening and closing markup for each of ``csl_markup.KINDS`` but quotes.
    kinds: Mapping[str, tuple[str, str]]
    person: Callable[[Person], tuple[str, str]]
    marks: Callable[[Person], str]
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


_SMALL_CAPS = ('<span style="font-variant:small-caps">', "</span>")

HTML = Syntax(
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
)

_MARKDOWN_LOOKS = {"bold": ("**", "**"), "italic": ("*", "*"), "underline": ("<u>", "</u>"), "": ("", "")}


def _markdown_inline(text: str) -> str:
    # markdown_escape escapes "1." or ":" at the start of its text, which
    # only the start of a line needs: a letter before the text keeps it out.
    return markdown_escape("a" + text)[1:]


MARKDOWN = Syntax(
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
    markdown_escape,
)

_LATEX_LOOKS = {
    "bold": ("\\textbf{", "}"),
    "italic": ("\\emph{", "}"),
    "underline": ("\\underline{", "}"),
    "": ("", ""),
}

LATEX = Syntax(
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
)


def _order(name: str) -> int:
    """People outermost, then the style's formats in a fixed order, so that
    the same formats always nest alike."""
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
    return name in KINDS


def _open(name: str, people: Mapping[int, Person], syntax: Syntax) -> str:
    if name.startswith("person:"):
        return syntax.person(people[int(name[len("person:") :])])[0]
    return syntax.kinds[name][0]


def _close(name: str, people: Mapping[int, Person], syntax: Syntax, following: frozenset[str]) -> str:
    """The closing markup; a name's marks follow its last piece."""
    if not name.startswith("person:"):
        return syntax.kinds[name][1]
    person = people[int(name[len("person:") :])]
    return syntax.person(person)[1] + ("" if name in following else syntax.marks(person))


def plain(pieces: Sequence[Piece], people: Mapping[int, Person]) -> str:
    """The text alone, each name followed by its marks' signs."""
    return "".join(text for text, _ in terminal(pieces, people))


_TERMINAL_KINDS = {"italic": "italic", "bold": "bold", "underline": "underline"}


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
