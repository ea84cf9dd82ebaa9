"""What the built-in list writers (``html_list``, ``markdown_list``,
``academicpages_list``) share: the run's words, link labels, citations and
``--set`` link settings."""

from __future__ import annotations

from collections.abc import Mapping

from bib2pubs.model import Publication
from bib2pubs.rendering.cited import Citations, citation_of
from bib2pubs.rendering.text_pieces import check_base_url, resolve_link
from bib2pubs.rendering.words import link_labels


class ListWriter:
    """What every entry of a list needs, read once per run."""

    def __init__(
        self,
        variables: Mapping[str, str],
        max_authors: int | None,
        words: Mapping[str, str],
        citations: Citations | None,
    ) -> None:
        check_base_url(variables.get("base_url"), variables.get("files_base"))
        self.files_base = variables.get("files_base") or None
        self.base_url = variables.get("base_url") or None
        self.max_authors = max_authors
        self.words = words
        self.labels = link_labels(words)
        self.citations = citations

    def cited(self, pub: Publication, format_name: str) -> tuple[str, str]:
        """The entry as its style (``--style``) cites it, marked up for
        ``format_name`` ("html", "markdown"), and as plain text: ("", "")
        without a style or where the style could not cite it."""
        # Most runs cite nothing: no call (interpreted, its module is not compiled) per entry.
        citation = citation_of(self.citations, pub) if self.citations else None
        if citation is None:
            return "", ""
        return str(getattr(citation, format_name)), citation.text

    def site_link(self, url: str) -> str:
        """``url|site_url``: a bare file name under ``files_base``, a
        site-relative path made whole with ``base_url``."""
        return resolve_link(url, self.files_base, self.base_url)
