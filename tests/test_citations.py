"""Citation styles (``--style``): rendering.citations and the csl_* modules
around citeproc-py.

Fidelity is measured against pandoc, the reference CSL processor, on the
same CSL-JSON and the same .csl (skipped without pandoc); the rest are
fixture tables (tests/fixtures/citations.tsv and the csl_*.tsv files),
the styles' refusals, the locales, the JSON model, the imports a run
without a style makes, and every corpus file in every shipped style.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bib2pubs import Listing, NothingReadError, Options, UsageError
from bib2pubs.model import Diagnostic, Group, Locators, Person, Publication, Venue
from bib2pubs.rendering.citations import Citation, cite, cite_listing, entry_id
from bib2pubs.rendering.csl_json import csl_item
from bib2pubs.rendering.csl_markup import closing, collide, opening, person_end, person_start, pieces
from bib2pubs.rendering.csl_style import CSL_LOCALES, SHIPPED, Style, csl_locale, load_style
from tests.conftest import CORPUS, FIXTURES, REFS, ROOT, invoke, table_rows
from tests.corpus_support import load

STYLES = FIXTURES / "csl"
#: The entries held to pandoc (the brief's measure): 64 in all.
FIDELITY_FILES = (FIXTURES / "details.bib", REFS, CORPUS / "homepages" / "laura-leal-taixe" / "mypubs.bib")


def cite_by_key(
    listing: Listing, style: str, locale: str | None = "en"
) -> tuple[dict[str, Citation], list[Diagnostic]]:
    """``cite_listing``'s citations by BibTeX key (the keys here are unique)."""
    citations, problems = cite_listing(listing, style, locale)
    assert len({entry[0] for entry in citations}) == len(citations)
    return {entry[0]: citation for entry, citation in citations.items()}, problems


def _person(first: str, last: str, highlight: str | None = None, marks: tuple[str, ...] = ()) -> Person:
    return Person(first, "", last, "", f"{first} {last}", highlight, marks, f"{last}, {first}")


def _article(
    key: str, title: str, authors: tuple[Person, ...], venue: str = "Journal of Things", **more: object
) -> Publication:
    fields: dict[str, object] = {
        "key": key,
        "type": "article",
        "kind": "journal",
        "title": title,
        "year": 2020,
        "month": None,
        "authors": authors,
        "editors": (),
        "venue": Venue(name=venue),
        "links": {},
        "file": "cases.bib",
        "line": 7,
        "locators": Locators(volume="3", pages="1–9"),
    }
    fields.update(more)
    return Publication(**fields)  # type: ignore[arg-type]


#: The cases of tests/fixtures/citations.tsv, by name.
CASES = {
    # Four highlight looks and both signs: bold (self), underline (student),
    # italic, and a plain name with a mark.
    "people": _article(
        "people",
        "Cells and Stars",
        (
            _person("Chao", "Jin", "self", ("equal",)),
            _person("Ana", "Li", "student"),
            _person("Bo", "Wu", "italic"),
            _person("Carl", "Zhu", None, ("corresponding",)),
        ),
    ),
    # The highlighted second author cut by "et al." (IEEE: 7 or more names).
    "cut": _article(
        "cut",
        "Many Hands",
        (
            _person("Dan", "Ng"),
            _person("Chao", "Jin", "self", ("equal",)),
            *(_person("Eve", f"Xu{n}") for n in range(6)),
        ),
    ),
    # Every character a format reads as markup, in the title, a name and the venue.
    "escape": _article(
        "escape",
        "<script>alert(1)</script> *a* _b_ $c$ \\d {e} #f 50% g&h ~i^ [j] `k` |l|",
        (_person("J$#", "O'<b>Brien_*{&%}\\", "self"),),
        venue="A&B {Journal} 100% \\path <i>",
    ),
    # Private-use characters in the data: never taken for markers.
    "private": _article(
        "private", "Fake \ue000italic\ue001 and \ue102person\ue103", (_person("Chao", "Jin\ue100", "self"),)
    ),
    # A title ending in "?" before the style's "." or "," (IEEE: inside the quotes).
    "question": _article("question", "Is it a Bug?", (_person("Chao", "Jin", "self"),)),
}

_TABLE = table_rows("citations.tsv")


@pytest.mark.parametrize(("number", "row"), _TABLE, ids=[f"citations.tsv:{number}" for number, _ in _TABLE])
def test_citation_table(number: int, row: list[str]) -> None:
    case, style, format_name, expected = row
    style, _, locale = style.partition(":")
    citation = cite(CASES[case], load_style(str(STYLES / style) if style.endswith(".csl") else style, locale or "en"))
    got = json.dumps(citation.pieces, ensure_ascii=False) if format_name == "pieces" else getattr(citation, format_name)
    assert got == expected, f"citations.tsv:{number}: {case} in {style} as {format_name}"


