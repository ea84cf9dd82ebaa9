"""What a list shows of where a work is: the locators after the venue
("vol. 13, no. 12, pp. 45–67"), a book's edition and publisher, the
entry's note; by kind, as references show them."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bib2pubs.model import Locators, Publication, Venue
from bib2pubs.rendering.text_pieces import event_acronym, locator_text, note_text, venue_text
from bib2pubs.rendering.words import words_for

_BASE = Publication(
    key="k", type="article", kind="journal", title="T", year=2020, month=None, authors=(), editors=(),
    venue=Venue(name="Nature"), links={},
)  # fmt: skip

#: (kind, venue name, locators) → the locators' text.
CASES = [
    ("journal", "Nature", Locators(volume="585", number="7825", pages="357–362"), "vol. 585, no. 7825, pp. 357–362"),
    ("journal", "Phys. Rev. Lett.", Locators(volume="121", pages="205502"), "vol. 121, p. 205502"),
    ("journal", "J", Locators(publisher="Elsevier", address="Amsterdam"), ""),  # a journal's publisher is noise
    # ACM's series is the conference's acronym; Springer's series has a volume.
    ("conference", "SIGCOMM", Locators(series="SIGCOMM '23", publisher="ACM", pages="1–14"), "pp. 1–14"),
    ("conference", "OSDI", Locators(series="OSDI '24", volume="1"), "vol. 1"),  # an acronym, with a volume too
    (
        "conference",
        "ECCV",
        Locators(series="Lecture Notes in Computer Science", volume="12345"),
        "Lecture Notes in Computer Science, vol. 12345",
    ),
    (
        "book",
        "",
        Locators(edition="2", publisher="MIT Press", address="Cambridge, MA"),
        "2nd ed., MIT Press, Cambridge, MA",
    ),
    ("book", "", Locators(edition="11", pages="350"), "11th ed."),  # a book's pages are its length
    ("book", "", Locators(edition="Second"), "Second ed."),
    ("book", "", Locators(edition="3rd edition"), "3rd edition"),
    (
        "book",
        "",
        Locators(series="Clarendon Aristotle", publisher="Clarendon Press"),
        "Clarendon Aristotle, Clarendon Press",
    ),
    (
        "chapter",
        "Nanowires",
        Locators(chapter="13", pages="255–272", publisher="InTech"),
        "ch. 13, pp. 255–272, InTech",
    ),
    ("chapter", "B", Locators(chapter="Understanding what we cannot see: a chapter's title"), ""),
    ("thesis", "PhD thesis, MIT", Locators(address="Cambridge, MA", pages="210"), "Cambridge, MA"),
    ("report", "MIT", Locators(number="TR-42"), "no. TR-42"),
    ("preprint", "arXiv", Locators(volume="abs/1234.5678"), ""),  # the server is the venue
    ("other", "Wiley", Locators(publisher="Wiley"), ""),  # the venue's name says it
]


@pytest.mark.parametrize(("kind", "venue", "locators", "expected"), CASES)
def test_locators_as_a_reference_shows_them(kind: str, venue: str, locators: Locators, expected: str) -> None:
    publication = replace(_BASE, kind=kind, venue=Venue(name=venue), locators=locators)
    assert locator_text(publication).replace("\u00a0", " ") == expected


def test_a_short_locator_is_kept_on_one_line() -> None:
    publication = replace(_BASE, locators=Locators(volume="12", pages="45–67"))
    assert locator_text(publication) == "vol.\u00a012, pp.\u00a045–67"


def test_a_book_whose_venue_is_its_publisher_says_edition_then_publisher() -> None:
    publication = replace(
        _BASE,
        kind="book",
        venue=Venue(name="Wiley"),
        locators=Locators(edition="6", publisher="Wiley", address="Chichester"),
    )
    assert venue_text(publication).replace("\u00a0", " ") == "6th ed., Wiley, Chichester, 2020"


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("de", "Bd. 5, Nr. 2, S. 10–20"),
        ("fr", "vol. 5, n° 2, p. 10–20"),
        ("zh", "第5卷, 第2期, 第10–20页"),
        ("ja", "第5巻, 第2号, 10–20頁"),
    ],
)
def test_locators_in_other_languages(locale: str, expected: str) -> None:
    publication = replace(_BASE, locators=Locators(volume="5", number="2", pages="10–20"))
    assert locator_text(publication, words_for(locale)).replace("\u00a0", " ") == expected


@pytest.mark.parametrize(
    ("edition", "expected"),
    [("1", "1st"), ("2", "2nd"), ("3", "3rd"), ("4", "4th"), ("12", "12th"), ("21", "21st"), ("113", "113th")],
)
def test_english_editions_are_ordinals(edition: str, expected: str) -> None:
    publication = replace(_BASE, kind="book", venue=Venue(), locators=Locators(edition=edition))
    assert locator_text(publication) == f"{expected}\u00a0ed."


@pytest.mark.parametrize(
    ("note", "expected"),
    [("To appear", "To appear."), ("Accepted.", "Accepted."), ("Oral!", "Oral!"), ("", ""), ("  ", "")],
)
def test_a_note_ends_as_a_sentence(note: str, expected: str) -> None:
    assert note_text(replace(_BASE, note=note)) == expected


@pytest.mark.parametrize(
    ("series", "acronym"),
    [
        ("SIGCOMM '23", True),
        ("ACM SIGCOMM '23", True),
        ("MobiSys'22", True),
        ("CHI 2020", True),
        ("ESEC/FSE 2019", True),
        ("Lecture Notes in Computer Science", False),
        ("LNCS", False),
        ("Proceedings of Machine Learning Research", False),
        ("Advances in Neural Information Processing Systems 2019", False),
        ("Clarendon Aristotle", False),
    ],
)
def test_an_event_acronym_is_told_from_a_series(series: str, acronym: bool) -> None:
    assert event_acronym(series) == acronym


def test_a_chapter_says_the_editors_of_its_book() -> None:
    from bib2pubs.model import Person

    editor = Person("Eva", "", "Fisher", "", "Eva Fisher")
    author = Person("Ana", "", "Li", "", "Ana Li")
    chapter = replace(
        _BASE,
        kind="chapter",
        venue=Venue(name="Book"),
        authors=(author,),
        editors=(editor,),
        locators=Locators(pages="1–9"),
    )
    assert venue_text(chapter).replace("\u00a0", " ") == "In Eva Fisher (ed.), Book, pp. 1–9, 2020"
    two = replace(chapter, editors=(editor, editor))
    assert venue_text(two, words_for("de")).startswith("In Eva Fisher, Eva Fisher (Hrsg.), Book")
    # An edited book lists its editors as its people, not again after "In".
    book = replace(chapter, kind="book", authors=())
    assert not venue_text(book).startswith("In ")
