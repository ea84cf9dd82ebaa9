"""Every fast path gives exactly what the careful path gives.

The common case is served by shortcuts (one regular expression for a whole
field, braces dropped without the LaTeX decoder, a name read once per run,
a line that needs no wrapping). Each is checked here against the path it
short-cuts, on the whole corpus and on generated input: a shortcut may only
ever be faster, never different.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bib2pubs import UsageError
from bib2pubs.model import Diagnostic
from bib2pubs.read import entry_fields, values
from bib2pubs.read.bibtex import Bibliography, parse_text
from bib2pubs.read.dates import parse_year
from bib2pubs.read.source import decode
from bib2pubs.venues.classify import VENUE_FIELDS, classify, extract_venue, preprint_server, read_venue
from bib2pubs.venues.table import builtin_table
from tests.conftest import CORPUS
from tests.corpus_support import RecordingFields

FILES = sorted(CORPUS.rglob("*.bib"))
_NEVER = re.compile(r"(?!)")


def _careful(text: str) -> Bibliography:
    """``text`` parsed with the one-match field reader switched off."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(entry_fields, "_FAST_FIELD", {"}": _NEVER, ")": _NEVER})
        return parse_text(text, "x.bib")


@pytest.mark.parametrize("path", FILES, ids=lambda path: str(path.relative_to(CORPUS)))
def test_fast_field_reader_agrees_on_the_corpus(path: Path) -> None:
    text, _ = decode(path.read_bytes(), str(path))
    assert parse_text(text, "x.bib") == _careful(text)


# Pieces of fields as files write them, and the slips the careful path
# knows how to report: a missing comma, '#', '%', '@' inside values,
# unbalanced and deep braces, quotes and escaped quotes.
_FIELD_PIECES = [
    "title", "author", "year", " = ", "=", "{", "}", '"', '\\"', ",", ", ", "\n  ", " ", "#", "%c\n", "@",
    "\n@misc{", "jan", "2024", "{\\TeX}", "{{A}}", "{{{B}}}", "\\{", "\\", "x", "and", "(", ")", "\t",
]  # fmt: skip
_NOISE = st.lists(st.sampled_from(_FIELD_PIECES), max_size=40).map("".join)
_INSIDE = st.lists(st.sampled_from(_FIELD_PIECES[4:]), max_size=8).map("".join)
_VALUE = st.one_of(
    _INSIDE.map(lambda inside: "{" + inside + "}"),
    _INSIDE.map(lambda inside: '"' + inside + '"'),
    st.sampled_from(["jan", "2024", "s", "undefined", "s # { x}", '"a" # s']),
)
_FIELD = st.tuples(st.sampled_from(["title", "Author", "x-y"]), st.sampled_from([" = ", "=", "\n = "]), _VALUE)
_SEPARATOR = st.sampled_from([",\n  ", ",", " ", "\n", ",,", ", %c\n"])
_FIELDS = st.lists(st.tuples(_FIELD, _SEPARATOR), max_size=5).map(
    lambda fields: "".join(name + equals + value + separator for (name, equals, value), separator in fields)
)
_BODY = st.one_of(_NOISE, _FIELDS)


@settings(max_examples=400, deadline=None)
@given(body=_BODY, opener=st.sampled_from(["{", "("]))
def test_fast_field_reader_agrees_on_generated_entries(body: str, opener: str) -> None:
    closer = "}" if opener == "{" else ")"
    text = f"@string{{s = {{S}}}}\n@article{opener}k, {body}{closer}\n@misc{{after, title = {{T}}}}\n"
    assert parse_text(text, "x.bib") == _careful(text)


def test_the_venue_reads_only_the_fields_it_is_cached_by() -> None:
    table = builtin_table()
    asked: set[str] = set()
    entries = 0
    for path in FILES:
        text, _ = decode(path.read_bytes(), str(path))
        for entry in parse_text(text).entries:
            fields = RecordingFields(entry.fields)
            kind = classify(entry.type, entry.fields)
            # The DOI's preprint server is read apart, and is part of the key.
            server = preprint_server(entry.fields)
            for year in (parse_year(entry.get("year")), None):
                read_venue(kind, entry.type, fields, year, table, server)
            asked |= fields.asked
            entries += 1
    assert entries > 3000
    assert asked <= set(VENUE_FIELDS), asked - set(VENUE_FIELDS)


