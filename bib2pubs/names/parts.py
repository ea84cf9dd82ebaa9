"""Split BibTeX name lists and names into parts, as BibTeX does.

Everything here works on raw, still LaTeX-encoded text; each part is decoded
later, on its own. The functions are pure, linear in the input, never recurse
and never raise.

Where we follow BibTeX (bibtex.web, ``x_format_name`` and
``von_token_found``) and where we deliberately do not:

* Words are separated by whitespace and ``~`` at brace depth 0; a comma at
  depth 0 separates "von Last", "Jr" and "First". As in BibTeX,
  ``L.\\ Thiele`` is two words (``L.\\`` keeps its backslash).
* ``\\~`` (the tilde accent, as in ``Brand\\~{a}o``) is one word, not a tie.
  BibTeX also cuts its tokens there, but prints ``Brand\\~{a}o`` back intact
  because ``format.name$`` re-emits the tie between the tokens of one part;
  splitting there would corrupt the macro (bibtexparser prints
  ``Brand\\ {a}o``). ``\\\\`` is read as a pair, so in ``\\\\~`` the tie
  still separates.
* Hyphens do not split words (as in pybtex). BibTeX does cut tokens at
  hyphens, which only matters when a hyphen-joined piece is lower case: it
  reads "Hasan Ibn al-Haytham" as von "al", last "Haytham"; we keep
  "al-Haytham" whole.
* The words of one part are joined by a single space, or by ``~`` where the
  first separator after the previous word was a tie: BibTeX's
  ``format.name$`` keeps the user's tie there too. Decode ``~`` later.
* Case (von or not) follows ``von_token_found``: the first letter at depth 0
  decides; a brace group at depth 0 that starts with a control sequence
  (``{\\'e}``, ``{\\relax Th}``) takes the case of the first letter after
  that control sequence (``{\\oe}``, ``{\\ss}``... are lower,
  ``{\\OE}``, ``{\\O}``... upper); other brace groups are skipped. Unlike
  8-bit BibTeX, which skips every non-ASCII byte (so "Émile" would be von),
  any Unicode letter with a case counts.
* More than two commas: the extra commas separate words of "First" (BibTeX
  ignores them with a warning; pybtex does the same).
* Unbalanced braces: a stray ``}`` gets a ``{`` put in front of its word and
  an unclosed ``{`` is closed at the end of the name (bibtexparser's
  recovery; BibTeX drops the stray ``}``). :func:`split_persons` just ignores
  a stray ``}`` and stops splitting inside an unclosed ``{``, as BibTeX does.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from bib2pubs.lazyre import lazy
from bib2pubs.read.values import nested

__all__ = ["NameParts", "is_others", "person_names", "split_collapsed", "split_name", "split_persons"]

# BibTeX's white_space: ASCII only (a no-break space is a letter to it).
_WS_RUN: Final = lazy(r"[ \t\n\r\f\v]+")
# Braces, and " and" followed by a space. The lookahead leaves that space
# unconsumed, so it can also precede the next "and" ("A and and B").
_AND_SCAN: Final = lazy(r"[{}]| [aA][nN][dD](?= )")
_AND_SPLIT: Final = lazy(r" [aA][nN][dD](?= )")
# Text whose braces pair up, two deep at most ("M{\\"{u}}ller",
# "{{CERN}}"): a list cut into such pieces at its " and "s has every
# " and " at depth 0. Deeper or unpaired braces go to the scan.
_BALANCED: Final = lazy(nested("[^{}]", 2, "[^{}]"))
# Everything that matters while splitting one (whitespace-collapsed) name:
# braces, separators, and the escapes "\~" and "\\" that hide a tie.
_NAME_SCAN: Final = lazy(r"[{}, ~]|\\[\\~]")

# bibtex.web's table of foreign letters: the case of {\oe}, {\O}, ...
_SPECIAL_LOWER: Final = frozenset({"i", "j", "oe", "ae", "aa", "o", "l", "ss"})
_SPECIAL_UPPER: Final = frozenset({"OE", "AE", "AA", "O", "L"})


@dataclass(frozen=True, slots=True, init=False)
class NameParts:
    """One name's BibTeX parts, each still LaTeX-encoded, possibly empty.

    A part's words are joined by one space, or by ``~`` where the name had a
    tie between them; hyphens stay inside words.
    """

    first: str
    von: str
    last: str
    jr: str

    def __init__(
        self,
        first: str,
        von: str,
        last: str,
        jr: str,
    ) -> None:
        # Written out, to be compiled: see bib2pubs.model's note.
        object.__setattr__(self, "first", first)
        object.__setattr__(self, "von", von)
        object.__setattr__(self, "last", last)
        object.__setattr__(self, "jr", jr)


def split_persons(field: str) -> list[str]:
    """Split an author/editor field into names, on "and" at brace depth 0.

    "and" matches in any case and needs whitespace on both sides, so
    ``{Barnes and Noble}``, ``\\and`` and ``Fellowes~and`` do not split.
    Whitespace is collapsed to single spaces; empty names are dropped.
    """
    return list(person_names(field))


# Cached: an author list is split for checking, for repairing and for
# reading, and comes back in entry after entry.
@lru_cache(maxsize=1 << 12)
def person_names(field: str) -> tuple[str, ...]:
    """``split_persons`` as a tuple, shared by its callers: to read, not to change."""
    text = _collapse(field)
    first, *rest = pieces = _AND_SPLIT.split(text)
    if ("{" in text or "}" in text) and not all(_BALANCED.fullmatch(piece) for piece in pieces):
        return _scan_persons(text)
    # Every " and " is at depth 0 and separates. The blank after "and",
    # which the pattern leaves, starts each later piece; a piece that is
    # only that blank, or nothing ("A and and B"), is no name.
    return tuple(name for name in (first, *(piece[1:] for piece in rest)) if name)


def _scan_persons(text: str) -> tuple[str, ...]:
    """The names of a (whitespace-collapsed) list, braces minded."""
    names: list[str] = []
    depth = 0
    start = 0
    for match in _AND_SCAN.finditer(text):
        token = match.group()
        if token == "{":
            depth += 1
        elif token == "}":
            if depth:
                depth -= 1
        elif depth == 0:
            if match.start() > start:
                names.append(text[start : match.start()])
            start = match.end() + 1
    if start < len(text):
        names.append(text[start:])
    return tuple(names)


def split_name(name: str) -> NameParts:
    """Split one name into first, von, last and jr, by BibTeX's rules.

    Accepts "First von Last", "von Last, First" and "von Last, Jr, First".
    Never raises: malformed names get the closest split (see module doc).
    """
    return split_collapsed(_collapse(name))


def _collapse(text: str) -> str:
    """``text`` with each run of whitespace a single blank, none at the ends."""
    # Most names and many lists hold single blanks only: str's search tells
    # far faster than a substitution that there is nothing to collapse.
    if "  " in text or "\n" in text or "\t" in text or "\r" in text or "\f" in text or "\v" in text:
        text = _WS_RUN.sub(" ", text)
    return text.strip(" ")


def split_collapsed(text: str) -> NameParts:
    """``split_name`` for a name whose ASCII whitespace is already single
    blanks, none at either end (as ``people.clean_name`` leaves it)."""
    if "{" not in text and "}" not in text and "~" not in text:
        # Most names: nothing nests and every joiner is a blank, so the
        # words are what lies between blanks and commas; commas after the
        # second only separate words.
        if "," in text:
            return _assign_plain([_plain_words(piece) for piece in text.split(",", 2)])
        return _assign_plain([text.split(" ")]) if text else _EMPTY  # single blanks: no empty words
    return _assign(_scanned_words(text))


def _scanned_words(text: str) -> list[list[tuple[str, str]]]:
    """Per comma-separated part of a (whitespace-collapsed) name: its words,
    each with the joiner before it, braces and ties minded."""
    parts: list[list[tuple[str, str]]] = [[]]
    depth = 0
    stray_closes = 0  # unmatched "}" in the current word
    start = 0  # where the current word starts
    sep = ""  # first separator since the last word ("" = none yet)
    commas = 0
    for match in _NAME_SCAN.finditer(text):
        token = match.group()
        if token == "{":
            depth += 1
        elif token == "}":
            if depth:
                depth -= 1
            else:
                stray_closes += 1
        elif depth == 0 and len(token) == 1:  # " ", "~" or ","
            end = match.start()
            if end > start:
                word = "{" * stray_closes + text[start:end]
                parts[-1].append((sep or " ", word))
                stray_closes = 0
                sep = ""
            if token != ",":
                sep = sep or token
            elif commas < 2:
                commas += 1
                parts.append([])
                sep = ""
            else:
                sep = sep or " "
            start = match.end()
    if start < len(text):
        word = "{" * stray_closes + text[start:] + "}" * depth
        parts[-1].append((sep or " ", word))
    return parts


def _plain_words(piece: str) -> list[str]:
    """The words of one part of a name with no braces or ties."""
    return [word for word in piece.replace(",", " ").split(" ") if word]


def is_others(name: str) -> bool:
    """True if *name* is BibTeX's "others" (as in "and others").

    The standard styles format each name as "{ff~}{vv~}{ll}{, jj}" and
    compare the result with "others" using the case-sensitive ``=``, so only
    a bare lower-case ``others`` counts; ``Others`` or ``{others}`` is a
    person. (biber compares case-insensitively; we follow BibTeX.)
    """
    return "others" in name and split_name(name) == _OTHERS


_OTHERS: Final = NameParts("", "", "others", "")
_EMPTY: Final = NameParts("", "", "", "")


def _assign(parts: list[list[tuple[str, str]]]) -> NameParts:
    """Give each word its part, as bibtex.web's section 395 does."""
    if len(parts) == 1:
        words = parts[0]
        if not words:
            return _EMPTY
        von_start, von_end = _von_span([word for _, word in words])
        return NameParts(_join(words[:von_start]), _join(words[von_start:von_end]), _join(words[von_end:]), "")
    von_last = parts[0]
    von_end = _von_end([word for _, word in von_last], 0, len(von_last) - 1)
    jr = parts[1] if len(parts) == 3 else []
    return NameParts(_join(parts[-1]), _join(von_last[:von_end]), _join(von_last[von_end:]), _join(jr))


