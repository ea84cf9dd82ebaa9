"""Math in a title, kept as math for LaTeX output.

Every format shows a title as decoded text (``decode``): "An {$O(n \\log n)$}
algorithm" reads "An O(n log n) algorithm". A LaTeX list can typeset the
formula instead, but a formula copied from a .bib into a .tex file is code
(``$\\input{/etc/passwd}$``, ``$\\write18{…}$``, ``$\\def…$``), so one is
kept only when TeX can do nothing with it but typeset it:

* every control sequence is on an allow-list of math commands the LaTeX
  kernel defines, so the output compiles wherever the list is ``\\input``
  with no package (``\\mathbb`` needs amssymb, ``\\text`` amsmath: the first
  is refused, the second written as the kernel's ``\\mbox`` with its
  argument decoded and escaped as text);
* every other character is a letter, a digit, a space or one of
  ``+ - = < > ( ) [ ] | / , . ; : ! ' *``;
* braces, ``\\left``/``\\right`` and ``\\sqrt[…]`` nest, each command gets
  its arguments, and ``^``, ``_`` and ``'`` attach as TeX accepts them (no
  ``^^``, no double superscript), so no kept formula stops the run.

``$…$``, ``\\(…\\)``, ``$$…$$`` and ``\\[…\\]`` are math, all written as
``$…$`` (display math in a title becomes inline); ``\\$`` is a dollar. A
formula that is refused stays in the title and is decoded to text with the
rest, as in every other format.
"""

from __future__ import annotations

import re
from typing import Final

from bib2pubs.latex.decode import latex_to_text
from bib2pubs.lazyre import lazy

__all__ = ["text_escape", "title_latex", "title_math"]

# Text LaTeX prints as it is, for the text around a kept formula and for
# the ``tex`` filter (``rendering.filters.latex_escape`` is this escape), so
# that a title reads the same with or without a formula.
_TEXT_SPECIALS: Final = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "^": r"\textasciicircum{}",
    "_": r"\_",
    "%": r"\%",
    "~": r"\textasciitilde{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    # Braced, brackets are plain text wherever they land: "[" right after
    # `\item` (an untitled entry whose first author starts with "[") or
    # `\\` would otherwise be read as an optional argument, and "]" would
    # end one a template opened (`\item[{{ label }}]`).
    "[": "{[}",
    "]": "{]}",
}
_TEXT_SPECIAL: Final = lazy("|".join(re.escape(char) for char in _TEXT_SPECIALS))


def text_escape(text: str) -> str:
    """Text LaTeX prints as it is (UTF-8 input assumed): specials escaped."""
    return _TEXT_SPECIAL.sub(lambda match: _TEXT_SPECIALS[match.group()], text)


# ---------------------------------------------------------------- allow-list


def _words(text: str) -> frozenset[str]:
    """A set of command names, written as a paragraph of them."""
    return frozenset(text.split())


