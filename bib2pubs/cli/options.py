"""The command's options as click declares them: names, help texts,
defaults, and the checks click makes of their values."""

from __future__ import annotations

import codecs
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final, TypeVar

import click

from bib2pubs.model import KINDS
from bib2pubs.names.style import NAME_STYLES
from bib2pubs.read.source import MAX_ENTRIES, MAX_SIZE, parse_size
from bib2pubs.rendering.formats import FORMATS
from bib2pubs.select import GROUPINGS, ORDERS
from bib2pubs.version import __version__

EPILOG: Final = """
\b
Examples:
  bib2pubs refs.bib --highlight "Chao Jin"
      preview the list in the terminal, your name in bold
  bib2pubs refs.bib -H "Chao Jin" --highlight-as student="Ana Li" --explain
      your students underlined; a report of misses and uncertain matches
  bib2pubs refs.bib -H "Chao Jin" -t academicpages --set title="Full Publications" -o _pages/publications.md
      write a Jekyll academicpages page (untouched when nothing changed)
  bib2pubs refs.bib -H "Chao Jin" -o publications.html
      an HTML fragment; the format comes from the suffix
  bib2pubs refs.bib --format json | jq '.groups[0]'
      the normalized model, for scripts

Problems in the .bib are reported on stderr as file:line: level: message,
and the rest of the file is still listed. Exit codes: 0 done (warnings
allowed), 1 failed (no entry read, template error, out of memory) or
--check found the file out of date, 2 usage or unreadable input, or an
input over --max-size or --max-entries; 141 the reader of the output went
away (| head), as for git or grep.

Environment: BIB2PUBS_JOBS=2 reads a single file of a million characters
or more in two processes at once, =1 in one (by default two from 32
million characters, on two cores); BIB2PUBS_NO_CACHE=1 keeps nothing in
the cache folder ($XDG_CACHE_HOME/bib2pubs, else ~/.cache/bib2pubs);
BIB2PUBS_MAX_SIZE and BIB2PUBS_MAX_ENTRIES set --max-size and
--max-entries.
"""


