"""Entries written ahead (``rendering.ahead``): a large file read in two
processes has each write its own entries in the run's format, and the list
put together from those texts is the list written without them, byte for
byte, whatever the later stages change (a preprint merged across the
halves, a hidden entry shown, a degree said in another language) and
whatever the list is asked for. Sizes are lowered here so that small files
take the shared path; each check also proves texts were written ahead."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from bib2pubs import Options, RenderSpec, parallel
from bib2pubs.model import Listing, Publication
from bib2pubs.pipeline import build_listing, render, writing_ahead
from bib2pubs.read.source import Source, decode
from bib2pubs.rendering.ahead import WrittenAhead
from bib2pubs.rendering.formats import SHOWS_BIBTEX
from bib2pubs.rendering.jinja import builtin_templates
from bib2pubs.rendering.words import localize, words_for
from bib2pubs.select import Selection
from tests.conftest import CORPUS, REFS, ROOT, invoke

BUILTIN_TEMPLATES = ROOT / "templates"

pytestmark = pytest.mark.skipif(not parallel._can_fork(), reason="workers are forked on Linux only")

PLAIN = Options()
#: Every format with a list of its own.
LISTS = ("html", "markdown", "text", "academicpages")


def _spec(name: str) -> RenderSpec:
    """The list ``name`` as the command line asks for it."""
    if name == "academicpages":
        from bib2pubs.rendering.jinja import list_template  # Jinja, for this one only

        return RenderSpec(template=list_template("academicpages"))
    return RenderSpec(format=name)


@pytest.fixture
def shared(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file large enough to be read in halves."""
    monkeypatch.setenv("BIB2PUBS_JOBS", "2")
    monkeypatch.setattr(parallel, "MIN_TEXT", 0)


def _source(path: Path) -> Source:
    return Source(str(path), decode(path.read_bytes(), str(path))[0])


def _alone(source: Source, options: Options, monkeypatch: pytest.MonkeyPatch) -> Listing:
    with monkeypatch.context() as patch:
        patch.setenv("BIB2PUBS_JOBS", "1")
        return build_listing([source], options)


def _both_ways(
    source: Source, spec: RenderSpec, monkeypatch: pytest.MonkeyPatch, options: Options = PLAIN
) -> tuple[str, str, WrittenAhead]:
    """The list written from texts written ahead in two processes, the list
    of a single reading, and what was written ahead; and proof that the
    list took every text written ahead for an entry it writes, and wrote
    only the others."""
    ahead = writing_ahead(spec)
    assert ahead is not None
    shared_listing = build_listing([source], options, ahead)
    asked = _asked(shared_listing, spec)
    written_now: list[Publication] = []
    write = ahead.write

    def counted(pub: Publication) -> str:
        written_now.append(pub)
        return write(pub)

    ahead.write = counted  # from here on, what the list writes itself
    written = render(shared_listing, spec, [], ahead=ahead)
    assert [pub for pub in asked if not ahead.holds(pub)] == written_now
    assert any(ahead.holds(pub) for pub in asked)
    return written, render(_alone(source, options, monkeypatch), spec, []), ahead


def _asked(listing: Listing, spec: RenderSpec) -> list[Publication]:
    """The entries the list writes, in order, as ``render`` hands them on:
    the Markdown lists write hidden entries too (as comments)."""
    localized = localize(listing, words_for(spec.locale, spec.words))
    hidden_too = spec.format == "markdown" or spec.template is not None
    return [pub for group in localized.groups for pub in group.entries if hidden_too or not pub.hidden]


HOMEPAGES = sorted((CORPUS / "homepages").rglob("*.bib"))


