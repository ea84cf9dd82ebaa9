"""CSL-JSON output (``-f csl-json``, ``bib2pubs/rendering/csl_json.py``):
valid against the official CSL-JSON schema (tests/fixtures/csl-data.json, see
PROVENANCE.md) on every golden input and corpus file; exact items for a
table of BibTeX snippets; every variable pandoc's own BibTeX reader finds;
read by ``pandoc --citeproc`` without a warning; and no .bib data becoming
markup (or another variable) in what pandoc makes of it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from bib2pubs import load
from bib2pubs.errors import NothingReadError
from bib2pubs.model import Listing, Publication
from bib2pubs.rendering.csl_json import csl_item, csl_items, preprint_server, to_csl_json
from bib2pubs.rendering.formats import FORMATS, format_of
from bib2pubs.rendering.text_pieces import event_acronym
from bib2pubs.rendering.words import words_for
from tests.conftest import CORPUS, FIXTURES, GOLDEN, ROOT, invoke

SCHEMA = json.loads((FIXTURES / "csl-data.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft7Validator(SCHEMA)

#: The golden cases' inputs (tests/golden.py).
GOLDEN_INPUTS = ["refs.bib", "tests/fixtures/details.bib", "tests/corpus/homepages/laura-leal-taixe/mypubs.bib"]
CORPUS_FILES = sorted(CORPUS.rglob("*.bib"))

PANDOC = shutil.which("pandoc")
needs_pandoc = pytest.mark.skipif(
    PANDOC is None, reason="pandoc is not installed (tests/setup-system.sh installs it with apt-get as root)"
)

#: A document that lists every entry of its bibliography.
NOCITE = '---\nnocite: "@*"\n---\n'

#: A CSL style that prints each variable the data could abuse, unchanged
#: in case, one group per entry.
SHOW_ALL = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Every variable</title><id>every-variable</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation><layout><text variable="title"/></layout></citation>
  <bibliography><layout>
    <group delimiter=" | ">
      <names variable="author"/><text variable="title"/><text variable="container-title"/>
      <text variable="publisher"/><text variable="note"/><text variable="URL"/><text variable="DOI"/>
    </group>
  </layout></bibliography>
</style>
"""


def _errors(items: Any) -> list[str]:
    return [f"{list(error.absolute_path)}: {error.message}" for error in VALIDATOR.iter_errors(items)]