def _size(_ctx: click.Context, _param: click.Parameter, value: str) -> int:
    """``--max-size``: bytes from ``64MB``, ``500KB``, ``1GB`` or a number."""
    try:
        return parse_size(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


if TYPE_CHECKING:  # generic from click 8.2 on, which 8.1 cannot subscript at run time
    _TextParam = click.ParamType[str]
else:
    _TextParam = click.ParamType


class _Encoding(_TextParam):
    """``--encoding``: a codec that decodes bytes to text, checked when the
    option (or the settings file's value) is read, so the error names it."""

    name = "encoding"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            codec = codecs.lookup(str(value))
        except LookupError:
            self.fail(f"{value}: no such encoding", param, ctx)
        if not getattr(codec, "_is_text_encoding", True):  # rot13, base64, zlib: not text
            self.fail(f"{value}: not an encoding of text", param, ctx)
        return str(value)


Command = TypeVar("Command", bound=Callable[..., Any])


def command_options(command: Command) -> Command:
    """``command`` with every argument and option of bib2pubs, in the
    order ``--help`` lists them."""
    for declare in reversed(_DECLARED):
        command = declare(command)
    return command


_DECLARED: Final[list[Callable[[Any], Any]]] = [
    click.argument("bibfiles", nargs=-1, required=True, metavar="BIBFILE..."),
    click.option(
        "-H", "--highlight", "highlights", multiple=True, metavar="NAME", help="Your name, in any form; repeatable."
    ),
    click.option(
        "--highlight-as",
        "highlights_as",
        multiple=True,
        metavar="STYLE=NAME",
        help="Someone else, in another style (e.g. student='Ana Li'): underlined, or a CSS class in HTML.",
    ),
    click.option(
        "--alias",
        "aliases",
        multiple=True,
        metavar="NAME=OTHER",
        help="Names one person published under, e.g. 'Freda Shi=Haoyue Shi'; repeatable.",
    ),
    click.option(
        "--name-style",
        type=click.Choice(NAME_STYLES),
        default="full",
        show_default=True,
        help="Names as written, as initials (C. Jin), or family name first (Jin, C.).",
    ),
    click.option(
        "--max-authors",
        type=click.IntRange(min=1),
        metavar="N",
        help="Shorten longer author lists with '…', always keeping highlighted people.",
    ),
    click.option("--explain", is_flag=True, help="Report, per highlighted person, misses and uncertain matches."),
    click.option(
        "--venues",
        metavar="FILE",
        help="A TOML table of venues that extends and overrides the built-in one.",
    ),
    click.option(
        "--keep-preprints",
        is_flag=True,
        help="List arXiv preprints apart from their published versions (merged by default).",
    ),
    click.option(
        "--group-by",
        type=click.Choice(GROUPINGS),
        default="year",
        show_default=True,
        help="Sections by year, by kind of work, or none.",
    ),
    click.option(
        "--group-title",
        "group_titles",
        multiple=True,
        metavar="KIND=TITLE",
        help="A section's title with --group-by kind, e.g. journal='Journal Papers'; repeatable.",
    ),
    click.option(
        "--sort",
        "order",
        type=click.Choice(ORDERS),
        default="month",
        show_default=True,
        help="Order within a section: by month then file order, as in the file, newest first, by title or venue.",
    ),
    click.option("--since", type=int, metavar="YEAR", help="Only works from YEAR on."),
    click.option("--until", type=int, metavar="YEAR", help="Only works up to YEAR."),
    click.option(
        "--kind", "kinds", multiple=True, type=click.Choice(KINDS), help="Only works of this kind; repeatable."
    ),
    click.option("--key", "keys", multiple=True, metavar="KEY", help="Only the entry with this key; repeatable."),
    click.option("--selected", is_flag=True, help="Only entries marked selected = {true} (al-folio)."),
    click.option("--only-highlighted", is_flag=True, help="Only entries that name a highlighted person."),
    click.option("--include-hidden", is_flag=True, help="List entries marked hidden = {true} too."),
    click.option("-f", "--format", "format_name", type=click.Choice(FORMATS), help="Output format."),
    click.option(
        "-t",
        "--template",
        metavar="NAME|PATH",
        help=(
            "A built-in template (academicpages, al-folio, markdown, html, html-page, text, latex, latex-document)"
            " or your own .j2 file."
        ),
    ),
    click.option(
        "--template-dir",
        "template_dirs",
        multiple=True,
        metavar="DIR",
        help="A folder of your templates (NAME.md.j2…), searched before the built-ins; repeatable.",
    ),
    click.option(
        "--style",
        metavar="NAME|FILE.csl",
        help="Cite each entry in a CSL style: apa, ieee, acm-sig-proceedings, chicago-author-date, nature, "
        "vancouver, or a .csl file.",
    ),
    click.option(
        "--locale",
        metavar="LANG",
        help="The language of the fixed words (labels, notes, group titles): en (the default), de, fr, es, zh, ja.",
    ),
    click.option(
        "--word",
        "words",
        multiple=True,
        metavar="KEY=TEXT",
        help="Say one fixed word your way, e.g. pdf=Paper or equal-contribution='Joint first'; repeatable.",
    ),
    click.option("--set", "sets", multiple=True, metavar="KEY=VALUE", help="A template variable, e.g. title=..."),
    click.option(
        "-o",
        "--output",
        metavar="PATH",
        help="Write to PATH (atomically, only if changed); the format follows its suffix.",
    ),
    click.option(
        "--config",
        metavar="FILE",
        help="Settings file (default: bib2pubs.toml or [tool.bib2pubs] in pyproject.toml, found upwards).",
    ),
    click.option("--no-config", is_flag=True, help="Ignore any settings file."),
    click.option(
        "--check",
        is_flag=True,
        help="Write nothing; exit 1 with a short diff if -o FILE (or the --split folder) is out of date, 0 if current.",
    ),
    click.option(
        "--stats",
        is_flag=True,
        help="Counts per year and kind, and first/last-author counts: tables, or JSON with -f json.",
    ),
    click.option(
        "--split",
        "split",
        metavar="DIR",
        help="One file per entry in DIR (academicpages' _publications/ or Hugo's content/publication/), "
        "from a per-entry template (-t academicpages-item, the default, or hugo-bundle); synced, edits kept.",
    ),
    click.option(
        "--split-name",
        "split_name",
        metavar="PATTERN",
        help="The file name of each entry with --split, from {key}, {year}, {month}, {kind}, {type}: "
        "'{year}-{key}.md' by default.",
    ),
    click.option("--prune", is_flag=True, help="With --split: remove the files whose entry is no longer listed."),
    click.option(
        "--force", is_flag=True, help="With --split: overwrite files edited by hand, or not written by bib2pubs."
    ),
    click.option(
        "--bibtex-drop",
        "bibtex_drop",
        multiple=True,
        metavar="FIELD",
        help="A field BibTeX output (-f bibtex, the bibtex filter) leaves out, besides the site-only ones; repeatable.",
    ),
    click.option(
        "--bibtex-keep",
        "bibtex_keep",
        multiple=True,
        metavar="FIELD",
        help="A site-only field BibTeX output keeps all the same (e.g. abstract); repeatable.",
    ),
    click.option(
        "--encoding",
        type=_Encoding(),
        metavar="NAME",
        help="The .bib files' encoding (latin-1, gbk…), when not UTF-8; otherwise it is guessed, with a warning.",
    ),
    click.option(
        "--max-size",
        "max_size",
        callback=_size,
        default=f"{MAX_SIZE // 1024**2}MB",
        metavar="SIZE",
        show_default=True,
        envvar="BIB2PUBS_MAX_SIZE",
        show_envvar=True,
        help="The largest .bib file read: a larger one is refused, and a pipe or device is read no further "
        "(e.g. 200MB, 1GB).",
    ),
    click.option(
        "--max-entries",
        "max_entries",
        type=click.IntRange(min=1),
        default=MAX_ENTRIES,
        show_default=True,
        metavar="N",
        envvar="BIB2PUBS_MAX_ENTRIES",
        show_envvar=True,
        help="The most entries one .bib file may hold (@string and @comment count too); more are refused.",
    ),
    click.option(
        "--strict",
        is_flag=True,
        help="Fail (exit 1, nothing written) on any warning, with extra checks: no year, no or unknown venue.",
    ),
    click.option(
        "--watch",
        is_flag=True,
        help="Run again whenever a .bib, the settings, a template or the venue table changes (Ctrl-C stops).",
    ),
    click.option("--debug", is_flag=True, help="Show a traceback for internal errors."),
    click.version_option(__version__, "--version", prog_name="bib2pubs"),
]
