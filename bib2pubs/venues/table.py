"""The venue table: canonical names, acronyms, renames and URL patterns.

The built-in table is ``venues.tsv`` in the package (one venue per line:
short, kind, name, aliases separated by " | ", URL pattern with ``{yyyy}``
and ``{yy}``, preceded by the first year it holds for: ``2012+ https://…``).
A user's TOML file (``--venues FILE``) adds venues and replaces built-in
ones with the same short name::

    [NSDI]
    name = "USENIX Symposium on Networked Systems Design and Implementation"
    kind = "conference"
    aliases = ["Networked Systems Design and Implementation"]
    url = "https://www.usenix.org/conference/nsdi{yy}"
    since = 2012        # the first year the URL pattern holds for

Venues are found by acronym ("NSDI", "NIPS") or by name, compared after
folding case, accents and punctuation and leaving out words that exporters
add or drop: "Proceedings", "the", "of", "Annual", "International", and the
societies' names ("ACM", "IEEE", "USENIX").
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from bib2pubs.cachedir import keep, kept_path, read_kept
from bib2pubs.errors import UsageError
from bib2pubs.lazyre import lazy
from bib2pubs.names import fold as name_folding
from bib2pubs.names.fold import fold
from bib2pubs.trust import read_toml

KINDS: Final = frozenset({"conference", "workshop", "journal"})
# Words exporters add or drop; a name is looked up with them, then without.
_FILLER: Final = frozenset({"the", "of", "on", "and", "for", "in", "at", "a", "an"})
# "Proceedings of the 29th …" is filler before an event's name, but part of
# a journal's ("Proceedings of the ACM on Human-Computer Interaction").
_PROCEEDINGS: Final = frozenset({"proceedings", "proc"})
_LEFT_OUT: Final = frozenset(
    {"annual", "international", "acm", "ieee", "usenix", "siam", "cvf", "ifip", "aaai", "sigplan", "sigops"}
)
_WORDS: Final = lazy(r"[a-z0-9]+")
# Read only when the table itself is (its keys are kept between runs).
_URL_CELL: Final = lazy(r"(?:(?P<since>\d{4})\+\s+)?(?P<url>\S+)?")


@dataclass(frozen=True, slots=True, init=False)
class KnownVenue:
    """One row of the table."""

    short: str
    kind: str
    name: str
    aliases: tuple[str, ...] = ()
    url: str = ""
    #: The first year a per-year URL pattern holds for (sites of older
    #: editions live elsewhere).
    since: int = 0

    def __init__(
        self,
        short: str,
        kind: str,
        name: str,
        aliases: tuple[str, ...] = (),
        url: str = "",
        since: int = 0,
    ) -> None:
        # Written out, to be compiled: see bib2pubs.model's note.
        object.__setattr__(self, "short", short)
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "aliases", aliases)
        object.__setattr__(self, "url", url)
        object.__setattr__(self, "since", since)

    def url_for(self, year: int | None) -> str:
        """The URL pattern with the year filled in; "" when the pattern
        needs a year and there is none, or the year is before ``since``."""
        if "{yy" not in self.url:
            return self.url
        if year is None or year < self.since:
            return ""
        return self.url.replace("{yyyy}", f"{year:04d}").replace("{yy}", f"{year % 100:02d}")


def name_key(text: str, loose: bool = False, journal: bool = False) -> str:
    """A name as the table compares it: folded, without filler words
    ("Proceedings" too, unless ``journal``), and when ``loose`` also without
    "Annual", "International" and the societies' names ("ACM", "IEEE")."""
    return name_keys(text, journal)[1 if loose else 0]


def name_keys(text: str, journal: bool = False) -> tuple[str, str]:
    """The exact and the loose key of a name, from one folding."""
    words = _WORDS.findall(fold(text).replace("&", " and "))
    exact = [word for word in words if word not in _FILLER and (journal or word not in _PROCEEDINGS)]
    return " ".join(exact), " ".join(word for word in exact if word not in _LEFT_OUT)


