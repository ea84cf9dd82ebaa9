"""The macro tables of the LaTeX decoder (:mod:`bib2pubs.latex.decode`).

Macros that take arguments are :class:`Macro` values: how many arguments
they read and how the decoded arguments become text. Macros without
arguments are plain strings in :data:`SYMBOLS`. The raw data (accents,
letters, logos, symbols) lives in :mod:`bib2pubs.latex.tables`.
"""

from __future__ import annotations

import functools
import importlib
import os
import unicodedata
from collections.abc import Callable
from typing import Final, NamedTuple

from bib2pubs.errors import is_out_of_memory
from bib2pubs.latex import tables as _t

# pylatexenc macros whose replacement is a plain string that is nevertheless
# wrong for us (\today is the date the program runs).
_PYLATEXENC_SKIP: Final = frozenset({"today"})


class Macro(NamedTuple):
    """A macro that reads *nargs* arguments and renders them to text.

    *render* receives the arguments read so far; there are fewer than
    *nargs* when the value ends (or the enclosing group closes) early.
    *arg_math* is the mode of the arguments (0 text, 1 math), or None to
    keep the mode the macro was used in.

    A named tuple, not a frozen dataclass: as unchangeable, and made in a
    fifth of the time (a dataclass costs every run 0.5 ms at start).
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


def sqrt_render(index: str) -> Callable[[list[str]], str]:
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


def _macros() -> dict[str, Macro]:
    """Build the table of macros that take arguments."""
    macros: dict[str, Macro] = {}

    def add(names: str, macro: Macro) -> None:
        for name in names.split():
            macros[name] = macro

    # Text styles keep their argument, read in text mode even inside math.
    add(
        "textbf textit emph textsc texttt textrm textsf textup textmd textsl "
        "textnormal textulc mbox hbox fbox makebox text uline uuline uwave sout "
        "xout mkbibemph mkbibitalic mkbibbold",
        Macro(1, _join, arg_math=0),
    )
    # Math styles keep their argument in the surrounding mode.
    add(
        "mathrm mathbf mathit mathsf mathtt mathcal mathscr mathfrak mathnormal "
        "boldsymbol bm operatorname underline cite acro llap rlap smash bibstring",
        Macro(1, _join),
    )
    add("ensuremath", Macro(1, _join, arg_math=1))
    add("MakeUppercase MakeTextUppercase uppercase", Macro(1, _apply(str.upper)))
    add("MakeLowercase MakeTextLowercase lowercase", Macro(1, _apply(str.lower)))
    add("enquote mkbibquote", Macro(1, _wrap("“", "”")))
    add("mkbibparens", Macro(1, _wrap("(", ")")))
    add("mkbibbrackets", Macro(1, _wrap("[", "]")))
    add("cs", Macro(1, _wrap("\\", "")))  # TUGboat: \cs{relax} is "\relax"
    add("textsuperscript mkbibsuperscript", Macro(1, _text_script(_t.SUPERSCRIPTS)))
    add("textsubscript", Macro(1, _text_script(_t.SUBSCRIPTS)))
    # Sort keys, labels, colours, environment names and invisible boxes are
    # markup rather than text: these are the only arguments we drop.
    add(
        "noopsort SortNoop sortnoop label index begin end phantom hphantom vphantom color hyphenation",
        Macro(1, _constant("")),
    )
    add("hspace vspace", Macro(1, _constant(" ")))
    add("textcolor foreignlanguage colorbox", Macro(2, _keep(1)))
    add("fcolorbox", Macro(3, _keep(2)))
    add("texorpdfstring", Macro(2, _keep(0)))
    add("frac dfrac tfrac cfrac nicefrac sfrac", Macro(2, _frac))
    add(
        "left right middle big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr Biggl Biggr bigm Bigm",
        Macro(1, _delimiter),
    )
    add("mathbb", Macro(1, _blackboard))
    add("nth", Macro(1, _ordinal))
    for name, (mark, spacing) in _t.ACCENTS.items():
        macros[name] = Macro(1, _accent(mark, spacing))
    for name, mark in _t.WIDE_ACCENTS.items():
        macros[name] = Macro(1, _wide_accent(mark))
    return macros


MACROS: Final = _macros()
IDENTITY: Final = Macro(1, _join)
SUPERSCRIPT: Final = Macro(1, _math_script(_t.SUPERSCRIPTS, "^"))
SUBSCRIPT: Final = Macro(1, _math_script(_t.SUBSCRIPTS, "_"))

# Macros without arguments, all in one dictionary for a single lookup.
SYMBOLS: Final[dict[str, str]] = {
    **dict.fromkeys(_t.VANISH, ""),
    **dict.fromkeys(_t.SPACES, " "),
    **{name: name for name in _t.MATH_FUNCTIONS},
    **_t.MATH_SYMBOLS,
    **_t.GREEK,
    **_t.TEXT_SYMBOLS,
    **_t.LOGOS,
    **_t.LETTERS,
}

LIGATURES: Final[dict[str, str]] = {
    "---": "—",
    "--": "–",
    "``": "“",
    "''": "”",
    "`": "‘",
    ",,": "„",
    "?`": "¿",
    "!`": "¡",
}


# The files of pylatexenc's that make its table (its two macro databases,
# the modules that read them, its version): the table is kept between runs
# under a name that changes when one of them does.
_PYLATEXENC_SOURCES: Final = (
    "version.py",
    "latex2text/__init__.py",
    "latex2text/_defaultspecs.py",
    "latexwalker/__init__.py",
    "latexwalker/_defaultspecs.py",
    "macrospec/__init__.py",
    "macrospec/_argparsers.py",
)


@functools.cache
def pylatexenc_symbols() -> dict[str, str]:
    """pylatexenc's argument-less macros that stand for a plain string
    (``_read_pylatexenc_symbols``), read on first use only.

    Importing pylatexenc and reading its tables takes 10-20 ms, longer than
    a small run takes: the table is kept between runs (``cachedir``), and
    made anew when what is kept is missing, damaged or of another version.
    """
    from bib2pubs.cachedir import keep, read_kept  # only an unknown macro needs them

    kept = _kept_symbols_path()
    if kept is not None:
        table = _from_kept(read_kept(kept))
        if table is not None:
            return table
    table = _read_pylatexenc_symbols()
    if kept is not None and table:  # an empty table is a failure: the next run tries again
        keep(kept, table)
    return table


def _kept_symbols_path() -> str | None:
    """Where pylatexenc's table is kept between runs, or None when caching
    is off or pylatexenc's files are not found (e.g. a zipped install)."""
    from bib2pubs.cachedir import kept_path  # only a value with a macro bib2pubs does not know needs it

    try:
        # The package alone: its __init__ holds only its version.
        init = importlib.import_module("pylatexenc").__file__
    except Exception as error:  # no pylatexenc: the table will be empty
        if is_out_of_memory(error):
            raise  # as in _read_pylatexenc_symbols: end the run clearly
        return None
    if not isinstance(init, str):
        return None
    folder = os.path.dirname(init)
    sources = tuple(os.path.join(folder, *name.split("/")) for name in _PYLATEXENC_SOURCES)
    return kept_path("pylatexenc", (*sources, __file__))


def _from_kept(value: object) -> dict[str, str] | None:
    """The kept table, or None when what was read back is not a table of
    names and texts."""
    if not isinstance(value, dict) or not value:
        return None
    if not all(isinstance(name, str) and isinstance(text, str) for name, text in value.items()):
        return None
    return value


def _read_pylatexenc_symbols() -> dict[str, str]:
    """Load pylatexenc's argument-less macros that stand for a plain string.

    Imported on first use only (see the module docstring).  Replacements that
    are format strings, empty, or belong to macros taking arguments are left
    out: for those our own rule (keep the argument or the name) is better
    than pylatexenc's (which deletes or wraps text).  Any failure, e.g. a
    pylatexenc with a different API, yields an empty table: a missing symbol
    then prints as its name, which loses nothing.
    """
    try:
        # pylatexenc's tables take longer to load than a small run takes: only an unknown macro needs them.
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
    except Exception as error:  # an optional fallback must never break decoding
        if is_out_of_memory(error):
            raise  # an empty table would be kept for the run: end it clearly instead
        return {}