def test_entries_of_one_venue_share_a_reading_that_is_the_same_as_their_own() -> None:
    table = builtin_table()
    for path in FILES:
        text, _ = decode(path.read_bytes(), str(path))
        for entry in parse_text(text).entries:
            kind, year = classify(entry.type, entry.fields), parse_year(entry.get("year"))
            shared = extract_venue(kind, entry.type, entry.fields, year, table)
            assert shared == read_venue(kind, entry.type, entry.fields, year, table), entry.key


# Characters the decoder treats apart, and some it must leave alone.
_LATEX_CHARS = st.sampled_from(list("ab {}}{ .,-'?!^_\n\t\r\"#&%@\\$~`é\u0301\u200b\x1b\u00a0中"))


@settings(max_examples=2000, deadline=None)
@given(st.lists(_LATEX_CHARS, max_size=16).map("".join))
def test_values_with_braces_alone_decode_as_the_decoder_would(value: str) -> None:
    from bib2pubs.latex.decode import _decode, _Decoder, _tidy

    assert _decode(value) == _tidy(_Decoder(value).run())


# Blanks, invisible characters (_INVISIBLE), other characters that are not
# printable, and text that NFC changes.
_TIDY_CHARS = st.sampled_from(
    [*"a \n\t\r\x0b\x0c\x1c\x1f\x85\x7f\x9f\u00a0\u00ad\u200b\u2028\u2060\ufeff\ue000é\u0301中", "  "]
)


@settings(max_examples=2000, deadline=None)
@given(st.lists(_TIDY_CHARS, max_size=16).map("".join))
def test_tidying_skips_only_what_would_change_nothing(value: str) -> None:
    """_tidy's shortcuts (no search for invisible characters in a value that
    only breaks lines, no NFC for ASCII) give what the three steps give."""
    import unicodedata

    from bib2pubs.latex.decode import _INVISIBLE, _tidy

    assert _tidy(value) == " ".join(unicodedata.normalize("NFC", _INVISIBLE.sub("", value)).split())


# UTF-8 pieces: line ends, one-byte controls, C1 controls (two bytes, the
# first \xc2), characters whose UTF-8 begins with \xc2 too, and others.
_UTF8_PIECES = st.sampled_from([*"a\n\r\t\x00\x08\x0b\x0c\x0e\x1b\x1f\x7f\x80\x85\x9f©\xa0é中😀", "\r\n"])


@settings(max_examples=2000, deadline=None)
@given(st.lists(_UTF8_PIECES, max_size=24).map("".join), st.sampled_from([0, 10_000]))
def test_utf8_with_controls_is_cleaned_on_its_bytes_as_on_its_text(text: str, few_edits: int) -> None:
    """source._cleaned_utf8 (bytes) gives the text and the warning that
    _cleaned gives on the decoded text: cut where each edit is found, and
    in a pass for each kind of edit (past _FEW_EDITS)."""
    from bib2pubs.read import source
    from bib2pubs.read.source import _cleaned, _cleaned_utf8, _holds_controls, _unusual

    data = text.encode("utf-8")
    if source._wide_encoding(data) is None and not text.startswith("\ufeff"):  # read as UTF-8
        assert source.decode(data, "x.bib") == _cleaned(text, "x.bib", [])  # whichever way decode takes
    if not _holds_controls(_unusual(data)) and b"\r" not in data:  # decode takes the text as it is
        assert _cleaned(text, "x.bib", []) == (text, [])
        return
    diagnostics: list[Diagnostic] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(source, "_FEW_EDITS", few_edits)
        cleaned = _cleaned_utf8(data, _unusual(data), "x.bib", diagnostics)
    assert (cleaned, diagnostics) == _cleaned(text, "x.bib", [])


_BYTE_PIECES = st.sampled_from(
    [
        b"a",
        b"\n",
        b"\r",
        b"\x01",
        b"\xc2\x85",
        b"\xc3\xa9",
        "中".encode(),
        "😀".encode(),
        b"\xc3",
        b"\xa9",
        b"\xff",
        b"\xed\xa0\x80",
    ]
)


@settings(max_examples=2000, deadline=None)
@given(st.lists(_BYTE_PIECES, max_size=16).map(b"".join), st.integers(1, 9))
def test_utf8_is_checked_in_parts_as_the_whole_decodes(data: bytes, part: int) -> None:
    """source._check_utf8 refuses what decoding the whole refuses, with the
    same error, whatever the size of its parts; and a file is read as with
    parts larger than the file."""
    from bib2pubs.read import source

    try:
        data.decode("utf-8")
        expected = None
    except UnicodeDecodeError as error:
        expected = (error.start, error.end, error.reason)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(source, "_CHECKED_PART", part)
        try:
            source._check_utf8(data)
            found = None
        except UnicodeDecodeError as error:
            found = (error.start, error.end, error.reason)
        in_parts = source.decode(data, "x.bib")
    assert found == expected
    assert in_parts == source.decode(data, "x.bib")


