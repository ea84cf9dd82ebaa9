"""``-t hugo-bundle``: the bundles built by Hugo itself, as a Hugo Blox site
reads them (Debian's hugo, installed by tests/setup-system.sh).

The site is ours, not Hugo Blox's (no theme is downloaded): a layout that
prints the front matter Hugo Blox's publication pages read (``links``,
``author_notes`` by the author's position, ``tags`` as terms,
``hugoblox.ids``, the date) and runs publication and abstract through
``markdownify`` with raw HTML allowed, as Hugo Blox does.
"""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import invoke

HUGO = shutil.which("hugo")
pytestmark = pytest.mark.skipif(
    HUGO is None, reason="hugo is not installed (make test installs Debian's): no Hugo build to check the bundles"
)

HOSTILE = '<script>alert(1)</script> *bold* [x](javascript:alert(1)) "q" <b>b</b> & _u_'
BIB = (
    "@inproceedings{full2024, title = {Full}, author = {Li, Ana and Jin, Chao and Wu, Bo},"
    " author+an = {1=equal;2=equal;3=corresponding}, booktitle = {NSDI}, year = 2024, month = apr,"
    " keywords = {serverless; <b>caching</b>}, doi = {10.1000/full.1}, pdf = {/files/full.pdf},"
    " code = {https://github.com/x/full}, slides = {https://x.org/s.pdf}, video = {https://x.org/v},"
    " poster = {https://x.org/p.pdf}, website = {https://x.org/full}, supp = {https://x.org/supp},"
    " blog = {https://x.org/blog}, html = {https://publisher.org/full}}\n"
    "@misc{arxivonly, title = {Only on arXiv}, author = {Jin, Chao}, year = 2023,"
    " eprint = {2301.00001}, archivePrefix = {arXiv}}\n"
    "@article{urlonly, title = {Only a URL}, author = {Wu, Bo}, journal = {TPDS}, year = 2022,"
    " url = {https://journal.org/urlonly}}\n"
    "@misc{undated, title = {No Year}, author = {Jin, Chao}, url = {https://x.org/undated}}\n"
    "@article{hostile, title = {" + HOSTILE + "}, author = {Wu, Bo}, journal = {<img src=x onerror=alert(1)> *J*},"
    " year = 2021, abstract = {" + HOSTILE + "}, keywords = {<i>k</i>}, pdf = {javascript:alert(1)},"
    " url = {https://x.org/hostile}}\n"
)

CONFIG = """\
baseURL: https://example.org/
disableKinds: [RSS, sitemap, robotsTXT, "404"]
taxonomies:
  author: authors
  tag: tags
  publication_type: publication_types
markup:
  goldmark:
    renderer:
      unsafe: true
"""

SINGLE = """\
<h1>{{ .Title }}</h1>
<p class="date">{{ if .Date.IsZero }}none{{ else }}{{ .Date.Format "2006-01-02" }}{{ end }}</p>
{{ range $i, $name := .Params.authors }}<p class="author">{{ $name }}|\
{{ with $.Params.author_notes }}{{ index . $i }}{{ end }}</p>
{{ end }}
{{ range .GetTerms "tags" }}<p class="tag">{{ .LinkTitle }}</p>
{{ end }}
{{ range .Params.links }}<p class="link">{{ .type }}|{{ .url }}|{{ .label }}</p>
{{ end }}
{{ with .Params.hugoblox }}{{ range $k, $v := .ids }}<p class="id">{{ $k }}|{{ $v }}</p>
{{ end }}{{ end }}
{{ range $k, $v := .Params }}<p class="param">{{ $k }}</p>
{{ end }}
<div class="publication">{{ .Params.publication | markdownify }}</div>
<div class="abstract">{{ .Params.abstract | markdownify }}</div>
{{/* Hugo Blox's build_links.html warns so about the fields it deprecated. */}}
{{ with .Params.doi }}{{ warnf "Top-level `doi` is deprecated in %s" $.File.Path }}{{ end }}
{{ range $k, $v := .Params }}{{ if hasPrefix $k "url_" }}\
{{ warnf "`%s` is deprecated in %s" $k $.File.Path }}{{ end }}{{ end }}
"""


