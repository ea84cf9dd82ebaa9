"""The name options from the command line: --highlight-as, --alias,
--name-style, --max-authors, --explain, and marks in every format."""

from __future__ import annotations

import json

import pytest

from tests.conftest import invoke

LAB = r"""
@inproceedings{serve,
  title     = {Serving Models},
  author    = {Jin, Chao and Li, Ana and Zhang, Zili and Jin, Xin and Wu, Bo and Chen, Nuo and Zhou, Yu},
  booktitle = {NSDI},
  year      = 2024,
  equal     = {1, Ana Li},
  corresponding = {7},
}
@article{old,
  title   = {Early Work},
  author  = {Shi, Haoyue and C. Jin},
  journal = {TPDS},
  year    = 2019,
}
@article{other,
  title   = {Not Mine},
  author  = {Jin, Xin and \textbf{Wu, Bo}},
  journal = {TPDS},
  year    = 2018,
}
@misc{scan,
  title   = {Reversed},
  author  = {Jin Chao and Zhou Yu},
  year    = 2017,
}
"""


@pytest.fixture
def lab(write_bib):  # type: ignore[no-untyped-def]
    return str(write_bib(LAB))


def test_highlight_as_gives_a_second_style_in_each_format(lab: str) -> None:
    args = (lab, "-H", "Chao Jin", "--highlight-as", "student=Ana Li")
    markdown = invoke(*args, "-f", "markdown")
    assert markdown.exit_code == 0, markdown.stderr
    assert "**Chao Jin**\\*, <u>Ana Li</u>\\*, Zili Zhang" in markdown.stdout
    html = invoke(*args, "-f", "html").stdout
    assert '<strong class="pub-author pub-highlight pub-highlight-self">Chao Jin</strong>' in html
    assert '<span class="pub-author pub-highlight pub-highlight-student">Ana Li</span>' in html
    model = json.loads(invoke(*args, "-f", "json").stdout)
    authors = model["groups"][0]["entries"][0]["authors"]
    assert [a["highlight"] for a in authors[:3]] == ["self", "student", None]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Ana Li", "--highlight-as wants STYLE=NAME"),
        ("=Ana Li", "--highlight-as wants STYLE=NAME"),
        ("my student=Ana Li", "highlight style 'my student'"),
    ],
)
def test_highlight_as_mistakes_are_usage_errors(lab: str, value: str, message: str) -> None:
    result = invoke(lab, "--highlight-as", value, "-f", "text")
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("name", [",", "{}", "-", "  "])
def test_a_highlight_without_a_name_is_a_usage_error(lab: str, name: str) -> None:
    result = invoke(lab, "-H", name, "-f", "text")
    assert result.exit_code == 2
    assert "e.g. --highlight 'Chao Jin'" in result.stderr


def test_alias_highlights_the_name_published_before(lab: str) -> None:
    result = invoke(lab, "-H", "Freda Shi", "--alias", "Freda Shi=Haoyue Shi", "-f", "markdown")
    assert result.exit_code == 0, result.stderr
    assert "**Haoyue Shi**" in result.stdout
    assert "matches nobody" not in result.stderr
    without = invoke(lab, "-H", "Freda Shi", "-f", "markdown")
    assert "**Haoyue Shi**" not in without.stdout
    assert "--highlight 'Freda Shi' matches nobody in the listing" in without.stderr


def test_alias_needs_two_names(lab: str) -> None:
    result = invoke(lab, "--alias", "Freda Shi", "-f", "text")
    assert result.exit_code == 2
    assert "--alias wants 'NAME=OTHER NAME'" in result.stderr


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("full", "Chao Jin*, Ana Li*, Zili Zhang"),
        ("initials", "C. Jin*, A. Li*, Z. Zhang"),
        ("family-first", "Jin, C.*, Li, A.*, Zhang, Z."),
        ("family-first-full", "Jin, Chao*, Li, Ana*, Zhang, Zili"),
    ],
)
def test_name_style(lab: str, style: str, expected: str) -> None:
    result = invoke(lab, "--name-style", style, "-f", "text", "--set", "width=200")
    assert result.exit_code == 0, result.stderr
    assert expected in result.stdout


def test_max_authors_keeps_the_highlighted_visible(lab: str) -> None:
    text = invoke(lab, "-H", "Nuo Chen", "--max-authors", "3", "-f", "text", "--set", "width=200").stdout
    assert "Chao Jin*, Ana Li*, …, Nuo Chen, Yu Zhou†" in text
    markdown = invoke(lab, "-H", "Zili Zhang", "--max-authors", "3", "-f", "markdown").stdout
    assert "Chao Jin\\*, Ana Li\\*, **Zili Zhang**, …, Yu Zhou†" in markdown
    html = invoke(lab, "--max-authors", "2", "-f", "html").stdout
    assert '<span class="pub-author-more">…</span>' in html
    model = json.loads(invoke(lab, "--max-authors", "2", "-f", "json").stdout)
    assert len(model["groups"][0]["entries"][0]["authors"]) == 7  # the model keeps everyone


def test_max_authors_must_be_positive(lab: str) -> None:
    result = invoke(lab, "--max-authors", "0", "-f", "text")
    assert result.exit_code == 2


def test_marks_from_simple_fields_and_their_footnotes(lab: str) -> None:
    markdown = invoke(lab, "-f", "markdown").stdout
    assert "Chao Jin\\*, Ana Li\\*, Zili Zhang, Xin Jin, Bo Wu, Nuo Chen, Yu Zhou†" in markdown
    assert "\\* Equal contribution" in markdown
    assert "† Corresponding author" in markdown
    page = invoke(lab, "-t", "academicpages").stdout
    assert "(\\* Equal Contribution)" in page and "(† Corresponding Author)" in page
    html = invoke(lab, "-f", "html").stdout
    assert '<sup class="pub-mark pub-mark-corresponding" title="corresponding">†</sup>' in html
    assert '<span class="pub-note">† Corresponding author</span>' in html


