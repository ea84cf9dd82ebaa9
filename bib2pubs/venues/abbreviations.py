"""Journal titles from their abbreviations: "IEEE Trans. Autom. Control" is
"IEEE Transactions on Automatic Control", "J Biol Chem" (PubMed's form) is
"Journal of Biological Chemistry", DBLP's "Formal Asp. Comput." is
"Formal Aspects of Computing".

The titles come from JabRef's abbreviation lists (ISO 4 and NLM forms,
CC0; see PROVENANCE), kept in ``journal_abbreviations.tsv.z`` with the
lookup keys made when the file was built (``tests/journal_abbreviations.py``).
The file is read only when a run meets a journal the venue table does not
know, so a run that never does pays nothing for it; it is read whole once,
and kept in buckets, so that later runs read only the few they need.

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
from dataclasses import dataclass
from itertools import compress, repeat
from operator import itemgetter
from typing import Final

from bib2pubs.cachedir import keep, kept_paths, read_kept
from bib2pubs.lazyre import lazy
from bib2pubs.names.fold import fold

DATA_FILE = os.path.join(os.path.dirname(__file__), "journal_abbreviations.tsv.z")
_WORDS: Final = lazy(r"[a-z0-9]+")
# Left out of keys: ISO 4 drops them ("J. Biol. Chem."), and lists write
# titles with and without them ("The Journal of Chemical Physics"). Not
# "a": "Physical Review A" is not "Physical Review".
# Not "des": "J. Mech. Des." is the Journal of Mechanical Design.
_FILLER: Final = frozenset({"of", "the", "and", "on", "for", "in", "an", "de", "du", "la", "le", "und", "der", "fur"})
# A word cut short: letters and a period ("Trans.", "Autom."). Only
# whether there is one counts, so the pattern is a letter and a period:
# letters before it would be tried again at each start, in long titles.
_ABBREVIATED: Final = lazy(r"[^\W\d_]\.")


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


# The data file's rows are kept in the cache folder in small buckets, by a
# checksum of their key, and the buckets in files of 80 KB: a run reads
# one or two of them for each journal it looks up (0.2 ms), where reading
# back the whole tables took 15 ms, and unpacks nothing it does not use.
FILES: Final = 64
PER_FILE: Final = 32
BUCKETS: Final = FILES * PER_FILE


def bucket_of(key: str) -> int:
    """The bucket a key's rows are kept in; the same in every run (``hash`` is not)."""
    return zlib.crc32(key.encode()) % BUCKETS


def title_group(key: str) -> str:
    """A title key's group in the word-by-word search: its first letter and
    number of words, less one ("journal biological chemistry": "j2"). An
    abbreviation's words must each begin as the title's do, so only the
    titles of its own group can fit. Keys are words joined by one space."""
    return _GROUP.format(key[0], key.count(" "))


_GROUP: Final = "{}{}"

#: A kept file: its buckets (the rows whose keys fall in them, as the data
#: file writes them, between newlines), and the groups kept in it (their
#: title keys, between newlines). Bytes: the file is not decoded whole,
#: only the few rows a run finds.
_Kept = tuple[tuple[bytes, ...], dict[str, bytes]]


@functools.lru_cache(maxsize=4096)
def expand_journal(written: str) -> Journal | None:
    """The journal an abbreviated title names, or None when ``written`` is
    a title already, is not in the lists, or could be more than one. A
    file writes the same journal again and again: each is looked up once."""
    key = journal_key(written).encode()  # ASCII: letters and digits
    if not key:
        return None
    rows = _bucket(key)
    if _row(rows, b"T", key) is not None:
        return None
    title_key = _row(rows, b"A", key)
    if title_key is not None:
        title_key = title_key.partition(b"\t")[0]
    elif _ABBREVIATED.search(written):
        title_key = _by_words(key.decode())
    if title_key is None:
        return None
    title = _row(_bucket(title_key), b"T", title_key)  # None for "": titles share the abbreviation
    if title is None:
        return None
    name, _, short = title.partition(b"\t")
    try:
        return Journal(name.decode(), short.decode())
    except UnicodeDecodeError:
        return None  # a damaged data file: titles stay as written


def _row(rows: bytes, kind: bytes, key: bytes) -> bytes | None:
    """What follows the key in the last row of that kind and key (a later
    row wins, as it would in a dict), or None when there is none."""
    start = rows.rfind(b"\n" + kind + b"\t" + key + b"\t")
    if start < 0:
        return None
    start += len(key) + 4
    return rows[start : rows.index(b"\n", start)]


def _bucket(key: bytes) -> bytes:
    """The rows of the bucket a key falls in."""
    file, place = divmod(zlib.crc32(key) % BUCKETS, PER_FILE)
    return _file(file)[0][place]


