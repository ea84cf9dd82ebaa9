"""Word wrapping as Jinja's ``wordwrap`` filter does it, quick when a line fits.

Both the plain-text writer and the templates wrap with it, so they break
lines alike. textwrap (imported only for a line that needs it) takes a line
apart and joins it again; most lines of a publication list fit, and one
that fits comes back unchanged but for trailing blanks.
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
    if type(text) is str and 0 < len(text) <= width and not text[-1].isspace() and not _LINE_BOUNDARY.search(text):
        return text
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