_GREEK: Final = _words(
    """alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi
    pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega
    Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega"""
)
#: Symbols the kernel defines as math characters: a nucleus, and an argument
#: on their own (``x^\\alpha``, ``\\frac\\pi2``).
SYMBOLS: Final = _GREEK | _words(
    """aleph ell imath jmath wp Re Im partial infty prime emptyset nabla top bot forall exists neg lnot
    pm mp times div cdot ast star circ bullet cap cup setminus wedge vee land lor oplus ominus otimes
    odot dagger ddagger leq le geq ge ll gg subset supset subseteq supseteq in ni equiv sim simeq
    approx propto perp mid parallel prec succ preceq succeq leftarrow rightarrow to gets Leftarrow
    Rightarrow leftrightarrow Leftrightarrow sum prod coprod bigcup bigcap"""
)
#: Commands without arguments that are macros: a nucleus, but TeX refuses
#: them as a lone script or argument (``x^\\log`` stops the run).
OPERATORS: Final = _words(
    """log ln lg exp sin cos tan cot sec csc arcsin arccos arctan sinh cosh tanh min max lim sup inf
    det deg dim gcd arg ker hom Pr limsup liminf int oint ldots cdots dots vdots ddots neq ne notin cong hbar
    hookrightarrow hookleftarrow mapsto longrightarrow longleftarrow Longrightarrow Longleftrightarrow
    iff langle rangle lfloor rfloor lceil rceil vert Vert backslash uparrow downarrow updownarrow slash"""
)
#: Space between atoms: neither a nucleus nor an argument.
SPACES: Final = frozenset({"quad", "qquad"})
_SPACE_SYMBOLS: Final = frozenset(",;!: ")
#: Math alphabets: of one argument, and (unlike the others) a script on
#: their own with it, ``T_\\mathrm{c}``, which TeX reads as ``T_{\\mathrm{c}}``.
ALPHABETS: Final = _words("mathcal mathbf mathrm mathit mathsf mathtt")
#: Commands of one argument (alphabets and accents), and ``\\frac`` of two.
ONE_ARGUMENT: Final = ALPHABETS | _words(
    "hat bar tilde vec dot ddot check breve acute grave widehat widetilde overline underline sqrt"
)
#: Text inside math: its argument is decoded and escaped as text, in the
#: kernel's ``\\mbox`` (amsmath's ``\\text`` is not there in a bare preamble).
TEXT_COMMANDS: Final = frozenset({"text", "mbox"})
#: What ``\\left`` and ``\\right`` take: characters, control symbols, words.
DELIMITER_CHARS: Final = frozenset("()[]|/.")
DELIMITER_SYMBOLS: Final = frozenset("{}|")
DELIMITER_WORDS: Final = _words(
    "langle rangle lfloor rfloor lceil rceil vert Vert backslash uparrow downarrow updownarrow"
)
#: Every control word a kept formula may hold, and the control symbols.
WORDS: Final = SYMBOLS | OPERATORS | SPACES | ONE_ARGUMENT | TEXT_COMMANDS | {"frac", "left", "right"}
CONTROL_SYMBOLS: Final = _SPACE_SYMBOLS | DELIMITER_SYMBOLS
#: Characters that stand for themselves (``'`` is a prime, braces, ``^`` and
#: ``_`` are structure and handled apart).
_ORDINARY: Final = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-=<>()[]|/,.;:!*")

# Nesting deeper than this, or a formula longer, is refused: no title needs
# it (the longest of the corpus's 1,085 formulas has 27 characters), and it
# bounds the work a hostile one makes.
_MAX_DEPTH: Final = 32
_MAX_LENGTH: Final = 1000
# Kept formulas stand in the title as private-use characters while it is
# decoded; a title with more than there are keeps the rest as text.
_PLACEHOLDER_BASE: Final = 0xE000
_MAX_FORMULAS: Final = 0x1900
_PLACEHOLDER: Final = lazy("[\ue000-\uf8ff]")

# A title in tokens: control word, control symbol (or a lone trailing
# backslash), math shift, a run of anything else.
_SCAN: Final = lazy(r"\\[A-Za-z]+|\\[\s\S]?|\$\$?|[^\\$]+")
_CLOSERS: Final = {"$": "$", "$$": "$$", "\\(": "\\)", "\\[": "\\]"}
# A formula in tokens: control word, control symbol, blanks, one character.
_MATH_TOKEN: Final = lazy(r"\\([A-Za-z]+)|\\([\s\S])|([ \t\r\n]+)|([\s\S])")


# ---------------------------------------------------------------- the title


