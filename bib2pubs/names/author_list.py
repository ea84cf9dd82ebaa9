"""Name lists as people type them: slips repaired, mistakes reported.

BibTeX separates names with "and" and reads anything else as part of a
name. People write "et al.", commas, "and" glued to the next name, or brace
the whole list; :func:`repair_list` reads what they meant (with a warning),
and :func:`list_problems` reports what it cannot safely repair.
"""

from __future__ import annotations

import re
from typing import Final

from bib2pubs.lazyre import lazy
from bib2pubs.names.parts import person_names, split_persons
from bib2pubs.names.people import braces_paired, clean_name
from bib2pubs.read.scanner import split_outside_braces

_INNER_GROUP: Final = lazy(r"\{[^{}]*\}")
_SUFFIX_WORD: Final = lazy(r"(?:jr|sr|ii|iii|iv|v|2nd|3rd)\.?", re.I)
# "Rüegger et al." typed for "Rüegger and others".
_ET_AL_END: Final = lazy(r"(?:\s*,\s*|\s+(?:and\s+)?)et\.?\s*al\b\.?\s*$", re.I)
# How such a list ends once its trailing blanks (what str.rstrip and \s
# both take for blanks) are gone.
_AL_END: Final = lazy(r"al\.?$", re.I)
# "and" typed against the next name ("Hojatimalkeshah and\\textbf{…}"):
# BibTeX reads one name; nobody means one.
_GLUED_AND: Final = lazy(r"(?<=\s)(and)(?=\\[A-Za-z]|\{)", re.I)
_TRAILING_AND: Final = lazy(r"\s(?:and|AND|And)\s*$")
_ET_AL: Final = lazy(r"\bet\s+al\b\.?")


def repair_list(field: str, role: str = "author") -> tuple[str, list[str]]:
    """A name list (``role`` "author" or "editor") with three slips undone
    that BibTeX would misread: a final "et al." (a person named "al."),
    "and" typed against the next name, and the whole list wrapped in braces
    (``{Lievens, Hans and Brangers, Isis and …}``). A braced name that
    could be an organisation (``{Barnes and Noble}``, ``{Department of
    Health and Human Services}``) is left alone: the list is unwrapped only
    when every piece reads as a person's name."""
    problems: list[str] = []
    field = field.rstrip()
    if not field:
        return field, problems  # most entries have no editors
    et_al = _final_et_al(field)
    if et_al and "{" not in et_al.group() and "}" not in field[et_al.end() :] and field[: et_al.start()].strip():
        field = field[: et_al.start()] + " and others"
        problems.append(f"'et al.' in the {role} list, read as 'and others' (which BibTeX understands)")
    # The glued "and" is followed by a backslash or a brace.
    if ("\\" in field or "{" in field) and _GLUED_AND.search(_outside_braces(field)):
        field = _GLUED_AND.sub(r"\1 ", field)
        problems.append(f"'and' typed against the next name in the {role} list; read as two names")
    field, strays = _stray_commas(field)
    for name in strays:
        pieces = split_outside_braces(name, ",")
        misread = (
            f"'{pieces[1].strip()}' as a suffix like 'Jr.' and no given name"
            if len(pieces) == 2
            else "the whole name as a family name"
        )
        problems.append(f"a stray comma after '{name}' in the {role} list (BibTeX would read {misread}); dropped it")
    field, count = _comma_lists(field)
    if count:
        problems.append(f"names separated by commas in the {role} list; read as {count} names")
    stripped = field.strip()
    if stripped.startswith("{") and stripped.endswith("}") and _outside_braces(stripped).strip() == "":
        inner = stripped[1:-1]
        pieces = split_persons(inner) if braces_paired(inner) else []
        if len(pieces) >= 2 and all(_looks_like_person(piece) for piece in pieces):
            field = inner
            problems.append(f"the whole {role} list is in braces, which makes it one name; read as {len(pieces)} names")
    return field, problems


# A word that is an initial ("M.", "J"): a name before it is more likely
# "First Last" than a family name.
_INITIAL: Final = lazy(r"\w\.?(?:-\w\.?)*|\w\.(?:\w\.)+")


def _stray_commas(field: str) -> tuple[str, list[str]]:
    """ "Torralba-Agell, Adrià, and Pérez-Solà, Cristina": a comma typed
    after a name, before "and" (or at the end of the list), which BibTeX
    reads as "Last, Jr., First" (a suffix "Adrià", no given name) or, with
    no other comma, as a name with nothing after its comma. Dropped when
    the name reads as one person: "Last, First" with a one-word or
    particle-led family name or a one-word given name, or "First Last".
    "M. Halle, J. Bresnan, and G. Miller" is a list of names joined by
    commas, left for :func:`list_problems` to report. Returns the field and
    the names whose comma was dropped."""
    if "," not in field:
        return field, []
    names, repaired = [], []
    for name in person_names(field):
        if name.endswith(",") and braces_paired(name) and _is_one_person(name[:-1].rstrip()):
            name = name[:-1].rstrip()
            repaired.append(name)
        names.append(name)
    return (" and ".join(names), repaired) if repaired else (field, [])


