"""Read what exporters pack into one venue string.

DBLP writes "21st USENIX Symposium on Networked Systems Design and
Implementation, NSDI 2024, Santa Clara, CA, April 15-17, 2024" or "6th
Symposium on Operating System Design and Implementation (OSDI 2004), San
Francisco, California, USA, December 6-8, 2004"; Google Scholar and ACM
write "Proceedings of the 29th Symposium on Operating Systems Principles";
hand-written entries say "Proc. OSDI", "NSDI'12", "IJCAI-09" or "SOSP '23".
:func:`parse_venue` takes such a (decoded) string apart into the name, the
acronym, the year, the place and the dates. It only removes what it
recognises; anything else stays in the name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from bib2pubs.lazyre import lazy

_MONTH: Final = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
# ", April 15-17, 2024", ", June 25 - July 1, 2022", ", May 2024" at the end.
_DAYS: Final = r"(?:\s+\d{1,2})?(?:\s*[-–]+\s*(?:" + _MONTH + r"\s+)?\d{1,2})?"
_DATES: Final = (
    r"(?P<dates>" + _MONTH + _DAYS + r",?\s+(?P<year>\d{4})"
    # Day first: "27 June 2022 - 1 July 2022", "23-29 July 2023".
    r"|\d{1,2}(?:\s+" + _MONTH + r"(?:\s+\d{4})?)?(?:\s*[-–]+\s*\d{1,2})?\s+" + _MONTH + r",?\s+(?P<year2>\d{4}))"
)
# The three patterns of dates are the costliest to compile, and tried only
# on a string with a year and a month's name (``_may_hold_dates``): many
# runs never need them.
_TRAILING_DATES: Final = lazy(r",\s*" + _DATES + r"\s*$")
_MIDDLE_DATES: Final = lazy(r",\s*" + _DATES + r"\s*,(?=[^,]*[A-Za-z])")
# Dates among the place's parts: "23-29 July 2023, Honolulu, Hawaii, USA".
_PLACE_DATES: Final = lazy(r"(?:^|,\s*)" + _DATES + r"\s*(?=,|$)")
# Every _DATES holds a year (four digits) and a month, whose name begins
# with one of these (case as written: the patterns ignore no case).
_FOUR_DIGITS: Final = lazy(r"\d{4}")
_MONTH_STEMS: Final = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Words of a venue's name, never of a place.
_VENUE_WORDS: Final = lazy(
    r"\b(?:conference|symposium|workshop|meeting|congress|systems?|services|applications|proceedings|"
    r"international|annual|association|society|computing|engineering|science|research|forum|colloquium)\b",
    re.I,
)
_ACRONYM: Final = r"[A-Za-z][A-Za-z0-9&+/.\-]*?[A-Za-z0-9+&]"
# DBLP's "MobiSys '22: The 20th Annual International Conference on …".
# Google Scholar's "WSDM '21, The Fourteenth ACM International Conference …"
# has a comma instead: see _leading_acronym.
_LEADING_ACRONYM: Final = lazy(
    r"^(?P<acronym>" + _ACRONYM + r"(?:\s+[A-Z][A-Za-z]*)?)\s*'?(?P<year>\d{4}|\d{2})\s*(?P<mark>[:,])\s*"
)
# "NSDI 2024", "NSDI '24", "NSDI'12", "IJCAI-09", "NSDI 24" as a whole string or segment.
_ACRONYM_YEAR: Final = lazy(
    r"(?P<acronym>" + _ACRONYM + r"(?:\s+[A-Z][A-Za-z]*)?)\s*(?:[-\s]'?|')(?P<year>\d{4}|\d{2})"
)
# "(OSDI 2004)", "(NSDI '24)", "(K-Cap'01)", "(NeurIPS)" ending a name.
_PAREN_ACRONYM: Final = lazy(
    r"\s*\((?P<acronym>" + _ACRONYM + r"(?:\s+[A-Z][A-Za-z]*)?)(?:\s*(?:[-\s]'?|')(?P<year>\d{4}|\d{2}))?\)\s*$"
)

_PREFIX: Final = lazy(
    r"^(?:in\s+)?(?:(?:the\s+)?proceedings|proc\.?|conference\s+record)(?:\s+of)?(?:\s+the)?\s+"
    r"|^(?:in\s+)?(?:the\s+)?proceedings\s*[:,.]\s*"
    r"|^the\s+(?=\S+\s)",
    re.I,
)
_ORDINAL_WORDS: Final = (
    r"first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|"
    r"fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth|fortieth|fiftieth|"
    r"sixtieth|seventieth|eightieth|ninetieth|hundredth"
)
_TENS: Final = r"twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_ORDINAL: Final = lazy(
    r"\b(?:\d{1,3}(?:st|nd|rd|th)|(?:(?:" + _TENS + r")[\s-])?(?:" + _ORDINAL_WORDS + r"))\b\s*", re.I
)
_NUMERIC_ORDINAL: Final = lazy(r"\b\d{1,3}(?:st|nd|rd|th)\b\s*", re.I)
# Not a date's: "Paris, 15th May 2019".
_NUMERIC_ORDINAL_BEFORE_NAME: Final = lazy(r"\b\d{1,3}(?:st|nd|rd|th)\s+(?!" + _MONTH + r"(?:\s|$))(?=[A-Z])")
# An acronym with its year glued on: "SORMA2018", "WM2013".
_GLUED_YEAR: Final = lazy(r"(?P<acronym>[A-Z][A-Za-z&]*[A-Z])(?P<year>(?:19|20)\d{2})")
_SHORT_YEAR: Final = lazy(r"\s'\d{2}\b")
_YEAR_WORD: Final = lazy(r"(?<![\w'])(?:19|20)\d{2}(?![\w'])\s*")
_VOLUME: Final = lazy(r"(?:\s*\(\s*|\s*[,:\-–—]\s*|\s+)(?:vol(?:ume)?\.?\s*\d+|part\s+[ivx\d]+)\b.*$", re.I)
# Springer's ", Proceedings, Part I" after the place and dates; Google
# Scholar appends the volume's number: ", Revised Selected Papers 27",
# ", Proceedings, Part II 16".
_SPRINGER_TAIL: Final = lazy(
    r"(?:[,.]\s*(?:proceedings|revised\s+selected\s+papers|selected\s+papers)(?:\s+\d{1,3})?)*"
    r"(?:,\s*part\s+[ivx\d]+(?:\s+\d{1,3})?)?\s*$",
    re.I,
)
# Springer's subtitle after the series' title: "Inductive Logic Programming:
# 27th International Conference" says only which edition it was.
_EDITION_SUBTITLE: Final = lazy(
    r"\s*:\s*(?:\d{1,3}(?:st|nd|rd|th)|[A-Za-z]+(?:-[A-Za-z]+)?)\s+(?:[A-Z][\w-]*\s+){0,3}?"
    r"(?:conference|workshop|symposium|meeting)\s*$",
    re.I,
)
# ACM's "Proceedings of the 2021 on Great Lakes Symposium on VLSI": the
# "on" belongs to the year, not to the name.
_YEAR_ON: Final = lazy(r"^(?P<year>(?:19|20)\d{2})\s+on\s+(?=\S)", re.I)
# An edition as a leading Roman numeral: "XIX Reunión Española sobre …";
# only a well-formed numeral before three words or more.
_LEADING_ROMAN: Final = lazy(r"^(?=[IVXLC])C{0,3}(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})\s+(?=(?:\S+\s+){2}\S)")
# The ACL's "Findings of the Association for Computational Linguistics:
# EMNLP 2021", DBLP's "Findings of the ACL, ACL 2025": the Findings of the
# conference named, never the conference itself. _FINDINGS_START, quick to
# compile, tells which names may be (``_may_be_findings``).
_FINDINGS: Final = lazy(
    r"^findings\s+of\s+(?:the\s+)?(?:association\s+for\s+computational\s+linguistics|acl)\b"
    r"(?:\s*[:,\-–]\s*(?P<host>[A-Za-z][A-Za-z-]*))?\s*$",
    re.I,
)
_FINDINGS_START: Final = lazy(r"findings", re.I)
# Springer's "Computer Vision -- ECCV 2020 -- 16th European Conference".
_DASHES: Final = lazy(r"\s+(?:--|—|–|-)\s+")
# What \s matches in a str pattern (a test checks every character).
_BLANKS: Final = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
_TRIM_START: Final = _BLANKS + ",;:.-–—"
_TRIM_END: Final = _BLANKS + ",;:-–—"
_WORKSHOP: Final = lazy(r"\bworkshops?\b", re.I)
# Volumes beside a conference's main one: never the conference itself.
_QUALIFIER: Final = lazy(
    r"\b(?:companion|adjunct|posters?|demos?|demonstrations?|late[- ]breaking|doctoral|student\s+research|"
    r"extended\s+abstracts|tutorials?|findings|datasets\s+and\s+benchmarks|satellite|workshops?)\b",
    re.I,
)
# DBLP's "…, Held as Part of the European Joint Conferences …, ETAPS 2022".
_HELD_AS_PART: Final = lazy(r",\s*held\s+as\s+part\s+of\b[^,]*(?:,\s*[A-Z][A-Za-z]*\s+\d{4})?", re.I)
# ACL's ", Volume 1 (Long and Short Papers)" or ", (Volume 1: Long Papers)" among DBLP's parts.
_VOLUME_SEGMENT: Final = lazy(r",\s*\(?\s*vol(?:ume)?\.?\s*\d+[^,]*", re.I)
# An edition as a Roman numeral: "Robotics: Science and Systems XIX".
_ROMAN_EDITION: Final = lazy(r".*\s[IVXL]{2,7}")
# Lower-case words a place's name may hold ("Republic of Korea").
_PLACE_LINKS: Final = frozenset({"of", "de", "la", "del", "the", "am", "upon", "sur", "an", "der", "di"})


@dataclass(frozen=True, slots=True, init=False)
class VenueString:
    """A venue string taken apart. Empty strings and None where absent."""

    name: str
    acronym: str = ""
    year: int | None = None
    location: str = ""
    dates: str = ""
    workshop: bool = False
    #: A companion, poster, workshop… volume: not the main venue itself.
    qualified: bool = False

    def __init__(
        self,
        name: str,
        acronym: str = "",
        year: int | None = None,
        location: str = "",
        dates: str = "",
        workshop: bool = False,
        qualified: bool = False,
    ) -> None:
        # Written out, to be compiled: see bib2pubs.model's note.
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "acronym", acronym)
        object.__setattr__(self, "year", year)
        object.__setattr__(self, "location", location)
        object.__setattr__(self, "dates", dates)
        object.__setattr__(self, "workshop", workshop)
        object.__setattr__(self, "qualified", qualified)


def _full_year(digits: str) -> int:
    value = int(digits)
    if len(digits) == 4:
        return value
    return 2000 + value if value < 50 else 1900 + value


def _is_acronym(text: str, with_year: bool = False) -> bool:
    """ "NSDI", "NeurIPS", "EuroSys", "USENIX ATC", "S&P", "USENIX
    Security": short, each word with two capitals or more, or a society's
    acronym before a capitalised word; with a year beside it, also a
    capitalised word ("Interspeech 2024")."""
    words = text.split()
    if not 1 <= len(words) <= 2 or not 2 <= len(text) <= 20:
        return False
    if with_year and len(words) == 1 and text[:1].isupper() and len(text) >= 4 and text[1:].isalpha():
        return True  # "Interspeech 2024", "Middleware 2023": one capital, but a year beside it
    if len(words) == 2 and words[0].isupper() and words[1][:1].isupper():
        return True  # "USENIX Security", "ACM MobiCom"
    return all(sum(char.isupper() for char in word) >= 2 or word.isupper() for word in words)


def parse_venue(text: str) -> VenueString:
    """The parts of one venue string (LaTeX already decoded)."""
    original = " ".join(text.replace("’", "'").split())
    text = _HELD_AS_PART.sub("", original) if _may_say_held(original) else original
    text = _VOLUME_SEGMENT.sub("", text)
    if _may_end_in_parts(text):
        text = _SPRINGER_TAIL.sub("", text)
    workshop = bool(_WORKSHOP.search(text))
    qualified = bool(_QUALIFIER.search(text))
    year: int | None = None
    acronym = dates = location = ""
    dated = _may_hold_dates(text)
    found = _TRAILING_DATES.search(text) if dated else None
    if found:
        dates, year = found.group("dates"), int(found.group("year") or found.group("year2"))
        text = text[: found.start()]
    elif dated:
        middle = _MIDDLE_DATES.search(text)
        if middle:
            # "…Intelligence, January 25-30, 2015, Austin, Texas, USA"
            dates, year = middle.group("dates"), int(middle.group("year") or middle.group("year2"))
            location = _trim(text[middle.end() :])
            text = text[: middle.start()]
            found = middle
    leading = _leading_acronym(text)
    if leading:
        acronym, year = leading.group("acronym"), year or _full_year(leading.group("year"))
        text = text[leading.end() :]
    name, marked, marked_year, place = _dblp_segments(_trim(text))
    location = location or place
    acronym, year = acronym or marked, year or marked_year
    in_place = _PLACE_DATES.search(location) if not dates and _may_hold_dates(location) else None
    if in_place:
        dates, year = in_place.group("dates"), year or int(in_place.group("year") or in_place.group("year2"))
        location = _trim(location[: in_place.start()] + location[in_place.end() :])
        found = found or in_place
    if found and not location:
        name, location = _split_place(name)
    if not acronym:
        paren = _PAREN_ACRONYM.search(name)
        if paren and _is_acronym(paren.group("acronym")):
            acronym = paren.group("acronym")
            year = year or (_full_year(paren.group("year")) if paren.group("year") else None)
            name = name[: paren.start()]
    name = _PREFIX.sub("", name)
    year_on = _YEAR_ON.match(name)
    if year_on:
        year, name = year or int(year_on.group("year")), name[year_on.end() :]
    whole = _ACRONYM_YEAR.fullmatch(name.strip()) or _GLUED_YEAR.fullmatch(name.strip())
    if whole and _is_acronym(whole.group("acronym"), with_year=True):
        acronym = acronym or whole.group("acronym")
        year = year or _full_year(whole.group("year"))
        name = whole.group("acronym")
    years = _YEAR_WORD.findall(name)
    if years and not year:
        year = int(years[0].strip())
    name = _SHORT_YEAR.sub("", _YEAR_WORD.sub("", name))
    # A spelled ordinal starts a name ("Twenty-Ninth AAAI …"); a numeric one
    # may stand inside it ("IEEE/ACM 46th International Conference").
    ordinal = _ORDINAL if _ORDINAL.match(name) else _NUMERIC_ORDINAL
    name = ordinal.sub("", name, count=1)
    # A joint event numbers each part: "Joint 15th Linguistic Annotation
    # Workshop (LAW) and 3rd Designing Meaning Representations Workshop".
    name = _NUMERIC_ORDINAL_BEFORE_NAME.sub("", name)
    name = _LEADING_ROMAN.sub("", name)
    if _may_have_subtitle(name):
        name = _EDITION_SUBTITLE.sub("", name)
    if _may_name_a_volume(name):
        name = _VOLUME.sub("", name)
    name = _trim(name)
    if len(name.split()) >= 4 and name.split()[-1].isdigit() and len(name.split()[-1]) <= 3:
        name = name.rsplit(" ", 1)[0]  # "Advances in Neural Information Processing Systems 25"
    if len(name.split()) >= 4 and _ROMAN_EDITION.fullmatch(name):
        name = name[: name.rindex(" ")]  # "Robotics: Science and Systems XIX"
    if not acronym and " " not in name and _is_acronym(name):
        acronym = name  # "Proc. OSDI": a name that is an acronym
    if name.casefold() in ("the", "of", "of the"):
        name = ""  # "Proceedings of the" and nothing after
    if not name and not acronym:
        name = _trim(original)  # nothing left that we recognise: keep all of it
    acronym = _findings_acronym(name, acronym)
    return VenueString(name, acronym, year, location, dates if found else "", workshop, qualified)


# Quick tests that pass over a string a costly pattern cannot match: each
# lets through every string its pattern matches (tests/test_speed_details.py
# holds parse_venue to the reading that tries every pattern).


def _may_hold_dates(text: str) -> bool:
    """Whether ``text`` may hold dates (_DATES): a year and a month's name."""
    return _FOUR_DIGITS.search(text) is not None and any(stem in text for stem in _MONTH_STEMS)


