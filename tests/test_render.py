"""Rendering: per-format escaping (property tests), templates, the preview."""

from __future__ import annotations

import io
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import bib2pubs
from bib2pubs import Listing
from bib2pubs.model import Group, Person, Publication, Venue
from bib2pubs.rendering.filters import markdown_url, venue_text, venue_when, yaml_scalar, yaml_string
from bib2pubs.rendering.jinja import builtin_templates, render_template, template_format
from bib2pubs.rendering.markdown_text import markdown_escape
from bib2pubs.rendering.terminal import show
from tests.conftest import REFS

MARKDOWN_SPECIALS = set("\\`*_[]<>$|~#{}")


def publication(text: str = "Title", **changes: object) -> Publication:
    person = Person("Ana", "", text, "", f"Ana {text}", "self", ("equal",))
    fields: dict[str, object] = {
        "key": "k",
        "type": "inproceedings",
        "kind": "conference",
        "title": text,
        "year": 2024,
        "month": None,
        "authors": (person, Person("Bo", "", "Li", "", "Bo Li")),
        "editors": (),
        "venue": Venue(text, "X", f"X {text}", "https://example.org/?a=1&b=2", text, "May 1, 2024"),
        "links": {"pdf": "https://example.org/p q(1).pdf", "code": "/code"},
        "note": text,
    }
    fields.update(changes)
    return Publication(**fields)  # type: ignore[arg-type]


def listing_of(*publications: Publication) -> Listing:
    return Listing((Group("2024", tuple(publications)),), (), len(publications))


def unescaped_specials(text: str) -> list[str]:
    """Markdown special characters not preceded by a backslash escape."""
    found, index = [], 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            index += 2
            continue
        if text.startswith(("&#123;", "&#125;"), index):  # the escapes for braces
            index += 6
            continue
        if char in MARKDOWN_SPECIALS:
            found.append(char)
        index += 1
    return found


@given(st.text())
@settings(max_examples=500)
def test_markdown_escape_leaves_no_special_unescaped(text: str) -> None:
    escaped = markdown_escape(text)
    assert unescaped_specials(escaped) == []
    unescaped = re.sub(r"\\(.)", r"\1", escaped, flags=re.S)
    assert unescaped.replace("&#123;", "{").replace("&#125;", "}").replace("&amp;", "&") == text


def test_markdown_escape_examples() -> None:
    assert markdown_escape("C*-algebras and x_1 [draft] <b>") == "C\\*-algebras and x\\_1 \\[draft\\] \\<b\\>"
    # No Liquid: Jekyll would run {{ … }} and {% … %} before Markdown.
    assert markdown_escape("{{ site.url }} {% raw %}") == "&#123;&#123; site.url &#125;&#125; &#123;% raw %&#125;"
    assert markdown_escape("AT&T &amp; &copy; &#123;") == "AT&T &amp;amp; &amp;copy; &amp;\\#123;"
    assert markdown_escape("Li-Wen Chang, Jr.") == "Li-Wen Chang, Jr."


def test_markdown_url_keeps_links_whole() -> None:
    assert markdown_url("https://example.org/a b(1).pdf") == "https://example.org/a%20b%281%29.pdf"
    assert markdown_url("/files/papers/x.pdf?a=1&b=2#s") == "/files/papers/x.pdf?a=1&b=2#s"


def test_yaml_helpers() -> None:
    assert yaml_string('a "b" \\ c') == 'a \\"b\\" \\\\ c'
    assert yaml_scalar("/publications/") == "/publications/"
    assert yaml_scalar("Full: Publications") == '"Full: Publications"'


TAG = re.compile(r"</?[a-z][a-z0-9]*(?:\s+[a-z-]+=\"[^\"<>]*\")*\s*>")


@given(st.text(min_size=1))
@settings(max_examples=200, deadline=None)
def test_html_output_never_carries_data_as_markup(text: str) -> None:
    html, _ = render_template(listing_of(publication(text)), "html")
    without_template_tags = TAG.sub("", html)
    assert "<" not in without_template_tags
    assert ">" not in without_template_tags


@given(st.text(min_size=1))
@settings(max_examples=200, deadline=None)
def test_markdown_templates_escape_every_field(text: str) -> None:
    for template in ("academicpages", "markdown"):
        page, _ = render_template(listing_of(publication(text)), template)
        assert markdown_escape(text) in page


@pytest.mark.parametrize("name", sorted(builtin_templates()))
def test_every_builtin_renders_an_empty_listing(name: str) -> None:
    text, _ = render_template(Listing((), (), 0), name)
    assert "Title" not in text


def test_builtin_template_formats() -> None:
    formats = {name: template_format(file) for name, file in builtin_templates().items()}
    assert formats == {
        "academicpages": "markdown",
        "markdown": "markdown",
        "html": "html",
        "html-page": "html",
        "text": "text",
        "latex": "latex",
        "latex-document": "latex",
        "al-folio": "html",
    }


