"""Each entry cited in a CSL style (``--style``), with citeproc-py: one
bibliography entry per publication, in plain text, HTML, Markdown, LaTeX
and styled pieces for the terminal.

The entry goes to citeproc-py as CSL-JSON (``csl_json.csl_item``) with
every private-use character taken out, and the names of highlighted or
marked people wrapped in a pair of private-use markers (``csl_markup``):
however the style writes a name (initials, family name first, capitals) the
markers come through, and the span between them is written highlighted in
each format, the person's marks after it. citeproc-py writes the style's
own formatting as such markers too (``csl_patches.Formatter``), and what it
writes of a DOI or URL, so no format's markup is ever made from data: an
address there that is exactly one of the entry's links (``pub.links``,
checked safe when read) becomes a link to it. Where citeproc-py parts from
pandoc's citeproc, ``csl_patches`` amends it.

This module loads citeproc-py and lxml only when a style is asked for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from bib2pubs.errors import is_out_of_memory
from bib2pubs.model import Diagnostic, Listing, Person, Publication
from bib2pubs.rendering.cited import Citations as Citations  # where callers found them before cited.py
from bib2pubs.rendering.cited import EntryId, entry_id
from bib2pubs.rendering.cited import citation_of as citation_of

if TYPE_CHECKING:
    from bib2pubs.rendering.csl_style import Style


@dataclass(frozen=True, slots=True)
class Citation:
    """One entry as the style cites it. ``text`` is plain; ``html``,
    ``markdown`` and ``latex`` are escaped for their format, with the
    style's formatting and the highlighted names marked up as the built-in
    templates do it, and each address of the entry's own links that the
    style writes (a DOI's or URL's) a link to it; ``pieces`` are (text,
    rich style) pairs for the terminal ("italic", "bold", "bold italic", "")."""

    text: str
    html: str
    markdown: str
    latex: str
    pieces: tuple[tuple[str, str], ...]


def cite_listing(
    listing: Listing, style: str, locale: str | None = "en"
) -> tuple[dict[EntryId, Citation], list[Diagnostic]]:
    """Every entry of the listing, hidden ones too, cited in ``style`` (a
    shipped style's name or a .csl file's path) in ``locale``, keyed by its
    ``entry_id``. A style that cannot be used is a UsageError; an entry
    citeproc-py fails on gets a warning and no citation (lists then show it
    as bib2pubs writes it)."""
    from bib2pubs.rendering.csl_style import load_style  # citeproc-py and lxml load only for a style

    loaded = load_style(style, locale)
    suffixes = year_suffixes(listing) if loaded.year_suffixes else {}
    citations: dict[EntryId, Citation] = {}
    problems: list[Diagnostic] = []
    seen: set[EntryId] = set()
    for group in listing.groups:
        for pub in group.entries:
            if entry_id(pub) in seen:  # an entry listed in two groups is cited once
                continue
            seen.add(entry_id(pub))
            try:
                citations[entry_id(pub)] = cite(pub, loaded, suffixes.get(entry_id(pub), ""))
            except Exception as error:  # whatever citeproc-py raises, the entry is listed without it
                if is_out_of_memory(error):
                    raise
                reason = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
                problems.append(
                    Diagnostic(
                        pub.file,
                        pub.line or None,
                        pub.key or None,
                        "warning",
                        f"cannot be cited in the style {loaded.where} ({reason}); listed without it",
                    )
                )
    return citations, problems


def year_suffixes(listing: Listing) -> dict[EntryId, str]:
    """The letter after the year for works of the same authors in the same
    year ("2012a", "2012b"), by title, as APA tells them apart: each entry
    is cited alone, so the whole list is looked at here. Only works whose
    author lists are the same get one (a style tells others apart by their
    names); hidden entries take no letter, the reader would miss it."""
    works: dict[tuple[object, ...], list[Publication]] = {}
    for group in listing.groups:
        for pub in group.entries:
            people = pub.authors or pub.editors
            if pub.year is not None and people and not pub.hidden:
                names = tuple((person.first, person.von, person.last, person.jr) for person in people)
                same = works.setdefault((names, pub.et_al, pub.year), [])
                if all(entry_id(other) != entry_id(pub) for other in same):
                    same.append(pub)
    suffixes = {}
    for same in works.values():
        if len(same) > 1:
            for number, pub in enumerate(sorted(same, key=lambda pub: (pub.title.casefold(), pub.key))):
                suffixes[entry_id(pub)] = _letters(number)
    return suffixes


def _letters(number: int) -> str:
    """0 → "a", 25 → "z", 26 → "aa", as CSL's year-suffix counts."""
    letters = ""
    number += 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def cite(pub: Publication, style: Style, year_suffix: str = "") -> Citation:
    """One publication cited in a loaded style, with ``year_suffix`` after
    its year where the style puts one; raises what citeproc-py raises, and
    ValueError when the style writes nothing for it."""
    # citeproc-py, and the modules around it, load only when a style is asked for.
    import warnings

    from citeproc import Citation as Cite  # type: ignore[import-untyped]
    from citeproc import CitationItem, CitationStylesBibliography
    from citeproc.source.json import CiteProcJSON  # type: ignore[import-untyped]

    from bib2pubs.rendering import csl_output
    from bib2pubs.rendering.csl_json import csl_item
    from bib2pubs.rendering.csl_markup import pieces
    from bib2pubs.rendering.csl_strings import Formatter

    item, people = marked_item(pub, csl_item(pub))
    if year_suffix:
        item["year-suffix"] = year_suffix
    with warnings.catch_warnings():
        # citeproc-py warns of variables it does not know; they are left out.
        warnings.simplefilter("ignore")
        bibliography = CitationStylesBibliography(style.citeproc, CiteProcJSON([item]), Formatter)
        bibliography.register(Cite([CitationItem("item")]))
        rendered = bibliography.bibliography()
    found = pieces(str(rendered[0]) if rendered else "", style.quotes)
    if not found:
        raise ValueError("the style writes nothing for it")
    shown = csl_output.linked(found, ())
    # The entry's own links, already checked safe, where the style shows
    # their address (APA's "https://doi.org/…"): links in the markup formats.
    linked = csl_output.linked(found, pub.links.values())
    return Citation(
        text=csl_output.plain(shown, people),
        html=csl_output.write(linked, people, csl_output.HTML),
        markdown=csl_output.write(linked, people, csl_output.MARKDOWN),
        latex=csl_output.write(linked, people, csl_output.LATEX),
        pieces=csl_output.terminal(shown, people),
    )