def title_math(raw: str) -> str:
    """The LaTeX form of a raw title (``title_latex``) when it keeps a
    formula, else "" (the decoded title, escaped, says the same)."""
    if "$" not in raw and "\\(" not in raw and "\\[" not in raw:
        return ""  # most titles: no work
    formulas = [(start, end, latex) for start, end, body in _formulas(raw) if (latex := formula_latex(body))]
    if not formulas or _PLACEHOLDER.search(raw):
        return ""
    del formulas[_MAX_FORMULAS:]
    pieces: list[str] = []
    last = 0
    for index, (start, end, _) in enumerate(formulas):
        pieces += [raw[last:start], chr(_PLACEHOLDER_BASE + index)]
        last = end
    pieces.append(raw[last:])
    text = latex_to_text("".join(pieces))
    found = [ord(char) - _PLACEHOLDER_BASE for char in _PLACEHOLDER.findall(text)]
    if found != list(range(len(formulas))):
        return ""  # a macro took a formula apart or away: the text alone is safe
    return _PLACEHOLDER.sub(lambda match: formulas[ord(match.group()) - _PLACEHOLDER_BASE][2], text_escape(text))


def title_latex(raw: str) -> str:
    """A raw title as LaTeX source: formulas that pass the allow-list as
    ``$…$``, everything else decoded and escaped as the ``tex`` filter does."""
    return title_math(raw) or text_escape(latex_to_text(raw))


def _formulas(raw: str) -> list[tuple[int, int, str]]:
    """Where the formulas of a title are: start, end and the text between
    the delimiters. An unclosed one is none; ``$a$$b$`` is two, as in TeX."""
    found: list[tuple[int, int, str]] = []
    closer = ""
    start = body = 0
    for match in _SCAN.finditer(raw):
        token = match.group()
        if not closer:
            if token in _CLOSERS:
                closer, start, body = _CLOSERS[token], match.start(), match.end()
        elif token == closer:
            found.append((start, match.end(), raw[body : match.start()]))
            closer = ""
        elif closer == "$" and token == "$$":  # closes one formula and opens the next
            found.append((start, match.start() + 1, raw[body : match.start()]))
            start, body = match.start() + 1, match.end()
    return found


# ---------------------------------------------------------------- a formula


class _Frame:
    """An open group of a formula being checked: the whole formula
    (``top``), a brace group (``group``, or ``arg`` when it is a command's
    argument), ``\\left…\\right`` (``left``) or ``\\sqrt[…]`` (``opt``)."""

    __slots__ = ("kind", "need", "optional", "prime", "script", "sub", "sup")

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.need = 0  # arguments the last command still waits for
        self.script = False  # what it waits for is a "^" or "_"'s
        self.optional = False  # a "[" now opens \sqrt's optional argument
        self.sup = self.sub = False  # the current nucleus has a script
        self.prime = False  # the token before was "'": a "^" joins its superscript

    def nucleus(self) -> None:
        """A new atom begins: it has no scripts yet."""
        self.sup = self.sub = self.prime = False