def acronym_key(text: str) -> str:
    return "".join(_WORDS.findall(fold(text)))


#: A table's lookup keys: acronym keys, name keys and loose name keys, each
#: to a venue's short name (None for a loose key two venues share).
Index = tuple[dict[str, str], dict[str, str], dict[str, str | None]]


class VenueTable:
    """Venues by acronym and by name key."""

    def __init__(self, venues: Iterable[KnownVenue], index: Index | None = None) -> None:
        self.by_short: dict[str, KnownVenue] = {}
        self._acronyms: dict[str, KnownVenue] = {}
        self._names: dict[str, KnownVenue] = {}
        # Loose keys two venues share ("SIAM/IEEE … Conference on Data
        # Mining") find neither: None marks them.
        self._loose: dict[str, KnownVenue | None] = {}
        for venue in venues:
            self.by_short[venue.short] = venue
        if index is not None:  # keys made before, by shorts
            by_acronym, by_name, by_loose_name = index
            self._acronyms = {key: self.by_short[short] for key, short in by_acronym.items()}
            self._names = {key: self.by_short[short] for key, short in by_name.items()}
            self._loose = {key: None if short is None else self.by_short[short] for key, short in by_loose_name.items()}
            return
        for venue in self.by_short.values():
            self._acronyms[acronym_key(venue.short)] = venue
            for text in (venue.name, *venue.aliases):
                if text is not venue.name and _looks_like_acronym(text):
                    self._acronyms.setdefault(acronym_key(text), venue)
                exact, loose = name_keys(text, journal=venue.kind == "journal")
                self._names.setdefault(exact, venue)
                if " " not in loose:
                    continue  # "J. ACM" loosely is "j": too little to go by
                if self._loose.setdefault(loose, venue) is not venue:
                    self._loose[loose] = None

    def index(self) -> Index:
        """The lookup keys, by short name: what ``__init__`` computes."""
        return (
            {key: venue.short for key, venue in self._acronyms.items()},
            {key: venue.short for key, venue in self._names.items()},
            {key: None if venue is None else venue.short for key, venue in self._loose.items()},
        )

    def by_acronym(self, acronym: str) -> KnownVenue | None:
        """The venue of an acronym; "IEEE INFOCOM" and "ACM MobiCom" are
        also found without the society's name."""
        if not acronym:
            return None
        found = self._acronyms.get(acronym_key(acronym))
        words = acronym.split()
        if found is None and len(words) == 2 and fold(words[0]) in _LEFT_OUT:
            found = self._acronyms.get(acronym_key(words[1]))
        return found

    def by_name(self, name: str, loose: bool = True) -> KnownVenue | None:
        """The venue of a full name or an abbreviated title, compared
        exactly (but for filler words), then, if ``loose``, loosely."""
        for journal in (False, True):
            key, loose_key = name_keys(name, journal)
            if not key:
                return None
            found = self._names.get(key) or (self._loose.get(loose_key) if loose else None)
            if found is not None and (found.kind == "journal") == journal:
                return found
        return None

    def extended(self, venues: Iterable[KnownVenue]) -> VenueTable:
        """This table with ``venues`` added, replacing rows of the same short."""
        return VenueTable([*self.by_short.values(), *venues])


def _looks_like_acronym(text: str) -> bool:
    return " " not in text.strip() and sum(char.isupper() for char in text) >= 2


def parse_tsv(text: str, source: str) -> list[KnownVenue]:
    """Rows of a venue TSV; a malformed row is a UsageError naming its line."""
    venues = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) != 5 or cells[1] not in KINDS or not cells[0] or not cells[2]:
            raise UsageError(f"{source}:{number}: a venue row is short, kind, name, aliases, url")
        aliases = tuple(alias.strip() for alias in cells[3].split(" | ") if alias.strip())
        url = _URL_CELL.fullmatch(cells[4].strip())
        if url is None:
            raise UsageError(f"{source}:{number}: the url is 'https://…' or '2012+ https://…{{yy}}'")
        since = int(url.group("since") or 0)
        venues.append(KnownVenue(cells[0], cells[1], cells[2], aliases, url.group("url") or "", since))
    return venues


