"""A CSL style found, read safely and made ready for citeproc-py: a style
shipped in ``styles/`` by name, or a .csl file of the user's by path, in
one of the locales citeproc-py ships.

A .csl is code the user chose, but it is still XML read from a file: it is
parsed with no network, no DTD and no entities (a DOCTYPE is refused), so it
can neither reach out nor expand without bound, and its text loses any
private-use character (``csl_markup``'s markers). Anything wrong with it is
a UsageError naming the file and what to use instead, never a traceback.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any, Final

from citeproc import LANGUAGE_NAMES, CitationStylesStyle  # type: ignore[import-untyped]
from citeproc.model import CitationStylesElement  # type: ignore[import-untyped]
from lxml import etree  # type: ignore[import-untyped]

from bib2pubs.errors import UsageError
from bib2pubs.rendering.csl_markup import Quotes, strip_private
from bib2pubs.rendering.csl_patches import element_classes
from bib2pubs.rendering.csl_strings import Formatter
from bib2pubs.rendering.words import language_of

#: The styles shipped in ``styles/`` (see its PROVENANCE), by name.
SHIPPED: Final = ("apa", "ieee", "acm-sig-proceedings", "chicago-author-date", "nature", "vancouver")

#: bib2pubs' languages (``--locale``) → the CSL locale each is cited in.
CSL_LOCALES: Final = {"en": "en-US", "de": "de-DE", "fr": "fr-FR", "es": "es-ES", "zh": "zh-CN", "ja": "ja-JP"}

_CSL: Final = "{http://purl.org/net/xbiblio/csl}"
#: More than any style in the CSL repository (the largest is under 400 KB).
MAX_STYLE_BYTES: Final = 4 * 1024 * 1024


@dataclass(frozen=True)
class Style:
    """A style ready to cite with: citeproc-py's object, where it came from
    (for messages), and its locale's quotation marks."""

    citeproc: Any
    where: str
    quotes: Quotes
    #: Whether the style tells one author's works of a year apart by a
    #: letter after the year (APA's "2012a"), which it does when citing.
    year_suffixes: bool = False


def csl_locale(locale: str) -> str:
    """The CSL locale for ``--locale``: a region given and known to CSL is
    kept ("de-AT"), else the language's usual one ("de" → "de-DE")."""
    tag = locale.replace("_", "-").split(".", 1)[0].strip()
    language = language_of(locale)
    parts = tag.split("-")
    if len(parts) == 2:
        regional = f"{parts[0].lower()}-{parts[1].upper()}"
        if regional in LANGUAGE_NAMES:
            return regional
    return CSL_LOCALES[language]


def _unknown(style: str) -> UsageError:
    return UsageError(f"--style {style}: no such style; use one of {', '.join(SHIPPED)}, or the path of a .csl file")


def style_bytes(style: str) -> tuple[bytes, str]:
    """The style's XML and where it was found. A name without a path
    separator or ``.csl`` is a shipped style's; anything else a file."""
    if style in SHIPPED:
        return files("bib2pubs.rendering.styles").joinpath(f"{style}.csl").read_bytes(), f"{style} (shipped)"
    if os.sep not in style and "/" not in style and not style.lower().endswith(".csl"):
        raise _unknown(style)
    try:
        with open(style, "rb") as file:
            data = file.read(MAX_STYLE_BYTES + 1)
    except FileNotFoundError:
        raise _unknown(style) from None
    except OSError as error:
        raise UsageError(f"--style {style}: cannot read the file: {error.strerror or error}") from None
    if len(data) > MAX_STYLE_BYTES:
        raise UsageError(f"--style {style}: over {MAX_STYLE_BYTES // (1024 * 1024)} MB, too large for a CSL style")
    return data, style


def _parser() -> Any:
    lookup = etree.ElementNamespaceClassLookup()
    namespace = lookup.get_namespace(_CSL[1:-1])
    namespace[None] = CitationStylesElement
    namespace.update(element_classes())
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True, remove_pis=True
    )
    parser.set_element_class_lookup(lookup)
    return parser