def formula_latex(body: str) -> str:
    """A formula's text between its delimiters as ``$…$``, or "" when it
    is refused (see the module's docstring)."""
    if len(body) > _MAX_LENGTH:
        return ""
    tokens = list(_MATH_TOKEN.finditer(body))
    out: list[str] = []
    stack = [_Frame("top")]
    index = 0
    while index < len(tokens):
        if len(stack) > _MAX_DEPTH:
            return ""
        token = tokens[index]
        index += 1
        frame = stack[-1]
        word, symbol, blank, char = token.groups()
        if blank is not None:
            frame.prime = False
            out.append(" ")
            continue
        if frame.need:
            if char == "[" and frame.optional:
                if frame.kind == "opt":
                    return ""  # TeX would end the outer optional argument at the inner "]"
                frame.optional = False
                stack.append(_Frame("opt"))
                out.append("[")
                continue
            script, frame.optional, frame.script = frame.script, False, False
            if char == "]" and frame.kind == "opt":
                return ""  # it ends \sqrt's optional argument, not an argument
            if char == "{":
                stack.append(_Frame("arg"))
            elif (char is not None and char in _ORDINARY) or (word is not None and word in SYMBOLS):
                frame.need -= 1
            elif word is not None and word in ALPHABETS and script:
                pass  # the script is the alphabet and the argument it now waits for
            else:
                return ""  # a lone argument TeX would refuse, or none at all
            out.append(token.group())
            continue
        if word is not None:
            if word in TEXT_COMMANDS:
                end = _text_argument(tokens, index)
                if end is None:
                    return ""
                frame.nucleus()
                text = latex_to_text(body[tokens[end[0]].end() : tokens[end[1]].start()])
                out.append(r"\mbox{" + text_escape(text) + "}")
                index = end[1] + 1
                continue
            if word in ("left", "right"):
                if frame.kind == "opt" or not _is_delimiter(tokens, index):
                    return ""  # in \sqrt[…] a "]" after \right would end the argument
                if word == "left":
                    stack.append(_Frame("left"))
                elif frame.kind != "left":
                    return ""
                else:
                    stack.pop()
                    stack[-1].nucleus()
                out.append(token.group())
                continue
            if word not in WORDS:
                return ""
            if word in SPACES:
                frame.prime = False
            else:
                frame.nucleus()
            frame.need = 2 if word == "frac" else 1 if word in ONE_ARGUMENT else 0
            frame.optional = word == "sqrt"
            frame.script = False
        elif symbol is not None:
            if symbol not in CONTROL_SYMBOLS and not symbol.isspace():
                return ""
            if symbol in _SPACE_SYMBOLS or symbol.isspace():
                frame.prime = False
                out.append("\\ " if symbol.isspace() else token.group())
                continue
            frame.nucleus()
        elif char == "{":
            stack.append(_Frame("group"))
        elif char == "}":
            if frame.kind not in ("group", "arg"):
                return ""
            stack.pop()
            parent = stack[-1]
            if frame.kind == "arg":
                parent.need -= 1
            else:
                parent.nucleus()
        elif char == "]" and frame.kind == "opt":
            stack.pop()
        elif char in ("^", "_"):
            if frame.sub if char == "_" else frame.sup and not frame.prime:
                return ""  # a double script (and "^^", TeX's character code escape, is one)
            if char == "^":
                frame.sup = True
            else:
                frame.sub = True
            frame.prime = False
            frame.need = 1
            frame.script = True
        elif char == "'":
            if frame.sup and not frame.prime:
                return ""
            frame.sup = frame.prime = True
        elif char in _ORDINARY:
            frame.nucleus()
        else:
            return ""
        out.append(token.group())
    if len(stack) > 1 or stack[0].need:
        return ""
    # Blanks at the ends go (a control space "\\ " is no blank token).
    first, last = (1 if out[:1] == [" "] else 0), (len(out) - 1 if out[-1:] == [" "] else len(out))
    latex = "".join(out[first:last])
    return f"${latex}$" if latex else ""


def _text_argument(tokens: list[re.Match[str]], index: int) -> tuple[int, int] | None:
    """The tokens of ``\\text``'s braced argument that open and close it."""
    while index < len(tokens) and tokens[index].group(3) is not None:
        index += 1
    if index >= len(tokens) or tokens[index].group(4) != "{":
        return None
    depth = 0
    for position in range(index, len(tokens)):
        char = tokens[position].group(4)
        depth += 1 if char == "{" else -1 if char == "}" else 0
        if depth == 0:
            return index, position
    return None


def _is_delimiter(tokens: list[re.Match[str]], index: int) -> bool:
    """Whether ``\\left`` or ``\\right`` is followed by a delimiter."""
    while index < len(tokens) and tokens[index].group(3) is not None:
        index += 1
    if index >= len(tokens):
        return False
    word, symbol, _, char = tokens[index].groups()
    return (
        (char is not None and char in DELIMITER_CHARS)
        or (symbol is not None and symbol in DELIMITER_SYMBOLS)
        or (word is not None and word in DELIMITER_WORDS)
    )