def test_the_table_covers_every_format_and_case() -> None:
    covered = {(row[0], row[2]) for _, row in _TABLE}
    formats = ("text", "html", "markdown", "latex", "pieces")
    assert {(case, format_name) for case in CASES for format_name in formats} <= covered


_CASE_TABLE = table_rows("csl_text_case.tsv")


def test_text_case_as_pandoc() -> None:
    from citeproc.string import String  # type: ignore[import-untyped]

    from bib2pubs.rendering.csl_case import transform

    wrong = [
        f"csl_text_case.tsv:{number}: {case} {title!r} -> {transform(String(title), case)!r}, pandoc {expected!r}"
        for number, (case, title, expected) in _CASE_TABLE
        if str(transform(String(title), case)) != expected
    ]
    assert wrong == []


def test_punctuation_at_a_seam_as_pandoc() -> None:
    wrong = []
    for number, row in table_rows("csl_punctuation.tsv"):
        left, right, kept = (cell.replace("␠", " ") for cell in row)
        got = {"first": left, "second": right, "both": left + right}[collide(left, right)]
        if got != kept:
            wrong.append(f"csl_punctuation.tsv:{number}: {left!r}{right!r} -> {got!r}, pandoc {kept!r}")
    assert wrong == []


# Every tag the markup formats may write; anything else with "<" is data
# that escaped its escaping. A link's target is checked apart (_hrefs).
_OUR_HTML = re.compile(
    r'</?(?:i|b|u|sup|sub)>|<span style="font-variant:small-caps">|</span>|</strong>'
    r'|<strong class="[^"<>]*">|<span class="[^"<>]*">|<sup class="[^"<>]*" title="[^"<>]*">'
    r'|<a class="pub-citation-link" href="[^"<>]*">|</a>'
)


def _hrefs(citation_html: str) -> list[str]:
    """The targets of the links a citation's HTML makes, unescaped."""
    import html

    return [html.unescape(url) for url in re.findall(r'<a class="pub-citation-link" href="([^"<>]*)">', citation_html)]


@pytest.mark.parametrize("style", SHIPPED)
def test_data_never_becomes_markup(style: str) -> None:
    citation = cite(CASES["escape"], load_style(style))
    assert "<" not in _OUR_HTML.sub("", citation.html)
    assert "<a" not in citation.html  # the entry has no link
    assert "&lt;script&gt;" in citation.html and "&#123;" in citation.html
    assert "<script>" in citation.text  # plain text is the data as it is
    for special in ("\\*a\\*", "\\_b\\_", "\\$c\\$", "\\#f", "\\<script\\>", "&#123;e&#125;", "\\[j\\]", "\\`k\\`"):
        assert special in citation.markdown, special
    for special in (
        "\\$c\\$",
        "\\_b\\_",
        "\\#f",
        "50\\%",
        "g\\&h",
        "\\textbackslash{}d",
        "\\{e\\}",
        "\\textless{}script",
    ):
        assert special in citation.latex, special


@given(title=st.text(max_size=40), family=st.text(min_size=1, max_size=12), venue=st.text(max_size=12))
@settings(max_examples=150, deadline=None)
def test_no_text_becomes_markup_or_breaks_a_citation(title: str, family: str, venue: str) -> None:
    pub = _article("any", title, (_person("Ann", family, "self", ("equal",)), _person("Bo", "Wu")), venue=venue)
    for style in ("ieee", "apa"):
        citation = cite(pub, load_style(style))  # the name alone is always written
        assert "<" not in _OUR_HTML.sub("", citation.html) and "<a" not in citation.html
        assert citation.html.count("<strong") == citation.html.count("</strong>") <= 1
        assert re.search("[\ue000-\uf8ff]", citation.text + citation.html + citation.markdown + citation.latex) is None
        assert "".join(text for text, _ in citation.pieces) == citation.text


_I, _J = opening("italic"), closing("italic")
_S, _E = person_start(0), person_end(0)


@pytest.mark.parametrize(
    ("marked", "expected"),
    [
        (f"a{_I}b{_J}c", [("a", set()), ("b", {"italic"}), ("c", set())]),
        (f"a{_I}b c", [("ab c", set())]),  # opened, never closed: no format
        (f"a{_J}b{_J}", [("ab", set())]),  # closed, never opened
        (f"{_S}Jin{_E}, {_S}C.{_E} and", [("Jin, C.", {"person:0"}), (" and", set())]),
        (f"{_S}Jin, C. and", [("Jin, C. and", set())]),  # a name never ended
        (f"{_S}Ludwig{_E} van {_S}B.{_E}", [("Ludwig", {"person:0"}), (" van ", set()), ("B.", {"person:0"})]),
        (f"{_I}Title?{_J}. Next", [("Title?", {"italic"}), (" Next", set())]),
        (f"x {_I} y{_J}  z ", [("x ", set()), ("y", {"italic"}), (" z", set())]),
    ],
)
def test_markers_read_back(marked: str, expected: list[tuple[str, set[str]]]) -> None:
    assert [(text, set(formats)) for text, formats in pieces(marked)] == expected


