"""``--format bibtex``: the listed entries as clean BibTeX, read back by
bibtexparser as the same entries without the site-only fields."""

from __future__ import annotations

import re
from pathlib import Path

import bibtexparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bib2pubs import Listing, NothingReadError, Options, load
from bib2pubs.model import Publication
from bib2pubs.pipeline import build_listing
from bib2pubs.read import values
from bib2pubs.read.bibtex import parse_text
from bib2pubs.read.source import Source
from bib2pubs.rendering.clean_bibtex import SITE_FIELDS, dropped_fields, entry_bibtex, to_bibtex
from tests.conftest import CORPUS, REFS, invoke

HOMEPAGES = sorted((CORPUS / "homepages").rglob("*.bib"))
_REFERENCES = {"crossref", "xref", "xdata"}


def _listing(path: Path) -> Listing | None:
    try:
        return load([str(path)], Options(keep_fields=True))
    except NothingReadError:
        return None


def _expected(pub: Publication, dropped: frozenset[str]) -> dict[str, str]:
    """The fields the export must hold: all kept ones, people as read."""
    assert pub.fields is not None
    fields = {name: value for name, value in pub.fields.items() if name not in dropped | _REFERENCES}
    for name, persons in (("author", pub.authors), ("editor", pub.editors)):
        if name in fields and persons:
            names = [person.written for person in persons]
            if pub.et_al and (name == "author" or not pub.authors):
                names.append("others")
            fields[name] = " and ".join(names)
    return {name: " ".join(value.split()) for name, value in fields.items()}


@pytest.mark.parametrize("path", [REFS, *HOMEPAGES], ids=lambda path: path.parent.name)
def test_the_export_reads_back_as_the_same_entries(path: Path) -> None:
    listing = _listing(path)
    if listing is None:
        return
    publications = [pub for group in listing.groups for pub in group.entries if not pub.hidden]
    text, problems = to_bibtex(listing)
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    # A key met again (in any case) is written once, with a warning.
    firsts: dict[str, Publication] = {}
    for pub in publications:
        firsts.setdefault(pub.key.lower(), pub)
    assert len(problems) == len(publications) - len(firsts)
    read = {entry.key: entry for entry in library.entries}
    assert len(read) == len(firsts)
    for pub in firsts.values():
        entry = read[pub.key]
        assert entry.entry_type == pub.type
        assert {field.key: field.value for field in entry.fields} == _expected(pub, SITE_FIELDS), pub.key


def test_site_fields_go_and_fields_come_in_a_stable_order(write_bib) -> None:  # type: ignore[no-untyped-def]
    bib = write_bib(
        "@string{conf = {Symposium on Things}}\n"
        "@inproceedings{k, year = 2024, zeta = {z}, selected = {true}, abbr = {SoT}, pdf = {k.pdf},\n"
        "  booktitle = conf # { 2024}, title = {A {GPU} Paper}, abstract = {Long.},\n"
        "  author = {\\textbf{Jin, Chao}* and Li, Ana and others}, alpha = {a}}\n"
    )
    result = invoke(str(bib), "-f", "bibtex")
    assert result.exit_code == 0
    assert result.stdout == (
        "@inproceedings{k,\n"
        "  author = {Jin, Chao and Li, Ana and others},\n"
        "  title = {A {GPU} Paper},\n"
        "  booktitle = {Symposium on Things 2024},\n"
        "  year = {2024},\n"
        "  alpha = {a},\n"
        "  zeta = {z},\n"
        "}\n"
    )


