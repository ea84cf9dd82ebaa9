"""People: from a raw author field to decoded, marked, highlighted persons.

Splitting follows BibTeX (``namesplit``); LaTeX is decoded per part after
splitting, so ``{Barnes and Noble}`` stays one name. What people type into
names for the page's sake leaves the name and becomes data: stars for equal
contribution ("Zhu*, Ruidong") and daggers become marks (``marks``), and a
name bolded by hand (``\\textbf{Marshall, H.P.}``) is highlighted, since its
owner asked for exactly that. Who is highlighted is ``matching``'s
decision; how a name is shown is ``namestyle``'s.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from bib2pubs.latex import latex_to_text
from bib2pubs.marks import DAGGER, EQUAL, HIGHLIGHT
from bib2pubs.matching import Pattern, decoded, has_comma, match
from bib2pubs.model import Person
from bib2pubs.namefold import is_shouting
from bib2pubs.namesplit import NameParts, is_others, split_name, split_persons
from bib2pubs.namestyle import format_name, relax_initials

SELF = "self"

# Superscript marks typed after a name: *, †, ‡ and affiliation numbers, in
# math, \textsuperscript or bare.
_MARK_SIGN = r"\*|†|‡|\\dagger\b|\\dag\b|\\ddagger\b|\\ddag\b|\\ast\b|\\star\b"
_MARK_TEXT = r"(?:" + _MARK_SIGN + r"|\d{1,2}|[a-z](?=[,}\s$])|,|\s)+"
_MARKS = re.compile(
    r"\$\^\{?(?P<a>" + _MARK_TEXT + r")\}?\$"
    r"|\$\s*(?P<f>(?:" + _MARK_SIGN + r")+)\s*\$"
    r"|\\textsuperscript\s*\{(?P<b>" + _MARK_TEXT + r")\}"
    r"|\^\{?(?P<c>" + _MARK_TEXT + r")\}?"
    r"|\{(?P<d>[*†‡])\}"
    r"|(?P<e>[*†‡]|\\dagger\b|\\dag\b|\\ddagger\b|\\ddag\b)"
    # ORCID badges typed after a name: no part of it.
    r"|(?P<g>\\orcid(?:link|ID|iD)?\s*\{[^{}]*\})"
)
# A whole name wrapped in a style, typed by hand; bold means "this is me".
_WRAPPER = re.compile(
    r"^\s*(?:\\(?P<command>textbf|underline|uline|emph|textit|textsc)\s*\{(?P<a>.*)\}"
    r"|\{\\(?P<switch>bf|bfseries|em|it|itshape|sc)\s+(?P<b>.*)\})\s*$",
    re.S,
)
_BOLD = frozenset({"textbf", "bf", "bfseries"})
_MAX_WRAPPERS = 8
_INNER_GROUP = re.compile(r"\{[^{}]*\}")
_SUFFIX_WORD = re.compile(r"(?:jr|sr|ii|iii|iv|v|2nd|3rd)\.?", re.I)
_DBLP_NUMBER = re.compile(r"(?<=\S)\s+\d{4}(?=\s*(?:,|$))")
# "and" typed against the next name ("Hojatimalkeshah and\\textbf{…}"):
# BibTeX reads one name; nobody means one.
# "Rüegger et al." typed for "Rüegger and others".
_ET_AL_END = re.compile(r"(?:\s*,\s*|\s+(?:and\s+)?)et\.?\s*al\b\.?\s*$", re.I)
_GLUED_AND = re.compile(r"(?<=\s)(and)(?=\\[A-Za-z]|\{)", re.I)


def parse_people(
    field: str,
    patterns: Sequence[Pattern] = (),
    annotations: Mapping[int, tuple[str, ...]] | None = None,
    name_style: str = "full",
) -> tuple[tuple[Person, ...], bool]:
    """The persons of an author field and whether it ended in "and others".

    A person is highlighted with the style of the first pattern naming them,
    else as "self" when the .bib asks for it (bold typed by hand, or the
    annotation ``highlight``). ``annotations`` are marks by position.
    """
    people: list[Person] = []
    et_al = False
    for position, raw in enumerate(split_persons(field), 1):
        if is_others(raw):
            et_al = True
            continue
        raw, marks, bold = clean_name(raw)
        annotated = annotations.get(position, ()) if annotations else ()
        marks += tuple(mark for mark in annotated if mark not in marks and mark != HIGHLIGHT)
        raw_parts = split_name(raw)
        parts = decoded(raw_parts)
        highlight = next((p.style for p in patterns if match(p, parts, has_comma(raw))), None)
        if highlight is None and (bold or HIGHLIGHT in annotated):
            highlight = SELF
        display = _display(raw_parts, parts, name_style)
        people.append(Person(parts.first, parts.von, parts.last, parts.jr, display, highlight, marks, raw))
    return tuple(people), et_al


def _display(raw: NameParts, parts: NameParts, name_style: str) -> str:
    if name_style in ("initials", "family-first") and "relax" in raw.first:
        parts = replace(parts, first=latex_to_text(relax_initials(raw.first)))
    return format_name(parts, name_style, is_shouting(parts))


def repair_list(field: str, role: str = "author") -> tuple[str, list[str]]:
    """A name list (``role`` "author" or "editor") with three slips undone
    that BibTeX would misread: a final "et al." (a person named "al."),
    "and" typed against the next name, and the whole list wrapped in braces
    (``{Lievens, Hans and Brangers, Isis and …}``). A braced name that
    could be an organisation (``{Barnes and Noble}``, ``{Department of
    Health and Human Services}``) is left alone: the list is unwrapped only
    when every piece reads as a person's name."""
    problems = []
    field = field.rstrip()
    et_al = _final_et_al(field)
    if et_al and "{" not in et_al.group() and "}" not in field[et_al.end() :] and field[: et_al.start()].strip():
        field = field[: et_al.start()] + " and others"
        problems.append(f"'et al.' in the {role} list, read as 'and others' (which BibTeX understands)")
    if _GLUED_AND.search(_outside_braces(field)):
        field = _GLUED_AND.sub(r"\1 ", field)
        problems.append(f"'and' typed against the next name in the {role} list; read as two names")
    field, count = _comma_lists(field)
    if count:
        problems.append(f"names separated by commas in the {role} list; read as {count} names")
    stripped = field.strip()
    if stripped.startswith("{") and stripped.endswith("}") and _outside_braces(stripped).strip() == "":
        inner = stripped[1:-1]
        pieces = split_persons(inner) if _balanced(inner) else []
        if len(pieces) >= 2 and all(_looks_like_person(piece) for piece in pieces):
            field = inner
            problems.append(f"the whole {role} list is in braces, which makes it one name; read as {len(pieces)} names")
    return field, problems


