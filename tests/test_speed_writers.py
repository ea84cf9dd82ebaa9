"""The list writers' shortcuts give exactly what the careful path gives.

HTML escaping skips markupsafe for text with nothing to escape, a Markdown
link skips ``quote`` for a URL it would leave alone, and the JSON model is
written key by key without json's generators or the model's dicts. Each is
checked against the path it short-cuts: on the corpus, and on generated
values that reach every branch (and every fallback).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from bib2pubs import Options
from bib2pubs.model import Group, Identifiers, Listing, Locators, Person, Publication, Venue
from bib2pubs.pipeline import cite
from bib2pubs.rendering import html_list, markdown_list, markdown_text, text_pieces
from bib2pubs.rendering.citations import Citation, entry_id
from bib2pubs.rendering.json_model import listing_dict, to_json
from bib2pubs.rendering.json_text import indented_json
from bib2pubs.rendering.words import ENGLISH, fill, words_for
from tests.conftest import CORPUS, REFS
from tests.corpus_support import corpus_id, listing_or_none

FILES = [REFS, *sorted(CORPUS.rglob("*.bib"))]


def _careful_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


def _texts(value: object) -> list[str]:
    """Every text inside a JSON-ready value: what the writers escape."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [*value, *(text for item in value.values() for text in _texts(item))]
    if isinstance(value, list):
        return [text for item in value for text in _texts(item)]
    return []


@pytest.mark.parametrize("path", FILES, ids=lambda path: corpus_id(path, CORPUS))
def test_json_escaping_and_links_agree_on_the_corpus(path: Path) -> None:
    listing = listing_or_none(path, Options())
    if listing is None:
        return
    model = listing_dict(listing)
    assert to_json(listing) == _careful_json(model) + "\n"
    for text in _texts(model):
        assert html_list._e(text) == html_list._escaped(text)
        if text.startswith(("http", "/", "www")):
            assert markdown_text.markdown_url(text) == _careful_url(text)


@pytest.mark.parametrize("style", ["apa", "ieee"])
def test_json_with_citations_agrees(style: str) -> None:
    listing = listing_or_none(REFS, Options())
    assert listing is not None
    citations, _ = cite(listing, style, None, "json")
    assert citations
    assert to_json(listing, citations) == _careful_json(listing_dict(listing, citations)) + "\n"


# Text with what HTML, JSON and URLs treat specially: markup, quotes,
# braces, control characters, backslashes, non-ASCII and surrogates.
_TEXT = st.text(st.one_of(st.sampled_from("&<>'\"{}\\/\n\t\x00\x1f\x7f é–†中%#[]?=:@ ~"), st.characters()), max_size=20)


@settings(max_examples=500, deadline=None)
@given(text=_TEXT)
def test_html_escape_agrees(text: str) -> None:
    assert html_list._e(text) == html_list._escaped(text)
    assert html_list._e(Markup(text)) == html_list._escaped(Markup(text))


@settings(max_examples=500, deadline=None)
@given(url=_TEXT)
def test_markdown_url_agrees_with_quote(url: str) -> None:
    assert _outcome(markdown_text.markdown_url, url) == _outcome(_careful_url, url)


def _careful_url(url: str) -> str:
    return "" if markdown_text.unsafe_scheme(url) else quote(url, safe=markdown_text._URL_SAFE)


def _outcome(function: Callable[[str], str], value: str) -> object:
    """What ``function`` gives, or the type of what it raises (a lone
    surrogate cannot be encoded)."""
    try:
        return function(value)
    except UnicodeError as problem:
        return type(problem)


_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    _TEXT,
    _TEXT.map(Markup),
)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=4).map(tuple),
        st.dictionaries(st.one_of(_TEXT, st.integers()), inner, max_size=4),
    ),
    max_leaves=20,
)


@settings(max_examples=500, deadline=None)
@given(value=_JSON)
def test_indented_json_is_json_dumps(value: Any) -> None:
    assert indented_json(value) == _careful_json(value)


