"""The data passed between pipeline stages: frozen, markup-free, typed.

Nothing here knows about an output format. A highlighted author is
``Person(highlight="self")``; each template decides what that looks like.
Absent text is the empty string, so templates can test it without None checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import MISSING, Field, dataclass, field, fields
from types import FunctionType
from typing import Any, Final, Literal

Level = Literal["error", "warning"]


class _Factory:
    """The default of a field made by its ``default_factory``, as
    dataclasses shows it in a signature."""

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY: Final = _Factory()


def positional_fields(cls: type) -> tuple[Field[Any], ...] | None:
    """The fields of a frozen dataclass whose ``__init__`` takes each of
    them by position and nothing else (no InitVar), and that nothing
    changes or refuses after (no ``__post_init__``): what makes an
    instance again from its fields alone (``set_through_slots``,
    ``parallel.dumps``). None for any other class."""
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen or hasattr(cls, "__post_init__"):
        return None
    every = fields(cls)
    if len(every) != len(cls.__dataclass_fields__):  # type: ignore[attr-defined]  # an InitVar or ClassVar
        return None
    return None if any(not each.init or each.kw_only is True for each in every) else every


def set_through_slots(cls: type) -> None:
    """Gives a frozen dataclass whose fields are held in slots (or, compiled
    by mypyc, in the native object) an ``__init__`` that sets each field
    through its descriptor, where the dataclass's own calls
    ``object.__setattr__`` (its ``__setattr__`` refuses): the same
    parameters and defaults, in 60% of the time. For the classes made for
    each entry, name or venue read: a Publication took 2.7 µs to make, a
    tenth of normalizing its entry. Written as dataclasses writes its
    methods, from the class's own field names; a test holds the two alike
    (tests/test_set_through_slots.py)."""
    every = positional_fields(cls)
    if every is None:
        raise TypeError(f"{cls.__name__}: not a frozen dataclass made by its fields alone, each by position")
    # A subclass (whose fields may be properties) is made as dataclasses makes it.
    names: dict[str, object] = {"_FACTORY": _FACTORY, "_cls": cls, "_dataclass_init": vars(cls)["__init__"]}
    parameters, made, body = [], [], []
    for each in every:
        name = each.name
        if name == "self" or name.startswith("_"):
            raise TypeError(f"{cls.__name__}.{name}: a name the made __init__ keeps for itself")
        setter = getattr(type(cls.__dict__.get(name)), "__set__", None)
        if setter is None:  # a field kept in the instance's __dict__, or a default in the class
            raise TypeError(f"{cls.__name__}.{name}: not held in a slot")
        names[f"_set_{name}"] = cls.__dict__[name].__set__
        if each.default is not MISSING:
            names[f"_default_{name}"] = each.default
            parameters.append(f"{name}=_default_{name}")
        elif each.default_factory is not MISSING:
            names[f"_factory_{name}"] = each.default_factory
            parameters.append(f"{name}=_FACTORY")
            made.append(f"    if {name} is _FACTORY:\n        {name} = _factory_{name}()\n")
        else:
            parameters.append(name)
        body.append(f"    _set_{name}(self, {name})")
    arguments = ", ".join(each.name for each in every)
    subclass = f"    if self.__class__ is not _cls:\n        return _dataclass_init(self, {arguments})\n"
    source = f"def __init__(self, {', '.join(parameters)}):\n{''.join(made)}{subclass}" + "\n".join(body) + "\n"
    exec(source, names)  # the class's own field names, never data
    init = names["__init__"]
    if not isinstance(init, FunctionType):
        raise TypeError(f"{cls.__name__}: no __init__ made")
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    init.__annotations__ = {**{each.name: each.type for each in every}, "return": None}
    # Set after the class is made, not by a decorator: mypyc, compiling
    # the class, must see a plain dataclass (with another decorator it
    # compiles == between two of them as "is").
    cls.__init__ = init  # type: ignore[misc]


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


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A problem found in the input, reported and then worked around."""

    file: str
    line: int | None
    key: str | None
    level: Level
    message: str

    def __str__(self) -> str:
        """``file:line: level: key: message``; a problem with the command
        line rather than a file (file "") reads ``bib2pubs: level: …``."""
        where = f"{self.file}:{self.line}" if self.line else self.file or "bib2pubs"
        entry = f"{self.key}: " if self.key else ""
        # One line, whatever a quoted value held: a report is read line by
        # line, and a control character from a file must not reach a terminal.
        return f"{where}: {self.level}: {entry}{self.message}".translate(_ONE_LINE)


set_through_slots(Diagnostic)


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


@dataclass(frozen=True, slots=True)
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


set_through_slots(Person)


@dataclass(frozen=True, slots=True)
class Venue:
    """Where a work appeared, as the page shows it."""

    name: str = ""
    short: str = ""
    label: str = ""
    url: str = ""
    location: str = ""
    dates: str = ""


set_through_slots(Venue)


# Without slots: a large file's publications cross between processes by
# pickle, and a slots dataclass pickles in Python, 2.5 times slower.
@dataclass(frozen=True)
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


# Without slots: a large file's publications cross between processes by
# pickle, and a slots dataclass pickles in Python, 2.5 times slower.
@dataclass(frozen=True)
class Identifiers:
    """The work's identifiers as text: a DOI without its resolver
    (``10.1145/…``), an arXiv id, ISBN and ISSN as written."""

    doi: str = ""
    arxiv: str = ""
    isbn: str = ""
    issn: str = ""


@dataclass(frozen=True, slots=True)
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

    @property
    def marks(self) -> frozenset[str]:
        """Every mark carried by some author, for footnote lines."""
        return frozenset(m for person in self.authors for m in person.marks)


set_through_slots(Publication)


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
