"""The bench's own pieces (bench/*.py), without timing any peer: its .bib
reader, the merging of files into distinct works, the counting of the
entries each tool's output lists, the medians and interleaved rounds, and
the Markdown of bench/RESULTS.md, on tiny synthetic inputs."""

from __future__ import annotations

import gzip
import lzma
import math
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

from bench import bibreader, goals, inputs, merging, report, stage_table, timing, tools
from bench.inputs import Input

# ---------------------------------------------------------------- reading .bib


def test_entry_fields_keep_their_parts_as_written() -> None:
    entry = bibreader.parse_entry(
        '@Article{key1,\n  Title = {On {T}hings} # " too",\n  year = 2001,\n  title = {Second},\n  journal = jr}'
    )
    assert entry is not None
    assert (entry.kind, entry.key) == ("Article", "key1")
    # A repeated field keeps its first value, as BibTeX does.
    assert entry.fields == {"title": ["{On {T}hings}", '" too"'], "year": ["2001"], "journal": ["jr"]}
    assert entry.text() == '@Article{key1,\n  title = {On {T}hings} # " too",\n  year = 2001,\n  journal = jr\n}\n'


def test_an_item_that_never_closes_is_read_up_to_the_next_entry() -> None:
    text = "comment @string{jr = {J}}\n@article{broken, title = {Open\n@book{fine, title = {Closed}}\n"
    items = list(bibreader.bib_items(text))
    assert items == [("string", "@string{jr = {J}}"), ("article", None), ("book", "@book{fine, title = {Closed}}")]


@pytest.mark.parametrize(
    "body",
    ["@article{k, title = {unbalanced}", "@article{, title = {no key}}", "@article{k, title = {x} junk}"],
)
def test_what_the_reader_cannot_follow_is_no_entry(body: str) -> None:
    item = next(item for _, item in bibreader.bib_items(body + "\n"))
    assert item is None or bibreader.parse_entry(item) is None


def test_census_counts_keys_and_the_entries_others_cross_refer_to(tmp_path: Path) -> None:
    bib = tmp_path / "census.bib"
    bib.write_text(
        "@string{x = {y}}\n@inproceedings{Child, title = {C}, crossref = {Proc}}\n"
        "@proceedings{proc, title = {P}}\n@misc{other, crossref = {absent}}\n",
        encoding="utf-8",
    )
    assert bibreader.census(bib) == (["Child", "proc", "other"], frozenset({"proc"}))


# ------------------------------------------------------ one file of distinct works

FIRST = """\
@string{jr = "Journal R"}
@article{smith01, author = {Smith, John}, title = {On Things}, journal = jr, year = 2001}
@article{calendar, title = {Calendar}, journal = jr, year = 2001, volume = 1}
@misc{glossary, description = {no title}}
@proceedings{proc, title = {Proceedings A}, year = 2000}
"""
SECOND = """\
@string{jr = "Other Journal"}
@article{copy, author = {John Smith}, title = "ON THINGS", journal = jr, year = 2001}
@article{calendar, title = {Calendar}, journal = jr, year = 2001, volume = 2}
@article{undefined, author = {Ann Lee}, title = {Uses}, journal = nosuchmacro, year = 2002}
@inproceedings{orphan, author = {Bo Ek}, title = {Orphan}, crossref = {nothere}, year = 2003}
@inproceedings{paper, author = {Cy Fu}, title = {Paper}, crossref = {proc}, pages = {1--2}}
@proceedings{proc, title = {Proceedings B}, year = 2000}
"""


def _merged(tmp_path: Path) -> tuple[merging.Merged, str]:
    sources = [tmp_path / "first.bib", tmp_path / "second.bib"]
    sources[0].write_text(FIRST, encoding="utf-8")
    sources[1].write_text(SECOND, encoding="utf-8")
    target = tmp_path / "merged.bib"
    return merging.build_distinct(sources, target), target.read_text(encoding="utf-8")