def _is_one_person(name: str) -> bool:
    pieces = [piece.strip() for piece in split_outside_braces(name, ",")]
    if not name or not all(pieces) or len(pieces) > 2:
        return False
    if len(pieces) == 1:
        return True
    family, given = (piece.split() for piece in pieces)
    if any(_INITIAL.fullmatch(word) for word in family):
        return False
    return len(family) == 1 or len(given) == 1 or family[0][:1].islower()


def _comma_lists(field: str) -> tuple[str, int]:
    """ "Changyeol Lee, Dahoon Lee, Jongseo Lee" typed for "… and …": a
    name with two commas or more whose every piece has two words or more
    (so not "Last, Jr., First") becomes that many names. Returns the field
    and how many names the repaired pieces became (0 if none)."""
    if "," not in field:
        return field, 0
    names, count = [], 0
    for name in person_names(field):
        if name.count(",") < 2:  # at most two pieces: most names
            names.append(name)
            continue
        pieces = [piece.strip() for piece in split_outside_braces(name, ",")]
        pieces = [piece for piece in pieces if piece]
        if len(pieces) >= 3 and all(len(piece.split()) >= 2 for piece in pieces):
            names.extend(pieces)
            count += len(pieces)
        else:
            names.append(name)
    return (" and ".join(names), count) if count else (field, 0)


def _final_et_al(field: str) -> re.Match[str] | None:
    # Most lists do not end in "al" or "al.", which a final "et al." does.
    if _AL_END.search(field.rstrip()[-3:]) is None:
        return None
    # Searched near the end only: the pattern's leading blanks would make a
    # search from every position quadratic on a long run of spaces.
    return _ET_AL_END.search(field, max(0, len(field) - 64))


# Words of an organisation's name that no person's name has.
_ORGANISATION_WORDS: Final = frozenset(
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


def list_problems(field: str) -> list[str]:
    """Common mistakes in an author list that BibTeX reads without a word but
    garbles: names joined by commas or semicolons, a trailing "and", "et al."."""
    problems = []
    depth0 = _outside_braces(field)
    if ";" in depth0:
        problems.append("authors separated by ';'? BibTeX separates them with 'and'")
    # A brace group is a word here: "Smith and {The XYZ Collaboration}" ends
    # with a name, not with "and".
    # Only a list ending in "and" can (the groups put no letters there).
    trimmed = field.rstrip()
    if trimmed.endswith(("and", "AND", "And")) and _TRAILING_AND.search(" " + _outside_braces(field, "x")):
        problems.append("the author list ends with 'and'")
    if "al" in depth0 and _ET_AL.search(depth0) and not _final_et_al(trimmed):
        problems.append("'et al.' inside the author list; write 'and others' at its end")
    for name in person_names(field):
        if "{" in name:  # most names: no group to look into
            problems.extend(_braced_problems(name))
        if name.count(",") < 2:
            continue
        parts = _outside_braces(name).split(",")
        if len(parts) > 3 or (len(parts) == 3 and not _SUFFIX_WORD.fullmatch(parts[1].strip())):
            problems.append(f"'{name}' reads as 'Last, Jr., First'; separate authors with 'and'")
    return problems


# A brace group at the top of a name, not the argument of a command
# ("\\textbf{Jin, C.}" is a bolded name, read as it is meant).
_TOP_GROUP: Final = lazy(r"(?<![\\A-Za-z])\{((?:[^{}]|\{[^{}]*\})*)\}")
_AND_WORD: Final = lazy(r"\s(?:and)\s", re.I)


def _braced_problems(name: str) -> list[str]:
    """ "{Barnes and Noble}", "{Smith, Jones and Co}": "and" or a comma inside
    braces keeps a name whole. That is right for an organisation and wrong
    for people typed in one group; say what was read."""
    problems: list[str] = []
    if "{" not in name:
        return problems  # most names: no group to look into
    for group in _TOP_GROUP.finditer(name):
        inner = group.group(1)
        if inner.lstrip().startswith("\\"):
            continue  # "{\\bf Jin, C.}": a command's text
        found = [
            what for what, there in (("'and'", _AND_WORD.search(f" {inner} ")), ("a comma", "," in inner)) if there
        ]
        if found:
            problems.append(
                f"{' and '.join(found)} inside braces in '{name}': read as one name, '{inner.strip()}';"
                " if these are several people, remove the braces"
            )
    return problems


def _outside_braces(text: str, fill: str = " ") -> str:
    """The text with its brace groups replaced by ``fill`` (blanked out by
    default: their commas do not count). Deeper nesting than real names use
    is left as it is."""
    for _ in range(8):
        if "{" not in text:
            break
        text = _INNER_GROUP.sub(fill, text)
    return text
