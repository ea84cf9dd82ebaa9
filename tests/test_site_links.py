"""Site-relative links (``--set files_base``, ``--set base_url``) are
resolved the same way by every built-in template and the plain-text list."""

from __future__ import annotations

from pathlib import Path

import pytest

from bib2pubs import UsageError, load
from bib2pubs.rendering.jinja import render_template
from bib2pubs.rendering.plain_text import render_text
from bib2pubs.rendering.text_pieces import resolve_link
from tests.conftest import invoke

BASE = "https://me.github.io"

#: (link, files_base, base_url) → what a page links to.
CASES = [
    ("paper.pdf", None, None, "paper.pdf"),
    ("paper.pdf", "/assets/pdf/", None, "/assets/pdf/paper.pdf"),
    ("paper.pdf", "/assets/pdf", None, "/assets/pdf/paper.pdf"),
    ("paper.pdf", "/assets/pdf/", BASE, "https://me.github.io/assets/pdf/paper.pdf"),
    ("paper.pdf", "/assets/pdf/", BASE + "/", "https://me.github.io/assets/pdf/paper.pdf"),
    ("sub/paper v2.pdf", "/files/", None, "/files/sub/paper v2.pdf"),
    ("paper.pdf", "https://cdn.example.org/pdf/", BASE, "https://cdn.example.org/pdf/paper.pdf"),
    ("paper.pdf", None, BASE, "paper.pdf"),
    ("/files/x.pdf", None, None, "/files/x.pdf"),
    ("/files/x.pdf", "/assets/pdf/", None, "/files/x.pdf"),
    ("/files/x.pdf", None, BASE, "https://me.github.io/files/x.pdf"),
    ("/files/x.pdf", None, "https://me.github.io/site/", "https://me.github.io/site/files/x.pdf"),
    ("https://arxiv.org/abs/2401.1", "/assets/pdf/", BASE, "https://arxiv.org/abs/2401.1"),
    ("HTTP://X.ORG/a.pdf", "/assets/pdf/", BASE, "HTTP://X.ORG/a.pdf"),
    ("mailto:me@x.org", "/assets/pdf/", BASE, "mailto:me@x.org"),
    ("javascript:alert(1)", "/assets/pdf/", BASE, "javascript:alert(1)"),
    ("//cdn.x.org/a.pdf", "/assets/pdf/", BASE, "//cdn.x.org/a.pdf"),
    ("#abstract", "/assets/pdf/", BASE, "#abstract"),
    ("./paper.pdf", "/assets/pdf/", BASE, "./paper.pdf"),
    ("../paper.pdf", "/assets/pdf/", BASE, "../paper.pdf"),
    ("github.com/me/tool", "/assets/pdf/", BASE, "github.com/me/tool"),
    ("www.example.org", "/assets/pdf/", BASE, "www.example.org"),
    ("", "/assets/pdf/", BASE, ""),
]


@pytest.mark.parametrize(("url", "files_base", "base_url", "expected"), CASES)
def test_resolve_link(url: str, files_base: str | None, base_url: str | None, expected: str) -> None:
    assert resolve_link(url, files_base, base_url) == expected


BIB = """@inproceedings{a, title={T}, author={Doe, Jane}, year=2020, booktitle={Conf},
  pdf={paper.pdf}, slides={/files/s.pdf}, code={https://github.com/me/tool}}
"""
VARIABLES = {"files_base": "/assets/pdf/", "base_url": BASE}


@pytest.fixture
def bib(tmp_path: Path) -> Path:
    path = tmp_path / "links.bib"
    path.write_text(BIB, encoding="utf-8")
    return path


#: Per format, how the resolved PDF, slides and code links are written.
WRITTEN = {
    "text": ["PDF: https://me.github.io/assets/pdf/paper.pdf", "Slides: https://me.github.io/files/s.pdf"],
    "markdown": ["(https://me.github.io/assets/pdf/paper.pdf)", "(https://me.github.io/files/s.pdf)"],
    "academicpages": ["(https://me.github.io/assets/pdf/paper.pdf)", "(https://me.github.io/files/s.pdf)"],
    "html": ['href="https://me.github.io/assets/pdf/paper.pdf"', 'href="https://me.github.io/files/s.pdf"'],
    "html-page": ['href="https://me.github.io/assets/pdf/paper.pdf"', 'href="https://me.github.io/files/s.pdf"'],
    "latex": [r"\href{https://me.github.io/assets/pdf/paper.pdf}", r"\href{https://me.github.io/files/s.pdf}"],
}