def test_merging_keeps_each_work_once_and_renames_clashes(tmp_path: Path) -> None:
    merged, text = _merged(tmp_path)
    assert merged.files == 2
    assert list(merged.entries) == ["smith01", "calendar", "proc", "calendar-2", "paper", "proc-2"]
    assert merged.renamed == {"keys": 2, "macros": 1}
    assert merged.left_out == {
        merging.REPEATS: 1,
        "entries without a title (glossary, index and option data)": 1,
        "entries using a macro no file defines (their title or venue would be empty)": 1,
        "entries cross-referring to an entry that is not there (or to themselves)": 1,
    }
    # The second file's macro and cross-reference follow the names they became.
    assert '@string{jr = "Journal R"}\n@string{jr-2 = "Other Journal"}\n' in text
    assert "@article{calendar-2,\n  title = {Calendar},\n  journal = jr-2," in text
    assert "crossref = {proc-2}" in text
    # Entries others cross-refer to come last, as BibTeX wants them.
    assert text.index("@proceedings{proc-2,") > text.index("@inproceedings{paper,")


def test_merged_text_reads_back_as_the_entries_kept(tmp_path: Path) -> None:
    merged, _ = _merged(tmp_path)
    keys, parents = bibreader.census(tmp_path / "merged.bib")
    assert sorted(keys) == sorted(entry.key for entry in merged.entries.values())
    assert parents == {"proc-2"}


def _limited(tmp_path: Path, limit: int) -> tuple[merging.Merged, Path]:
    sources = [tmp_path / "first.bib", tmp_path / "second.bib"]
    sources[0].write_text(FIRST, encoding="utf-8")
    sources[1].write_text(SECOND, encoding="utf-8")
    target = tmp_path / "merged.bib"
    return merging.build_distinct(sources, target, limit=limit), target


@pytest.mark.parametrize(
    ("limit", "kept"),
    [
        # The first four, in order.
        (4, ["smith01", "calendar", "proc", "calendar-2"]),
        # "paper" would need its parent "proc-2" as well, six in all: it is
        # passed over, and "proc-2" is the fifth entry.
        (5, ["smith01", "calendar", "proc", "calendar-2", "proc-2"]),
    ],
)
def test_a_limit_keeps_the_first_entries_with_what_they_cross_refer_to(
    tmp_path: Path, limit: int, kept: list[str]
) -> None:
    merged, target = _limited(tmp_path, limit)
    assert list(merged.entries) == kept
    assert merged.left_out["entries past the first " + str(limit) + " (the last file's last ones)"] == 6 - limit
    assert sorted(bibreader.census(target)[0], key=kept.index) == kept
    assert not merged.dangling()
    assert not merged.trim(limit)


def test_a_limit_keeps_a_kept_entrys_parents(tmp_path: Path) -> None:
    merged = merging.Merged()
    source = tmp_path / "chain.bib"
    source.write_text(
        "@inproceedings{child, title = {C}, crossref = {parent}}\n@misc{other, title = {O}}\n"
        "@proceedings{parent, title = {P}, crossref = {grand}}\n@book{grand, title = {G}}\n",
        encoding="utf-8",
    )
    merged.add_file(source)
    assert merged.trim(3)
    assert list(merged.entries) == ["child", "parent", "grand"]
    assert not merged.dangling()


def test_compressed_sources_are_read(tmp_path: Path) -> None:
    for suffix, compress in ((".gz", gzip.compress), (".xz", lzma.compress)):
        path = tmp_path / f"in.bib{suffix}"
        path.write_bytes(compress(FIRST.encode("utf-8")))
        assert bibreader.read_bib(path) == FIRST


