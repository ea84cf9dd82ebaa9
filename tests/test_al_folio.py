"""-t al-folio writes the markup of al-folio's _layouts/bib.liquid: checked
by its structure, read with html.parser, on real entries and hostile ones."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from bib2pubs import Options, load
from bib2pubs.rendering.jinja import builtin_templates, render_template
from tests.conftest import invoke

DETAILS = Path(__file__).parent / "fixtures" / "details.bib"
OWNER = "Christopher Steven Timperley"


@dataclass
class Element:
    tag: str
    classes: set[str]
    attrs: dict[str, str]
    children: list[Element] = field(default_factory=list)
    #: Text and child elements in document order.
    content: list[Element | str] = field(default_factory=list)

    def find(self, tag: str = "", cls: str = "") -> list[Element]:
        """Every element below this one with the tag and class given."""
        found = []
        for child in self.children:
            if (not tag or child.tag == tag) and (not cls or cls in child.classes):
                found.append(child)
            found.extend(child.find(tag, cls))
        return found

    def all_text(self) -> str:
        return "".join(part if isinstance(part, str) else part.all_text() for part in self.content)


class _Tree(HTMLParser):
    VOID = frozenset({"img", "br", "meta", "link", "input", "hr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("root", set(), {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        element = Element(tag, set(values.get("class", "").split()), values)
        self.stack[-1].children.append(element)
        self.stack[-1].content.append(element)
        if tag not in self.VOID:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].content.append(data)


def parse(html: str) -> Element:
    tree = _Tree()
    tree.feed(html)
    tree.close()
    assert tree.stack == [tree.root], "an element is left open"
    return tree.root


def _render(path: Path, highlight: str = OWNER, variables: dict[str, str] | None = None) -> str:
    listing = load([str(path)], Options(highlights=(highlight,), keep_fields=True))
    return render_template(listing, "al-folio", variables)[0]


def test_it_is_a_built_in_list_template() -> None:
    assert builtin_templates()["al-folio"] == "al-folio.html.j2"


def test_each_year_is_a_heading_and_an_ordered_list_of_rows() -> None:
    root = parse(_render(DETAILS))
    headings = root.find("h2", "bibliography")
    lists = root.find("ol", "bibliography")
    assert [heading.all_text() for heading in headings][:2] == ["2024", "2021"]
    assert len(headings) == len(lists) > 1
    entries = [item for ordered in lists for item in ordered.children]
    assert len(entries) == sum(1 for group in load([str(DETAILS)]).groups for pub in group.entries if not pub.hidden)
    for item in entries:
        assert item.tag == "li"
        (row,) = item.children
        assert row.tag == "div" and row.classes == {"row"}
        badge_column, body = row.children
        assert {"col", "col-sm-2", "abbr"} <= badge_column.classes
        assert body.attrs["id"] and body.classes == {"col-sm-8"}
        assert len(body.find("div", "title")) == 1
        (links,) = body.find("div", "links")
        buttons = links.find("a")
        assert buttons and all({"btn", "btn-sm", "z-depth-0"} <= button.classes for button in buttons)
        assert all(button.attrs["role"] == "button" for button in buttons)
        # The Abs and Bib buttons and their blocks: jQuery finds the blocks
        # from the button's grandparent, the entry's column.
        assert [child for child in body.children if "links" in child.classes] == [links]
        bibtex = [child for child in body.children if child.classes == {"bibtex", "hidden"}]
        assert len(bibtex) == 1 and len(links.find("a", "bibtex")) == 1
        assert bibtex[0].find("figure", "highlight")[0].find("pre")[0].all_text().startswith("@")
        abstracts = [child for child in body.children if child.classes == {"abstract", "hidden"}]
        assert len(abstracts) == len(links.find("a", "abstract")) <= 1


def test_the_rows_carry_badge_author_periodical_and_abstract() -> None:
    root = parse(_render(DETAILS))
    rows = {row.find("div", "col-sm-8")[0].attrs["id"]: row for row in root.find("div", "row")}
    icra = rows["icra24"]
    # al-folio's abbr: the short name; the year is the heading.
    assert [badge.all_text() for badge in icra.find("abbr")] == ["ICRA"]
    assert icra.find("abbr")[0].classes == {"badge", "rounded", "w-100"}
    (author,) = icra.find("div", "author")
    assert [em.all_text() for em in author.find("em")] == ["Christopher S. Timperley"]
    assert author.all_text().endswith(", and Christopher S. Timperley")
    periodical = icra.find("div", "periodical")[0]
    assert periodical.find("em")[0].all_text() == "In IEEE International Conference on Robotics and Automation"
    assert periodical.all_text().endswith(", 2024")
    physrev = rows["PhysRev.47.777"]
    assert physrev.find("abbr")[0].all_text() == "PhysRev"
    assert "vol.\u00a047, no.\u00a010, pp.\u00a0777–780, 1935" in physrev.find("div", "periodical")[0].all_text()
    assert physrev.find("div", "abstract")[0].all_text().strip().startswith("In a complete theory")
    hrefs = {button.all_text(): button.attrs.get("href") for button in physrev.find("a", "btn")}
    assert hrefs["PDF"] == "/assets/pdf/example_pdf.pdf"
    assert hrefs["Abs"] is None and hrefs["Bib"] is None
    assert not icra.find("div", "abstract")


def test_bare_file_names_follow_files_base_and_base_url() -> None:
    def pdf(variables: dict[str, str] | None) -> str | None:
        root = parse(_render(DETAILS, variables=variables))
        return next(a.attrs["href"] for a in root.find("a", "btn") if a.all_text() == "PDF")

    assert pdf(None) == "/assets/pdf/example_pdf.pdf"
    assert pdf({"base_url": "https://me.github.io"}) == "https://me.github.io/assets/pdf/example_pdf.pdf"
    assert pdf({"files_base": "/files"}) == "/files/example_pdf.pdf"
    assert pdf({"files_base": ""}) == "example_pdf.pdf"


def test_a_preview_image_is_found_where_al_folio_keeps_them() -> None:
    root = parse(_render(DETAILS))
    (image,) = root.find("img", "preview")
    assert image.attrs["src"] == "/assets/img/publication_preview/brownian-motion.gif"


HOSTILE = r"""@inproceedings{evil<b>,
  title = {<script>alert(1)</script> {{ site.title }} {% include x %}},
  author = {Doe, Jane and O<i>ne, {{Bob}}},
  year = 2020, booktitle = {Conf <b>x</b> {{y}}},
  abbr = {<img src=x onerror=alert(1)>},
  pdf = {"><script>x</script>.pdf}, code = {javascript:alert(1)}, preview = {p" onerror="x.png},
  abstract = {An <b>abstract</b> {{ page.title }}},
  award = {Best <i>paper</i> {% if %}}, award_name = {Best {{x}}},
  note = {Note <u>u</u>},
}
"""


def test_hostile_data_is_text(tmp_path: Path) -> None:
    path = tmp_path / "hostile.bib"
    path.write_text(HOSTILE, encoding="utf-8")
    html = _render(path, "Jane Doe")
    assert "{" not in html and "}" not in html
    root = parse(html)
    tags = {element.tag for element in root.find()}
    assert tags <= {"h2", "ol", "li", "div", "abbr", "img", "em", "a", "p", "figure", "pre", "code"}
    assert "script" not in tags and "b" not in tags and "i" not in tags and "u" not in tags
    assert all(not name.startswith("on") for element in root.find() for name in element.attrs)
    assert root.find("div", "title")[0].all_text().startswith("<script>alert(1)</script> site.title")
    assert "{{ site.title }} {% include x %}" in root.find("code")[0].all_text()
    assert root.find("abbr")[0].all_text() == "<img src=x onerror=alert(1)>"
    assert [em.all_text() for em in root.find("div", "author")[0].find("em")] == ["Jane Doe"]
    assert all(not a.attrs.get("href", "").startswith("javascript") for a in root.find("a"))
    assert root.find("div", "award")[0].all_text().strip().startswith("Best <i>paper</i>")


def test_the_cli_writes_it(tmp_path: Path) -> None:
    out = tmp_path / "publications.html"
    result = invoke(str(DETAILS), "-H", OWNER, "-t", "al-folio", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert out.read_text(encoding="utf-8") == _render(DETAILS)


def test_bare_file_names_go_where_al_folio_keeps_each_kind(tmp_path: Path) -> None:
    bib = tmp_path / "kinds.bib"
    bib.write_text(
        "@misc{a, title = {T}, author = {Ana Li}, year = 2020, pdf = {p.pdf}, supp = {s.pdf},"
        " poster = {o.pdf}, slides = {l.pdf}, html = {h.html}, code = {c.zip}, website = {w.html}}\n",
        encoding="utf-8",
    )
    html = _render(bib, "Ana Li")
    for href in ("/assets/pdf/p.pdf", "/assets/pdf/s.pdf", "/assets/pdf/o.pdf", "/assets/pdf/l.pdf"):
        assert f'href="{href}"' in html
    assert 'href="/assets/html/h.html"' in html
    assert 'href="c.zip"' in html and 'href="w.html"' in html  # as al-folio writes them: as given
