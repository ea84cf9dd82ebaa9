"""Output formats and the file suffixes that name them."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Final

#: Every output format; json is the model itself, csl-json the entries as
#: CSL-JSON and bibtex the listed entries cleaned, the others are rendered.
FORMATS: Final = ("markdown", "html", "text", "latex", "json", "csl-json", "bibtex")

#: A file suffix (of an output file, or of a template before ``.j2``) → format.
SUFFIXES: Final = {
    "md": "markdown",
    "markdown": "markdown",
    "html": "html",
    "htm": "html",
    "txt": "text",
    "text": "text",
    "tex": "latex",
    "json": "json",
    # Two parts: refs.csl.json is CSL-JSON, a plain .json the model.
    "csl.json": "csl-json",
    "bib": "bibtex",
}

#: The built-in template each rendered format uses when none is named.
DEFAULT_TEMPLATES: Final = {"markdown": "markdown", "html": "html", "text": "text", "latex": "latex"}


#: The built-in templates of a whole list that show an entry as BibTeX
#: (the bibtex filter): only their runs keep each entry's fields.
SHOWS_BIBTEX: Final = frozenset({"al-folio"})

#: Names every template receives; --set cannot replace them.
RESERVED: Final = frozenset({"listing", "groups", "pub", "link_labels", "words", "max_authors", "bibtex_dropped"})


def user_template(name: str, directories: Sequence[str]) -> tuple[str, str] | None:
    """(folder, file name) of ``NAME.FORMAT.j2`` in the first of
    ``directories`` that has one, which takes the place of a built-in."""
    for directory in directories:
        for file_name in sorted(os.listdir(directory)) if os.path.isdir(directory) else ():
            if file_name.endswith(".j2") and file_name.split(".", 1)[0] == name and file_name.count(".") == 2:
                return directory, file_name
    return None


def format_of(file_name: str) -> str | None:
    """The format a file name's suffix names (``pubs.md``, ``mine.html.j2``),
    or None."""
    parts = file_name.lower().split(".")
    if len(parts) >= 3 and parts[-1] == "j2":
        return SUFFIXES.get(parts[-2])
    if len(parts) >= 3 and ".".join(parts[-2:]) in SUFFIXES:
        return SUFFIXES[".".join(parts[-2:])]
    return SUFFIXES.get(parts[-1]) if len(parts) >= 2 else None


#: Per-entry templates: the file name pattern each writes by default, and
#: whether a clean ``cite.bib`` goes beside each file.
ITEM_TEMPLATES: Final[Mapping[str, tuple[str, bool]]] = {
    "academicpages-item": ("{year}-{key}.md", False),
    "hugo-bundle": ("{key}/index.md", True),
}