def test_the_dblp_sample_is_in_git_with_its_provenance() -> None:
    assert inputs.DBLP_SAMPLE.is_file()
    provenance = (inputs.DBLP_SAMPLE.parent / "PROVENANCE").read_text(encoding="utf-8")
    assert inputs.DBLP_SAMPLE.name in provenance
    assert "e64473e68842ca6a1c4f2f298d3568357d1d7917" in provenance
    assert "CC0" in provenance and "MIT License" in provenance
    entries = [bibreader.parse_entry(item) for _, item in bibreader.bib_items(bibreader.read_bib(inputs.DBLP_SAMPLE))]
    kinds = Counter(entry.kind for entry in entries if entry)
    counts = r"(\S+) entries as dblp's BibTeX.*?: (\S+) conference papers, (\S+)\s+journal articles and (\S+)"
    said = re.search(counts, provenance, re.S)
    assert said is not None
    total, papers, articles, volumes = (int(number.replace(",", "")) for number in said.groups())
    assert kinds == {"inproceedings": papers, "article": articles, "proceedings": volumes}
    keys = [entry.key for entry in entries if entry]
    assert len(keys) == len(set(keys)) == total


@pytest.mark.parametrize(
    ("parts", "folded"),
    [
        (['{Br\\"uggemann}'], "bruggemann"),
        (["{Br\u00fcggemann}"], "bruggemann"),
        (['"On Things:"', "{ -- Again}"], "on things again"),
        (["{Caf\u00e9_Au-Lait}"], "cafe au lait"),
    ],
)
def test_folding_drops_accents_markup_case_and_punctuation(parts: list[str], folded: str) -> None:
    assert merging._folded(parts) == folded


def test_one_work_in_two_places_is_two_works() -> None:
    assert merging._same_place(("2001", "", "", ""), ("2001", "3", "", "1 2"))
    assert not merging._same_place(("2001", "1", "", ""), ("2001", "2", "", ""))


# ----------------------------------------------------------------- tool outputs

VENV = Path("/nowhere/venv")


def _input(tmp_path: Path) -> Input:
    bib = tmp_path / "in.bib"
    bib.write_text(
        "@inproceedings{a, title = {A}, crossref = {p}}\n@misc{b, title = {B}}\n@proceedings{p, title = {P}}\n",
        encoding="utf-8",
    )
    return Input(bib, "three entries, one cross-referenced")


def test_bib2pubs_html_is_counted_by_its_list_items(tmp_path: Path) -> None:
    tool = tools._bib2pubs(VENV, "html")
    assert tool.count(tmp_path) == 0  # no output at all
    (tmp_path / "bib2pubs.html").write_text(
        '<ul><li class="pub" id="pub-a">A</li>\n<li class="pub selected" id="pub-B&amp;c">B</li>\n'
        '<li class="publication">not an entry</li></ul>\n',
        encoding="utf-8",
    )
    assert tool.count(tmp_path) == 2
    assert tool.listed_keys is not None and tool.listed_keys(tmp_path) == {"a", "b&c"}
    assert tool.command(Path("in.bib"), tmp_path) == [
        "/nowhere/venv/bin/bib2pubs",
        "in.bib",
        "-f",
        "html",
        "-o",
        str(tmp_path / "bib2pubs.html"),
    ]
    assert (tool.name, tool.env, tool.peer) == ("bib2pubs -f html", {}, False)


def test_bib2pubs_text_is_counted_by_its_blocks_less_headings(tmp_path: Path) -> None:
    tool = tools._bib2pubs(VENV, "text", tools.TWO)
    (tmp_path / "bib2pubs.txt").write_text(
        "Articles\n--------\n\nA. 2001.\n\nB. 2002,\n   continued.\n  \nBooks\n=====\n\nC.\n", encoding="utf-8"
    )
    assert tool.count(tmp_path) == 3
    assert (tool.name, tool.env, tool.listed_keys) == ("bib2pubs -f text, two processes", {"BIB2PUBS_JOBS": "2"}, None)


