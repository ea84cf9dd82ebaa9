"""Read .bib files into text: bytes are decoded, never dropped silently."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass

from bib2pubs.errors import InputError
from bib2pubs.model import Diagnostic

STDIN = "-"

# Control characters have no place in a .bib file; in a terminal or a page
# they are a hazard (escape sequences, invisible link prefixes).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True, slots=True)
class Source:
    """One input's name (as the user gave it) and its decoded text."""

    name: str
    text: str


def _decode_lines(data: bytes) -> tuple[str, list[int]]:
    """UTF-8 line by line; a line that is not UTF-8 is read as Windows-1252
    (Latin-1 where even that fails). Returns the text and the bad lines."""
    lines: list[str] = []
    bad: list[int] = []
    for number, raw in enumerate(data.split(b"\n"), 1):
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            bad.append(number)
            try:
                lines.append(raw.decode("cp1252"))
            except UnicodeDecodeError:
                lines.append(raw.decode("latin-1"))
    return "\n".join(lines), bad


def decode(data: bytes, name: str) -> tuple[str, list[Diagnostic]]:
    """Decodes UTF-8 (with or without BOM); lines in another encoding are
    read as Windows-1252, and each problem is reported. Line endings become
    ``\\n`` so line numbers match what editors show."""
    diagnostics: list[Diagnostic] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text, bad = _decode_lines(data)
        lines = f"line {bad[0]}" if len(bad) == 1 else f"{len(bad)} lines, the first"
        message = f"not valid UTF-8 ({lines}); read as Windows-1252"
        diagnostics.append(Diagnostic(name, bad[0], None, "warning", message))
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    control = _CONTROL.search(text)
    if control is not None:
        line = text.count("\n", 0, control.start()) + 1
        count = len(_CONTROL.findall(text))
        message = f"{count} control character{'s' if count > 1 else ''} removed (the first here)"
        diagnostics.append(Diagnostic(name, line, None, "warning", message))
        text = _CONTROL.sub("", text)
    return text, diagnostics


def read_source(name: str) -> tuple[Source, list[Diagnostic]]:
    """Reads one input; ``-`` is standard input. Raises InputError if unreadable."""
    try:
        if name == STDIN:
            if sys.stdin is None:
                raise InputError("standard input is closed", "-")
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
    # A file name that is not UTF-8 reaches us with surrogates; messages and
    # JSON must stay valid UTF-8, so they show U+FFFD in their place.
    display = "<stdin>" if name == STDIN else name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    text, diagnostics = decode(data, display)
    return Source(display, text), diagnostics
