"""The corpus sweep: every real-world file parses and renders in every format.

Files under tests/corpus come from researchers' homepages, parser test suites
and bug reports (MANIFEST.tsv). Broken ones must give diagnostics, never a
traceback; no entry may be lost without a diagnostic saying so.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import bibtexparser
import pytest

from bib2pubs.errors import NothingReadError
from bib2pubs.model import KINDS, Listing
from bib2pubs.normalize import CONTAINER_TYPES
from bib2pubs.pipeline import Options, make_patterns, run
from bib2pubs.read.bibtex import parse_text
from bib2pubs.read.crossref import resolve_crossrefs
from bib2pubs.read.source import decode
from bib2pubs.render.clean_bibtex import to_bibtex
from bib2pubs.render.jinja import render
from bib2pubs.render.json_model import to_json
from bib2pubs.render.terminal import show
from bib2pubs.report.explain import explain
from tests.conftest import CORPUS, invoke

FILES = sorted(CORPUS.rglob("*.bib"))
TEMPLATES = ("academicpages", "markdown", "html", "text")


def _all_entries(listing: Listing) -> int:
    return sum(len(group.entries) for group in listing.groups)


def test_the_corpus_is_there() -> None:
    assert len(FILES) >= 140


@pytest.mark.parametrize("path", FILES, ids=lambda path: str(path.relative_to(CORPUS)))
def test_file_renders_in_every_format(path: Path) -> None:
    text, _ = decode(path.read_bytes(), str(path))
    if not parse_text(text).entries:
        with pytest.raises(NothingReadError):  # an empty page is never written
            run([str(path)])
        return
    # Preprints are kept apart, so that every entry read reaches the listing.
    options = Options(
        highlights=("Jane Doe",),
        highlights_as=(("student", "J. Smith"),),
        name_style="family-first",
        keep_preprints=True,
        keep_fields=True,
    )
    listing = run([str(path)], options)
    for diagnostic in listing.diagnostics:
        assert diagnostic.file in (str(path), "")  # "" for the command line (--highlight)
        assert diagnostic.line is None or diagnostic.line >= 1
        assert diagnostic.level in ("error", "warning")
        assert "internal error" not in diagnostic.message, diagnostic
    errors = sum(1 for diagnostic in listing.diagnostics if diagnostic.level == "error")
    # Entries read either reach the listing, or an error says why not, or
    # they are proceedings volumes that only serve crossrefs.
    assert _all_entries(listing) + errors >= listing.entries_read - _containers(path)
    assert all(pub.kind in KINDS for group in listing.groups for pub in group.entries)
    for template in TEMPLATES:
        text, _ = render(listing, template, max_authors=3)
        assert isinstance(text, str)
    # The BibTeX export reads back in another parser, entry for entry (but
    # types BibTeX allows and bibtexparser does not, such as "@t+{…}").
    text, _ = to_bibtex(listing)
    exported = bibtexparser.parse_string(text)
    read = {entry.key.lower() for entry in exported.entries}
    shown = [pub for group in listing.groups for pub in group.entries if not pub.hidden]
    assert {pub.key.lower() for pub in shown if re.fullmatch(r"[a-z][a-z0-9_-]*", pub.type)} <= read
    model = json.loads(to_json(listing))
    assert len(model["groups"]) == len(listing.groups)
    show(listing, file=io.StringIO(), max_authors=3)
    reports = explain(listing, make_patterns(options))
    assert [report.entries for report in reports] == [_all_entries(listing)] * 2
    assert all(report.found + len(report.missing) == report.entries for report in reports)


def _containers(path: Path) -> int:
    """Entries that hold data for others rather than being works: crossref
    targets without authors, biblatex @set and @xdata."""
    text, _ = decode(path.read_bytes(), str(path))
    entries, targets, _ = resolve_crossrefs(parse_text(text, str(path)).entries)
    return sum(
        1
        for entry in entries
        if entry.type in CONTAINER_TYPES or (entry.key.lower() in targets and "author" not in entry.fields)
    )


def test_files_read_together_share_macros() -> None:
    cases = CORPUS / "pybtex" / "parser-cases"
    listing = run([str(cases / "CrossFileMacrosTest_1.bib"), str(cases / "CrossFileMacrosTest_2.bib")])
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


@pytest.mark.parametrize("path", FILES, ids=lambda path: str(path.relative_to(CORPUS)))
def test_we_read_every_entry_bibtexparser_reads(path: Path) -> None:
    # A cross-check against another parser: an entry it can read and we
    # cannot would be a regression in our recovery.
    import bibtexparser

    text, _ = decode(path.read_bytes(), str(path))
    ours = {entry.key for entry in parse_text(text, str(path)).entries}
    theirs = {entry.key for entry in bibtexparser.parse_string(text).entries}
    missing = {key for key in theirs - ours if not _commented_out(text, key)}
    assert missing == NOT_READ_ON_PURPOSE.get(str(path.relative_to(CORPUS)), set())