@functools.cache
def _file(number: int) -> _Kept:
    """A file of buckets, read once, on first need: as it was kept, or
    built with all the others (and kept) when it is missing or damaged."""
    places = _kept_places()
    found = read_kept(places[number]) if places else None
    try:
        buckets, groups = found  # type: ignore[misc]
        if (
            type(buckets) is tuple
            and len(buckets) == PER_FILE
            and all(type(rows) is bytes for rows in buckets)
            and type(groups) is dict
        ):
            return buckets, groups  # the groups' texts are checked where they are used
    except (TypeError, ValueError):
        pass
    return _built()[number]


def _stem(number: int) -> str:
    """A kept file's name. The first is kept under the name the whole
    tables once were: copies of those count among its kept copies
    (``cachedir.KEPT_COPIES``) and leave as newer ones are kept."""
    return f"journals{number}" if number else "journals"


@functools.lru_cache(maxsize=1)
def _built() -> tuple[_Kept, ...]:
    """Every file of buckets, from the data file, each kept for later runs."""
    try:
        with open(DATA_FILE, "rb") as file:
            data = zlib.decompress(file.read())
    except (OSError, zlib.error):
        data = b""  # an install without it: titles stay as written
    files = _files(data)
    if data:
        for path, kept in zip(_kept_places(), files, strict=False):  # none when caching is off
            keep(path, kept)
    return files


@functools.lru_cache(maxsize=1)
def _kept_places() -> tuple[str, ...]:
    """Where each file of buckets is kept (``cachedir.kept_paths``; none
    when caching is off), found once: a large file reads most of them,
    and looking at the folder and the sources again for each took as long
    as reading it."""
    return kept_paths([_stem(number) for number in range(FILES)], (DATA_FILE, __file__))


def _files(data: bytes) -> tuple[_Kept, ...]:
    """The data file's rows (``T``, title key, title, short form; ``A``,
    abbreviation key, title key, "") put in buckets, and its title keys in
    groups. A pass over the rows in Python costs a few milliseconds: the
    work is done by whole columns (``map``, ``compress``) where it can be."""
    lines = data.removesuffix(b"\n").split(b"\n") if data else []
    fields = b"\t".join(lines).split(b"\t") if lines else []
    kinds, keys = fields[0::4], fields[1::4]
    if len(fields) != 4 * len(lines) or not set(kinds) <= {b"T", b"A"}:
        lines = kinds = keys = []  # no longer the file's shape: titles stay as written
    in_bucket: list[list[bytes]] = [[] for _ in range(BUCKETS)]
    for line, checksum in zip(lines, map(zlib.crc32, keys), strict=True):
        in_bucket[checksum % BUCKETS].append(line)
    title_keys = list(filter(None, compress(keys, map(b"T".__eq__, kinds))))
    groups: dict[tuple[int, int], list[bytes]] = {}
    # title_group's parts, for every title at once.
    firsts_and_spaces = zip(map(itemgetter(0), title_keys), map(bytes.count, title_keys, repeat(b" ")), strict=True)
    for title_key, parts in zip(title_keys, firsts_and_spaces, strict=True):
        groups.setdefault(parts, []).append(title_key)
    in_file: list[dict[str, bytes]] = [{} for _ in range(FILES)]
    for (first, spaces), members in groups.items():
        group = _GROUP.format(chr(first), spaces)
        in_file[bucket_of(group) // PER_FILE][group] = b"\n" + b"\n".join(members) + b"\n"
    buckets = [b"\n" + b"\n".join(rows) + b"\n" for rows in in_bucket]
    return tuple(
        (tuple(buckets[number * PER_FILE : (number + 1) * PER_FILE]), in_file[number]) for number in range(FILES)
    )


def _by_words(key: str) -> bytes | None:
    """The key of the one title whose words the abbreviation's words
    abbreviate, in order; None when no title does, or more than one."""
    words = key.split()
    if len(words) < 2:
        return None
    group = title_group(key)
    # Typed as found: a kept file's values are checked here, not trusted
    # (compiled, a wrong type would otherwise fail before this check).
    titles: object = _file(bucket_of(group) // PER_FILE)[1].get(group)
    if not isinstance(titles, bytes):
        return None  # no such group, or a damaged kept one
    # Only titles whose words each begin as the abbreviation's do can fit:
    # a sieve that spares testing the whole group word by word.
    sieve = "\n" + " ".join(re.escape(word[0]) + "[^ \n]*" for word in words) + "(?=\n)"
    fits = {
        title
        for title in (line[1:] for line in re.findall(sieve.encode(), titles))
        if all(map(cuts_short, words, title.decode("utf-8", "surrogateescape").split()))
    }
    return fits.pop() if len(fits) == 1 else None


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
