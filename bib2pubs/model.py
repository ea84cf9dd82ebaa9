"""The data passed between pipeline stages: frozen, markup-free, typed.

Nothing here knows about an output format. A highlighted author is
``Person(highlight="self")``; each template decides what that looks like.
Absent text is the empty string, so templates can test it without None checks.

The classes made for each entry, name or venue read write out their
``__init__``, setting each field as the one dataclasses generates does:
compiled by mypyc, it runs as C (a Publication is made in about 60 ns),
where the generated one, made at run time, is interpreted (1.7 µs, a tenth
of normalizing an entry). tests/test_dataclass_inits.py holds each to the
one dataclasses would generate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

Level = Literal["error", "warning"]


#: What kind of work an entry is; templates and filters group on it.
KINDS: Final = (
    "conference",
    "workshop",
    "journal",
    "preprint",
    "thesis",
    "book",
    "chapter",
    "report",
    "other",
)


@dataclass(frozen=True, slots=True, init=False)
class Diagnostic:
    """A problem found in the input, reported and then worked around."""

    file: str
    line: int | None
    key: str | None
    level: Level
    message: str

    def __init__(
        self,
        file: str,
        line: int | None,
        key: str | None,
        level: Level,
        message: str,
    ) -> None:
        # Written out, to be compiled: see the module's note.
        object.__setattr__(self, "file", file)
        object.__setattr__(self, "line", line)
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "level", level)
        object.__setattr__(self, "message", message)

    def __str__(self) -> str:
        """``file:line: level: key: message``; a problem with the command
        line rather than a file (file "") reads ``bib2pubs: level: …``."""
        where = f"{self.file}:{self.line}" if self.line else self.file or "bib2pubs"
        entry = f"{self.key}: " if self.key else ""
        # One line, whatever a quoted value held: a report is read line by
        # line, and a control character from a file must not reach a terminal.
        return f"{where}: {self.level}: {entry}{self.message}".translate(_ONE_LINE)


#: Control characters, line breaks and the marks that reorder text on a
#: terminal (a key with U+202E could disguise its line), each shown as a space.
_ONE_LINE: Final = dict.fromkeys(
    [
        *range(0x20),
        *range(0x7F, 0xA0),
        0x2028,
        0x2029,
        0x061C,
        0x200E,
        0x200F,
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
    ],
    " ",
)


@dataclass(frozen=True, slots=True, init=False)
class Person:
    """One author, split by BibTeX's rules and decoded to Unicode.

    ``display`` is the name in the chosen name style; ``highlight`` the
    highlight style ("self" for the user) or None; ``written`` the name as
    the .bib has it, marks and hand-made bold taken out (for reports).
    """

    first: str
    von: str
    last: str
    jr: str
    display: str
    highlight: str | None = None
    marks: tuple[str, ...] = ()
    written: str = ""

    def __init__(
        self,
        first: str,
        von: str,
        last: str,
        jr: str,
        display: str,
        highlight: str | None = None,
        marks: tuple[str, ...] = (),
        written: str = "",
    ) -> None:
        # Written out, to be compiled: see the module's note.
        object.__setattr__(self, "first", first)
        object.__setattr__(self, "von", von)
        object.__setattr__(self, "last", last)
        object.__setattr__(self, "jr", jr)
        object.__setattr__(self, "display", display)
        object.__setattr__(self, "highlight", highlight)
        object.__setattr__(self, "marks", marks)
        object.__setattr__(self, "written", written)


@dataclass(frozen=True, slots=True, init=False)
class Venue:
    """Where a work appeared, as the page shows it."""

    name: str = ""
    short: str = ""
    label: str = ""
    url: str = ""
    location: str = ""
    dates: str = ""

    def __init__(
        self,
        name: str = "",
        short: str = "",
        label: str = "",
        url: str = "",
        location: str = "",
        dates: str = "",
    ) -> None:
        # Written out, to be compiled: see the module's note.
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "short", short)
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "url", url)
        object.__setattr__(self, "location", location)
        object.__setattr__(self, "dates", dates)


# Without slots: a large file's publications cross between processes by
# pickle, and a slots dataclass pickles in Python, 2.5 times slower.
@dataclass(frozen=True, init=False)
class Locators:
    """Where in its venue a work is found, and who published it: the
    entry's ``volume``, ``number`` (or ``issue``), ``pages`` (a range with an
    en dash), ``chapter``, ``edition``, ``series``, ``publisher`` and the
    publisher's place (``address``, or biblatex's ``location``)."""

    volume: str = ""
    number: str = ""
    pages: str = ""
    chapter: str = ""
    edition: str = ""
    series: str = ""
    publisher: str = ""
    address: str = ""

    def __init__(
        self,
        volume: str = "",
        number: str = "",
        pages: str = "",
        chapter: str = "",
        edition: str = "",
        series: str = "",
        publisher: str = "",
        address: str = "",
    ) -> None:
        # Written out, to be compiled: see the module's note.
        object.__setattr__(self, "volume", volume)
        object.__setattr__(self, "number", number)
        object.__setattr__(self, "pages", pages)
        object.__setattr__(self, "chapter", chapter)
        object.__setattr__(self, "edition", edition)
        object.__setattr__(self, "series", series)
        object.__setattr__(self, "publisher", publisher)
        object.__setattr__(self, "address", address)


# Without slots: a large file's publications cross between processes by
# pickle, and a slots dataclass pickles in Python, 2.5 times slower.
@dataclass(frozen=True, init=False)
class Identifiers:
    """The work's identifiers as text: a DOI without its resolver
    (``10.1145/…``), an arXiv id, ISBN and ISSN as written."""

    doi: str = ""
    arxiv: str = ""
    isbn: str = ""
    issn: str = ""

    def __init__(
        self,
        doi: str = "",
        arxiv: str = "",
        isbn: str = "",
        issn: str = "",
    ) -> None:
        # Written out, to be compiled: see the module's note.
        object.__setattr__(self, "doi", doi)
        object.__setattr__(self, "arxiv", arxiv)
        object.__setattr__(self, "isbn", isbn)
        object.__setattr__(self, "issn", issn)


@dataclass(frozen=True, slots=True, init=False)
class Publication:
    """One entry, normalized and ready for any template."""

    key: str
    type: str
    kind: str
    title: str
    year: int | None
    month: int | None
    authors: tuple[Person, ...]
    editors: tuple[Person, ...]
    venue: Venue
    links: Mapping[str, str]
    hidden: bool = False
    selected: bool = False
    et_al: bool = False
    note: str = ""
    file: str = ""
    line: int = 0
    #: The entry's fields as read (macros expanded, cross-references
    #: applied), for BibTeX output; None unless the run asks to keep them.
    fields: Mapping[str, str] | None = None
    locators: Locators = Locators()
    identifiers: Identifiers = Identifiers()
    abstract: str = ""
    #: The entry's ``keywords``, split on commas and semicolons.
    keywords: tuple[str, ...] = ()
    #: al-folio's ``award`` (what the award was) and ``award_name`` (its
    #: button's label), and ``preview``, the file name of an image.
    award: str = ""
    award_name: str = ""
    preview: str = ""
    #: ``language``, or biblatex's ``langid``, as written ("english").
    language: str = ""
    #: The title as LaTeX source with its formulas kept as ``$…$``
    #: (``latex.math``), for LaTeX output; "" when it keeps none, as for
    #: most titles: then the title, escaped, is the same.
    title_math: str = ""

    def __init__(
        self,
        key: str,
        type: str,
        kind: str,
        title: str,
        year: int | None,
        month: int | None,
        authors: tuple[Person, ...],
        editors: tuple[Person, ...],
        venue: Venue,
        links: Mapping[str, str],
        hidden: bool = False,
        selected: bool = False,
        et_al: bool = False,
        note: str = "",
        file: str = "",
        line: int = 0,
        fields: Mapping[str, str] | None = None,
        locators: Locators = Locators(),
        identifiers: Identifiers = Identifiers(),
        abstract: str = "",
        keywords: tuple[str, ...] = (),
        award: str = "",
        award_name: str = "",
        preview: str = "",
        language: str = "",
        title_math: str = "",
    ) -> None:
        # Written out, to be compiled: see the module's note.
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "type", type)
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "title", title)
        object.__setattr__(self, "year", year)
        object.__setattr__(self, "month", month)
        object.__setattr__(self, "authors", authors)
        object.__setattr__(self, "editors", editors)
        object.__setattr__(self, "venue", venue)
        object.__setattr__(self, "links", links)
        object.__setattr__(self, "hidden", hidden)
        object.__setattr__(self, "selected", selected)
        object.__setattr__(self, "et_al", et_al)
        object.__setattr__(self, "note", note)
        object.__setattr__(self, "file", file)
        object.__setattr__(self, "line", line)
        object.__setattr__(self, "fields", fields)
        object.__setattr__(self, "locators", locators)
        object.__setattr__(self, "identifiers", identifiers)
        object.__setattr__(self, "abstract", abstract)
        object.__setattr__(self, "keywords", keywords)
        object.__setattr__(self, "award", award)
        object.__setattr__(self, "award_name", award_name)
        object.__setattr__(self, "preview", preview)
        object.__setattr__(self, "language", language)
        object.__setattr__(self, "title_math", title_math)

    @property
    def marks(self) -> frozenset[str]:
        """Every mark carried by some author, for footnote lines."""
        return frozenset(m for person in self.authors for m in person.marks)


@dataclass(frozen=True, slots=True)
class Group:
    """A titled run of publications, e.g. one year. ``word`` is the key of
    the fixed word the title is (``rendering.words``: "undated",
    "group-journal"…), so that it can be said in the reader's language;
    "" for a year or a title the user gave."""

    title: str
    entries: tuple[Publication, ...]
    word: str = ""


@dataclass(frozen=True, slots=True)
class Highlight:
    """A person the run highlighted, as it read them: the name as given, its
    style ("self" for the user), the other names the person published under,
    and whether the name was read family name first (it found nobody as
    typed). Plain data, so that the listing says what was matched without
    this layer knowing how names are matched (``names.highlight`` makes the
    matching patterns from it again)."""

    name: str
    style: str = "self"
    aliases: tuple[str, ...] = ()
    family_first: bool = False


@dataclass(frozen=True, slots=True)
class Listing:
    """The whole result of a run: the groups to render, what went wrong,
    how many entries were read and whom the run highlighted."""

    groups: tuple[Group, ...]
    diagnostics: tuple[Diagnostic, ...] = field(default=())
    entries_read: int = 0
    highlights: tuple[Highlight, ...] = ()
