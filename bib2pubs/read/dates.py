"""Years, months and event dates as BibTeX and biblatex write them."""

from __future__ import annotations

from typing import Final

from bib2pubs.lazyre import lazy

MONTH_NAMES: Final = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTHS = {name.lower(): index for index, name in enumerate(MONTH_NAMES, 1)}
_MONTHS.update({name[:3].lower(): index for index, name in enumerate(MONTH_NAMES, 1)})
_MONTHS["sept"] = 9

# For what is not a plain year or month name (most are): compiled on first use.
_YEAR: Final = lazy(r"(?<!\d)(\d{4})(?!\d)")
_MONTH_WORD: Final = lazy(r"[A-Za-z]+")
_ISO_DAY: Final = lazy(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def parse_year(value: str) -> int | None:
    """The first four-digit year in ``value`` ("2024", "{2024}", "2017+")."""
    if len(value) == 4 and value.isdigit() and value.isascii():
        return int(value)  # most years: the year alone
    match = _YEAR.search(value)
    return int(match.group(1)) if match else None


def parse_month(value: str) -> int | None:
    """A month from "apr", "April", "4", "04" or "April 16"; None if unclear."""
    if value.isalpha() and value.isascii():
        return _MONTHS.get(value.lower())  # most months: a name alone
    text = value.strip().strip("{}").strip()
    # isdecimal, not isdigit: "²" is a digit to isdigit but not to int().
    if text.isdecimal():
        number = int(text) if len(text) < 10 else 0  # int() refuses 4,300 digits
        return number if 1 <= number <= 12 else None
    word = _MONTH_WORD.match(text)
    if word:
        return _MONTHS.get(word.group().lower())
    return None


def parse_iso_date(value: str) -> tuple[int, int | None, int | None] | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (biblatex ``date``), else None."""
    match = _ISO_DAY.fullmatch(value.strip())
    if not match:
        return None
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None and (month is None or not 1 <= day <= _days_in(year, month)):
        return None  # "2024-02-30" is a typo, shown as written rather than as a date
    return year, month, day


def _days_in(year: int, month: int) -> int:
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def format_event_dates(value: str) -> str | None:
    """Formats an ISO date or range ("2024-04-16/2024-04-18" becomes
    "April 16–18, 2024"); None when ``value`` is not ISO, so callers can keep
    free text as the user wrote it."""
    start_text, slash, end_text = value.strip().partition("/")
    start = parse_iso_date(start_text)
    if start is None:
        return None
    if not slash or not end_text.strip():
        return None if slash else _format_one(start)
    end = parse_iso_date(end_text)
    if end is None or (end[0], end[1] or 0, end[2] or 0) < (start[0], start[1] or 0, start[2] or 0):
        return None  # not a range that runs forward: shown as written
    return _format_range(start, end)


def _format_one(date: tuple[int, int | None, int | None]) -> str:
    year, month, day = date
    if month is None:
        return str(year)
    if day is None:
        return f"{MONTH_NAMES[month - 1]} {year}"
    return f"{MONTH_NAMES[month - 1]} {day}, {year}"


def _format_range(start: tuple[int, int | None, int | None], end: tuple[int, int | None, int | None]) -> str:
    (y1, m1, d1), (y2, m2, d2) = start, end
    if m1 is None or m2 is None or d1 is None or d2 is None:
        return f"{_format_one(start)}–{_format_one(end)}"
    if y1 != y2:
        return f"{_format_one(start)}–{_format_one(end)}"
    if m1 != m2:
        return f"{MONTH_NAMES[m1 - 1]} {d1}–{MONTH_NAMES[m2 - 1]} {d2}, {y1}"
    if d1 == d2:
        return _format_one(start)
    return f"{MONTH_NAMES[m1 - 1]} {d1}–{d2}, {y1}"