class _Page(HTMLParser):
    """The text of each class of element, and every element's tag."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: dict[str, list[str]] = {}
        self.tags: list[str] = []
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._open.append(dict(attrs).get("class") or tag)
        self.texts.setdefault(self._open[-1], []).append("")

    def handle_endtag(self, tag: str) -> None:
        if self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if self._open:
            self.texts[self._open[-1]][-1] += data


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Hugo site with the bundles of BIB, built; its public/ folder."""
    root = tmp_path_factory.mktemp("site")
    bib = root / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    result = invoke(str(bib), "-H", "Chao Jin", "--split", str(root / "content" / "publication"), "-t", "hugo-bundle")
    assert result.exit_code == 0, result.stderr
    (root / "config.yaml").write_text(CONFIG, encoding="utf-8")
    layouts = root / "layouts" / "_default"
    layouts.mkdir(parents=True)
    (layouts / "single.html").write_text(SINGLE, encoding="utf-8")
    (layouts / "list.html").write_text("<h1>{{ .Title }}</h1>\n", encoding="utf-8")
    assert HUGO is not None
    built = subprocess.run(
        # Not --quiet: this hugo (0.111) then hides its warnings too.
        [HUGO, "--source", str(root), "--cacheDir", str(root / ".cache")],
        capture_output=True,
        text=True,
        check=False,
    )
    said = built.stdout + built.stderr
    assert built.returncode == 0, said
    assert "WARN" not in said and "ERROR" not in said and "Pages" in said, said
    return root / "public"


def _page(site: Path, key: str) -> _Page:
    page = _Page()
    page.feed((site / "publication" / key / "index.html").read_text(encoding="utf-8"))
    return page


def test_every_entry_has_its_links_as_hugo_blox_reads_them(site: Path) -> None:
    full = _page(site, "full2024").texts
    assert full["link"] == [
        "pdf|/files/full.pdf|",
        "slides|https://x.org/s.pdf|",
        "code|https://github.com/x/full|",
        "video|https://x.org/v|",
        "poster|https://x.org/p.pdf|",
        "project|https://x.org/full|",
        "source|https://publisher.org/full|",
        "custom|https://x.org/supp|Supp",
        "custom|https://x.org/blog|Blog",
    ]
    assert full["id"] == ["doi|10.1000/full.1"]
    arxiv = _page(site, "arxivonly").texts
    assert arxiv["id"] == ["arxiv|2301.00001"] and "link" not in arxiv
    assert _page(site, "urlonly").texts["link"] == ["source|https://journal.org/urlonly|"]
    # No deprecated field, which Hugo Blox warns about on every page.
    for key in ("full2024", "arxivonly", "urlonly", "undated", "hostile"):
        params = _page(site, key).texts["param"]
        assert "authors" in params and not [p for p in params if p.startswith("url_") or p in ("doi", "admin")]


def test_author_notes_run_beside_the_authors_and_the_owner_is_me(site: Path) -> None:
    assert _page(site, "full2024").texts["author"] == [
        "Ana Li|Equal contribution",
        "me|Equal contribution",
        "Bo Wu|Corresponding author",
    ]
    assert _page(site, "urlonly").texts["author"] == ["Bo Wu|"]


def test_keywords_are_tags_and_an_undated_entry_has_no_date(site: Path) -> None:
    full = _page(site, "full2024").texts
    assert full["tag"] == ["serverless", "<b>caching</b>"] and full["date"] == ["2024-04-01"]
    assert (site / "tags" / "serverless" / "index.html").is_file()
    assert _page(site, "undated").texts["date"] == ["none"]
    assert not [path for path in site.rglob("*.html") if "1900" in path.read_text(encoding="utf-8")]


def test_hostile_text_stays_text(site: Path) -> None:
    page = _page(site, "hostile")
    assert page.texts["h1"] == [HOSTILE]
    assert page.texts["abstract"] == [HOSTILE]
    assert page.texts["publication"] == ["<img src=x onerror=alert(1)> *J*, 2021"]
    assert page.texts["tag"] == ["<i>k</i>"]
    assert not {"script", "img", "em", "strong", "a", "i", "b"} & set(page.tags)
    assert page.texts["link"] == ["source|https://x.org/hostile|"]  # the script link is left out


def test_the_owner_slug_is_a_variable(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    result = invoke(
        str(bib), "-H", "Chao Jin", "--split", str(tmp_path / "out"), "-t", "hugo-bundle", "--set", "owner=admin"
    )
    assert result.exit_code == 0 and "does not use" not in result.stderr, result.stderr
    front = (tmp_path / "out" / "arxivonly" / "index.md").read_text(encoding="utf-8")
    assert 'authors:\n- "admin"\n' in front


def test_links_go_through_site_url(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@misc{k, title = {T}, author = {Wu, Bo}, year = 2020, pdf = {paper.pdf}, slides = {/files/s.pdf},"
        " code = {https://github.com/x/k}}\n",
        encoding="utf-8",
    )
    more = ("--set", "files_base=/papers/", "--set", "base_url=https://me.example.org")
    result = invoke(str(bib), "--split", str(tmp_path / "out"), "-t", "hugo-bundle", *more)
    assert result.exit_code == 0 and "does not use" not in result.stderr, result.stderr
    front = (tmp_path / "out" / "k" / "index.md").read_text(encoding="utf-8")
    assert (
        'links:\n- type: pdf\n  url: "https://me.example.org/papers/paper.pdf"\n'
        '- type: slides\n  url: "https://me.example.org/files/s.pdf"\n'
        '- type: code\n  url: "https://github.com/x/k"\n---\n'
    ) in front
