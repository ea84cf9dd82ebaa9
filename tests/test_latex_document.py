"""The latex-document template compiled with lualatex (Debian's
texlive-luatex and Noto fonts, which ``make test`` installs when it can):
every script shows, numbering runs on across years, hostile text stays
text; and the notes the latex fragment gives about scripts and links."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT, invoke

SCRIPTS = ROOT / "tests" / "fixtures" / "scripts.bib"
LUALATEX = shutil.which("lualatex")
FONTS = (
    shutil.which("fc-list")
    and subprocess.run(["fc-list", "Noto Serif CJK SC"], capture_output=True, text=True, check=False).stdout.strip()
)
needs_lualatex = pytest.mark.skipif(
    not (LUALATEX and FONTS and shutil.which("kpsewhich")),
    reason="lualatex or the Noto fonts are not installed (make test installs texlive-luatex, fonts-noto-cjk)",
)


def _compile(folder: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], str]:
    tex = folder / "doc.tex"
    result = invoke(*args, "-t", "latex-document", "-o", str(tex))
    assert result.exit_code == 0, result.stderr
    assert LUALATEX is not None
    run = subprocess.run(
        [LUALATEX, "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "doc.tex"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return run, (folder / "doc.log").read_text(encoding="utf-8", errors="replace")


@needs_lualatex
def test_every_script_shows_and_numbering_runs_on(tmp_path: Path) -> None:
    run, log = _compile(tmp_path, str(SCRIPTS), "--set", "numbering=continuous")
    assert run.returncode == 0, log[-3000:]
    assert "Missing character" not in log
    # Five entries in five years: the counter goes on from where the last year stopped.
    source = (tmp_path / "doc.tex").read_text(encoding="utf-8")
    assert [int(n) for n in re.findall(r"\\setcounter\{enumi\}\{(\d+)\}", source)] == [1, 2, 3, 4]
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "doc.pdf", "-"], cwd=tmp_path, capture_output=True, text=True, check=True
        ).stdout
        for shown in ("外壁荷电性质", "Παπαδόπουλος", "Ελληνικά", "θ", "Викторов", "Brandão", "Łukasz", "Ångström"):
            assert shown in text
        assert re.search(r"^\s*5\.", text, re.M), text


@needs_lualatex
def test_hostile_titles_compile_and_write_no_file(tmp_path: Path) -> None:
    bib = tmp_path / "hostile.bib"
    bib.write_text(
        r"""@misc{a, title = {\immediate\write18{touch pwned}\input{/etc/passwd} 王 \openout5=made},
  author = {\def\x{y} Evil, E.}, year = 2020, pdf = {/files/a.pdf}, url = {javascript:alert(1)}}
@misc{b, title = {$\write18{touch pwned2}$ \catcode`\{=12 %}, author = {Roe, R.}, year = 2019}
@misc{c, title = {URLs TeX would read}, author = {Poe, P.}, year = 2018,
  url = {https://x.org/^^5cdirectlua^^7bio.open('pwned3','w'):write('x')^^7d},
  pdf = {https://x.org/\input{/etc/passwd}\jobname$x$~y%20z#top}}
""",
        encoding="utf-8",
    )
    before = set(tmp_path.iterdir())
    run, log = _compile(tmp_path, str(bib))
    assert run.returncode == 0, log[-3000:]
    assert "Missing character" not in log
    made = {path.name for path in set(tmp_path.iterdir()) - before}
    assert made <= {"doc.tex", "doc.aux", "doc.log", "doc.pdf", "doc.out"}, made
    tex = (tmp_path / "doc.tex").read_text(encoding="utf-8")
    assert "javascript" not in tex
    # In a link, what TeX would read ("^^5c" is a backslash) is percent-encoded.
    assert "^" not in tex.split("\\begin{document}", 1)[1]
    assert r"\href{https://x.org/\%5E\%5E5cdirectlua\%5E\%5E7bio.open('pwned3','w'):write('x')\%5E\%5E7d}" in tex


def test_fragment_says_once_that_pdflatex_cannot_typeset_the_scripts() -> None:
    result = invoke(str(SCRIPTS), "-f", "latex")
    assert result.exit_code == 0, result.stderr
    notes = [line for line in result.stderr.splitlines() if "pdflatex cannot typeset" in line]
    assert len(notes) == 1, result.stderr
    assert "CJK" in notes[0] and "Greek" in notes[0] and "Cyrillic" in notes[0]
    assert "-t latex-document" in notes[0]


def test_a_document_with_fontspec_has_no_script_note() -> None:
    result = invoke(str(SCRIPTS), "-t", "latex-document")
    assert result.exit_code == 0
    assert "pdflatex cannot typeset" not in result.stderr


def test_latin_text_has_no_script_note() -> None:
    result = invoke(str(ROOT / "refs.bib"), "-f", "latex")
    assert result.exit_code == 0
    assert "pdflatex cannot typeset" not in result.stderr


def test_site_relative_links_are_left_out_with_a_note() -> None:
    result = invoke(str(SCRIPTS), "-f", "latex")
    assert "/files/greek2013.pdf" not in result.stdout
    assert r"\href{https://example.org/greek2013}{Link}" in result.stdout
    assert result.stderr.count("--set base_url=") == 1
    whole = invoke(str(SCRIPTS), "-f", "latex", "--set", "base_url=https://me.example.org")
    assert r"\href{https://me.example.org/files/greek2013.pdf}{PDF}" in whole.stdout
    assert "--set base_url=" not in whole.stderr


def test_numbering_restarts_per_group_by_default_and_a_typo_is_said() -> None:
    plain = invoke(str(SCRIPTS), "-f", "latex")
    assert "setcounter" not in plain.stdout
    typo = invoke(str(SCRIPTS), "-f", "latex", "--set", "numbering=continous")
    assert "setcounter" not in typo.stdout
    assert "--set numbering=continous: use continuous" in typo.stderr


@needs_lualatex
def test_math_symbols_and_the_scripts_of_noto_core_compile(tmp_path: Path) -> None:
    bib = tmp_path / "more.bib"
    bib.write_text(
        "@misc{a, title = {Brackets $\\langle x \\rangle$ and ⟨y⟩, 𝐱, ∮, ✓, العربية, עברית, हिन्दी, ไทย,"
        " Հայերեն, ქართული}, author = {Ana Li}, year = 2020}\n",
        encoding="utf-8",
    )
    run, log = _compile(tmp_path, str(bib))
    assert run.returncode == 0, log[-3000:]
    assert "Missing character" not in log


def test_the_left_out_links_note_follows_the_links_as_written() -> None:
    details = str(ROOT / "tests" / "fixtures" / "details.bib")
    # base_url makes site paths whole, not bare names: those are still left out, and said.
    based = invoke(details, "-f", "latex", "--set", "base_url=https://me.org")
    assert "left out of the LaTeX" in based.stderr and "files_base" in based.stderr
    assert "example_pdf.pdf" not in based.stdout
    # A files_base that is a whole address leaves nothing out: no note.
    whole = invoke(details, "-f", "latex", "--set", "files_base=https://cdn.example/pdf")
    assert "left out" not in whole.stderr
    assert r"\href{https://cdn.example/pdf/example_pdf.pdf}" in whole.stdout
