"""Build ``bib2pubs/venues/journal_abbreviations.tsv.z`` from JabRef's lists.

    python -m tests.journal_abbreviations PATH/TO/abbrv.jabref.org

The source is JabRef's abbreviation repository (github.com/JabRef/abbrv.jabref.org,
CC0 1.0); its ``journals/README.md`` names where each list came from. The
commit used is recorded in ``bib2pubs/venues/PROVENANCE``.

The output has two kinds of rows, with the keys ``abbreviations.journal_key``
makes (a test checks they still are its keys):
- ``T<TAB>title key<TAB>title<TAB>short form``: each title once, spelt as
  the first list that has it writes it; the short form is an astronomy
  acronym ("ApJ"), else empty;
- ``A<TAB>abbreviation key<TAB>title key<TAB>``: each abbreviation, with an
  empty title key when the lists give it to two titles ("J. Phys.").
Left out, because they would expand what is no abbreviation:
- lists of acronyms that are not ISO 4 (Année philologique, DAI: "AA" is
  not "Archäologischer Anzeiger" on a physicist's page), and JabRef's own
  IEEE string macros;
- single-word abbreviations without a period ("Iraq", "AIDS"), but for the
  astronomy list, whose acronyms ("PASP", "A&A") are the field's own;
- rows whose abbreviation is the full name.
NLM's lists (Entrez) write titles in sentence case with a place in
parentheses ("Indian journal of dermatology", "AIDS (London, England)");
the place is dropped here, and a title no other list spells is put in
title case ("Indian Journal of Dermatology").
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import subprocess
import sys
import zlib
from pathlib import Path

from bib2pubs.venues.abbreviations import cuts_short, journal_key

OUTPUT = Path(__file__).resolve().parent.parent / "bib2pubs" / "venues" / "journal_abbreviations.tsv.z"
# In order of preference for a title's spelling: hand-kept lists in title
# case first, NLM's sentence-case list last.
LISTS = (
    "ieee", "general", "acs", "aea", "ams", "astronomy", "geology_physics", "geology_physics_variations",
    "lifescience", "mechanical", "meteorology", "sociology", "medicus", "ubc", "mathematics", "entrez",
)  # fmt: skip
ACRONYM_LISTS = frozenset({"astronomy"})
_PLACE = re.compile(r"\s*\([^()]*\)\s*$")
_DASHES = re.compile(r"\s*--\s*")
# "JMR, Journal of Marketing Research", "APPS. Applied Sciences".
_LEADING_ACRONYM = re.compile(r"^[A-Z]{2,6}[.,]\s+(?=[A-Z])")
# "Earth, Planets and Space (Formerly Journal of Geomagnetism and Geoelectricity)".
_FORMERLY = re.compile(r"\s*[,;(]?\s*\bformerly\b.*$", re.I)
# "Journal of Machine Learning Research (JMLR)": the acronym is no part of the title.
_ACRONYM = re.compile(r"\s*\((?=[^()]*[A-Z][^()]*[A-Z])[A-Za-z&]+\)\s*$")
# NLM's subtitle after " : " ("Psychological science : a journal of the
# American Psychological Society / APS"); "Journal of Geophysical
# Research: Oceans" has no space before its colon and keeps it.
_SUBTITLE = re.compile(r"\s+:\s.*$")
# NLM's second title after ";": "Stat; Bulletin of the Wisconsin Nurses Association".
_SECOND_TITLE = re.compile(r"\s*;\s.*$")
_CUT_WORD = re.compile(r"\b[A-Za-z]{2,6}\.(?=\s|$)")
# The astronomy list's short forms that are acronyms ("ApJ", "A&A", "MNRAS"),
# not its abbreviations ("Nat", "Space Sci. Rev.").
_ACRONYM_SHORT = re.compile(r"(?=(?:[^A-Z]*[A-Z]){2})[A-Za-z&]+")


def rows(checkout: Path) -> list[tuple[str, str, str]]:
    """The kept rows of every list, in list order."""
    kept: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str, str]] = set()
    for name in LISTS:
        blob = subprocess.run(
            ["git", "-C", str(checkout), "show", f"HEAD:journals/journal_abbreviations_{name}.csv"],
            check=True,
            capture_output=True,
        ).stdout.decode("utf-8")
        for cells in csv.reader(io.StringIO(blob)):
            if len(cells) < 2:
                continue
            full, abbreviation = (" ".join(cell.split()) for cell in cells[:2])
            # A place or a period in parentheses ("(Cambridge, England)",
            # "(through 1997)") tells namesakes apart; it is no part of the title.
            full = _DASHES.sub(" – ", _FORMERLY.sub("", _PLACE.sub("", full)))
            full = _LEADING_ACRONYM.sub("", full)
            full = _SECOND_TITLE.sub("", full)
            if "\\" in full or full.count("(") != full.count(")"):
                continue  # TeX in the title ("Differentsial\\cprime Nye"), or cut short
            if len(_CUT_WORD.findall(full)) >= 2:
                continue  # a title half abbreviated: "Journal of Artif. Intell. Research"
            full = _ACRONYM.sub("", _SUBTITLE.sub("", full)).replace("[", "").replace("]", "")
            if (
                not full
                or not abbreviation
                or "\t" in full + abbreviation
                or full.casefold() == abbreviation.casefold()
            ):
                continue
            if " " not in abbreviation and "." not in abbreviation and name not in ACRONYM_LISTS:
                continue
            if name not in ACRONYM_LISTS and not abbreviates(abbreviation, full):
                continue  # a row naming another title: the publisher, the series, the journal's former name
            if (full, abbreviation, name) in seen:
                continue  # once a list: the lists vote by how many give a title
            seen.add((full, abbreviation, name))
            kept.append((abbreviation, full, name))
    return kept


def abbreviates(abbreviation: str, title: str) -> bool:
    """Whether each word of the abbreviation is a word of the title, cut
    short or contracted, in the title's order ("IEEE Trans. Autom.
    Control"; not "IEEE Trans. Automat. Control" for "Institute of
    Electrical and Electronics Engineers", nor "Nuclear Phys. B" for
    "Nuclear Physics")."""
    words = journal_key(title).replace(" of ", " ").split()
    at = 0
    for short in journal_key(abbreviation).split():
        while at < len(words) and not cuts_short(short, words[at]):
            # "USA" for "United States of America": the words' initials.
            if len(short) >= 2 and "".join(word[0] for word in words[at : at + len(short)]) == short:
                at += len(short) - 1
                break
            at += 1
        if at >= len(words):
            return False
        at += 1
    return True


_SMALL = frozenset(
    {"a", "an", "and", "as", "at", "by", "de", "der", "des", "du", "e", "et", "for", "from", "in", "la", "le"}
    | {"of", "on", "or", "the", "to", "und", "with", "y", "da", "di", "del", "della", "van", "von", "fur", "für"}
)


def title_case(title: str) -> str:
    """A title as journals write theirs: NLM's "Indian journal of
    dermatology" is "Indian Journal of Dermatology", a list's "Journal Of
    Guidance, Control, And Dynamics" is "Journal of Guidance, Control, and
    Dynamics"; a word with capitals inside ("mBio", "IEEE") stays."""
    words = title.split(" ")
    out: list[str] = []
    for index, word in enumerate(words):
        starts = index == 0 or out[-1].endswith((":", ".", "-"))
        if index == 0 and (not word.islower() or len(word) <= 3):
            pass  # a brand: "mBio", "eLife", "npj Computational Materials"
        elif word[:1].islower() and (starts or word not in _SMALL):
            word = word[0].upper() + word[1:]
        elif not starts and word.lower() in _SMALL and word[:1].isupper() and word[1:].islower():
            word = word.lower()
        out.append(word)
    return " ".join(out)


