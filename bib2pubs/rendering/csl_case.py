"""CSL's text-case as pandoc's citeproc applies it, for citeproc-py's
strings (``csl_patches`` calls it in place of citeproc-py's own).

Text is cut into chunks (a run of letters and digits, a run of spaces, or
one other character) and each chunk of letters is changed by what came
before it: the start, the start of a sentence, a word's end, or the last
word (tests/fixtures/csl_text_case.tsv holds what pandoc 2.17 does). Words of mixed case ("arXiv",
"iPhone") are left as they are; so are the parts of a string citeproc-py
keeps from changing (its NoCase, pandoc's "nocase" span), and text in small
capitals, superscript or subscript (``csl_markup``'s markers), which only
move the state along.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from citeproc.string import MixedString, NoCase, String  # type: ignore[import-untyped]

from bib2pubs.rendering.csl_markup import closing, opening

_START, _SENTENCE, _WORD_END, _WORD_CHAR, _AFTER_STOP, _AFTER_OTHER, _LAST_WORD = range(7)
_BREAKS: Final = frozenset(" \t\n-/\u2013\u2014")
_STOP_WORDS: Final = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "but",
        "by",
        "down",
        "for",
        "from",
        "in",
        "into",
        "nor",
        "of",
        "on",
        "onto",
        "or",
        "over",
        "so",
        "the",
        "till",
        "to",
        "up",
        "via",
        "with",
        "yet",
        "about",
        "van",
        "von",
        "de",
        "d",
        "l",
    ]
)
#: Markers around text that keeps its case.
_KEEP: Final = {opening(kind): closing(kind) for kind in ("smallcaps", "sup", "sub")}
_MARKERS: Final = range(0xE000, 0xF900)


def _capitalize(chunk: str) -> str:
    return chunk[:1].upper() + chunk[1:]


def _mixed(chunk: str) -> bool:
    return any(char.isupper() for char in chunk) and any(char.islower() for char in chunk)


def _lower(chunk: str) -> bool:
    """Every character lower case (a digit is not), as Haskell's isLower."""
    return all(char.islower() for char in chunk)


def _upper(chunk: str) -> bool:
    return all(char.isupper() for char in chunk)


def _title(state: int, chunk: str) -> str:
    if _mixed(chunk) or _upper(chunk):
        return chunk
    if state in (_START, _SENTENCE):
        return _capitalize(chunk.lower())
    if state == _WORD_END and chunk not in _STOP_WORDS and len(chunk) > 1:
        return _capitalize(chunk.lower())
    if state == _LAST_WORD and len(chunk) > 1:
        return _capitalize(chunk.lower())
    return chunk


def _sentence(state: int, chunk: str) -> str:
    capitalized = chunk[:1].isupper() and _lower(chunk[1:])
    starting = state in (_START, _SENTENCE)
    if capitalized and not starting:
        return chunk.lower()
    if starting and (capitalized or _lower(chunk)):
        return _capitalize(chunk.lower())
    return chunk


def _capitalize_first(state: int, chunk: str) -> str:
    return _capitalize(chunk) if state == _START and _lower(chunk) else chunk


def _capitalize_all(state: int, chunk: str) -> str:
    starts = state in (_START, _SENTENCE, _WORD_END, _LAST_WORD)
    return _capitalize(chunk) if starts and _lower(chunk) else chunk


_TRANSFORMS: Final[dict[str, Callable[[int, str], str]]] = {
    "uppercase": lambda _state, chunk: chunk.upper(),
    "lowercase": lambda _state, chunk: chunk.lower(),
    "capitalize-first": _capitalize_first,
    "capitalize-all": _capitalize_all,
    "sentence": _sentence,
    "title": _title,
}


def _kind(char: str) -> str:
    if ord(char) in _MARKERS:
        return "m" + char
    if char.isalnum():
        return "a"
    return "s" if char.isspace() else "o" + char


def _chunks(text: str) -> list[str]:
    chunks: list[str] = []
    for char in text:
        kind = _kind(char)
        if chunks and kind in ("a", "s") and _kind(chunks[-1][-1]) == kind:
            chunks[-1] += char
        else:
            chunks.append(char)
    return chunks


def _next_state(state: int, chunk: str) -> int:
    last = chunk[-1]
    if last in ".?!:":
        return _AFTER_STOP
    if last.isalnum():
        return _WORD_CHAR
    if last.isspace() and state == _AFTER_STOP:
        return _SENTENCE
    return _WORD_END if last in _BREAKS else _AFTER_OTHER


def _last_word(visible: str) -> int | None:
    """Where the last word starts, when there is more than one and it has
    no hyphen or slash in it (pandoc's last Str of several)."""
    cut = max(visible.rfind(" "), visible.rfind("\n"), visible.rfind("\t"))
    word = visible[cut + 1 :]
    if cut < 0 or not word or any(char in _BREAKS for char in word):
        return None
    return cut + 1


def transform(text: Any, text_case: str) -> Any:
    """``text`` (str, citeproc-py's String, NoCase or MixedString) in
    ``text_case``; an unknown case, or anything else, as it is."""
    how = _TRANSFORMS.get(text_case)
    if how is None or not isinstance(text, str | MixedString) or isinstance(text, NoCase):
        return text
    segments = list(text) if isinstance(text, MixedString) else [text]
    visible = "".join(char for char in "".join(map(str, segments)) if ord(char) not in _MARKERS)
    last_word = _last_word(visible)
    state, seen, kept = _START, 0, []
    out = []
    for segment in segments:
        changed = []
        for chunk in _chunks(str(segment)):
            if ord(chunk[0]) in _MARKERS:
                if chunk in _KEEP:
                    kept.append(_KEEP[chunk])
                elif kept and chunk == kept[-1]:
                    kept.pop()
                changed.append(chunk)
                continue
            if seen == last_word and state in (_WORD_END, _SENTENCE, _START):
                state = _LAST_WORD
            keep = isinstance(segment, NoCase) or bool(kept) or not chunk.isalnum()
            changed.append(chunk if keep else how(state, chunk))
            state = _next_state(state, chunk)
            seen += len(chunk)
        out.append(type(segment)("".join(changed)) if isinstance(segment, String) else "".join(changed))
    if isinstance(text, MixedString):
        return MixedString(out)
    return type(text)(out[0]) if out else text