def _assign_plain(parts: list[list[str]]) -> NameParts:
    """``_assign`` for words all joined by a blank: the same cuts, joined
    by ``str.join``."""
    if len(parts) == 1:
        words = parts[0]
        if not words:
            return _EMPTY
        von_start, von_end = _von_span(words)
        return NameParts(" ".join(words[:von_start]), " ".join(words[von_start:von_end]), " ".join(words[von_end:]), "")
    von_last = parts[0]
    von_end = _von_end(von_last, 0, len(von_last) - 1)
    jr = " ".join(parts[1]) if len(parts) == 3 else ""
    return NameParts(" ".join(parts[-1]), " ".join(von_last[:von_end]), " ".join(von_last[von_end:]), jr)


def _von_span(words: list[str]) -> tuple[int, int]:
    """Where von starts and ends in a name without commas: from the first to
    the last lower-case word before the final word, which is always Last."""
    final = len(words) - 1
    for k in range(final):
        if _is_lower(words[k]):
            return k, _von_end(words, k, final)
    return final, final


def _von_end(words: list[str], low: int, high: int) -> int:
    """One past the last lower-case word in ``words[low:high]``, else *low*."""
    for k in range(high - 1, low - 1, -1):
        if _is_lower(words[k]):
            return k + 1
    return low


