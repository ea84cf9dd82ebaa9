"""Read .bib files into text: bytes are decoded, never dropped silently."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass

from bib2pubs.errors import InputError, UsageError
from bib2pubs.model import Diagnostic

STDIN = "-"

# Control characters have no place in a .bib file; in a terminal or a page
# they are a hazard (escape sequences, invisible link prefixes).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_PLAIN_BYTES = b"\t\n\r" + bytes(range(0x20, 0x7F))
_HIGH_BYTES = bytes(range(0x80, 0x100))


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


def _looks_chinese(data: bytes) -> str | None:
    """The text of ``data`` read as GB18030 (GBK, the encoding of Chinese
    exports such as CNKI's), when its non-ASCII bytes come, nearly all, in
    the pairs GB2312's characters use (both bytes 0xA1-0xFE): accented
    Latin letters in Windows-1252 sit next to ASCII and never do."""
    paired = other = index = 0
    while index < len(data):
        byte = data[index]
        if byte < 0x80:
            index += 1
        elif 0xA1 <= byte <= 0xFE and index + 1 < len(data) and 0xA1 <= data[index + 1] <= 0xFE:
            paired += 2
            index += 2
        else:
            other += 1
            index += 1
    if not paired or paired * 10 < (paired + other) * 9:
        return None
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        return None


def decode(data: bytes, name: str, encoding: str | None = None) -> tuple[str, list[Diagnostic]]:
    """Decodes ``encoding`` when given; else UTF-8 (with or without BOM),
    GB18030 for a file that reads whole and mostly Chinese in it, and
    otherwise each line that is not UTF-8 as Windows-1252; every guess is
    reported. Line endings become ``\\n`` so line numbers match editors'."""
    diagnostics: list[Diagnostic] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if encoding is not None:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            raise InputError(f"not valid {encoding} at line {line}", name, line) from None
        except LookupError:
            raise UsageError(f"--encoding {encoding}: no such encoding") from None
        return _cleaned(text, name, diagnostics)
    try:
        text = data.decode("utf-8")
        if not _may_hold_controls(data):
            return _cleaned(text, name, diagnostics, controls=False)
    except UnicodeDecodeError as error:
        chinese = _looks_chinese(data)
        first = data.count(b"\n", 0, error.start) + 1
        if chinese is not None:
            text = chinese
            message = f"not valid UTF-8 (from line {first}); read as GB18030 (Chinese); use --encoding to say otherwise"
        else:
            text, bad = _decode_lines(data)
            lines = f"line {bad[0]}" if len(bad) == 1 else f"{len(bad)} lines, the first"
            message = f"not valid UTF-8 ({lines}); read as Windows-1252; use --encoding to say otherwise"
        diagnostics.append(Diagnostic(name, first, None, "warning", message))
    return _cleaned(text, name, diagnostics)


def _may_hold_controls(utf8: bytes) -> bool:
    """Whether UTF-8 bytes may encode a control character: a quick test on
    bytes (searching the decoded text takes ten times longer)."""
    unusual = utf8.translate(None, _PLAIN_BYTES)  # controls, and bytes of non-ASCII letters
    return bool(unusual.translate(None, _HIGH_BYTES)) or b"\xc2" in unusual  # C1 controls are \xc2\x80-\x9f


def _cleaned(
    text: str, name: str, diagnostics: list[Diagnostic], controls: bool = True
) -> tuple[str, list[Diagnostic]]:
    """Line endings made ``\\n``; control characters removed, and reported
    (unless the caller knows there are none)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    control = _CONTROL.search(text) if controls else None
    if control is not None:
        line = text.count("\n", 0, control.start()) + 1
        count = len(_CONTROL.findall(text))
        message = f"{count} control character{'s' if count > 1 else ''} removed (the first here)"
        diagnostics.append(Diagnostic(name, line, None, "warning", message))
        text = _CONTROL.sub("", text)
    return text, diagnostics


def read_source(name: str, encoding: str | None = None) -> tuple[Source, list[Diagnostic]]:
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
    text, diagnostics = decode(data, display, encoding)
    return Source(display, text), diagnostics
