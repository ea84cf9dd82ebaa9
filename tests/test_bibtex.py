"""The BibTeX parser: macros, concatenation, comments, recovery, line numbers."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bib2pubs import parallel
from bib2pubs.normalize import Normalized, Normalizer
from bib2pubs.pipeline import build_listing
from bib2pubs.read import entry_fields, two_processes
from bib2pubs.read.bibtex import Bibliography, RawEntry, parse_sources, parse_text
from bib2pubs.read.crossref import resolve_crossrefs
from bib2pubs.read.source import Source, decode
from bib2pubs.read.values import ValueReader
from bib2pubs.venues.table import builtin_table
from tests.conftest import CORPUS


def fields_of(text: str, key: str) -> dict[str, str]:
    entries = {entry.key: entry for entry in parse_text(text).entries}
    return dict(entries[key].fields)


# -- values -------------------------------------------------------------------

# (bib text, field, expected value) — one case per line.
VALUE_CASES = [
    ('@string{nsdi = "NSDI"} @misc{k, f = nsdi}', "f", "NSDI"),
    ('@string{nsdi = "NSDI"} @misc{k, f = NSDI}', "f", "NSDI"),  # macro names ignore case
    ('@string{c = "USENIX"} @misc{k, f = c # " " # {NSDI} # " 2024"}', "f", "USENIX NSDI 2024"),
    ('@string{a = "x"} @string{b = a # "y"} @misc{k, f = b # a}', "f", "xyx"),  # macros of macros
    ("@string(p = {Proc. of })@misc{k, f = p # {SOSP}}", "f", "Proc. of SOSP"),  # @string( … )
    ("@misc{k, f = apr}", "f", "April"),  # month macros
    ("@misc{k, f = tcs}", "f", "Theoretical Computer Science"),  # plain.bst's journal macros
    ("@misc{k, f = 2024}", "f", "2024"),
    ('@misc{k, f = "A {"}quoted{"} word"}', "f", 'A {"}quoted{"} word'),
    ('@misc{k, f = "Schr\\"odinger"}', "f", 'Schr\\"odinger'),  # \" is an umlaut, not the end
    ("@misc{k, f = {a {nested {deep}} value}}", "f", "a {nested {deep}} value"),
    ("@misc{k, f = {multi\n   line}}", "f", "multi\n   line"),  # whitespace is the decoder's job
    ("@misc{k, f = {}}", "f", ""),
    ("@misc{k, F = {upper}}", "f", "upper"),  # field names ignore case
    ("@misc{k, author+an = {1=equal}}", "author+an", "1=equal"),
    ("@misc{k, f = {50\\% off}}", "f", "50\\% off"),  # % inside a value is text
]


@pytest.mark.parametrize(("text", "field", "expected"), VALUE_CASES)
def test_values(text: str, field: str, expected: str) -> None:
    assert fields_of(text, "k")[field] == expected


def test_undefined_macro_keeps_its_name_and_warns() -> None:
    result = parse_text("@misc{k,\n  author = toto}", "x.bib")
    assert result.entries[0].fields["author"] == "toto"
    assert [str(d) for d in result.diagnostics] == ["x.bib:2: warning: k: undefined macro 'toto' kept as text"]


def test_macros_are_shared_across_files() -> None:
    result = parse_sources([("a.bib", '@string{me = "Jackie Chan"}'), ("b.bib", "@book{k, author = me}")])
    assert result.entries[0].fields["author"] == "Jackie Chan"
    assert result.entries[0].file == "b.bib"


# -- structure ----------------------------------------------------------------


def test_comments_preamble_and_percent_lines_are_skipped() -> None:
    text = """