@pytest.mark.parametrize("style", SHIPPED)
def test_markdown_reads_back_as_the_text(style: str) -> None:
    """CommonMark (markdown-it-py) reads each citation's Markdown as its
    text: every character of the data shows, none is taken for syntax."""
    import html

    from markdown_it import MarkdownIt

    reader = MarkdownIt("commonmark")
    for case in CASES.values():
        citation = cite(case, load_style(style))
        shown = html.unescape(re.sub(r"<[^>]+>", "", reader.renderInline(citation.markdown)))
        assert shown == citation.text, case.key


def test_private_use_characters_in_the_data_are_dropped() -> None:
    citation = cite(CASES["private"], load_style("apa"))
    assert re.search("[\ue000-\uf8ff]", citation.text + citation.html + citation.markdown + citation.latex) is None
    assert "Fake italic and person" in citation.text and "<i>italic" not in citation.html
    assert citation.html.count("pub-highlight-self") == 1


def _without_signs(citation: Citation) -> str:
    return citation.text.replace("*", "").replace("†", "")


@pytest.mark.parametrize("style", SHIPPED)
def test_highlighting_changes_no_word(style: str) -> None:
    """The markers around a highlighted name come through every style
    without changing its text: initials, family name first, et al."""
    plain = load([REFS])
    highlighted = load([REFS], Options(highlights=("Chao Jin",), highlights_as=(("student", "Ruidong Zhu"),)))
    first, _ = cite_by_key(plain, style)
    second, _ = cite_by_key(highlighted, style)
    assert first.keys() == second.keys()
    for key in first:
        assert first[key].text == second[key].text
    assert any("pub-highlight-self" in citation.html for citation in second.values())
    assert any("pub-highlight-student" in citation.html for citation in second.values())


#: An entry whose title holds its own DOI's address and others, none a link.
LINKED = r"""@article{doi, author={Ann Lee}, journal={Journal of Things}, volume={3}, pages={1--9}, year={2020},
  title={See https://doi.org/10.1000/abc_(1) or https://evil.example/, javascript:alert(1)},
  doi={10.1000/abc_(1)}, url={https://example.org/paper}}
@misc{arxiv, author={Ann Lee}, title={Widgets}, eprint={2101.00001}, archivePrefix={arXiv}, year={2021}}
"""
_DOI = "https://doi.org/10.1000/abc_(1)"


def _linked(tmp_path: Path) -> dict[str, Publication]:
    path = tmp_path / "linked.bib"
    path.write_text(LINKED, encoding="utf-8")
    return {pub.key: pub for group in load([path]).groups for pub in group.entries}


def test_the_doi_address_apa_shows_is_a_link(tmp_path: Path) -> None:
    from markdown_it import MarkdownIt

    pub = _linked(tmp_path)["doi"]
    assert pub.links["doi"] == _DOI
    citation = cite(pub, load_style("apa"))
    assert citation.text.count(_DOI) == 2  # in the title, and the style's own
    # HTML: one link, the style's address, escaped as the templates escape it.
    assert citation.html.count("<a") == 1 and _hrefs(citation.html) == [_DOI]
    assert f'<a class="pub-citation-link" href="{_DOI}">{_DOI}</a>' in citation.html
    assert "evil.example" not in "".join(_hrefs(citation.html)) and "javascript" not in "".join(_hrefs(citation.html))
    # Markdown: one link, read back by CommonMark, the destination escaped as markdown_url does.
    assert citation.markdown.count("](") == 1
    assert citation.markdown.endswith("[https://doi.org/10.1000/abc\\_(1)](https://doi.org/10.1000/abc_%281%29)")
    rendered = MarkdownIt("commonmark").renderInline(citation.markdown)
    assert re.findall(r'href="([^"]*)"', rendered) == ["https://doi.org/10.1000/abc_%281%29"]
    # LaTeX: one \href, its URL as latex_url writes it.
    assert citation.latex.count("\\href") == 1
    assert citation.latex.endswith("\\href{https://doi.org/10.1000/abc_(1)}{https://doi.org/10.1000/abc\\_(1)}")
    # Plain text and the terminal's pieces have no link.
    assert "".join(text for text, _ in citation.pieces) == citation.text
    assert all(style in ("", "italic") for _, style in citation.pieces)


@pytest.mark.parametrize("style", ["apa", "chicago-author-date", "nature", "ieee"])
def test_an_arxiv_address_a_style_shows_is_a_link(style: str, tmp_path: Path) -> None:
    pub = _linked(tmp_path)["arxiv"]
    citation = cite(pub, load_style(style))
    assert "https://arxiv.org/abs/2101.00001" in citation.text
    assert _hrefs(citation.html) == ["https://arxiv.org/abs/2101.00001"]
    assert citation.markdown.count("](https://arxiv.org/abs/2101.00001)") == 1
    assert citation.latex.count("\\href{https://arxiv.org/abs/2101.00001}") == 1


