"""The ``--split`` pages of ``academicpages-item`` built by Jekyll in a site
laid out as academicpages (github.com/academicpages/academicpages.github.io):
its ``_pages/publications.html`` lists each ``publication_category`` under
its title, its ``archive-single.html`` and ``single.html`` link ``paperurl``
and show the year of ``date``. Built with kramdown set as the theme sets it
(tests/fixtures/jekyll-site)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, invoke

BIB = r"""
@article{black2020, title = {Fiction and Morality}, author = {Black, Jessica and Jin, Chao},
  journal = {Psychology of Popular Media}, year = 2020, doi = {10.1037/ppm0000281},
  abstract = {The purpose of this research was to investigate fiction.}}
@misc{jin2024rag, title = {RAGCache}, author = {Jin, Chao}, year = 2024, eprint = {2404.12457},
  archivePrefix = {arXiv}, abstract = {Retrieval-augmented generation, cached.}}
@phdthesis{jin2019, title = {On Serving}, author = {Jin, Chao}, school = {Peking University}, year = 2019}
@inproceedings{jin2023, title = {Ditto}, author = {Jin, Chao}, booktitle = {SIGMOD}, year = 2023,
  pdf = {/files/ditto.pdf}}
@unpublished{sutton, title = {Time-derivative Models}, author = {Sutton, Richard}, note = {To appear}}
"""

# The theme's _config.yml names books, manuscripts and conferences; the
# README asks for the others bib2pubs writes.
CONFIG = """
collections:
  publications:
    output: true
    permalink: /:collection/:path/
defaults:
  - scope: {path: "", type: publications}
    values: {layout: single}
publication_category:
  books: {title: 'Books'}
  manuscripts: {title: 'Journal Articles'}
  conferences: {title: 'Conference Papers'}
  preprints: {title: 'Preprints'}
  theses: {title: 'Theses'}
  reports: {title: 'Technical Reports'}
  other: {title: 'Other'}
"""

# The parts of the theme's single.html, archive-single.html and
# publications.html that read paperurl, category and date.
SINGLE = """<html><body>
<p class="year">{{ page.date | default: "1900-01-01" | date: "%Y" }}</p>
<section class="page__content">{{ content }}
{% if page.paperurl %}<p><a href=" {{ page.paperurl }} "><button class="btn">Download</button></a></p>{% endif %}
</section></body></html>
"""
ARCHIVE_SINGLE = """<div class="list__item" data-file="{{ post.slug }}">
<p>Published in <i>{{ post.venue }}</i>, {{ post.date | default: "1900-01-01" | date: "%Y" }} </p>
{% if post.citation and post.paperurl %}
<p>Recommended citation: {{ post.citation }}<br /><a href="{{ post.paperurl }}">Download Paper</a></p>
{% elsif post.citation %}
<p>Recommended citation: {{ post.citation }}</p>
{% endif %}
</div>
"""
PUBLICATIONS = """---
permalink: /publications/
---
<p class="built">{{ site.time | date: "%Y" }}</p>
{% for category in site.publication_category %}
  {% assign title_shown = false %}
  {% for post in site.publications reversed %}
    {% if post.category != category[0] %}{% continue %}{% endif %}
    {% unless title_shown %}<h2>{{ category[1].title }}</h2>{% assign title_shown = true %}{% endunless %}
    {% include archive-single.html %}
  {% endfor %}
{% endfor %}
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The --split folder and the site Jekyll built from it."""
    if shutil.which("jekyll") is None:
        pytest.skip("Debian's jekyll is not installed (make test installs it where apt-get works)")
    root = tmp_path_factory.mktemp("academicpages")
    bib = root / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    source = root / "site"
    shutil.copytree(FIXTURES / "jekyll-site", source)
    with (source / "_config.yml").open("a", encoding="utf-8") as config:
        config.write(CONFIG)
    (source / "_layouts" / "single.html").write_text(SINGLE, encoding="utf-8")
    (source / "_includes" / "archive-single.html").write_text(ARCHIVE_SINGLE, encoding="utf-8")
    (source / "_pages").mkdir()
    (source / "_pages" / "publications.html").write_text(PUBLICATIONS, encoding="utf-8")
    result = invoke(str(bib), "-H", "Chao Jin", "--split", str(source / "_publications"))
    assert result.exit_code == 0, result.stderr
    out = root / "out"
    subprocess.run(["jekyll", "build", "--quiet", "-s", str(source), "-d", str(out)], check=True, timeout=300)
    return source / "_publications", out


def _page(out: Path, name: str) -> str:
    """The page of one publication, by its permalink's last part."""
    return (out / "publication" / f"{name}.html").read_text(encoding="utf-8")


