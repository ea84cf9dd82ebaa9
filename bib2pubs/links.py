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

from bib2pubs.model import Diagnostic

#: Link kinds in the order pages list them, with the fields each is read from.
LINK_FIELDS: tuple[tuple[str, tuple[str, ...]], ...] = (
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

_SAFE_SCHEMES = frozenset({"http", "https", "mailto", "ftp"})
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_URL_WRAPPER = re.compile(r"^\\(?:url|href)\s*\{(.*?)\}", re.S)
_TEX_ESCAPE = re.compile(r"\\([_%&#~$])")
_ARXIV_ID = re.compile(r"(?:\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.I)
_ARXIV_PREFIX = re.compile(r"^(?:https?://arxiv\.org/(?:abs|pdf)/|arxiv:\s*)", re.I)


def clean_url(value: str) -> str:
    """A URL as written in BibTeX (``\\url{…}``, ``\\_``, braces) made plain."""
    text = value.strip()
    wrapped = _URL_WRAPPER.match(text)
    if wrapped:
        text = wrapped.group(1)
    text = _TEX_ESCAPE.sub(r"\1", text.replace("{", "").replace("}", ""))
    return "".join(text.split())


def doi_url(value: str) -> str:
    """``10.1145/x``, ``doi:10.1145/x`` or a doi.org URL as a doi.org URL."""
    doi = _DOI_PREFIX.sub("", clean_url(value))
    return f"https://doi.org/{doi}" if doi else ""


def arxiv_id(fields: Mapping[str, str]) -> str:
    """The arXiv identifier of an entry: al-folio's ``arxiv`` field, or an
    ``eprint`` that is on arXiv (by its prefix, or by the look of its id)."""
    if "arxiv" in fields:
        return _ARXIV_PREFIX.sub("", clean_url(fields["arxiv"])).removesuffix(".pdf")
    eprint = _ARXIV_PREFIX.sub("", clean_url(fields.get("eprint", "")))
    if not eprint:
        return ""
    archive = (fields.get("archiveprefix") or fields.get("eprinttype") or "").strip("{} ").lower()
    if archive == "arxiv" or (not archive and _ARXIV_ID.fullmatch(eprint)):
        return eprint
    return ""


def extract_links(fields: Mapping[str, str], file: str, line: int, key: str) -> tuple[dict[str, str], list[Diagnostic]]:
    """The entry's links by kind, in page order, and any link refused."""
    links: dict[str, str] = {}
    diagnostics: list[Diagnostic] = []
    for kind, names in LINK_FIELDS:
        if kind == "arxiv":
            identifier = arxiv_id(fields)
            url = f"https://arxiv.org/abs/{identifier}" if identifier else None
        elif kind == "doi":
            url = doi_url(fields["doi"]) if "doi" in fields else None
        else:
            url = next((clean_url(fields[name]) for name in names if name in fields), None)
        if url is None:
            continue
        scheme = _SCHEME.match(url)
        if scheme and scheme.group(1).lower() not in _SAFE_SCHEMES and len(scheme.group(1)) > 1:
            # One letter is a Windows drive ("C:"), not a scheme, and is a
            # path the user may rewrite; javascript: and data: are refused.
            message = f"{kind} link with a '{scheme.group(1)}:' target dropped"
            diagnostics.append(Diagnostic(file, line, key or None, "warning", message))
            continue
        links[kind] = url
    return links, diagnostics
