"""Read .bib files into text: bytes are decoded, never dropped silently."""

from __future__ import annotations

import codecs
import os
import re
import stat
import sys
from dataclasses import dataclass
from typing import BinaryIO, Final

from bib2pubs.errors import InputError, UsageError
from bib2pubs.lazyre import compiled, lazy
from bib2pubs.model import Diagnostic

STDIN: Final = "-"

# Control characters have no place in a .bib file; in a terminal or a page
# they are a hazard (escape sequences, invisible link prefixes).
_CONTROL: Final = lazy(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_PLAIN_BYTES: Final = b"\t\n\r" + bytes(range(0x20, 0x7F))
#: _CONTROL's characters as UTF-8 bytes (compiled at once: every UTF-8 input
#: is checked with it).
_CONTROL_BYTES: Final = compiled(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]")
#: The one-byte controls (C0 but tab and line ends, and DEL), and the C1
#: controls' UTF-8 (two bytes each, the first always \xc2).
_SINGLE_CONTROLS: Final = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_C1_BYTES: Final = lazy(rb"\xc2[\x80-\x9f]")

#: The most one input may hold unless the user says more (``--max-size``,
#: ``--max-entries``). Memory grows with both, and with entries most: the
#: benchmark's 100,000 real entries (79 MB) take about 500 MB, while a
#: million empty ones (16 MB) took 1.2 GB, and 7 GB as JSON. Both limits
#: pass that benchmark file with room to spare (and real bibliographies,
#: far smaller, with more), and keep a run within a few gigabytes.
MAX_SIZE: Final = 128 * 1024 * 1024
MAX_ENTRIES: Final = 250_000
_RAISE: Final = "(--max-size raises it)"
#: How much of a pipe or device is read at a time.
_CHUNK: Final = 1024 * 1024
_UNITS: Final = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}
_SIZE: Final = lazy(r"\s*(\d+(?:\.\d+)?)\s*(?:([kmg])(?:i?b)?|(b))?\s*", re.IGNORECASE)
# Where a block (an entry, @string, @comment…) starts, as the parser sees it.
_BLOCK: Final = r"@\s*[A-Za-z_][^\s{}(),=\"#%'@]*\s*[{(]"


@dataclass(frozen=True, slots=True)
class Limits:
    """How much one input may hold: ``size`` bytes, ``entries`` blocks
    (``@string`` and ``@comment`` count too: each takes memory)."""

    size: int = MAX_SIZE
    entries: int = MAX_ENTRIES


#: A size larger than any input: what a larger one given is read as.
_NO_LIMIT: Final = 2**62


def parse_size(text: str) -> int:
    """Bytes from ``64MB``, ``64M``, ``64MiB``, ``1.5GB``, ``500k`` or
    ``1000000`` (a kilobyte is 1,024 bytes). Raises ValueError."""
    found = _SIZE.fullmatch(text)
    if found is None:
        raise ValueError(f"'{text}' is no size: write e.g. 64MB, 500KB or 1GB")
    number, unit = found.group(1), (found.group(2) or found.group(3) or "").lower()
    value = float(number) * _UNITS[unit]
    size = int(value) if value < _NO_LIMIT else _NO_LIMIT  # int() refuses infinity ("9" * 400)
    if size < 1:
        raise ValueError(f"'{text}': a size must be at least 1 byte")
    return size


def size_text(size: int) -> str:
    """``64 MB``, ``1.5 GB``, ``900 KB``, ``12 bytes``: for messages."""
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} byte{'' if size == 1 else 's'}"


#: The limits unless the user sets others.
DEFAULT_LIMITS: Final = Limits()


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
    """Decodes ``encoding`` when given; else UTF-16 or UTF-32 when a byte
    order mark says so (or, reported, the file's zero bytes), UTF-8 (with
    or without BOM), GB18030 for a file that reads whole and mostly Chinese
    in it, and otherwise each line that is not UTF-8 as Windows-1252; every
    guess is reported. Line endings become ``\\n`` so line numbers match
    editors'."""
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
        except (UnicodeError, ValueError) as error:  # codecs that give no position (punycode, undefined)
            raise InputError(f"not valid {encoding}: {error}", name) from None
        return _cleaned(text.removeprefix("\ufeff"), name, diagnostics)
    wide = _wide_encoding(data)
    if wide is not None:
        return _cleaned(_decode_wide(data, name, *wide, diagnostics), name, diagnostics)
    stray = next((mark for mark, _, _ in _BOMS if data.startswith(mark)), b"")
    if stray:  # a mark pasted or left by a tool before 8-bit text
        data = data[len(stray) :]
        message = "a UTF-16/UTF-32 byte order mark before text that is neither; the mark is left out"
        diagnostics.append(Diagnostic(name, 1, None, "warning", message))
    unusual = _unusual(data)
    try:
        if not _holds_controls(unusual) and b"\r" not in data:
            return data.decode("utf-8"), diagnostics
        _check_utf8(data)
        return _cleaned_utf8(data, unusual, name, diagnostics), diagnostics
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