def test_venue_line_parts() -> None:
    conference = publication("T", venue=Venue("Symp.", "S", "S 2024", "", "Boston", "April 17–19, 2024"))
    assert venue_when(conference) == "Boston, April 17–19, 2024"
    assert venue_text(conference) == "Symp. (S 2024), Boston, April 17–19, 2024"
    journal = publication("T", kind="journal", venue=Venue("J. ACM", "JACM", "JACM"))
    assert venue_text(journal) == "J. ACM (JACM), 2024"
    undated = publication("T", kind="journal", year=None, venue=Venue("J. ACM"))
    assert venue_text(undated) == "J. ACM"
    free_text_dates = publication("T", venue=Venue("C", dates="September 10-14"))
    assert venue_when(free_text_dates) == "September 10-14, 2024"  # the year is added when missing
    preprint = publication("T", kind="preprint", venue=Venue())
    assert venue_text(preprint) == "Preprint"


def test_hidden_entries_are_comments_in_markdown_and_absent_elsewhere() -> None:
    hidden = publication("Secret draft", hidden=True, key="hidden")
    shown = publication("Public paper")
    listing = listing_of(hidden, shown)
    page, _ = render_template(listing, "academicpages")
    assert "<!-- **Secret draft**" in page
    for template in ("html", "text"):
        text, _ = render_template(listing, template)
        assert "Secret draft" not in text and "Public paper" in text


def test_hidden_entry_cannot_close_its_comment_early() -> None:
    page, _ = render_template(listing_of(publication("A --> B", hidden=True)), "academicpages")
    comment = page[page.index("<!--") + 4 :]
    assert comment.index("-->") == len(comment.rstrip()) - 3


def _preview(monkeypatch: pytest.MonkeyPatch, color: bool) -> str:
    monkeypatch.setenv("FORCE_COLOR" if color else "NO_COLOR", "1")
    monkeypatch.delenv("NO_COLOR" if color else "FORCE_COLOR", raising=False)
    out = io.StringIO()
    show(bib2pubs.load([str(REFS)], bib2pubs.Options(highlights=("Chao Jin",))), file=out)
    return out.getvalue()


def test_preview_bold_highlight_and_links(monkeypatch: pytest.MonkeyPatch) -> None:
    text = _preview(monkeypatch, color=True)
    assert "\x1b[1mChao Jin\x1b[0m" in text
    assert "\x1b]8;id=" in text and "https://arxiv.org/pdf/2504.15930" in text  # an OSC 8 hyperlink
    assert "/files/papers/NSDI24-Jolteon.pdf" in text  # a relative link, shown as text
    assert "MegaScale-MoE" not in text  # hidden


def test_preview_honours_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    text = _preview(monkeypatch, color=False)
    assert "\x1b[" not in text
    assert "Jolteon: Unleashing the Promise of Serverless" in text


def test_text_that_starts_a_line_cannot_start_a_list() -> None:
    person = Person("", "", "1. FC Köln", "", "1. FC Köln")
    page, _ = render_template(listing_of(publication("T", authors=(person,))), "academicpages")
    assert "\n1\\. FC Köln" in page
    assert markdown_escape("- - -") == "\\- - -" and markdown_escape("===") == "\\==="


def test_preview_underlines_a_second_style_and_shortens_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    out = io.StringIO()
    options = bib2pubs.Options(highlights=("Chao Jin",), highlights_as=(("student", "Zili Zhang"),))
    show(bib2pubs.load([str(REFS)], options), file=out, max_authors=4)
    text = out.getvalue()
    assert "\x1b[4mZili Zhang\x1b[0m" in text  # underlined
    assert "\x1b[1mChao Jin\x1b[0m" in text  # bold
    # Hanpeng Hu is one name between two shown: "…" would save nothing.
    names = "Yinmin Zhong, \x1b[4mZili Zhang\x1b[0m, Xiaoniu Song, Hanpeng Hu, \x1b[1mChao Jin\x1b[0m, …, Daxin Jiang"
    assert names in text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(" a1.-+=:)&#;{}\\`*_[]<>$|~\t\n")) | st.characters(), max_size=30))
def test_markdown_escape_takes_its_shortcut_only_where_nothing_changes(text: str) -> None:
    # The rewrites themselves, without the shortcut for text they leave alone.
    from bib2pubs.rendering import markdown_text as mt

    slow = mt._MARKDOWN_SPECIAL.sub(r"\\\1", mt._ENTITY.sub("&amp;", text))
    slow = mt._LINE_START.sub(r"\1\\\2", slow, count=1).translate(mt._BRACES)
    assert markdown_escape(text) == slow