def _trim(text: str) -> str:
    """Blanks and punctuation off both ends, but a final period (of
    "Proc.", "Inc."): what ``^[\\s,;:.\\-–—]+|[\\s,;:\\-–—]+$`` removes
    (tests/test_speed_hot.py holds the two alike)."""
    return text.lstrip(_TRIM_START).rstrip(_TRIM_END)


# In ASCII, to ignore case is to lower-case; beyond it, a pattern that
# ignores case matches more ("ſ" for "s", "K" for "k", "ı" for "i"), so a
# string that is not ASCII is always let through.


def _may_end_in_parts(text: str) -> bool:
    """Whether _SPRINGER_TAIL may remove anything: blanks at the end, or
    the proceedings, selected papers or a part it names."""
    if not text.isascii():
        return True
    lowered = text.lower()
    return text[-1:].isspace() or "proceedings" in lowered or "papers" in lowered or "part" in lowered


def _may_name_a_volume(name: str) -> bool:
    """Whether _VOLUME may match: it names a volume or a part."""
    if not name.isascii():
        return True
    lowered = name.lower()
    return "vol" in lowered or "part" in lowered


def _may_say_held(text: str) -> bool:
    """Whether _HELD_AS_PART may match: no letter but H, E, L and D matches
    theirs when case is ignored, so the lower-cased text says "held"."""
    return "held" in text.lower()


