"""Preprints whose published version is in the same file.

A researcher's .bib often holds a paper twice: the arXiv preprint and the
conference or journal version. The page should list the paper once, as
published, with the preprint's links (its arXiv button, a PDF, the code)
kept. Two entries are the same paper when they share an arXiv id or a DOI,
or when their titles agree (case, accents, punctuation, "&" and a "(Full
Version)" aside) and they have an author in common. A preprint merges only
into a published work (a paper, article, chapter or book), never into a
talk, a thesis or a report of the same title.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Final

from bib2pubs.lazyre import lazy
from bib2pubs.model import Publication
from bib2pubs.names.fold import fold, plain_folded
from bib2pubs.read.links import LINK_FIELDS

_ARXIV: Final = lazy(r"arxiv\.org/(?:abs|pdf)/([^\s?#]+?)(?:v\d+)?(?:\.pdf)?$", re.I)
_DOI: Final = lazy(r"doi\.org/(.+)$", re.I)
# "(Full Version)", "(Extended Abstract)": the same paper.
_VERSION_NOTE: Final = lazy(r"\s*[(\[](?:full|extended|long|short)\s+(?:version|abstract|paper)[)\]]\s*$", re.I)
# The title key keeps a-z and 0-9 (upper case lowered), and drops all else.
_ASCII_LOWER: Final = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"abcdefghijklmnopqrstuvwxyz")
_ASCII_NOT_WORD: Final = bytes(byte for byte in range(256) if not chr(byte).isascii() or not chr(byte).isalnum())
#: What a preprint can be the early version of (not a talk, a thesis, a report).
_PUBLISHED: Final = frozenset({"conference", "workshop", "journal", "chapter", "book"})
#: Titles shorter than this ("Introduction", "Preface") say too little.
_MIN_TITLE: Final = 16


def merge_preprints(publications: Sequence[Publication]) -> list[Publication]:
    """The publications with each preprint merged into its published version.

    Order is kept; a merged preprint disappears and the links the published
    entry lacks are added to it, in page order.
    """
    if not any(publication.kind == "preprint" and not publication.hidden for publication in publications):
        return list(publications)  # nothing to merge: no need to index the rest
    published: dict[str, int] = {}
    for index, publication in enumerate(publications):
        if publication.kind in _PUBLISHED and not publication.hidden:
            for key in _keys(publication):
                published.setdefault(key, index)
    merged = list(publications)
    gone: set[int] = set()
    for index, preprint in enumerate(publications):
        if preprint.kind != "preprint" or preprint.hidden:
            continue
        found = next(((key, published[key]) for key in _keys(preprint) if key in published), None)
        if found is None:
            continue
        key, target = found
        # The same arXiv id or DOI is the same paper; the same title only
        # with an author in common.
        if key.startswith("title:") and not _same_people(preprint, merged[target]):
            continue
        links = dict(merged[target].links)
        for kind, url in preprint.links.items():
            if url and not links.get(kind):
                links[kind] = url
        merged[target] = _with_what_it_lacks(replace(merged[target], links=_in_page_order(links)), preprint)
        gone.add(index)
    return [publication for index, publication in enumerate(merged) if index not in gone]


def _with_what_it_lacks(published: Publication, preprint: Publication) -> Publication:
    """The published version with what only its preprint says: the arXiv
    id, the abstract, keywords and preview image (nothing it has is replaced)."""
    ids = published.identifiers
    if not ids.arxiv and preprint.identifiers.arxiv:
        ids = replace(ids, arxiv=preprint.identifiers.arxiv)
    return replace(
        published,
        identifiers=ids,
        abstract=published.abstract or preprint.abstract,
        keywords=published.keywords or preprint.keywords,
        preview=published.preview or preprint.preview,
    )


def _in_page_order(links: dict[str, str]) -> dict[str, str]:
    """Links in the order every entry shows them (PDF, slides, code… arXiv, DOI)."""
    order = {kind: index for index, (kind, _) in enumerate(LINK_FIELDS)}
    return dict(sorted(links.items(), key=lambda item: order.get(item[0], len(order))))


def _keys(publication: Publication) -> list[str]:
    keys = []
    links = publication.links
    # Most entries have neither link: no search of an empty text for them.
    arxiv = _ARXIV.search(links["arxiv"]) if "arxiv" in links else None
    if arxiv:
        keys.append(f"arxiv:{arxiv.group(1).lower()}")
    doi = _DOI.search(links["doi"]) if "doi" in links else None
    if doi:
        keys.append(f"doi:{doi.group(1).lower()}")
    title = _title_key(publication.title)
    if len(title) >= _MIN_TITLE:
        keys.append(f"title:{title}")
    return keys


def _title_key(title: str) -> str:
    """The title as compared: folded, "&" read as "and", without a version
    note, and only its letters a to z and digits 0 to 9 kept. Folding's
    tidying of separators is skipped: they are dropped here anyway
    (tests/test_speed_hot.py)."""
    if title.rstrip().endswith((")", "]")):  # else the note cannot end it
        title = _VERSION_NOTE.sub("", title)
    title = title.replace("&", "and")
    if not title.isascii():
        title = plain_folded(title)
    return title.encode("ascii", "ignore").translate(_ASCII_LOWER, _ASCII_NOT_WORD).decode("ascii")


def _same_people(a: Publication, b: Publication) -> bool:
    """Whether two entries share an author (by family name); entries
    without authors on either side are given the benefit of the doubt."""
    families = {fold(person.last) for person in a.authors}
    others = {fold(person.last) for person in b.authors}
    return not families or not others or bool(families & others)