def test_the_fields_left_out_can_be_changed(write_bib, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bib = write_bib("@misc{k, title = {T}, year = 2024, abstract = {Long.}, note = {N}}\n")
    kept = invoke(str(bib), "-f", "bibtex", "--bibtex-keep", "abstract", "--bibtex-drop", "NOTE")
    assert "abstract = {Long.}" in kept.stdout and "note" not in kept.stdout
    (tmp_path / "bib2pubs.toml").write_text('bibtex-keep = ["abstract"]\n', encoding="utf-8")
    configured = invoke(str(bib), "-f", "bibtex", "--config", str(tmp_path / "bib2pubs.toml"))
    assert "abstract = {Long.}" in configured.stdout and "note = {N}" in configured.stdout
    assert dropped_fields(["Note"], ["ABSTRACT"]) == (SITE_FIELDS | {"note"}) - {"abstract"}


def test_a_cross_referenced_entry_is_written_whole(write_bib) -> None:  # type: ignore[no-untyped-def]
    bib = write_bib(
        "@inproceedings{paper, title = {P}, author = {Li, Ana}, crossref = {conf}}\n"
        "@proceedings{conf, title = {Proceedings of Things}, year = 2023, publisher = {ACM}}\n"
    )
    shown = invoke(str(bib), "-f", "bibtex", "--key", "paper").stdout
    assert "crossref" not in shown
    assert "booktitle = {Proceedings of Things}" in shown and "publisher = {ACM}" in shown


def test_hidden_entries_and_the_selection_are_respected(write_bib) -> None:  # type: ignore[no-untyped-def]
    bib = write_bib("@misc{a, title = {A}, year = 2020}\n@misc{b, title = {B}, year = 2021, hidden = {true}}\n")
    assert "@misc{b," not in invoke(str(bib), "-f", "bibtex").stdout
    assert "@misc{a," not in invoke(str(bib), "-f", "bibtex", "--since", "2021", "--include-hidden").stdout


def test_a_value_cut_inside_braces_is_still_bibtex_and_the_lost_brace_reported(
    write_bib,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A value macros build past the limit is cut, here inside "{y}": the
    # brace left open cannot be written, and is not left out in silence.
    monkeypatch.setattr(values, "MAX_VALUE", 3)
    bib = write_bib("@string{a = {x{y}z}}\n@misc{k, title = a#a, year = 2024}\n")
    result = invoke(str(bib), "-f", "bibtex")
    assert "title = {xy}" in result.stdout
    assert bibtexparser.parse_string(result.stdout).entries[0]["title"] == "xy"
    assert "k: field 'title': a brace that pairs with none left out of the BibTeX" in result.stderr


def test_a_lost_brace_in_a_hugo_bundles_cite_bib_is_reported_too(
    write_bib,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(values, "MAX_VALUE", 3)
    bib = write_bib("@string{a = {x{y}z}}\n@misc{k, title = a#a, year = 2024}\n")
    result = invoke(str(bib), "--split", str(tmp_path / "out"), "-t", "hugo-bundle")
    assert "title = {xy}" in (tmp_path / "out" / "k" / "cite.bib").read_text(encoding="utf-8")
    assert "k: field 'title': a brace that pairs with none left out of the BibTeX" in result.stderr


# Text a value may hold, as it comes between braces: LaTeX, quotes, "@",
# lines that start like entries (their braces come from the groups below),
# characters that delimit fields.
_TEXT = st.sampled_from(
    [
        "a",
        " ",
        "\n  ",
        "\\",
        "\\\\",
        '\\"',
        "@",
        "\n@misc",
        "@article",
        "x, ",
        "\n@Scale (",
        "%",
        "#",
        ",",
        "=",
        "(",
        ")",
    ]
)


def _balanced_values(quoted: bool) -> st.SearchStrategy[str]:
    """Values whose braces pair as BibTeX counts them ("\\{" is a brace too)."""
    pairs = st.tuples(st.sampled_from(["{", "\\{"]), st.sampled_from(["}", "\\}"]))

    def braced(inside: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.tuples(pairs, inside).map(lambda found: found[0][0] + found[1] + found[0][1])

    text = st.one_of(_TEXT, st.just('"'))
    inside = st.recursive(
        st.lists(text, max_size=4).map("".join),
        lambda nested: st.lists(st.one_of(text, braced(nested)), max_size=4).map("".join),
        max_leaves=8,
    )
    # In quotes, a '"' outside braces would end the value, and a "\\" before
    # the closing one makes it an umlaut.
    top = st.lists(st.one_of(_TEXT if quoted else text, braced(inside)), max_size=6).map("".join)
    return top.filter(lambda value: not value.endswith("\\")) if quoted else top


@settings(max_examples=300, deadline=None)
@given(value=st.one_of(_balanced_values(False).map("{{{}}}".format), _balanced_values(True).map('"{}"'.format)))
def test_every_value_read_is_written_back_whole(value: str) -> None:
    text = f"@misc{{k, title = {value}, year = 2024}}\n@misc{{after, title = {{After}}}}\n"
    read = parse_text(text, "x.bib")
    assert [entry.key for entry in read.entries] == ["k", "after"]
    assert read.entries[0].fields["title"] == value[1:-1]
    exported, problems = to_bibtex(build_listing([Source("x.bib", text)], Options(keep_fields=True)))
    assert problems == []
    again = {entry.key: dict(entry.fields) for entry in parse_text(exported).entries}
    assert again["k"] == {"title": " ".join(value[1:-1].split()), "year": "2024"}
    assert again["after"] == {"title": "After"}


def test_a_line_starting_like_an_entry_keeps_its_brace_in_the_export() -> None:
    # The "{" of "@article{x," once went uncounted: the value ended early
    # and lost a brace on its way to the export.
    text = "@article{b, note = {Cite as:\n@article{x, title = {T}}}, title = {U}}\n"
    exported, problems = to_bibtex(build_listing([Source("x.bib", text)], Options(keep_fields=True)))
    assert problems == []
    assert "note = {Cite as: @article{x, title = {T}}}," in exported
    assert parse_text(exported).entries[0].fields["note"] == "Cite as: @article{x, title = {T}}"


def test_templates_embed_the_entry_through_a_filter(tmp_path: Path) -> None:
    template = tmp_path / "cite.html.j2"
    template.write_text(
        "{% for g in groups %}{% for p in g.entries %}<pre>{{ p|bibtex }}</pre>\n{% endfor %}{% endfor %}",
        encoding="utf-8",
    )
    shown = invoke(str(REFS), "-t", str(template), "--bibtex-keep", "pdf").stdout
    listing = load([str(REFS)], Options(keep_fields=True))
    first = listing.groups[0].entries[0]
    expected = entry_bibtex(first, SITE_FIELDS - {"pdf"})
    assert expected and "pdf = " in expected
    escaped = expected.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;")
    # Braces too, as in every HTML output: Liquid must not read them.
    escaped = escaped.replace(chr(39), "&#39;").replace("{", "&#123;").replace("}", "&#125;")
    assert shown.startswith(f"<pre>{escaped}</pre>")


def test_bibtex_takes_no_template_and_is_chosen_by_suffix(tmp_path: Path) -> None:
    refused = invoke(str(REFS), "-f", "bibtex", "-t", "markdown")
    assert refused.exit_code == 2 and "--format bibtex prints the entries" in refused.stderr
    out = tmp_path / "clean.bib"
    assert invoke(str(REFS), "-o", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8") == invoke(str(REFS), "-f", "bibtex").stdout


def test_the_json_model_and_plain_text_keep_no_fields() -> None:
    listing = load([str(REFS)])
    assert all(pub.fields is None for group in listing.groups for pub in group.entries)
    assert '"fields"' not in invoke(str(REFS), "-f", "json").stdout


def test_a_key_met_again_is_written_once_with_a_warning(write_bib) -> None:  # type: ignore[no-untyped-def]
    bib = write_bib("@misc{dup, title = {A}, year = 2020}\n@misc{DUP, title = {B}, year = 2020}\n")
    result = invoke(str(bib), "-f", "bibtex", "--sort", "file")
    assert result.stdout.count("@misc{") == 1
    assert "DUP: duplicate key; left out of the BibTeX" in result.stderr


def test_names_with_accents_are_written_as_read(write_bib) -> None:  # type: ignore[no-untyped-def]
    bib = write_bib("@article{d, title = {T}, year = 1991, author = {Deveaud, Beno{\\^i}t and Cl{\\'e}rot, F.}}\n")
    assert "author = {Deveaud, Beno{\\^i}t and Cl{\\'e}rot, F.}," in invoke(str(bib), "-f", "bibtex").stdout


def test_a_text_template_of_ones_own_shows_entries_as_bibtex(tmp_path: Path) -> None:
    # Plain text keeps no fields for its built-in list; a template of one's own may still ask for them.
    template = tmp_path / "cite.txt.j2"
    template.write_text("{% for g in groups %}{% for e in g.entries %}{{ e | bibtex }}{% endfor %}{% endfor %}\n")
    shown = invoke(str(REFS), "-t", str(template))
    assert shown.exit_code == 0, shown.stderr
    entries = sum(len(group.entries) for group in load([str(REFS)]).groups)
    assert len(re.findall(r"^@\w+\{", shown.stdout, re.MULTILINE)) == entries > 0
