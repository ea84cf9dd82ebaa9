"""A one-pass decoder for values whose only LaTeX is simple: logos, letters,
accents on one letter, escaped characters, ligatures, ties and braces.

Most titles and names that need decoding at all need no more than that
(``{\\TeX} und {\\LaTeX}``, ``Schr{\\"o}der``, ``1883--1930``). For them the
token-by-token state machine of :mod:`bib2pubs.latex.decode` is a costly way
to reach what a single regular-expression substitution reaches: with no
macro waiting for an argument (an accent's one letter is read with it) and
no math, every token just adds its text to the output. Anything else (a
formula, a macro with a longer argument, an unknown macro) makes
:meth:`QuickDecoder.decode` give up, and the caller uses the decoder. The tests
hold the two to the same result on the corpus and on generated values.
"""

from __future__ import annotations

import re
from typing import Final

from bib2pubs.latex import tables as _t
from bib2pubs.latex.macros import LIGATURES as _LIGATURES
from bib2pubs.latex.macros import MACROS as _MACROS
from bib2pubs.latex.macros import SYMBOLS as _SYMBOLS
from bib2pubs.latex.macros import Macro, pylatexenc_symbols
from bib2pubs.lazyre import lazy

__all__ = ["QuickDecoder"]

# One simple construct per match; the text between matches is kept as it
# is, as the decoder keeps a run of plain text outside math. The first two
# alternatives read a macro together with its argument when that is plain
# text (no LaTeX in it at all), so that no macro is ever left waiting. A
# control word swallows the blanks after it exactly as the decoder's
# tokenizer does. Every alternative starts with a plain character so that
# the engine skips plain text at C speed.
# An argument with no LaTeX in it: no macro, group, tie or ligature.
_PLAIN_ARG: Final = r"(?:[^\\{}$~`'?!,\-]|-(?!-)|'(?!')|,(?!,)|[?!](?!`))*"
_SIMPLE: Final = lazy(
    rf"""
      \\(?P<cmd>[A-Za-z]+)\{{(?P<cmd_arg>{_PLAIN_ARG})\}}
    | \\(?P<acc>[^A-Za-z])(?:\{{(?P<acc_braced>{_PLAIN_ARG})\}}|(?P<acc_arg>[A-Za-z]))
    | \\(?P<word>[A-Za-z]+)(?P<gap>[ \t]*(?:\r?\n[ \t]*)?)
    | \\(?P<sym>[\s\S])
    | \\ | --- | -- | `` | '' | ,, | \?` | !` | ` | \{{ | \}} | ~
    """,
    re.VERBOSE,
)
# What the rest stand for: ligatures, braces (which only group), a tie, and
# a lone backslash ending the value.
_PLAIN: Final = {**_LIGATURES, "{": "", "}": "", "~": " ", "\\": "\\"}
# Control symbols the decoder treats apart: math shifts and "\\".
_NOT_SYMBOLS: Final = frozenset("()[]\\")


class _NotSimple(Exception):
    """The value holds LaTeX only the full decoder reads right."""


class QuickDecoder:
    """Decodes simple values in one substitution; see the module docstring.

    *reads_source* are the control words the decoder reads the source after
    itself (``\\url``, ``\\kern``...): none of them is simple.
    """

    __slots__ = ("reads_source",)

    def __init__(self, reads_source: frozenset[str]) -> None:
        self.reads_source = reads_source

    def decode(self, value: str) -> str | None:
        """*value* decoded as the decoder would, or None if it is not simple.

        The result, like the decoder's, still needs NFC and spacing.
        """
        if "$" in value:
            return None
        try:
            return _SIMPLE.sub(self._one, value)
        except _NotSimple:
            return None

    def _one(self, m: re.Match[str]) -> str:
        """The text of one simple construct, as the decoder would output it."""
        kind = m.lastgroup
        if kind is None:
            return _PLAIN[m.group()]
        if kind == "gap":
            return self._control_word(m)
        if kind == "cmd_arg":
            return self._word_and_argument(m.group("cmd"), m.group("cmd_arg"))
        if kind == "acc_braced" or kind == "acc_arg":
            return _symbol_and_argument(m.group("acc"), m.group(kind))
        return _control_symbol(m.group("sym"))

    def _control_word(self, m: re.Match[str]) -> str:
        """A control word with no argument, and a blank if the decoder keeps one."""
        name = m.group("word")
        gap = bool(m.group("gap"))
        text = _SYMBOLS.get(name)
        if text is None:
            if name in _MACROS or name in self.reads_source:
                raise _NotSimple
            text = pylatexenc_symbols().get(name)
            if text is None:
                if m.string.startswith("{", m.end()):
                    raise _NotSimple  # "\foo {bar}": bar is its argument
                # An unknown macro keeps its name, and the blank after it.
                return name + " " if gap else name
        # A word-like macro followed by a blank keeps a word space (see the
        # decoder's _symbol).
        if gap and len(text) > 1 and text[-1].isalnum():
            return text + " "
        return text

    def _word_and_argument(self, name: str, argument: str) -> str:
        """A control word and the braced plain text after it (its argument, if it takes one)."""
        text = _SYMBOLS.get(name)
        if text is not None:  # "\ss{x}": the braces only group
            return text + argument
        if name in self.reads_source:
            raise _NotSimple
        macro = _MACROS.get(name)
        if macro is not None:
            return _render(macro, argument)
        # Unknown: a symbol pylatexenc knows, or a macro that keeps its argument.
        return pylatexenc_symbols().get(name, "") + argument


def _symbol_and_argument(char: str, argument: str) -> str:
    """A control symbol and the letter or braced plain text after it: an accent's argument, or text."""
    macro = _MACROS.get(char)
    if macro is None:  # "\&x"
        return _control_symbol(char) + argument
    return _render(macro, argument)


def _render(macro: Macro, argument: str) -> str:
    """A macro given its one argument, read in text mode."""
    if macro.nargs != 1 or macro.arg_math == 1:
        raise _NotSimple
    return macro.render([argument])


def _control_symbol(char: str) -> str:
    """A control symbol that takes no argument and changes no mode."""
    if char in _MACROS or char in _NOT_SYMBOLS:
        raise _NotSimple
    return _t.CONTROL_SYMBOLS.get(char, char)
