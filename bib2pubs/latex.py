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
* Macros are looked up in tables (:mod:`bib2pubs.latex_tables`).  A macro we
  do not know keeps its text: its braced argument, or its name.  Before
  falling back to the name we consult pylatexenc's symbol table, imported
  only then, because importing pylatexenc costs more than decoding a whole
  bibliography.
* The decoder never raises: unbalanced braces, a dangling backslash or an
  unclosed ``$`` all decode to their best reading.
"""

from __future__ import annotations

import functools
import importlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from bib2pubs import latex_tables as _t

__all__ = ["has_latex", "latex_to_text"]

# What makes a value worth decoding.  Everything else is returned with its
# whitespace collapsed.  The single backquote and ",," are included because
# they are ligatures (‘ and „) too.
_HAS_LATEX: Final = re.compile(r"[\\{}$~`]|--|''|,,")

# One token per match.  `text` takes the longest run of characters with no
# meaning (a hyphen, quote, comma, ? or ! joins the run unless it starts a
# ligature); each of its alternatives eats exactly one character, so the
# engine never backtracks.  A control word swallows the blanks after it, and
# at most one newline, as TeX does.  The last alternative catches everything
# else one character at a time: braces, ~ ^ _ and a lone trailing backslash.
_TOKEN: Final = re.compile(
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
_NEXT_DOLLAR: Final = re.compile(r"(?<!\\)\$")
# Inside a verbatim argument only escapes and braces matter.
_BRACE_SCAN: Final = re.compile(r"\\[\s\S]|[{}]")
# What \url keeps from a backslash escape: hyperref prints "\%" as "%".
_URL_ESCAPE: Final = re.compile(r"\\([#$%&_{}~ /])")
# After "\\": an optional star and an optional vertical space, e.g. \\*[2pt].
_NEWLINE_TAIL: Final = re.compile(r"\*?(?:\s*\[[^\[\]{}]*\])?")
# The optional root index of \sqrt[3]{x}; only simple contents are supported.
_SQRT_INDEX: Final = re.compile(r"\s*\[([^\[\]{}]*)\]")
# TeX dimensions after \kern, \hskip, \raise ...  Digit counts are bounded
# and no two blank runs are adjacent, so a failing match cannot backtrack
# quadratically.
_DIMEN: Final = re.compile(
    r"""\s*(?:[-+]\s*)?(?:\d{1,9}(?:[.,]\d{0,9})?|[.,]\d{1,9})\s*
        (?:true\s*)?(?:em|ex|pt|pc|in|cm|mm|bp|dd|cc|sp|mu|px)?
        (?:\s+(?:plus|minus)\s*[-+]?(?:\d{1,9}(?:\.\d{0,9})?|\.\d{1,9})\s*
           (?:fil{1,3}|em|ex|pt|mu)?)*[ ]?""",
    re.VERBOSE,
)
# \char"E9, \char'351, \char233, \char`\x
_CHAR_CODE: Final = re.compile(
    r"""\s*(?:"(?P<hex>[0-9A-Fa-f]{1,6})|'(?P<oct>[0-7]{1,8})
        |`\\?(?P<chr>[\s\S])|(?P<dec>[0-9]{1,7}))[ ]?""",
    re.VERBOSE,
)

# Nesting depth beyond which argument-transforming macros are ignored (their
# arguments are kept as plain text).  Each level re-joins the text below it,
# so without a bound adversarial input like 100,000 nested \MakeUppercase
# would take quadratic time.  Real values never come close.
_MAX_DEPTH: Final = 100

# Values longer than this bypass the cache (see latex_to_text).
_CACHE_MAX_LEN: Final = 512

# pylatexenc macros whose replacement is a plain string that is nevertheless
# wrong for us (\today is the date the program runs).
_PYLATEXENC_SKIP: Final = frozenset({"today"})


def has_latex(value: str) -> bool:
    """Tell whether *value* may contain LaTeX that :func:`latex_to_text` decodes.

    A cheap test: a backslash, brace, ``$``, ``~`` or backquote, or one of
    the ligatures ``--``, ``''`` and ``,,``.  A value without any of them
    decodes to itself, whitespace collapsed.
    """
    return _HAS_LATEX.search(value) is not None


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
    # Long values (abstracts) hardly ever repeat; keeping them out of the
    # cache bounds its memory.
    if len(value) > _CACHE_MAX_LEN:
        return _decode(value)
    return _cached_decode(value)


def _decode(value: str) -> str:
    """Decode without the cache; see :func:`latex_to_text`."""
    if _HAS_LATEX.search(value) is not None:
        value = _Decoder(value).run()
    return " ".join(unicodedata.normalize("NFC", value).split())


# A plain wrapper around the cache keeps latex_to_text's signature visible to
# mypy (an lru_cache object accepts any hashable argument).
_cached_decode: Final = functools.lru_cache(maxsize=1 << 16)(_decode)


# --------------------------------------------------------------------------
# Macros with arguments


@dataclass(frozen=True, slots=True)
class _Macro:
    """A macro that reads *nargs* arguments and renders them to text.

    *render* receives the arguments read so far; there are fewer than
    *nargs* when the value ends (or the enclosing group closes) early.
    *arg_math* is the mode of the arguments (0 text, 1 math), or None to
    keep the mode the macro was used in.
    """

    nargs: int
    render: Callable[[list[str]], str]
    arg_math: int | None = None


def _join(args: list[str]) -> str:
    """Keep all arguments, in order."""
    return "".join(args)


def _keep(index: int) -> Callable[[list[str]], str]:
    """Keep argument *index*; if it never came, keep what did."""

    def render(args: list[str]) -> str:
        return args[index] if len(args) > index else "".join(args)

    return render


def _constant(text: str) -> Callable[[list[str]], str]:
    """Replace the arguments by *text* (they are markup, not content)."""

    def render(args: list[str]) -> str:
        return text

    return render


def _wrap(left: str, right: str) -> Callable[[list[str]], str]:
    """Surround the argument, e.g. with quotation marks."""

    def render(args: list[str]) -> str:
        return left + "".join(args) + right

    return render


def _apply(func: Callable[[str], str]) -> Callable[[list[str]], str]:
    """Apply a string function (upper, lower) to the argument."""

    def render(args: list[str]) -> str:
        return func("".join(args))

    return render


def _put_accent(text: str, mark: str, spacing: str) -> str:
    """Put combining *mark* on the first character of *text*.

    The mark goes after any marks the character already has; NFC later
    composes and orders them.  With nothing to sit on, the accent prints as
    its spacing form (``\\~{}`` is "~").
    """
    body = text.lstrip()
    if not body:
        return spacing
    first = body[0]
    if mark not in _t.BELOW_MARKS:
        first = _t.DOTLESS.get(first, first)
    end = 1
    while end < len(body) and unicodedata.combining(body[end]):
        end += 1
    return first + body[1:end] + mark + body[end:]


def _accent(mark: str, spacing: str) -> Callable[[list[str]], str]:
    """Render an accent command."""

    def render(args: list[str]) -> str:
        return _put_accent("".join(args), mark, spacing)

    return render


def _wide_accent(mark: str) -> Callable[[list[str]], str]:
    """Render an accent that spans its argument: mark every character."""

    def render(args: list[str]) -> str:
        return "".join(c if c.isspace() else c + mark for c in "".join(args))

    return render


def _map_all(text: str, table: dict[str, str]) -> str | None:
    """Map every character of *text* through *table*, or None if one lacks an entry."""
    mapped = [table.get(c) for c in text]
    if None in mapped:
        return None
    return "".join(c for c in mapped if c is not None)


def _math_script(table: dict[str, str], marker: str) -> Callable[[list[str]], str]:
    """Render ``^`` or ``_``: Unicode super/subscripts when all exist, else keep the marker."""

    def render(args: list[str]) -> str:
        text = "".join("".join(args).split())  # spaces mean nothing in math
        if not text:
            return ""
        mapped = _map_all(text, table)
        return marker + text if mapped is None else mapped

    return render


def _text_script(table: dict[str, str]) -> Callable[[list[str]], str]:
    """Render ``\\textsuperscript``: Unicode characters when all exist, else the text."""

    def render(args: list[str]) -> str:
        text = "".join(args).strip()
        mapped = _map_all(text, table)
        return text if mapped is None else mapped

    return render


def _atom(text: str) -> str:
    """Parenthesise a fraction part unless it is a single symbol or word."""
    text = text.strip()
    return text if len(text) <= 1 or text.isalnum() else f"({text})"


def _frac(args: list[str]) -> str:
    """Render ``\\frac{a}{b}`` as a/b."""
    if len(args) < 2:
        return "".join(args)
    return f"{_atom(args[0])}/{_atom(args[1])}"


def _sqrt(index: str) -> Callable[[list[str]], str]:
    """Render ``\\sqrt[index]{x}`` as √x, √(xy), ∛x ..."""
    if index in ("", "2"):
        sign = "√"
    elif index == "3":
        sign = "∛"
    elif index == "4":
        sign = "∜"
    else:
        sign = (_map_all(index, _t.SUPERSCRIPTS) or index) + "√"

    def render(args: list[str]) -> str:
        body = "".join(args).strip()
        return sign + (body if len(body) <= 1 else f"({body})")

    return render


def _delimiter(args: list[str]) -> str:
    """Render the delimiter after \\left, \\right, \\big ...: "." is invisible."""
    text = "".join(args)
    return "" if text.strip() == "." else text


def _blackboard(args: list[str]) -> str:
    """Render ``\\mathbb``: the letters that have a double-struck code point."""
    return "".join(_t.BLACKBOARD.get(c, c) for c in "".join(args))


def _ordinal(args: list[str]) -> str:
    """Render ``\\nth{21}`` as "21st"."""
    text = "".join(args).strip()
    if not text.isdigit():
        return text
    if text[-2:] in ("11", "12", "13"):
        return text + "th"
    return text + {"1": "st", "2": "nd", "3": "rd"}.get(text[-1], "th")


def _macros() -> dict[str, _Macro]:
    """Build the table of macros that take arguments."""
    macros: dict[str, _Macro] = {}

    def add(names: str, macro: _Macro) -> None:
        for name in names.split():
            macros[name] = macro

    # Text styles keep their argument, read in text mode even inside math.
    add(
        "textbf textit emph textsc texttt textrm textsf textup textmd textsl "
        "textnormal textulc mbox hbox fbox makebox text uline uuline uwave sout "
        "xout mkbibemph mkbibitalic mkbibbold",
        _Macro(1, _join, arg_math=0),
    )
    # Math styles keep their argument in the surrounding mode.
    add(
        "mathrm mathbf mathit mathsf mathtt mathcal mathscr mathfrak mathnormal "
        "boldsymbol bm operatorname underline cite acro llap rlap smash bibstring",
        _Macro(1, _join),
    )
    add("ensuremath", _Macro(1, _join, arg_math=1))
    add("MakeUppercase MakeTextUppercase uppercase", _Macro(1, _apply(str.upper)))
    add("MakeLowercase MakeTextLowercase lowercase", _Macro(1, _apply(str.lower)))
    add("enquote mkbibquote", _Macro(1, _wrap("“", "”")))
    add("mkbibparens", _Macro(1, _wrap("(", ")")))
    add("mkbibbrackets", _Macro(1, _wrap("[", "]")))
    add("cs", _Macro(1, _wrap("\\", "")))  # TUGboat: \cs{relax} is "\relax"
    add("textsuperscript mkbibsuperscript", _Macro(1, _text_script(_t.SUPERSCRIPTS)))
    add("textsubscript", _Macro(1, _text_script(_t.SUBSCRIPTS)))
    # Sort keys, labels, colours, environment names and invisible boxes are
    # markup rather than text: these are the only arguments we drop.
    add(
        "noopsort SortNoop sortnoop label index begin end phantom hphantom vphantom color hyphenation",
        _Macro(1, _constant("")),
    )
    add("hspace vspace", _Macro(1, _constant(" ")))
    add("textcolor foreignlanguage colorbox", _Macro(2, _keep(1)))
    add("fcolorbox", _Macro(3, _keep(2)))
    add("texorpdfstring", _Macro(2, _keep(0)))
    add("frac dfrac tfrac cfrac nicefrac sfrac", _Macro(2, _frac))
    add(
        "left right middle big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr Biggl Biggr bigm Bigm",
        _Macro(1, _delimiter),
    )
    add("mathbb", _Macro(1, _blackboard))
    add("nth", _Macro(1, _ordinal))
    for name, (mark, spacing) in _t.ACCENTS.items():
        macros[name] = _Macro(1, _accent(mark, spacing))
    for name, mark in _t.WIDE_ACCENTS.items():
        macros[name] = _Macro(1, _wide_accent(mark))
    return macros


_MACROS: Final = _macros()
_IDENTITY: Final = _Macro(1, _join)
_SUPERSCRIPT: Final = _Macro(1, _math_script(_t.SUPERSCRIPTS, "^"))
_SUBSCRIPT: Final = _Macro(1, _math_script(_t.SUBSCRIPTS, "_"))

# Macros without arguments, all in one dictionary for a single lookup.
_SYMBOLS: Final[dict[str, str]] = {
    **dict.fromkeys(_t.VANISH, ""),
    **dict.fromkeys(_t.SPACES, " "),
    **{name: name for name in _t.MATH_FUNCTIONS},
    **_t.MATH_SYMBOLS,
    **_t.GREEK,
    **_t.TEXT_SYMBOLS,
    **_t.LOGOS,
    **_t.LETTERS,
}

_LIGATURES: Final[dict[str, str]] = {
    "---": "—",
    "--": "–",
    "``": "“",
    "''": "”",
    "`": "‘",
    ",,": "„",
    "?`": "¿",
    "!`": "¡",
}


