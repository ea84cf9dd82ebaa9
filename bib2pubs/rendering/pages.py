"""Per-entry pages (``--split DIR``): each listed entry rendered by a
template of one entry and named by a pattern (``page_names``); writing them
is ``write.sync``'s work.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping, Sequence, Set
from typing import Final

from bib2pubs.errors import UsageError
from bib2pubs.lazyre import lazy
from bib2pubs.model import Diagnostic, Listing, Publication, Venue
from bib2pubs.rendering.cited import Citations
from bib2pubs.rendering.clean_bibtex import dropped_or_default, entry_bibtex_checked
from bib2pubs.rendering.formats import ITEM_TEMPLATES, SUFFIXES, format_of
from bib2pubs.rendering.jinja import Template, builtin_templates, render_items, resolve_template
from bib2pubs.rendering.page_names import file_name, file_safe, filled, fitted, shortened, suffixed
from bib2pubs.rendering.words import ENGLISH


def entry_template(name: str | None = None, template_dirs: Sequence[str] = ()) -> Template:
    """The template of one entry ``name`` names (``academicpages-item`` by
    default): one of a whole list is refused."""
    name = name or "academicpages-item"
    if name in builtin_templates():
        raise UsageError(f"{name} is a template of a whole list; with --split, use a template of one entry")
    return resolve_template(name, template_dirs)


def entry_pages(
    listing: Listing,
    template: Template,
    name_pattern: str | None = None,
    variables: Mapping[str, str] | None = None,
    max_authors: int | None = None,
    bibtex_dropped: Set[str] | None = None,
    words: Mapping[str, str] = ENGLISH,
    citations: Citations | None = None,
) -> tuple[dict[str, str], list[Diagnostic]]:
    """The files of ``--split``: relative path → text, one per listed entry
    (hidden ones aside) from a template of one entry (``entry_template``),
    with ``cite.bib`` beside each where the template asks for it; and notes:
    ``--set`` variables no template reads, names shortened, values that
    lost a brace in ``cite.bib``."""
    pattern, cite = ITEM_TEMPLATES.get(template.asked, (None, False))
    if pattern is None:  # a template of one's own: NAME.md.j2 writes {year}-{key}.md
        suffix = {value: key for key, value in reversed(SUFFIXES.items())}.get(format_of(template.file) or "", "md")
        pattern = "{year}-{key}." + suffix
    pattern = name_pattern or pattern
    file_name(pattern, _SAMPLE)  # a pattern that cannot work is reported before any file is written
    items, notes = render_items(
        listing, template, variables, max_authors, bibtex_dropped=bibtex_dropped, words=words, citations=citations
    )
    pages = _page_names(pattern, [publication for publication, _ in items], notes)
    if template.asked == "academicpages-item":
        notes.extend(_unlisted_categories(text for _, text in items))
    files: dict[str, str] = {}
    owners: dict[str, str] = {}
    for (publication, text), page in zip(items, pages, strict=True):
        names = {page: text}
        if cite:  # paths use "/" everywhere, so that the record reads alike on any system
            cite_bib, problems = entry_bibtex_checked(publication, dropped_or_default(bibtex_dropped))
            names[posixpath.join(posixpath.dirname(page), "cite.bib")] = cite_bib
            notes.extend(problems)
        for name, content in names.items():
            if name.lower() in owners:  # the same file where case does not count
                raise UsageError(
                    f"--split: entries '{owners[name.lower()]}' and '{publication.key}' would share the file {name};"
                    " give --split-name a pattern that tells them apart"
                )
            owners[name.lower()] = publication.key
            files[name] = content
    return files, notes


#: The categories academicpages' own _config.yml lists (publication_category):
#: a page in another is on no publications page until the site lists it.
_STOCK_CATEGORIES: Final = frozenset({"books", "manuscripts", "conferences"})
_CATEGORY: Final = lazy(r"^category: (.*)$", re.M)


def _unlisted_categories(texts: Iterable[str]) -> list[Diagnostic]:
    """A note on academicpages pages filed in categories a stock site does
    not list, which its publications page would leave out without a word."""
    counts: dict[str, int] = {}
    for text in texts:
        found = _CATEGORY.search(text)
        category = found.group(1).strip().strip('"') if found else ""
        if category and category not in _STOCK_CATEGORIES:
            counts[category] = counts.get(category, 0) + 1
    if not counts:
        return []
    listed = ", ".join(f"{category} ({count})" for category, count in sorted(counts.items()))
    message = (
        f"--split: pages in categories academicpages' own _config.yml does not list: {listed}; add them under"
        " publication_category, or file them in one it lists (e.g. --set category_preprint=manuscripts)"
    )
    return [Diagnostic("", None, None, "warning", message)]


def _page_names(pattern: str, publications: Sequence[Publication], notes: list[Diagnostic]) -> list[str]:
    """Each publication's file name, in the order given. Entries that share
    a key (as a file name, where case does not count) share a name whatever
    the pattern: the first in the input keeps it, and each other one gets
    the first free "-2", "-3"… after its key, with a warning naming both
    entries. Computed from the input alone, so a later run gives the same
    names (and --prune and --check see the same files)."""
    wanted: list[str] = []
    for publication in publications:
        full = filled(pattern, publication)
        page = fitted(full, publication.key)
        if page != full:
            notes.append(shortened(publication, page))
        wanted.append(page)
    sharing: dict[tuple[str, str], list[int]] = {}
    for index, (publication, page) in enumerate(zip(publications, wanted, strict=True)):
        sharing.setdefault((page.lower(), file_safe(publication.key).lower()), []).append(index)
    pages = list(wanted)
    taken = {page.lower() for page in wanted}
    for indexes in sharing.values():
        first, *others = sorted(indexes, key=lambda index: _input_order(publications[index]))
        for index in others:
            publication, number = publications[index], 2
            while (page := suffixed(pattern, publication, number).lower()) in taken:
                number += 1
            pages[index] = suffixed(pattern, publication, number)
            taken.add(page)
            notes.append(_same_key(publication, publications[first], pages[first], pages[index]))
    return pages


def _input_order(publication: Publication) -> tuple[str, int]:
    return publication.file, publication.line


def _same_key(publication: Publication, first: Publication, first_page: str, page: str) -> Diagnostic:
    where = f"{first.file}:{first.line}" if first.line else first.file
    if first.key == publication.key:
        said = f"key used twice (also at {where})"
    else:
        said = f"key makes the same file name as '{first.key}' at {where}"
    message = f"{said}: written as {page}, the other as {first_page}"
    return Diagnostic(publication.file, publication.line or None, publication.key, "warning", message)


_SAMPLE: Final = Publication("key", "misc", "other", "", 2024, 1, (), (), Venue(), {})