@functools.lru_cache(maxsize=1)
def builtin_table() -> VenueTable:
    """The table shipped with bib2pubs (read once)."""
    # Read beside this module, as installs lay it out; importlib.resources
    # (slow to import) only for an install that is zipped.
    here = os.path.join(os.path.dirname(__file__), "venues.tsv")
    if not os.path.isfile(here):
        from importlib import resources  # slow to import; only a zipped install needs it

        text = resources.files("bib2pubs.venues").joinpath("venues.tsv").read_text(encoding="utf-8")
        return VenueTable(parse_tsv(text, "venues.tsv"))
    # Reading and indexing the table takes longer than the rest of a small
    # run: its rows and lookup keys are kept between runs.
    kept = kept_path("venues", (here, __file__, name_folding.__file__))
    if kept is not None:
        table = _from_kept(read_kept(kept))
        if table is not None:
            return table
    with open(here, encoding="utf-8") as file:
        table = VenueTable(parse_tsv(file.read(), "venues.tsv"))
    if kept is not None:
        rows = [(v.short, v.kind, v.name, v.aliases, v.url, v.since) for v in table.by_short.values()]
        keep(kept, (rows, table.index()))
    return table


def _from_kept(value: Any) -> VenueTable | None:
    """The table kept between runs, or None when what was read back does
    not have its shape."""
    if value is None:
        return None
    try:
        rows, (by_acronym, by_name, by_loose_name) = value
        venues = [KnownVenue(*row) for row in rows]
        shorts = {venue.short for venue in venues}
        named = {*by_acronym.values(), *by_name.values(), *by_loose_name.values()} - {None}
    except Exception:  # noqa: BLE001 - any failure to read it back is a damaged file
        return None
    if not named <= shorts:
        return None
    return VenueTable(venues, (by_acronym, by_name, by_loose_name))


def load_user_venues(path: str) -> list[KnownVenue]:
    """The venues of a user's TOML file (``--venues FILE``)."""
    if not os.path.isfile(path):
        raise UsageError(f"--venues {path}: no such file")
    document = read_toml(path, "the venue table")
    return [_user_venue(path, short, row) for short, row in document.items()]


def _user_venue(path: str, short: str, row: Any) -> KnownVenue:
    if not isinstance(row, Mapping):
        raise UsageError(f"{path}: [{short}] must be a table with name, kind, aliases, url")
    kind = row.get("kind", "conference")
    name = row.get("name", short)
    aliases = row.get("aliases", [])
    url = row.get("url", "")
    since = row.get("since", 0)
    unknown = sorted(set(row) - {"kind", "name", "aliases", "url", "since"})
    if unknown:
        raise UsageError(f"{path}: [{short}]: unknown key '{unknown[0]}' (keys: name, kind, aliases, url, since)")
    if not isinstance(kind, str) or kind not in KINDS:  # a list or a table cannot even be looked up
        raise UsageError(f"{path}: [{short}]: kind must be conference, workshop or journal, not {kind!r}")
    if not isinstance(name, str) or not isinstance(url, str):
        raise UsageError(f"{path}: [{short}]: name and url are text")
    if not isinstance(aliases, list) or not all(isinstance(alias, str) for alias in aliases):
        raise UsageError(f"{path}: [{short}]: aliases is a list of text")
    if not isinstance(since, int) or isinstance(since, bool):
        raise UsageError(f"{path}: [{short}]: since is a year")
    return KnownVenue(short, kind, name, tuple(aliases), url, since)
