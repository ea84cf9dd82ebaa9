"""Decode the LaTeX in BibTeX field values to plain Unicode text.

BibTeX values are mostly plain text with a little LaTeX sprinkled in:
accents (``Erd\\H{o}s``), case-protecting braces (``{NSDI}``), logos
(``{\\TeX}``), a formula (``$O(n \\log n)$``).  :func:`latex_to_text` turns
them into what a reader of the typeset bibliography would see.

How it works, and why:

* A compiled regular expression splits the value into tokens (runs of plain
  text, control words, control symbols, ligatures, single special
  characters).  Every alternative is linear, so no input backtracks.
* Tokens drive a small state machine with an explicit stack of open groups
  and of macros waiting for their arguments.  No Python recursion follows the
  nesting depth of the input, so 100,000 nested braces are just a long list.
* Macros are looked up in tables (:mod:`bib2pubs.latex.macros`, built from
  the data in :mod:`bib2pubs.latex.tables`).  A macro we
  do not know keeps its text: its braced argument, or its name.  Before
  falling back to the name we consult pylatexenc's symbol table, imported
  only then, because importing pylatexenc costs more than decoding a whole
  bibliography.
* The decoder never raises: unbalanced braces, a dangling backslash or an
  unclosed ``$`` all decode to their best reading.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from typing import Final

from bib2pubs.latex import tables as _t
from bib2pubs.latex.macros import IDENTITY as _IDENTITY
from bib2pubs.latex.macros import LIGATURES as _LIGATURES
from bib2pubs.latex.macros import MACROS as _MACROS
from bib2pubs.latex.macros import SUBSCRIPT as _SUBSCRIPT
from bib2pubs.latex.macros import SUPERSCRIPT as _SUPERSCRIPT
from bib2pubs.latex.macros import SYMBOLS as _SYMBOLS
from bib2pubs.latex.macros import Macro as _Macro
from bib2pubs.latex.macros import pylatexenc_symbols as _pylatexenc_symbols
from bib2pubs.latex.macros import sqrt_render as _sqrt
from bib2pubs.latex.quick import QuickDecoder
from bib2pubs.lazyre import lazy

__all__ = ["has_latex", "latex_to_text"]

# What makes a value worth decoding (has_latex): a backslash, brace, $, ~,
# backquote, or "--", "''" or ",,".  Everything else is returned with its
# whitespace collapsed.  The single backquote and ",," are included because
# they are ligatures (‘ and „) too.  The decoder is needed for the same but
# braces (_needs_decoder).  Both are tested by scans, not a search
# (tests/test_speed_hot.py holds them to the patterns).

# One token per match.  `text` takes the longest run of characters with no
# meaning (a hyphen, quote, comma, ? or ! joins the run unless it starts a
# ligature); each of its alternatives eats exactly one character, so the
# engine never backtracks.  A control word swallows the blanks after it, and
# at most one newline, as TeX does.  The last alternative catches everything
# else one character at a time: braces, ~ ^ _ and a lone trailing backslash.
_TOKEN: Final = lazy(
    r"""
      (?P<text>(?:[^\\{}$~^_`'\-?!,]|-(?!-)|'(?!')|,(?!,)|[?!](?!`))+)
    | (?P<word>\\(?P<name>[A-Za-z]+)[ \t]*(?:\r?\n[ \t]*)?)
    | \\(?P<sym>[\s\S])
    | (?P<lig>---|--|``|''|,,|[?!]`|`)
    | (?P<dollar>\$\$?)
    | (?P<char>[\s\S])
    """,
    re.VERBOSE,
)

# A math shift later in the value: an unescaped dollar.
_NEXT_DOLLAR: Final = lazy(r"(?<!\\)\$")
# Inside a verbatim argument only escapes and braces matter.
_BRACE_SCAN: Final = lazy(r"\\[\s\S]|[{}]")
# What \url keeps from a backslash escape: hyperref prints "\%" as "%".
_URL_ESCAPE: Final = lazy(r"\\([#$%&_{}~ /])")
# After "\\": an optional star and an optional vertical space, e.g. \\*[2pt].
_NEWLINE_TAIL: Final = lazy(r"\*?(?:\s*\[[^\[\]{}]*\])?")
# The optional root index of \sqrt[3]{x}; only simple contents are supported.
_SQRT_INDEX: Final = lazy(r"\s*\[([^\[\]{}]*)\]")
# TeX dimensions after \kern, \hskip, \raise ...  Digit counts are bounded
# and no two blank runs are adjacent, so a failing match cannot backtrack
# quadratically.
_DIMEN: Final = lazy(
    r"""\s*(?:[-+]\s*)?(?:\d{1,9}(?:[.,]\d{0,9})?|[.,]\d{1,9})\s*
        (?:true\s*)?(?:em|ex|pt|pc|in|cm|mm|bp|dd|cc|sp|mu|px)?
        (?:\s+(?:plus|minus)\s*[-+]?(?:\d{1,9}(?:\.\d{0,9})?|\.\d{1,9})\s*
           (?:fil{1,3}|em|ex|pt|mu)?)*[ ]?""",
    re.VERBOSE,
)
# \char"E9, \char'351, \char233, \char`\x
_CHAR_CODE: Final = lazy(
    r"""\s*(?:"(?P<hex>[0-9A-Fa-f]{1,6})|'(?P<oct>[0-7]{1,8})
        |`\\?(?P<chr>[\s\S])|(?P<dec>[0-9]{1,7}))[ ]?""",
    re.VERBOSE,
)

# What _tidy removes. None of it is printable (str.isprintable): a printable
# value, as nearly every one is, needs no search, and a small run no pattern.
_INVISIBLE: Final = lazy("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u2060\ufeff]")

# Nesting depth beyond which argument-transforming macros are ignored (their
# arguments are kept as plain text).  Each level re-joins the text below it,
# so without a bound adversarial input like 100,000 nested \MakeUppercase
# would take quadratic time.  Real values never come close.
_MAX_DEPTH: Final = 100

# Values longer than this bypass the cache (see latex_to_text).
_CACHE_MAX_LEN: Final = 512


def has_latex(value: str) -> bool:
    """Tell whether *value* may contain LaTeX that :func:`latex_to_text` decodes.

    A cheap test: a backslash, brace, ``$``, ``~`` or backquote, or one of
    the ligatures ``--``, ``''`` and ``,,``.  A value without any of them
    decodes to itself, whitespace collapsed.
    """
    return "{" in value or "}" in value or _needs_decoder(value)


def latex_to_text(value: str) -> str:
    """Decode a BibTeX field value (LaTeX) to plain Unicode text.

    The result is NFC-normalised, its whitespace runs (newlines included) are
    collapsed to one space and it is stripped.  Text is never dropped: an
    unknown macro keeps its argument or its name.  The function never raises
    and runs in time linear in the length of *value*.  Results are cached
    because venue strings and author names repeat.

    >>> latex_to_text(r"The {\\TeX}book")
    'The TeXbook'
    >>> latex_to_text(r"Erd\\H{o}s--R\\'enyi graphs in $O(n \\log n)$")
    'Erdős–Rényi graphs in O(n log n)'
    """
    if value.isdigit() and value.isascii():
        return value  # a year, a volume, a page: its own text, without a look in the cache
    # Long values (abstracts) hardly ever repeat; keeping them out of the
    # cache bounds its memory.
    if len(value) > _CACHE_MAX_LEN:
        return _decode(value)
    return _cached_decode(value)


def _decode(value: str) -> str:
    """Decode without the cache; see :func:`latex_to_text`."""
    # LaTeX is what needs the decoder, or a brace: one test tells both.
    if not _needs_decoder(value):
        # Braces alone ("{Editor's} {NSDI}") only protect case: most titles
        # need nothing more than dropping them (and most values have none).
        if "{" in value or "}" in value:
            value = value.replace("{", "").replace("}", "")
    else:
        # Most values that need more are logos, accents and dashes:
        # one substitution reads them (bib2pubs.latex.quick).
        quick = _QUICK.decode(value)
        value = _Decoder(value).run() if quick is None else quick
    return _tidy(value)


def _needs_decoder(value: str) -> bool:
    """Whether ``value`` holds a backslash, $, ~, backquote, "--", "''" or
    ",,": seven scans for a character or two cost less than one search
    for any of them (tests/test_speed_hot.py)."""
    return (
        "\\" in value or "$" in value or "~" in value or "`" in value or "--" in value or "''" in value or ",," in value
    )


