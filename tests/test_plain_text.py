"""The built-in plain-text list is the text.txt.j2 template's output, byte
for byte, though written without Jinja: checked on every corpus file, with
the options that change its lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from bib2pubs import Options, RenderSpec, UsageError, load, render
from bib2pubs.rendering.jinja import render_template
from bib2pubs.rendering.plain_text import render_text
from bib2pubs.rendering.words import ENGLISH, words_for
from tests.conftest import CORPUS, REFS, invoke
from tests.corpus_support import corpus_id, listing_or_none

#: The largest corpus files (over a megabyte: tugboat, a 7,000-entry
#: export) are swept once, by tests/test_corpus.py, which makes the same
#: comparison there with one set of options.
LARGE = 1_000_000
DETAILS = Path(__file__).parent / "fixtures" / "details.bib"
FILES = [REFS, DETAILS, *sorted(path for path in CORPUS.rglob("*.bib") if path.stat().st_size <= LARGE)]
# What changes the lines: a heading, narrow and wide wrapping, shortened
# author lists, another name style, a second highlight style, the words of
# another language.
VARIANTS = [
    ({}, None, Options(), ENGLISH),
    (
        {"title": "Publications", "width": "40"},
        3,
        Options(highlights=("Chao Jin",), name_style="family-first"),
        words_for("zh", {"pages": "pages {}"}),
    ),
    ({"width": "12"}, 1, Options(highlights_as=(("student", "Jin, Chao"),), name_style="initials"), words_for("de")),
]


def _name(path: Path) -> str:
    return corpus_id(path, CORPUS)


@pytest.mark.parametrize("path", FILES, ids=_name)
def test_the_text_list_is_the_templates_output(path: Path) -> None:
    for variables, max_authors, options, words in VARIANTS:
        listing = listing_or_none(path, options)
        if listing is None:
            return
        ours = render_text(listing, variables, max_authors, words)[0]
        assert ours == render_template(listing, "text", variables, max_authors, words=words)[0]
        if words is ENGLISH:
            assert render(listing, RenderSpec("text", None, variables, max_authors)) == ours


def test_unknown_variables_are_reported_as_the_template_reports_them() -> None:
    listing = load([str(REFS)])
    for name in ("titel", "names", "tail", "persons", "width2"):
        assert render_text(listing, {name: "x"})[1] == render_template(listing, "text", {name: "x"})[1], name
    with pytest.raises(UsageError, match="--set groups"):
        render_text(listing, {"groups": "x"})


@pytest.mark.parametrize("width", ["abc", "0", "4", "inf", "-3"])
def test_a_width_that_is_no_width_is_a_usage_error(width: str) -> None:
    result = invoke(str(REFS), "-f", "text", "--set", f"width={width}")
    assert result.exit_code == 2
    assert f"--set width={width}: a number of columns" in result.stderr


def test_a_text_template_of_ones_own_replaces_the_built_in(tmp_path: Path) -> None:
    (tmp_path / "text.txt.j2").write_text("{{ groups|length }} years\n", encoding="utf-8")
    listing = load([str(REFS)])
    text = render(listing, RenderSpec("text", template_dirs=(str(tmp_path),)))
    assert text == f"{len(listing.groups)} years\n"
    assert render(listing, RenderSpec("text", "text", template_dirs=(str(tmp_path),))) == text
