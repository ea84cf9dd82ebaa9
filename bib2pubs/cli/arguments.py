"""The command line's values read into the library's options: ``KEY=VALUE``
pairs (``--group-title``, ``--highlight-as``, ``--alias``) checked and
split, each mistake a usage error that names its option."""

from __future__ import annotations

from collections.abc import Sequence

from bib2pubs.errors import UsageError
from bib2pubs.model import KINDS
from bib2pubs.pipeline import Options
from bib2pubs.read.source import DEFAULT_LIMITS, Limits
from bib2pubs.select import Selection


def make_selection(
    group_by: str = "year",
    order: str = "month",
    since: int | None = None,
    until: int | None = None,
    kinds: Sequence[str] = (),
    keys: Sequence[str] = (),
    selected: bool = False,
    only_highlighted: bool = False,
    include_hidden: bool = False,
    group_titles: Sequence[str] = (),
) -> Selection:
    """The ``Selection`` the options ask for; ``group_titles`` as ``KIND=TITLE``."""
    titles = dict(_pairs(group_titles, "--group-title", "KIND=TITLE, e.g. journal='Journal Papers'"))
    unknown = sorted(set(titles) - set(KINDS))
    if unknown:
        raise UsageError(f"--group-title {unknown[0]}: use a kind ({', '.join(KINDS)})")
    return Selection(
        group_by, order, since, until, tuple(kinds), tuple(keys), selected, only_highlighted, include_hidden, titles
    )


def make_options(
    highlights: Sequence[str],
    highlights_as: Sequence[str],
    aliases: Sequence[str],
    name_style: str,
    venues: str | None,
    keep_preprints: bool,
    selection: Selection,
    encoding: str | None = None,
    strict: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> Options:
    """The ``Options`` the command line asks for: ``highlights_as`` as
    ``STYLE=NAME``, ``aliases`` as ``NAME=OTHER NAME``."""
    alias_groups = []
    for value in aliases:
        names = tuple(name.strip() for name in value.split("="))
        if len(names) < 2 or not all(names):
            raise UsageError(f"--alias wants 'NAME=OTHER NAME', got '{value}'")
        alias_groups.append(names)
    return Options(
        highlights=tuple(highlights),
        highlights_as=tuple(_pairs(highlights_as, "--highlight-as", "STYLE=NAME, e.g. student='Ana Li'")),
        aliases=tuple(alias_groups),
        name_style=name_style,
        venues=venues,
        keep_preprints=keep_preprints,
        selection=selection,
        encoding=encoding,
        strict=strict,
        limits=limits,
    )


def word_overrides(values: Sequence[str]) -> dict[str, str]:
    """``--word KEY=TEXT`` values (``rendering.words``)."""
    return dict(_pairs(values, "--word", "KEY=TEXT, e.g. pdf=Paper"))


def _pairs(values: Sequence[str], option: str, example: str) -> list[tuple[str, str]]:
    """``LEFT=RIGHT`` values, both sides non-empty."""
    pairs = []
    for value in values:
        left, equals, right = value.partition("=")
        if not equals or not left.strip() or not right.strip():
            raise UsageError(f"{option} wants {example}, got '{value}'")
        pairs.append((left.strip(), right.strip()))
    return pairs
