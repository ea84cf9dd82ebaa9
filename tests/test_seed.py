"""refs.bib regenerates the researcher's page exactly as a site renders it.

The seed was written by hand: some author lists are wrapped mid-line and the
last line has a trailing space. Markdown renders a soft line break like a
space, so the comparison joins soft breaks; everything else must match,
character for character. The Jekyll test then builds both pages with the
researcher's kramdown settings and compares the HTML.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, invoke
from tests.golden import produce

SEED = FIXTURES / "seed" / "publications.md"
HARD_BREAK = "  "


def markdown_as_rendered(text: str) -> tuple[str, list[str]]:
    """(front matter, body lines) with soft line breaks joined and the
    whitespace that Markdown ignores (before a blank line or the end) dropped."""
    match = re.match(r"---\n(.*?)\n---\n", text, re.S)
    assert match, "no front matter"
    front, body = match.group(1), text[match.end() :]
    lines: list[str] = []
    joinable = False
    for line in body.split("\n"):
        if line.strip() and lines and joinable:
            lines[-1] = f"{lines[-1].rstrip()} {line.lstrip()}"
        else:
            if not line.strip() and lines:
                lines[-1] = lines[-1].rstrip()
            lines.append(line)
        joinable = bool(line.strip()) and not line.endswith(HARD_BREAK) and not line.startswith(("#", "{%"))
    while lines and not lines[-1].strip():
        lines.pop()
    lines[-1] = lines[-1].rstrip()
    return front, lines


def test_seed_fixture_is_the_hand_written_page() -> None:
    # Guards the comparison itself: the seed really has soft breaks to join.
    seed = SEED.read_text(encoding="utf-8")
    assert "Xiang Li,\nNingxin Zheng" in seed
    assert seed.endswith("MobiSys22-Melon.pdf)**] ")


def test_refs_bib_regenerates_the_seed_page() -> None:
    ours = produce("refs.academicpages.md")
    seed = SEED.read_text(encoding="utf-8")
    assert markdown_as_rendered(ours) == markdown_as_rendered(seed)


def test_seed_front_matter_and_include_are_byte_identical() -> None:
    ours = produce("refs.academicpages.md")
    seed = SEED.read_text(encoding="utf-8")
    head = seed[: seed.index("## 2025")]
    assert ours.startswith(head)


def _jekyll_html(page: str, site: Path, out: Path) -> str:
    shutil.copytree(FIXTURES / "jekyll-site", site)
    (site / "_pages").mkdir()
    (site / "_pages" / "publications.md").write_text(page, encoding="utf-8")
    subprocess.run(["jekyll", "build", "--quiet", "-s", str(site), "-d", str(out)], check=True, timeout=300)
    return (out / "publications" / "index.html").read_text(encoding="utf-8")


@pytest.mark.jekyll
def test_jekyll_renders_our_page_like_the_seed(tmp_path: Path) -> None:
    if shutil.which("jekyll") is None:
        pytest.skip("Debian's jekyll is not installed (make test installs it where apt-get works)")
    seed_html = _jekyll_html(SEED.read_text(encoding="utf-8"), tmp_path / "seed", tmp_path / "seed-out")
    our_html = _jekyll_html(produce("refs.academicpages.md"), tmp_path / "ours", tmp_path / "ours-out")
    assert "<strong>Chao Jin</strong>" in seed_html  # the build really rendered Markdown
    assert " ".join(our_html.split()) == " ".join(seed_html.split())


HOSTILE = r"""
@article{liquid,
  title = {Templating with \{% if x %\} and \{\{ site.url \}\} tags},
  author = {Doe, Jane and Star*, Ann},
  journal = {J. of <script>alert(1)</script> \& *Stars* [1](javascript:alert(2))},
  year = 2020,
  pdf = {javascript:alert(3)},
  code = {https://example.org/a_b*c (v2).zip},
}
@article{dollars, title = {$$x$$ and 5 \$ and a | pipe and # hash --> end}, author = {Roe, R.}, year = 2020,
  hidden = {true}}
"""


@pytest.mark.jekyll
def test_jekyll_builds_hostile_data_as_text(tmp_path: Path) -> None:
    if shutil.which("jekyll") is None:
        pytest.skip("Debian's jekyll is not installed (make test installs it where apt-get works)")
    bib = tmp_path / "hostile.bib"
    bib.write_text(HOSTILE, encoding="utf-8")
    page = invoke(str(bib), "-t", "academicpages", "-H", "Jane Doe").stdout
    html = _jekyll_html(page, tmp_path / "site", tmp_path / "out")
    assert "Templating with {% if x %} and {{ site.url }} tags" in html  # Liquid did not run
    assert "<script" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "*Stars* [1](javascript:alert(2))" in html  # text, not emphasis and not a link
    assert 'href="https://example.org/a_b*c%20%28v2%29.zip"' in html
    assert "<strong>Jane Doe</strong>" in html
