"""The common command lines read without click: ``bib2pubs refs.bib -H
"Chao Jin" -o publications.md``, in a folder with no settings file.

Loading click takes a sixth of a small run (a CV's .bib to Markdown), so
``entry`` asks this module first. It reads files, flags and options with
plain values exactly as click would (the same values, the last of a
repeated option, ``--name=value``, a value that looks like an option,
``--``), and gives up, returning None, on anything else: help, version,
an unknown or misspelt option, a value click would refuse or convert, a
settings file, ``--watch``, the variables click reads, Windows (whose
click expands wildcards). Click then reads the line as always, and says
what is wrong with it. Tests hold every line read here to click's reading.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any, Final

from bib2pubs.cli.settings import config_arguments, find_config
from bib2pubs.model import KINDS
from bib2pubs.names.style import NAME_STYLES
from bib2pubs.read.source import MAX_ENTRIES, MAX_SIZE
from bib2pubs.rendering.formats import FORMATS
from bib2pubs.select import GROUPINGS, ORDERS

# What each option's value is, as its click declaration says (``options``).
_FLAG: Final = "flag"  # is_flag: True when given
_ONE: Final = "one"  # a text; the last given wins
_MANY: Final = "many"  # multiple: each value, in order
_COUNT: Final = "count"  # click.IntRange(min=1)
_YEAR: Final = "year"  # type=int

#: The options read here: their parameter, the kind of value, and the
#: values allowed (a click.Choice), if any. Those left out (``--config``,
#: ``--encoding``, ``--max-size``, ``--watch``, ``--help``, ``--version``)
#: check, load or convert what they are given: click reads them.
OPTIONS: Final[Mapping[str, tuple[str, str, tuple[str, ...]]]] = {
    "-H": ("highlights", _MANY, ()),
    "--highlight": ("highlights", _MANY, ()),
    "--highlight-as": ("highlights_as", _MANY, ()),
    "--alias": ("aliases", _MANY, ()),
    "--name-style": ("name_style", _ONE, NAME_STYLES),
    "--max-authors": ("max_authors", _COUNT, ()),
    "--explain": ("explain", _FLAG, ()),
    "--venues": ("venues", _ONE, ()),
    "--keep-preprints": ("keep_preprints", _FLAG, ()),
    "--group-by": ("group_by", _ONE, GROUPINGS),
    "--group-title": ("group_titles", _MANY, ()),
    "--sort": ("order", _ONE, ORDERS),
    "--since": ("since", _YEAR, ()),
    "--until": ("until", _YEAR, ()),
    "--kind": ("kinds", _MANY, KINDS),
    "--key": ("keys", _MANY, ()),
    "--selected": ("selected", _FLAG, ()),
    "--only-highlighted": ("only_highlighted", _FLAG, ()),
    "--include-hidden": ("include_hidden", _FLAG, ()),
    "-f": ("format_name", _ONE, FORMATS),
    "--format": ("format_name", _ONE, FORMATS),
    "-t": ("template", _ONE, ()),
    "--template": ("template", _ONE, ()),
    "--template-dir": ("template_dirs", _MANY, ()),
    "--style": ("style", _ONE, ()),
    "--locale": ("locale", _ONE, ()),
    "--word": ("words", _MANY, ()),
    "--set": ("sets", _MANY, ()),
    "-o": ("output", _ONE, ()),
    "--output": ("output", _ONE, ()),
    "--no-config": ("no_config", _FLAG, ()),
    "--check": ("check", _FLAG, ()),
    "--stats": ("stats", _FLAG, ()),
    "--split": ("split", _ONE, ()),
    "--split-name": ("split_name", _ONE, ()),
    "--prune": ("prune", _FLAG, ()),
    "--force": ("force", _FLAG, ()),
    "--bibtex-drop": ("bibtex_drop", _MANY, ()),
    "--bibtex-keep": ("bibtex_keep", _MANY, ()),
    "--max-entries": ("max_entries", _COUNT, ()),
    "--strict": ("strict", _FLAG, ()),
    "--debug": ("debug", _FLAG, ()),
}

#: A parameter's value when its option is not given, by the kind of value,
#: as click gives it to an option declared without a default.
_NOT_GIVEN: Final[Mapping[str, Any]] = {_FLAG: False, _ONE: None, _MANY: (), _COUNT: None, _YEAR: None}

#: Every parameter's value when its option is not given, as click gives it.
DEFAULTS: Final[Mapping[str, Any]] = {
    "bibfiles": (),
    **{param: _NOT_GIVEN[kind] for param, kind, _ in OPTIONS.values()},
    # The options declared with a default (``options``).
    "name_style": "full",
    "group_by": "year",
    "order": "month",
    "max_entries": MAX_ENTRIES,
    # The options click alone reads.
    "config": None,
    "encoding": None,
    "max_size": MAX_SIZE,
    "watch": False,
}

#: Environment variables click reads: options' values (``--max-size``,
#: ``--max-entries``) and its shell completion.
CLICK_VARIABLES: Final = ("BIB2PUBS_MAX_SIZE", "BIB2PUBS_MAX_ENTRIES", "_BIB2PUBS_COMPLETE")


def read_plainly(arguments: Sequence[str]) -> dict[str, Any] | None:
    """The command's parameters from ``arguments``, as click would give
    them, or None when click must read them (see the module's text)."""
    if os.name != "posix" or any(name in os.environ for name in CLICK_VARIABLES):
        return None
    params = read_options(arguments)
    if params is None:
        return None
    config, disabled = config_arguments(arguments)
    if config is not None:
        return None
    if not disabled:
        try:
            found, warnings = find_config(os.getcwd())
        except Exception:  # noqa: BLE001 - click's reading says what is wrong
            return None
        if found is not None or warnings:
            return None
    return params


def read_options(arguments: Sequence[str]) -> dict[str, Any] | None:
    """The parameters ``arguments`` give, or None when one of them is not
    read here. The settings file is not looked for."""
    params = dict(DEFAULTS)
    many: dict[str, list[str]] = {}
    files: list[str] = []
    at, count = 0, len(arguments)
    while at < count:
        argument = arguments[at]
        at += 1
        if argument == "--":
            files.extend(arguments[at:])
            break
        if argument[:1] != "-" or argument == "-":
            files.append(argument)
            continue
        name, equals, attached = argument.partition("=") if argument[:2] == "--" else (argument, "", "")
        found = OPTIONS.get(name)
        if found is None:
            return None
        param, kind, choices = found
        if kind == _FLAG:
            if equals:
                return None  # click: the flag takes no value
            params[param] = True
            continue
        if equals:
            value = attached
        elif at < count:
            # As click does, the next argument is the value, whatever it looks like.
            value = arguments[at]
            at += 1
        else:
            return None  # click: the option needs a value
        if choices and value not in choices:
            return None
        if kind == _MANY:
            many.setdefault(param, []).append(value)
        elif kind == _ONE:
            params[param] = value
        else:
            number = _number(value, kind)
            if number is None:
                return None
            params[param] = number
    if not files:
        return None  # click: BIBFILE is required
    params["bibfiles"] = tuple(files)
    for param, values in many.items():
        params[param] = tuple(values)
    return params


def _number(value: str, kind: str) -> int | None:
    """A number written plainly (ASCII digits, a "-" for a year), as click
    converts it; None for any other writing, or a count below 1, which
    click reads or refuses itself."""
    digits = value[1:] if kind == _YEAR and value[:1] == "-" else value
    if not (digits.isascii() and digits.isdigit()):
        return None
    number = int(value)
    return number if kind == _YEAR or number >= 1 else None