@pytest.mark.parametrize("template", sorted(WRITTEN))
def test_every_built_in_template_resolves_links(bib: Path, template: str) -> None:
    listing = load([str(bib)])
    text, notes = render_template(listing, template, VARIABLES)
    assert notes == []
    for written in WRITTEN[template]:
        assert written in text
    assert "https://github.com/me/tool" in text
    unchanged, unchanged_notes = render_template(listing, template)
    assert "/assets/pdf/" not in unchanged and BASE not in unchanged
    if template == "latex":
        # A link with no scheme leads nowhere from a PDF: left out, with a note.
        assert "paper.pdf" not in unchanged
        assert any("base_url" in note.message for note in unchanged_notes)
    else:
        assert "paper.pdf" in unchanged


@pytest.mark.parametrize("variables", [VARIABLES, {"files_base": "/assets/pdf/"}, {"base_url": BASE}, {}])
def test_the_text_list_resolves_links_as_its_template(bib: Path, variables: dict[str, str]) -> None:
    listing = load([str(bib)])
    assert render_text(listing, variables) == render_template(listing, "text", variables)


def test_the_cli_passes_the_variables(bib: Path) -> None:
    result = invoke(str(bib), "-t", "markdown", "--set", "files_base=/assets/pdf/", "--set", f"base_url={BASE}")
    assert result.exit_code == 0, result.stderr
    assert "(https://me.github.io/assets/pdf/paper.pdf)" in result.stdout
    assert "does not use" not in result.stderr


@pytest.mark.parametrize("template", ["text", "markdown", "html", "latex"])
@pytest.mark.parametrize("base_url", ["me.github.io", "ftp://me.org", "javascript:alert(1)", "/site"])
def test_a_base_url_that_is_not_a_web_address_is_a_usage_error(bib: Path, template: str, base_url: str) -> None:
    result = invoke(str(bib), "-t", template, "--set", f"base_url={base_url}")
    assert result.exit_code == 2
    assert result.stderr.count(f"--set base_url={base_url}: a web address") == 1
    assert "Traceback" not in result.stderr
    with pytest.raises(UsageError, match="a web address"):
        render_template(load([str(bib)]), template, {"base_url": base_url})


@pytest.mark.parametrize("value", ["javascript:alert(1)//", "data:text/html,x", " /x/", "/a b/"])
@pytest.mark.parametrize("args", [["-f", "html"], ["-f", "text"], ["-t", "academicpages-item", "--split", "out"]])
def test_a_files_base_that_is_no_folder_is_refused_once(bib: Path, tmp_path: Path, value: str, args: list[str]) -> None:
    args = [str(tmp_path / arg) if arg == "out" else arg for arg in args]
    result = invoke(str(bib), "--no-config", *args, "--set", f"files_base={value}")
    assert result.exit_code == 2
    assert result.stderr.count("--set files_base=") == 1


def test_an_empty_owner_or_category_keeps_the_default(bib: Path, tmp_path: Path) -> None:
    hugo, pages = tmp_path / "hugo", tmp_path / "pages"
    args = ["-H", "Jane Doe", "-t", "hugo-bundle", "--split", str(hugo), "--set", "owner="]
    result = invoke(str(bib), "--no-config", *args)
    assert result.exit_code == 0, result.stderr
    assert '- "me"' in next(hugo.rglob("index.md")).read_text(encoding="utf-8")
    args = ["-t", "academicpages-item", "--split", str(pages), "--set", "category_other=", "--set", "category_journal="]
    result = invoke(str(bib), "--no-config", *args)
    assert result.exit_code == 0, result.stderr
    assert all('category: ""' not in page.read_text(encoding="utf-8") for page in pages.glob("*.md"))
