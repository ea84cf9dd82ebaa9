"""Bad input gets a clear message, and nothing is lost: encodings,
--strict, pathological files that must end quickly, and escaping in every
format for arbitrary field text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bib2pubs import Options
from bib2pubs.model import Person, Publication, Venue
from tests.conftest import REFS, invoke
from tests.corpus_support import load, render_template

GBK = "@article{a, title={深度学习的研究}, author={张三 and 李四}, journal={计算机学报}, year=2020}\n"
LATIN = "@article{a, title={Über Müller}, author={Müller, Jürgen}, journal={Zeitschrift}, year=2020}\n"


def _write(tmp_path: Path, data: bytes) -> str:
    path = tmp_path / "refs.bib"
    path.write_bytes(data)
    return str(path)


def test_a_chinese_file_is_read_as_gb18030_with_a_warning(tmp_path: Path) -> None:
    result = invoke(_write(tmp_path, GBK.encode("gbk")), "-f", "text")
    assert result.exit_code == 0
    assert "深度学习的研究" in result.stdout and "张三, 李四" in result.stdout
    assert ":1: warning: not valid UTF-8 (from line 1); read as GB18030 (Chinese)" in result.stderr


def test_a_latin_file_is_read_as_windows_1252_or_as_told(tmp_path: Path) -> None:
    path = _write(tmp_path, LATIN.encode("cp1252"))
    guessed = invoke(path, "-f", "text")
    assert "Über Müller" in guessed.stdout and "read as Windows-1252" in guessed.stderr
    told = invoke(path, "-f", "text", "--encoding", "latin-1")
    assert "Über Müller" in told.stdout and told.stderr == ""


def test_encoding_mistakes_are_clear(tmp_path: Path) -> None:
    path = _write(tmp_path, GBK.encode("gbk"))
    unknown = invoke(path, "--encoding", "klingon", "-f", "text")
    assert unknown.exit_code == 2 and "Invalid value for '--encoding': klingon: no such encoding" in unknown.stderr
    for codec in ("rot13", "base64", "zlib"):  # codecs, but of bytes or of text to text
        not_text = invoke(path, "--encoding", codec, "-f", "text")
        assert not_text.exit_code == 2 and f"'--encoding': {codec}: not an encoding of text" in not_text.stderr
    wrong = invoke(path, "--encoding", "ascii", "-f", "text")
    assert wrong.exit_code == 2 and "refs.bib:1: error: not valid ascii at line 1" in wrong.stderr
    # Codecs that fail without a position were an internal error (exit 70).
    plain = _write(tmp_path, REFS.read_bytes())
    for codec in ("punycode", "undefined"):
        failed = invoke(plain, "--encoding", codec, "-f", "text")
        assert failed.exit_code == 2 and f"error: not valid {codec}" in failed.stderr, failed.stderr


#: refs.bib and an entry beyond ASCII, with a character outside the Basic
#: Multilingual Plane (two units in UTF-16).
WIDE = REFS.read_text(encoding="utf-8") + (
    "@article{wide, title={Über Müller and 深度学习 in 𝒜}, author={Müller, Jürgen}, journal={J}, year=2020}\n"
)


def _as_utf8(tmp_path: Path) -> tuple[str, str]:
    """stdout and stderr for WIDE in UTF-8, the reference."""
    result = invoke(_write(tmp_path, WIDE.encode("utf-8")), "-f", "json")
    assert result.exit_code == 0 and "深度学习 in 𝒜" in result.stdout
    return result.stdout, result.stderr


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be"),
    ],
)
def test_a_byte_order_mark_says_the_encoding(tmp_path: Path, bom: bytes, codec: str) -> None:
    # UTF-16 and UTF-32 were read as Windows-1252: garbage, and exit 0.
    stdout, stderr = _as_utf8(tmp_path)
    result = invoke(_write(tmp_path, bom + WIDE.encode(codec)), "-f", "json")
    assert result.exit_code == 0
    assert (result.stdout, result.stderr) == (stdout, stderr)


@pytest.mark.parametrize(
    ("codec", "label"),
    [
        ("utf-16-le", "UTF-16 (little-endian)"),
        ("utf-16-be", "UTF-16 (big-endian)"),
        ("utf-32-le", "UTF-32 (little-endian)"),
        ("utf-32-be", "UTF-32 (big-endian)"),
    ],
)
def test_utf16_without_a_mark_is_told_by_its_zero_bytes(tmp_path: Path, codec: str, label: str) -> None:
    stdout, stderr = _as_utf8(tmp_path)
    path = _write(tmp_path, WIDE.encode(codec))
    result = invoke(path, "-f", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["groups"] == json.loads(stdout)["groups"]
    guess = (
        f"{path}:1: warning: no byte order mark; read as {label} from its zero bytes; use --encoding to say otherwise"
    )
    assert result.stderr == guess + "\n" + stderr


@pytest.mark.parametrize("bom", [b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"])
def test_a_stray_wide_mark_before_8bit_text_is_left_out(tmp_path: Path, bom: bytes) -> None:
    # Read as UTF-16, the whole file became CJK: no entry, and no word of why.
    stdout, stderr = _as_utf8(tmp_path)
    path = _write(tmp_path, bom + WIDE.encode("utf-8"))
    result = invoke(path, "-f", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["groups"] == json.loads(stdout)["groups"]
    stray = f"{path}:1: warning: a UTF-16/UTF-32 byte order mark before text that is neither; the mark is left out"
    assert result.stderr == stray + "\n" + stderr


def test_utf16_cut_short_keeps_what_it_holds(tmp_path: Path) -> None:
    data = b"\xff\xfe" + WIDE.encode("utf-16-le") + b"@"  # an odd byte at the end
    path = _write(tmp_path, data)
    result = invoke(path, "-f", "text")
    assert result.exit_code == 0
    assert "Über Müller and 深度学习 in 𝒜" in result.stdout
    lines = WIDE.count("\n") + 1
    assert (
        f"{path}:{lines}: warning: not valid UTF-16 from line {lines}; what is not is shown as \ufffd" in result.stderr
    )


def test_strict_fails_on_warnings_and_writes_nothing(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@article{a, title={A}, author={Jin, Chao}, journal={Journal of Odd Studies}, year=2020}\n"
        "@inproceedings{b, title={B}, author={Li, Ana}, booktitle={NSDI}}\n"
        "@article{c, title={C}, author={Jin, Chao}, journal={TPDS}, year=2021}\n",
        encoding="utf-8",
    )
    page = tmp_path / "publications.md"
    page.write_text("kept\n", encoding="utf-8")
    result = invoke(str(bib), "-H", "Chao Jin", "--strict", "--only-highlighted", "-o", str(page))
    assert result.exit_code == 1
    assert f"{bib}:1: warning: a: venue not in the venue table: 'Journal of Odd Studies'" in result.stderr
    assert f"{bib}:2: warning: b: no year: listed as undated" in result.stderr
    assert f"{bib}:2: warning: b: names no highlighted person: left out by --only-highlighted" in result.stderr
    assert "3 problems above; --strict fails the run" in result.stderr and "left as it was" in result.stderr
    assert page.read_text(encoding="utf-8") == "kept\n"
    assert invoke(str(bib), "-o", str(page)).exit_code == 0  # without --strict, warnings are allowed


def test_strict_passes_a_clean_file() -> None:
    assert invoke("refs.bib", "-H", "Chao Jin", "--strict", "-f", "text").exit_code == 0


_DOUBLING = "@string{a0 = {xx}}\n" + "".join(f"@string{{a{i} = a{i - 1} # a{i - 1}}}\n" for i in range(1, 40))
_CYCLE = "@misc{a, crossref={b}, title={A}, author={X}, year=2020}\n@misc{b, crossref={a}, title={B}, author={Y}}\n"
_AUTHORS = " and ".join(f"Author{i}, A." for i in range(10_000))
PATHOLOGICAL = {
    "5 MB field": "@misc{a, title={" + "x" * 5_000_000 + "}, year=2020}\n",
    "100k nested braces": "@misc{a, title=" + "{" * 100_000 + "x" + "}" * 100_000 + ", year=2020}\n",
    "unbalanced braces": "@misc{a, title={" + "{" * 50_000 + "x, year=2020}\n@misc{b, title={B}, year=2020}\n",
    "@string loop": '@string{a = b # "x"}\n@string{b = a # "y"}\n@misc{k, title=a, year=2020}\n',
    "macro doubling": _DOUBLING + "@misc{k, title=a39, year=2020}\n",
    "crossref cycle": _CYCLE,
    "10k authors": "@misc{a, title={T}, year=2020, author={" + _AUTHORS + "}}\n",
}


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_pathological_files_end_with_a_listing(tmp_path: Path, name: str) -> None:
    # No timing here (speed is measured in benchmarks); these inputs once
    # made other tools run out of time or memory, and must end with a list.
    path = tmp_path / "refs.bib"
    path.write_text(PATHOLOGICAL[name], encoding="utf-8")
    listing = load([path], Options())
    assert listing.entries_read >= 1, name
    for format_name in ("markdown", "html", "text", "latex"):  # each format's own template
        output, _ = render_template(
            listing, {"markdown": "markdown", "html": "html", "text": "text", "latex": "latex"}[format_name]
        )
        assert output, name


_PIECES = [*"<>&\"'`*_[]()#$%\\{}~^|!:;/= \n", "javascript:", "<script>", "{{", "{%", "data:", "a", "B"]
_NASTY = st.lists(st.sampled_from(_PIECES), max_size=30).map("".join)


def _publication(text: str, url: str) -> Publication:
    person = Person(text, "", text, "", f"{text} {text}", "self", ("equal",))
    venue = Venue(text, text, text, url, text, text)
    return Publication(
        text or "k", "article", "journal", text, 2020, 1, (person,), (), venue, {"pdf": url, "code": url}, note=text
    )


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    _NASTY, st.sampled_from(["javascript:alert(1)", "JaVaScRiPt:x", "data:text/html,<script>", "https://x.org/?a=<b>"])
)
def test_no_format_lets_field_text_become_markup(text: str, url: str) -> None:
    from bib2pubs import Listing
    from bib2pubs.model import Group

    listing = Listing((Group("2020", (_publication(text, url),)),))
    html, _ = render_template(listing, "html")
    assert "<script" not in html.lower()
    assert not re.search(r"href=\"\s*(?:javascript|data):", html, re.I)
    page, _ = render_template(listing, "html-page")
    assert page.lower().count("<script") == 0
    for template in ("markdown", "academicpages"):
        markdown, _ = render_template(listing, template)
        assert not re.search(r"(?<!\\)<script", markdown, re.I)  # "\<script>" is text to kramdown
        # A "]" after an even number of backslashes (none included) ends a link text; "\]" is text.
        assert not re.search(r"(?<!\\)(?:\\\\)*\]\(\s*(?:javascript|data):", markdown, re.I)
        data = markdown.replace("{% include base_path %}", "")  # academicpages' own Liquid
        assert "{{" not in data and "{%" not in data  # Jekyll's Liquid never sees template syntax
    latex, _ = render_template(listing, "latex")
    body = latex.split("\\begin{enumerate}", 1)[-1]
    assert not re.search(r"(?<!\\)[#$%&_]", body.replace("\\href", "")), body


def test_a_month_that_is_no_month_is_reported(write_bib) -> None:  # type: ignore[no-untyped-def]
    path = write_bib("@article{a, title={T}, journal={J}, year=2019, month={14}}\n")
    result = invoke(str(path), "-f", "text")
    assert result.exit_code == 0
    assert f"{path}:1: warning: a: month '14' is not a month; left out" in result.stderr


def test_every_report_is_one_line_whatever_a_value_held(write_bib) -> None:  # type: ignore[no-untyped-def]
    # A crossref value run over lines was quoted whole: the second line of
    # the report named no file, and a long one filled the terminal.
    path = write_bib(
        "@misc{a, title = {A}, crossref = {miss\ning}}\n"
        f"@misc{{b, title = {{B}}, crossref = {{{'x' * 500}}}}}\n"
        "@misc{c, title = {C}}\n"
    )
    result = invoke(str(path), "-f", "json")
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert lines[0] == f"{path}:1: warning: a: crossref to unknown entry 'miss ing'"
    assert lines[1] == f"{path}:3: warning: b: crossref to unknown entry '{'x' * 60}…'"
    assert len(lines) == 2


def test_a_control_character_in_a_report_never_reaches_the_terminal() -> None:
    from bib2pubs import Diagnostic

    shown = str(Diagnostic("refs.bib", 3, "k\x1b[2J", "warning", "a\r\nb\x07c\u2028d\x85"))
    assert shown == "refs.bib:3: warning: k [2J: a  b c d "
    disguised = str(Diagnostic("refs.bib", 3, "a\u202eb\u2066c\u200f", "error", "x"))
    assert disguised == "refs.bib:3: error: a b c : x"


def test_an_encoding_in_the_settings_file_is_checked_there(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, LATIN.encode("cp1252"))
    (tmp_path / "bib2pubs.toml").write_text('encoding = "rot13"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = invoke(path, "-f", "text")
    assert result.exit_code == 2
    assert f"{tmp_path / 'bib2pubs.toml'}: encoding: rot13: not an encoding of text" in result.stderr


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"", "utf-16-le"),
    ],
)
def test_wide_text_joined_with_8bit_text_keeps_both(tmp_path: Path, bom: bytes, codec: str) -> None:
    # `cat wide.bib narrow.bib`: the narrow part, read wide, was CJK-looking
    # nonsense, and its entries were gone with no word naming them.
    wide = "@misc{w1, title = {Wide über}, year = 2020}\n@misc{w2, title = {Two}, year = 2021}\n"
    narrow = "@misc{n1, title = {Narrow é}, year = 2022}\n@misc{n2, title = {Eight}, year = 2023}\n"
    path = _write(tmp_path, bom + wide.encode(codec) + narrow.encode("utf-8"))
    result = invoke(path, "-f", "json")
    assert result.exit_code == 0
    keys = [pub["key"] for group in json.loads(result.stdout)["groups"] for pub in group["entries"]]
    assert sorted(keys) == ["n1", "n2", "w1", "w2"]
    label = "UTF-32" if "32" in codec else "UTF-16"
    joined = f"{path}:3: warning: {label} ends here and 8-bit text follows (files joined?); the rest read as UTF-8"
    assert joined in result.stderr.splitlines()
    assert "Narrow é" in invoke(path, "-f", "text").stdout