def test_peers_are_counted_by_their_own_markup(tmp_path: Path) -> None:
    pybtex = tools._pybtex(VENV / "bin" / "pybtex-format")
    (tmp_path / "pybtex.txt").write_text("[Smi01] John Smith.\n[2] Two.\nnot [an] entry\n[]\n", encoding="utf-8")
    assert pybtex.count(tmp_path) == 2
    bibtex2html = tools._bibtex2html()
    (tmp_path / "bibtex2html.html").write_text('<tr valign="top"><td>\n<tr valign="top">\n<tr>', encoding="utf-8")
    assert bibtex2html.count(tmp_path) == 2
    assert bibtex2html.command(Path("in.bib"), tmp_path) == [
        "bibtex2html",
        *tools.BIBTEX2HTML_FLAGS,
        "-o",
        str(tmp_path / "bibtex2html"),
        "in.bib",
    ]
    assert bibtex2html.fallback == ({"max_strings": "2000000"}, "BibTeX's max_strings=2000000")


def test_a_complete_output_need_not_list_what_only_others_cross_refer_to(tmp_path: Path) -> None:
    bib = _input(tmp_path)
    assert (bib.entries, bib.parents) == (3, frozenset({"p"}))
    assert tools._bib2pubs(VENV, "html").expected(bib) == 2
    assert tools._bibtex2html().expected(bib) == 3


def test_a_missing_peer_is_named_with_how_to_get_it() -> None:
    found, missing = tools.find_tools(VENV)
    assert "pybtex (PyPI: pip install pybtex)" in missing
    assert [tool.name for tool in found][:3] == [
        "bib2pubs -f html",
        "bib2pubs -f html, one process",
        "bib2pubs -f html, two processes",
    ]


def test_the_pure_install_is_timed_in_one_process_beside_the_release_build(tmp_path: Path) -> None:
    pure = tmp_path / "pure"
    found, _ = tools.find_tools(VENV, pure)
    names = [tool.name for tool in found]
    assert names[:5] == [
        "bib2pubs -f html",
        "bib2pubs -f html, one process",
        "bib2pubs -f html, two processes",
        "bib2pubs -f html, -H 'Chao Jin' (matches nobody)",
        "bib2pubs -f html, pure Python",
    ]
    assert "bib2pubs -f text, pure Python" in names
    assert found[4].command(tmp_path / "in.bib", tmp_path)[0] == str(pure / "bin" / "bib2pubs")
    assert [found[index].env for index in (0, 1, 2, 4)] == [{}, {"BIB2PUBS_JOBS": "1"}, {"BIB2PUBS_JOBS": "2"}, {}]
    # The highlight row is the plain row's command with the name looked for.
    plain, looking = (found[index].command(tmp_path / "in.bib", tmp_path) for index in (0, 3))
    assert looking == [*plain[:4], "-H", tools.NOBODY, *plain[4:]] and found[3].env == {}


def test_the_page_says_which_build_each_row_runs(tmp_path: Path) -> None:
    compiled, pure = tmp_path / "compiled", tmp_path / "pure"
    (compiled / "lib/python3.11/site-packages/bib2pubs/read").mkdir(parents=True)
    assert "could not compile" in tools.builds(compiled, pure)
    for name in ("model", "read/bibtex"):
        (compiled / f"lib/python3.11/site-packages/bib2pubs/{name}.cpython-311-x86_64-linux-gnu.so").touch()
    said = tools.builds(compiled, pure)
    assert said.startswith("bib2pubs as a release wheel builds it (`make wheel`: 2 modules compiled by mypyc)")
    assert said.endswith('in the rows marked "pure Python", as `pip install .` installs it, not compiled.')
    assert tools.builds(compiled, None).endswith("compiled by mypyc).")


# ------------------------------------------------------------------- measuring


def _runs(*listed: int) -> list[timing.Run]:
    return [timing.Run(0.1 * n, 0.2 * n, 10.0 * n, n % 2, count, f"said {n}") for n, count in enumerate(listed, 1)]


def test_results_are_medians_and_the_worst_run() -> None:
    result = timing.Result(tools._bibtex2html(), _runs(5, 4, 5), expected=5)
    assert (result.wall, result.cpu, result.peak_mb) == pytest.approx((0.2, 0.4, 30.0))
    assert (result.listed, result.complete, result.said) == (4, False, "said 2")
    complete = timing.Result(tools._bibtex2html(), _runs(5, 6), expected=5)
    assert (complete.listed, complete.complete, complete.said) == (5, True, "")


