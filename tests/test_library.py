"""bib2pubs from Python: ``load`` and ``render`` give what the
command gives, ``import bib2pubs`` stays light, notes and errors reach the
caller."""

from __future__ import annotations

import importlib
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest

import bib2pubs
from bib2pubs import Diagnostic, Highlight, InputError, NothingReadError, TemplateError, UsageError, parallel
from bib2pubs.read import two_processes
from bib2pubs.report.explain import explain
from bib2pubs.report.stats import compute
from tests.conftest import CORPUS, GOLDEN, REFS, ROOT
from tests.golden import CASES

ME = bib2pubs.Options(highlights=("Chao Jin",))
NAMES = bib2pubs.Options(highlights=("Chao Jin",), highlights_as=(("student", "Zili Zhang"),), name_style="initials")
LEAL_TAIXE = CORPUS / "homepages" / "laura-leal-taixe" / "mypubs.bib"

#: golden file → how to make it from Python.
FROM_PYTHON = {
    "refs.academicpages.md": (
        REFS,
        ME,
        bib2pubs.RenderSpec(template="academicpages", variables={"title": "Full Publications"}),
    ),
    "refs.json": (REFS, ME, bib2pubs.RenderSpec(format="json")),
    "refs.txt": (REFS, ME, bib2pubs.RenderSpec(format="text")),
    "refs.page.html": (
        REFS,
        ME,
        bib2pubs.RenderSpec(template="html-page", variables={"title": "Chao Jin: Publications"}),
    ),
    "refs-names.html": (REFS, NAMES, bib2pubs.RenderSpec(format="html", max_authors=6)),
    "leal-taixe.export.bib": (
        LEAL_TAIXE,
        bib2pubs.Options(highlights=("Laura Leal-Taixé",), keep_fields=True),
        bib2pubs.RenderSpec(format="bibtex"),
    ),
}