def _tidy(value: str) -> str:
    """Decoded text made fit to show: NFC, no invisible characters, and
    whitespace runs collapsed. Control characters (\\char27 makes an escape
    sequence) and zero-width ones (pasted from PDFs) have no place in it."""
    printable = value.isprintable()
    if printable and value.isascii():
        # Most values: ASCII is its own NFC, and its one printable blank is
        # the space, so a value with no run of them and none at either end
        # is tidy already (no list of its words made and joined again).
        if "  " in value or value.startswith(" ") or value.endswith(" "):
            return " ".join(value.split())
        return value
    # Most values that are not printable only break lines: then there is
    # nothing invisible to search for (a pass over the text, several
    # times slower than these).
    if not printable and not value.replace("\n", " ").replace("\t", " ").replace("\r", " ").isprintable():
        value = _INVISIBLE.sub("", value)
    if value.isascii():  # its own NFC
        return " ".join(value.split())
    return " ".join(unicodedata.normalize("NFC", value).split())


# A plain wrapper around the cache keeps latex_to_text's signature visible to
# mypy (an lru_cache object accepts any hashable argument).
_cached_decode: Final = functools.lru_cache(maxsize=1 << 16)(_decode)


# --------------------------------------------------------------------------
# The decoder


class _Group:
    """An open brace group (or the whole value).

    A plain group shares its parent's output list: braces that only protect
    case cost nothing, however deeply they nest.  An argument group owns its
    list, which is handed to the waiting macro when the group closes.
    """

    __slots__ = ("math", "out", "owned")

    def __init__(self, out: list[str], math: int, owned: bool) -> None:
        self.out = out
        self.math = math  # 0 text, 1 inline math, 2 display math
        self.owned = owned