def _join(words: list[tuple[str, str]]) -> str:
    if not words:
        return ""
    pieces = [words[0][1]]
    for joiner, word in words[1:]:
        pieces.append(joiner)
        pieces.append(word)
    return "".join(pieces)


def _is_lower(word: str) -> bool:
    """bibtex.web's ``von_token_found``, with Unicode letters."""
    size = len(word)
    i = 0
    while i < size:
        char = word[i]
        if char == "{":
            i += 1
            if i + 2 < size and word[i] == "\\":
                return _special_is_lower(word, i + 1)
            depth = 1
            while depth and i < size:
                if word[i] == "}":
                    depth -= 1
                elif word[i] == "{":
                    depth += 1
                i += 1
        elif char.islower():
            return True
        elif char.isupper() or char.istitle():
            return False
        else:
            i += 1
    return False


def _special_is_lower(word: str, i: int) -> bool:
    """Case of a special character ``{\\cs ...}`` whose name starts at *i*."""
    size = len(word)
    name_start = i
    while i < size and word[i].isascii() and word[i].isalpha():
        i += 1
    control = word[name_start:i]
    if control in _SPECIAL_LOWER:
        return True
    if control in _SPECIAL_UPPER:
        return False
    depth = 1
    while i < size and depth:
        char = word[i]
        if char.islower():
            return True
        if char.isupper() or char.istitle():
            return False
        if char == "}":
            depth -= 1
        elif char == "{":
            depth += 1
        i += 1
    return False