def _pandoc(*arguments: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    assert PANDOC is not None
    return subprocess.run([PANDOC, *arguments], capture_output=True, text=True, cwd=cwd, check=False, timeout=120)


# --- (a) the official schema -------------------------------------------------


def test_the_schema_is_a_valid_schema() -> None:
    jsonschema.Draft7Validator.check_schema(SCHEMA)
    # It closes items and names: a misspelt variable fails, not passes.
    assert SCHEMA["items"]["additionalProperties"] is False


def test_a_variable_the_schema_does_not_know_fails() -> None:
    assert _errors([{"id": "x", "type": "book", "containertitle": "J"}])
    assert _errors([{"id": "x", "type": "misc"}])  # BibTeX's type, not CSL's


@pytest.mark.parametrize("path", GOLDEN_INPUTS)
def test_each_golden_input_validates(path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = invoke(path, "-f", "csl-json")
    assert result.exit_code in (0, 1), result.stderr  # 1: problems were found, and listed
    items = json.loads(result.stdout)
    assert items
    assert _errors(items) == []


@pytest.mark.parametrize("path", sorted(GOLDEN.glob("*.csl.json")), ids=lambda path: path.name)
def test_the_golden_csl_json_files_validate(path: Path) -> None:
    assert _errors(json.loads(path.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda path: str(path.relative_to(CORPUS)))
def test_each_corpus_file_validates_one_name_per_person(path: Path) -> None:
    try:
        listing = load(path)
    except NothingReadError:
        pytest.skip("no entry in this file")
    written = to_csl_json(listing)
    # Written the fast way, exactly as json.dumps indents it.
    assert written == json.dumps(csl_items(listing), ensure_ascii=False, indent=2) + "\n"
    items = json.loads(written)
    assert _errors(items) == []
    publications: dict[str, Publication] = {}
    for pub in (pub for group in listing.groups for pub in group.entries if not pub.hidden):
        publications.setdefault(pub.key, pub)
    assert len({item["id"] for item in items}) == len(items)
    for item in items:
        pub = publications[item["id"]]
        # A caller changes a name by its index: one name per person, in order.
        for variable, people in (("author", pub.authors), ("editor", pub.editors)):
            names = item.get(variable, [])
            assert len(names) == len(people), (pub.key, variable)
            for name, person in zip(names, people, strict=True):
                assert name.get("family", name.get("literal")) in (person.last, person.display, person.written)


# --- (b) a table of BibTeX snippets and the exact item each becomes ----------

_LEE = [{"family": "Lee", "given": "Ann"}]

ITEMS = [
    pytest.param(
        r"""@article{a, author={Jane Doe and John Smith}, title={A Study of Things}, journal={Journal of Things},
        volume={12}, number={3}, pages={45--67}, year={2020}, month={mar}, doi={https://doi.org/10.1234/things.5},
        issn={1234-5678}, url={https://example.org/a}}""",
        {
            "id": "a",
            "type": "article-journal",
            "author": [{"family": "Doe", "given": "Jane"}, {"family": "Smith", "given": "John"}],
            "issued": {"date-parts": [[2020, 3]]},
            "title": "A Study of Things",
            "container-title": "Journal of Things",
            "volume": "12",
            "issue": "3",
            "page": "45–67",
            "DOI": "10.1234/things.5",
            "ISSN": "1234-5678",
            "URL": "https://example.org/a",
        },
        id="article: issue, en dash, DOI without its resolver, month",
    ),
    pytest.param(
        r"""@inproceedings{c, author={Ann Lee}, title={Fast Widgets},
        booktitle={Proceedings of the 12th Workshop on Widgets}, series={WW '19}, editor={Bo Chen},
        publisher={ACM}, address={New York, NY, USA}, venue={Vienna, Austria}, number={3}, pages={1--10},
        year={2019}}""",
        {
            "id": "c",
            "type": "paper-conference",
            "author": _LEE,
            "editor": [{"family": "Chen", "given": "Bo"}],
            "issued": {"date-parts": [[2019]]},
            "title": "Fast Widgets",
            "container-title": "Workshop on Widgets",
            "publisher": "ACM",
            "publisher-place": "New York, NY, USA",
            "event-place": "Vienna, Austria",
            "collection-number": "3",
            "page": "1–10",
        },
        id="conference: normalized venue, ACM's series acronym left out, its number kept, event place",
    ),
    pytest.param(
        r"""@inproceedings{lncs, author={Ann Lee}, title={Typed Widgets},
        booktitle={Proceedings of the Symposium on Typed Widgets}, series={Lecture Notes in Computer Science},
        volume={12345}, publisher={Springer}, pages={1--20},
        year={2020}}""",
        {
            "id": "lncs",
            "type": "paper-conference",
            "author": _LEE,
            "issued": {"date-parts": [[2020]]},
            "title": "Typed Widgets",
            "container-title": "Symposium on Typed Widgets",
            "collection-title": "Lecture Notes in Computer Science",
            "publisher": "Springer",
            "volume": "12345",
            "page": "1–20",
        },
        id="conference: a series of volumes is kept",
    ),
    pytest.param(
        r"""@incollection{ch, author={Ann Lee}, title={A Chapter}, booktitle={The Big Book},
        editor={Bo Chen and Cy Dee}, publisher={Springer}, address={Cham}, chapter={4}, edition={2},
        pages={55--80}, isbn={978-3-16-148410-0}, year={2018}}""",
        {
            "id": "ch",
            "type": "chapter",
            "author": _LEE,
            "editor": [{"family": "Chen", "given": "Bo"}, {"family": "Dee", "given": "Cy"}],
            "issued": {"date-parts": [[2018]]},
            "title": "A Chapter",
            "container-title": "The Big Book",
            "publisher": "Springer",
            "publisher-place": "Cham",
            "page": "55–80",
            "chapter-number": "4",
            "edition": "2",
            "ISBN": "978-3-16-148410-0",
        },
        id="chapter",
    ),
    pytest.param(
        r"""@phdthesis{t, author={Ann Lee}, title={On Widgets}, school={ETH Z{\"u}rich}, address={Z{\"u}rich},
        year={2017}, month={nov}}""",
        {
            "id": "t",
            "type": "thesis",
            "author": _LEE,
            "issued": {"date-parts": [[2017, 11]]},
            "title": "On Widgets",
            "publisher": "ETH Zürich",
            "publisher-place": "Zürich",
            "genre": "PhD thesis",
        },
        id="PhD thesis: school as publisher, degree as genre",
    ),
    pytest.param(
        r"""@mastersthesis{m, author={Ann Lee}, title={Widgets}, school={MIT}, type={Diploma thesis}, year={2010}}""",
        {
            "id": "m",
            "type": "thesis",
            "author": _LEE,
            "issued": {"date-parts": [[2010]]},
            "title": "Widgets",
            "publisher": "MIT",
            "genre": "Diploma thesis",
        },
        id="thesis: the degree as written",
    ),
    pytest.param(
        r"""@techreport{r, author={Ann Lee}, title={Widget Report}, institution={Widget Institute}, number={TR-7},
        address={Boston}, year={2001}}""",
        {
            "id": "r",
            "type": "report",
            "author": _LEE,
            "issued": {"date-parts": [[2001]]},
            "title": "Widget Report",
            "publisher": "Widget Institute",
            "publisher-place": "Boston",
            "number": "TR-7",
        },
        id="report: institution as publisher, its own number",
    ),
    pytest.param(
        r"""@misc{p, author={Ann Lee}, title={Preprinted Widgets}, eprint={2101.00001}, archivePrefix={arXiv},
        primaryClass={cs.LG}, year={2021}}""",
        {
            "id": "p",
            "type": "article",
            "author": _LEE,
            "issued": {"date-parts": [[2021]]},
            "title": "Preprinted Widgets",
            "publisher": "arXiv",
            "number": "arXiv:2101.00001",
            "URL": "https://arxiv.org/abs/2101.00001",
        },
        id="arXiv @misc: a preprint, its server as publisher, its id as number, its page as URL",
    ),
    pytest.param(
        r"""@article{pa, author={Ann Lee}, title={Widgets Preprinted}, journal={arXiv preprint arXiv:2102.00002},
        year={2021}}""",
        {
            "id": "pa",
            "type": "article",
            "author": _LEE,
            "issued": {"date-parts": [[2021]]},
            "title": "Widgets Preprinted",
            "publisher": "arXiv",
            "number": "arXiv:2102.00002",
        },
        id="arXiv @article: a preprint, not a journal article",
    ),
    pytest.param(
        r"""@misc{z, author={Ann Lee}, title={Zotero's Widgets}, publisher={arXiv}, number={arXiv:2103.00003},
        doi={10.48550/arXiv.2103.00003}, year={2021}}""",
        {
            "id": "z",
            "type": "article",
            "author": _LEE,
            "issued": {"date-parts": [[2021]]},
            "title": "Zotero's Widgets",
            "publisher": "arXiv",
            "number": "arXiv:2103.00003",
            "DOI": "10.48550/arXiv.2103.00003",
        },
        id="a preprint as Zotero exports it: its server named once",
    ),
    pytest.param(
        r"""@article{bx, author={Ann Lee}, title={Living Widgets}, journal={bioRxiv preprint}, year={2023}}""",
        {
            "id": "bx",
            "type": "article",
            "author": _LEE,
            "issued": {"date-parts": [[2023]]},
            "title": "Living Widgets",
            "publisher": "bioRxiv",
        },
        id="bioRxiv: the server, without the word preprint",
    ),
    pytest.param(
        r"""@misc{pp, author={Ann Lee}, title={Widgets Soon}, howpublished={Preprint}, year={2025}}""",
        {
            "id": "pp",
            "type": "article",
            "author": _LEE,
            "issued": {"date-parts": [[2025]]},
            "title": "Widgets Soon",
        },
        id="a preprint that names no server: no publisher, no container",
    ),
    pytest.param(
        r"""@unpublished{u, author={Ann Lee}, title={Widgets in Press}, note={To appear}, year={2022}}""",
        {
            "id": "u",
            "type": "manuscript",
            "author": _LEE,
            "issued": {"date-parts": [[2022]]},
            "title": "Widgets in Press",
            "note": "To appear",
        },
        id="unpublished: a manuscript with its note",
    ),
    pytest.param(
        r"""@book{b, editor={Bo Chen}, title={Widget Handbook}, publisher={Wiley}, address={Hoboken},
        series={Widget Series}, volume={2}, number={7}, edition={3}, isbn={0-000-00000-0}, year={2015},
        language={ngerman}, keywords={widgets; handbooks}, abstract={All about widgets.}}""",
        {
            "id": "b",
            "type": "book",
            "editor": [{"family": "Chen", "given": "Bo"}],
            "issued": {"date-parts": [[2015]]},
            "title": "Widget Handbook",
            "collection-title": "Widget Series",
            "publisher": "Wiley",
            "publisher-place": "Hoboken",
            "volume": "2",
            "collection-number": "7",
            "edition": "3",
            "abstract": "All about widgets.",
            "keyword": "widgets, handbooks",
            "language": "de",
            "ISBN": "0-000-00000-0",
        },
        id="edited book: series number, keywords, babel language as a tag",
    ),
    pytest.param(
        r"""@book{n, author={Ludwig van Beethoven and King, Jr., Martin Luther and {Barnes and Noble} and
        Aristotle and Jo{\~a}o Brand{\~a}o and Le~Goues, Claire}, title={Names}, publisher={P}, year={2000}}""",
        {
            "id": "n",
            "type": "book",
            "author": [
                {"family": "Beethoven", "given": "Ludwig", "dropping-particle": "van"},
                {"family": "King", "given": "Martin Luther", "suffix": "Jr."},
                {"literal": "Barnes and Noble"},
                {"family": "Aristotle"},
                {"family": "Brandão", "given": "João"},
                {"family": "Le Goues", "given": "Claire"},
            ],
            "issued": {"date-parts": [[2000]]},
            "title": "Names",
            "publisher": "P",
        },
        id="names: von as dropping particle, suffix, braced corporate name as literal",
    ),
    pytest.param(
        r"""@article{o, author={Ann Lee and others}, title={Many Hands}, journal={J}, year={2000}}""",
        {
            "id": "o",
            "type": "article-journal",
            "author": _LEE,
            "issued": {"date-parts": [[2000]]},
            "title": "Many Hands",
            "container-title": "J",
        },
        id="and others: no name added, one per person",
    ),
    pytest.param(
        r"""@misc{x, author={Ann Lee}, title={A Poster}, howpublished={Widget Fair}, year={2003},
        language={klingon}}""",
        {
            "id": "x",
            "type": "document",
            "author": _LEE,
            "issued": {"date-parts": [[2003]]},
            "title": "A Poster",
            "publisher": "Widget Fair",
            "language": "klingon",
        },
        id="misc: a document, howpublished as publisher, an unknown language as written",
    ),
    pytest.param(
        r"""@online{w, author={Ann Lee}, title={A Page}, url={https://example.org/page}}""",
        {"id": "w", "type": "webpage", "author": _LEE, "title": "A Page", "URL": "https://example.org/page"},
        id="online: a webpage, no date",
    ),
    pytest.param(
        r"""@misc{nf, author={Ann Lee}, title={Notes}, note={URL: https://evil.example}, year={2003}}""",
        {
            "id": "nf",
            "type": "document",
            "author": _LEE,
            "issued": {"date-parts": [[2003]]},
            "title": "Notes",
            "note": " URL: https://evil.example",
        },
        id="a note that would set a variable starts with a blank",
    ),
    pytest.param(
        r"""@misc{mk, author={Ann Lee}, title={<i>Italic</i> & <span class="nocase">x</span> * 2 < 3 > 1},
        url={https://example.org/<i>a</i>}, note={<b>kept</b>}, year={2003}}""",
        {
            "id": "mk",
            "type": "document",
            "author": _LEE,
            "issued": {"date-parts": [[2003]]},
            "title": '<span class="nocase"><</span>i>Italic</i> & '
            '<span class="nocase"><</span>span class="nocase">x</span> * 2 < 3 > 1',
            "URL": "https://example.org/%3Ci>a</i>",
            "note": "<b>kept</b>",
        },
        id="a tag in the data opens none: a literal < in rich text, %3C in a URL, the note is plain text",
    ),
]


@pytest.mark.parametrize(("bibtex", "expected"), ITEMS)
def test_item(bibtex: str, expected: dict[str, object], tmp_path: Path) -> None:
    path = tmp_path / "one.bib"
    path.write_text(bibtex + "\n", encoding="utf-8")
    (pub,) = [pub for group in load(path).groups for pub in group.entries]
    item = csl_item(pub)
    assert item == expected
    assert _errors([item]) == []


@pytest.mark.parametrize(
    ("venue", "server"),
    [
        ("arXiv preprint", "arXiv"),
        ("ArXiv e-prints", "arXiv"),  # ADS's name for arXiv
        ("CoRR", "arXiv"),
        ("arXiv preprint arXiv", "arXiv"),
        ("bioRxiv preprint", "bioRxiv"),
        ("Research Square", "Research Square"),
        ("OSF Preprints", "OSF Preprints"),  # the server's own name
        ("Preprints.org", "Preprints.org"),
        ("Preprint", ""),
        ("Pre-print", ""),
        ("preprints", ""),
        ("", ""),
    ],
)
def test_a_preprint_server_as_publisher(venue: str, server: str) -> None:
    assert preprint_server(venue) == server


def test_listing_order_each_key_once_hidden_left_out(tmp_path: Path) -> None:
    path = tmp_path / "some.bib"
    path.write_text(
        "@article{new, title={New}, author={Ann Lee}, journal={J}, year=2024}\n"
        "@article{gone, title={Gone}, author={Ann Lee}, journal={J}, year=2023, hidden={true}}\n"
        "@article{old, title={Old}, author={Ann Lee}, journal={J}, year=2020}\n",
        encoding="utf-8",
    )
    listing = load(path)
    assert [pub.key for group in listing.groups for pub in group.entries] == ["new", "gone", "old"]
    twice = Listing((*listing.groups, *listing.groups))  # an entry in two groups is one item
    text = to_csl_json(twice)
    assert [item["id"] for item in json.loads(text)] == ["new", "old"]
    assert text.endswith("]\n")
    assert json.loads(text) == csl_items(listing)


THESES = r"""@thesis{t1, author={Ann Lee}, title={T}, school={Uni Bonn, Germany}, type={phdthesis}, year=2000}
@phdthesis{t2, author={Ann Lee}, title={T}, school={University of California, Berkeley}, year=2000}
@thesis{t3, author={Ann Lee}, title={T}, school={University of California, Berkeley}, year=2000}
"""


@pytest.mark.parametrize("locale", ["en", "de", "fr", "zh"])
def test_a_thesis_degree_in_the_locale_and_the_whole_school(
    locale: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "theses.bib").write_text(THESES, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = invoke("theses.bib", "--locale", locale, "-f", "csl-json")
    assert result.exit_code == 0, result.stderr
    degree = words_for(locale, {})["phd-thesis"]
    shown = [(item["id"], item.get("genre"), item["publisher"]) for item in json.loads(result.stdout)]
    assert shown == [
        ("t1", degree, "Uni Bonn, Germany"),
        ("t2", degree, "University of California, Berkeley"),
        ("t3", None, "University of California, Berkeley"),  # no degree: the school has the comma
    ]


# --- (c) every variable pandoc's BibTeX reader finds -------------------------

#: What pandoc writes from details.bib that bib2pubs does not, and why.
NOT_WRITTEN = {
    "annote": "biblatex's annotation, a note to the file's owner, is not in the model",
    "other-ids": "the ids field (an entry's other keys) is not in the model; CSL has no such variable either",
    "accessed": "urldate, when a web page was read, is not in the model",
    "version": "biblatex's version is not in the model",
    "title-short": "pandoc cuts the title at its colon (or takes shorttitle); styles that want it cut it themselves",
}
#: Single values pandoc writes and the model, knowing better, has not.
NOT_WRITTEN_HERE = {
    ("Black2020", "page"): "PsycNET's 'No Pagination Specified' says there are no pages; pandoc writes it as a range",
    # ACM's series = {ICRA '24} names the event the container names already;
    # pandoc writes it as collection-title ("in ICRA '24"), the lists leave
    # it out (text_pieces.event_acronym), and so does the CSL-JSON.
    ("icra24", "collection-title"): "a paper's series that is its event's acronym and year (ICRA '24)",
    ("icst18crashing", "collection-title"): "a paper's series that is its event's acronym and year (ICST '18)",
}


@needs_pandoc
def test_every_variable_pandoc_finds_in_details_bib(capsys: pytest.CaptureFixture[str]) -> None:
    path = FIXTURES / "details.bib"
    result = _pandoc("-f", "bibtex", "-t", "csljson", str(path))
    assert result.returncode == 0, result.stderr
    theirs = {item["id"]: item for item in json.loads(result.stdout)}
    ours = {item["id"]: item for item in csl_items(load(path))}
    assert set(ours) == set(theirs)
    found = [(key, variable) for key, item in theirs.items() for variable in item if variable in ours[key]]
    missing = [(key, variable) for key, item in theirs.items() for variable in item if variable not in ours[key]]
    with capsys.disabled():
        print(f"\ndetails.bib: {len(found)} of {len(found) + len(missing)} variables pandoc writes are written")
    unexplained = [pair for pair in missing if pair[1] not in NOT_WRITTEN and pair not in NOT_WRITTEN_HERE]
    assert unexplained == []
    # Each exception still holds: pandoc writes the value, and a series
    # left out is an acronym on a paper, as csl_json decides.
    assert {pair for pair in NOT_WRITTEN_HERE if pair[0] in theirs and pair[1] in theirs[pair[0]]} == set(
        NOT_WRITTEN_HERE
    )
    for key, variable in NOT_WRITTEN_HERE:
        assert variable not in ours[key], (key, variable)
        if variable == "collection-title":
            assert ours[key]["type"] == "paper-conference" and event_acronym(theirs[key][variable]), key
    for key, item in theirs.items():
        assert ours[key]["type"] == item["type"], key
        for variable in ("author", "editor"):
            # Pandoc keeps a tie (Le~Goues) as a no-break space; the model's
            # names have a plain one.
            assert json.loads(json.dumps(item.get(variable)).replace("\\u00a0", " ")) == ours[key].get(variable), key


# --- (d) pandoc --citeproc reads the output ----------------------------------

#: Curly quotes and the narrow spaces citeproc puts in, as written.
_TYPOGRAPHY = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "\u00a0": " ", "\u202f": " "})


@needs_pandoc
@pytest.mark.parametrize("path", GOLDEN_INPUTS)
def test_pandoc_citeproc_reads_it_without_a_warning(path: str, tmp_path: Path) -> None:
    items = csl_items(load(ROOT / path))
    bibliography = tmp_path / "refs.csl.json"
    bibliography.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    document = tmp_path / "doc.md"
    document.write_text(NOCITE, encoding="utf-8")
    # Pandoc's own style (Chicago author-date): every entry, no warning.
    result = _pandoc(str(document), "--citeproc", "--bibliography", str(bibliography), "-t", "plain")
    assert (result.returncode, result.stderr) == (0, "")
    # A style that prints titles as they are: every title is there.
    style = tmp_path / "titles.csl"
    style.write_text(SHOW_ALL, encoding="utf-8")
    arguments = ("--citeproc", "--csl", str(style), "--bibliography", str(bibliography), "-t", "plain", "--wrap=none")
    result = _pandoc(str(document), *arguments)
    assert (result.returncode, result.stderr) == (0, "")
    shown = " ".join(result.stdout.translate(_TYPOGRAPHY).split())
    titles = [item["title"] for item in items if "title" in item]
    assert len(titles) == len(items)
    assert [title for title in titles if " ".join(str(title).translate(_TYPOGRAPHY).split()) not in shown] == []


HOSTILE = r"""@article{hostile,
  author = {Lee, <b>Ann</b>},
  title = {<i>Italic</i> <b>bold</b> <sup>up</sup> <sc>caps</sc> <span class="nocase">x</span> & * $\$$ \_under\_},
  journal = {<span style="font-variant:small-caps;">Journal</span>},
  publisher = {<u>Press</u>},
  doi = {10.1234/<i>d</i>},
  note = {URL: https://evil.example/},
  year = 2020,
}
"""


@needs_pandoc
def test_data_never_becomes_markup_or_a_variable_in_pandoc(tmp_path: Path) -> None:
    source = tmp_path / "hostile.bib"
    source.write_text(HOSTILE, encoding="utf-8")
    bibliography = tmp_path / "hostile.csl.json"
    bibliography.write_text(to_csl_json(load(source)), encoding="utf-8")
    # Read back as pandoc reads it: the note is still the note, no URL appears.
    result = _pandoc("-f", "csljson", "-t", "csljson", str(bibliography))
    assert result.returncode == 0, result.stderr
    (read,) = json.loads(result.stdout)
    assert "URL" not in read
    assert read["note"].strip() == "URL: https://evil.example/"
    document = tmp_path / "doc.md"
    document.write_text(NOCITE, encoding="utf-8")
    style = tmp_path / "all.csl"
    style.write_text(SHOW_ALL, encoding="utf-8")
    result = _pandoc(
        str(document), "--citeproc", "--csl", str(style), "--bibliography", str(bibliography), "-t", "html"
    )
    assert (result.returncode, result.stderr) == (0, "")
    html = result.stdout
    # The only markup is pandoc's own: its divs, the title's link to the
    # DOI, a no-case span around each "<" that would have opened a tag, and
    # the plain span of the quotes it made of "nocase".
    html = " ".join(result.stdout.split())
    assert set(re.findall(r"</?([a-z0-9]+)", html)) == {"div", "a", "span"}
    assert set(re.findall(r"<span[^>]*>", html)) == {"<span>", '<span class="nocase">'}
    assert re.findall(r"<span class=\"nocase\">([^<]*)</span>", html) == ["&lt;"] * 7
    assert set(re.findall(r'href="([^"]*)"', html)) == {"https://doi.org/10.1234/%3Ci&gt;d&lt;/i&gt;"}
    text = html.replace('<span class="nocase">&lt;</span>', "&lt;")
    for shown in ("&lt;i&gt;Italic&lt;/i&gt;", "&lt;b&gt;bold&lt;/b&gt;", "&lt;sup&gt;up", "&lt;sc&gt;caps",
                  "&lt;u&gt;Press&lt;/u&gt;", "&amp; * $ _under_", "URL: https://evil.example/"):  # fmt: skip
        assert shown in text


# --- (e) the command line ----------------------------------------------------


def test_format_and_suffix() -> None:
    assert "csl-json" in FORMATS
    assert format_of("refs.csl.json") == "csl-json"
    assert format_of("out/Refs.CSL.JSON") == "csl-json"
    assert format_of("refs.json") == "json"  # a plain .json stays the model
    assert format_of("csl.json") == "json"  # a file named csl, not a suffix


def test_cli_format_csl_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = invoke("refs.bib", "-H", "Chao Jin", "-f", "csl-json")
    assert result.exit_code == 0, result.stderr
    items = json.loads(result.stdout)
    assert isinstance(items, list)
    assert [item["id"] for item in items] == [item["id"] for item in csl_items(load("refs.bib"))]


def test_cli_output_file_suffix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    csl = tmp_path / "refs.csl.json"
    model = tmp_path / "refs.json"
    assert invoke("refs.bib", "-o", str(csl)).exit_code == 0
    assert invoke("refs.bib", "-o", str(model)).exit_code == 0
    assert _errors(json.loads(csl.read_text(encoding="utf-8"))) == []
    assert json.loads(model.read_text(encoding="utf-8"))["version"] >= 2


def test_cli_csl_json_takes_no_template(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = invoke("refs.bib", "-f", "csl-json", "-t", "html")
    assert result.exit_code == 2
    assert "csl-json" in result.stderr
    assert "no --template" in result.stderr
    assert result.stdout == ""
