"""Read .bib files into text: bytes are decoded, never dropped."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from bib2pubs.errors import InputError
from bib2pubs.model import Diagnostic

STDIN = "-"


@dataclass(frozen=True, slots=True)
class Source:
    """One input's name (as the user gave it) and its decoded text."""

    name: str
    text: str


def decode(data: bytes, name: str) -> tuple[str, list[Diagnostic]]:
    """Decodes UTF-8 (with or without BOM); anything else as Windows-1252.

    Line endings become ``\\n`` so line numbers match what editors show.
    """
    diagnostics: list[Diagnostic] = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        try:
            text, encoding = data.decode("cp1252"), "Windows-1252"
        except UnicodeDecodeError:
            text, encoding = data.decode("latin-1"), "Latin-1"
        diagnostics.append(
            Diagnostic(name, line, None, "warning", f"not valid UTF-8 from here on; read the file as {encoding}")
        )
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, diagnostics


def read_source(name: str) -> tuple[Source, list[Diagnostic]]:
    """Reads one input; ``-`` is standard input. Raises InputError if unreadable."""
    try:
        if name == STDIN:
            data = sys.stdin.buffer.read()
        else:
            with open(name, "rb") as handle:
                data = handle.read()
    except FileNotFoundError:
        raise InputError("no such file", name) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a .bib file", name) from None
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror or error}", name) from None
    display = "<stdin>" if name == STDIN else name
    text, diagnostics = decode(data, display)
    return Source(display, text), diagnostics