def test_fewer_rounds_for_larger_inputs() -> None:
    assert [timing.rounds_for(n) for n in (5_999, 6_000, 14_999, 15_000, 49_999, 50_000)] == [9, 7, 7, 5, 5, 3]


def test_peak_memory_is_gnu_times_last_line(tmp_path: Path) -> None:
    report_file = tmp_path / "peak"
    report_file.write_text("Command exited with non-zero status 2\n20480\n")
    assert timing._peak_mb(report_file) == 20.0
    assert math.isnan(timing._peak_mb(tmp_path / "absent"))


def test_measure_gives_the_exit_code_and_the_times() -> None:
    wall, cpu, code = timing.measure([sys.executable, "-c", "import sys; sys.exit(3)"], Path.cwd())
    assert code == 3
    assert wall > 0 and cpu > 0


def _python_tool(name: str, log: Path, need: str = "") -> tools.Tool:
    """A stand-in tool: logs its name, lists two entries (one where it
    lacks the setting ``need``) and says so on standard error."""
    script = (
        "import os, sys; from pathlib import Path\n"
        f"open({str(log)!r}, 'a').write({name!r} + '\\n')\n"
        f"listed = 2 if not {need!r} or os.environ.get({need!r}) else 1\n"
        "Path('out.txt').write_text('entry\\n' * listed)\n"
        "print('first', file=sys.stderr); print(f'listed {listed}', file=sys.stderr)\n"
    )
    return tools.Tool(
        name,
        "text",
        lambda bib, work: [sys.executable, "-c", script],
        tools._count_in("out.txt", r"^entry$", re.M),
        fallback=({need: "1"}, f"{need}=1") if need else None,
        peer=bool(need),
    )


def test_rounds_interleave_the_tools_after_a_warm_up(tmp_path: Path) -> None:
    work, log = tmp_path / "work", tmp_path / "log"
    work.mkdir()
    bib = Input(tmp_path / "two.bib", "two entries")
    bib.path.write_text("@misc{a, title = {A}}\n@misc{b, title = {B}}\n", encoding="utf-8")
    results = timing.compare([_python_tool("one", log), _python_tool("two", log, "NEED_IT")], bib, 3, work)
    # Warm-up: "one", then "two" short, then "two" with its fallback; the
    # order of the timed rounds turns each round.
    assert log.read_text().split() == ["one", "two", "two", "one", "two", "two", "one", "one", "two"]
    one, two = results
    assert (len(one.runs), one.note, one.complete, one.expected) == (3, "", True, 2)
    assert (two.note, two.tool.env, two.complete) == ("NEED_IT=1", {"NEED_IT": "1"}, True)
    assert {run.said for run in one.runs + two.runs} == {"listed 2"}


# ---------------------------------------------------------------------- report


def _result(tool: tools.Tool, wall: float, cpu: float, listed: int, expected: int, note: str = "") -> timing.Result:
    runs = [timing.Run(wall, cpu, 50.0, 0, listed, "" if listed >= expected else "out of memory")]
    return timing.Result(tool, runs, expected, note, [] if tool.listed_keys else None)


STARTUP = {
    "python -c pass": (0.02, 0.02),
    "python -c 'import click'": (0.04, 0.04),
    "refs.bib to text": (0.08, 0.07),
    "refs.bib to JSON": (0.09, 0.08),
    "refs.bib to Markdown": (0.14, 0.12),
}


def _rows(tmp_path: Path) -> timing.Rows:
    bib = _input(tmp_path)
    ours = tools._bib2pubs(VENV, "html")
    results = [
        _result(ours, 0.5, 0.8, 2, 2),
        _result(tools._bib2pubs(VENV, "html", tools.ONE), 0.7, 0.7, 2, 2),
        _result(tools._bib2pubs(VENV, "html", tools.TWO), 0.9, 0.9, 2, 2),
        _result(tools._bibtex2html(), 1.0, 1.0, 3, 3, "BibTeX's max_strings=2000000"),
        _result(tools._bib2pubs(VENV, "text"), 0.4, 0.4, 2, 2),
        _result(tools._pybtex(VENV / "bin" / "pybtex-format"), 2.0, 2.0, 1, 3),
    ]
    return [(bib, results)]


