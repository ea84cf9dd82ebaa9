"""Journal titles from their abbreviations: "IEEE Trans. Autom. Control" is
"IEEE Transactions on Automatic Control", "J Biol Chem" (PubMed's form) is
"Journal of Biological Chemistry", DBLP's "Formal Asp. Comput." is
"Formal Aspects of Computing".

The titles come from JabRef's abbreviation lists (ISO 4 and NLM forms,
CC0; see PROVENANCE), kept in ``journal_abbreviations.tsv.z`` with the
lookup keys made when the file was built (``tests/journal_abbreviations.py``).
The file is read only when a run meets a journal the venue table does not
know, so a run that never does pays nothing for it.

An abbreviation the lists give is looked up whole. One they do not give
(DBLP writes its own: "Rel. Eng. and Sys. Safety") is matched word by word
against the titles: each abbreviated word must begin the title's word, or
be its contraction ("Natl." for "National"), and exactly one title may
fit. An abbreviation two titles share ("J. Phys.") is never expanded.
"""

from __future__ import annotations

import functools
import os
import re
import zlib
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from bib2pubs.cachedir import keep, kept_path, read_kept
from bib2pubs.lazyre import lazy
from bib2pubs.names.fold import fold

DATA_FILE = os.path.join(os.path.dirname(__file__), "journal_abbreviations.tsv.z")
_WORDS = re.compile(r"[a-z0-9]+")
# Left out of keys: ISO 4 drops them ("J. Biol. Chem."), and lists write
# titles with and without them ("The Journal of Chemical Physics"). Not
# "a": "Physical Review A" is not "Physical Review".
# Not "des": "J. Mech. Des." is the Journal of Mechanical Design.
_FILLER = frozenset({"of", "the", "and", "on", "for", "in", "an", "de", "du", "la", "le", "und", "der", "fur"})
# A word cut short: letters and a period ("Trans.", "Autom.").
_ABBREVIATED = lazy(r"[^\W\d_]+\.")


@dataclass(frozen=True, slots=True)
class Journal:
    """A journal title found for an abbreviation, and its short form when
    the field writes one ("ApJ", "A&A"), else ""."""

    name: str
    short: str


def journal_key(text: str) -> str:
    """A title or an abbreviation as the lists are looked up: folded, its
    words alone, without filler words ("&" is "and")."""
    return " ".join(word for word in _WORDS.findall(fold(text).replace("&", " and ")) if word not in _FILLER)


@dataclass(frozen=True, slots=True)
class _Lists:
    #: A title's key: its number in ``names`` and ``shorts``.
    titles: dict[str, int]
    #: A title as shown, and its short form ("" for none).
    names: tuple[str, ...]
    shorts: tuple[str, ...]
    #: An abbreviation's key: its title's number (-1 when titles share it).
    abbreviations: dict[str, int]

    def kept(self) -> tuple[tuple[str, ...] | tuple[int, ...], ...]:
        """Plain values for the cache: flat tuples, quick to read back."""
        return (
            tuple(self.titles),
            self.names,
            self.shorts,
            tuple(self.abbreviations),
            tuple(self.abbreviations.values()),
        )


@functools.lru_cache(maxsize=1)
def _lists() -> _Lists:
    """The lists, read once, on first need; kept between runs as flat
    tables (reading the file takes 90 ms, the kept tables a fraction)."""
    kept = kept_path("journals", (DATA_FILE, __file__))
    found = _from_kept(read_kept(kept)) if kept is not None else None
    if found is not None:
        return found
    try:
        with open(DATA_FILE, "rb") as file:
            text = zlib.decompress(file.read()).decode("utf-8")
    except (OSError, zlib.error, UnicodeDecodeError):
        return _Lists({}, (), (), {})  # an install without it: titles stay as written
    titles: dict[str, int] = {}
    names: list[str] = []
    shorts: list[str] = []
    pending: list[tuple[str, str]] = []
    for line in text.splitlines():
        kind, key, value, short = line.split("\t")
        if kind == "T":
            titles[key] = len(names)
            names.append(value)
            shorts.append(short)
        else:
            pending.append((key, value))
    abbreviations = {key: titles.get(value, -1) for key, value in pending}
    lists = _Lists(titles, tuple(names), tuple(shorts), abbreviations)
    if kept is not None:
        keep(kept, lists.kept())
    return lists


def _from_kept(value: Any) -> _Lists | None:
    """The kept tables, or None when what was read back lacks their shape
    (the values themselves are checked where they are used: a file of the
    user's own, sealed, is not checked item by item, which would cost
    twice the reading)."""
    try:
        titles, names, shorts, abbreviations, targets = value
        lists = _Lists(
            dict(zip(titles, range(len(titles)), strict=True)),
            names,
            shorts,
            dict(zip(abbreviations, targets, strict=True)),
        )
    except (TypeError, ValueError):
        return None
    if not (isinstance(names, tuple) and isinstance(shorts, tuple) and len(titles) == len(names) == len(shorts)):
        return None
    return lists


def expand_journal(written: str) -> Journal | None:
    """The journal an abbreviated title names, or None when ``written`` is
    a title already, is not in the lists, or could be more than one."""
    key = journal_key(written)
    if not key:
        return None
    lists = _lists()
    if key in lists.titles:
        return None
    number = lists.abbreviations.get(key)
    if number is None and _ABBREVIATED.search(written):
        number = _by_words(key)
    if type(number) is not int or not 0 <= number < len(lists.names):
        return None
    name, short = lists.names[number], lists.shorts[number]
    return Journal(name, short) if isinstance(name, str) and isinstance(short, str) else None


@functools.lru_cache(maxsize=1)
def _titles_by_start() -> dict[tuple[int, str], list[tuple[int, tuple[str, ...]]]]:
    """The titles' words by their number of words and first letter."""
    index: dict[tuple[int, str], list[tuple[int, tuple[str, ...]]]] = defaultdict(list)
    for key, number in _lists().titles.items():
        if type(key) is not str:
            continue  # a damaged kept table: no title to match
        words = tuple(key.split())
        if words:
            index[len(words), words[0][0]].append((number, words))
    return index


def _by_words(key: str) -> int | None:
    """The one title whose words the abbreviation's words abbreviate, in order."""
    words = key.split()
    if len(words) < 2:
        return None
    found = {
        title
        for title, title_words in _titles_by_start().get((len(words), words[0][0]), ())
        if all(map(cuts_short, words, title_words))
    }
    return found.pop() if len(found) == 1 else None


def cuts_short(short: str, word: str) -> bool:
    """Whether ``short`` is ``word`` cut short ("autom", "automatic") or
    contracted ("natl", "national"): its letters in order, the first and
    the last the same."""
    if word.startswith(short):
        return True
    if len(short) < 3 or short[0] != word[0] or short.isdigit() or word.isdigit():
        return False
    # A contraction keeps the word's last letter, or the last before a
    # plural's "s": "Natl." (National), "Mgmt." (Management), "Rpt."
    # (Reports); "Des." is not "Dentistry".
    rest = iter(word[1:])
    return short[-1] in (word[-1], word[-2:-1] if word.endswith("s") else "") and all(
        letter in rest for letter in short[1:]
    )
