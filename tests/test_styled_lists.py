"""``--style`` in every list: each entry is its citation, the highlighted
people and their marks kept, its footnotes and links after it, inside
bib2pubs' groups; the plain text still equals its template."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bib2pubs import Listing, Options, RenderSpec, load, render
from bib2pubs.pipeline import cite
from bib2pubs.rendering.jinja import render_template
from bib2pubs.rendering.plain_text import render_text
from bib2pubs.rendering.words import ENGLISH
from tests.conftest import REFS, invoke

DETAILS = str(Path(__file__).parent / "fixtures" / "details.bib")
ME = "Christopher Steven Timperley"


@pytest.fixture(scope="module")
def listing() -> Listing:
    return load(DETAILS, Options(highlights=(ME,)))


#: format → how the highlighted name looks in it.
HIGHLIGHTED = {
    "markdown": "**C. S. Timperley**",
    "html": '<strong class="pub-author pub-highlight pub-highlight-self">C. S. Timperley</strong>',
    "latex": "\\textbf{C. S. Timperley}",
}


@pytest.mark.parametrize("format_name", list(HIGHLIGHTED))
def test_each_entry_is_the_styles_citation_with_the_highlight_kept(listing: Listing, format_name: str) -> None:
    out = render(listing, RenderSpec(format_name, style="ieee"))
    assert HIGHLIGHTED[format_name] in out
    # The style's own words and order: IEEE's quoted title and "vol. 13, no. 12".
    assert "“Joint Estimation of Balanced Motions" in out
    assert "vol. 13, no. 12" in out
    # bib2pubs' year groups stay.
    assert "2021" in out and "1935" in out


def test_the_groups_and_the_entries_are_the_same_with_a_style(listing: Listing) -> None:
    plain = render(listing, RenderSpec("html"))
    styled = render(listing, RenderSpec("html", style="apa"))
    ids = re.compile(r'id="pub-([^"]+)"')
    assert ids.findall(plain) == ids.findall(styled)
    assert styled.count('<span class="pub-citation">') == len(ids.findall(styled))
    assert '<span class="pub-title">' not in styled


def test_the_links_the_citation_shows_are_not_said_again(listing: Listing) -> None:
    apa = render(listing, RenderSpec("text", style="apa"))
    # APA ends with the DOI's address: the "DOI:" link line would repeat it.
    assert "https://doi.org/10.1029/2021MS002613" in apa
    assert "DOI: https://doi.org/10.1029/2021MS002613" not in apa
    ieee = render(listing, RenderSpec("text", style="ieee"))
    # IEEE writes "doi: 10.…" without the address: the link stays.
    assert "DOI: https://doi.org/10.1029/2021MS002613" in ieee


def test_footnotes_follow_the_citation(tmp_path: Path) -> None:
    bib = tmp_path / "marks.bib"
    bib.write_text(
        "@article{a, author = {Ana Li and Bo Wu}, author+an = {1=equal;2=equal}, title = {T},"
        " journal = {J}, year = 2020}\n",
        encoding="utf-8",
    )
    out = render(load(str(bib), Options(highlights=("Ana Li",))), RenderSpec("markdown", style="apa"))
    assert "**Li, A.**\\*" in out
    assert "\\* Equal contribution" in out


def test_the_plain_text_is_the_templates_output_with_a_style(listing: Listing) -> None:
    for style in ("apa", "ieee", "nature"):
        citations, notes = cite(listing, style, "en")
        assert notes == []
        ours = render_text(listing, {"width": "60"}, None, ENGLISH, citations)[0]
        assert ours == render_template(listing, "text", {"width": "60"}, None, words=ENGLISH, citations=citations)[0]


def test_the_seed_page_is_untouched_without_a_style() -> None:
    out = invoke(str(REFS), "-H", "Chao Jin", "-t", "academicpages", "--set", "title=Full Publications")
    golden = (Path(__file__).parent / "golden" / "refs.academicpages.md").read_text(encoding="utf-8")
    assert out.stdout == golden


def test_the_command_cites_in_every_output() -> None:
    for args in (["-f", "text"], ["-f", "markdown"], ["-f", "html"], ["-f", "latex"], ["-t", "academicpages"]):
        result = invoke(DETAILS, "-H", ME, "--style", "apa", *args)
        assert result.exit_code == 0, result.stderr
        assert "Timperley, C. S." in result.stdout, args
        assert "(2021)" in result.stdout, args


def test_the_terminal_preview_cites() -> None:
    result = invoke(DETAILS, "-H", ME, "--style", "apa")
    assert result.exit_code == 0, result.stderr
    assert "Timperley, C. S., Afzal, A." in result.stdout


def test_a_split_item_carries_the_styles_citation(tmp_path: Path) -> None:
    result = invoke(DETAILS, "-H", ME, "--style", "apa", "-t", "academicpages-item", "--split", str(tmp_path / "pubs"))
    assert result.exit_code == 0, result.stderr
    page = next((tmp_path / "pubs").glob("2018-*icst18crashing*.md")).read_text(encoding="utf-8")
    citation = next(line for line in page.splitlines() if line.startswith("citation: "))
    assert "Timperley, C. S., Afzal, A., Katz, D." in citation


@pytest.mark.parametrize("format_name", ["bibtex", "csl-json"])
def test_data_formats_say_they_take_no_style(format_name: str) -> None:
    result = invoke(DETAILS, "-f", format_name, "--style", "apa")
    assert result.exit_code == 0
    assert f"--style apa: {format_name} output is the entries' data, not citations" in result.stderr


def test_an_unknown_style_is_a_usage_error_before_any_output(tmp_path: Path) -> None:
    out = tmp_path / "pubs.md"
    result = invoke(DETAILS, "--style", "no-such-style", "-o", str(out))
    assert result.exit_code == 2
    assert "no-such-style" in result.stderr
    assert not out.exists()


def test_two_entries_with_one_key_each_have_their_citation() -> None:
    bib = "@article{k, title={First}, author={A B}, journal={J}, year=2021}\n" + (
        "@article{k, title={Second}, author={C D}, journal={K}, year=2020}\n"
    )
    result = invoke("-", "--no-config", "-f", "text", "--style", "apa", input=bib)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("First") == 1 and result.stdout.count("Second") == 1
    assert result.stdout.index("Second") > result.stdout.index("2020\n----")


def test_a_style_without_locale_is_cited_in_its_default_locale(tmp_path: Path) -> None:
    apa = (Path(__file__).parent.parent / "bib2pubs" / "rendering" / "styles" / "apa.csl").read_text(encoding="utf-8")
    german = tmp_path / "apa-de.csl"
    german.write_text(apa.replace("<style ", '<style default-locale="de-DE" ', 1), encoding="utf-8")
    bib = "@incollection{a, title={T}, author={A B}, editor={E F and G H}, booktitle={Book}, year=2020}\n"
    own = invoke("-", "--no-config", "-f", "text", "--style", str(german), input=bib)
    assert "(Hrsg.)" in own.stdout, own.stdout
    asked = invoke("-", "--no-config", "-f", "text", "--style", str(german), "--locale", "en", input=bib)
    assert "(Eds.)" in asked.stdout, asked.stdout


@pytest.mark.parametrize("format_name", ["text", "markdown", "html", "latex"])
def test_the_note_stays_beside_the_citation_unless_the_style_says_it(format_name: str) -> None:
    bib = "@inproceedings{a, title={T}, author={A B}, booktitle={Conf}, year=2025, note={To appear}}\n"
    result = invoke("-", "--no-config", "-f", format_name, "--style", "apa", input=bib)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("To appear") == 1
    # A style that prints the note itself is not followed by it again.
    misc = bib.replace("inproceedings", "misc")
    result = invoke("-", "--no-config", "-f", format_name, "--style", "ieee", input=misc)
    assert result.stdout.count("To appear") == 1, result.stdout
