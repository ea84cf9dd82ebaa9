"""How bib2pubs does on researchers' own files it has never seen.

    python -m tests.real_files FOLDER [--show]

FOLDER holds ``SOURCES.tsv`` (a header, then per file: path under FOLDER,
the owner's name, the field, the repository, the commit, the path there,
entries, exporter) and the files. The files are not the project's: they
are gathered for a measurement, which this prints.

- **Owner**: of the entries that name the owner (an author or editor whose
  folded family name is the owner's, with the same first initial or no
  given name), the share bib2pubs highlights; and every highlighted person
  whose family name is not the owner's (nobody else may be).
- **Venue names**: of the entries with a venue field for their kind
  (journal, booktitle, school, institution…; a publisher alone is none),
  the share whose venue name is clean: not empty (nothing dropped, but a
  status that became the note), no LaTeX macro or brace, no ordinal
  ("29th", "Twenty-Eighth"), no year, no "Proceedings of" left before an
  event, no status ("to appear"), no arXiv identifier as a name, not
  abbreviated (two words cut short with a period: "Phys. Rev. Lett.").

``--show`` lists each entry that fails, to read them one by one.
"""

from __future__ import annotations

import csv
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import bib2pubs
from bib2pubs.latex.decode import latex_to_text
from bib2pubs.model import Person, Publication
from bib2pubs.names.fold import fold
from bib2pubs.venues.classify import split_status

#: The fields that name a work's venue, by kind; a publisher alone is none.
VENUE_FIELDS = {
    "journal": ("journal", "journaltitle", "booktitle"),
    "conference": ("booktitle", "eventtitle", "journal", "howpublished"),
    "workshop": ("booktitle", "eventtitle", "journal", "howpublished"),
    "chapter": ("booktitle", "maintitle"),
    "thesis": ("school", "institution"),
    "report": ("institution",),
    "preprint": ("journal", "journaltitle", "howpublished"),
}
_ORDINAL_WORDS = (
    "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|"
    "fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth|fortieth|fiftieth"
)
_EVENT = re.compile(r"\b(?:conference|symposium|workshop|congress|meeting)\b", re.I)
UNCLEAN = {
    "macro or brace": re.compile(r"[\\{}]|^[a-z]{2,6}$"),
    "ordinal": re.compile(
        rf"\b\d+(?:st|nd|rd|th)\b|\b(?:twenty|thirty|forty|fifty)-\w+\b|^(?:the\s+)?(?:{_ORDINAL_WORDS})\b", re.I
    ),
    "year": re.compile(r"(?<![\d-])(?:19|20)\d\d(?![\d-])|'\d\d\b"),
    "status": re.compile(
        r"\b(?:to\s+appear|in\s+press|accepted\s+(?:for|in|at)|submitted\s+to|under\s+review)\b", re.I
    ),
    "arXiv id as name": re.compile(r"arxiv:\s*\d", re.I),
    # Two words cut short ("Phys. Rev.", "J Biol Chem" has none: see below).
    "abbreviated": re.compile(r"\b[A-Za-z]{1,6}\.\s+(?:\S+\s+)*?[A-Za-z]{1,6}\.(?=\s|$|,)"),
}
# "Proceedings of" left before an event's name; a journal may be named so
# ("Proceedings of the National Academy of Sciences").
_PROCEEDINGS = re.compile(r"^\s*(?:proc\.|proceedings\s+of|in\s+proceedings)\b", re.I)


@dataclass
class Tally:
    naming: int = 0
    highlighted: int = 0
    others: int = 0
    with_venue: int = 0
    clean: int = 0


def names_owner(person: Person, family: str, initial: str) -> bool:
    """Whether a person is the owner, judged simply: the family name's
    last word, and the first initial when there is one."""
    last = fold(f"{person.von} {person.last}").split()
    first = fold(person.first).replace("-", " ").split()
    if family not in last and fold(person.written).split()[:1] != [family]:
        return False
    return not first or first[0][:1] == initial or fold(person.written).split()[-1:][0][:1] == initial


def written_venue(pub: Publication) -> str:
    """The entry's own venue field for its kind, or "" when it has none."""
    fields = pub.fields or {}
    return next((fields[name] for name in VENUE_FIELDS.get(pub.kind, ()) if fields.get(name, "").strip()), "")


def venue_problems(pub: Publication, written: str) -> list[str]:
    name = pub.venue.name
    if not name.strip():
        # A venue that is only a status ("in press") is the note, not lost.
        rest, status = split_status(latex_to_text(written))
        return [] if status and not rest and status in pub.note else ["dropped"]
    problems = [what for what, pattern in UNCLEAN.items() if pattern.search(name)]
    if _PROCEEDINGS.search(name) and (pub.kind != "journal" or _EVENT.search(name)):
        problems.append("proceedings of")
    return problems


def measure(folder: Path, show: bool) -> dict[str, Tally]:
    tallies: dict[str, Tally] = {}
    with (folder / "SOURCES.tsv").open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file, delimiter="\t"))
    for row in rows:
        owner = row["owner"]
        family, initial = fold(owner).split()[-1], fold(owner)[:1]
        listing = bib2pubs.load(
            [str(folder / row["path"])],
            bib2pubs.Options(highlights=(owner,), keep_preprints=True, keep_fields=True),
        )
        tally = tallies.setdefault(row["path"], Tally())
        for pub in (pub for group in listing.groups for pub in group.entries):
            people = (*pub.authors, *pub.editors)
            if any(names_owner(person, family, initial) for person in people):
                tally.naming += 1
                if any(person.highlight for person in people):
                    tally.highlighted += 1
                elif show:
                    print(f"NOT HIGHLIGHTED {row['path']}:{pub.line} {[p.written for p in people][:8]}")
            for person in people:
                if person.highlight and family not in re.findall(r"\w+", fold(latex_to_text(person.written))):
                    tally.others += 1
                    if show:
                        print(f"OTHER HIGHLIGHTED {row['path']}:{pub.line} {person.written!r}")
            written = written_venue(pub)
            if not written:
                continue
            problems = venue_problems(pub, written)
            tally.with_venue += 1
            tally.clean += not problems
            if problems and show:
                where = f"{row['path']}:{pub.line} [{pub.kind}]"
                print(f"VENUE {','.join(problems)} {where} {written[:90]!r} -> {pub.venue.name!r}")
    return tallies


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    tallies = measure(Path(argv[0]), "--show" in argv)
    total = Tally()
    for path, tally in sorted(tallies.items()):
        for name in vars(total):
            setattr(total, name, getattr(total, name) + getattr(tally, name))
        print(
            f"{path:55} owner {tally.highlighted:4}/{tally.naming:<4} others {tally.others:3}  "
            f"venues clean {tally.clean:4}/{tally.with_venue:<4}"
        )
    print(
        f"\n{len(tallies)} files. Owner highlighted in {total.highlighted}/{total.naming} entries naming them "
        f"({100 * total.highlighted / max(total.naming, 1):.2f}%), {total.others} others highlighted. "
        f"Venue names clean: {total.clean}/{total.with_venue} ({100 * total.clean / max(total.with_venue, 1):.2f}%)."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
