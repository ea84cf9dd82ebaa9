"""The fixed words in the reader's language: ``--locale``, ``--word`` and
the settings file's ``word`` table, in every list output."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from bib2pubs import Listing, Options, RenderSpec, Selection, UsageError, load, render
from bib2pubs.model import Group
from bib2pubs.rendering.words import ENGLISH, KEYS, LOCALES, PATTERNS, TRANSLATIONS, language_of, localize, words_for
from tests.conftest import ROOT, invoke

DETAILS = str(Path(__file__).parent / "fixtures" / "details.bib")


def _by_kind(locale: str = "en") -> Listing:
    return load(DETAILS, Options(selection=Selection(group_by="kind")))


@pytest.mark.parametrize("language", list(TRANSLATIONS))
def test_each_language_says_only_words_english_has_and_keeps_each_pattern(language: str) -> None:
    words = TRANSLATIONS[language]
    assert set(words) <= set(KEYS)
    for key, text in words.items():
        assert text.count("{}") == (1 if key in PATTERNS else 0), (language, key)
        assert text.strip() == text and text, (language, key)
    # Words a reader sees on every page are translated, not left in English.
    for key in ("equal-contribution", "corresponding-author", "undated", "group-journal", "phd-thesis", "abstract"):
        assert key in words, (language, key)


@pytest.mark.parametrize(
    ("asked", "language"),
    [
        ("de", "de"),
        ("de-AT", "de"),
        ("de_DE.UTF-8", "de"),
        ("FR", "fr"),
        ("zh-TW", "zh"),
        ("ja_JP", "ja"),
        ("en", "en"),
    ],
)
def test_a_locale_names_its_language(asked: str, language: str) -> None:
    assert language_of(asked) == language


@pytest.mark.parametrize("asked", ["", "xx", "klingon", "-de", "../de"])
def test_an_unknown_locale_is_a_usage_error_naming_the_languages(asked: str) -> None:
    with pytest.raises(UsageError, match="use one of en, de, fr, es, zh, ja"):
        words_for(asked)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"pfd": "Paper"}, "no such word"),
        ({"volume": "Volume"}, "one {} where the value goes"),
        ({"volume": "{} of {}"}, "one {} where the value goes"),
        ({"pdf": "Paper {}"}, "no {}"),
    ],
)
def test_a_word_that_cannot_work_is_a_usage_error(overrides: dict[str, str], message: str) -> None:
    with pytest.raises(UsageError, match=re.escape(message)):
        words_for("en", overrides)


def test_overrides_replace_single_words_of_the_language() -> None:
    words = words_for("de", {"pdf": "Artikel", "volume": "Band {}"})
    assert words["pdf"] == "Artikel" and words["volume"] == "Band {}"
    assert words["number"] == "Nr. {}" and words["arxiv"] == "arXiv"  # German's own, and English's where the same


def test_localize_says_group_titles_and_degrees_and_leaves_what_the_user_wrote() -> None:
    listing = _by_kind()
    titles = [group.title for group in localize(listing, words_for("de")).groups]
    assert "Zeitschriftenartikel" in titles and "Bücher" in titles and "Journal Articles" not in titles
    german = {pub.key: pub for group in localize(listing, words_for("de")).groups for pub in group.entries}
    assert german["Dantas2019e"].venue.name == "Dissertation, Université Rennes 1"
    # A title given with --group-title, and a degree the entry spells out, stay.
    own = load(DETAILS, Options(selection=Selection(group_by="kind", titles={"journal": "Articles"})))
    assert "Articles" in [group.title for group in localize(own, words_for("de")).groups]
    spelt = replace(german["Dantas2019e"], venue=replace(german["Dantas2019e"].venue, name="Doctoral dissertation, X"))
    alone = Listing((Group("2019", (spelt,)),))
    assert localize(alone, words_for("fr")).groups[0].entries[0].venue.name == "Doctoral dissertation, X"
    # English changes nothing, and gives back the very listing.
    assert localize(listing, ENGLISH) is listing


def test_undated_is_said_in_the_language() -> None:
    listing = load(DETAILS)
    assert listing.groups[-1].word == "undated"
    assert localize(listing, words_for("ja")).groups[-1].title == "日付なし"


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("format_name", ["markdown", "html", "text", "latex", "json"])
def test_every_format_speaks_every_language(locale: str, format_name: str) -> None:
    listing = _by_kind()
    words = words_for(locale)
    out = render(listing, RenderSpec(format_name, locale=locale))
    assert words["group-journal"] in out and words["group-book"] in out
    if locale != "en":
        assert "Journal Articles" not in out
    if format_name != "json":
        assert words["doi"] in out and words["editor"] not in ("",)
        assert re.sub(r"\s+", " ", words["volume"].replace("{}", "13")) in out.replace("\u00a0", " ")


@pytest.mark.parametrize("template", ["academicpages", "html-page"])
def test_the_page_templates_speak_the_language_too(template: str) -> None:
    out = render(_by_kind(), RenderSpec(template=template, locale="fr"))
    assert "Articles de revue" in out and "Journal Articles" not in out


def test_the_command_takes_locale_and_words(tmp_path: Path) -> None:
    result = invoke(DETAILS, "-f", "text", "--locale", "es", "--word", "doi=Identificador")
    assert result.exit_code == 0, result.stderr
    assert "Identificador: https://doi.org/10.1029/2021MS002613" in result.stdout
    assert "vol. 13, n.º 12" in result.stdout
    assert "Sin fecha" in result.stdout


def test_the_terminal_preview_speaks_the_language() -> None:
    result = invoke(DETAILS, "--locale", "de", "--group-by", "kind")
    assert result.exit_code == 0, result.stderr
    assert "Zeitschriftenartikel" in result.stdout and "Bd. 13, Nr. 12" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--locale", "xx"], "--locale xx: no such language"),
        (["--word", "pfd=Paper"], "--word pfd: no such word"),
        (["--word", "pdf"], "--word wants KEY=TEXT"),
    ],
)
def test_a_wrong_locale_or_word_is_a_usage_error_before_reading(args: list[str], message: str) -> None:
    result = invoke("no-such-file.bib", "-f", "text", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "no-such-file" not in result.stderr  # said before the file is looked for


def test_the_settings_file_sets_locale_and_words(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "refs.bib").write_text(Path(DETAILS).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "bib2pubs.toml").write_text(
        'locale = "fr"\nword = { doi = "Identifiant", equal-contribution = "Co-premiers" }\n', encoding="utf-8"
    )
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    result = invoke("refs.bib", "-f", "markdown")
    assert result.exit_code == 0, result.stderr
    assert "[Identifiant](https://doi.org/10.1029/2021MS002613)" in result.stdout
    assert "Sans date" in result.stdout
    # The command line's word replaces the file's table, as for any option.
    result = invoke("refs.bib", "-f", "markdown", "--word", "doi=DOI")
    assert "[DOI](https://doi.org/10.1029/2021MS002613)" in result.stdout


def test_a_word_is_text_in_every_format() -> None:
    words = {"doi": "<b>*D*</b> {{x}} $\\input{x}$", "undated": "# _U_ & <i>"}
    for format_name, forbidden in (
        ("html", ["<b>", "<i>", "{{"]),
        ("markdown", ["<b>", "*D*", "# _U_"]),
        ("latex", ["\\input{x}"]),
    ):
        out = render(load(DETAILS), RenderSpec(format_name, words=words))
        for text in forbidden:
            assert text not in out, (format_name, text)
        if format_name == "latex":
            assert re.search(r"(?<!\\)\$", out) is None  # every dollar escaped


def test_the_json_model_says_the_group_titles_in_the_language() -> None:
    model = json.loads(render(_by_kind(), RenderSpec("json", locale="zh")))
    assert [group["title"] for group in model["groups"]][:2] == ["会议论文", "期刊论文"]


def test_the_readme_names_every_word() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Words in your language", 1)[1].split("\n## ", 1)[0]
    assert [key for key in KEYS if f"`{key}`" not in section] == []
    assert all(locale in section or locale == "en" for locale in ("de", "fr", "es", "zh", "ja"))


def test_a_heading_in_wide_characters_is_underlined_to_its_width() -> None:
    result = invoke(DETAILS, "-f", "text", "--locale", "zh", "--group-by", "kind", "--set", "title=论文")
    assert result.stdout.startswith("论文\n====\n")
    assert "会议论文\n--------\n" in result.stdout
