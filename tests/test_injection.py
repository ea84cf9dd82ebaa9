"""Data from a .bib never becomes markup, Liquid or a LaTeX argument in what
a site or a document builds from the output.

Each attack is replayed: Markdown and HTML in front matter that themes run
through ``markdownify`` (kramdown in academicpages, Goldmark in Hugo Blox),
Liquid in HTML that a Jekyll page includes, and a bracket after ``\\item``.
Where Debian's jekyll or a LaTeX engine is installed the built page or
document is checked too.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from bib2pubs import Listing
from bib2pubs.model import Group, Identifiers, Locators, Person, Publication, Venue
from bib2pubs.rendering.filters import html_braces, latex_escape, markdownify_text
from bib2pubs.rendering.jinja import render_items, render_template
from tests.conftest import FIXTURES, invoke

# What a red team wrote into titles, venues and names.
ATTACKS = (
    "[x](javascript:alert(1))",
    "![x](http://e/x.png)",
    "<img src=x onerror=alert(1)>",
    "*x* and _y_ and `code`",
    "{{ site.title }} and {% include x %}",
    "{% endraw %} {{ 6 | times: 7 }}",
    "a | b | c ~~s~~ $$x$$ # h",
    "1. First",
    "- item",
    "    indented",
    "[^1]: note",
    "{::comment} {: .x}",
    "\\*escaped\\*",
    "&amp; &copy; &#42;",
)


def hostile(text: str, key: str = "k") -> Publication:
    """An entry carrying ``text`` in every field a template shows."""
    return Publication(
        key=key,
        type="article",
        kind="journal",
        title=text,
        year=2024,
        month=None,
        authors=(Person(text, "", text, "", text, text, (text, "equal")), Person("Bo", "", "Li", "", "Bo Li")),
        editors=(),
        venue=Venue(text, text, text, f"https://example.org/{text}", text, text),
        links={"pdf": f"https://example.org/{text}.pdf", "code": f"/{text}", "url": f"https://e.org/?q={text}"},
        note=text,
        fields={"abstract": text},
        locators=Locators(text, text, text, text, text, text, text, text),
        identifiers=Identifiers(text, text, text, text),
        abstract=text,
        keywords=(text, "k"),
        award=text,
        award_name=text,
        language=text,
    )


def listing_of(*publications: Publication) -> Listing:
    return Listing((Group("2024", tuple(publications)),), (), len(publications))


# --- Markdown in front matter (academicpages, Hugo Blox) ---------------------

COMMONMARK = MarkdownIt("commonmark")  # raw HTML on, as Hugo Blox's Goldmark


def markdownified(text: str) -> str:
    """What ``markdownify`` makes of one line, its paragraph unwrapped."""
    rendered = COMMONMARK.render(text)
    return rendered.removeprefix("<p>").removesuffix("</p>\n")


@pytest.mark.parametrize("attack", ATTACKS)
def test_markdownify_text_shows_every_attack_as_text(attack: str) -> None:
    escaped = markdownify_text(attack)
    shown = markdownified(escaped)
    assert "<" not in shown  # no link, image, emphasis, code, list or raw HTML
    assert html.unescape(shown) == attack
    # A layout printing the field as it is shows the same text.
    assert html.unescape(escaped) == attack
    # Nothing for Liquid to run, and nothing a double-quoted YAML string
    # would read as an escape: YAML gives back exactly this text.
    assert not re.search(r"\{[{%]", escaped)
    assert '"' not in escaped and "\\" not in escaped


# One line of text, as normalized fields are: tabs, but no other control
# characters (which the YAML of front matter escapes).
@given(st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs"), include_characters="\t")))
@settings(max_examples=300, deadline=None)
def test_markdownify_text_is_always_text(text: str) -> None:
    shown = markdownified(markdownify_text(text))
    assert "<" not in shown
    # Markdown parsers trim other whitespace (a no-break space) at the ends
    # of a paragraph; normalized fields have none there.
    assert html.unescape(shown).strip() == text.strip()


def test_markdownify_text_escapes_line_starts_after_a_line_break() -> None:
    shown = COMMONMARK.render(str(markdownify_text("Intro\n- item\n1. one\n# h\n    code")))
    assert shown == "<p>Intro\n- item\n1. one\n# h\n    code</p>\n"


def test_split_front_matter_is_text_for_markdownify() -> None:
    publication = hostile("[x](javascript:alert(1)) ![i](http://e/x.png) <img src=x> *e* `c` {{ site.title }}")
    ((_, page),), _ = render_items(listing_of(publication), "academicpages-item")
    front = page.split("---\n")[1]
    fields = dict(line.split(": ", 1) for line in front.splitlines())
    for name in ("title", "venue", "citation"):
        value = fields[name]
        assert value.startswith('"') and value.endswith('"')
        shown = markdownified(value[1:-1])
        assert "<" not in shown, name
        assert publication.title in html.unescape(shown), name
    ((_, bundle),), _ = render_items(listing_of(publication), "hugo-bundle")
    hugo = dict(line.split(": ", 1) for line in bundle.split("---\n")[1].splitlines() if ": " in line)
    # The abstract is the model's, decoded from LaTeX already.
    expected = {"publication": publication.title, "publication_short": publication.title}
    expected["abstract"] = publication.abstract
    for name, text in expected.items():
        shown = markdownified(hugo[name][1:-1])
        assert "<" not in shown, name
        assert html.unescape(shown).startswith(text), name
    # Hugo prints title and authors as text, escaping them itself.
    assert hugo["title"] == '"[x](javascript:alert(1)) ![i](http://e/x.png) <img src=x> *e* `c` {{ site.title }}"'


# --- Liquid in HTML output ---------------------------------------------------

STYLE = re.compile(r"<style>.*?</style>", re.S)


@pytest.mark.parametrize("attack", ATTACKS)
def test_html_outputs_write_every_brace_as_a_reference(attack: str) -> None:
    listing = listing_of(hostile(attack, key=f"k{{{{{attack}}}}}"))
    variables = {"title": attack, "lang": "{{ site.lang }}"}
    for template, given_variables in (("html", {"title": attack}), ("html-page", variables)):
        page, _ = render_template(listing, template, given_variables)
        body = STYLE.sub("", page)  # the page's own CSS, not data
        assert "{" not in body and "}" not in body, template
        # The data is all there, as text: titles, names, venues, notes,
        # link targets and the classes and ids made from data.
        shown = html.unescape(body)
        assert f">{attack}</span>" in shown
        assert f'class="pub-author pub-highlight pub-highlight-{attack}"' in shown
        assert f'class="pub-mark pub-mark-{attack}" title="{attack}"' in shown
        assert f'href="https://example.org/{attack}.pdf"' in shown
        assert f'id="pub-k{{{{{attack}}}}}"' in shown


@given(st.text(min_size=1))
@settings(max_examples=150, deadline=None)
def test_html_fragment_never_carries_a_brace(text: str) -> None:
    page, _ = render_template(listing_of(hostile(text)), "html", {"title": text})
    assert "{" not in page and "}" not in page


def test_a_template_extending_the_fragment_keeps_braces_out(tmp_path: Path) -> None:
    (tmp_path / "mine.html.j2").write_text(
        '{% extends "builtin/html.html.j2" %}{% block list %}<p>{{ groups[0].entries[0].title }}</p>{% endblock %}\n',
        encoding="utf-8",
    )
    page, _ = render_template(listing_of(hostile("{{ site.title }}")), "mine", template_dirs=[str(tmp_path)])
    assert page == "<p>&#123;&#123; site.title &#125;&#125;</p>"


def test_html_braces_escapes_text_and_keeps_markup() -> None:
    assert html_braces("<b>{{ x }}</b>") == "&lt;b&gt;&#123;&#123; x &#125;&#125;&lt;/b&gt;"
    assert html_braces(markdownify_text("{")) == "&#123;"


LIQUID = re.compile(r"\{[{%]")


@pytest.mark.parametrize("attack", ATTACKS)
def test_markdown_outputs_hold_no_liquid(attack: str) -> None:
    # A hidden entry stays in the Markdown lists as a comment.
    listing = listing_of(hostile(attack), replace(hostile(attack, key="k2"), hidden=True))
    for template in ("markdown", "academicpages"):
        page, _ = render_template(listing, template)
        # academicpages' own include, written by the template, is the only Liquid.
        assert LIQUID.findall(page.replace("{% include base_path %}", "")) == [], template
    for template in ("academicpages-item", "hugo-bundle"):
        texts, _ = render_items(listing, template)
        for _, text in texts:
            if template == "hugo-bundle":
                # Hugo runs no Liquid: only what it runs through markdownify counts.
                marked = ("publication:", "publication_short:", "abstract:")
                text = "\n".join(line for line in text.splitlines() if line.startswith(marked))
            assert LIQUID.findall(text) == [], template


# --- Jekyll builds (academicpages-like layouts) ------------------------------

HOSTILE_BIB = r"""
@article{link2020, title = {[x](javascript:alert(1))}, author = {Doe, Jane}, year = 2020,
  journal = {[v](javascript:alert(2)) *em* `code`}}