def test_a_large_file_with_a_few_edits_is_read_as_with_many(monkeypatch: pytest.MonkeyPatch) -> None:
    """A file of CRLF lines, lone CRs and controls, read by cutting at each
    edit and by passes, gives the text and the warning of a substitution."""
    from bib2pubs.read import source

    text = "".join(f"@misc{{k{n}, note = {{a\x01b\u0085c\r}}}}\r\n" for n in range(3000)) + "\r\x7f\r\n"
    data = text.encode("utf-8")
    read = [source.decode(data, "x.bib")]
    monkeypatch.setattr(source, "_FEW_EDITS", 0)
    read.append(source.decode(data, "x.bib"))
    lines = text.replace("\r\n", "\n").replace("\r", "\n")
    expected = lines.replace("\x01", "").replace("\u0085", "").replace("\x7f", "")
    message = "6001 control characters removed (the first here)"
    assert read[0][0] == read[1][0] == expected
    assert [(d.line, d.message) for d in read[0][1]] == [(d.line, d.message) for d in read[1][1]] == [(1, message)]


_WRAP_CHARS = st.sampled_from([*"ab -\u00a0\t\n\r\x0b\x1c\u2028é", "word", "hyphen-ated", "  "])


@settings(max_examples=2000, deadline=None)
@given(
    text=st.lists(_WRAP_CHARS, max_size=30).map("".join),
    width=st.integers(1, 30),
    break_long_words=st.booleans(),
    break_on_hyphens=st.booleans(),
    markup=st.booleans(),
)
def test_wordwrap_wraps_as_jinja_does(
    text: str, width: int, break_long_words: bool, break_on_hyphens: bool, markup: bool
) -> None:
    from jinja2.filters import do_wordwrap
    from markupsafe import Markup

    from bib2pubs.rendering.jinja import environment, wordwrap

    env = environment("text")
    value = Markup(text) if markup else text
    ours = wordwrap(env, value, width, break_long_words, "\n  ", break_on_hyphens)
    theirs = do_wordwrap(env, value, width, break_long_words, "\n  ", break_on_hyphens)
    assert (ours, type(ours)) == (theirs, type(theirs))


@settings(max_examples=2000, deadline=None)
@given(
    words=st.lists(st.text(alphabet="ab\u00a0é中.,-1", min_size=1, max_size=9), min_size=1, max_size=14),
    width=st.integers(1, 30),
    break_long_words=st.booleans(),
)
def test_lines_of_plain_words_wrap_as_jinja_does(words: list[str], width: int, break_long_words: bool) -> None:
    """The quick path for words parted by single spaces (wrapping._words_wrapped)
    gives what textwrap does, by way of Jinja's filter; the test above seldom
    builds such a line long enough to be wrapped. It gives way only where a
    line may break within a hyphenated word."""
    from jinja2.filters import do_wordwrap

    from bib2pubs.rendering.jinja import environment
    from bib2pubs.rendering.wrapping import _words_wrapped, wrap_text

    text = " ".join(words)
    theirs = do_wordwrap(environment("text"), text, width, break_long_words, "\n", True)
    assert wrap_text(text, width, break_long_words, "\n", True) == theirs
    quick = _words_wrapped(text, width)
    if quick is not None:
        assert quick == theirs.split("\n")
    if all(len(word) <= width and not word.isspace() and "-" not in word for word in words):
        assert quick is not None


_URL_PIECES = st.sampled_from(
    ["http", "https", "HTTP", ":", "//", "x.org", "/a", " ", "\n ", "{", "}", "\\_", "\\url{", "&#106;", "&amp;",
     "javascript", "data", "\x00", "\t", "%20", "?q=1", "C:"]
)  # fmt: skip