% @article{commented, title = {no}}
@comment{ @article{inside, title = {no}} }
@preamble{ "\\newcommand{\\noopsort}[1]{}" }
Free text with an e-mail: me@example.com
@article{kept,
  title = {Yes},
% note = {a commented-out field},
}
"""
    result = parse_text(text)
    assert [entry.key for entry in result.entries] == ["kept"]
    assert dict(result.entries[0].fields) == {"title": "Yes"}
    assert result.preambles == ("\\newcommand{\\noopsort}[1]{}",)
    assert result.diagnostics == ()


def test_parenthesised_entries_and_keys_with_parentheses() -> None:
    result = parse_text('@article(key(with)parens, title = "T")\n@misc(other)')
    assert [entry.key for entry in result.entries] == ["key(with)parens", "other"]


def test_entry_and_field_line_numbers() -> None:
    result = parse_text("\n\n@article{a,\n  title = {T},\n\n  year = 2020}\n@misc{b, note = {x}}")
    first, second = result.entries
    assert (first.line, first.field_lines["title"], first.field_lines["year"]) == (3, 4, 6)
    assert second.line == 7


def test_duplicate_field_keeps_the_first_and_warns() -> None:
    result = parse_text("@misc{k,\n title = {One},\n TITLE = {Two}}", "d.bib")
    assert result.entries[0].fields["title"] == "One"
    assert [str(d) for d in result.diagnostics] == [
        "d.bib:3: warning: k: duplicate field 'title'; the first value is kept"
    ]


def test_keyless_entries_get_a_name_and_a_warning() -> None:
    result = parse_text("@article{\n  author = {Nobody},\n  title = {Keyless}\n}", "k.bib")
    assert result.entries[0].key == "unnamed-1"
    assert result.entries[0].fields["title"] == "Keyless"
    assert "k.bib:1: warning: entry has no key" in str(result.diagnostics[0])


# -- recovery -----------------------------------------------------------------


def test_broken_entry_in_the_middle_is_reported_and_the_rest_is_kept() -> None:
    text = """@article{before, title = {Before}}

