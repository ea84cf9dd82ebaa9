"""Word wrapping as Jinja's ``wordwrap`` filter does it, quick for plain lines.

Both the plain-text writer and the templates wrap with it, so they break
lines alike. textwrap (imported only for a line that needs it) takes a line
apart and joins it again; most lines of a publication list fit, and one
that fits comes back unchanged but for trailing blanks. A longer line of
words parted by single spaces is wrapped here as textwrap wraps it, unless
it might break within a hyphenated word (tests/test_fast_paths.py holds the
two together).
"""

from __future__ import annotations

from typing import Final

from bib2pubs.lazyre import lazy

# Where str.splitlines() breaks a line: text with none of them is one paragraph.
_LINE_BOUNDARY: Final = lazy("[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def wrap_text(
    text: str,
    width: int,
    break_long_words: bool = True,
    wrapstring: str = "\n",
    break_on_hyphens: bool = True,
) -> str:
    """``text`` wrapped at ``width``, paragraphs (lines) wrapped apart and
    lines joined by ``wrapstring``: what Jinja's ``wordwrap`` returns."""
    # textwrap keeps a fitting line's leading blanks and drops its trailing
    # ones, so only a line ending in a non-blank comes back as it is; Markup
    # takes the long way, which returns a plain str.
    if type(text) is str and text and width > 0 and not _LINE_BOUNDARY.search(text):
        if len(text) <= width and not text[-1].isspace():
            return text
        lines = _words_wrapped(text, width)
        if lines is not None:
            return wrapstring.join(lines)
    import textwrap  # compiles its patterns on import; a line that fits never needs it

    return wrapstring.join(
        [
            wrapstring.join(
                textwrap.wrap(
                    line,
                    width=width,
                    expand_tabs=False,
                    replace_whitespace=False,
                    break_long_words=break_long_words,
                    break_on_hyphens=break_on_hyphens,
                )
            )
            for line in text.splitlines()
        ]
    )


def _words_wrapped(line: str, width: int) -> list[str] | None:
    """``line`` wrapped at ``width`` as textwrap wraps it, when it is words
    parted by single spaces, each at most ``width`` long and not all blank
    (U+00A0), with no tab; else None. textwrap then takes the words one by
    one, with the space before each, onto a line while they fit, and drops
    the space a line ends on. It may also break a word after a hyphen: only
    a hyphenated word that does not fit where it stands (one a line could
    break within) is left to it, with tabs, runs of blanks and overlong words."""
    if "\t" in line:
        return None
    words = line.split(" ")
    if "" in words:  # a blank at either end, or a run of them
        return None
    lines: list[str] = []
    current = words[0]
    if len(current) > width or current.isspace():
        return None
    for word in words[1:]:
        # textwrap drops a word of other blanks (no-break spaces) at a line's end
        if len(word) > width or word.isspace():
            return None
        if len(current) + 1 + len(word) <= width:
            current += " " + word
        elif "-" in word:
            return None
        else:
            lines.append(current)
            current = word
    lines.append(current)
    return lines