@settings(max_examples=2000, deadline=None)
@given(st.lists(_URL_PIECES, max_size=10).map("".join))
def test_plain_urls_are_read_as_every_url_is(url: str) -> None:
    from bib2pubs.read import links

    quick = (links.clean_url(url), links.unsafe_scheme(url))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(links, "_PLAIN_URL", _NEVER)
        patch.setattr(links, "_WEB_LINK", _NEVER)
        assert quick == (links.clean_url(url), links.unsafe_scheme(url))


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=st.sampled_from("a\t\n\r\x00\x1f\x7f\x80\x9f\xa0©°\xbfé\u0100中\U0001f600\u0085"), max_size=12))
def test_the_control_test_on_bytes_answers_as_a_search_of_the_text(text: str) -> None:
    from bib2pubs.read.source import _CONTROL, _holds_controls, _unusual

    assert _holds_controls(_unusual(text.encode("utf-8"))) == (_CONTROL.search(text) is not None)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab\n\r\x00\x1f\x7f\x85\x9f\xa0é中"), max_size=16))
def test_control_characters_are_cut_out_as_a_substitution_removes_them(text: str) -> None:
    from bib2pubs.read.source import _CONTROL, _cleaned

    lines = text.replace("\r\n", "\n").replace("\r", "\n")
    cleaned, said = _cleaned(text, "x.bib", [])
    assert cleaned == _CONTROL.sub("", lines)
    first = _CONTROL.search(lines)
    if first is None:
        assert said == []
    else:
        count = len(_CONTROL.findall(lines))
        message = f"{count} control character{'s' if count > 1 else ''} removed (the first here)"
        assert [(d.line, d.message) for d in said] == [(lines.count("\n", 0, first.start()) + 1, message)]


def test_a_value_joined_past_the_limit_is_cut_and_reported_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(values, "MAX_VALUE", 10)
    text = "@string{a = {abcdef}}\n@misc{k, title = a # a # zz, note = {n}}\n"
    fast = parse_text(text, "x.bib")
    assert fast == _careful(text)
    assert fast.entries[0].fields == {"title": "abcdefabcd", "note": "n"}
    messages = [d.message for d in fast.diagnostics]
    assert len([m for m in messages if "grows past" in m]) == 1
    assert len([m for m in messages if "undefined macro 'zz'" in m]) <= 1