@article{broken,
  title = {Unbalanced {brace},
  year = 2000,
}

@article{after, title = {After}}
"""
    result = parse_text(text, "refs.bib")
    assert [entry.key for entry in result.entries] == ["before", "after"]
    assert [str(d) for d in result.diagnostics] == [
        "refs.bib:4: error: broken: unbalanced braces in field 'title'; entry skipped"
    ]


def test_runaway_value_stops_at_the_next_entry() -> None:
    text = "@article{broken,\n  title = {Two {missing {braces},\n}\n@article{after, title = {After}}\n"
    result = parse_text(text, "r.bib")
    assert [entry.key for entry in result.entries] == ["after"]
    assert [str(d) for d in result.diagnostics] == [
        "r.bib:2: error: broken: unbalanced braces in field 'title'; entry skipped"
    ]


def test_unclosed_entry_is_kept_with_a_warning() -> None:
    result = parse_text("@article{a, title = {A}\n@article{b, title = {B}}", "u.bib")
    assert [entry.key for entry in result.entries] == ["a", "b"]
    assert [str(d) for d in result.diagnostics] == ["u.bib:1: warning: a: entry not closed with '}'"]


def test_missing_comma_between_fields_is_tolerated() -> None:
    result = parse_text("@misc{k, title = {T}\n author = {A}}", "m.bib")
    assert dict(result.entries[0].fields) == {"title": "T", "author": "A"}
    assert "missing ',' after field 'title'" in str(result.diagnostics[0])


def test_value_missing_at_end_of_file() -> None:
    result = parse_text("@misc{ok, title = {T}}\n@misc{k, title = ", "e.bib")
    assert [entry.key for entry in result.entries] == ["ok"]
    assert str(result.diagnostics[0]) == "e.bib:2: error: k: field 'title': value missing at end of file; entry skipped"


# -- pybtex's parser cases, with our expected keys ---------------------------------
#
# tests/corpus/pybtex/parser-cases/cases.tsv lists what pybtex (which follows
# BibTeX) reads. Where we read differently, on purpose, the reason is here:
OUR_KEYS_WHERE_WE_DIFFER = {
    # @comment{…} is a comment (biber, bibtexparser, JabRef): users wrap entries
    # in it to hide them. BibTeX skips only the word "@comment".
    "EntryInCommentTest.bib": ["Me2011"],
    # "@t@{…}" is not an entry type we accept; the others are.
    "EntryTypesTest.bib": ["an_id", "another_id", "aa1_id", "aa2_id"],
    # We accept field names starting with a digit (harmless) and, like biber,
    # treat "%" lines inside an entry as comments.
    "FieldNamesTest.bib": ["2010", "2011", "2014", "2015", "2016"],
    "InlineCommentTest.bib": ["Me2010", "Me2011", "Me2012", "Me2013"],
    # "@article(test(parens1))": the last ")" closes the entry.
    "KeyParsingTest.bib": ["test(parens1)", "test(parens2)", "test(braces1)", "test(braces2)"],
    # Cases that pybtex lists with no keys because it was asked for none.
    "UnusedEntryTest.bib": ["gsl"],
    "WantedEntriesTest.bib": ["gsl"],
    "SimpleEntryTest.bib": ["Brett2002marsbar"],
    "AtCharacterTest.bib": ["acc"],
    "AtCharacterInUnwantedEntryTest.bib": ["acc"],
    "CaseSensitivityTest.bib": ["CamelCase"],
    "CrossFileMacrosTest_2.bib": ["i_am_jackie"],
    "DuplicateFieldTest.bib": ["Mastering"],
    "CrossrefTest.bib": ["gsl", "gsl2", "the_journal"],
    "CrossrefWantedTest.bib": ["gsl", "gsl2", "the_journal"],
}
PARSER_CASES = CORPUS / "pybtex" / "parser-cases"


def _pybtex_cases() -> list[tuple[str, list[str]]]:
    rows = (PARSER_CASES / "cases.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return [(row.split("\t")[0], json.loads(row.split("\t")[2])) for row in rows]


@pytest.mark.parametrize(("file_name", "pybtex_keys"), _pybtex_cases())
def test_pybtex_parser_cases(file_name: str, pybtex_keys: list[str]) -> None:
    path = PARSER_CASES / file_name
    text, _ = decode(path.read_bytes(), file_name)
    keys = [entry.key for entry in parse_text(text, file_name).entries]
    assert keys == OUR_KEYS_WHERE_WE_DIFFER.get(file_name, pybtex_keys)


# -- crossref -----------------------------------------------------------------

CROSSREF = """
@inproceedings{paper, title = {A Paper}, author = {Me, A.}, crossref = {conf}, pages = {1--10}}
@proceedings{conf, title = {Proc. of NSDI}, year = 2024, publisher = {USENIX}, doi = {10.1/proc},
  crossref = {series}}
@misc{series, address = {Santa Clara}, note = {series note}}
@inproceedings{lost, title = {Orphan}, crossref = {nowhere}}
@inproceedings{loop1, title = {L1}, crossref = {loop2}}
@inproceedings{loop2, title = {L2}, crossref = {loop1}}
"""


def test_crossref_inherits_missing_fields_through_the_chain() -> None:
    entries, containers, _ = resolve_crossrefs(parse_text(CROSSREF).entries)
    paper = {entry.key: entry for entry in entries}["paper"]
    assert paper.fields["booktitle"] == "Proc. of NSDI"  # the parent's title
    assert paper.fields["year"] == "2024"
    assert paper.fields["address"] == "Santa Clara"  # from the grandparent
    assert paper.fields["title"] == "A Paper"  # its own fields win
    assert "doi" not in paper.fields  # the volume's DOI is not the paper's
    assert {"conf", "series"} <= containers


def test_crossref_problems_are_reported_not_fatal() -> None:
    _, _, problems = resolve_crossrefs(parse_text(CROSSREF, "c.bib").entries)
    messages = sorted(str(problem) for problem in problems)
    assert messages == [
        "c.bib:6: warning: lost: crossref to unknown entry 'nowhere'",
        "c.bib:7: warning: loop1: crossref cycle loop1 → loop2 → loop1",
        "c.bib:8: warning: loop2: crossref cycle loop2 → loop1 → loop2",
    ]


# -- decoding -----------------------------------------------------------------


def test_bom_and_crlf() -> None:
    text, problems = decode(b"\xef\xbb\xbf@misc{k,\r\n title = {T}}\r\n", "b.bib")
    assert text == "@misc{k,\n title = {T}}\n"
    assert problems == []


def test_latin1_is_read_and_the_bad_line_named() -> None:
    text, problems = decode(b"@misc{k,\n author = {Hans-J\xf6rg}}", "l.bib")
    assert "Hans-Jörg" in text
    assert [str(problem) for problem in problems] == [
        "l.bib:2: warning: not valid UTF-8 (line 2); read as Windows-1252; use --encoding to say otherwise"
    ]


def test_only_the_lines_that_are_not_utf8_are_read_otherwise() -> None:
    data = "@misc{a, author = {Leal-Taixé, Laura}}\n".encode() + b"@misc{b, author = {Caf\xe9}}\n" * 2
    text, problems = decode(data, "m.bib")
    assert "Leal-Taixé" in text and text.count("Café") == 2
    assert [str(problem) for problem in problems] == [
        "m.bib:2: warning: not valid UTF-8 (2 lines, the first); read as Windows-1252; use --encoding to say otherwise"
    ]


def test_control_characters_are_removed_and_reported() -> None:
    text, problems = decode(b"@misc{k, title = {Evil \x1b]0;pwned\x07 title\x00}}", "c.bib")
    assert text == "@misc{k, title = {Evil ]0;pwned title}}"
    assert [str(problem) for problem in problems] == ["c.bib:1: warning: 3 control characters removed (the first here)"]


# -- properties ---------------------------------------------------------------

BIBLIKE = st.sampled_from([*'@{}()"#%=,\\ \n\tab1', "@article{", "title = ", "@string{"])


@given(st.text())
@settings(max_examples=300)
def test_arbitrary_text_never_raises(text: str) -> None:
    result = parse_text(text)
    assert all(entry.key for entry in result.entries)


@given(st.lists(BIBLIKE, max_size=40).map("".join))
@settings(max_examples=500)
def test_bib_like_noise_never_raises(text: str) -> None:
    result = parse_text(text)
    for diagnostic in result.diagnostics:
        assert diagnostic.line is not None and diagnostic.line >= 1


def test_deeply_nested_braces_finish() -> None:
    depth = 100_000
    result = parse_text("@misc{k, title = " + "{" * depth + "x" + "}" * depth + "}")
    assert len(result.entries[0].fields["title"]) == 2 * depth - 1


def test_corpus_counts_are_accounted_for() -> None:
    # Every entry the corpus manifest counts is either read or reported.
    rows = (CORPUS / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]
    for row in rows:
        path = CORPUS / row.split("\t")[0]
        if path.suffix != ".bib" or not path.exists():
            continue
        text, _ = decode(path.read_bytes(), path.name)
        result = parse_text(text, path.name)
        errors = sum(1 for d in result.diagnostics if d.level == "error")
        expected_at_least = int(row.split("\t")[5])
        assert len(result.entries) + errors >= expected_at_least, path


def test_escaped_brace_typo_is_read_as_a_literal_brace() -> None:
    # BibTeX counts "\{" as a brace, so this typo unbalances the entry; a
    # second reading with literal braces saves it, with a warning.
    text = (
        "@techreport{t,\n  author = {Sylvie Thi\\{'ebaux and Joachim Hertzberg},\n"
        "  year = {1993},\n}\n@misc{n, title = {Next}}"
    )
    result = parse_text(text, "t.bib")
    assert [entry.key for entry in result.entries] == ["t", "n"]
    assert result.entries[0].fields["year"] == "1993"
    assert result.entries[0].fields["author"].endswith("and Joachim Hertzberg")
    assert [str(d) for d in result.diagnostics] == [
        "t.bib:1: warning: t: unbalanced braces; read '\\{' and '\\}' as literal braces"
    ]


def test_one_line_entry_swallowing_its_fields_is_retried() -> None:
    result = parse_text("@misc{a, title = {A \\{ literal}, year = 2000}\n@misc{b, title = {B}}", "o.bib")
    assert dict(result.entries[0].fields) == {"title": "A \\textbraceleft{} literal", "year": "2000"}
    assert len(result.diagnostics) == 1


def test_a_line_starting_with_at_inside_a_value_is_text() -> None:
    text = (
        "@article{a, title = {T}, year = 2020,\n"
        "  abstract = {Presented at Networking\n@Scale (2019) in Menlo Park.},\n}\n"
        "@article{b, title = {U}, note = {Cite as:\n@misc{foo, title={Phantom}}},\n}\n"
    )
    result = parse_text(text, "a.bib")
    assert [entry.key for entry in result.entries] == ["a", "b"]
    assert result.entries[0].fields["abstract"] == "Presented at Networking\n@Scale (2019) in Menlo Park."
    assert result.entries[1].fields["note"] == "Cite as:\n@misc{foo, title={Phantom}}"
    # An event's name is not an entry; a pasted one is named.
    assert [str(d) for d in result.diagnostics] == [
        "a.bib:6: warning: b: a line inside field 'note' starts an entry (@misc{foo); read as text of the field, "
        "as BibTeX does"
    ]


# An entry pasted inside a braced value that closes later (a "{" too many
# before it, a "}" too few after): text of the value, as BibTeX reads it,
# and named in a warning on its own line.
INSIDE_A_VALUE = (
    "@misc{a,\n  title = {A},\n  note = {\n@article{good,\n  title = {G}\n}\n}}\n@article{c,\n  title = {C}\n}\n"
)


def test_an_entry_read_as_text_of_a_value_is_named() -> None:
    result = parse_text(INSIDE_A_VALUE, "refs.bib")
    assert [(entry.key, entry.line, dict(entry.fields)) for entry in result.entries] == [
        ("a", 1, {"title": "A", "note": "\n@article{good,\n  title = {G}\n}\n"}),
        ("c", 8, {"title": "C"}),
    ]
    assert [str(d) for d in result.diagnostics] == [
        "refs.bib:4: warning: a: a line inside field 'note' starts an entry (@article{good); read as text of the "
        "field, as BibTeX does"
    ]
    # In a duplicate field, the value left out takes the entry with it.
    duplicate = parse_text(INSIDE_A_VALUE.replace("note", "title"), "refs.bib")
    assert [(entry.key, dict(entry.fields)) for entry in duplicate.entries] == [
        ("a", {"title": "A"}),
        ("c", {"title": "C"}),
    ]
    assert [str(d) for d in duplicate.diagnostics] == [
        "refs.bib:4: warning: a: a line inside field 'title' starts an entry (@article{good); read as text of the "
        "field, as BibTeX does",
        "refs.bib:3: warning: a: duplicate field 'title'; the first value is kept",
    ]


def test_an_entry_read_as_text_of_a_macro_is_named_unless_the_macro_is_broken() -> None:
    text = "@string{s = {x\n  @article(good, title = {G})\n}}\n@misc{c, title = s}\n"
    result = parse_text(text, "refs.bib")
    assert [(entry.key, dict(entry.fields)) for entry in result.entries] == [
        ("c", {"title": "x\n  @article(good, title = {G})\n"})
    ]
    assert [str(d) for d in result.diagnostics] == [
        "refs.bib:2: warning: a line inside @string s starts an entry (@article(good); read as text of the value, "
        "as BibTeX does"
    ]
    # Broken after the value, the @string ends where the entry starts: it is read, not text.
    broken = parse_text(text.replace("}}\n@misc", "} x}\n@misc"), "refs.bib")
    assert [(entry.key, dict(entry.fields)) for entry in broken.entries] == [
        ("good", {"title": "G"}),
        ("c", {"title": "x\n  @article(good, title = {G})\n"}),
    ]
    assert [str(d) for d in broken.diagnostics] == ["refs.bib:3: error: @string: expected '}'"]


def test_values_are_searched_for_entries_only_when_they_hold_an_at_sign() -> None:
    calls: list[tuple[object, ...]] = []
    text = "@misc{a, title = {T {{{deep}}}}, note = {n\n%c\n}, x = {e@mail}, year = 2020}\n"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ValueReader, "_entries_read_as_text", lambda *args: calls.append(args))
        result = parse_text(text, "refs.bib")
    assert result.diagnostics == ()
    assert [args[1:] for args in calls] == [(text.index("{e@"), text.index("}, year"), "a", "field 'x'")]


# A line starting "@Word{" inside a value, in every place it was found to
# be taken for an entry: its "{" went uncounted, so the value ended a brace
# early, and the entry was skipped or lost a brace.
PASTED = {
    "braced, closed on its line": "{Text\n@article{x} more}",
    "braced, closed lines later": "{Text\n@article{x,\nmore text}}",
    "braced, nested": "{Text {nested\n@article{x, y} more} end}",
    "braced, nested, closed with it": "{Text {nested\n@article{x, y}} end}",
    "braced, at the start": "{\n@article{x, y}\n}",
    "braced, parenthesised": "{Text\n@article(x, y) more}",
    "quoted": '"Text\n@article{x, y} more"',
    "quoted, closed lines later": '"Text\n@article{x,\n y} more"',
    "joined": "{Text} # {\n@article{x, y} more}",
}


@pytest.mark.parametrize("value", PASTED.values(), ids=list(PASTED))
@pytest.mark.parametrize(("opener", "closer"), [("{", "}"), ("(", ")")])
def test_a_line_starting_like_an_entry_inside_any_value_is_text(value: str, opener: str, closer: str) -> None:
    text = f"@article{opener}b, abstract = {value}, title = {{U}}{closer}\n@misc{{z, title = {{Z}}}}\n"
    result = parse_text(text, "p.bib")
    assert [entry.key for entry in result.entries] == ["b", "z"]
    expected = value[1:-1].replace("} # {", "")
    assert dict(result.entries[0].fields) == {"abstract": expected, "title": "U"}
    assert [str(d) for d in result.diagnostics] == [_read_as_text("p.bib:2", value)]
    assert parse_text(text, "p.bib") == _careful(text)


def _read_as_text(where: str, value: str) -> str:
    """The warning on the entry "x" that a line of ``value``, in entry "b", starts."""
    head = "@article(x" if "@article(x" in value else "@article{x"
    return (
        f"{where}: warning: b: a line inside field 'abstract' starts an entry ({head}); "
        "read as text of the field, as BibTeX does"
    )


def _careful(text: str) -> Bibliography:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(entry_fields, "_FAST_FIELD", {"}": re.compile("(?!)"), ")": re.compile("(?!)")})
        return parse_text(text, "p.bib")


def _halves_normalize(entries: Sequence[RawEntry], containers: frozenset[str]) -> Normalized:
    """The normalizing stage as the pipeline hands it to ``read_in_halves``."""
    return Normalizer((), "full", builtin_table(), containers=containers).all(entries)


@pytest.mark.skipif(not parallel._can_fork(), reason="workers are forked on Linux only")
@pytest.mark.parametrize("value", PASTED.values(), ids=list(PASTED))
@pytest.mark.parametrize("across", [False, True], ids=["before the cut", "across the cut"])
def test_a_line_starting_like_an_entry_inside_a_value_is_text_when_read_in_halves(
    value: str, across: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The file is cut in two at the first line starting an entry after its
    # middle. The value comes just before the middle or, made long, holds
    # it: then the cut falls on the line inside the value, and the halves
    # are not trusted with it.
    if across:
        value = value[0] + "x" * 3000 + value[1:]
    entry = f"@article{{b, abstract = {value}, title = {{U}}}}\n"
    text = "".join(f"@misc{{k{n}, title = {{T{n}}}, year = 2020}}\n" for n in range(40)).replace(
        "@misc{k20,", entry + "@misc{k20,"
    )
    sources = [Source("p.bib", text)]
    monkeypatch.setenv("BIB2PUBS_JOBS", "1")
    alone = build_listing(sources)
    assert alone.entries_read == 41
    assert [str(d) for d in alone.diagnostics] == [_read_as_text("p.bib:22", value)]
    monkeypatch.setenv("BIB2PUBS_JOBS", "2")
    monkeypatch.setattr(parallel, "MIN_TEXT", 0)
    monkeypatch.setattr(two_processes, "_middle", lambda text: len(text) // 2)  # as laid out above
    assert (two_processes.read_in_halves(sources[0], _halves_normalize) is None) is across
    assert build_listing(sources) == alone


# A value broken in each way, and what is said of it. BibTeX 0.99d reads
# the first as "Unbalanced braces---line 1", skips the rest of entry "a",
# and reads "b" and "c"; so does bib2pubs, which skips "a" whole.
BROKEN_VALUES = {
    "'}' then '{' in quotes": ('"q } {"', "unbalanced braces in field 'title' (a '}' in quotes)"),
    "'{' left open in quotes": ('"q { x"', "unterminated \"quoted\" value in field 'title'"),
    "'\"' left open": ('"q x', "unbalanced braces in field 'title' (a '}' in quotes)"),
    "'{' left open in braces": ("{q { x}", "unbalanced braces in field 'title'"),
    "an extra '}' in braces": ("{q } x}", "expected '=' after field 'x'"),
}


@pytest.mark.parametrize(("value", "message"), BROKEN_VALUES.values(), ids=list(BROKEN_VALUES))
@pytest.mark.parametrize("between", ["\n", " "], ids=["lines", "one line"])
def test_a_broken_value_is_named_and_the_entries_after_it_are_read(value: str, message: str, between: str) -> None:
    text = (
        f"@misc{{a, title = {value}, year = 2001}}{between}"
        f'@misc{{b, title = "B", year = 2002}}{between}'
        f'@misc{{c, title = {{C}}, note = "n", year = 2003}}\n'
    )
    result = parse_text(text, "t.bib")
    assert [(entry.key, dict(entry.fields)) for entry in result.entries] == [
        ("b", {"title": "B", "year": "2002"}),
        ("c", {"title": "C", "note": "n", "year": "2003"}),
    ]
    assert [str(d) for d in result.diagnostics] == [f"t.bib:1: error: a: {message}; entry skipped"]


def test_a_brace_in_quotes_that_pairs_with_none_is_an_error_as_in_bibtex() -> None:
    result = parse_text('@misc{k, title = "a}b", year = 2024}\n@misc{n, title = "a \\} b"}\n', "q.bib")
    # "\\}" is a brace to BibTeX too; read again as a literal one, as in braces.
    assert [(entry.key, dict(entry.fields)) for entry in result.entries] == [("n", {"title": "a \\textbraceright{} b"})]
    assert [str(d) for d in result.diagnostics] == [
        "q.bib:1: error: k: unbalanced braces in field 'title' (a '}' in quotes); entry skipped",
        "q.bib:2: warning: n: unbalanced braces; read '\\{' and '\\}' as literal braces",
    ]


def test_a_quoted_value_found_broken_lines_later_gives_back_the_entries_it_ran_over() -> None:
    text = '@misc{a, title = "q\n@misc{b, title = {B}}\n@misc{c, x = {y}}}, year = 1}\n@misc{d, title = {D}}\n'
    result = parse_text(text, "q.bib")
    assert [entry.key for entry in result.entries] == ["b", "c", "d"]
    assert [str(d) for d in result.diagnostics] == [
        "q.bib:3: error: a: unbalanced braces in field 'title' (a '}' in quotes); entry skipped"
    ]


# A value that ends, by its quotes or braces, in a later entry, and the
# entry found broken only after it. Reading goes on at the first line it
# ran over that starts an entry, so the entries there are read; entries it
# ran over within a line are each named.
SWALLOWING = {
    "an entry": ("@misc{a, title = ", "a: expected '=' after field 'c'; entry skipped", "the broken entry 'a'"),
    "an entry without a key": (
        "@misc{title = ",
        "expected '=' after field 'c'; entry skipped (an entry without a key, from line 1)",
        "a broken entry",
    ),
    "a macro": ("@string{s = ", "@string: expected '}'", "a broken @string"),
}


@pytest.mark.parametrize(("start", "error", "owner"), SWALLOWING.values(), ids=list(SWALLOWING))
def test_every_entry_a_broken_one_runs_over_is_read_or_named(start: str, error: str, owner: str) -> None:
    lines = start + '"q\n@misc{b, title = {B}}\n@misc(c, title = "C")\n@misc{d, title = {D}}\n'
    result = parse_text(lines, "s.bib")
    assert [(entry.key, entry.line) for entry in result.entries] == [("b", 2), ("c", 3), ("d", 4)]
    assert [str(d) for d in result.diagnostics] == [f"s.bib:3: error: {error}"]
    one_line = start + '"q @misc{b, title = {B}} @misc(c, title = "C")\n@misc{d, title = {D}}\n'
    result = parse_text(one_line, "s.bib")
    assert [(entry.key, entry.line) for entry in result.entries] == [("d", 2)]
    assert [str(d) for d in result.diagnostics] == [
        f"s.bib:1: error: {error}",
        f"s.bib:1: error: b: entry skipped: it lies within {owner} (line 1)",
        f"s.bib:1: error: c: entry skipped: it lies within {owner} (line 1)",
    ]


# An entry left open and broken on its last line, then entries on lines of
# their own, some with only a key (valid BibTeX): each of those is read.
# Where the break is found lies past the next line's head ("@article" read
# as a word, or as a field's name).
BROKEN_LAST_LINES = {
    "a stray word": ("@misc{a, title = {A} x", "a: expected '=' after field 'x'; entry skipped"),
    "a field without a value": ("@misc{a, title = {A}, note =", "a: field 'note': value missing; entry skipped"),
    "'#' with nothing after it": ("@misc{a, title = {A} #", "a: field 'title': value missing; entry skipped"),
    "a word after the key": ("@misc{a x", "a: expected '=' after field 'x'; entry skipped"),
    "a word after the key, in parentheses": ("@misc(a x", "a: expected '=' after field 'x'; entry skipped"),
    "a macro without a value": ("@string{s =", "@string s: value missing"),
}


@pytest.mark.parametrize(("broken", "error"), BROKEN_LAST_LINES.values(), ids=list(BROKEN_LAST_LINES))
@pytest.mark.parametrize(
    "good", ["@article{good}", "@article{good,}", "  @article(good)", "@article{good,\n  title = {G}\n}"]
)
def test_an_entry_after_one_broken_on_its_last_line_is_read(broken: str, error: str, good: str) -> None:
    text = f"{broken}\n{good}\n@article{{c, title = {{C}}}}\n"
    result = parse_text(text, "refs.bib")
    fields = {"title": "G"} if "title" in good else {}
    assert [(entry.key, entry.line, dict(entry.fields)) for entry in result.entries] == [
        ("good", 2, fields),
        ("c", text.count("\n"), {"title": "C"}),
    ]
    assert [str(d) for d in result.diagnostics] == [f"refs.bib:2: error: {error}"]


def test_a_value_missing_before_an_entry_on_its_line_gives_that_entry_back() -> None:
    result = parse_text("@misc{a, title = {A}, note = @article{good}\n@misc{c}\n", "refs.bib")
    assert [(entry.key, entry.line) for entry in result.entries] == [("good", 1), ("c", 2)]
    assert [str(d) for d in result.diagnostics] == ["refs.bib:1: error: a: field 'note': value missing; entry skipped"]


def test_the_fuzz_find_of_an_unclosed_entry_before_one_with_only_a_key() -> None:
    result = parse_text("@misc{a, title = {A} x\n@article{good}\n@article{c, title = {C}}\n", "refs.bib")
    assert [(entry.key, entry.line, dict(entry.fields)) for entry in result.entries] == [
        ("good", 2, {}),
        ("c", 3, {"title": "C"}),
    ]
    assert [str(d) for d in result.diagnostics] == ["refs.bib:2: error: a: expected '=' after field 'x'; entry skipped"]


def test_a_value_left_open_across_many_entries_ends_at_the_first() -> None:
    entries = "".join(f"@misc{{k{number}, title = {{T{number}}}}}\n" for number in range(40))
    result = parse_text("@misc{open, title = {Never {closed}\n" + entries, "o.bib")
    assert [entry.key for entry in result.entries] == [f"k{number}" for number in range(40)]
    assert [str(d) for d in result.diagnostics] == [
        "o.bib:1: error: open: unbalanced braces in field 'title'; entry skipped"
    ]


def test_whitespace_may_follow_the_at_sign() -> None:
    assert [entry.key for entry in parse_text("@\narticle{kept, title = {T}}").entries] == ["kept"]
