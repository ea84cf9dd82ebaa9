"""citeproc-py's style elements, amended where they part from pandoc's
citeproc, the reference CSL processor: subclasses of its element classes,
given to lxml only for the styles bib2pubs parses (``csl_style``), so that
citeproc-py itself is left unchanged for anyone else in the process.

What they amend (each measured against pandoc, see tests/test_citations.py):

- punctuation meeting at a seam (a delimiter, prefix or suffix): "Early?"
  then "." keeps only "?", as ``csl_markup.collide`` says; no delimiter
  before a part that starts with ",", ";" or ".";
- a group is left out when it calls a variable and every variable it calls
  is empty, counting the variables its nested groups called (citeproc-py
  counts any nested group as a variable, and printed "[Online]." with no
  date of access); a macro is such a group, and one that writes anything
  counts as a non-empty variable to the group around it (CSL 1.0.2, as
  pandoc's citeproc does: Chicago's "Preprint." for a preprint that names
  no server);
- a label is plural when its value holds a range or a list ("1–5", "1, 3",
  "1 & 3"), not whenever two runs of digits appear ("e2021MS002613");
- text-case "title" applies when no language says otherwise ("(Ed.)");
- quotation marks are ``csl_markup``'s pair, so that the locale's glyphs,
  nesting and punctuation-in-quote are decided on the whole citation;
- what a style writes of a DOI or URL, its affixes included, is between
  ``csl_markup``'s "link" pair, where ``csl_output.linked`` looks for the
  entry's own addresses to make links of (and nowhere else);
- a given name carrying a highlight's markers is still made initials;
- an ordinal ("2nd", "2. Aufl.", "2ᵉ éd.", "2.ª ed.") takes the locale's
  ordinal terms as CSL 1.0.1 reads them (``ordinal_suffix``), where
  citeproc-py fell back to English ones;
- the citation number is left out: each entry is cited alone, and a list
  numbers its entries itself.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from functools import cache
from typing import Any, Final

from citeproc import model  # type: ignore[import-untyped]
from citeproc.source import VariableError  # type: ignore[import-untyped]
from citeproc.string import String  # type: ignore[import-untyped]

from bib2pubs.lazyre import lazy
from bib2pubs.rendering.csl_case import transform
from bib2pubs.rendering.csl_markup import closing, opening, strip_private
from bib2pubs.rendering.csl_strings import PRIVATE, Seams

#: The groups being rendered, innermost last: [called a variable, rendered one].
_FRAMES: Final[ContextVar[list[list[bool]]]] = ContextVar("csl_group_frames")


def _frames() -> list[list[bool]]:
    """The stack of (called, rendered) of the groups being rendered, one per
    context (created on first use)."""
    frames = _FRAMES.get(None)
    if frames is None:
        frames = []
        _FRAMES.set(frames)
    return frames


def _record(called: bool, rendered: bool) -> None:
    frames = _FRAMES.get(None)
    if frames:
        frames[-1][0] |= called
        frames[-1][1] |= rendered


class _Variable:
    """An element that calls a variable tells its group whether it was empty."""

    get: Any
    render_original: Any

    def render(self, *args: Any, **kwargs: Any) -> Any:
        try:
            text = self.render_original(*args, **kwargs)
        except VariableError:
            _record(True, False)
            raise
        _record(True, text is not None and str(text) != "")
        return text


#: Variables the processor makes, not the data: as in pandoc, they neither
#: show nor hide a group (APA's "(n.d.)" goes with an empty year-suffix).
_GENERATED: Final = ("year-suffix", "citation-number")


#: Variables that hold an address a citation may show.
_ADDRESSES: Final = ("DOI", "URL")


class _TextVariable(_Variable):
    def render(self, *args: Any, **kwargs: Any) -> Any:
        if self.get("macro") is not None:
            return self._macro(*args, **kwargs)
        if self.get("variable") in (None, *_GENERATED):  # a term's, a value's text
            return self.render_original(*args, **kwargs)
        text = super().render(*args, **kwargs)
        if self.get("variable") in _ADDRESSES and text is not None and str(text):
            return String(opening("link")) + text + String(closing("link"))
        return text

    def _macro(self, *args: Any, **kwargs: Any) -> Any:
        """A macro is a group (pandoc's citeproc): left out when it calls a
        variable and every variable it calls is empty; one that writes
        anything counts as a non-empty variable to the group around it."""
        frames = _frames()
        frames.append([False, False])
        try:
            text = self.render_original(*args, **kwargs)
        finally:
            called, rendered = frames.pop()
        if text is not None and strip_private(str(text)) != "":
            _record(True, True)
        else:
            _record(called, rendered)
        return text if rendered or not called else None

    def _variable(self, item: Any, context: Any) -> Any:
        if self.get("variable") == "citation-number":
            return None
        return model.Text._variable(self, item, context)


class _Group:
    get: Any
    iterchildren: Any
    join: Any

    def process(self, item: Any, context: Any = None, **kwargs: Any) -> Any:
        frames = _frames()
        frames.append([False, False])
        try:
            output = self._children(item, context, **kwargs)
        finally:
            called, rendered = frames.pop()
        shown = bool(output) and (rendered or not called)
        _record(called, rendered and shown)
        if not shown:
            raise VariableError
        return self.join(output)

    def _children(self, item: Any, context: Any, **kwargs: Any) -> list[Any]:
        output = []
        delimiter = self.get("delimiter", "")
        for child in self.iterchildren():
            try:
                if isinstance(child, model.Choose):
                    text = child.render(item, context=context, delimiter=delimiter, **kwargs)
                else:
                    text = child.render(item, context=context, **kwargs)
            except VariableError:
                continue
            if text is not None:
                output.append(text)
        return output


_PLURAL: Final = lazy(r"[\s,;&\-\u2010-\u2015]")


class _Label:
    get: Any

    def _is_plural(self, item: Any) -> bool:
        variable = self.get("variable")
        if variable is None or variable.startswith("number-of"):
            return bool(model.Label._is_plural(self, item))
        try:
            value = item.locator.identifier if variable == "locator" else item.reference[variable.replace("-", "_")]
        except (VariableError, AttributeError, KeyError):
            return False
        return _PLURAL.search(str(value).strip()) is not None


class _Cased:
    get: Any

    def case(self, text: Any, language: Any = None) -> Any:
        text_case = self.get("text-case")
        if text_case is None or (text_case == "title" and str(language or "en")[:2] != "en"):
            return text
        return transform(text, text_case)


class _Quoted:
    get: Any

    def quote(self, string: Any) -> Any:
        if self.get("quotes", "false").lower() != "true":
            return string
        return String(opening("quote")) + string + String(closing("quote"))


def _initials(word: str, mark: str) -> str:
    """A word of a given name: initials ("E", "D.A.B.") written with
    ``mark`` between and after them, any other word as it is."""
    letters = word.replace(".", "")
    initials = (len(letters) == 1 or "." in word) and all(char.isalpha() and char.isupper() for char in letters)
    if not letters or not initials:
        return word
    return mark.join(letters).rstrip() + mark.rstrip() if mark else letters


class _Name:
    get: Any
    iterancestors: Any

    def initialize(self, given: Any, mark: Any, context: Any) -> Any:
        text = str(given)
        bare = strip_private(text)
        if self._inherited("initialize", "true") == "false":
            # CSL 1.0.1: the given name stays whole; only initials already
            # there take initialize-with ("Jessica E" -> "Jessica E.").
            made = " ".join(_initials(word, str(mark)) for word in bare.split())
        else:
            made = model.Name.initialize(self, String(bare), mark, context)
        if bare == text:
            return made
        start, end = text[:1], text[-1:]
        return (start if PRIVATE.match(start) else "") + made + (end if PRIVATE.match(end) else "")

    def _inherited(self, name: str, default: str) -> str:
        """An inheritable name option: the element's, else the nearest
        ancestor's (citation or bibliography, then the style)."""
        for element in (self, *self.iterancestors()):
            value = element.get(name)
            if value is not None:
                return str(value)
        return default


_ORDINAL: Final = lazy(r"ordinal(?:-\d\d)?")
_CSL_TERMS: Final = "{http://purl.org/net/xbiblio/csl}terms"


def _ordinal_terms(element: Any) -> list[Any]:
    """The ordinal terms in force: all those of the first locale, in
    citeproc-py's order of fallback (the style's own locale blocks, then
    the locale's file, then American English), that defines any; CSL 1.0.1:
    defining one ordinal term replaces every one defined before."""
    root = element.get_root()
    if isinstance(root, model.Locale):  # a locale's date format: its style's
        root = root.style
    cached = root.__dict__.get("bib2pubs_ordinals")
    if cached is not None:
        return list(cached)
    found: list[Any] = []
    for locale in root.locales:
        terms = locale.find(_CSL_TERMS)
        found = [
            term
            for term in (terms if terms is not None else ())
            if isinstance(term.tag, str) and _ORDINAL.fullmatch(term.get("name") or "")
        ]
        if found:
            break
    root.__dict__["bib2pubs_ordinals"] = found
    return list(found)


def _matches(name: str, match: str | None, number: int) -> bool:
    """Whether the term ``ordinal-NN`` applies to ``number``: by its last
    digit (00–09) or last two digits (10–99) unless ``match`` says
    otherwise ("last-two-digits", "whole-number")."""
    wanted = int(name[len("ordinal-") :])
    match = match or ("last-digit" if wanted < 10 else "last-two-digits")
    if match == "whole-number":
        return number == wanted
    return number % (10 if match == "last-digit" else 100) == wanted


def ordinal_suffix(element: Any, number: int, gender: str | None = None) -> str:
    """The ordinal suffix of ``number`` for a noun of ``gender``
    ("masculine", "feminine" or None), as CSL 1.0.1 says: the first of
    ordinal-10…99, then ordinal-00…09, then "ordinal" that matches it and
    has a variant of that gender, or else a neuter one (no gender-form)."""
    number = abs(number)
    terms = _ordinal_terms(element)
    if not any(term.get("name") == "ordinal" for term in terms):
        # CSL 1.0's scheme, for ordinal-01…04 without "ordinal": "st", "nd",
        # "rd" for numbers ending in 1, 2, 3 (not 11, 12, 13), ordinal-04 else.
        last = number % 10 if number % 100 not in (11, 12, 13) else 0
        return _variant(terms, f"ordinal-{last if 1 <= last <= 3 else 4:02}", gender, lambda term: True) or ""
    # ordinal-10…99 first, then ordinal-00…09.
    names = sorted(
        {str(term.get("name")) for term in terms} - {"ordinal"}, key=lambda name: (name < "ordinal-10", name)
    )
    for name in names:
        suffix = _variant(terms, name, gender, lambda term: _matches(term.get("name"), term.get("match"), number))
        if suffix is not None:
            return suffix
    return _variant(terms, "ordinal", gender, lambda term: True) or ""


def _variant(terms: list[Any], name: str, gender: str | None, applies: Callable[[Any], bool]) -> str | None:
    """The term ``name`` of ``gender``, else its neuter variant, among
    those that apply; None when neither is there."""
    variants = [term for term in terms if term.get("name") == name and term.get("form") is None and applies(term)]
    chosen = [term for term in variants if gender and term.get("gender-form") == gender]
    chosen = chosen or [term for term in variants if term.get("gender-form") is None]
    return str(chosen[0].single) if chosen else None


def _gender(element: Any, noun: str) -> str | None:
    """The grammatical gender of the term ``noun`` in the locale, if any."""
    term = element.get_term(noun)
    gender = term.get("gender") if term is not None else None
    return str(gender) if gender in ("masculine", "feminine") else None


class _NumberOrdinal:
    """A number's ordinal forms with the locale's terms; the noun it goes
    with is the term named as its variable ("edition": feminine in French)."""

    get: Any

    def format_number(self, number: Any) -> Any:
        form = self.get("form", "numeric")
        try:
            value = int(number)
        except ValueError:
            return model.Number.format_number(self, number)
        if form == "ordinal" or (form == "long-ordinal" and value > 10):
            variable = self.get("variable", "")
            return str(value) + ordinal_suffix(self, value, _gender(self, variable) if variable != "locator" else None)
        return model.Number.format_number(self, number)


class _DayOrdinal:
    """A date's day as an ordinal with the locale's terms; its noun is the
    month ("1ᵉʳ janvier": masculine in French)."""

    get: Any

    def process(self, date: Any, context: Any = None) -> Any:
        text = model.Date_Part.process(self, date, context)
        if self.get("name") != "day" or self.get("form") != "ordinal" or isinstance(text, int):
            return text  # not an ordinal, or the locale limits ordinals to day 1 (the day as a number)
        where = self if context is None else context
        try:
            gender = _gender(where, f"month-{int(date.month):02}")
        except (AttributeError, TypeError, ValueError, VariableError):
            gender = None
        return str(date.day) + ordinal_suffix(where, int(date.day), gender)


class _Lookups:
    """A style's macros and its locale's terms found once, not by an XPath
    search at every use (a tenth of the time citeproc-py takes)."""

    get_root: Any

    def get_macro(self, name: str) -> Any:
        root = self.get_root()
        macros = root.__dict__.setdefault("bib2pubs_macros", {})
        if name not in macros:
            macros[name] = model.CitationStylesElement.get_macro(self, name)
        return macros[name]

    def get_term(self, name: str, form: Any = None, fallback_locale: bool = True, zero_padded: bool = False) -> Any:
        root = self.get_root()
        if isinstance(root, model.Locale):
            return model.CitationStylesElement.get_term(self, name, form, fallback_locale, zero_padded)
        terms = root.__dict__.setdefault("bib2pubs_terms", {})
        key = (name, form, fallback_locale, zero_padded)
        if key not in terms:
            terms[key] = model.CitationStylesElement.get_term(self, name, form, fallback_locale, zero_padded)
        return terms[key]


def _mixins(name: str, base: type) -> tuple[type, ...]:
    # A <locale> finds its own terms (citeproc-py's Locale.get_term).
    chosen: list[type] = [] if name == "Locale" else [_Lookups]
    if name == "Text":
        chosen += [_TextVariable, _Quoted]
    elif name in ("Number", "Date", "Names"):
        chosen.append(_Variable)
    elif name == "Group":
        chosen.append(_Group)
    elif name == "Label":
        chosen.append(_Label)
    elif name == "Name":
        chosen.append(_Name)
    if name == "Number":
        chosen.append(_NumberOrdinal)
    elif name == "Date_Part":
        chosen.append(_DayOrdinal)
    if hasattr(base, "case"):
        chosen.append(_Cased)
    if hasattr(base, "wrap") or hasattr(base, "join"):
        chosen.append(Seams)
    return tuple(chosen)


@cache
def element_classes() -> dict[str, type]:
    """Each CSL element's name and the class lxml makes of it: citeproc-py's
    own, amended as above."""
    classes = {}
    for base in model.CitationStylesElement.__subclasses__():
        mixins = _mixins(base.__name__, base)
        namespace = {"render_original": base.render} if _Variable in mixins or _TextVariable in mixins else {}
        amended = type(base.__name__, (*mixins, base), namespace) if mixins else base
        classes[base.__name__.replace("_", "-").lower()] = amended
    return classes