def test_the_cycle_collector_is_paused_only_while_the_listing_is_built(monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    from bib2pubs import pipeline
    from bib2pubs.read.source import Source

    seen = []
    real = pipeline.select
    monkeypatch.setattr(pipeline, "select", lambda *args: seen.append(gc.isenabled()) or real(*args))
    assert gc.isenabled()
    pipeline.build_listing([Source("x.bib", "@misc{k, title={T}, year=2024}")])
    assert seen == [False] and gc.isenabled()
    with pytest.raises(UsageError):
        pipeline.build_listing([Source("x.bib", "")], pipeline.Options(highlights=("",)))
    assert gc.isenabled()


@pytest.mark.parametrize("value", ["a:b # {x}", '"q?" # macro:name', "{a} # 2024"])
def test_joined_values_take_the_fast_path(value: str) -> None:
    found = entry_fields._FAST_FIELD["}"].match(f"@misc{{k, title = {value}}}", 8)
    assert found is not None and found.group(5) == value


def test_a_lazy_pattern_answers_as_the_compiled_one_and_compiles_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from bib2pubs import lazyre

    compiled = []
    real = re.compile
    monkeypatch.setattr(lazyre.re, "compile", lambda *args: compiled.append(args) or real(*args))
    pattern = lazyre.lazy(r"(?P<word>[a-z]+)(\d*)", re.I)
    assert pattern.pattern == r"(?P<word>[a-z]+)(\d*)" and not compiled  # nothing compiled yet
    eager = real(r"(?P<word>[a-z]+)(\d*)", re.I)
    text = "Ab12 cd x9"
    assert pattern.search(text).groups() == eager.search(text).groups()  # type: ignore[union-attr]
    assert pattern.findall(text) == eager.findall(text)
    assert pattern.sub("-", text) == eager.sub("-", text)
    assert [m.span() for m in pattern.finditer(text, 2)] == [m.span() for m in eager.finditer(text, 2)]
    assert pattern.fullmatch("ab") is not None and pattern.match(text, 5, 7) is not None
    assert (pattern.flags, pattern.groups, dict(pattern.groupindex)) == (
        eager.flags,
        eager.groups,
        dict(eager.groupindex),
    )
    assert len(compiled) == 1


def _every_pattern() -> list[tuple[str | bytes, int]]:
    """Every pattern the package makes at import, as the build collects them
    (setup.py's PATTERNS_SCRIPT): each module imported, none skipped here."""
    import importlib
    import pkgutil

    import bib2pubs
    from bib2pubs import lazyre

    for module in pkgutil.walk_packages(bib2pubs.__path__, "bib2pubs."):
        if module.name != "bib2pubs.__main__":
            importlib.import_module(module.name)
    return list(dict.fromkeys(lazyre.MADE))


def _table(monkeypatch: pytest.MonkeyPatch, path: Path, data: bytes) -> None:
    from bib2pubs import lazyre

    path.write_bytes(data)
    monkeypatch.setattr(lazyre, "TABLE_FILE", str(path))
    monkeypatch.setattr(lazyre, "_ahead", None)


def test_patterns_compiled_ahead_equal_those_compiled_at_run_time(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Each of the package's patterns made from the build's table equals
    (same text, flags and program for the engine) what re.compile makes,
    and answers as it does."""
    from bib2pubs import lazyre

    patterns = _every_pattern()
    assert len(patterns) > 150
    _table(monkeypatch, tmp_path / "patterns.bin", lazyre.table_data(patterns))
    for pattern, flags in patterns:
        made = lazyre.from_table(pattern, flags)
        usual = re.compile(pattern, flags)
        assert made is not None and made == usual, pattern
        assert (made.groups, dict(made.groupindex)) == (usual.groups, dict(usual.groupindex))
    dated = lazyre.from_table(*next((p, f) for p, f in patterns if isinstance(p, str) and "(?P<dates>" in p))
    assert dated is not None
    text = "Proc. ICSE 2024, Lisbon, Portugal, April 14-20, 2024"
    assert dated.search(text).groupdict() == re.compile(dated.pattern, dated.flags).search(text).groupdict()  # type: ignore[union-attr]


def test_patterns_are_compiled_as_usual_without_a_table_for_this_python(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import marshal

    from bib2pubs import lazyre

    pattern = r"(?P<word>[a-z]+)(\d*)"
    good = lazyre.table_data([(pattern, re.I)])
    header, entries = marshal.loads(good)
    _table(monkeypatch, tmp_path / "other.bin", marshal.dumps((("cpython-99", *header[1:]), entries)))
    assert lazyre.from_table(pattern, re.I) is None  # another Python's programs: not used
    _table(monkeypatch, tmp_path / "good.bin", good)
    assert lazyre.from_table(pattern, re.I) is not None
    assert lazyre.from_table(pattern, 0) is None  # other flags: another program
    has, program, groups, names, by_number = entries[pattern, int(re.I)]
    damaged = {(pattern, int(re.I)): (has, program[: len(program) // 2], groups, names, by_number)}
    _table(monkeypatch, tmp_path / "damaged.bin", marshal.dumps((header, damaged)))
    assert lazyre.from_table(pattern, re.I) is None  # the engine refuses it
    assert lazyre._compile(pattern, re.I) == re.compile(pattern, re.I)
    for entry in [
        (has, program),
        (has, program, 1 << 70, names, by_number),
        (1 << 70, *entries[pattern, int(re.I)][1:]),
    ]:
        _table(monkeypatch, tmp_path / "odd.bin", marshal.dumps((header, {(pattern, int(re.I)): entry})))
        assert lazyre._compile(pattern, re.I) == re.compile(pattern, re.I)  # damaged otherwise: compiled as usual
    _table(monkeypatch, tmp_path / "garbled.bin", b"\x00garbled")
    assert lazyre._compile(pattern, re.I) == re.compile(pattern, re.I)
    monkeypatch.setattr(lazyre, "TABLE_FILE", str(tmp_path / "none.bin"))
    monkeypatch.setattr(lazyre, "_ahead", None)
    assert lazyre._compile(pattern, re.I) == re.compile(pattern, re.I)


def test_threads_rendering_at_once_leave_the_cycle_collector_as_they_found_it() -> None:
    # Each pause of the collector read "was it on?" and set it back at its
    # end: a pause begun inside another thread's found it off, and left it
    # off for good once the other ended first.
    import gc
    import sys
    import threading

    from bib2pubs import pipeline
    from bib2pubs.read.source import Source

    listing = pipeline.build_listing([Source("x.bib", "@misc{k, title={T}, year=2024}")])
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads switch as often as they can
    try:
        for _ in range(20):
            assert gc.isenabled()

            def work() -> None:
                for _ in range(100):
                    pipeline.render(listing, pipeline.RenderSpec(format="json"), [])

            threads = [threading.Thread(target=work) for _ in range(4)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert gc.isenabled()
        gc.disable()
        pipeline.render(listing, pipeline.RenderSpec(format="json"), [])
        assert not gc.isenabled()  # off before: left off
    finally:
        gc.enable()
        sys.setswitchinterval(interval)