def _comma_lists(field: str) -> tuple[str, int]:
    """ "Changyeol Lee, Dahoon Lee, Jongseo Lee" typed for "… and …": a
    name with two commas or more whose every piece has two words or more
    (so not "Last, Jr., First") becomes that many names. Returns the field
    and how many names the repaired pieces became (0 if none)."""
    if "," not in field:
        return field, 0
    names, count = [], 0
    for name in split_persons(field):
        pieces = [piece.strip() for piece in _split_outside_braces(name, ",")]
        pieces = [piece for piece in pieces if piece]
        if len(pieces) >= 3 and all(len(piece.split()) >= 2 for piece in pieces):
            names.extend(pieces)
            count += len(pieces)
        else:
            names.append(name)
    return (" and ".join(names), count) if count else (field, 0)


def _split_outside_braces(text: str, separator: str) -> list[str]:
    pieces, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif char == separator and depth == 0:
            pieces.append(text[start:index])
            start = index + 1
    pieces.append(text[start:])
    return pieces


def _final_et_al(field: str) -> re.Match[str] | None:
    # Searched near the end only: the pattern's leading blanks would make a
    # search from every position quadratic on a long run of spaces.
    return _ET_AL_END.search(field, max(0, len(field) - 64))


# Words of an organisation's name that no person's name has.
_ORGANISATION_WORDS = frozenset(
    {"of", "and", "for", "the", "on", "in", "at", "&", "institute", "department", "university", "group"}
    | {"association", "society", "committee", "council", "team", "consortium", "inc", "ltd", "center", "centre"}
)