@pytest.mark.parametrize("path", [REFS, *HOMEPAGES], ids=lambda path: path.parent.name)
@pytest.mark.parametrize("name", LISTS)
def test_a_list_from_texts_written_ahead_is_the_list_written_at_once(
    path: Path, name: str, shared: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = _spec(name)
    options = Options(highlights=("Chao Jin",))
    written, alone, ahead = _both_ways(_source(path), spec, monkeypatch, options)
    assert len(ahead) > 0  # the halves were taken, and each wrote its entries
    assert written == alone


def _entries(first: int, count: int) -> str:
    return "".join(
        f"@article{{k{n}, author = {{Jin, Chao and Lee, Ana}}, title = {{Paper {n}}}, journal = {{TPDS}},"
        f" year = {2000 + n % 25}}}\n"
        for n in range(first, first + count)
    )


# Each case puts what a later stage changes in one half or across the cut.
CHANGED = {
    "a preprint merged into its published version across the cut": (
        "@misc{pre, title = {Ditto: Serverless Analytics}, author = {Jin, Chao}, eprint = {2309.01681},"
        " archiveprefix = {arXiv}, year = 2023, code = {https://github.com/d/d}}\n"
        + _entries(0, 40)
        + "@inproceedings{pub, title = {Ditto: Serverless Analytics}, author = {Jin, Chao},"
        " booktitle = {Proceedings of SIGCOMM}, year = 2023, pdf = {/d.pdf}}\n",
        Options(),
    ),
    "hidden entries shown": (
        "@misc{h1, title = {Hidden}, author = {Jin, Chao}, hidden = {true}, year = 2020}\n"
        + _entries(0, 40)
        + "@misc{h2, title = {Hidden too}, author = {Jin, Chao}, hidden = {true}, year = 2021}\n",
        Options(selection=Selection(include_hidden=True)),
    ),
    "cross-references across the cut": (
        "@inproceedings{c, crossref = {p}, title = {C}, author = {Jin, Chao}}\n"
        + _entries(0, 40)
        + "@proceedings{p, title = {P}, year = 2001, editor = {Ed, A}, publisher = {Pub}}\n",
        Options(),
    ),
}


@pytest.mark.parametrize("case", CHANGED)
@pytest.mark.parametrize("name", LISTS)
def test_an_entry_a_later_stage_made_anew_is_written_with_the_list(
    case: str, name: str, shared: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    text, options = CHANGED[case]
    written, alone, ahead = _both_ways(Source("x.bib", text), _spec(name), monkeypatch, options)
    assert len(ahead) > 0
    assert written == alone


THESES = (
    "@phdthesis{t1, title = {A Thesis}, author = {Jin, Chao}, school = {Peking University}, year = 2020}\n"
    + _entries(0, 40)
    + "@mastersthesis{t2, title = {Another}, author = {Jin, Chao}, school = {PKU}, year = 2016}\n"
)


@pytest.mark.parametrize("locale", ["de", "fr"])
def test_a_degree_said_in_another_language_is_written_with_the_list(
    locale: str, shared: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = RenderSpec(format="html", locale=locale)
    written, alone, ahead = _both_ways(Source("x.bib", THESES), spec, monkeypatch)
    assert len(ahead) > 0
    assert written == alone
    english = render(build_listing([Source("x.bib", THESES)]), RenderSpec(format="html"), [])
    assert written != english  # the degrees were said otherwise


#: Entries whose text each setting changes: links (a site's base), three
#: authors (--max-authors), a thesis (its degree, said in the locale).
RICH = (
    "@phdthesis{t, title = {A Thesis}, author = {Jin, Chao}, school = {PKU}, year = 2020, pdf = {/t.pdf}}\n"
    + "".join(
        f"@article{{r{n}, author = {{Jin, Chao and Lee, Ana and Wu, Bo}}, title = {{Paper {n}}}, journal = {{TPDS}},"
        f" year = {2000 + n % 25}, pdf = {{/files/r{n}.pdf}}, doi = {{10.1/{n}}}}}\n"
        for n in range(60)
    )
    + "@mastersthesis{m, title = {Another}, author = {Jin, Chao}, school = {PKU}, year = 2016}\n"
)


@pytest.mark.parametrize(
    "other",
    [
        RenderSpec(format="html", max_authors=1),
        RenderSpec(format="html", variables={"base_url": "https://example.org"}),
        RenderSpec(format="html", locale="de"),
        RenderSpec(format="markdown"),
        RenderSpec(format="text", variables={"width": "40"}),
        RenderSpec(format="json"),
        RenderSpec(format="html", style="apa"),
    ],
    ids=lambda spec: f"{spec.format} {spec.max_authors} {dict(spec.variables)} {spec.locale} {spec.style}",
)
def test_texts_written_for_another_list_are_not_used(
    other: RenderSpec, shared: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = Source("x.bib", RICH)
    html = RenderSpec(format="html")
    ahead = writing_ahead(html)
    assert ahead is not None
    listing = build_listing([source], Options(), ahead)
    assert len(ahead) == 62
    written = render(listing, other, [], ahead=ahead)
    assert written == render(listing, other, [])
    if other.format == "html":  # the other list differs: texts written for the first would show
        assert written != render(listing, html, [], ahead=ahead)


def test_a_text_is_used_only_for_the_publication_it_was_written_for() -> None:
    listing = build_listing([Source("x.bib", _entries(0, 2))])
    first, second = (pub for group in listing.groups for pub in group.entries)
    ahead = WrittenAhead(lambda pub: f"<{pub.key}>", made_for=None)
    ahead.keep([(first, "ahead")])
    assert ahead.entry(first) == "ahead"
    assert ahead.entry(replace(first)) == f"<{first.key}>"  # equal, but made anew
    assert ahead.entry(second) == f"<{second.key}>"


@pytest.mark.parametrize(
    "spec",
    [
        RenderSpec(format="json"),
        RenderSpec(format="bibtex"),
        RenderSpec(format="csl-json"),
        RenderSpec(format="latex"),
        RenderSpec(format="html", style="apa"),
        RenderSpec(template="academicpages"),  # a name: looked up when the list is written
        RenderSpec(format="html", variables={"colour": "red"}),  # the template says what it ignores
        RenderSpec(format="text", variables={"width": "wide"}),  # refused when the list is written
    ],
    ids=repr,
)
def test_nothing_is_written_ahead_where_a_format_s_own_list_does_not_write_it(spec: RenderSpec) -> None:
    assert writing_ahead(spec) is None


def test_a_single_reading_writes_nothing_ahead(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BIB2PUBS_JOBS", "1")
    ahead = writing_ahead(RenderSpec(format="html"))
    assert ahead is not None
    listing = build_listing([Source("x.bib", _entries(0, 60))], Options(), ahead)
    assert len(ahead) == 0
    assert render(listing, RenderSpec(format="html"), [], ahead=ahead) == render(listing, RenderSpec(format="html"), [])


@pytest.mark.parametrize("args", [["-f", "html"], ["-f", "markdown"], ["-f", "text"], ["-t", "academicpages"]])
def test_the_command_line_writes_ahead_what_it_writes_at_once(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "MIN_TEXT", 0)
    bib = tmp_path / "refs.bib"
    bib.write_text(REFS.read_text(encoding="utf-8") + _entries(0, 80), encoding="utf-8")
    outputs = []
    for jobs in ("1", "2"):
        monkeypatch.setenv("BIB2PUBS_JOBS", jobs)
        result = invoke(str(bib), "-H", "Chao Jin", *args)
        assert result.exit_code == 0, result.stderr
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]
    assert "Paper 79" in outputs[1] and "Ditto" in outputs[1]


def test_a_list_of_the_format_s_own_keeps_no_fields_and_al_folio_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fields are kept where an entry may be shown as BibTeX only: kept for
    nothing, a worker would send them all back."""
    seen: list[bool] = []
    real = build_listing

    def spying(sources: list[Source], options: Options = PLAIN, ahead: WrittenAhead | None = None) -> Listing:
        seen.append(options.keep_fields)
        return real(sources, options, ahead)

    from bib2pubs import pipeline

    monkeypatch.setattr(pipeline, "build_listing", spying)
    plain = (["-f", "html"], ["-f", "markdown"], ["-f", "text"], ["-f", "latex"], ["-t", "academicpages"])
    for args in (*plain, ["-t", "html"], ["-t", "latex-document"]):
        assert invoke(str(REFS), *args).exit_code == 0
    assert seen == [False] * 7
    template = tmp_path / "mine.html.j2"
    template.write_text("{% for group in groups %}{% for pub in group.entries %}{{ pub.key }}{% endfor %}{% endfor %}")
    for args in (["-t", "al-folio"], ["-f", "bibtex"], ["-t", str(template)], ["--template-dir", str(tmp_path)]):
        assert invoke(str(REFS), *args).exit_code == 0
    assert seen[7:] == [True] * 4
    assert "@inproceedings&#123;" in invoke(str(REFS), "-t", "al-folio").stdout  # the entry as BibTeX


def test_only_the_entries_the_selection_lists_are_written_ahead(shared: None, monkeypatch: pytest.MonkeyPatch) -> None:
    options = Options(selection=Selection(since=2010))
    written, alone, ahead = _both_ways(Source("x.bib", RICH), RenderSpec(format="html"), monkeypatch, options)
    assert written == alone
    listed = [pub for group in build_listing([Source("x.bib", RICH)], options).groups for pub in group.entries]
    assert len(ahead) == len(listed) == 32  # of 62 read: the thesis of 2020 and 30 papers


class _Refused(Exception):
    pass


@pytest.mark.parametrize("listed", [False, True])
@pytest.mark.parametrize("key", ["t", "m"], ids=["in the first half", "in the second"])
def test_an_entry_that_cannot_be_written_fails_only_where_the_list_writes_it(
    key: str, listed: bool, shared: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = RenderSpec(format="html")
    ahead = writing_ahead(spec)
    assert ahead is not None
    write = ahead.write

    def refusing(pub: Publication) -> str:
        if pub.key == key:
            raise _Refused(pub.key)
        return write(pub)

    ahead.write = refusing
    # The theses (2020, 2016) are listed, or not.
    options = Options(selection=Selection(since=2000 if listed else 2021))
    listing = build_listing([Source("x.bib", RICH)], options, ahead)  # reading never fails for it
    assert len(ahead) > 0
    if listed:
        with pytest.raises(_Refused):
            render(listing, spec, [], ahead=ahead)
    else:
        assert render(listing, spec, [], ahead=ahead) == render(
            _alone(Source("x.bib", RICH), options, monkeypatch), spec, []
        )


_BIBTEX_FILTER = re.compile(r"\|\s*bibtex\b")
_PIECE = re.compile(r"\{%-?\s*(?:from|import|include|extends)\s+\"(?:builtin/)?([^\"]+)\"")


def _shows_bibtex(file_name: str, seen: frozenset[str] = frozenset()) -> bool:
    """Whether a built-in template, or a piece it takes in, uses the bibtex filter."""
    text = (BUILTIN_TEMPLATES / file_name).read_text(encoding="utf-8")
    pieces = set(_PIECE.findall(text)) - seen - {file_name}  # a piece's own comment names it
    return bool(_BIBTEX_FILTER.search(text)) or any(
        _shows_bibtex(piece, seen | {file_name}) for piece in sorted(pieces)
    )


def test_the_built_in_templates_that_show_bibtex_are_those_that_keep_fields() -> None:
    shown = {name for name, file_name in builtin_templates().items() if _shows_bibtex(file_name)}
    assert shown == SHOWS_BIBTEX == {"al-folio"}
    assert _shows_bibtex("html-page.html.j2") is False  # its pieces are read too: html.html.j2
