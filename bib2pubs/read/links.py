"""Links from an entry's fields: papers, slides, code, identifiers.

Field names follow what users already write: al-folio (``pdf``, ``code``,
``slides``…), Hugo Academic (``url_pdf``, ``url_code``…), BibTeX and biblatex
(``url``, ``doi``, ``eprint`` with ``archivePrefix`` or ``eprinttype``).
A field that is present but empty stays, as an empty link: a placeholder the
user typed on purpose (a draft's "[PDF]()") is theirs to keep.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from bib2pubs.lazyre import lazy
from bib2pubs.model import Diagnostic
from bib2pubs.read.bibtex import RawEntry

#: Link kinds in the order pages list them, with the fields each is read from
#: (and ``howpublished`` for ``url`` when it holds a web address alone).
LINK_FIELDS: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    ("pdf", ("pdf", "url_pdf", "paperurl")),
    ("slides", ("slides", "url_slides")),
    ("code", ("code", "url_code")),
    ("video", ("video", "url_video")),
    ("poster", ("poster", "url_poster")),
    ("website", ("website", "url_project", "project")),
    ("html", ("html",)),
    ("supp", ("supp", "url_supp")),
    ("blog", ("blog",)),
    ("arxiv", ("arxiv",)),
    ("doi", ("doi",)),
    ("url", ("url",)),
)

#: Each field a link is read from, by its kind's place in LINK_FIELDS: an
#: ``eprint`` gives the arXiv link, ``howpublished`` (a web address alone) the URL.
_KIND_OF: Final = {name: index for index, (_, names) in enumerate(LINK_FIELDS) for name in names}
_KIND_OF.update(eprint=_KIND_OF["arxiv"], howpublished=_KIND_OF["url"])
_LINK_SOURCES: Final = frozenset(_KIND_OF)

_SAFE_SCHEMES: Final = frozenset({"http", "https", "mailto", "ftp"})
_SCHEME: Final = lazy(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_INVISIBLE: Final = lazy(r"[\x00-\x20\x7f-\x9f]+")
_LINE_BREAK: Final = lazy(r"\s*\n\s*")
_WEB_SCHEME: Final = lazy(r"^https?://(www\.)?", re.I)
# A URL with nothing for clean_url to undo: no braces, backslash or blank.
_PLAIN_URL = lazy(r"[^\s{}\\]*")
_WEB_LINK = lazy(r"https?:", re.I)
_URL_WRAPPER: Final = lazy(r"^\\(?:url|href)\s*\{(.*?)\}", re.S)
_TEX_ESCAPE: Final = lazy(r"\\([_%&#~$])")
_ARXIV_ID: Final = lazy(r"(?:\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?")
# After clean_url, a blank is "%20": "DOI: 10.1/x" must still be "10.1/x".
# doi.org, dx.doi.org and ACM's old doi.acm.org resolver, with or without scheme.
_DOI_PREFIX: Final = lazy(r"^(?:(?:https?://)?(?:(?:dx|www)\.)?doi\.(?:org|acm\.org)/(?=10\.)|doi:(?:\s|%20)*)", re.I)
_HOWPUBLISHED_URL: Final = lazy(r"\s*(?:\\url\s*\{\s*[^{}\s]+\s*\}|https?://\S+)\s*", re.I)
_ARXIV_PREFIX: Final = lazy(r"^(?:https?://(?:www\.)?arxiv\.org/(?:abs|pdf)/|arxiv:(?:\s|%20)*)", re.I)


def clean_url(value: str) -> str:
    """A URL as written in BibTeX (``\\url{…}``, ``\\_``, braces, broken
    across lines) made plain; a space inside it becomes ``%20``."""
    text = value.strip()
    if _PLAIN_URL.fullmatch(text):
        return text  # nothing to undo, as in most URLs
    wrapped = _URL_WRAPPER.match(text)
    if wrapped:
        text = wrapped.group(1)
    text = _TEX_ESCAPE.sub(r"\1", text.replace("{", "").replace("}", ""))
    # A line break (and the indentation after it) is the editor's, not the URL's.
    text = _LINE_BREAK.sub("", text).strip()
    return text.replace(" ", "%20")


def has_scheme(url: str) -> bool:
    """Whether ``url`` starts with a scheme ("https:", "mailto:"): an address
    of its own, not a path on the site."""
    return _SCHEME.match(url) is not None


def unsafe_scheme(url: str) -> str | None:
    """The scheme of a URL no page should link to (``javascript:``,
    ``data:``…), or None when the URL is http(s), mailto, ftp or relative.

    Checked the way a browser reads the link: entities decoded, control
    characters and blanks removed.
    """
    if not url or _WEB_LINK.match(url):
        return None  # nothing, or what the browser reads starts as written: http(s)
    if "&" in url:  # an entity ("&#106;avascript:") hides what a browser reads
        import html  # its entity table loads only for a link that holds an entity

        url = html.unescape(url)
    seen = _INVISIBLE.sub("", url)
    scheme = _SCHEME.match(seen)
    # One letter is a Windows drive ("C:"), a path the user may rewrite.
    if scheme and len(scheme.group(1)) > 1 and scheme.group(1).lower() not in _SAFE_SCHEMES:
        return scheme.group(1)
    return None


def dropped_target(entry: RawEntry, field: str, value: str, what: str) -> Diagnostic | None:
    """The warning for ``value``, read from ``field``, when it is a target
    no page may carry (``unsafe_scheme``): the caller drops the value and
    reports this. None for a safe value."""
    scheme = unsafe_scheme(value)
    if scheme is None:
        return None
    line = entry.field_lines.get(field, entry.line)
    return Diagnostic(entry.file, line, entry.key or None, "warning", f"{what} with a '{scheme}:' target dropped")


def doi_name(value: str) -> str:
    """``10.1145/x``, ``doi:10.1145/x`` or a doi.org URL as the DOI itself."""
    return _DOI_PREFIX.sub("", clean_url(value))


def doi_url(value: str) -> str:
    """``10.1145/x``, ``doi:10.1145/x`` or a doi.org URL as a doi.org URL."""
    return _doi_address(doi_name(value))


def _doi_address(doi: str) -> str:
    """A DOI's doi.org URL; "" for no DOI."""
    return f"https://doi.org/{doi}" if doi else ""