@functools.cache
def _pylatexenc_symbols() -> dict[str, str]:
    """Load pylatexenc's argument-less macros that stand for a plain string.

    Imported on first use only (see the module docstring).  Replacements that
    are format strings, empty, or belong to macros taking arguments are left
    out: for those our own rule (keep the argument or the name) is better
    than pylatexenc's (which deletes or wraps text).  Any failure, e.g. a
    pylatexenc with a different API, yields an empty table: a missing symbol
    then prints as its name, which loses nothing.
    """
    try:
        text_db = importlib.import_module("pylatexenc.latex2text")
        walker_db = importlib.import_module("pylatexenc.latexwalker")
        walker = walker_db.get_default_latex_context_db()
        table: dict[str, str] = {}
        for spec in text_db.get_default_latex_context_db().iter_macro_specs():
            name, repl = spec.macroname, spec.simplify_repl
            if not isinstance(name, str) or not isinstance(repl, str):
                continue
            if not repl or "%" in repl or name in _PYLATEXENC_SKIP:
                continue
            parser_spec = walker.get_macro_spec(name)
            if parser_spec is not None and parser_spec.args_parser.argspec:
                continue
            table[name] = repl
        return table
    except Exception:  # noqa: BLE001 - an optional fallback must never break decoding
        return {}


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