def same_title(one: str, other: str) -> bool:
    """Whether two title keys are one journal spelt two ways by two lists
    ("Astrophysics Journal", "Astrophysical Journal"; "Systems & Control
    Letters", "System & …"; "Monthy Notices"), or ``other`` is ``one``
    with a subtitle ("Physical Review A: Atomic, Molecular, and Optical
    Physics"). "Journal de Physique" is not "Journal of Physics"."""
    if other.startswith(one + " ") and len(other.split()) - len(one.split()) >= 2:
        return True  # a subtitle: "Physics Letters B" is no subtitle of "Physics Letters"
    words, others = one.split(), other.split()
    return len(words) == len(others) and all(map(_same_word, words, others))


def _same_word(one: str, other: str) -> bool:
    if one == other:
        return True
    if len(one) >= 6 and one[:6] == other[:6]:
        return True
    return min(len(one), len(other)) >= 5 and difflib.SequenceMatcher(None, one, other).ratio() >= 0.85


def target(found: dict[str, int], abbreviation: str = "") -> str:
    """The title an abbreviation names, from the titles the lists give it
    and how many rows give each; "" when two journals share it.

    Titles that are one journal (spellings of each other, or one with a
    subtitle) count as one. Of two journals, one given by three rows or
    more and three times as often as the other wins ("Applied Surface
    Science" over its former name). Of one journal's titles, the shortest
    when the others are it with a subtitle ("Physical Review A" over
    "…A: Atomic, Molecular, and Optical Physics"), else the most given.
    """
    # ISO 4 abbreviates word for word: "Phys. Lett. B" is "Physics Letters
    # B", not "Physics Letters", whatever more lists say.
    words = len(abbreviation.split())
    if any(len(title.split()) == words for title in found):
        found = {title: count for title, count in found.items() if len(title.split()) == words}
    groups: list[list[str]] = []
    for title in found:  # in list order
        joined = [group for group in groups if any(same_title(*sorted((t, title), key=len)) for t in group)]
        merged = [title, *(t for group in joined for t in group)]
        groups = [group for group in groups if group not in joined] + [merged]
    weight = [sum(found[t] for t in group) for group in groups]
    heaviest = max(range(len(groups)), key=weight.__getitem__)
    rest = sum(weight) - weight[heaviest]
    if rest and not (weight[heaviest] >= 3 and weight[heaviest] >= 3 * rest):
        return ""
    group = groups[heaviest]
    shortest = min(group, key=len)
    if all(other == shortest or other.startswith(shortest + " ") for other in group):
        return shortest
    return max(group, key=lambda t: (found[t], -list(found).index(t)))