def _may_have_subtitle(name: str) -> bool:
    """Whether _EDITION_SUBTITLE may match: it begins at a colon."""
    return ":" in name


def _may_be_findings(name: str) -> bool:
    """Whether _FINDINGS may match: the name begins with "findings"."""
    return _FINDINGS_START.match(name) is not None


def _leading_acronym(text: str) -> re.Match[str] | None:
    """DBLP's "MobiSys '22: The 20th …", Google Scholar's "WSDM '21, The
    Fourteenth …": an acronym with its year before the name. After a comma
    only when a venue's name follows, so that "NSDI 2024, Santa Clara, CA"
    is not read as the acronym of a venue called "Santa Clara"."""
    leading = _LEADING_ACRONYM.match(text)
    if not leading or not _is_acronym(leading.group("acronym")):
        return None
    if leading.group("mark") == "," and not _VENUE_WORDS.search(text[leading.end() :]):
        return None
    return leading


def _findings_acronym(name: str, acronym: str) -> str:
    """ "Findings of EMNLP" for the ACL's Findings volume of EMNLP: its own
    short name, so that neither the label nor the table's lookup takes it
    for the main conference. The acronym as found otherwise."""
    findings = _FINDINGS.match(name) if _may_be_findings(name) else None
    if not findings:
        return acronym
    host = findings.group("host") or acronym
    return f"Findings of {host}" if host and _is_acronym(host) else acronym


