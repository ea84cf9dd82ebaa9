"""JSON indented as ``json.dumps(value, ensure_ascii=False, indent=2)``
writes it, byte for byte, in a fraction of its time: with ``indent``,
json.dumps leaves its C encoder for Python generators. Strings go through
json's own C string encoder; a value of a kind these functions do not
write (a float, a mapping that is no dict) goes to json.dumps. Kept apart
from the model's JSON so that CSL-JSON can use it without importing the
citations the model's JSON may carry.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring
from typing import Any


class Prewritten:
    """A value that writes its own JSON, at the depth ``newline`` gives
    (the model's publications, written key by key)."""

    def write(self, out: list[str], newline: str) -> None:
        raise NotImplementedError


def indented_json(value: object) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2)``, written without
    its generators (tugboat.bib's model: 215 ms there, 88 ms here). A value
    of a kind the model never holds (a float, a mapping that is no dict)
    goes to json.dumps."""
    out: list[str] = []
    try:
        write(value, out, "\n")
    except (Unusual, RecursionError):  # json.dumps nests deeper than these calls
        return json.dumps(value, ensure_ascii=False, indent=2)
    return "".join(out)


class Unusual(Exception):
    """A value ``write`` leaves to json.dumps."""


def scalar(value: object) -> str | None:
    """A text, a whole number, null, true or false as JSON (tested in
    json's order); None for anything else."""
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    return None


def write(value: object, out: list[str], newline: str) -> None:
    """``value`` as json.dumps indents it, its lines starting with ``newline``."""
    text = scalar(value)
    if text is not None:
        out.append(text)
    elif isinstance(value, list | tuple):
        write_list(value, out, newline)
    elif isinstance(value, dict):
        write_dict(value, out, newline)
    elif isinstance(value, Prewritten):
        value.write(out, newline)
    else:
        raise Unusual


def write_list(items: list[object] | tuple[object, ...], out: list[str], newline: str) -> None:
    if not items:
        out.append("[]")
        return
    inner = newline + "  "
    separator = "[" + inner
    for item in items:
        text = scalar(item)
        if text is None:
            out.append(separator)
            write(item, out, inner)
        else:
            out.append(separator + text)
        separator = "," + inner
    out.append(newline + "]")


def write_dict(items: dict[Any, Any], out: list[str], newline: str) -> None:
    if not items:
        out.append("{}")
        return
    inner = newline + "  "
    separator = "{" + inner
    for key, item in items.items():
        if not isinstance(key, str):
            raise Unusual
        # Most values are text: tested first, here, where it spares a call.
        text = encode_basestring(item) if isinstance(item, str) else scalar(item)
        if text is None:
            out.append(f"{separator}{encode_basestring(key)}: ")
            write(item, out, inner)
        else:
            out.append(f"{separator}{encode_basestring(key)}: {text}")
        separator = "," + inner
    out.append(newline + "}")