def test_a_mark_naming_nobody_is_reported(write_bib) -> None:  # type: ignore[no-untyped-def]
    path = write_bib("@article{a, title={T}, author={Jin, Chao}, equal={Ana Li}, journal={J}, year=2020}\n")
    result = invoke(str(path), "-f", "text")
    assert result.exit_code == 0
    assert f"{path}:1: warning: a: equal = {{Ana Li}}: no such author in the list of 1" in result.stderr


def test_explain_reports_uncertain_matches_near_misses_and_misses(lab: str) -> None:
    result = invoke(lab, "-H", "Chao Jin", "--explain", "-f", "text")
    assert result.exit_code == 0, result.stderr
    report = result.stderr
    assert "--highlight 'Chao Jin': found in 3 of 4 entries" in report
    assert "'C. Jin' (initials only): 1 entry: old" in report
    assert "'Jin Chao' (family name first, without a comma): 1 entry: scan" in report
    assert "'Jin, Xin' (same family name, another given name): 2 entries: serve, other" in report
    assert "not found in 1 entry:" in report
    assert f"{lab}:16: other: Xin Jin, Bo Wu" in report
    # Bo Wu is bold by hand: the page shows two bold names, and the report says so.
    assert "bold in the .bib, not matched:\n    'Wu, Bo' (highlighted by the .bib itself): 1 entry: other" in report


def test_explain_lists_names_bold_in_the_bib_that_the_highlight_misses(write_bib) -> None:  # type: ignore[no-untyped-def]
    path = write_bib("@article{a, title={T}, author={\\textbf{Jin, Chau} and Li, Ana}, journal={J}, year=2020}\n")
    result = invoke(str(path), "-H", "Chao Jin", "--explain", "-f", "text")
    assert "'Jin, Chau' (highlighted by the .bib itself): 1 entry: a" in result.stderr


def test_explain_reports_ue_for_umlaut_and_a_stray_comma_keeps_the_owner(write_bib) -> None:  # type: ignore[no-untyped-def]
    path = write_bib(
        "@article{a, title={T}, author={Mueller, Meinard and Li, Ana}, journal={J}, year=2020}\n"
        "@article{b, title={U}, author={Torralba-Agell, Adri{\\`a}, and P{\\'e}rez-Sol{\\`a}, Cristina},"
        " journal={J}, year=2021}\n"
    )
    result = invoke(str(path), "-H", "Meinard Müller", "--explain", "-f", "text")
    assert "'Mueller, Meinard' (ue, oe or ae written for ü, ö or ä): 1 entry: a" in result.stderr
    result = invoke(str(path), "-H", "Adrià Torralba-Agell", "-f", "text")
    assert "stray comma after 'Torralba-Agell, Adri{\\`a}'" in result.stderr
    # The owner is highlighted, read as one person with the given name.
    model = json.loads(invoke(str(path), "-H", "Adrià Torralba-Agell", "-f", "json").stdout)
    (entry,) = [entry for group in model["groups"] for entry in group["entries"] if entry["key"] == "b"]
    assert [(person["display"], person["highlight"]) for person in entry["authors"]] == [
        ("Adrià Torralba-Agell", "self"),
        ("Cristina Pérez-Solà", None),
    ]


def test_explain_needs_a_highlight(lab: str) -> None:
    result = invoke(lab, "--explain", "-f", "text")
    assert result.exit_code == 2
    assert "--explain reports on highlighted people" in result.stderr


def test_explain_leaves_standard_output_alone(lab: str) -> None:
    plain = invoke(lab, "-H", "Chao Jin", "-f", "markdown")
    explained = invoke(lab, "-H", "Chao Jin", "-f", "markdown", "--explain")
    assert explained.stdout == plain.stdout
    assert len(explained.stderr) > len(plain.stderr)


def test_a_highlight_typed_family_name_first_is_read_so_when_nothing_else_matches(write_bib) -> None:  # type: ignore[no-untyped-def]
    path = write_bib(
        "@article{a, title={A}, author={Zhang, Chengyuan and Li, Wang}, journal={J}, year=2020}\n"
        "@article{b, title={B}, author={Chengyuan Zhang and Wang Li}, journal={J}, year=2021}\n"
    )
    result = invoke(str(path), "-H", "Zhang Chengyuan", "-f", "markdown", "--explain")
    assert result.stdout.count("**Chengyuan Zhang**") == 2
    assert "--highlight 'Zhang Chengyuan' finds nobody as written; read family name first" in result.stderr
    assert "found in 2 of 2 entries" in result.stderr
    typed_right = invoke(str(path), "-H", "Chengyuan Zhang", "-f", "markdown")
    assert typed_right.stdout == result.stdout
    assert "family name first" not in typed_right.stderr


def test_explain_names_editors_and_family_names_in_part(write_bib) -> None:  # type: ignore[no-untyped-def]
    path = write_bib(
        "@inproceedings{a, title={A}, author={Rueda-Ram{\\'i}rez, Andr{\\'e}s}, editor={Vergara, Ana},"
        " booktitle={B}, year=2020}\n"
    )
    result = invoke(str(path), "-H", "Andrés Rueda", "--explain", "-f", "text")
    assert "'Rueda-Ram{\\'i}rez, Andr{\\'e}s' (a family name in part the same): 1 entry: a" in result.stderr
    assert f"{path}:1: a: Andrés Rueda-Ramírez; eds. Ana Vergara" in result.stderr