def parse(data: bytes, where: str) -> Any:
    """The style's element tree, its text without private-use characters;
    a UsageError when it is not XML, has a DOCTYPE, or is no CSL style that
    can make a bibliography."""
    try:
        tree = etree.fromstring(data, _parser()).getroottree()
    except etree.XMLSyntaxError as error:
        raise UsageError(f"--style {where}: not a CSL style: {error}") from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise UsageError(f"--style {where}: not a CSL style: it has a DOCTYPE, which no style needs")
    root = tree.getroot()
    if root.tag != f"{_CSL}style":
        raise UsageError(f"--style {where}: not a CSL style: its root is <{etree.QName(root).localname}>, not <style>")
    bibliography = root.find(f"{_CSL}bibliography")
    if bibliography is not None and bibliography.find(f"{_CSL}layout") is None:
        raise UsageError(f"--style {where}: not a CSL style: its <bibliography> has no <layout>")
    if bibliography is None:
        parent = root.find(f"{_CSL}info/{_CSL}link[@rel='independent-parent']")
        if parent is not None:
            raise UsageError(
                f"--style {where}: a dependent style, which only names its parent: "
                f"use the parent ({parent.get('href', '?')}) instead"
            )
        raise UsageError(f"--style {where}: the style has no bibliography to cite entries with")
    for names in root.iter(f"{_CSL}names"):
        # citeproc-py gives a <names> without <name> a default one of its own
        # class when citing; ours, made here, is the amended one. A <names>
        # in <substitute> takes its parent's, as it should.
        if names.find(f"{_CSL}name") is None and names.getparent().tag != f"{_CSL}substitute":
            names.insert(0, names.makeelement(f"{_CSL}name"))
    for element in root.iter():
        for key, value in element.attrib.items():
            element.set(key, strip_private(value))
        if element.text:
            element.text = strip_private(element.text)
    return tree


@lru_cache(maxsize=8)
def _load(data: bytes, where: str, locale: str | None) -> Style:
    tree = parse(data, where)
    if locale is None:  # no --locale: the style's own, as pandoc takes it
        locale = _default_locale(tree.getroot().get("default-locale") or "")
    style = CitationStylesStyle.__new__(CitationStylesStyle)
    style.xml, style.root = tree, tree.getroot()
    # The locale's terms are read through the formatter (citeproc-py's
    # Term.single): set before any term is.
    style.root.formatter = Formatter
    try:
        style.root.set_locale_list(locale, validate=False)
        quotes = Quotes(
            (str(style.root.get_single_term("open-quote")), str(style.root.get_single_term("close-quote"))),
            (str(style.root.get_single_term("open-inner-quote")), str(style.root.get_single_term("close-inner-quote"))),
            str(style.root.get_locale_option("punctuation-in-quote")).lower() == "true",
        )
    except Exception as error:  # noqa: BLE001 - a locale block citeproc-py cannot read is the style's fault
        raise UsageError(f"--style {where}: its locale cannot be read: {error}") from None
    citation = style.root.find(f"{_CSL}citation")
    year_suffixes = citation is not None and citation.get("disambiguate-add-year-suffix") == "true"
    return Style(style, where, quotes, year_suffixes)


def _default_locale(asked: str) -> str:
    """A style's ``default-locale`` when CSL knows it, else American English."""
    if asked in LANGUAGE_NAMES:
        return asked
    try:
        return csl_locale(asked)
    except UsageError:  # a language bib2pubs has no words for: CSL's default
        return "en-US"


def load_style(style: str, locale: str | None = "en") -> Style:
    """The style by name or path, in ``locale`` (``--locale``); with None,
    in the style's ``default-locale`` (American English if it has none)."""
    data, where = style_bytes(style)
    return _load(data, where, None if locale is None else csl_locale(locale))
