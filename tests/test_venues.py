"""Kinds and venues from the entry's own fields, without the venue table:
the fixture table in tests/fixtures/venues.tsv, one entry per line."""

from __future__ import annotations

import pytest

from bib2pubs.model import Venue
from bib2pubs.read.bibtex import parse_text
from bib2pubs.read.dates import parse_year
from bib2pubs.venues.classify import classify, extract_venue
from tests.conftest import table_rows

COLUMNS = ("kind", "name", "short", "label", "url", "location", "dates")


def _rows() -> list[tuple[int, str, list[str]]]:
    rows = []
    for number, (bibtex, *expected) in table_rows("venues.tsv"):
        rows.append((number, bibtex, expected + [""] * (len(COLUMNS) - len(expected))))
    return rows


@pytest.mark.parametrize(
    ("line", "bibtex", "expected"), _rows(), ids=lambda value: f"line{value}" if isinstance(value, int) else ""
)
def test_venue_table(line: int, bibtex: str, expected: list[str]) -> None:
    result = parse_text(bibtex, "venues.tsv")
    assert result.diagnostics == (), f"venues.tsv:{line}: {result.diagnostics}"
    (entry,) = result.entries
    kind = classify(entry.type, entry.fields)
    venue, kind = extract_venue(kind, entry.type, entry.fields, parse_year(entry.get("year")))
    assert (kind, *(getattr(venue, column) for column in COLUMNS[1:])) == tuple(expected), f"venues.tsv:{line}"


def test_venue_model_fields_match_the_table_columns() -> None:
    assert tuple(Venue.__dataclass_fields__) == COLUMNS[1:]


def test_year_is_read_after_decoding() -> None:
    from bib2pubs.normalize import normalize_entry

    (entry,) = parse_text("@book{k, title = {T}, year = {{\\noopsort{1973c}}1981}}").entries
    assert normalize_entry(entry, ())[0].year == 1981


@pytest.mark.parametrize(
    ("eventdate", "shown"),
    [
        ("2023-05-10/2023-05-01", "2023-05-10/2023-05-01"),  # runs backwards: as written
        ("2024-02-30", "2024-02-30"),  # no such day: as written
        ("2024-02-28/2024-03-01", "February 28–March 1, 2024"),
    ],
)
def test_event_dates_that_are_not_real_stay_as_written(eventdate: str, shown: str) -> None:
    (entry,) = parse_text(f"@inproceedings{{k, booktitle = {{B}}, eventdate = {{{eventdate}}}, year = 2024}}").entries
    assert extract_venue("conference", entry.type, entry.fields, 2024)[0].dates == shown


@pytest.mark.parametrize(
    ("fields", "venue", "note"),
    [
        ("journal = {to appear in Brain Structure and Function}", "Brain Structure and Function", "To appear"),
        ("journal = {In press, Nature}, note = {In Chinese}", "Nature", "In press; In Chinese"),
        (
            "journal = {Accepted for publication in ApJ}, note = {accepted for publication}",
            "The Astrophysical Journal",
            "accepted for publication",
        ),
        ("journal = {Nature (in press)}", "Nature", "In press"),
        ("journal = {Submitted to Physical Review D}", "Physical Review D", "Submitted"),
        ("journal = {In press}", "", "In press"),
        ("journal = {\\textup{Manuscript under review}}", "", "Under review"),
        ("journal = {Journal of Accepted Things}", "Journal of Accepted Things", ""),
    ],
)
def test_status_in_the_venue_becomes_the_note(fields: str, venue: str, note: str) -> None:
    from bib2pubs.normalize import normalize_entry

    (entry,) = parse_text(f"@article{{k, title = {{T}}, {fields}, year = 2020}}").entries
    publication = normalize_entry(entry, ())[0]
    assert (publication.venue.name, publication.note) == (venue, note)


@pytest.mark.parametrize(
    ("fields", "selected"),
    [
        ("keywords = {selected}", True),
        ("keywords = {ml, Selected; vision}", True),
        ("selected = {true}", True),
        ("keywords = {selected-works, unselected}", False),
        ("keywords = {ml}", False),
    ],
)
def test_selected_keyword_marks_the_entry_selected(fields: str, selected: bool) -> None:
    from bib2pubs.normalize import normalize_entry

    (entry,) = parse_text(f"@article{{k, title = {{T}}, journal = {{J}}, {fields}}}").entries
    assert normalize_entry(entry, ())[0].selected is selected


def test_the_label_names_the_event_year_a_springer_booktitle_dates() -> None:
    # Google Scholar's LNCS booktitle: the 2017 event, in a volume of 2018.
    booktitle = (
        "Inductive Logic Programming: 27th International Conference, ILP 2017, Orl{\\'e}ans, France,"
        " September 4-6, 2017, Revised Selected Papers 27"
    )
    (entry,) = parse_text(f"@inproceedings{{k, booktitle = {{{booktitle}}}, year = 2018}}").entries
    venue, kind = extract_venue("conference", entry.type, entry.fields, 2018)
    assert (kind, venue.name, venue.label, venue.location) == (
        "conference",
        "Inductive Logic Programming",
        "ILP 2017",
        "Orléans, France",
    )
    # A booktitle without the event's dates keeps the entry's year.
    (plain,) = parse_text("@inproceedings{k, booktitle = {Inductive Logic Programming (ILP)}, year = 2018}").entries
    assert extract_venue("conference", plain.type, plain.fields, 2018)[0].label == "ILP 2018"


@pytest.mark.parametrize(
    ("bibtex", "kind", "name", "label"),
    [
        # Google Scholar: an @article whose booktitle is a conference's (issue 17).
        (
            "@article{k, booktitle = {Proceedings of the 2020 Conference on Empirical Methods in Natural Language"
            " Processing (EMNLP)}, year = 2020}",
            "conference",
            "Conference on Empirical Methods in Natural Language Processing",
            "EMNLP 2020",
        ),
        # ... or a journal's, as it writes PVLDB.
        ("@article{k, booktitle = {Proceedings of the VLDB Endowment}, year = 2021}", "journal", "", ""),
        # ACM's journals of conference papers: the issue names the conference.
        (
            "@article{k, journal = {Proc. ACM Program. Lang.}, number = {PLDI}, volume = {5}, year = 2021}",
            "journal",
            "",
            "PLDI 2021",
        ),
        (
            "@article{k, journal = {Proc. ACM Hum.-Comput. Interact.}, number = {CSCW2}, year = 2022}",
            "journal",
            "",
            "CSCW 2022",
        ),
        ("@article{k, journal = {J}, number = {12}, year = 2022}", "journal", "J", ""),
    ],
)
def test_what_scholar_and_acm_file_as_articles(bibtex: str, kind: str, name: str, label: str) -> None:
    (entry,) = parse_text(bibtex).entries
    venue, found = extract_venue(
        classify(entry.type, entry.fields), entry.type, entry.fields, parse_year(entry.get("year"))
    )
    assert found == kind
    assert venue.name and (not name or venue.name == name)
    assert venue.label == label