def test_ieee_writes_no_address_so_makes_no_link(tmp_path: Path) -> None:
    citation = cite(_linked(tmp_path)["doi"], load_style("ieee"))
    assert "doi: 10.1000/abc_(1)" in citation.text
    assert "<a" not in citation.html and "](" not in citation.markdown and "\\href" not in citation.latex


def test_only_an_entrys_own_whole_address_is_a_link() -> None:
    from bib2pubs.rendering.csl_output import HTML, LATEX, MARKDOWN, linked, write

    link = frozenset({"link"})
    found = [("Text https://x.org/a ", frozenset()), ("at https://x.org/a/b, https://x.org/a.", link)]
    # Outside a "link" run (a title) nothing is linked; inside, only the whole address.
    assert write(linked(found, ["https://x.org/a"]), {}, HTML) == (
        'Text https://x.org/a at https://x.org/a/b, <a class="pub-citation-link" href="https://x.org/a">'
        "https://x.org/a</a>."
    )
    assert write(linked(found, ["https://x.org/a/b"]), {}, MARKDOWN).count("](") == 1
    assert write(linked(found, ["https://x.org/"]), {}, HTML).count("<a") == 0  # a shorter one is no address
    assert linked([("javascript:alert(1)", link)], ["javascript:alert(1)"]) == [("javascript:alert(1)", frozenset())]
    assert linked(found, []) == [("Text https://x.org/a at https://x.org/a/b, https://x.org/a.", frozenset())]
    # Braces, quotes and specials in the target, escaped for each format.
    braced = [('https://x.org/{a}?q="1"&r=%25#s', link)]
    url = braced[0][0]
    assert write(linked(braced, [url]), {}, HTML) == (
        '<a class="pub-citation-link" href="https://x.org/&#123;a&#125;?q=&quot;1&quot;&amp;r=%25#s">'
        "https://x.org/&#123;a&#125;?q=&quot;1&quot;&amp;r=%25#s</a>"
    )
    assert write(linked(braced, [url]), {}, MARKDOWN).endswith("](https://x.org/%7Ba%7D?q=%221%22&r=%25#s)")
    # In \href, what TeX would read is percent-encoded (braces, quotes), "%" and "#" escaped.
    assert write(linked(braced, [url]), {}, LATEX).startswith(
        "\\href{https://x.org/\\%7Ba\\%7D?q=\\%221\\%22&r=\\%25\\#s}{"
    )


def _unmarked(listing: Listing) -> Listing:
    """The listing without bib2pubs' marks (equal contribution…), which CSL
    cannot know, so that pandoc and bib2pubs cite the same data."""

    def plain(people: tuple[Person, ...]) -> tuple[Person, ...]:
        return tuple(replace(person, marks=()) for person in people)

    return replace(
        listing,
        groups=tuple(
            Group(
                group.title,
                tuple(replace(pub, authors=plain(pub.authors), editors=plain(pub.editors)) for pub in group.entries),
            )
            for group in listing.groups
        ),
    )