def test_results_page_holds_every_figure(tmp_path: Path) -> None:
    page = report.results_page(_rows(tmp_path), STARTUP, ["pybtex (PyPI: pip install pybtex)"], "the builds.")
    bib = tmp_path / "in.bib"
    lines = page.splitlines()
    assert lines[0] == "# Benchmarks"
    assert "bench/run.py says how, at its top. Timed: the builds." in page
    assert (
        "- in.bib (3 entries) to HTML at or below bibtex2html in wall and CPU: bib2pubs 0.500 s wall, 0.800 s CPU "
        "(two processes: 0.900 s, 0.900 s) against 1.000 s, 1.000 s: 0.50× the wall, 0.80× the CPU: **met**"
    ) in lines
    assert (
        "- 100,000 distinct entries in < 5 s: the machine's bibliographies hold 3 distinct entries, "
        "and the bench repeats none to make up 100,000; in.bib's 3 take bib2pubs 0.50 s wall, 0.80 s CPU to HTML "
        "(in one process: 0.70 s, 0.70 s) and 0.40 s, 0.40 s to text (6 entries/s to HTML); "
        "at that rate 100,000 take about 16667 s: **not met**"
    ) in lines
    assert "- refs.bib to text ≤ 5× a bare `python -c pass` (wall): 4.0×: **met**" in lines
    assert "- refs.bib to Markdown ≤ 6× a bare `python -c pass` (wall): 7.0×: **not met**" in lines
    size = f"{bib.stat().st_size / 1e6:.1f} MB"
    assert f"| in.bib | 3 | 1 | {size} | three entries, one cross-referenced | — |" in lines
    assert "| in.bib | bib2pubs -f html | 1 | 0.500 | 0.800 | 0.50 | 0.80 | 50 | 2 | 2 | 0 |" in lines
    assert (
        "| in.bib | bibtex2html (BibTeX's max_strings=2000000) | 1 | 1.000 | 1.000 |  |  | 50 | 3 | 3 | 0 |"
    ) in lines
    # pybtex failed, so the text rows have no peer to be held against.
    assert "| in.bib | bib2pubs -f text | 1 | 0.400 | 0.400 |  |  | 50 | 2 | 2 | 0 |" in lines
    assert "| in.bib | pybtex | 1 | 2.000 | 2.000 |  |  | 50 | 1 **failed** | 3 | 0 |" in lines
    assert "- pybtex on in.bib: 1 of 3 entries listed: `out of memory`" in lines
    assert "- in.bib: nothing" in lines
    assert "| refs.bib to Markdown | 0.1400 | 7.0× | 0.1200 | 6.0× |" in lines
    assert "Given the settings they need to finish: bibtex2html on in.bib: BibTeX's max_strings=2000000." in page
    assert page.endswith("Missing, so not measured:\n- pybtex (PyPI: pip install pybtex)\n")


def test_what_bib2pubs_leaves_out_is_named(tmp_path: Path) -> None:
    bib, results = _rows(tmp_path)[0]
    ours = results[0]
    results[0] = timing.Result(ours.tool, ours.runs, ours.expected, unlisted=["P", *[f"k{n}" for n in range(11)]])
    lines = report._unlisted([(bib, results)])
    shown = ", ".join(f"`k{n}`" for n in range(10))
    assert lines[1] == f"- in.bib: 1 cross-referenced and 11 others ({shown}, …)"


def test_goals_without_inputs_say_so() -> None:
    lines = goals.goal_lines([], STARTUP)
    assert lines[2].startswith("Judged on the rows not marked")
    assert lines[4] == "- 100,000 distinct entries in < 5 s: no input"


