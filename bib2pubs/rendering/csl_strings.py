"""citeproc-py's strings where two parts meet, and the formatter that
writes a style's formatting into them as ``csl_markup``'s markers.

citeproc-py's String and MixedString (a list of String and NoCase parts,
NoCase keeping its case) are what its elements pass around; the helpers
here change them without losing those parts' kinds.
"""

from __future__ import annotations

from typing import Any, Final

from citeproc.string import MixedString, String  # type: ignore[import-untyped]

from bib2pubs.lazyre import lazy
from bib2pubs.rendering.csl_markup import closing, collide, opening, strip_private

#: One of csl_markup's markers (any private-use character).
PRIVATE: Final = lazy("[\ue000-\uf8ff]")


def _visible(text: str, last: bool) -> int | None:
    """Where the first (or last) character that is not a marker is."""
    indexes = range(len(text) - 1, -1, -1) if last else range(len(text))
    return next((index for index in indexes if not PRIVATE.match(text[index])), None)


def _without(value: Any, position: int) -> Any:
    """``value`` (str, citeproc's String or MixedString) without the
    character at ``position``, its parts' kinds (e.g. NoCase) kept."""
    if isinstance(value, MixedString):
        parts = []
        for part in value:
            size = len(str(part))
            if 0 <= position < size:
                text = str(part)
                part = type(part)(text[:position] + text[position + 1 :])
            position -= size
            if str(part):
                parts.append(part)
        return MixedString(parts)
    text = str(value)
    return type(value)(text[:position] + text[position + 1 :])


def seam(left: Any, right: Any) -> tuple[Any, Any]:
    """Two parts about to be joined, with their punctuation reconciled."""
    left_text, right_text = str(left), str(right)
    end, start = _visible(left_text, last=True), _visible(right_text, last=False)
    if end is None or start is None:
        return left, right
    kept = collide(left_text[end], right_text[start])
    if kept == "first":
        return left, _without(right, start)
    if kept == "second":
        return _without(left, end), right
    return left, right


class Seams:
    """``wrap`` (prefix and suffix) and ``join`` (a delimiter) as pandoc's."""

    get: Any

    def wrap(self, string: Any) -> Any:
        if string is None:
            return None
        prefix, suffix = self.get("prefix", ""), self.get("suffix", "")
        if prefix:
            head, string = seam(String(prefix), string)
            string = head + string
        if suffix:
            string, tail = seam(string, String(suffix))
            string = string + tail
        return string

    def join(self, strings: Any, default_delimiter: str = "") -> Any:
        delimiter = self.get("delimiter", default_delimiter)
        # Empty parts stay: citeproc-py joins [names, ""] to end on a delimiter.
        parts = [part for part in strings if part is not None]
        if not parts:
            return String("")
        out = parts[0]
        for part in parts[1:]:
            text = strip_private(str(part))
            if delimiter and not text.startswith((",", ";", ".")):
                out, glue = seam(out, String(delimiter))
                out = out + glue
            out, part = seam(out, part)
            out = out + part
        return out


def _formatted(kind: str, text: Any) -> Any:
    body = String(text) if type(text) is str else text
    return String(opening(kind)) + body + String(closing(kind))


class Formatter:
    """citeproc-py's formatter, writing ``csl_markup``'s pairs of markers
    where its HTML formatter writes tags. Text from the style and the data
    is left as it is: it is escaped once, for each output format, after."""

    @staticmethod
    def preformat(text: Any) -> Any:
        return text

    @staticmethod
    def Italic(text: Any) -> Any:
        return _formatted("italic", text)

    Oblique = Italic

    @staticmethod
    def Bold(text: Any) -> Any:
        return _formatted("bold", text)

    @staticmethod
    def Light(text: Any) -> Any:
        # Light weight: pandoc leaves it plain, as do the output formats.
        return text

    @staticmethod
    def Underline(text: Any) -> Any:
        return _formatted("underline", text)

    @staticmethod
    def Superscript(text: Any) -> Any:
        return _formatted("sup", text)

    @staticmethod
    def Subscript(text: Any) -> Any:
        return _formatted("sub", text)

    @staticmethod
    def SmallCaps(text: Any) -> Any:
        return _formatted("smallcaps", text)