@article{image2020, title = {![x](http://e/x.png)}, author = {Doe, Jane}, journal = {J}, year = 2020}
@article{tag2020, title = {<img src=x onerror=alert(1)>}, author = {Doe, Jane}, journal = {<img src=y>}, year = 2020}
@article{marks2020, title = {*x* and `code` and \{\{ site.title \}\} and \{% include x %\}},
  author = {Star*, Ann and Doe, Jane}, journal = {J}, year = 2020}
@article{liquid2020, title = {\{\{ site.title \}\} \{% endraw %\} \{\{ 6 | times: 7 \}\}},
  author = {\{\{ site.title \}\}, Ann and Doe, Jane}, journal = {\{% include x %\} Journal}, year = 2020,
  pdf = {https://e.org/a.pdf}}
"""

SITE_TITLE = "SITE-TITLE-MARK"
INCLUDED = "INCLUDED-MARK"

CONFIG = f"""
title: {SITE_TITLE}
collections:
  publications:
    output: true
defaults:
  - scope: {{path: "", type: publications}}
    values: {{layout: single}}
"""

# The fields academicpages' single.html and archive-single.html show, each
# the way the theme shows it, and venue and citation also the way many
# sites' own layouts do (through markdownify).
SINGLE = """<html><head>
<meta itemprop="headline" content="{{ page.title | markdownify | strip_html | strip_newlines | escape_once }}">
</head><body>
<h1 class="page__title">{{ page.title | markdownify | remove: "<p>" | remove: "</p>" }}</h1>
<span class="raw-title">{{ page.title }}</span>
<p class="venue">Published in <i>{{ page.venue }}</i></p>
<div class="venue-md">{{ page.venue | markdownify | remove: "<p>" | remove: "</p>" }}</div>
<p class="citation">Recommended citation: {{ page.citation }}</p>
<div class="citation-md">{{ page.citation | markdownify | remove: "<p>" | remove: "</p>" }}</div>
<div class="excerpt">{{ page.excerpt | markdownify }}</div>
<section class="content">{{ content }}</section>
</body></html>
"""

ARCHIVE = """---
permalink: /archive/
---
{% for post in site.publications %}
{% assign title = post.title | markdownify | remove: "<p>" | remove: "</p>" %}
<h2 class="archive__item-title">{{ title }}</h2>
<p>Published in <i>{{ post.venue }}</i></p>
<p>Recommended citation: {{ post.citation }}</p>
<p class="archive__item-excerpt">{{ post.excerpt | markdownify }}</p>
{% endfor %}
"""


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A Jekyll site built from every output of a hostile .bib: the --split
    pages under an academicpages-like layout, and the HTML, Markdown and
    academicpages lists included from pages. Returns the built folder and
    each entry's title as bib2pubs read it."""
    if shutil.which("jekyll") is None:
        pytest.skip("Debian's jekyll is not installed (make test installs it where apt-get works)")
    root = tmp_path_factory.mktemp("jekyll")
    bib = root / "hostile.bib"
    bib.write_text(HOSTILE_BIB, encoding="utf-8")
    site = root / "site"
    shutil.copytree(FIXTURES / "jekyll-site", site)
    with (site / "_config.yml").open("a", encoding="utf-8") as config:
        config.write(CONFIG)
    (site / "_layouts" / "single.html").write_text(SINGLE, encoding="utf-8")
    (site / "_includes" / "x").write_text(INCLUDED, encoding="utf-8")
    pages = site / "_pages"
    pages.mkdir()
    (pages / "archive.html").write_text(ARCHIVE, encoding="utf-8")

    def output(*args: str) -> str:
        result = invoke(str(bib), "-H", "Jane Doe", *args)
        assert result.exit_code == 0, result.stderr
        return result.stdout

    split = invoke(str(bib), "-H", "Jane Doe", "--split", str(site / "_publications"))
    assert split.exit_code == 0, split.stderr
    (site / "_includes" / "pubs.html").write_text(output("-f", "html"), encoding="utf-8")
    (site / "_includes" / "page.html").write_text(
        output("-t", "html-page", "--set", "title={{ site.title }} {% endraw %}"), encoding="utf-8"
    )
    (site / "_includes" / "list.md").write_text(output("-f", "markdown"), encoding="utf-8")
    (pages / "fragment.html").write_text("---\npermalink: /fragment/\n---\n{% include pubs.html %}\n", "utf-8")
    (pages / "standalone.html").write_text("---\npermalink: /standalone/\n---\n{% include page.html %}\n", "utf-8")
    (pages / "list.md").write_text("---\npermalink: /list/\n---\n{% include list.md %}\n", encoding="utf-8")
    (pages / "ap.md").write_text(output("-t", "academicpages", "--set", "permalink=/ap/"), encoding="utf-8")
    out = root / "out"
    # check=True: a stray {% endraw %} that Liquid saw would fail the build.
    subprocess.run(["jekyll", "build", "--quiet", "-s", str(site), "-d", str(out)], check=True, timeout=300)
    listing = json.loads(output("-f", "json"))
    titles = {entry["key"]: entry["title"] for group in listing["groups"] for entry in group["entries"]}
    return out, titles


def _between(page: str, start: str, end: str) -> str:
    match = re.search(re.escape(start) + "(.*?)" + re.escape(end), page, re.S)
    assert match, f"no {start!r} in the built page"
    return match.group(1).strip()


def _no_liquid_ran(page: str) -> None:
    assert SITE_TITLE not in page and INCLUDED not in page


@pytest.mark.jekyll
def test_jekyll_shows_split_front_matter_as_text(built_site: tuple[Path, dict[str, str]]) -> None:
    out, titles = built_site
    pages = sorted((out / "publication").rglob("*.html"))
    assert len(pages) == len(titles) == 5
    for path in pages:
        page = path.read_text(encoding="utf-8")
        key = next(key for key in titles if key in path.name)
        assert 'href="javascript' not in page and "<img" not in page, path.name
        _no_liquid_ran(page)
        heading = _between(page, '<h1 class="page__title">', "</h1>")
        assert "<" not in heading, path.name  # no link, image, emphasis or code
        assert html.unescape(heading) == titles[key], path.name
        # YAML gave the layout the title itself: printed as it is, it reads the same.
        assert html.unescape(_between(page, '<span class="raw-title">', "</span>")) == titles[key]
        for field in ("venue", "citation"):
            raw = _between(page, f'<p class="{field}">', "</p>")
            marked = _between(page, f'<div class="{field}-md">', "</div>")
            assert "<" not in marked.replace("<i>", "").replace("</i>", ""), (path.name, field)
            assert html.unescape(marked) in html.unescape(raw), (path.name, field)
    starred = (next(out.rglob("*marks2020*.html"))).read_text(encoding="utf-8")
    assert "Ann Star*, Jane Doe (2020)." in html.unescape(_between(starred, '<div class="citation-md">', "</div>"))
    archive = (out / "archive" / "index.html").read_text(encoding="utf-8")
    assert 'href="javascript' not in archive and "<img" not in archive and "<em>" not in archive
    _no_liquid_ran(archive)
    headings = re.findall(r'<h2 class="archive__item-title">(.*?)</h2>', archive, re.S)
    assert sorted(html.unescape(heading.strip()) for heading in headings) == sorted(titles.values())


@pytest.mark.jekyll
def test_jekyll_includes_html_and_markdown_lists_without_running_liquid(
    built_site: tuple[Path, dict[str, str]],
) -> None:
    out, titles = built_site
    liquid_title = titles["liquid2020"]
    assert liquid_title == "{{ site.title }} {% endraw %} {{ 6 | times: 7 }}"
    for name in ("fragment", "standalone", "list", "ap"):
        page = (out / name / "index.html").read_text(encoding="utf-8")
        _no_liquid_ran(page)
        assert liquid_title in html.unescape(page), name  # not "… 42"
        assert "Ann {{ site.title }}" in html.unescape(page), name
        assert "{% include x %} Journal" in html.unescape(page), name
    standalone = (out / "standalone" / "index.html").read_text(encoding="utf-8")
    assert html.unescape(_between(standalone, "<h1>", "</h1>")) == "{{ site.title }} {% endraw %}"
    fragment = (out / "fragment" / "index.html").read_text(encoding="utf-8")
    assert f'<span class="pub-title">{liquid_title}</span>' in html.unescape(fragment)


# --- LaTeX: a bracket after \item --------------------------------------------

UNTITLED_BIB = r"""
@misc{anon, author = {{[Anonymous]} and Roe, R.}, year = 2020}
@misc{draft, title = {[Draft] Notes}, author = {Roe, R.}, journal = {J]}, year = 2020}
"""


def test_latex_an_untitled_entry_starting_with_a_bracket_gets_no_label(write_bib) -> None:  # type: ignore[no-untyped-def]
    result = invoke(str(write_bib(UNTITLED_BIB)), "-f", "latex")
    assert result.exit_code == 0, result.stderr
    assert "\\item {[}Anonymous{]}, R. Roe." in result.stdout
    assert "\\textbf{{[}Draft{]} Notes}" in result.stdout
    assert not re.search(r"\\item\s*\[", result.stdout)


@given(st.text(min_size=1))
@settings(max_examples=200, deadline=None)
def test_latex_data_after_item_never_opens_an_argument(text: str) -> None:
    untitled = replace(hostile(text), title="")
    page, _ = render_template(listing_of(untitled), "latex")
    for line in page.splitlines():
        if line.lstrip().startswith("\\item"):
            assert not line.lstrip().removeprefix("\\item").lstrip().startswith("[")
    assert "[" not in latex_escape(text).replace("{[}", "")
    assert "]" not in latex_escape(text).replace("{]}", "")


# Logs whether each \item found an optional label, the way \item itself
# looks for one (spaces skipped).
ITEM_PROBE = r"""\documentclass{article}
\makeatletter
\let\probeditem\item
\def\item{\@ifnextchar[\labelleditem{\typeout{ITEM-WITHOUT-LABEL}\probeditem}}
\def\labelleditem[#1]{\typeout{ITEM-LABEL:#1}\probeditem[#1]}
\makeatother
\begin{document}
"""


def test_latex_compiles_with_no_item_label(write_bib, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    engine = shutil.which("pdflatex") or shutil.which("lualatex")
    if engine is None:
        pytest.skip("no LaTeX engine installed")
    body = invoke(str(write_bib(UNTITLED_BIB)), "-f", "latex").stdout
    (tmp_path / "doc.tex").write_text(ITEM_PROBE + body + "\\end{document}\n", encoding="utf-8")
    run = subprocess.run(
        [engine, "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "doc.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    log = (tmp_path / "doc.log").read_text(encoding="utf-8", errors="replace")
    assert run.returncode == 0, log[-2000:]
    assert log.count("ITEM-WITHOUT-LABEL") == 2
    assert "ITEM-LABEL:" not in log


def test_an_html_template_of_ones_own_writes_no_brace_from_data(write_bib, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Autoescape leaves braces; a page that includes the output would run
    them as Liquid, in a template written from scratch too."""
    bib = write_bib(
        "@misc{k, title = {\\{\\{ site.title \\}\\} and \\{% include x %\\}}, author = {A \\{B\\}}, year = 2024}\n"
    )
    template = tmp_path / "mine.html.j2"
    template.write_text(
        "{% for group in groups %}{% for pub in group.entries %}"
        "<p title='{{ pub.title }}'>{{ pub.title }} / {{ pub.authors[0].display }}</p>"
        "{% endfor %}{% endfor %}\n",
        encoding="utf-8",
    )
    result = invoke(str(bib), "-t", str(template), "--no-config")
    assert result.exit_code == 0, result.stderr
    assert "{" not in result.stdout and "}" not in result.stdout
    assert "&#123;&#123; site.title &#125;&#125; and &#123;% include x %&#125;" in result.stdout