#: The parts of a CSL name that carry a highlight's markers.
_NAME_PARTS: Final = ("given", "dropping-particle", "non-dropping-particle", "family", "suffix", "literal")


def marked_item(pub: Publication, item: Mapping[str, Any]) -> tuple[dict[str, Any], dict[int, Person]]:
    """The CSL-JSON item for citeproc-py: id "item" (citeproc-py lowercases
    ids, and each entry is cited alone), no private-use character in any
    string, and the name parts of every highlighted or marked person
    between that person's markers. Returns the item and the people by the
    index their markers carry (authors first, then editors)."""
    from bib2pubs.rendering.csl_markup import PERSON_LIMIT, person_end, person_start  # with the style, as above

    clean: dict[str, Any] = {key: _stripped(value) for key, value in item.items()}
    clean["id"] = "item"
    people: dict[int, Person] = {}
    offset = 0
    for role, persons in (("author", pub.authors), ("editor", pub.editors)):
        names = clean.get(role)
        if isinstance(names, list) and len(names) == len(persons):
            for number, (person, name) in enumerate(zip(persons, names, strict=True)):
                index = offset + number
                if (person.highlight or person.marks) and index < PERSON_LIMIT and isinstance(name, dict):
                    people[index] = person
                    for part in _NAME_PARTS:
                        if isinstance(name.get(part), str) and name[part]:
                            name[part] = person_start(index) + name[part] + person_end(index)
        offset += len(persons)
    return clean, people


def _stripped(value: Any) -> Any:
    """A JSON value with no private-use character in any of its strings."""
    from bib2pubs.rendering.csl_markup import strip_private  # with the style, as above

    if isinstance(value, str):
        return strip_private(value)
    if isinstance(value, list):
        return [_stripped(part) for part in value]
    if isinstance(value, dict):
        return {key: _stripped(part) for key, part in value.items()}
    return value