def arxiv_id(fields: Mapping[str, str]) -> str:
    """The arXiv identifier of an entry: al-folio's ``arxiv`` field, or an
    ``eprint`` that is on arXiv (by its prefix, or by the look of its id)."""
    if "arxiv" in fields:
        return _ARXIV_PREFIX.sub("", clean_url(fields["arxiv"])).removesuffix(".pdf")
    if "eprint" not in fields:
        return ""  # most entries: no identifier to read
    eprint = _ARXIV_PREFIX.sub("", clean_url(fields["eprint"]))
    if not eprint:
        return ""
    archive = (fields.get("archiveprefix") or fields.get("eprinttype") or "").strip("{} ").lower()
    if archive == "arxiv" or (not archive and _ARXIV_ID.fullmatch(eprint)):
        return eprint
    return ""


def _place(url: str) -> str:
    """What a URL points at, for telling duplicates apart: the scheme
    (http or https) and a trailing slash do not matter."""
    return _WEB_SCHEME.sub("", url).rstrip("/").lower()


def extract_links(entry: RawEntry) -> tuple[dict[str, str], list[Diagnostic]]:
    """The entry's links by kind, in page order, and any link refused."""
    fields = entry.fields
    # Only the kinds the entry has a field for, in page order: most
    # entries have one link or none, and the other kinds need no look.
    kinds = sorted({_KIND_OF[name] for name in _LINK_SOURCES.intersection(fields)})
    several = len(kinds) > 1
    links: dict[str, str] = {}
    places: set[str] = set()  # where the links listed so far point
    diagnostics: list[Diagnostic] = []
    for index in kinds:
        kind, names = LINK_FIELDS[index]
        source = None
        for name in names:
            if name in fields:
                source = name
                break
        if kind == "arxiv":
            identifier = arxiv_id(fields)
            url = f"https://arxiv.org/abs/{identifier}" if identifier else None
            source = "arxiv" if "arxiv" in fields else "eprint"
        elif source is None and kind == "url" and _HOWPUBLISHED_URL.fullmatch(fields.get("howpublished", "")):
            source = "howpublished"  # ``howpublished = {\\url{https://…}}``
            url = clean_url(fields[source])
        elif source is None:
            continue
        elif kind == "doi":
            url = doi_url(fields[source])
        else:
            url = clean_url(fields[source])
        if kind == "url" and url and _DOI_PREFIX.match(url):
            # A resolver's address (dx.doi.org, doi.acm.org) is the DOI
            # (``doi_url``'s, from the name read once).
            doi = _doi_address(doi_name(url))
            if doi and _place(doi) == _place(links.get("doi", doi)):
                kind, url = "doi", doi
        if url is None:
            continue
        # Places are compared only between links: one link alone needs none.
        place = _place(url) if several else ""
        if url and place in places:
            continue  # the same place as a link already listed
        dropped = dropped_target(entry, source, url, f"{kind} link")
        if dropped is not None:
            diagnostics.append(dropped)
            continue
        links[kind] = url
        places.add(place)
    return links, diagnostics