#: Byte order marks, UTF-32's first: its little-endian mark begins as UTF-16's.
_BOMS: Final = (
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
    (b"\xff\xfe", "utf-16-le", "UTF-16"),
    (b"\xfe\xff", "utf-16-be", "UTF-16"),
)


def _wide_encoding(data: bytes) -> tuple[str, str, int, bool] | None:
    """(codec, name, length of the byte order mark, whether it was guessed)
    for UTF-16 or UTF-32 text; None for anything else.

    Without a mark, the zero bytes tell: a .bib file is mostly ASCII, which
    in UTF-16 is a zero byte beside each character (before it big-endian,
    after it little-endian), and in UTF-32 three. UTF-8 and the 8-bit
    encodings have no zero byte in text at all. Only the start is looked at,
    so this costs nothing on a large file."""
    for mark, codec, label in _BOMS:
        if data.startswith(mark):
            # .bib syntax is ASCII, a zero byte beside each character in
            # UTF-16 or UTF-32: a mark before text without them is stray.
            body = data[len(mark) : len(mark) + 4096]
            if body and body.count(0) * 16 < len(body):
                return None
            return codec, label, len(mark), False
    head = data[:4096]
    if len(head) < 8 or head.count(0) * 8 < len(head):
        return None
    # The share of zero bytes at each offset modulo 4. Characters beyond
    # ASCII (CJK) lower the share of the high bytes, never raise the low's.
    zero = [head[offset::4].count(0) * 4 / len(head) for offset in range(4)]
    if zero[2] > 0.9 and zero[3] > 0.9 and zero[0] < 0.1:
        return "utf-32-le", "UTF-32", 0, True
    if zero[0] > 0.9 and zero[1] > 0.9 and zero[3] < 0.1:
        return "utf-32-be", "UTF-32", 0, True
    if min(zero[1], zero[3]) >= 0.5 and max(zero[0], zero[2]) < 0.1:
        return "utf-16-le", "UTF-16", 0, True
    if min(zero[0], zero[2]) >= 0.5 and max(zero[1], zero[3]) < 0.1:
        return "utf-16-be", "UTF-16", 0, True
    return None


def _decode_wide(
    data: bytes, name: str, codec: str, label: str, mark: int, guessed: bool, diagnostics: list[Diagnostic]
) -> str:
    """UTF-16 or UTF-32 text; bytes that are not (a file cut short, a lone
    surrogate) become U+FFFD, with a warning, rather than stop the run."""
    order = "little-endian" if codec.endswith("le") else "big-endian"
    if guessed:
        message = f"no byte order mark; read as {label} ({order}) from its zero bytes; use --encoding to say otherwise"
        diagnostics.append(Diagnostic(name, 1, None, "warning", message))
    data = data[mark:]
    data, tail = _narrow_tail(data, codec)
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as error:
        line = data[: error.start].decode(codec, "replace").count("\n") + 1
        text = data.decode(codec, "replace")
        message = f"not valid {label} from line {line}; what is not is shown as \ufffd"
        diagnostics.append(Diagnostic(name, line, None, "warning", message))
    if tail:
        line = text.count("\n") + 1
        rest, bad = _decode_lines(tail)
        read_as = "UTF-8" if not bad else "UTF-8, lines that are not as Windows-1252"
        message = f"{label} ends here and 8-bit text follows (files joined?); the rest read as {read_as}"
        diagnostics.append(Diagnostic(name, line, None, "warning", message))
        text += rest
    return text


#: Zero bytes in the last character of ASCII, by codec: where a wide text's
#: last such character ends, counted from its last zero byte.
_AFTER_LAST_ZERO: Final = {"utf-16-le": 1, "utf-16-be": 2, "utf-32-le": 1, "utf-32-be": 2}


def _narrow_tail(data: bytes, codec: str) -> tuple[bytes, bytes]:
    """``data`` parted where its wide text ends, when 8-bit text follows it
    (``cat wide.bib narrow.bib``): .bib syntax is ASCII, a zero byte in
    each of its characters, so a wide file ends within a character or two
    of its last zero byte. Read wide, the 8-bit rest would be CJK-looking
    nonsense and its entries lost without a word."""
    last = data.rfind(0)
    if last < 0:
        return data, b""
    end = last + _AFTER_LAST_ZERO[codec]
    width = 4 if codec.startswith("utf-32") else 2
    end += -end % width  # a whole character
    if len(data) - end <= 16 or b"\n" not in data[end:]:
        return data, b""
    return data[:end], data[end:]


