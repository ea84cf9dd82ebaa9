"""Per-entry pages (``--split DIR``): each listed entry rendered by a
template of one entry and named by a pattern (``page_names``); writing them
is ``write.sync``'s work.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence, Set

from bib2pubs.errors import UsageError
from bib2pubs.model import Diagnostic, Listing, Publication, Venue
from bib2pubs.rendering.citations import Citations
from bib2pubs.rendering.clean_bibtex import dropped_or_default, entry_bibtex_checked
from bib2pubs.rendering.formats import ITEM_TEMPLATES, SUFFIXES, format_of
from bib2pubs.rendering.jinja import Template, builtin_templates, render_items, resolve_template
from bib2pubs.rendering.page_names import file_name, filled, fitted, shortened
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
    files: dict[str, str] = {}
    owners: dict[str, str] = {}
    for publication, text in items:
        full = filled(pattern, publication)
        page = fitted(full, publication.key)
        if page != full:
            notes.append(shortened(publication, page))
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


_SAMPLE = Publication("key", "misc", "other", "", 2024, 1, (), (), Venue(), {})