def _pandoc_texts(items: list[dict[str, object]], style: Path, work: Path, lang: str = "") -> dict[str, str]:
    """Each item's bibliography entry as pandoc writes it in plain text: the
    entries of one ``pandoc --citeproc`` run (``nocite: "@*"``), in the CSL
    locale ``lang`` if given, each then written alone by ``pandoc -t plain``."""
    (work / "items.json").write_text(json.dumps(items), encoding="utf-8")
    language = f"lang: {lang}\n" if lang else ""
    (work / "doc.md").write_text(f'---\nnocite: "@*"\n{language}---\n', encoding="utf-8")
    run = ["pandoc", "--citeproc", "-t", "json", "--csl", str(style), "--bibliography", "items.json", "doc.md"]
    document = json.loads(subprocess.run(run, cwd=work, capture_output=True, text=True, check=True, timeout=120).stdout)
    (refs,) = [block for block in document["blocks"] if block["t"] == "Div" and block["c"][0][0] == "refs"]
    blocks = []
    for entry in refs["c"][1]:
        blocks.append({"t": "Para", "c": [{"t": "Str", "c": f"@@{entry['c'][0][0].removeprefix('ref-')}@@"}]})
        blocks.extend(entry["c"][1])
    document["blocks"] = blocks
    plain = subprocess.run(
        ["pandoc", "-f", "json", "-t", "plain", "--wrap=none"],
        input=json.dumps(document),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    parts = re.split(r"^@@(.*)@@$", plain, flags=re.M)
    return dict(zip(parts[1::2], (text.strip() for text in parts[2::2]), strict=True))


def _same(text: str) -> str:
    """Text as compared: one space, any quotation mark alike, no leading [n] or n."""
    text = re.sub(r"^(\[\d+\]|\d+\.)\s*", "", text.strip())
    return " ".join(re.sub("[\u201c\u201d\u2018\u2019\"']", "'", text).split())


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed: no reference to compare with")
@pytest.mark.parametrize("style", ["apa", "ieee"])
def test_as_pandoc_cites(style: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    listing = _unmarked(load(FIDELITY_FILES))
    pubs = [pub for group in listing.groups for pub in group.entries]
    expected = _pandoc_texts([csl_item(pub) for pub in pubs], ROOT / _style_path(style), tmp_path)
    citations, problems = cite_by_key(listing, style)
    assert problems == []
    differ = [pub.key for pub in pubs if _same(citations[pub.key].text) != _same(expected[pub.key])]
    share = 1 - len(differ) / len(pubs)
    with capsys.disabled():
        print(f"\n{style}: {len(pubs) - len(differ)} of {len(pubs)} entries as pandoc cites them ({share:.0%})")
    assert share >= 0.9, [(key, citations[key].text, expected[key]) for key in differ]


def _style_path(style: str) -> Path:
    return Path("bib2pubs") / "rendering" / "styles" / f"{style}.csl"


#: The word pandoc 2.17's English lacks (CSL 1.0.2's term "preprint"),
#: given to it in the style's own locale, as newer locales have it.
_PREPRINT_TERM = '<locale xml:lang="en"><terms><term name="preprint">preprint</term></terms></locale>\n  '


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed: no reference to compare with")
@pytest.mark.parametrize("style", ["apa", "chicago-author-date", "nature"])
def test_preprints_as_pandoc_cites_them(style: str, tmp_path: Path) -> None:
    """Every preprint of the measured files (refs.bib's, which name no
    server, arXiv's, a manuscript) reads as pandoc cites it, given the word
    "preprint": its server as publisher, no "In Preprint" or "Preprint
    Preprint at"."""
    listing = _unmarked(load(FIDELITY_FILES))
    preprints = [pub for group in listing.groups for pub in group.entries if pub.kind == "preprint"]
    assert len(preprints) >= 12
    source = (ROOT / _style_path(style)).read_text(encoding="utf-8")
    given = tmp_path / f"{style}.csl"
    given.write_text(source.replace("<macro ", _PREPRINT_TERM + "<macro ", 1), encoding="utf-8")
    expected = _pandoc_texts([csl_item(pub) for pub in preprints], given, tmp_path)
    citations, _ = cite_by_key(listing, style)
    assert {pub.key: _same(citations[pub.key].text) for pub in preprints} == {
        pub.key: _same(expected[pub.key]) for pub in preprints
    }
    for pub in preprints:
        text = citations[pub.key].text
        assert "In Preprint" not in text and "Preprint Preprint" not in text and "arXiv preprint" not in text
    if style == "chicago-author-date":
        assert citations["jin2024ragcache"].text.endswith("Retrieval-Augmented Generation.” Preprint.")
        assert citations["lealarxiv2015"].text.endswith("arXiv:1504.01942. Preprint, arXiv.")


def _cite_item(style: Style, item: dict[str, object]) -> str:
    """A CSL-JSON item cited in a loaded style, as plain text."""
    from citeproc import Citation as Cite  # type: ignore[import-untyped]
    from citeproc import CitationItem, CitationStylesBibliography
    from citeproc.source.json import CiteProcJSON  # type: ignore[import-untyped]

    from bib2pubs.rendering.csl_strings import Formatter

    bibliography = CitationStylesBibliography(style.citeproc, CiteProcJSON([{**item, "id": "item"}]), Formatter)
    bibliography.register(Cite([CitationItem("item")]))
    return "".join(text for text, _ in pieces(str(bibliography.bibliography()[0]), style.quotes))


#: Numbers whose ordinals differ by their last digit, last two, or whole.
_ORDINALS = (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111, 112)


def _numbered(number: int) -> dict[str, object]:
    value = str(number)
    date = [2020, number % 12 + 1, min(number, 28)]
    return {"id": f"n{number}", "type": "book", "title": "T", "edition": value, "volume": value, "issue": value,
            "number": value, "issued": {"date-parts": [date]}}  # fmt: skip


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed: no reference to compare with")
@pytest.mark.parametrize("locale", ["en", "de", "fr", "es"])
def test_ordinals_in_the_locale_as_pandoc_writes_them(locale: str, tmp_path: Path) -> None:
    """An edition's, volume's and issue's ordinal and an ordinal day, with
    the locale's terms and the noun's gender ("1ʳᵉ" édition, "1ᵉʳ" volume
    and février). The ordinal of ``number``, whose term has no gender in
    French, is left out: pandoc 2.17 takes a gendered "1ᵉʳ" for it where
    CSL 1.0.1 asks for the neuter one (test_ordinals_as_csl_reads_them)."""
    style = load_style(str(STYLES / "ordinals.csl"), locale)
    items = [_numbered(number) for number in _ORDINALS]
    expected = _pandoc_texts(items, STYLES / "ordinals.csl", tmp_path, CSL_LOCALES[locale])

    def without_number(text: str) -> str:
        parts = text.split(" | ")
        return " | ".join(parts[:3] + parts[4:])

    ours = {item["id"]: without_number(_cite_item(style, item)) for item in items}
    assert ours == {key: without_number(text) for key, text in expected.items()}


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed: no reference to compare with")
@pytest.mark.parametrize(
    ("locale", "edition"), [("en", "2nd ed."), ("de", "2. Aufl."), ("fr", "2ᵉ éd."), ("es", "2.ª ed.")]
)
def test_an_edition_in_apa_in_the_locale_as_pandoc_cites_it(locale: str, edition: str, tmp_path: Path) -> None:
    path = tmp_path / "book.bib"
    path.write_text("@book{a,title={T},author={A B},publisher={P},edition={2},year=2022}\n", encoding="utf-8")
    (pub,) = [pub for group in load([path]).groups for pub in group.entries]
    citation = cite(pub, load_style("apa", locale))
    expected = _pandoc_texts([csl_item(pub)], ROOT / _style_path("apa"), tmp_path, CSL_LOCALES[locale])
    assert f"({edition})" in citation.text
    assert _same(citation.text) == _same(expected["a"])


#: The ordinal terms of a style's own locale, in place of the locale file's.
_IN_STYLE = """<locale xml:lang="{lang}"><terms>{terms}</terms></locale>
  <citation>"""


def _with_terms(tmp_path: Path, terms: str, lang: str = "en") -> Style:
    style = (STYLES / "ordinals.csl").read_text(encoding="utf-8")
    path = tmp_path / "terms.csl"
    path.write_text(style.replace("<citation>", _IN_STYLE.format(lang=lang, terms=terms), 1), encoding="utf-8")
    return load_style(str(path), lang)


def test_ordinals_as_csl_reads_them(tmp_path: Path) -> None:
    """CSL 1.0.1's rules for ordinal terms, each on its own."""
    french = load_style(str(STYLES / "ordinals.csl"), "fr")
    # A noun without gender takes the neuter variant: French has none for
    # ordinal-01, so "ordinal" applies ("1ᵉ numéro" would be "1ᵉʳ" to pandoc).
    assert _cite_item(french, _numbered(1)) == "1ʳᵉ | 1ᵉʳ | 1ᵉʳ | 1ᵉ | 1ᵉʳ février"
    assert _cite_item(french, _numbered(2)) == "2ᵉ | 2ᵉ | 2ᵉ | 2ᵉ | 2 mars"  # limit-day-ordinals-to-day-1
    # Terms of the style's own locale replace all the file's ordinals: a
    # feminine ordinal-01 alone leaves the rest without suffix.
    feminine = _with_terms(tmp_path, '<term name="ordinal-01" gender-form="feminine">.ª</term>')
    assert _cite_item(feminine, {"type": "book", "title": "T", "edition": "1", "volume": "2"}) == "1 | 2"
    gendered = _with_terms(
        tmp_path,
        '<term name="edition" gender="feminine">edition</term><term name="ordinal">º</term>'
        '<term name="ordinal" gender-form="feminine">ª</term>',
    )
    assert _cite_item(gendered, {"type": "book", "title": "T", "edition": "1", "volume": "2"}) == "1ª | 2º"
    # match: ordinal-10…99 before ordinal-00…09; whole-number only the number itself.
    matched = _with_terms(
        tmp_path,
        '<term name="ordinal">th</term><term name="ordinal-01">st</term><term name="ordinal-11">TH</term>'
        '<term name="ordinal-02" match="whole-number">ND</term>'
        '<term name="ordinal-03" match="last-two-digits">RD</term>',
    )
    numbers = {"type": "book", "title": "T"}
    got = [_cite_item(matched, {**numbers, "edition": str(number)}) for number in (1, 11, 111, 21, 2, 22, 3, 103, 113)]
    assert got == ["1st", "11TH", "111TH", "21st", "2ND", "22th", "3RD", "103RD", "113th"]
    # CSL 1.0's ordinal-01…04 without "ordinal": 1, 2, 3 but 11, 12, 13.
    legacy = _with_terms(
        tmp_path,
        '<term name="ordinal-01">A</term><term name="ordinal-02">B</term><term name="ordinal-03">C</term>'
        '<term name="ordinal-04">D</term>',
    )
    got = [_cite_item(legacy, {**numbers, "edition": str(number)}) for number in (1, 2, 3, 4, 11, 12, 13, 21, 102)]
    assert got == ["1A", "2B", "3C", "4D", "11D", "12D", "13D", "21A", "102B"]


def test_unknown_style_names_the_shipped_ones() -> None:
    with pytest.raises(UsageError) as caught:
        cite_by_key(load([REFS]), "apa7")
    assert all(name in str(caught.value) for name in SHIPPED)
    result = invoke(str(REFS), "--style", "apa7", "-f", "text")
    assert result.exit_code == 2
    assert "no such style" in result.stderr and "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("<style xmlns='http://purl.org/net/xbiblio/csl'><info>", "not a CSL style"),
        ("<html><body>no style</body></html>", "its root is <html>"),
        ("<style xmlns='http://purl.org/net/xbiblio/csl'><bibliography/></style>", "has no <layout>"),
        ("<style xmlns='http://purl.org/net/xbiblio/csl'><citation/></style>", "no bibliography"),
        ("", "not a CSL style"),
        ("\x89PNG\r\n\x1a\n", "not a CSL style"),
    ],
)
def test_a_broken_style_is_a_usage_error(content: str, says: str, tmp_path: Path) -> None:
    path = tmp_path / "broken.csl"
    path.write_text(content, encoding="latin-1")
    with pytest.raises(UsageError, match=re.escape(says)):
        load_style(str(path))
    result = invoke(str(REFS), "--style", str(path), "-f", "html")
    assert result.exit_code == 2 and "Traceback" not in result.stderr