def test_a_large_file_goal_a_smaller_file_cannot_show_is_said_so(tmp_path: Path) -> None:
    bib, results = _rows(tmp_path)[0]
    fast = [_result(tools._bib2pubs(VENV, "html"), 0.0001, 0.0001, 2, 2), *results[1:]]
    line = goals._large_goal(bib, fast)
    assert line.startswith("- 100,000 distinct entries in < 5 s: **not shown**: the machine's bibliographies hold 3")


def test_a_file_of_the_goals_size_is_judged_by_its_own_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bib, results = _rows(tmp_path)[0]
    monkeypatch.setattr(goals, "LARGE_GOAL", 3)
    line = goals._large_goal(bib, results)
    assert line == (
        "- 3 distinct entries in < 5 s: in.bib's 3 take bib2pubs 0.50 s wall, 0.80 s CPU to HTML "
        "(in one process: 0.70 s, 0.70 s) and 0.40 s, 0.40 s to text (6 entries/s to HTML): **met**"
    )
    slow = [_result(tools._bib2pubs(VENV, "html"), 5.0, 0.8, 2, 2), *results[1:]]
    short = [_result(tools._bib2pubs(VENV, "html"), 0.5, 0.8, 1, 2), *results[1:]]
    for missed in (slow, short):
        assert goals._large_goal(bib, missed).endswith("**not met**")


# ---------------------------------------------------------------- where the time goes


def test_the_stage_probe_times_every_stage_and_finds_every_cache(tmp_path: Path) -> None:
    """bench/stages.py, run as the bench runs it, on this environment's
    bib2pubs: every stage timed, every cache it names still there (a cache
    renamed in the package would otherwise drop out of the table)."""
    bib = tmp_path / "in.bib"
    bib.write_text(
        "@article{a, author = {Jin, Chao and Wang, Wei}, title = {{\\'E}t{\\'e}}, journal = {J. Biol. Chem.},"
        " year = 2020}\n@article{b, author = {Jin, Chao}, title = {B}, journal = {J. Biol. Chem.}, year = 2021}\n",
        encoding="utf-8",
    )
    found = stage_table.stage_times(Path(sys.executable).parent.parent, bib, rounds=1)
    assert found.entries == 2
    assert set(found.seconds) == set(stage_table.STAGES)
    assert all(seconds > 0 for seconds in found.seconds.values())
    assert set(found.hit_rates) == set(stage_table.CACHES)
    # The second entry's venue differs by its year only: read again.
    assert found.hit_rates["venues"] == 0.0
    assert 0 < found.hit_rates["names"] < 1  # "Jin, Chao" read once, found once


def test_the_stage_table_holds_per_entry_figures_and_says_what_grew(tmp_path: Path) -> None:
    small = _input(tmp_path)
    large = Input(tmp_path / "large.bib", "more")
    seconds = dict.fromkeys(stage_table.STAGES, 0.001)
    lines = stage_table.stage_lines(
        [
            (small, stage_table.Stages(10, seconds, {"names": 0.5, "venues": 0.9, "latex": 0.25})),
            (large, stage_table.Stages(20, {**seconds, "normalize": 0.006}, {"names": 0.5, "venues": 0.3})),
        ]
    )
    assert lines[0] == "## Where the time goes"
    assert "| in.bib | 10 | 100.0 | 100.0 | 100.0 | 100.0 | 100.0 | 100.0 | 50% | 90% | 25% |" in lines
    assert "| large.bib | 20 | 50.0 | 50.0 | 50.0 | 300.0 | 50.0 | 50.0 | 50% | 30% |  |" in lines
    assert lines[-1] == (
        "From in.bib to large.bib, per entry, parse 100.0 → 50.0 µs (0.50×), normalize 100.0 → 300.0 µs (3.00×), "
        "HTML 100.0 → 50.0 µs (0.50×); the venue cache answered 90% of in.bib's entries and 30% of large.bib's."
    )
    assert stage_table.stage_lines([]) == []
