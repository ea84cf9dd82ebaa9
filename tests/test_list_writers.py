"""The built-in HTML and Markdown lists are the html.html.j2 and
markdown.md.j2 templates' output, byte for byte, though written without
Jinja: checked on every corpus file, with the options that change their
markup, with CSL styles, and through the pipeline (which takes the template
whenever the writer would not match it). The text list has its own test
(tests/test_plain_text.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bib2pubs import Options, RenderSpec, load, render
from bib2pubs.pipeline import cite
from bib2pubs.rendering.academicpages_list import render_academicpages
from bib2pubs.rendering.html_list import render_html
from bib2pubs.rendering.jinja import render_template
from bib2pubs.rendering.markdown_list import render_markdown
from bib2pubs.rendering.words import ENGLISH, words_for
from tests.conftest import CORPUS, REFS, invoke
from tests.corpus_support import corpus_id, listing_or_none

#: The largest corpus files are compared once, by tests/test_corpus.py.
LARGE = 1_000_000
DETAILS = Path(__file__).parent / "fixtures" / "details.bib"
FILES = [REFS, DETAILS, *sorted(path for path in CORPUS.rglob("*.bib") if path.stat().st_size <= LARGE)]
# What changes the markup: a title and heading level, links under a files
# folder and a site, shortened author lists, highlight styles and marks,
# another name style, the words of another language; braces in a title.
VARIANTS = [
    ({}, None, Options(), ENGLISH),
    (
        {"title": "Publications {{ page.x }}", "heading": "4", "files_base": "/files/", "base_url": "https://a.b/"},
        3,
        Options(highlights=("Chao Jin",), name_style="family-first"),
        words_for("zh"),
    ),
    ({"heading": "9"}, 1, Options(highlights_as=(("student", "Jin, Chao"),), name_style="initials"), words_for("de")),
]


def _name(path: Path) -> str:
    return corpus_id(path, CORPUS)


#: Each built-in written without Jinja, by template name: its writer, and
#: the format that, with no template, chooses it (None: only by name).
WRITERS = {"html": render_html, "markdown": render_markdown, "academicpages": render_academicpages}
CHOSEN_BY_FORMAT = {"html": "html", "markdown": "markdown", "academicpages": None}


def _variables(format_name: str, variables: dict[str, str]) -> dict[str, str]:
    """The variables a list reads (only the HTML list has a heading level)."""
    return {name: value for name, value in variables.items() if format_name == "html" or name != "heading"}


def _spec(name: str, variables: dict[str, str], max_authors: int | None = None) -> RenderSpec:
    """How a user asks for the list: its format alone, or the template's name."""
    if CHOSEN_BY_FORMAT[name]:
        return RenderSpec(name, None, variables, max_authors)
    return RenderSpec(None, name, variables, max_authors)


@pytest.mark.parametrize("format_name", sorted(WRITERS))
@pytest.mark.parametrize("path", FILES, ids=_name)
def test_the_list_is_the_templates_output(path: Path, format_name: str) -> None:
    for all_variables, max_authors, options, words in VARIANTS:
        variables = _variables(format_name, all_variables)
        listing = listing_or_none(path, options)
        if listing is None:
            return
        ours = WRITERS[format_name](listing, variables, max_authors, words)
        assert ours == render_template(listing, format_name, variables, max_authors, words=words)[0]
        if words is ENGLISH:
            assert render(listing, _spec(format_name, variables, max_authors)) == ours


@pytest.mark.parametrize("format_name", sorted(WRITERS))
@pytest.mark.parametrize("style", ["apa", "ieee", "nature"])
def test_the_list_is_the_templates_output_with_a_style(style: str, format_name: str) -> None:
    listing = load(str(DETAILS), Options(highlights=("Christopher Steven Timperley",)))
    citations, notes = cite(listing, style, "en")
    assert notes == []
    ours = WRITERS[format_name](listing, {}, None, ENGLISH, citations)
    assert ours == render_template(listing, format_name, {}, None, words=ENGLISH, citations=citations)[0]
    # The citation is there, its highlight marked up.
    assert ("pub-highlight" if format_name == "html" else "**") in ours


@pytest.mark.parametrize("format_name", sorted(WRITERS))
def test_other_variables_go_through_the_template_which_reports_them(format_name: str) -> None:
    text, notes = render_template(load([str(REFS)]), format_name, {"titel": "x"})
    assert any("titel" in note.message for note in notes)
    result = invoke(str(REFS), "-t", format_name, "--set", "titel=x")
    assert result.exit_code == 0
    assert "titel" in result.stderr
    assert result.stdout == text


@pytest.mark.parametrize(
    ("name", "file"),
    [("html", "html.html.j2"), ("markdown", "markdown.md.j2"), ("academicpages", "academicpages.md.j2")],
)
def test_a_template_of_ones_own_replaces_the_built_in(tmp_path: Path, name: str, file: str) -> None:
    (tmp_path / file).write_text("<p>{{ groups|length }} years</p>\n", encoding="utf-8")
    listing = load([str(REFS)])
    expected = f"<p>{len(listing.groups)} years</p>\n"
    if CHOSEN_BY_FORMAT[name]:
        assert render(listing, RenderSpec(name, template_dirs=(str(tmp_path),))) == expected
    assert render(listing, RenderSpec(None, name, template_dirs=(str(tmp_path),))) == expected


@pytest.mark.parametrize("format_name", sorted(WRITERS))
def test_a_script_link_is_no_link_in_either(tmp_path: Path, format_name: str) -> None:
    bib = tmp_path / "x.bib"
    bib.write_text(
        "@misc{k, title = {T}, author = {A B}, year = 2020, url = {javascript:alert(1)},"
        " pdf = {data:text/html,<script>x</script>}, code = {x.zip}, html = {/p/{{x}}.html}}\n",
        encoding="utf-8",
    )
    listing = load([str(bib)])
    variables = {"files_base": "/files/", "base_url": "https://a.b/"}
    ours = WRITERS[format_name](listing, variables)
    assert "javascript:" not in ours and "data:text" not in ours and "<script>" not in ours
    assert "https://a.b/files/x.zip" in ours
    # No brace from the data: academicpages' own include is the page's.
    assert "{" not in ours.replace("{% include base_path %}", "")
    assert ours == render_template(listing, format_name, variables)[0]
