"""``--explain``: why each highlighted person was, or was not, found.

For each highlight, a report a user can check before publishing: the
entries that do not name the person, the uncertain matches (initials only,
a short form, family name first…), near misses (same family name, another
given name), and names bold in the .bib that the highlight does not match.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from bib2pubs.model import Listing, Person, Publication
from bib2pubs.names.fold import PARTICLES, fold, units
from bib2pubs.names.highlight import patterns_of
from bib2pubs.names.match import Pattern, decoded, has_comma, match
from bib2pubs.names.parts import split_name

#: Entries listed per group of uncertain matches or near misses.
_SHOWN_KEYS: Final = 5


@dataclass(frozen=True, slots=True)
class Sighting:
    """A name as written and the entries it appears in."""

    written: str
    why: str
    keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PersonReport:
    """What ``--explain`` says about one highlight."""

    name: str
    style: str
    entries: int
    found: int
    missing: tuple[Publication, ...]
    uncertain: tuple[Sighting, ...]
    near_misses: tuple[Sighting, ...]
    bold_in_bib: tuple[Sighting, ...]


def explain(listing: Listing, patterns: Sequence[Pattern] | None = None) -> list[PersonReport]:
    """One report per pattern (by default, per highlight the listing was
    made with, as it was read), over every entry of the listing."""
    publications = [pub for group in listing.groups for pub in group.entries]
    chosen = patterns_of(listing.highlights) if patterns is None else patterns
    return [_report(pattern, publications) for pattern in chosen]


def _family(person: Person) -> tuple[str, ...]:
    return tuple(part for unit in units(f"{person.von} {person.last}") for part in unit)


def _report(pattern: Pattern, publications: Sequence[Publication]) -> PersonReport:
    family_parts = {part for form in pattern.forms for part in form.family if part not in PARTICLES}
    uncertain: dict[tuple[str, str], list[str]] = defaultdict(list)
    near: dict[tuple[str, str], list[str]] = defaultdict(list)
    bold: dict[tuple[str, str], list[str]] = defaultdict(list)
    missing = []
    found = 0
    for pub in publications:
        hit = False
        for person in (*pub.authors, *pub.editors):
            result = match(pattern, decoded(split_name(person.written)), has_comma(person.written))
            if result is not None:
                hit = True
                if result.doubt:
                    uncertain[(person.written, result.doubt)].append(pub.key)
            elif person.highlight == pattern.style:
                bold[(person.written, "highlighted by the .bib itself")].append(pub.key)
            elif not person.highlight and family_parts & set(_family(person)):
                same = any(_family(person) == form.family for form in pattern.forms)
                why = "same family name, another given name" if same else "a family name in part the same"
                near[(person.written, why)].append(pub.key)
        found += hit
        if not hit:
            missing.append(pub)
    return PersonReport(
        pattern.name,
        pattern.style,
        len(publications),
        found,
        tuple(missing),
        _sightings(uncertain),
        _sightings(near),
        _sightings(bold),
    )


def _sightings(found: dict[tuple[str, str], list[str]]) -> tuple[Sighting, ...]:
    ordered = sorted(found.items(), key=lambda item: (-len(item[1]), fold(item[0][0])))
    return tuple(Sighting(written, why, tuple(keys)) for (written, why), keys in ordered)


def format_reports(reports: Iterable[PersonReport]) -> list[str]:
    """The reports as lines of plain text, for standard error."""
    lines: list[str] = []
    for report in reports:
        how = "--highlight " if report.style == "self" else f"--highlight-as {report.style}="
        lines.append(f"{how}'{report.name}': found in {report.found} of {report.entries} entries")
        _section(lines, "uncertain matches", report.uncertain)
        _section(lines, "near misses, not highlighted", report.near_misses)
        _section(lines, "bold in the .bib, not matched", report.bold_in_bib)
        if report.missing:
            lines.append(f"  not found in {_entries(len(report.missing))}:")
            for pub in report.missing:
                where = f"{pub.file}:{pub.line}" if pub.line else pub.file
                people = _people(pub)
                # Said first: the person may be among the names "et al." stands for.
                et_al = "(ends in et al.) " if pub.et_al else ""
                lines.append(f"    {where}: {pub.key}: {et_al}{_short(people)}")
    return lines


def _section(lines: list[str], title: str, sightings: Sequence[Sighting]) -> None:
    if not sightings:
        return
    lines.append(f"  {title}:")
    for sighting in sightings:
        keys = ", ".join(sighting.keys[:_SHOWN_KEYS])
        more = f" and {len(sighting.keys) - _SHOWN_KEYS} more" if len(sighting.keys) > _SHOWN_KEYS else ""
        lines.append(f"    '{sighting.written}' ({sighting.why}): {_entries(len(sighting.keys))}: {keys}{more}")


def _people(pub: Publication) -> str:
    """Who an entry names: its authors, then its editors marked as such."""
    authors = ", ".join(person.display for person in pub.authors)
    editors = ", ".join(person.display for person in pub.editors)
    if authors and editors:
        return f"{authors}; eds. {editors}"
    return authors or (f"eds. {editors}" if editors else "no authors")


def _entries(count: int) -> str:
    return f"{count} {'entry' if count == 1 else 'entries'}"


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
