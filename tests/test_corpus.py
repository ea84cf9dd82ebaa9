"""The corpus sweep: every real-world file parses and renders in every format.

Files under tests/corpus come from researchers' homepages, parser test suites
and bug reports (MANIFEST.tsv). Broken ones must give diagnostics, never a
traceback; no entry may be lost without a diagnostic saying so.
"""

from __future__ import annotations

import io
import json
import re

import bibtexparser
import pytest

from bib2pubs import Listing, NothingReadError, Options
from bib2pubs.model import KINDS
from bib2pubs.normalize import CONTAINER_TYPES
from bib2pubs.read.crossref import resolve_crossrefs
from bib2pubs.rendering.academicpages_list import render_academicpages
from bib2pubs.rendering.html_list import render_html
from bib2pubs.rendering.markdown_list import render_markdown
from bib2pubs.rendering.plain_text import render_text
from bib2pubs.rendering.terminal import show
from bib2pubs.report.explain import explain
from tests.conftest import CORPUS, invoke
from tests.corpus_support import Parsed, load, parse_file, render_format, render_template

FILES = sorted(CORPUS.rglob("*.bib"))
TEMPLATES = ("academicpages", "markdown", "html", "text")  # text last: compared below


def _all_entries(listing: Listing) -> int:
    return sum(len(group.entries) for group in listing.groups)


def test_the_corpus_is_there() -> None:
    assert len(FILES) >= 140


@pytest.fixture(scope="module", params=FILES, ids=lambda path: str(path.relative_to(CORPUS)))
def corpus_file(request: pytest.FixtureRequest) -> Parsed:
    """A corpus file decoded and parsed once for all of its checks below.
    Module scope makes pytest run a file's checks one after the other, so
    that only one file's reading is held at a time."""
    return parse_file(request.param)


def test_file_renders_in_every_format(corpus_file: Parsed) -> None:
    path = corpus_file.path
    if not corpus_file.bibliography.entries:
        with pytest.raises(NothingReadError):  # an empty page is never written
            load([path])
        return
    # Preprints are kept apart, so that every entry read reaches the listing.
    options = Options(
        highlights=("Jane Doe",),
        highlights_as=(("student", "J. Smith"),),
        name_style="family-first",
        keep_preprints=True,
        keep_fields=True,
    )
    listing = load([path], options)
    for diagnostic in listing.diagnostics:
        assert diagnostic.file in (str(path), "")  # "" for the command line (--highlight)
        assert diagnostic.line is None or diagnostic.line >= 1
        assert diagnostic.level in ("error", "warning")
        assert "internal error" not in diagnostic.message, diagnostic
    errors = sum(1 for diagnostic in listing.diagnostics if diagnostic.level == "error")
    # Entries read either reach the listing, or an error says why not, or
    # they are proceedings volumes that only serve crossrefs.
    assert _all_entries(listing) + errors >= listing.entries_read - _containers(corpus_file)
    assert all(pub.kind in KINDS for group in listing.groups for pub in group.entries)
    for template in TEMPLATES:
        text, _ = render_template(listing, template, max_authors=3)
        assert isinstance(text, str)
    # The plain-text writer is the text template, byte for byte (the files
    # too large for tests/test_plain_text.py's variants are checked here).
    assert render_text(listing, {}, 3)[0] == text
    # So are the HTML and Markdown writers the html and markdown templates.
    assert render_html(listing, {}, 3) == render_template(listing, "html", max_authors=3)[0]
    assert render_markdown(listing, {}, 3) == render_template(listing, "markdown", max_authors=3)[0]
    assert render_academicpages(listing, {}, 3) == render_template(listing, "academicpages", max_authors=3)[0]
    # The BibTeX export reads back in another parser, entry for entry (but
    # types BibTeX allows and bibtexparser does not, such as "@t+{…}").
    text, _ = render_format(listing, "bibtex")
    exported = bibtexparser.parse_string(text)
    read = {entry.key.lower() for entry in exported.entries}
    shown = [pub for group in listing.groups for pub in group.entries if not pub.hidden]
    assert {pub.key.lower() for pub in shown if re.fullmatch(r"[a-z][a-z0-9_-]*", pub.type)} <= read
    model = json.loads(render_format(listing, "json")[0])
    assert len(model["groups"]) == len(listing.groups)
    show(listing, file=io.StringIO(), max_authors=3)
    reports = explain(listing)  # the highlights the listing recorded
    assert [report.entries for report in reports] == [_all_entries(listing)] * 2
    assert all(report.found + len(report.missing) == report.entries for report in reports)