def _looks_like_person(piece: str) -> bool:
    """ "Lievens, Hans", "\\textbf{Marshall, H.P.}", "Chris Timperley": one
    comma at most, a few words, none an organisation's ("of", "Institute")."""
    name = clean_name(piece)[0]
    if _outside_braces(name).count(",") > 1:
        return False
    words = name.replace("{", "").replace("}", "").replace(",", " ").split()
    if not 2 <= len(words) <= 6:
        return False
    return not any(word.strip(".").lower() in _ORGANISATION_WORDS for word in words)


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += (char == "{") - (char == "}")
        if depth < 0:
            return False
    return depth == 0


def list_problems(field: str) -> list[str]:
    """Common mistakes in an author list that BibTeX reads without a word but
    garbles: names joined by commas or semicolons, a trailing "and", "et al."."""
    problems = []
    depth0 = _outside_braces(field)
    if ";" in depth0:
        problems.append("authors separated by ';'? BibTeX separates them with 'and'")
    if re.search(r"\s(?:and|AND|And)\s*$", " " + depth0):
        problems.append("the author list ends with 'and'")
    if re.search(r"\bet\s+al\b\.?", depth0) and not _final_et_al(field.rstrip()):
        problems.append("'et al.' inside the author list; write 'and others' at its end")
    for name in split_persons(field):
        if name.count(",") < 2:
            continue
        parts = _outside_braces(name).split(",")
        if len(parts) > 3 or (len(parts) == 3 and not _SUFFIX_WORD.fullmatch(parts[1].strip())):
            problems.append(f"'{name}' reads as 'Last, Jr., First'; separate authors with 'and'")
    return problems


def _outside_braces(text: str) -> str:
    """The text with its brace groups blanked out (their commas do not count).
    Deeper nesting than real names use is left as it is."""
    for _ in range(8):
        if "{" not in text:
            break
        text = _INNER_GROUP.sub(" ", text)
    return text


def clean_name(raw: str) -> tuple[str, tuple[str, ...], bool]:
    """A raw name without the marks and styles typed into it: the name, its
    marks (equal for a star, dagger for † or ‡) and whether it was bold."""
    marks: list[str] = []
    bold = False
    # Wrappers nest a few deep at most ("\\textbf{\\emph{…}}"); a bound keeps
    # a pathological name linear.
    for _ in range(_MAX_WRAPPERS):
        raw = _MARKS.sub(lambda match: _collect(match, marks), raw)
        wrapped = _WRAPPER.match(raw)
        if wrapped is None:
            break
        bold = bold or (wrapped.group("command") or wrapped.group("switch")) in _BOLD
        raw = wrapped.group("a") if wrapped.group("a") is not None else wrapped.group("b")
    name = " ".join(raw.split()).replace(" ,", ",")
    # DBLP tells namesakes apart by a number ("Wei Wang 0003"); it is no part
    # of the name a reader should see, nor of the one --highlight matches.
    name = _DBLP_NUMBER.sub("", name)
    return name, tuple(dict.fromkeys(marks)), bold


def _collect(match: re.Match[str], marks: list[str]) -> str:
    """Records the marks in one superscript and removes it from the name."""
    text = next(group for group in match.groups() if group is not None)
    if "*" in text or "\\ast" in text or "\\star" in text:
        marks.append(EQUAL)
    if any(sign in text for sign in ("†", "‡", "\\dag")):
        marks.append(DAGGER)
    return " "