_PEOPLE = st.lists(
    st.builds(
        Person,
        _TEXT,
        _TEXT,
        _TEXT,
        _TEXT,
        _TEXT,
        st.one_of(st.none(), _TEXT),
        st.lists(_TEXT, max_size=2).map(tuple),
    ),
    max_size=3,
).map(tuple)
_LINKS = st.dictionaries(st.sampled_from(["pdf", "doi", "url", "code", 'x"y']), _TEXT, max_size=3)
_PUBLICATIONS = st.builds(
    Publication,
    key=_TEXT,
    type=_TEXT,
    kind=st.sampled_from(["journal", "book", "preprint"]),
    title=_TEXT,
    year=st.one_of(st.none(), st.integers()),
    month=st.one_of(st.none(), st.integers(1, 12)),
    authors=_PEOPLE,
    editors=_PEOPLE,
    venue=st.builds(Venue, _TEXT, _TEXT, _TEXT, _TEXT, _TEXT, _TEXT),
    links=_LINKS,
    hidden=st.booleans(),
    selected=st.booleans(),
    et_al=st.booleans(),
    note=_TEXT,
    file=_TEXT,
    line=st.integers(0, 10**6),
    locators=st.builds(Locators, _TEXT, _TEXT, _TEXT, _TEXT, _TEXT, _TEXT, _TEXT, _TEXT),
    identifiers=st.builds(Identifiers, _TEXT, _TEXT, _TEXT, _TEXT),
    abstract=_TEXT,
    keywords=st.lists(_TEXT, max_size=3).map(tuple),
    award=_TEXT,
    award_name=_TEXT,
    preview=_TEXT,
    language=_TEXT,
)
# Values of types the model does not give (the writer falls back to the
# careful way for that publication): a float year, a title of None, a link
# that is a number, a name that is Markup.
_ODD = st.sampled_from(
    [
        {"year": 2024.0},
        {"title": None},
        {"links": {"pdf": 3}},
        {"links": {1: "x"}},
        {"keywords": ["a", None]},
        {"note": Markup("<b>")},
        {"line": None},
        {"hidden": 1},
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    publications=st.lists(_PUBLICATIONS, min_size=1, max_size=3),
    odd=st.one_of(st.none(), _ODD),
    cited=st.booleans(),
    citation=st.tuples(_TEXT, _TEXT),
)
def test_json_is_json_dumps_of_the_model(
    publications: list[Publication], odd: dict[str, Any] | None, cited: bool, citation: tuple[str, str]
) -> None:
    if odd is not None:
        publications[0] = replace(publications[0], **odd)
    listing = Listing((Group("T", tuple(publications)), Group("", ())))
    citations = {entry_id(publications[-1]): Citation(citation[0], Markup(citation[1]), "", "", ())} if cited else None
    try:
        careful = _careful_json(listing_dict(listing, citations)) + "\n"
    except (TypeError, ValueError) as problem:
        with pytest.raises(type(problem)):
            to_json(listing, citations)
        return
    assert to_json(listing, citations) == careful


_WORDS = st.sampled_from([ENGLISH, words_for("zh"), words_for("fr")])


@settings(max_examples=300, deadline=None)
@given(words=_WORDS, key=st.sampled_from(["volume", "number", "chapter", "pages", "page"]), value=_TEXT)
def test_a_filled_locator_is_filled_then_kept_together(words: Mapping[str, str], key: str, value: str) -> None:
    assert text_pieces._filled_together(words, key, value) == text_pieces._together(fill(words, key, value))


def _careful_venue_when(publication: Publication) -> str:
    """``venue_when`` searching for the year every time."""
    venue = publication.venue
    year = str(publication.year) if publication.year is not None else ""
    when = venue.dates
    if year and year not in text_pieces._YEAR.findall(when) and year not in text_pieces._YEAR.findall(venue.name):
        when = f"{when}, {year}" if when else year
    return ", ".join(part for part in (venue.location, when) if part)


_YEARS = st.one_of(st.none(), st.integers(-100, 99999), st.sampled_from([2024, 1999]))
_DATED = st.lists(
    st.sampled_from(["2024", "1999", "12024", "20245", "April 3", " ", "NSDI", "-", "x2024y"]), max_size=4
)


@settings(max_examples=500, deadline=None)
@given(year=_YEARS, name=_DATED.map("".join), dates=_DATED.map("".join), location=st.sampled_from(["", "Paris"]))
def test_venue_when_skips_the_search_alike(year: int | None, name: str, dates: str, location: str) -> None:
    publication = Publication(
        "k", "article", "journal", "T", year, None, (), (), Venue(name, location=location, dates=dates), {}
    )
    assert text_pieces.venue_when(publication) == _careful_venue_when(publication)


@settings(max_examples=200, deadline=None)
@given(marks=st.lists(st.sampled_from(["equal", "corresponding", "dagger", "other"]), max_size=3))
def test_mark_signs_of_no_marks(marks: list[str]) -> None:
    person = Person("A", "", "B", "", "A B", None, tuple(marks))
    careful = "".join(dict.fromkeys(text_pieces.MARK_SIGNS.get(mark, "") for mark in person.marks))
    assert text_pieces.mark_signs(person) == careful
    assert markdown_list._person(person) == markdown_text.markdown_escape(
        person.display
    ) + markdown_text.markdown_escape(careful)


def test_indented_json_nests_as_deep_as_json_dumps() -> None:
    # Two calls per level here, one in json.dumps: deep nesting goes there.
    value: Any = "leaf"
    for _ in range(700):
        value = [value]
    assert indented_json(value) == _careful_json(value)