def _containers(corpus_file: Parsed) -> int:
    """Entries that hold data for others rather than being works: crossref
    targets without authors, biblatex @set and @xdata."""
    entries, targets, _ = resolve_crossrefs(corpus_file.bibliography.entries)
    return sum(
        1
        for entry in entries
        if entry.type in CONTAINER_TYPES or (entry.key.lower() in targets and "author" not in entry.fields)
    )


def test_files_read_together_share_macros() -> None:
    cases = CORPUS / "pybtex" / "parser-cases"
    listing = load([cases / "CrossFileMacrosTest_1.bib", cases / "CrossFileMacrosTest_2.bib"])
    (entry,) = listing.groups[0].entries
    assert entry.title == "I Am Jackie Chan: My Life in Action"
    assert entry.authors[0].display == "Jackie Chan"
    assert listing.diagnostics == ()


@pytest.mark.parametrize(
    "relative",
    [
        "bibtex2html/balance1.bib",
        "bibtexparser-v2/gbk_test.bib",
        "academicpages/1e47a3e/pubs.bib",
        "bbt-import-fixtures/Endnote should parse.bib",
        "bibtexparser-v1/empty.bib",
    ],
)
def test_command_line_on_broken_files_has_no_traceback(relative: str) -> None:
    result = invoke(str(CORPUS / relative), "-f", "html")
    assert result.exit_code in (0, 1)
    assert "Traceback" not in result.stderr
    assert "internal error" not in result.stderr


# Keys bibtexparser 2 reads that we do not, and why. Entries on %-commented
# lines are found by a regex below; these are the rest.
NOT_READ_ON_PURPOSE = {
    # Inside @comment{…}: commented out (biber and JabRef agree).
    "pybtex/parser-cases/EntryInCommentTest.bib": {"Me2009", "Me2010"},
    # bibtexparser cuts these keys at "(" or reads a broken head as an entry.
    "bibtex2html/paren2.bib": {"key(with"},
    "pybtex/parser-cases/KeyParsingTest.bib": {"test(parens1", "test(parens2"},
    "pybtex/parser-cases/EntryTypesTest.bib": {"again_id", "further_id"},
    # Fields with a space or "#" in the name: the entry is reported as broken.
    "pybtex/parser-cases/FieldNamesTest.bib": {"2012", "2013", "2017"},
    # A quoted title spanning a line that looks like an entry: BibTeX and we
    # read that line as part of the title.
    "pybtex/parser-cases/EntryInStringTest.bib": {"something"},
    # bibtexparser calls keyless entries "" (we name them unnamed-N).
    "bbt-import-fixtures/web_page and other mendeley idiocy.bib": {""},
    "pybtex/parser-cases/KeylessEntriesTest.bib": {""},
}


def _commented_out(text: str, key: str) -> bool:
    return re.search(r"^[ \t]*%[^\n]*@\w+[ \t]*[{(][ \t]*" + re.escape(key) + r"\s*,", text, re.M) is not None


def test_we_read_every_entry_bibtexparser_reads(corpus_file: Parsed) -> None:
    # A cross-check against another parser: an entry it can read and we
    # cannot would be a regression in our recovery.
    text = corpus_file.text
    ours = {entry.key for entry in corpus_file.bibliography.entries}
    theirs = {entry.key for entry in bibtexparser.parse_string(text).entries}
    missing = {key for key in theirs - ours if not _commented_out(text, key)}
    assert missing == NOT_READ_ON_PURPOSE.get(str(corpus_file.path.relative_to(CORPUS)), set())
