"""A citation's formatting carried through citeproc-py as private-use
characters, and read back as pieces of text with their formats.

citeproc-py writes a style's formatting (italic, bold, small caps, quotes…)
through a formatter; ours writes a pair of private-use characters around the
text instead of markup, and the names of highlighted people carry such a
pair too. Nothing from a .bib can forge one: every private-use character is
taken out of the data first (``strip_private``). Reading the pairs back
(``pieces``) gives text and formats apart, which each output format then
escapes and marks up its own way, so data never becomes markup.

It also does what pandoc's citeproc does and citeproc-py does not: punctuation
meeting across a formatting boundary ("Early?" then ".") collides as CSL
processors agree (``collide``), and a comma or full stop after a closing
quotation mark moves inside it when the locale says (punctuation-in-quote).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Final, Literal

from bib2pubs.lazyre import lazy

#: The formats a style can ask for, each with its own pair of characters,
#: and "link" around what the style writes of a DOI or URL (the address a
#: citation may show, ``csl_output.linked``); people's pairs follow: person
#: i starts with PEOPLE + 2i.
KINDS: Final = ("italic", "bold", "smallcaps", "underline", "sup", "sub", "quote", "link")
_FIRST, PEOPLE = 0xE000, 0xE100
#: The private-use area of the Basic Multilingual Plane holds this many pairs.
PERSON_LIMIT: Final = (0xF8FF + 1 - PEOPLE) // 2
_PRIVATE: Final = lazy("[\ue000-\uf8ff]")
_SPLIT: Final = lazy("([\ue000-\uf8ff])")


def opening(kind: str) -> str:
    return chr(_FIRST + 2 * KINDS.index(kind))


def closing(kind: str) -> str:
    return chr(_FIRST + 2 * KINDS.index(kind) + 1)


def person_start(index: int) -> str:
    return chr(PEOPLE + 2 * index)


def person_end(index: int) -> str:
    return chr(PEOPLE + 2 * index + 1)


def strip_private(text: str) -> str:
    """Text without private-use characters, so that none from the data can
    pass for one of ours."""
    return _PRIVATE.sub("", text) if _PRIVATE.search(text) else text


Collision = Literal["first", "second", "both"]

# When punctuation ending one part meets punctuation starting the next, which
# is kept: the table of citeproc-js (queue.js), which pandoc's citeproc follows.
_KEEP_FIRST: Final = {"..", ";.", ";;", ";:", ":.", "::", "!.", "!:", "!!", "?.", "?:", "??", ",,"}
_KEEP_SECOND: Final = {";!", ";?", ":!", ":?", "  ", " ,", " ."}


def collide(left: str, right: str) -> Collision:
    """Which of two characters meeting at a seam stay: "first" (the second
    goes), "second" (the first goes) or "both"."""
    pair = left + right
    if pair in _KEEP_FIRST:
        return "first"
    return "second" if pair in _KEEP_SECOND else "both"


@dataclass(frozen=True, slots=True)
class Quotes:
    """The locale's quotation marks, outer and inner, and whether a comma or
    full stop after a closing mark moves inside it."""

    outer: tuple[str, str] = ("\u201c", "\u201d")
    inner: tuple[str, str] = ("\u2018", "\u2019")
    punctuation_inside: bool = False


#: A piece of a citation: its text, and its formats (KINDS, and
#: "person:I" for the highlighted person I's name, "marks:I" for their signs).
Piece = tuple[str, frozenset[str]]

# A marker read back: (kind, True when it opens), or ("person:I", …).
_Marker = tuple[str, bool]
_Token = str | _Marker


def _tokens(marked: str) -> list[_Token]:
    tokens: list[_Token] = []
    for part in _SPLIT.split(marked):
        if len(part) != 1 or not _PRIVATE.match(part):
            if part:
                tokens.append(part)
            continue
        code = ord(part)
        if code >= PEOPLE:
            tokens.append((f"person:{(code - PEOPLE) // 2}", code % 2 == 0))
        elif (code - _FIRST) // 2 < len(KINDS):  # an unused code point is dropped
            tokens.append((KINDS[(code - _FIRST) // 2], code % 2 == 0))
    return tokens


def _paired(tokens: list[_Token]) -> list[_Token]:
    """The tokens less any format marker without its partner, which would
    otherwise format the rest of the citation, or nothing."""
    opened: dict[str, list[int]] = {}
    dropped: set[int] = set()
    for index, token in enumerate(tokens):
        if isinstance(token, tuple) and not token[0].startswith("person:"):
            if token[1]:
                opened.setdefault(token[0], []).append(index)
            elif opened.get(token[0]):
                opened[token[0]].pop()
            else:
                dropped.add(index)
    dropped.update(index for indexes in opened.values() for index in indexes)
    return [token for index, token in enumerate(tokens) if index not in dropped]


def _join_people(tokens: list[_Token]) -> list[_Token]:
    """One span per name: each part of a name carries its own pair ("Jin",
    "C."), and the parts of one name, apart only by spaces and punctuation
    ("Jin, C."), make one span; a marker without its partner goes."""
    spans: dict[str, list[list[int]]] = {}
    opened: dict[str, int] = {}
    for index, token in enumerate(tokens):
        if isinstance(token, tuple) and token[0].startswith("person:"):
            kind, starts = token
            if starts:
                opened[kind] = index
            elif kind in opened:
                found = spans.setdefault(kind, [])
                start = opened.pop(kind)
                if found and _only_punctuation(tokens[found[-1][1] + 1 : start]):
                    found[-1][1] = index
                else:
                    found.append([start, index])
    edges = {index: (kind, True) for kind, found in spans.items() for index, _ in found}
    edges.update({index: (kind, False) for kind, found in spans.items() for _, index in found})
    return [
        edges.get(index, token)
        for index, token in enumerate(tokens)
        if index in edges or not (isinstance(token, tuple) and token[0].startswith("person:"))
    ]


def _only_punctuation(between: list[_Token]) -> bool:
    """Whether what lies between two parts of a name is only a separator
    (", " or " "), formats opening or closing around them."""
    text = "".join(token for token in between if isinstance(token, str))
    people = [token for token in between if isinstance(token, tuple) and token[0].startswith("person:")]
    return not people and len(text) <= 3 and not any(char.isalnum() for char in text)


def _text_neighbours(tokens: list[_Token]) -> list[tuple[int, int]]:
    """Pairs of text tokens with only markers between them."""
    texts = [index for index, token in enumerate(tokens) if isinstance(token, str) and token]
    return [(a, b) for a, b in pairwise(texts) if b > a + 1]


def _collide_across(tokens: list[_Token]) -> None:
    """Punctuation meeting across a formatting boundary, as at any seam."""
    for left, right in _text_neighbours(tokens):
        before, after = tokens[left], tokens[right]
        assert isinstance(before, str) and isinstance(after, str)
        if not before or not after:
            continue
        kept = collide(before[-1], after[0])
        if kept == "first":
            tokens[right] = after[1:]
        elif kept == "second":
            tokens[left] = before[:-1]


def _inside_quotes(tokens: list[_Token]) -> None:
    """A comma or full stop right after a closing quotation mark moves
    inside it, or goes when the quotation ends in punctuation already."""
    index = 0
    while index < len(tokens) - 1:
        token, after = tokens[index], tokens[index + 1]
        if token == ("quote", False) and isinstance(after, str) and after[:1] in (".", ","):
            inside = "".join(t for t in tokens[:index] if isinstance(t, str))
            # The mark and the punctuation trade places, the rest of the text after both.
            tokens[index], tokens[index + 1] = ("" if inside[-1:] in tuple(".,;:!?") else after[0]), token
            tokens.insert(index + 2, after[1:])
        index += 1


def pieces(marked: str, quotes: Quotes = Quotes()) -> list[Piece]:
    """The text citeproc-py wrote with our formatter, as pieces of text and
    their formats; quotation marks become the locale's glyphs, outer and
    inner by depth, and whitespace is one space, none at either end."""
    tokens = _join_people(_paired(_tokens(marked)))
    _collide_across(tokens)
    if quotes.punctuation_inside:
        _inside_quotes(tokens)
    active: dict[str, int] = {}
    out: list[Piece] = []
    for token in tokens:
        if isinstance(token, str):
            _add(out, token, frozenset(kind for kind, count in active.items() if count > 0 and kind != "quote"))
            continue
        kind, opens = token
        if kind == "quote":
            depth = active.get("quote", 0) + (1 if opens else 0)
            glyphs = quotes.outer if depth % 2 else quotes.inner
            formats = frozenset(k for k, count in active.items() if count > 0 and k != "quote")
            _add(out, glyphs[0] if opens else glyphs[1], formats)
        active[kind] = active.get(kind, 0) + (1 if opens else -1)
    return _tidy(out)


def _add(out: list[Piece], text: str, formats: frozenset[str]) -> None:
    if not text:
        return
    if out and out[-1][1] == formats:
        out[-1] = (out[-1][0] + text, formats)
    else:
        out.append((text, formats))


# Runs of ASCII whitespace; a no-break space (French quotation marks) stays.
_SPACES: Final = lazy(r"[ \t\r\n]+")


def _tidy(found: list[Piece]) -> list[Piece]:
    """One space between words, none at the ends, and a space at the edge of
    a formatted run moved outside it (Markdown's ``*…*`` needs that)."""
    out: list[Piece] = []
    for text, formats in found:
        text = _SPACES.sub(" ", text)
        if out and out[-1][0].endswith(" ") and text.startswith(" "):
            text = text[1:]
        _add(out, text, formats)
    for index in range(len(out) - 1):
        (left, left_formats), (right, right_formats) = out[index], out[index + 1]
        if left.endswith(" ") and not left_formats <= right_formats:
            out[index], out[index + 1] = (left[:-1], left_formats), (" " + right, right_formats)
        elif right.startswith(" ") and not right_formats <= left_formats:
            out[index], out[index + 1] = (left + " ", left_formats), (right[1:], right_formats)
    if out:
        out[0] = (out[0][0].lstrip(), out[0][1])
        out[-1] = (out[-1][0].rstrip(), out[-1][1])
    return [piece for piece in out if piece[0]]