#: Bytes checked at a time (``_check_utf8``).
_CHECKED_PART = 1 << 20  # not Final: tests set it lower


def _check_utf8(data: bytes) -> None:
    """Raises UnicodeDecodeError, as ``data.decode("utf-8")`` does, unless
    ``data`` is UTF-8; without making its text, which is made once it is
    cleaned: a part at a time, the memory each part's text takes is taken
    again by the next (fresh memory, for a whole 76 MB file's 152 MB of
    text, cost more than the decoding)."""
    view = memoryview(data)
    at = 0
    while at < len(data):
        end = at + max(_CHECKED_PART, 4)  # a part holds a whole character at least
        try:
            at += codecs.utf_8_decode(view[at:end], "strict", end >= len(data))[1]
        except UnicodeDecodeError:
            data.decode("utf-8")  # the same error, placed in the whole file
            raise


def _unusual(utf8: bytes) -> bytes:
    """The bytes of valid UTF-8 that are not plain ASCII (tab, line ends and
    printable): those of its controls and of its other characters, each
    character's bytes still together (only ASCII bytes are taken out)."""
    return utf8.translate(None, _PLAIN_BYTES)


def _holds_controls(unusual: bytes) -> bool:
    """Whether the text whose ``_unusual`` bytes these are holds a control
    character (``_CONTROL``): a test on those bytes, where searching the
    decoded text takes ten times longer. A C0 control or DEL, or a C1
    control (``\xc2`` and ``\x80``-``\x9f``; in valid UTF-8 a ``\xc2``
    always leads its character, whose next byte stays beside it). Other
    characters ``\xc2`` begins (no-break space, ©, °) are common and no
    controls."""
    return _CONTROL_BYTES.search(unusual) is not None


def _cleaned(text: str, name: str, diagnostics: list[Diagnostic]) -> tuple[str, list[Diagnostic]]:
    """Line endings made ``\\n``; control characters removed, and reported."""
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:  # a lone CR (old Mac files): one more pass, only then
            text = text.replace("\r", "\n")
    control = _CONTROL.search(text)
    if control is not None:
        line = text.count("\n", 0, control.start()) + 1
        text, count = _CONTROL.subn("", text)  # removed and counted in one pass
        diagnostics.append(_controls_removed(name, line, count))
    return text, diagnostics


def _cleaned_utf8(data: bytes, unusual: bytes, name: str, diagnostics: list[Diagnostic]) -> str:
    """``_cleaned`` for valid UTF-8 holding control characters or carriage
    returns (its ``_unusual`` bytes say which controls), done on its bytes,
    where each step is a pass of C (find, count, translate) rather than a
    pattern's test of every character: the same text in a fraction of the
    time (tests/test_fast_paths.py holds the two together). Line ends and
    controls are characters of their own in UTF-8, never part of another's,
    so removing their bytes removes the characters."""
    singles = set(unusual).intersection(_SINGLE_CONTROLS)
    c1 = _c1_controls(data) if _C1_BYTES.search(unusual) else []
    # Each one-byte edit found, unless there are many: then the passes.
    found = {byte: _found(data, byte, _FEW_EDITS) for byte in (*singles, 0x0D)}
    if sum(len(places) for places in found.values()) <= _FEW_EDITS:
        cleaned = _cut(data, c1, found)
        removed = sum(len(places) for byte, places in found.items() if byte != 0x0D)
    else:
        cleaned = _cut_in_passes(data, c1, singles)
        removed = sum(data.count(single) for single in singles)
    firsts = [places[0] for byte, places in found.items() if byte != 0x0D and places]
    firsts.extend(c1[:1])
    if firsts:
        first = min(firsts)
        # Lines as the cleaned text counts them: a lone CR ends one too.
        crs = data.count(b"\r", 0, first) - data.count(b"\r\n", 0, first)
        line = data.count(b"\n", 0, first) + crs + 1
        diagnostics.append(_controls_removed(name, line, len(c1) + removed))
    return cleaned.decode("utf-8")


#: Up to this many one-byte edits (carriage returns, one-byte controls),
#: a file is cut where each is found and joined in one copy: a large file
#: merged from others holds a few, and each pass of ``_cut_in_passes``
#: costs a tenth of a second on 76 MB (bytes.replace with two bytes, more).
#: Past it, a Python step per edit would cost more than the passes.
_FEW_EDITS = 10_000  # not Final: tests set it lower


def _cut(data: bytes, c1: list[int], found: dict[int, list[int]]) -> bytes:
    """``data`` without its C1 controls (at ``c1``) and the one-byte
    controls ``found``, each CRLF made LF and each other CR (also found)
    made LF, in one copy."""
    edits = [(at, 2, b"") for at in c1]
    for byte, places in found.items():
        if byte == 0x0D:
            edits.extend((at, 1, b"" if data[at + 1 : at + 2] == b"\n" else b"\n") for at in places)
        else:
            edits.extend((at, 1, b"") for at in places)
    edits.sort()
    view = memoryview(data)
    pieces: list[bytes | memoryview] = []
    at = 0
    for start, size, instead in edits:
        pieces.append(view[at:start])
        if instead:
            pieces.append(instead)
        at = start + size
    pieces.append(view[at:])
    return b"".join(pieces)


