"""Formulas in titles kept as math in LaTeX output (bib2pubs/latex/math.py),
and only where they can do nothing but typeset: the fixture table, a
property test over hostile titles, and lualatex compiling every row."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bib2pubs.latex.decode import latex_to_text
from bib2pubs.latex.math import (
    ALPHABETS,
    DELIMITER_WORDS,
    OPERATORS,
    SYMBOLS,
    WORDS,
    formula_latex,
    title_latex,
    title_math,
)
from bib2pubs.rendering.filters import FILTERS, latex_escape, tex_title
from tests.conftest import invoke

# Rows: raw title (as in the .bib), its LaTeX form. A form that keeps no
# formula is the decoded title escaped, as every title was before.
KEPT = [
    pytest.param(
        r"An {$O(n \log n)$} algorithm for $\alpha$-shapes",
        r"An $O(n \log n)$ algorithm for $\alpha$-shapes",
        id="the-example",
    ),
    pytest.param(r"$\alpha$ at the start", r"$\alpha$ at the start", id="math-first"),
    pytest.param(r"At the end $x^2$", r"At the end $x^2$", id="math-last"),
    pytest.param(r"$x$", r"$x$", id="math-only"),
    pytest.param(r"x \(\alpha + \beta\) y", r"x $\alpha + \beta$ y", id="paren-math"),
    pytest.param(r"$$E = mc^2$$ inline", r"$E = mc^2$ inline", id="display-becomes-inline"),
    pytest.param(r"\[x \leq y\] too", r"$x \leq y$ too", id="bracket-display"),
    pytest.param(r"A {{$\frac{a}{\sqrt{b_{i}}}$}} bound", r"A $\frac{a}{\sqrt{b_{i}}}$ bound", id="nested-braces"),
    pytest.param(r"\$5 for $n$ items", r"\$5 for $n$ items", id="escaped-dollar-is-text"),
    pytest.param(r"$a$$b$", r"$a$$b$", id="two-formulas-touching"),
    pytest.param(
        r"Sets $\left\{ x \in \mathcal{X} \right\}$", r"Sets $\left\{ x \in \mathcal{X} \right\}$", id="left-right"
    ),
    pytest.param(r"Peak $x_{\text{max & 50\%}}$", r"Peak $x_{\mbox{max \& 50\%}}$", id="text-argument-escaped-as-text"),
    pytest.param(r"$f'(x)$ and $x'^2$ and $f''$", r"$f'(x)$ and $x'^2$ and $f''$", id="primes"),
    pytest.param(r"$\sqrt[3]{x} \cdot \sqrt 2$", r"$\sqrt[3]{x} \cdot \sqrt 2$", id="sqrt"),
    pytest.param("Over $a\n    + b$ lines", r"Over $a + b$ lines", id="blanks-collapse"),
    pytest.param("$a\n\nb$", r"$a b$", id="blank-line-is-no-paragraph"),
    pytest.param(r"$ x\ $ gap", r"$x\ $ gap", id="control-space-at-the-end"),
    pytest.param(r"$\alpha$ and $\input{x}$", r"$\alpha$ and x", id="one-kept-one-refused"),
    pytest.param(
        r"50% of $n$ & {#}1 <a> [b] \_",
        r"50\% of $n$ \& \#1 \textless{}a\textgreater{} {[}b{]} \_",
        id="text-around-escaped",
    ),
    pytest.param(r"{\'E}tude of $\Omega$", r"Étude of $\Omega$", id="text-decoded"),
]

# Real titles, copied from ../shared/corpus (tests/corpus has none of these):
#   pybtex/xampl.bib, pybtex/tugboat.bib: live-clones/pybtex@fc6f83e5 tests/data/xampl.bib,
#     examples/tugboat/tugboat.bib (MIT; xampl.bib: Oren Patashnik, unlimited copying)
#   Accio/CV@66b5e5cc mypubs-not-first-last.bib (no licence stated; one title)
#   retorquere/zotero-better-bibtex@73dd6799 test/fixtures/import/ (MIT): "Overline during Import
#     #1467.bib", "Math markup to unicode not always imported correctly #472.bib", "Maintain the
#     JabRef group and subgroup structure when importing a BibTeX db #97.bib", "Unabbreviate on
#     import #1436-2.bib", "Unabbreviate on import #1436-3.bib", "Some bibtex entries quietly
#     discarded on import from bib file #873.bib"
#   plk/biber@c29ec7f7 t/tdata/examples.bib (Artistic-2.0)
#   ropensci/RefManageR@d616da56 inst/Bib/RefManageR/RJC.bib (GPL-2 | GPL-3 | BSD_3_clause)
CORPUS = [
    pytest.param(
        r"An {$O(n \log n / \! \log\log n)$} Sorting Algorithm",
        r"An $O(n \log n / \! \log\log n)$ Sorting Algorithm",
        id="xampl.bib:325:techreport-minimal",
    ),
    pytest.param(
        r"{$\{$Meta$\}${Font Forum} redux}", r"$\{$Meta$\}$Font Forum redux", id="tugboat.bib:26200:Hoenig:TB15-2-97"
    ),
    pytest.param(
        r"{$\varepsilon$-{\TeX} \& {\NTS}: A progress report}",
        r"$\varepsilon$-TeX \& NTS: A progress report",
        id="tugboat.bib:27099:Taylor:TB15-3-353",
    ),
    pytest.param(
        r"{{\LaTeX} 2.09 $\hookrightarrow$ {\LaTeX}3}",
        r"LaTeX 2.09 $\hookrightarrow$ LaTeX3",
        id="tugboat.bib:22062:Mittelbach:TB13-1-96",
    ),
    pytest.param(
        r"{MicroRNA-520/373} family functions as a tumor suppressor in estrogen receptor negative breast cancer"
        r" by targeting {NF-$\kappa$B} and {TGF-$\beta$} signaling pathways",
        r"MicroRNA-520/373 family functions as a tumor suppressor in estrogen receptor negative breast cancer"
        r" by targeting NF-$\kappa$B and TGF-$\beta$ signaling pathways",
        id="mypubs-not-first-last.bib:13:keklikoglou2012microrna",
    ),
    pytest.param(
        r"N-{{Limited Versus Ga}}-{{Limited Growth}} on {${\rm GaN}(000\bar{1})$} by {{MBE Using NH}}"
        r"{\textsuperscript{3}}",
        "N-Limited Versus Ga-Limited Growth on GaN(0001\u0304) by MBE Using NH³",
        id="Overline #1467.bib:2:Held_1998 (\\rm refused)",
    ),
    pytest.param(
        r"Recent Progress in Metal-Organic Chemical Vapor Deposition of {$\left( 000\bar{1} \right)$}"
        r" {{N}}-Polar Group-{{III}} Nitrides",
        r"Recent Progress in Metal-Organic Chemical Vapor Deposition of $\left( 000\bar{1} \right)$"
        r" N-Polar Group-III Nitrides",
        id="Overline #1467.bib:14:Keller_2014",
    ),
    pytest.param(
        r"Epitaxial Lateral Overgrowth of Nitrogen-Polar (000{$\overline{1}$}) {{GaN}} by Metalorganic"
        r" Chemical Vapor Deposition",
        r"Epitaxial Lateral Overgrowth of Nitrogen-Polar (000$\overline{1}$) GaN by Metalorganic"
        r" Chemical Vapor Deposition",
        id="Overline #1467.bib:62:Song_2014",
    ),
    pytest.param(
        r"{T}est {T}itle {W}ith 100~$\mu${J}, 200\,{\mbox{$\mu$}}{J} {E}nergy, and $\pm$0.1\% {A}ccuracy,"
        r" 0.2\,mm$^2$ {S}ize, and $-$50\,d{B} {A}ttenuation",
        r"Test Title With 100 $\mu$J, 200 $\mu$J Energy, and $\pm$0.1\% Accuracy, 0.2 mm$^2$ Size,"
        r" and $-$50 dB Attenuation",
        id="Math markup #472.bib:1:test_citation1",
    ),
    pytest.param(
        r"10\% of [100] and 90% of $Normal_2$ | \& # things {$^{3}$}",
        r"10\% of {[}100{]} and 90\% of $Normal_2$ | \& \# things $^{3}$",
        id="biber examples.bib:1419:t1",
    ),
    pytest.param(r"Signs of W$\frac{o}{a}$nder", r"Signs of W$\frac{o}{a}$nder", id="biber examples.bib:1428:t2"),
    pytest.param(
        r"Default of the Resonant Conjugation of Photoconductivity of {Cu$_2$O} in Low-{$T_\mathrm{c}$}"
        r" Superconductor Based Optoelectronic Devices",
        r"Default of the Resonant Conjugation of Photoconductivity of Cu$_2$O in Low-$T_\mathrm{c}$"
        r" Superconductor Based Optoelectronic Devices",
        id="JabRef #97.bib:5097:Isobe_1996",
    ),
    pytest.param(
        r"Evidence of a Competitive Phenomenon between the $0.72\,\textrm{\textmu m}$ and"
        r" $0.93\,\textrm{\textmu m}$ Luminescences of {Cu$_2$O}",
        r"Evidence of a Competitive Phenomenon between the 0.72 µm and 0.93 µm Luminescences of Cu$_2$O",
        id="JabRef #97.bib:6009:Kenway_1978 (\\textrm refused)",
    ),
    pytest.param(
        r"Growth and Characterization of {{N}}-Polar {{InGaN}}{$\slash$}{{GaN}} Multiquantum Wells",
        r"Growth and Characterization of N-Polar InGaN$\slash$GaN Multiquantum Wells",
        id="Unabbreviate #1436-2.bib:6031:Keller_2007",
    ),
    pytest.param(
        r"Silicon Nanowhiskers Grown on {$<$}111{$>$}{{Si}} Substrates by Molecular-Beam Epitaxy",
        r"Silicon Nanowhiskers Grown on $<$111$>$Si Substrates by Molecular-Beam Epitaxy",
        id="Unabbreviate #1436-3.bib:64466:schubert_2004",
    ),
    pytest.param(
        r"On almost sure expansions for $ M $-estimates",
        r"On almost sure expansions for $M$-estimates",
        id="RJC.bib:4558:carroll1978almost",
    ),
    pytest.param(
        "OCL$_h$: a sound and supportive planning domain\n                  modelling language",
        r"OCL$_h$: a sound and supportive planning domain modelling language",
        id="discarded #873.bib:9005:mccluskey99:_ocl",
    ),
]

# Formulas that are code, or that TeX would stop on: each falls back to
# the decoded title, escaped, and keeps nothing.
REFUSED = [
    pytest.param(r"$\input{/etc/passwd}$", "/etc/passwd", id="input"),
    pytest.param(r"$\write18{rm -rf ~}$", "write18rm −rf", id="write18"),
    pytest.param(r"$\def\x{y}\x$", "defyx", id="def"),
    pytest.param(r"$\catcode`\^^M=13$", "catcode`ᴹ̂=13", id="catcode"),
    pytest.param(r"$\csname foo\endcsname$", "csname fooendcsname", id="csname"),
    pytest.param(r"$\immediate\openout1=x$", "immediateopenout1=x", id="immediate-openout"),
    pytest.param(r"$\url{http://x}$", "http://x", id="url"),
    pytest.param(r"$\mathbb{R}^n$ spaces", "ℝⁿ spaces", id="mathbb-needs-amssymb"),
    pytest.param(r"Open ${x$ brace", r"Open x brace", id="unbalanced-open-brace"),
    pytest.param(r"Close $x}$ brace", r"Close x brace", id="unbalanced-close-brace"),
    pytest.param(r"The $100 laptop", r"The \$100 laptop", id="dollar-left-open"),
    pytest.param(r"An \(x + y title", r"An x + y title", id="paren-left-open"),
    pytest.param(r"$x % comment$ rest", r"x \% comment rest", id="percent-comment"),
    pytest.param(r"$x^^41$", r"x\textasciicircum{}⁴1", id="caret-caret"),
    pytest.param(r"$a \\ b$", "a b", id="double-backslash"),
    pytest.param(r"$a \par b$", "a b", id="par"),
    pytest.param(r"$a & b$", r"a \& b", id="alignment-tab"),
    pytest.param(r"$#1$", r"\#1", id="parameter"),
    pytest.param(r"$a~b$", "a b", id="tie"),
    pytest.param(r"$α$", "α", id="not-ascii"),
    pytest.param(r"$x^2^3$", "x²³", id="double-superscript"),
    pytest.param(r"$x^2'$", "x²′", id="prime-after-superscript"),
    pytest.param(r"$\left( x$", "( x", id="left-without-right"),
    pytest.param(r"$x \right)$", "x )", id="right-without-left"),
    pytest.param(r"$\frac{a}$", "a", id="missing-argument"),
    pytest.param(r"$x^$", "x", id="script-without-argument"),
    pytest.param(r"$x^\log y$", "xˡᵒᵍ y", id="macro-as-script"),
    pytest.param(r"$\sqrt[\sqrt[3]{2}]{x}$", "√{[}∛2{]}x", id="nested-optional-argument"),
    pytest.param(r"$a \( b$", "a b", id="paren-inside-dollar"),
    pytest.param(r"$ $", "", id="empty"),
    pytest.param("\ue000 $x$", "\ue000 x", id="private-use-character"),
    pytest.param(r"\char57344 $x$", "\ue000x", id="private-use-made-by-char"),
    pytest.param(r"No math at all: {\TeX} & co", r"No math at all: TeX \& co", id="no-math"),
    pytest.param(r"Costs \$5 and \$6", r"Costs \$5 and \$6", id="only-escaped-dollars"),
]


@pytest.mark.parametrize(("raw", "expected"), KEPT + CORPUS + REFUSED)
def test_title_latex(raw: str, expected: str) -> None:
    assert title_latex(raw) == expected
    _assert_harmless(title_latex(raw))


@pytest.mark.parametrize(("raw", "expected"), KEPT + CORPUS + REFUSED)
def test_title_math_is_set_only_when_a_formula_is_kept(raw: str, expected: str) -> None:
    escaped_text = latex_escape(latex_to_text(raw))
    if "$" in expected.replace(r"\$", ""):
        assert title_math(raw) == expected != escaped_text
    else:
        assert title_math(raw) == ""
        assert expected == escaped_text


# What the output may hold beside the allow-list: the text escape's commands
# and symbols, and \mbox, which \text becomes.
ESCAPE_WORDS = {"textbackslash", "textasciicircum", "textasciitilde", "textless", "textgreater"}
ALLOWED_WORDS = (WORDS - {"text"}) | {"mbox"} | ESCAPE_WORDS
ALLOWED_SYMBOLS = set("{}$&#_%,;!:| ")
_OUTPUT_TOKEN = re.compile(r"\\([A-Za-z]+)|\\([\s\S]?)|(\$)|([{}])|([\s\S])")


def _assert_harmless(latex: str) -> None:
    """Every control sequence on the allow-list, braces balanced, math
    shifts paired (never "$$"), no "^^", no comment, parameter, alignment
    tab or tie, scripts only in math, and every formula one the checker
    keeps as it is."""
    depth = 0
    in_math = False
    formula_start = 0
    for token in _OUTPUT_TOKEN.finditer(latex):
        word, symbol, shift, brace, char = token.groups()
        if word is not None:
            assert word in ALLOWED_WORDS, (word, latex)
        elif symbol is not None:
            assert symbol in ALLOWED_SYMBOLS, (symbol, latex)
        elif shift is not None:
            # An opening "$$" is display math (or an empty formula); "$a$$b$" is two.
            assert in_math or not latex.startswith("$", token.end()), latex
            if in_math:
                body = latex[formula_start : token.start()]
                assert formula_latex(body) == f"${body}$", latex
            formula_start = token.end()
            in_math = not in_math
        elif brace is not None:
            depth += 1 if brace == "{" else -1
            assert depth >= 0, latex
        else:
            assert char not in "%#&~\n", latex
            assert char not in "^_" or in_math, latex
    assert depth == 0 and not in_math, latex
    assert "^^" not in latex


# Pieces of titles: math delimiters, the structure TeX reads, every kind of
# attack, and plain text.
_PIECES = [
    "$", "$$", "\\(", "\\)", "\\[", "\\]", "\\$", "{", "}", "^", "^^", "_", "'", "[", "]", " ", "\n", "\n\n",
    "\\alpha", "\\frac", "\\sqrt", "\\left", "\\right", "(", ")", "|", ".", "\\{", "\\}", "\\|", "\\text{",
    "\\mbox{", "\\mathrm", "\\mathbb{R}", "\\log", "\\,", "\\ ", "\\\\", "\\par", "\\input{/etc/passwd}",
    "\\write18{x}", "\\def\\x", "\\catcode", "\\csname", "\\endcsname", "\\immediate", "\\openout", "\\url{",
    "\\verb|", "%", "#", "&", "~", "\\", "x", "1", "é", "α", "\ue000", "\\char57344 ", "\\'", "<", ">", "-",
]  # fmt: skip
_TITLES = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)


@given(st.one_of(_TITLES, st.text(max_size=60)))
@settings(max_examples=600, deadline=None)
def test_no_title_yields_anything_but_harmless_latex(raw: str) -> None:
    latex = title_latex(raw)
    _assert_harmless(latex)
    kept = title_math(raw)
    assert kept in ("", latex)
    if not kept:
        assert latex == latex_escape(latex_to_text(raw))


def test_deep_nesting_and_long_formulas_are_refused_not_followed() -> None:
    assert title_math("$" + "{" * 10 + "x" + "}" * 10 + "$") == "$" + "{" * 10 + "x" + "}" * 10 + "$"
    assert title_math("$" + "{" * 40 + "x" + "}" * 40 + "$") == ""
    assert title_math("$" + "x+" * 400 + "x$") == "$" + "x+" * 400 + "x$"
    assert title_math("$" + "x+" * 600 + "x$") == ""
    assert title_math("$" + "{" * 100_000 + "x" + "}" * 100_000 + "$") == ""


def test_the_filter_uses_the_kept_form_or_escapes() -> None:
    assert FILTERS["tex_title"] is tex_title
    assert tex_title("50% of $x$") == r"50\% of \$x\$"  # a title alone has no raw form: escaped


def test_a_listing_keeps_the_math_in_latex_and_decodes_it_elsewhere(write_bib, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bib = write_bib(
        "@misc{a, title = {An {$O(n \\log n)$} algorithm for $\\alpha$-shapes}, year = 2024}\n"
        "@misc{b, title = {Hostile $\\input{/etc/passwd}$ and 50% off}, year = 2023}\n"
        "@misc{c, title = {Plain {Title}}, year = 2022}\n"
    )
    template = tmp_path / "mine.tex.j2"
    template.write_text(
        "{% for group in groups %}{% for pub in group.entries %}"
        "\\item \\textbf{ {{- pub|tex_title -}} }. {{ pub.title }}\n"
        "{% endfor %}{% endfor %}",
        encoding="utf-8",
    )
    result = invoke(str(bib), "-t", str(template), "--no-config")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        r"\item \textbf{An $O(n \log n)$ algorithm for $\alpha$-shapes}. An O(n log n) algorithm for α-shapes",
        r"\item \textbf{Hostile /etc/passwd and 50\% off}. Hostile /etc/passwd and 50\% off",
        r"\item \textbf{Plain Title}. Plain Title",
    ]
    model = json.loads(invoke(str(bib), "-f", "json", "--no-config").stdout)
    entries = [entry for group in model["groups"] for entry in group["entries"]]
    assert entries[0]["title"] == "An O(n log n) algorithm for α-shapes"
    assert not any("title_math" in entry for entry in entries)


# ---------------------------------------------------------------- compiling

# Walks a box's nodes and logs its characters, so the test can see what a
# refused title printed (ligatures by their letters, hyphenation points by
# the unbroken text; a math font's control-character slots left out, as the
# log would break its line there).
_SHOW = r"""\directlua{
function bibshow(n, id)
  local out = {}
  local function walk(head)
    for item in node.traverse(head) do
      if item.id == node.id("glyph") then
        if item.components then walk(item.components)
        elseif item.char >= 32 then out[\csstring\#out + 1] = utf8.char(item.char) end
      elseif item.id == node.id("disc") then walk(item.replace)
      elseif item.id == node.id("hlist") or item.id == node.id("vlist") then walk(item.list)
      elseif item.id == node.id("glue") then out[\csstring\#out + 1] = " "
      end
    end
  end
  walk(tex.box[n].list)
  texio.write_nl("log", "BIBSHOW " .. id .. ": " .. table.concat(out) .. " :BIBEND")
end
}
"""
# What the template's header asks for, and nothing more: a kept formula
# must not need a package.
_PREAMBLE = "\\documentclass{article}\n\\usepackage{hyperref}\n"


def _compile(tmp_path: Path, body: str) -> str:
    """Compiles with lualatex as tests/test_injection.py compiles the latex
    output (no shell escape, stop on the first error); returns the log."""
    engine = shutil.which("lualatex")
    if engine is None:
        pytest.skip("lualatex is not installed: the LaTeX output cannot be compiled here")
    (tmp_path / "doc.tex").write_text(_PREAMBLE + _SHOW + "\\begin{document}\n" + body + "\\end{document}\n", "utf-8")
    run = subprocess.run(
        [engine, "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "doc.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "max_print_line": "1000000"},  # a shown title on one line of the log
    )
    log = (tmp_path / "doc.log").read_text(encoding="utf-8", errors="replace")
    assert run.returncode == 0, log[-3000:]
    return log


def _letters(text: str) -> str:
    return "".join(char for char in unicodedata.normalize("NFKC", text) if char.isascii() and char.isalnum())


def test_every_row_compiles_and_a_refused_title_shows_its_text(tmp_path: Path) -> None:
    rows = [param.values for param in KEPT + CORPUS + REFUSED]
    body = "\\begin{enumerate}\n"
    for number, (raw, _) in enumerate(rows):
        boxed = f"\\setbox0=\\hbox{{\\textbf{{{title_latex(str(raw))}}}}}\\directlua{{bibshow(0, {number})}}"
        body += f"\\item {boxed}\\box0.\n\n"
    log = _compile(tmp_path, body + "\\end{enumerate}\n")
    shown = dict(re.findall(r"^BIBSHOW (\d+): (.*?) :BIBEND", log, re.MULTILINE))
    assert len(shown) == len(rows)
    for number, (raw, _) in enumerate(rows):
        if not title_math(str(raw)):
            assert _letters(shown[str(number)]) == _letters(latex_to_text(str(raw))), raw


def test_every_allowed_command_compiles(tmp_path: Path) -> None:
    formulas = [f"$x \\{word} y$" for word in sorted(SYMBOLS | OPERATORS)]
    formulas += [f"$x^\\{word} y_\\{word}$" for word in sorted(SYMBOLS)]
    formulas += [f"$T_\\{word}{{c}} \\{word}{{A}}$" for word in sorted(ALPHABETS)]
    formulas += [f"$\\left\\{word} x \\right\\{word}$" for word in sorted(DELIMITER_WORDS)]
    formulas += [
        r"$\left( \frac{a}{b} \right] \left\{ x \right\} \left| y \right\| \left. z \right/ \left[ w \right)$",
        r"$\hat a \bar b \tilde c \vec d \dot e \ddot f \check g \breve h \acute i \grave j$",
        r"$\widehat{ab} \widetilde{ab} \overline{ab} \underline{ab} \sqrt[3]{x} \sqrt 2 \frac12$",
        r"$a\,b\;c\!d\:e\ f \quad g \qquad h \{ i \} j \| k$",
        r"$f'(x) x'^2 f'' x'_1 {}^2 x^{y^z}_{\mbox{max}}$",
    ]
    for formula in formulas:
        assert formula_latex(formula[1:-1]) == formula, formula
    _compile(tmp_path, "\n\n".join(f"\\textbf{{{formula}}}" for formula in formulas) + "\n")