def table(kept: list[tuple[str, str, str]]) -> str:
    """The rows of the data file, from the lists' rows."""
    titles: dict[str, tuple[str, str]] = {}
    targets: dict[str, dict[str, int]] = {}
    for abbreviation, full, name in kept:
        title_key = journal_key(full)
        key = journal_key(abbreviation)
        if not title_key or not key or key == title_key:
            continue
        short = abbreviation if name in ACRONYM_LISTS and _ACRONYM_SHORT.fullmatch(abbreviation) else ""
        if title_key not in titles:
            spelt = title_case(full)
            titles[title_key] = (spelt, short)
        elif short and not titles[title_key][1]:
            titles[title_key] = (titles[title_key][0], short)  # "Ap&SS" for a title an earlier list named
        found = targets.setdefault(key, {})
        found[title_key] = found.get(title_key, 0) + 1
    # A key that is a title as well ("Cell") names that title.
    abbreviations = {key: target(found, key) for key, found in targets.items() if key not in titles}
    # A title spelt wrong by one list ("Monthy Notices…") is dropped, so that
    # matching word by word does not find it beside the right one.
    chosen = set(abbreviations.values())
    misspelt = {
        other
        for key, found in targets.items()
        if (best := abbreviations.get(key))
        for other in found
        if other not in chosen and len(other.split()) == len(best.split()) and same_title(best, other)
    }
    lines = [f"T\t{key}\t{title}\t{short}\n" for key, (title, short) in titles.items() if key not in misspelt]
    lines += [f"A\t{key}\t{title_key}\t\n" for key, title_key in abbreviations.items()]
    return "".join(lines)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    kept = rows(Path(argv[0]))
    text = table(kept)
    OUTPUT.write_bytes(zlib.compress(text.encode("utf-8"), 9))
    print(f"{OUTPUT}: {len(kept)} list rows, {text.count(chr(10))} lines, {OUTPUT.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