def _sections(out: Path) -> dict[str, list[str]]:
    """The publications page: each heading → the files listed under it."""
    page = (out / "publications" / "index.html").read_text(encoding="utf-8")
    sections: dict[str, list[str]] = {}
    for heading, body in re.findall(r"<h2>(.*?)</h2>(.*?)(?=<h2>|\Z)", page, re.S):
        sections[heading] = sorted(re.findall(r'data-file="([^"]*)"', body))
    return sections


@pytest.mark.jekyll
def test_no_link_leads_nowhere(site: tuple[Path, Path]) -> None:
    folder, out = site
    assert "paperurl" not in (folder / "2019-jin2019.md").read_text(encoding="utf-8")
    pages = [path.read_text(encoding="utf-8") for path in out.rglob("*.html")]
    assert len(pages) == 6
    for page in pages:
        assert not re.search(r'href="\s*"', page)
    listing = (out / "publications" / "index.html").read_text(encoding="utf-8")
    assert listing.count("Download Paper") == 3  # the DOI, the arXiv preprint and the PDF
    assert '<a href="/files/ditto.pdf">Download Paper</a>' in listing
    assert "Download" not in _page(out, "2019-01-01-jin2019") and "Download" not in _page(out, "undated-sutton")
    assert '<a href=" https://doi.org/10.1037/ppm0000281 ">' in _page(out, "2020-01-01-black2020")


@pytest.mark.jekyll
def test_the_abstract_is_a_paragraph_of_its_own(site: tuple[Path, Path]) -> None:
    _, out = site
    for name, abstract in [
        ("2020-01-01-black2020", "The purpose of this research was to investigate fiction."),
        ("2024-01-01-jin2024rag", "Retrieval-augmented generation, cached."),
    ]:
        page = _page(out, name)
        assert f"<p>{abstract}</p>" in page, name
        links = re.search(r"<p>(<a href=[^\n]*?)</p>", page)
        assert links and "<strong>" in links.group(1) and abstract not in links.group(1), name


@pytest.mark.jekyll
def test_each_kind_is_listed_under_its_heading(site: tuple[Path, Path]) -> None:
    _, out = site
    assert _sections(out) == {
        "Journal Articles": ["2020-black2020"],
        "Conference Papers": ["2023-jin2023"],
        "Preprints": ["2024-jin2024rag", "undated-sutton"],
        "Theses": ["2019-jin2019"],
    }


@pytest.mark.jekyll
def test_an_undated_entry_gets_no_date_of_ours(site: tuple[Path, Path]) -> None:
    folder, out = site
    front = (folder / "undated-sutton.md").read_text(encoding="utf-8").split("---")[1]
    assert "\ndate:" not in front and "\ndate: 2020-01-01\n" in (folder / "2020-black2020.md").read_text(
        encoding="utf-8"
    )
    assert '<p class="year">2020</p>' in _page(out, "2020-01-01-black2020")
    # Jekyll gives every page of a collection a date, the build's when the
    # front matter has none: the theme's layouts show that year.
    built = re.search(r'<p class="built">(\d{4})</p>', (out / "publications" / "index.html").read_text("utf-8"))
    assert built and f'<p class="year">{built.group(1)}</p>' in _page(out, "undated-sutton")