@pytest.mark.parametrize("name", sorted(FROM_PYTHON))
def test_load_and_render_give_the_golden_file(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert name in CASES  # the command's own case
    monkeypatch.chdir(ROOT)  # paths in the output are the command's, relative to the root
    path, options, spec = FROM_PYTHON[name]
    listing = bib2pubs.load([str(path.relative_to(ROOT))], options)
    assert bib2pubs.render(listing, spec) == (GOLDEN / name).read_text(encoding="utf-8")


HEAVY = ("click", "jinja2", "rich", "pylatexenc")


def test_importing_the_package_loads_nothing_else() -> None:
    # Not even typing: a script that only asks for __version__ pays for nothing more.
    probe = "import sys\nbefore = set(sys.modules)\nimport bib2pubs\nprint(sorted(set(sys.modules) - before))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60)
    assert result.stdout.strip() == "['bib2pubs', 'bib2pubs.version']"
    probe = f"import sys, bib2pubs\nbib2pubs.Options\nprint(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60)
    assert result.stdout.strip() == "[]"


def test_every_name_of_the_face_is_reachable() -> None:
    for name in bib2pubs.__all__:
        assert getattr(bib2pubs, name) is not None
        assert name in dir(bib2pubs)
    assert sorted(bib2pubs.__all__) == sorted([*bib2pubs._HOMES, "__version__"])
    # A subpackage loaded shows, as any module's attributes do; the file's helpers do not.
    importlib.import_module("bib2pubs.cli")
    shown = dir(bib2pubs)
    assert {"__file__", "__doc__", "cli"} <= set(shown) and not {"_HOMES", "TYPE_CHECKING", "_sys"} & set(shown)
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        bib2pubs.nothing  # type: ignore[attr-defined]  # noqa: B018


def test_the_listing_records_whom_it_highlighted() -> None:
    listing = bib2pubs.load([str(REFS)], NAMES)
    assert listing.highlights == (Highlight("Chao Jin"), Highlight("Zili Zhang", "student"))
    assert [person.name for person in compute(listing).people] == ["Chao Jin", "Zili Zhang"]


def test_a_name_read_family_name_first_is_recorded_so(tmp_path: Path) -> None:
    bib = tmp_path / "ff.bib"
    bib.write_text("@misc{a, title={A}, author={Zhang, Chengyuan and Doe, Jane}, year=2021}\n", encoding="utf-8")
    listing = bib2pubs.load([str(bib)], bib2pubs.Options(highlights=("Zhang Chengyuan",)))
    assert listing.highlights == (Highlight("Zhang Chengyuan", family_first=True),)
    # The reports use what the run matched, without reading the names again.
    (report,) = explain(listing)
    assert (report.found, report.entries) == (1, 1)
    assert compute(listing).people[0].works == 1


@pytest.mark.skipif(not parallel._can_fork(), reason="workers are forked on Linux only")
@pytest.mark.parametrize("name", ["Jin Chao", "Chao Jin"])
def test_reading_in_halves_records_the_same_highlights(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    options = bib2pubs.Options(highlights=(name,), aliases=((name, "Ana Li"),))
    monkeypatch.setenv("BIB2PUBS_JOBS", "1")
    alone = bib2pubs.load([str(REFS)], options)
    monkeypatch.setenv("BIB2PUBS_JOBS", "2")
    monkeypatch.setattr(parallel, "MIN_TEXT", 0)
    taken: list[bool] = []
    read_in_halves = two_processes.read_in_halves

    def spied(*args: Any) -> Any:
        read = read_in_halves(*args)
        taken.append(read is not None)
        return read

    monkeypatch.setattr(two_processes, "read_in_halves", spied)
    shared = bib2pubs.load([str(REFS)], options)
    assert taken == [True]  # read in halves, then again at once for a name read family name first
    assert shared.highlights == alone.highlights
    assert alone.highlights[0].family_first == (name == "Jin Chao")
    assert alone.highlights[0].aliases == (name, "Ana Li")


def test_notes_are_warnings_unless_a_list_keeps_them() -> None:
    listing = bib2pubs.load([str(REFS)])
    spec = bib2pubs.RenderSpec(format="text", variables={"titel": "Typo"})
    with pytest.warns(bib2pubs.RenderWarning, match="--set titel: the template does not use 'titel'") as caught:
        bib2pubs.render(listing, spec)
    assert [warning.filename for warning in caught] == [__file__]  # the caller's line
    notes: list[Diagnostic] = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bib2pubs.render(listing, spec, notes)
    assert [note.message for note in notes] == ["--set titel: the template does not use 'titel'"]


def test_load_raises_what_the_command_reports(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        bib2pubs.load([str(tmp_path / "nope.bib")])
    broken = tmp_path / "broken.bib"
    broken.write_text("@misc{b, title={Unbalanced {x}, year=2020}\n", encoding="utf-8")
    with pytest.raises(NothingReadError) as nothing:
        bib2pubs.load([str(broken)])
    assert [diagnostic.level for diagnostic in nothing.value.diagnostics] == ["error"]
    with pytest.raises(UsageError, match="--highlight needs a name"):
        bib2pubs.load([str(REFS)], bib2pubs.Options(highlights=(" ",)))


def test_render_refuses_what_cannot_work(tmp_path: Path) -> None:
    listing = bib2pubs.load([str(REFS)])
    refused = {
        "academicpages-item is a template of one entry": bib2pubs.RenderSpec(template="academicpages-item"),
        "writes markdown, not html": bib2pubs.RenderSpec(format="html", template="academicpages"),
        "no format 'docx'": bib2pubs.RenderSpec(format="docx"),
        "keep_fields=True": bib2pubs.RenderSpec(format="bibtex"),
    }
    for message, spec in refused.items():
        with pytest.raises(UsageError, match=message):
            bib2pubs.render(listing, spec)
    broken = tmp_path / "broken.md.j2"
    broken.write_text("{{ nothing_here }}\n", encoding="utf-8")
    with pytest.raises(TemplateError):
        bib2pubs.render(listing, bib2pubs.RenderSpec(template=str(broken)))


def test_the_template_says_the_format_when_the_spec_does_not() -> None:
    listing = bib2pubs.load([str(REFS)], ME)
    page = bib2pubs.render(listing, bib2pubs.RenderSpec(template="html"))
    assert page == bib2pubs.render(listing, bib2pubs.RenderSpec(format="html"))
    assert bib2pubs.render(listing).startswith("## 2025\n")  # Markdown by default


def test_the_readme_example_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## From Python") :]
    example = section[section.index("```python\n") + len("```python\n") : section.index("\n```\n")]
    example += "\nassert page.startswith('---\\nlayout: archive\\ntitle: \"Publications\"')\n"
    example += "assert '**Chao Jin**' in page and '## 2023' not in page\n"
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", example], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert result.returncode == 0, result.stderr


def test_the_face_refuses_what_it_cannot_do_rather_than_guess(tmp_path: Path) -> None:
    for wrong in ({"group_by": "years"}, {"order": "newest"}, {"kinds": ("journals",)}, {"titles": {"paper": "P"}}):
        with pytest.raises(UsageError, match="use one of"):
            bib2pubs.Selection(**wrong)  # type: ignore[arg-type]
    # One file, as a str or a path, is a list of one.
    assert bib2pubs.load(str(REFS)) == bib2pubs.load([REFS]) == bib2pubs.load(REFS)
    # The bibtex filter needs the entries' fields: an error, never an empty cite block.
    template = tmp_path / "cite.txt.j2"
    template.write_text("{% for g in groups %}{% for e in g.entries %}{{ e | bibtex }}{% endfor %}{% endfor %}\n")
    with pytest.raises(TemplateError, match=r"cite.txt.j2:1: error: the bibtex filter .*\(keep_fields=True\)$"):
        bib2pubs.render(bib2pubs.load(REFS), bib2pubs.RenderSpec(template=str(template)))
    kept = bib2pubs.render(
        bib2pubs.load(REFS, bib2pubs.Options(keep_fields=True)), bib2pubs.RenderSpec(template=str(template))
    )
    assert kept.count("@") == sum(len(group.entries) for group in bib2pubs.load(REFS).groups)


def test_inputs_take_the_sequences_and_numbers_callers_write() -> None:
    """Lists for tuples, a lone name for a list of one, numbers for text
    (as the settings file reads them): kept as the types the stages take."""
    options = bib2pubs.Options(
        highlights="Chao Jin",  # type: ignore[arg-type]
        highlights_as=[["student", "Ana Li"]],  # type: ignore[arg-type]
        aliases=[["Chao Jin", "C. Jin"]],  # type: ignore[arg-type]
    )
    assert options.highlights == ("Chao Jin",)
    assert options.highlights_as == (("student", "Ana Li"),)
    assert options.aliases == (("Chao Jin", "C. Jin"),)
    assert bib2pubs.Options(highlights=["Chao Jin"]) == bib2pubs.Options(highlights=("Chao Jin",))  # type: ignore[arg-type]
    spec = bib2pubs.RenderSpec(variables={"title": 3, "year": 2.5}, template_dirs=["t"], bibtex_dropped={"doi"})  # type: ignore[dict-item, arg-type]
    assert spec.variables == {"title": "3", "year": "2.5"}
    assert (spec.template_dirs, spec.bibtex_dropped) == (("t",), frozenset({"doi"}))


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"variables": {"title": ["x"]}}, "variable 'title' must be text or a number, not list"),
        ({"variables": {"title": True}}, "variable 'title' must be text or a number, not bool"),
        ({"variables": {"title": None}}, "variable 'title' must be text or a number, not NoneType"),
        ({"max_authors": 2.0}, "max_authors must be a whole number, not 2.0"),
        ({"max_authors": "2"}, "max_authors must be a whole number, not '2'"),
    ],
)
def test_inputs_that_cannot_be_meant_are_usage_errors(spec: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        bib2pubs.RenderSpec(**spec)
