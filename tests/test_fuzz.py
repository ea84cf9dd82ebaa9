"""Fuzzing the whole path a .bib takes: bytes → decode → parse → normalize
→ select → every format. Bounded by hypothesis' example count, so CI runs it
on every build, beside the corpus sweep; a failing input is printed and
kept by hypothesis for the next run."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bib2pubs import NothingReadError, Options
from bib2pubs.model import KINDS
from bib2pubs.names.match import make_pattern
from bib2pubs.pipeline import build_listing
from bib2pubs.read.source import Source, decode
from bib2pubs.rendering.academicpages_list import render_academicpages
from bib2pubs.rendering.html_list import render_html
from bib2pubs.rendering.jinja import render_template
from bib2pubs.rendering.json_model import to_json
from bib2pubs.rendering.markdown_list import render_markdown
from bib2pubs.rendering.plain_text import render_text
from bib2pubs.report.explain import explain
from bib2pubs.report.stats import compute

# Pieces of real .bib syntax and of the content that trips parsers up.
_PIECES = [
    "@article{", "@inproceedings{", "@misc{", "@string{", "@comment{", "@preamble{", "}", "{", "(", ")", ",",
    " = ", "=", '"', "#", "%", "\n", " ", "\\", "\\'e", "{\\\"o}", "$x^2$", "~", "&", "_",
    "author", "title", "booktitle", "journal", "year", "month", "crossref", "pdf", "url", "eprint", "note",
    " and ", " and others", "Jin, Chao", "Chao Jin", "\\textbf{", "*", "$^\\dagger$", "et al.",
    "2024", "apr", "javascript:alert(1)", "https://x.org/a b", "<script>", "{{", "{%",
    "Proceedings of the 29th ", "(NSDI 24)", "CoRR", "abs/1234.5678", "arXiv:2401.00001",
    "\u00e9", "\u4e2d", "\u2010", "\x00", "\r\n",
]  # fmt: skip
_BIB = st.lists(st.sampled_from(_PIECES), max_size=60).map("".join)
_ENCODED = st.one_of(
    _BIB.map(lambda text: text.encode("utf-8")),
    _BIB.map(lambda text: text.encode("utf-8", "ignore")[:200] + b"\xff\xfe\xe9"),
    st.binary(max_size=200),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_ENCODED)
def test_any_bytes_reach_every_format_or_a_clear_refusal(data: bytes) -> None:
    text, problems = decode(data, "fuzz.bib")
    options = Options(highlights=("Chao Jin",), strict=True)
    try:
        listing = build_listing([Source("fuzz.bib", text)], options)
    except NothingReadError:
        return
    for diagnostic in (*problems, *listing.diagnostics):
        assert diagnostic.level in ("error", "warning")
        assert "internal error" not in diagnostic.message, diagnostic
    publications = [pub for group in listing.groups for pub in group.entries]
    assert all(pub.kind in KINDS for pub in publications)
    for template in ("academicpages", "markdown", "html", "html-page", "text", "latex"):
        output, _ = render_template(listing, template, max_authors=3)
        assert isinstance(output, str)
        # The lists written without Jinja are the templates' output, whatever the input.
        writer = {"markdown": render_markdown, "html": render_html, "academicpages": render_academicpages}.get(template)
        if writer is not None:
            assert writer(listing, {}, 3) == output
        if template == "text":
            assert render_text(listing, {}, 3)[0] == output
    to_json(listing)
    compute(listing)
    explain(listing, [make_pattern("Chao Jin")])


# Fields that hold numbers, and digits of every script: "²" is a digit to
# str.isdigit that int() cannot read, "٣" one that int() reads as 3.
_NUMERIC_FIELDS = ["edition", "volume", "number", "issue", "pages", "chapter", "year", "month", "day", "date"]
_SOME_DIGITS = ["1", "2", "12", "²", "¹²", "½", "٣", "१२", "፩", "Ⅻ", "１２"]
_DIGITS = st.one_of(
    st.lists(st.sampled_from(_SOME_DIGITS), min_size=1, max_size=3).map("".join),
    st.text(st.characters(whitelist_categories=("Nd", "No", "Nl")), min_size=1, max_size=4),
)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(_NUMERIC_FIELDS), st.one_of(_DIGITS, _DIGITS.map(lambda digits: f"{digits}--{digits}")))
def test_numbers_in_any_script_in_any_numeric_field_reach_every_format(field: str, value: str) -> None:
    book = f"@book{{k, title = {{T}}, author = {{A B}}, publisher = {{P}}, year = 2020, {field} = {{{value}}}}}"
    article = f"@article{{j, title = {{U}}, author = {{C D}}, journal = {{J}}, {field} = {{{value}}}}}"
    text = f"{book}\n{article}\n"
    listing = build_listing([Source("digits.bib", text)], Options(strict=True))
    for diagnostic in listing.diagnostics:
        assert "internal error" not in diagnostic.message, diagnostic
    assert {pub.key for group in listing.groups for pub in group.entries} == {"k", "j"}
    for template in ("academicpages", "markdown", "html", "html-page", "text", "latex"):
        render_template(listing, template, max_authors=3)
    render_html(listing, {}, 3)
    render_markdown(listing, {}, 3)
    render_text(listing, {}, 3)
    to_json(listing)