def test_a_style_with_entities_is_refused_and_reads_no_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("the secret", encoding="utf-8")
    apa = (ROOT / _style_path("apa")).read_text(encoding="utf-8")
    doctype = f'<!DOCTYPE style [<!ENTITY leak SYSTEM "file://{secret}">]>\n'
    path = tmp_path / "xxe.csl"
    path.write_text(
        apa.replace("<style ", doctype + "<style ", 1).replace("<title>", "<title>&leak;", 1), encoding="utf-8"
    )
    with pytest.raises(UsageError, match="DOCTYPE") as caught:
        load_style(str(path))
    assert "the secret" not in str(caught.value)


@pytest.mark.parametrize("path", ["missing.csl", "folder/"])
def test_a_style_file_that_cannot_be_read(path: str, tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    with pytest.raises(UsageError) as caught:
        load_style(str(tmp_path / path))
    assert "apa" in str(caught.value) or "cannot read" in str(caught.value)


def test_a_dependent_style_names_its_parent() -> None:
    with pytest.raises(UsageError, match=r"dependent style.*zotero\.org/styles/apa"):
        load_style(str(STYLES / "dependent.csl"))


def test_a_style_of_the_users_own() -> None:
    citations, problems = cite_by_key(load([REFS], Options(highlights=("Chao Jin",))), str(STYLES / "capitals.csl"))
    assert problems == []
    assert any(citation.html.startswith("<strong") and "JIN" in citation.text for citation in citations.values())


def test_an_entry_citeproc_fails_on_is_a_warning(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@article{with, title={With a Volume}, author={Ana Li}, journal={J}, volume={3}, year={2020}}\n"
        "@article{without, title={Without One}, author={Ana Li}, journal={J}, year={2021}}\n",
        encoding="utf-8",
    )
    citations, problems = cite_by_key(load([bib]), str(STYLES / "fails-with-volume.csl"))
    assert set(citations) == {"without"}
    (problem,) = problems
    assert str(problem).startswith(f"{bib}:1: warning: with: cannot be cited in the style")
    result = invoke(str(bib), "--style", str(STYLES / "fails-with-volume.csl"), "-f", "json")
    assert result.exit_code == 0 and "cannot be cited" in result.stderr


def test_one_authors_works_of_a_year_are_told_apart_in_apa() -> None:
    people = (_person("Ana", "Li"), _person("Bo", "Wu"))
    second = _article("second", "Zebras", people)
    first = _article("first", "Apes", people)
    other = _article("other", "Others", people[:1])
    hidden = replace(_article("hidden", "Badgers", people), hidden=True)
    listing = Listing((Group("", (second, hidden, first, other)),), entries_read=4)
    apa, _ = cite_by_key(listing, "apa")
    assert "(2020a). Apes." in apa["first"].text and "(2020b). Zebras." in apa["second"].text
    assert "(2020). Others." in apa["other"].text and "(2020). Badgers." in apa["hidden"].text
    ieee, _ = cite_by_key(listing, "ieee")  # a numbered style has no need of it
    assert "2020a" not in ieee["first"].text


def test_hidden_entries_are_cited_too() -> None:
    listing = load([REFS])
    hidden = [pub.key for group in listing.groups for pub in group.entries if pub.hidden]
    citations, _ = cite_by_key(listing, "ieee")
    assert hidden and set(hidden) <= set(citations)


@pytest.mark.parametrize("locale", sorted(CSL_LOCALES))
def test_each_locale_loads(locale: str) -> None:
    assert csl_locale(locale) == CSL_LOCALES[locale]
    editors = (_person("Ana", "Li"), _person("Bo", "Wu"))
    chapter = replace(CASES["people"], type="incollection", kind="chapter", editors=editors, venue=Venue("The Book"))
    listing = Listing((Group("", (chapter,)),), entries_read=1)
    citations, problems = cite_by_key(listing, "apa", locale)
    assert problems == []
    english, _ = cite_by_key(listing, "apa", "en")
    assert (citations["people"].text != english["people"].text) == (locale != "en")


def test_a_regional_locale_is_kept_when_csl_has_it() -> None:
    assert csl_locale("de-AT") == "de-AT"
    assert csl_locale("fr_CA.UTF-8") == "fr-CA"
    assert csl_locale("en-ZZ") == "en-US"
    with pytest.raises(UsageError):
        csl_locale("xx")


def test_json_gives_each_entry_its_citation() -> None:
    schema = json.loads((ROOT / "bib2pubs" / "rendering" / "listing.schema.json").read_text(encoding="utf-8"))
    styled = invoke(str(REFS), "-H", "Chao Jin", "-f", "json", "--style", "apa")
    assert styled.exit_code == 0, styled.stderr
    model = json.loads(styled.stdout)
    jsonschema.validate(model, schema)
    entries = [entry for group in model["groups"] for entry in group["entries"]]
    assert all(set(entry["citation"]) == {"text", "html"} for entry in entries)
    assert any("pub-highlight-self" in entry["citation"]["html"] for entry in entries)
    plain = json.loads(invoke(str(REFS), "-f", "json").stdout)
    assert all("citation" not in entry for group in plain["groups"] for entry in group["entries"])


def _imported(*args: str) -> set[str]:
    """The modules a run of the command imports (``python -X importtime``)."""
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "bib2pubs", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={"BIB2PUBS_NO_CACHE": "1", "PATH": ""},
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return {line.rsplit("|", 1)[-1].strip() for line in run.stderr.splitlines() if line.startswith("import time:")}


@pytest.mark.parametrize(
    "args", [("--version",), ("refs.bib", "-f", "text"), ("refs.bib", "-f", "html"), ("refs.bib", "-f", "json")]
)
def test_a_run_without_a_style_loads_no_citeproc(args: tuple[str, ...]) -> None:
    modules = _imported(*args)
    assert not {module for module in modules if module.split(".")[0] in ("citeproc", "lxml")}


def test_a_run_with_a_style_loads_citeproc() -> None:
    modules = _imported("refs.bib", "-f", "json", "--style", "ieee")
    assert "citeproc" in modules and "lxml" in modules


#: Each corpus file is cited entry by entry; its first entries are enough to
#: meet its oddities, and citing all 16,000 in six styles would take minutes.
CORPUS_ENTRIES = 12


@pytest.mark.parametrize("path", sorted(CORPUS.rglob("*.bib")), ids=lambda path: str(path.relative_to(CORPUS)))
def test_every_style_cites_the_corpus(path: Path) -> None:
    try:
        listing = load([path], Options(highlights=("Jane Doe",), keep_preprints=True))
    except NothingReadError:
        return
    entries = tuple(pub for group in listing.groups for pub in group.entries)[:CORPUS_ENTRIES]
    listing = replace(listing, groups=(Group("", entries),))
    for style in SHIPPED:
        # Keys may repeat in a corpus file: each entry has its own citation.
        citations, problems = cite_listing(listing, style)
        warned = {(problem.key, problem.file, problem.line) for problem in problems}
        assert all(problem.level == "warning" for problem in problems)
        for pub in entries:
            cited = entry_id(pub) in citations
            assert cited != ((pub.key, pub.file, pub.line or None) in warned), (style, pub.key)
        for pub in entries:
            if entry_id(pub) not in citations:
                continue
            citation = citations[entry_id(pub)]
            assert citation.text and citation.html and citation.markdown and citation.latex and citation.pieces
            assert "<" not in _OUR_HTML.sub("", citation.html), (style, citation.html)
            # A link only to one of the entry's own links, whose address the citation shows.
            assert all(url in pub.links.values() and url in citation.text for url in _hrefs(citation.html))
            assert "".join(text for text, _ in citation.pieces) == citation.text


def test_the_styles_are_shipped_with_their_provenance() -> None:
    folder = ROOT / "bib2pubs" / "rendering" / "styles"
    assert sorted(path.stem for path in folder.glob("*.csl")) == sorted(SHIPPED)
    provenance = (folder / "PROVENANCE").read_text(encoding="utf-8")
    assert "citation-style-language/styles" in provenance and "CC BY-SA 3.0" in provenance
    assert re.search(r"\b[0-9a-f]{40}\b", provenance)