class _Call:
    """A macro that is still reading its arguments."""

    __slots__ = ("args", "macro", "math")

    def __init__(self, macro: _Macro, math: int) -> None:
        self.macro = macro
        self.args: list[str] = []
        self.math = math


class _Decoder:
    """Decode one value; see the module docstring for the design."""

    __slots__ = ("depth", "pos", "src", "stack")

    def __init__(self, src: str) -> None:
        self.src = src
        self.pos = 0
        self.stack: list[_Group | _Call] = [_Group([], 0, owned=True)]
        self.depth = 0  # open calls and argument groups, bounded by _MAX_DEPTH

    def run(self) -> str:
        """Decode the whole value; the result still needs NFC and spacing."""
        src = self.src
        match = _TOKEN.match
        end = len(src)
        while self.pos < end:
            m = match(src, self.pos)
            if m is None:  # cannot happen: the last alternative takes any char
                break
            self.pos = m.end()
            kind = m.lastgroup
            if kind == "text":
                self._text(m.group())
            elif kind == "word":
                self._word(m.group("name"), m.end("name") != m.end())
            elif kind == "sym":
                self._control_symbol(m.group("sym"))
            elif kind == "lig":
                self._ligature(m.group())
            elif kind == "dollar":
                self._dollar(m.group())
            else:
                self._char(m.group())
        while len(self.stack) > 1:
            self._close()
        root = self.stack[0]
        return "".join(root.out) if isinstance(root, _Group) else ""

    # -- output ------------------------------------------------------------

    def _deliver(self, text: str) -> None:
        """Output one unit: an argument of the waiting macro, or group text.

        A macro that thereby gets its last argument renders, and its result
        is delivered in turn (a loop, not recursion).
        """
        stack = self.stack
        while True:
            top = stack[-1]
            if isinstance(top, _Group):
                top.out.append(text)
                return
            top.args.append(text)
            if len(top.args) < top.macro.nargs:
                return
            stack.pop()
            self.depth -= 1
            text = top.macro.render(top.args)

    def _text(self, text: str) -> None:
        """Output a run of plain text.

        A macro waiting for an argument takes only the first character, as
        in TeX (``\\v rz`` is "řz"), after skipping blanks.
        """
        stack = self.stack
        while text:
            top = stack[-1]
            if isinstance(top, _Group):
                if top.math:
                    text = text.translate(_t.MATH_CHARS)
                top.out.append(text)
                return
            text = text.lstrip()
            if not text:
                return
            first = text[0].translate(_t.MATH_CHARS) if top.math else text[0]
            self._deliver(first)
            text = text[1:]

    def _space(self) -> None:
        """Output a blank; it is never an argument."""
        self._text(" ")

    def _in_math(self) -> bool:
        return bool(self.stack[-1].math)

    # -- groups and calls --------------------------------------------------

    def _call(self, macro: _Macro) -> None:
        """Start reading the arguments of *macro*."""
        if self.depth >= _MAX_DEPTH:
            return  # too deep: ignore the macro, its arguments stay as text
        self.stack.append(_Call(macro, self.stack[-1].math))
        self.depth += 1

    def _open(self) -> None:
        """Handle "{": an argument if a macro waits for one, else a plain group."""
        top = self.stack[-1]
        if isinstance(top, _Call):
            arg_math = top.macro.arg_math
            math = top.math if arg_math is None else arg_math
            self.stack.append(_Group([], math, owned=True))
            self.depth += 1
        else:
            self.stack.append(_Group(top.out, top.math, owned=False))

    def _finish_calls(self) -> None:
        """Render the macros still waiting for arguments that will not come."""
        stack = self.stack
        while True:
            top = stack[-1]
            if not isinstance(top, _Call):
                return
            stack.pop()
            self.depth -= 1
            self._deliver(top.macro.render(top.args))

    def _close(self) -> None:
        """Handle "}" (or the end of the value, once per open group)."""
        self._finish_calls()
        if len(self.stack) == 1:
            return  # a stray "}" closes nothing; TeX would stop with an error
        group = self.stack.pop()
        if isinstance(group, _Group) and group.owned:
            self.depth -= 1
            self._deliver("".join(group.out))

    def _set_math(self, math: int) -> None:
        """Switch math mode in the current group."""
        self._finish_calls()
        top = self.stack[-1]
        top.math = math

    # -- tokens ------------------------------------------------------------

    def _word(self, name: str, gap: bool) -> None:
        """Handle a control word; *gap* tells whether blanks followed it."""
        symbol = _SYMBOLS.get(name)
        if symbol is not None:
            self._symbol(symbol, gap)
            return
        special = _SPECIAL.get(name)
        if special is not None:
            special(self, gap)
            return
        macro = _MACROS.get(name)
        if macro is not None:
            if self.src.startswith("*", self.pos):  # \operatorname*, \hspace*
                self.pos += 1
            self._call(macro)
            return
        self._unknown(name, gap)

    def _symbol(self, text: str, gap: bool) -> None:
        """Output an argument-less macro's text.

        TeX swallows the blanks after a control word (``\\ae lstr`` is
        "ælstr"); in math we keep one instead, because there the source
        spacing is the best guess at the typeset spacing (``n \\log n``).
        """
        if text and not text.isspace():
            self._deliver(text)
        else:
            self._text(text)
        if gap and (self._in_math() or (len(text) > 1 and text[-1].isalnum())):
            # A word-like macro (\LaTeX, \BibTeX) followed by a blank in a
            # title: TeX would print "LaTeXand", but the author meant a word
            # space, and losing it would change the title's words.
            self._space()

    def _unknown(self, name: str, gap: bool) -> None:
        """Handle a macro we do not know without losing its text."""
        text = _pylatexenc_symbols().get(name)
        if text is not None:
            self._symbol(text, gap)
        elif self.src.startswith("{", self.pos):
            self._call(_IDENTITY)  # \foo{bar} -> bar
        else:
            # \NoSQL -> NoSQL; the blank after it was meant as a word space.
            self._deliver(name)
            if gap:
                self._space()

    def _control_symbol(self, char: str) -> None:
        """Handle a backslash followed by one non-letter."""
        macro = _MACROS.get(char)
        if macro is not None:  # \' \" \^ ...
            self._call(macro)
        elif char in "([":
            self._set_math(1 if char == "(" else 2)
        elif char in ")]":
            self._set_math(0)
        elif char == "\\":
            self._skip(_NEWLINE_TAIL)
            self._space()
        else:
            text = _t.CONTROL_SYMBOLS.get(char, char)  # unknown: keep the char
            self._symbol(text, False)

    def _ligature(self, text: str) -> None:
        """Handle ``--`` ``''`` and friends (only ligatures outside math)."""
        if self._in_math():
            self._text(text)
        else:
            self._deliver(_LIGATURES[text])

    def _dollar(self, text: str) -> None:
        """Handle ``$`` and ``$$``.

        ``$a$$b$`` is two inline formulas, so ``$$`` inside inline math
        closes and reopens it rather than starting display math.  A dollar
        that no other dollar follows cannot open a formula: it is a literal
        one someone forgot to escape ("The $100 laptop").
        """
        math = self.stack[-1].math
        if not math and _NEXT_DOLLAR.search(self.src, self.pos) is None:
            self._deliver(text)
        elif text == "$":
            self._set_math(0 if math else 1)
        elif math != 1:
            self._set_math(0 if math else 2)

    def _char(self, char: str) -> None:
        """Handle { } ~ ^ _ and a lone backslash at the very end."""
        if char == "{":
            self._open()
        elif char == "}":
            self._close()
        elif char == "~":
            self._space()
        elif char in "^_" and self._in_math():
            self._call(_SUPERSCRIPT if char == "^" else _SUBSCRIPT)
        else:
            self._deliver(char)

    # -- macros that read the source themselves ----------------------------

    def _skip(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        """Consume *pattern* at the current position, if it matches."""
        m = pattern.match(self.src, self.pos)
        if m is not None:
            self.pos = m.end()
        return m

    def _verbatim(self) -> str | None:
        """Read a verbatim argument: ``{...}`` or ``|...|``; None if absent.

        URLs and paths contain ~ % # _ that must not be interpreted.  An
        unclosed argument runs to the end of the value.
        """
        src, start = self.src, self.pos
        if start >= len(src):
            return None
        opener = src[start]
        if opener == "{":
            depth = 0
            for m in _BRACE_SCAN.finditer(src, start):
                token = m.group()
                if token == "{":
                    depth += 1
                elif token == "}":
                    depth -= 1
                    if depth == 0:
                        self.pos = m.end()
                        return src[start + 1 : m.start()]
            self.pos = len(src)
            return src[start + 1 :]
        if opener.isalnum() or opener.isspace() or opener in "\\}":
            return None
        close = src.find(opener, start + 1)
        if close < 0:
            self.pos = len(src)
            return src[start + 1 :]
        self.pos = close + 1
        return src[start + 1 : close]

    def _tabbing_accent(self, gap: bool) -> None:
        """``\\a'e``: the tabbing environment's spelling of ``\\'e``."""
        src, pos = self.src, self.pos
        macro = _MACROS.get(src[pos]) if pos < len(src) and not gap else None
        if macro is None:
            self._unknown("a", gap)
            return
        self.pos += 1
        self._call(macro)

    def _url(self, gap: bool) -> None:
        """``\\url{...}``, ``\\path|...|``: the address, verbatim."""
        raw = self._verbatim()
        if raw is None:
            self._call(_IDENTITY)
        else:
            self._deliver(_URL_ESCAPE.sub(r"\1", raw))

    def _verb(self, gap: bool) -> None:
        """``\\verb|...|``: the text, verbatim."""
        raw = self._verbatim()
        if raw is not None:
            self._deliver(raw)

    def _href(self, gap: bool) -> None:
        """``\\href{url}{text}``: the text (the address if no text follows)."""
        raw = self._verbatim()
        if raw is None:
            self._call(_IDENTITY)
            return
        url = _URL_ESCAPE.sub(r"\1", raw)
        self._call(_Macro(1, lambda args: "".join(args) if args else url))

    def _char_code(self, gap: bool) -> None:
        """``\\char"E9`` and friends: the character with that code."""
        m = self._skip(_CHAR_CODE)
        if m is None:
            return
        if m.group("chr") is not None:
            self._deliver(m.group("chr"))
            return
        if m.group("hex") is not None:
            code = int(m.group("hex"), 16)
        elif m.group("oct") is not None:
            code = int(m.group("oct"), 8)
        else:
            code = int(m.group("dec"))
        if code < 0x110000 and not 0xD800 <= code < 0xE000:
            self._deliver(chr(code))

    def _sqrt(self, gap: bool) -> None:
        """``\\sqrt[n]{x}``: the optional index is read here."""
        m = self._skip(_SQRT_INDEX)
        index = latex_to_text(m.group(1)) if m is not None else ""
        self._call(_Macro(1, _sqrt(index)))

    def _kern(self, gap: bool) -> None:
        """``\\kern-.1em``: a small space, printed as nothing."""
        self._skip(_DIMEN)

    def _hskip(self, gap: bool) -> None:
        """``\\hskip 1em``: a space."""
        self._skip(_DIMEN)
        self._space()


# Control words that read the source themselves; called with the decoder
# and whether blanks followed the control word.
_SPECIAL: Final[dict[str, Callable[[_Decoder, bool], None]]] = {
    "a": _Decoder._tabbing_accent,
    "url": _Decoder._url,
    "nolinkurl": _Decoder._url,
    "path": _Decoder._url,
    "doi": _Decoder._url,
    "verb": _Decoder._verb,
    "href": _Decoder._href,
    "char": _Decoder._char_code,
    "sqrt": _Decoder._sqrt,
    "kern": _Decoder._kern,
    "mkern": _Decoder._kern,
    "raise": _Decoder._kern,
    "lower": _Decoder._kern,
    "hskip": _Decoder._hskip,
    "vskip": _Decoder._hskip,
    "mskip": _Decoder._hskip,
}

# The quick path for simple values; it leaves the control words above to the decoder.
_QUICK: Final = QuickDecoder(frozenset(_SPECIAL))