def _found(data: bytes, byte: int, most: int | None = None) -> list[int]:
    """Where ``byte`` is in ``data``, each found by ``find`` (memchr); no
    more than one past ``most``, when given."""
    found: list[int] = []
    at = data.find(byte)
    while at >= 0 and (most is None or len(found) <= most):
        found.append(at)
        at = data.find(byte, at + 1)
    return found


def _cut_in_passes(data: bytes, c1: list[int], singles: set[int]) -> bytes:
    """What ``_cut`` makes, in a pass of C for each kind of edit: for a
    file with many (a Windows file's CRLF on every line)."""
    if b"\r" in data:  # first: a CR before a control is no CRLF, as in the text
        data = data.replace(b"\r\n", b"\n")
        if b"\r" in data:
            data = data.replace(b"\r", b"\n")
        c1 = _c1_controls(data) if c1 else []
    if c1:
        data = _cut(data, c1, {})
    if singles:
        data = data.translate(None, bytes(singles))
    return data


def _c1_controls(data: bytes) -> list[int]:
    """Where the C1 controls (``\xc2`` and ``\x80``-``\x9f``) of valid
    UTF-8 start: each ``\xc2`` found by ``find`` (memchr), far quicker than
    a pattern's scan of every byte, and far rarer than other bytes."""
    # Valid UTF-8: a byte always follows \xc2.
    return [at for at in _found(data, 0xC2) if 0x80 <= data[at + 1] <= 0x9F]


def _controls_removed(name: str, line: int, count: int) -> Diagnostic:
    """The warning for ``count`` control characters removed, the first on ``line``."""
    message = f"{count} control character{'s' if count > 1 else ''} removed (the first here)"
    return Diagnostic(name, line, None, "warning", message)


def read_source(
    name: str, encoding: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> tuple[Source, list[Diagnostic]]:
    """Reads one input; ``-`` is standard input. Raises InputError if it
    cannot be read, or holds more than ``limits`` allow."""
    # A file name that is not UTF-8 reaches us with surrogates; messages and
    # JSON must stay valid UTF-8, so they show U+FFFD in their place.
    display = "<stdin>" if name == STDIN else name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    try:
        if name == STDIN:
            if sys.stdin is None:
                raise InputError("standard input is closed", "-")
            data = _read_bounded(sys.stdin.buffer, limits.size, display)
        else:
            with open(name, "rb") as handle:
                data = _read_bounded(handle, limits.size, display)
    except FileNotFoundError:
        raise InputError("no such file", name) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a .bib file", name) from None
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror or error}", name) from None
    text, diagnostics = decode(data, display, encoding)
    _check_blocks(text, limits.entries, display)
    return Source(display, text), diagnostics


def _read_bounded(handle: BinaryIO, limit: int, name: str) -> bytes:
    """All of ``handle``, or an InputError once it holds more than ``limit``
    bytes: a file too large is refused before it is read, and a pipe or a
    device (``/dev/zero``, a FIFO, standard input) is read no further, as
    it may never end."""
    try:
        info: os.stat_result | None = os.fstat(handle.fileno())
    except (OSError, ValueError):  # a stream with no file behind it
        info = None
    regular = info is not None and stat.S_ISREG(info.st_mode)
    if info is not None and regular and info.st_size > limit:
        raise InputError(f"{size_text(info.st_size)}, larger than the {size_text(limit)} limit {_RAISE}", name)
    chunks: list[bytes] = []
    total = 0
    # A regular file in one read of its size (one more byte shows it grew).
    wanted = info.st_size + 1 if info is not None and regular else _CHUNK
    while total <= limit:
        chunk = handle.read(min(wanted, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        wanted = _CHUNK
    if total > limit:
        what = "a file that grew while read" if regular else "a pipe or device, which may never end"
        raise InputError(f"more than the {size_text(limit)} limit ({what}); read no further {_RAISE}", name)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _check_blocks(text: str, limit: int, name: str) -> None:
    """An InputError when ``text`` holds more than ``limit`` blocks: each
    takes memory however small it is, so their number is bounded before
    parsing. Counting "@" is enough for nearly every file; the blocks
    themselves are counted only past that."""
    if text.count("@") <= limit:
        return
    for count, _ in enumerate(re.finditer(_BLOCK, text), 1):
        if count > limit:
            raise InputError(f"more than {limit:,} entries, the limit (--max-entries raises it)", name)
