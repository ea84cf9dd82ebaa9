"""What the built-in list writers (``html_list``, ``markdown_list``) share:
the run's words, link labels, citations and ``--set`` link settings."""

from __future__ import annotations

from collections.abc import Mapping

from bib2pubs.rendering.citations import Citations
from bib2pubs.rendering.text_pieces import resolve_link
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
        self.files_base = variables.get("files_base") or None
        self.base_url = variables.get("base_url") or None
        self.max_authors = max_authors
        self.words = words
        self.labels = link_labels(words)
        self.citations = citations

    def site_link(self, url: str) -> str:
        """``url|site_url``: a bare file name under ``files_base``, a
        site-relative path made whole with ``base_url``."""
        return resolve_link(url, self.files_base, self.base_url)
