"""What the model holds beyond title, people and venue (bib2pubs.details):
real entries from the corpus (tests/fixtures/details.bib), each with the
locators, identifiers and other details it must carry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import bib2pubs
from bib2pubs.details import keyword_list, page_range
from bib2pubs.model import Identifiers, Locators, Publication
from bib2pubs.normalize import normalize_entry
from bib2pubs.read.bibtex import RawEntry
from tests.conftest import invoke

FIXTURE = Path(__file__).parent / "fixtures" / "details.bib"

#: key → what its Publication holds; a field not named is "" (or ()).
EXPECTED: dict[str, dict[str, Any]] = {
    "einstein1956investigations": {
        # al-folio's trailing comma goes, as it does from the venue.
        "locators": Locators(publisher="Courier Corporation"),
        "preview": "brownian-motion.gif",
    },
    "PhysRev.47.777": {
        # biblatex's issue is the number; publisher from @string{aps}.
        "locators": Locators(volume="47", number="10", pages="777–780", publisher="American Physical Society"),
        "identifiers": Identifiers(doi="10.1103/PhysRev.47.777"),
        "abstract": "In a complete theory there is an element corresponding to each element of reality.",
    },
    "baez/article": {
        "locators": Locators(volume="12", pages="423–491"),
        "identifiers": Identifiers(arxiv="math/0307200v3"),
        "language": "english",
    },
    "gonzalez": {
        # biblatex's location is the publisher's city in a book.
        "locators": Locators(publisher="The University of Arizona Press", address="Tucson"),
        "identifiers": Identifiers(isbn="0-816-52066-6"),
        "language": "english",
    },
    "aristotle:poetics": {
        "locators": Locators(series="Clarendon Aristotle", publisher="Clarendon Press", address="Oxford"),
        "keywords": ("primary",),
        "language": "english",
    },
    "cotton": {
        "locators": Locators(edition="6", publisher="Wiley", address="Chichester"),
        "language": "english",
    },
    "abdollahi_2018": {
        # An article number is not a range: kept as is.
        "locators": Locators(volume="121", number="20", pages="205502", publisher="American Physical Society"),
        "identifiers": Identifiers(doi="10.1103/physrevlett.121.205502", arxiv="1807.00144"),
    },
    "begum_2010": {
        "locators": Locators(pages="255–272", chapter="13", publisher="InTech"),
        "identifiers": Identifiers(doi="10.5772/3457", isbn="978-953-7619-79-4"),
    },
    "albrecht2007a": {
        # "153 – 163", a dash with blanks around it.
        "locators": Locators(pages="153–163", publisher="Aschendorff", address="Münster"),
    },
    "Acemoglu2003Whynotpolitical": {
        # "620 - 652", a hyphen with blanks around it.
        "locators": Locators(volume="31", number="4", pages="620–652"),
        "identifiers": Identifiers(doi="10.1016/j.jce.2003.09.003", issn="0147-5967"),
        "keywords": ("Political economy",),
        "abstract": "Do societies choose inefficient policies and institutions?",
    },
    "Black2020": {
        # PsycNET's placeholder (through Mendeley) says there are no pages:
        # no output shows it as pages ("pp. No Pagination Specified–…").
        "locators": Locators(publisher="Educational Publishing Foundation"),
        "identifiers": Identifiers(doi="10.1037/ppm0000281", issn="2689-6575(ELECTRONIC),26896567(PRINT)"),
        "abstract": "The purpose of this research was to investigate",
    },
    "Thomas2015": {
        "locators": Locators(volume="50", number="2", pages="154–175"),
        "identifiers": Identifiers(issn="0034-527X"),
    },
    "LeGuillouEtAl2021": {
        "locators": Locators(volume="13", number="12", pages="e2021MS002613"),
        "identifiers": Identifiers(doi="10.1029/2021MS002613", issn="1942-2466"),
        # Split on commas, "\_" decoded.
        "keywords": ("altimetry", "data assimilation", "main_agujournal", "sea/ocean surface"),
    },
    "Dantas2019e": {
        "locators": Locators(number="2019REN1S065"),
        # Split on semicolons, blanks trimmed, accents decoded.
        "keywords": (
            "Convex optimization",
            "Machine learning",
            "Inverse problems",
            "Sparse representations",
            "Tensor algebra",
            "Optimisation convexe",
            "Apprentissage automatique",
            "Problèmes inverses",
            "Représentation parcimonieuse",
            "Algèbre tensorielle",
        ),
    },
    "icst18crashing": {
        # ACM's location beside series is the event's place (the venue
        # shows it), not the publisher's: no address.
        "locators": Locators(pages="331–342", series="ICST '18"),
        "identifiers": Identifiers(doi="10.1109/ICST.2018.00040"),
        "keywords": ("selected",),
    },
    "icra24": {
        "locators": Locators(series="ICRA '24"),
        "keywords": ("mine", "conference", "conference-accepted"),
        "note": "Accepted",
    },
    "Sutton:MSS": {
        # The note's emphasis and line break are decoded like any field.
        "note": "To appear in Learning and Computational Neuroscience, J.W. Moore and M. Gabriel, eds., MIT Press",
    },
}

_EMPTY: dict[str, Any] = {
    "locators": Locators(),
    "identifiers": Identifiers(),
    "abstract": "",
    "keywords": (),
    "award": "",
    "award_name": "",
    "preview": "",
    "language": "",
    "note": "",
}


@pytest.fixture(scope="module")
def publications() -> dict[str, Publication]:
    listing = bib2pubs.load(str(FIXTURE))
    assert listing.diagnostics == ()
    return {pub.key: pub for group in listing.groups for pub in group.entries}


def test_the_fixture_holds_every_case(publications: dict[str, Publication]) -> None:
    assert sorted(publications) == sorted(EXPECTED)


@pytest.mark.parametrize("key", list(EXPECTED))
def test_details_of_each_entry(publications: dict[str, Publication], key: str) -> None:
    publication = publications[key]
    for name, default in _EMPTY.items():
        expected = EXPECTED[key].get(name, default)
        held = getattr(publication, name)
        if name == "abstract" and expected:
            assert held.startswith(expected), key  # the start says it is decoded and whole
        else:
            assert held == expected, (key, name)


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("123–130", "123–130"),
        ("123-130", "123–130"),
        ("123 – 130", "123–130"),
        ("123—130", "123–130"),
        ("S12-S15", "S12–S15"),
        ("xi-xv", "xi–xv"),
        ("1-5, 7-9", "1–5, 7–9"),
        ("e1234", "e1234"),
        ("42", "42"),
        ("123+", "123+"),
        ("", ""),
        ("10.1145/3-4", "10.1145/3-4"),  # not pages: a DOI pasted in
    ],
)
def test_page_ranges(written: str, shown: str) -> None:
    assert page_range(written) == shown


def test_keywords_drop_empty_pieces() -> None:
    assert keyword_list(" a ;; b,, ,c; ") == ("a", "b", "c")


def test_a_comma_in_braces_stays_in_its_keyword() -> None:
    # As biblatex reads the field: braces keep a separator inside one keyword.
    assert keyword_list("{LaTeX, and} more; {a;b}, \\'{e}t\\'{e}") == ("LaTeX, and more", "a;b", "été")


def _entry(**fields: str) -> RawEntry:
    return RawEntry("misc", "k", dict(fields), "x.bib", 1, {})


def test_award_and_preview_as_al_folio_writes_them() -> None:
    # al-folio's README: award_name labels the button, award is its text.
    entry = _entry(title="T", award="Best Paper at {ICML} 2024 \\& more", award_name="Best Paper", preview="fig.png")
    publication, problems = normalize_entry(entry, ())
    assert (publication.award, publication.award_name, publication.preview) == (
        "Best Paper at ICML 2024 & more",
        "Best Paper",
        "fig.png",
    )
    assert problems == []


def test_a_preview_a_page_must_not_load_is_dropped() -> None:
    publication, problems = normalize_entry(_entry(title="T", preview="javascript:alert(1)"), ())
    assert publication.preview == ""
    assert [problem.message for problem in problems] == ["preview with a 'javascript:' target dropped"]


def test_langid_stands_for_language_and_language_wins() -> None:
    both, _ = normalize_entry(_entry(title="T", language="German", langid="ngerman"), ())
    alone, _ = normalize_entry(_entry(title="T", langid="ngerman"), ())
    assert (both.language, alone.language) == ("German", "ngerman")
    empty, _ = normalize_entry(_entry(title="T", language="", langid="ngerman"), ())
    assert empty.language == "ngerman"  # an empty field leaves the other its say


@pytest.mark.parametrize(
    ("fields", "doi", "arxiv"),
    [
        ({"doi": "DOI: 10.1/x"}, "10.1/x", ""),
        ({"doi": "https://www.doi.org/10.1/x"}, "10.1/x", ""),
        ({"arxiv": "arXiv: 2101.00001"}, "", "2101.00001"),
        ({"eprint": "arXiv:2101.00001", "archiveprefix": "arXiv"}, "", "2101.00001"),
    ],
)
def test_identifiers_lose_their_prefix_and_blank(fields: dict[str, str], doi: str, arxiv: str) -> None:
    publication, problems = normalize_entry(_entry(title="T", **fields), ())
    assert (publication.identifiers.doi, publication.identifiers.arxiv) == (doi, arxiv)
    assert problems == []


def test_an_identifier_a_browser_would_run_is_dropped() -> None:
    publication, problems = normalize_entry(_entry(title="T", doi="javascript:alert(1)", arxiv="data:x"), ())
    assert publication.identifiers == Identifiers()
    assert [problem.message for problem in problems] == [
        "doi with a 'javascript:' target dropped",
        "arxiv with a 'data:' target dropped",
    ]


def test_a_merged_preprint_leaves_what_only_it_says(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    title = "title = {Serving Large Language Models Fast on Many Small Machines}, author = {Jin, Chao}"
    bib.write_text(
        "@article{pre, " + title + ", journal = {arXiv}, year = 2021,"
        " eprint = {2101.00001}, archiveprefix = {arXiv}, abstract = {We go fast.}, keywords = {speed},"
        " preview = {fast.png}}\n"
        "@inproceedings{pub, " + title + ", booktitle = {NSDI}, year = 2022}\n",
        encoding="utf-8",
    )
    (group,) = bib2pubs.load(bib).groups
    (merged,) = group.entries
    assert merged.key == "pub"
    assert (merged.identifiers.arxiv, merged.abstract, merged.keywords, merged.preview) == (
        "2101.00001",
        "We go fast.",
        ("speed",),
        "fast.png",
    )


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "latex", "json", "csl-json", "bibtex"])
@pytest.mark.parametrize(("edition", "shown"), [("²", "² ed"), ("٣", "3rd ed"), ("2", "2nd ed")])
def test_an_edition_in_any_digits_is_written_never_an_error(fmt: str, edition: str, shown: str, write_bib: Any) -> None:
    bib = write_bib(
        f"@book{{k, title = {{T}}, author = {{A B}}, publisher = {{P}}, year = 2020, edition = {{{edition}}}}}\n"
    )
    result = invoke(str(bib), "-f", fmt)
    assert result.exit_code == 0, result.stderr
    assert "internal error" not in result.stderr
    if fmt in ("text", "markdown", "html"):
        assert shown in result.stdout.replace("\xa0", " ")  # HTML and Markdown tie "2nd" to "ed."