def _split_place(text: str) -> tuple[str, str]:
    """A name that ends in its place ("…Applications and Services,
    Portland, Oregon"): the name and the place. Only short, capitalised
    parts without a venue's words count as the place."""
    segments = [segment.strip() for segment in text.split(",")]
    cut = len(segments)
    while cut > 1:
        words = segments[cut - 1].split()
        capitalised = all(word[:1].isupper() or word in _PLACE_LINKS or word == "/" for word in words)
        if (
            not (1 <= len(words) <= 5 and capitalised)
            or _VENUE_WORDS.search(segments[cut - 1])
            or any(char.isdigit() for char in segments[cut - 1])
        ):
            break
        cut -= 1
    return ", ".join(segments[:cut]), ", ".join(segments[cut:])


def _dblp_segments(text: str) -> tuple[str, str, int | None, str]:
    """DBLP's "Name, ACRO YEAR, Place" or "Name (ACRO YEAR), Place": the
    name, the acronym, its year and the place. The name alone otherwise."""
    segments = [segment.strip() for segment in text.split(",")]
    pieces = _DASHES.split(segments[0])
    for piece in pieces:
        marked = _ACRONYM_YEAR.fullmatch(piece)
        if len(pieces) > 1 and marked and _is_acronym(marked.group("acronym")):
            rest = [_ORDINAL.sub("", other, count=1) for other in pieces if other is not piece]
            after = segments[1:]
            if after and _ORDINAL.match(after[0]):
                # "Algorithms - ESA 2015, 23rd Annual European Symposium, Patras"
                rest, after = [_ORDINAL.sub("", after[0], count=1)], after[1:]
            name, place = _split_place(", ".join([" — ".join(rest), *after]))
            return name, marked.group("acronym"), _full_year(marked.group("year")), place
    for index, segment in enumerate(segments):
        if index == 0 and len(segments) == 1:
            break
        marked = _ACRONYM_YEAR.fullmatch(segment)
        if marked and index > 0 and _is_acronym(marked.group("acronym"), with_year=True):
            name = ", ".join(segments[:index])
            return name, marked.group("acronym"), _full_year(marked.group("year")), ", ".join(segments[index + 1 :])
        paren = _PAREN_ACRONYM.search(segment)
        if paren and paren.group("year") and _is_acronym(paren.group("acronym")):
            name = ", ".join([*segments[:index], segment[: paren.start()]])
            return name, paren.group("acronym"), _full_year(paren.group("year")), ", ".join(segments[index + 1 :])
    return text, "", None, ""
