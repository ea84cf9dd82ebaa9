"""A large file read and normalized in two halves at once, on two cores.

Reading is the one stage that cannot simply be shared out: an entry needs
the ``@string`` macros defined before it. So the file is cut at the start
of an entry near its middle; a forked worker reads and normalizes the
second half, assuming the macros a quick scan finds in the first, while
this process does the first half. The result counts only when everything
assumed held; otherwise the second half is read here as well:

- the first half defines exactly the macros the scan found;
- reading it stops at the top level at the cut (no entry, value or comment
  runs on past it), where reading the whole file passes too;
- no key is in both halves (a duplicate would be reported across them);
- the halves do not both have entries without a key (they are numbered).

Cross-references need entries from both halves: once each process has
read its half, they tell each other which keys their entries
cross-reference, and each normalizes only the entries no cross-reference
touches. The others (papers with a ``crossref``, and the proceedings they
name: a few in a thousand in DBLP's exports) are normalized here at the
end, with everything they inherit.

Every answer is then the one a single reading gives, diagnostics included,
in the same order; a test holds the two together.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Final

from bib2pubs import parallel
from bib2pubs.lazyre import lazy
from bib2pubs.model import Diagnostic, Publication
from bib2pubs.parallel import Exchange, Worker, abandon, collect, start
from bib2pubs.read.bibtex import Part, RawEntry, parse_part
from bib2pubs.read.crossref import resolve_crossrefs
from bib2pubs.read.scanner import TYPE
from bib2pubs.read.source import Source
from bib2pubs.read.values import FIELD_NAME, STANDARD_MACROS, Joiner, join_budget, nested

_ENTRY_LINE: Final = lazy(r"\n[ \t]*@[ \t]*(?!(?:string|preamble|comment)\b)" + TYPE + r"\s*[{(]", re.I)
# Spelled out rather than case-blind: a pattern that starts with a plain
# character is searched for many times faster.
_STRING: Final = "[sS][tT][rR][iI][nN][gG]"
_STRING_COMMAND: Final = lazy(r"@\s*" + _STRING + r"\s*[{(]")
_STRING_DEFINITION: Final = lazy(r"@\s*" + _STRING + r"\s*\{\s*(" + FIELD_NAME.pattern + r")\s*=\s*")
_STRING_END: Final = lazy(r"\s*\}")
# Braces a macro's value may nest: localised place names chain commands
# eight deep ("\iflanguage{english}{Athens}{\iflanguage{italian}{…}}" in
# texlive's archaeologie); a deeper value leaves the file to one reading.
_MACRO_DEPTH: Final = 12
# A part of a macro's value; unlike a field's, it may hold "@" (an address).
_PART: Final = lazy(
    r"\s*(?:\{(" + nested("[^{}]", _MACRO_DEPTH, "[^{}]") + r")\}"
    r"|\"(" + nested('[^"{}]', _MACRO_DEPTH, "[^{}]") + r")(?<!\\)\""
    r"|([^\s,#{}()\"=%]+))\s*#?"
)

Normalized = tuple[list[Publication], list[Diagnostic]]
#: A run of a half's entries, in order: normalized (False, no entries,
#: its publications and problems, and their texts written ahead, if any),
#: or left until every cross-reference in the file is known (True, its
#: entries, nothing yet).
Run = tuple[bool, tuple[RawEntry, ...], list[Publication], list[Diagnostic], list[str | None]]
#: Entries normalized, given the keys (lower case) the file's entries
#: cross-reference: the normalizing stage, handed down by the pipeline.
Normalize = Callable[[Sequence[RawEntry], frozenset[str]], Normalized]
#: Publications written in the run's format, None for one left to be
#: written with the list (``rendering.ahead``).
WriteAhead = Callable[[Sequence[Publication]], list[str | None]]
#: Texts written ahead, each with its publication.
Written = list[tuple[Publication, str]]


def read_in_halves(
    source: Source, normalize: Normalize, write: WriteAhead | None = None
) -> tuple[int, list[Part], Normalized, Written] | None:
    """How many entries the file has, its two parts (without their entries,
    which stay where they were read), the entries normalized, the
    problems cross-references raise first, and the texts ``write`` wrote
    of them in each process (those a cross-reference touches are left to
    be written with the list); or None when the file is better read in one
    go (too small, a part that did not hold what was assumed of it, a
    worker that failed)."""
    text = source.text
    if len(text) < parallel.MIN_TEXT:
        return None
    cut = _ENTRY_LINE.search(text, _middle(text))
    if cut is None:
        return None
    split = cut.start() + 1
    # Concatenation may build as much in all as in one reading of the file.
    budget = join_budget(len(text))
    macros = _scanned_macros(text, split, Joiner(budget))
    if macros is None:
        return None
    second_line = text.count("\n", 0, split) + 1
    try:
        exchange = Exchange()
    except OSError:  # no pipe to be had (too many files open): one reading
        return None

    def second_half() -> tuple[int, Part, list[Run]]:
        part = parse_part(text[split:], source.name, macros, second_line, budget=budget)
        own = _referenced(part.entries)
        referenced = own | exchange.in_worker(own)
        # Sending the entries back would cost more than reading them.
        return len(part.entries), replace(part, entries=()), _runs(part.entries, normalize, referenced, write)

    worker: Worker | None = None
    # The first half is read in the whole text, so that whatever it looks
    # ahead at (a value or a comment running on, where to resume after an
    # error) is what a single reading sees; it must stop at the cut.
    try:
        worker = start(second_half)
        if worker is None:
            exchange.close()
            return None
        exchange.forked()
        first = parse_part(text, source.name, {}, stop=split, budget=budget)
        own = _referenced(first.entries)
        heard, theirs = exchange.in_main(own)
        if not heard:
            stopped, worker = worker, None  # stopped once, whatever comes (Ctrl-C) meanwhile
            abandon(stopped)
            return None
        first_runs = _runs(first.entries, normalize, own | theirs, write)
    except BaseException:
        abandon(worker)  # Ctrl-C, or memory run out: no worker is left behind
        exchange.close()
        raise
    done = collect(worker)
    if done is None:
        return None
    second_count, second, second_runs = done
    if not _consistent(first, second, macros, budget):
        return None
    count = len(first.entries) + second_count
    normalized, written = _joined([*first_runs, *second_runs], normalize)
    return count, [first, second], normalized, written


#: The share of the file's entries this process reads: the worker also
#: pickles what it found, about a third as long as normalizing took, and
#: this process unpickles it, faster; so the worker takes fewer.
_FIRST_SHARE: Final = 0.56
#: How the entries are counted (``_middle``): in this many windows of the
#: text, each this long, evenly spread.
_WINDOWS: Final = 512
_WINDOW: Final = 2048
#: ``@string`` as files write it, which ``_middle`` leaves out of the count.
_STRING_STARTS: Final = ("\n@string", "\n@String", "\n@STRING")


def _middle(text: str) -> int:
    """Where about ``_FIRST_SHARE`` of the file's entries are behind, as
    windows of its text count them: entries are a better measure of the
    work than characters (a file's ``@string`` block, or long abstracts,
    weigh in characters and little in work), and counting them in samples
    of a large file takes a millisecond where counting all takes a tenth
    of a second."""
    step = len(text) / _WINDOWS
    counts = []
    for window in range(_WINDOWS):
        start = int(window * step)
        end = min(start + _WINDOW, int((window + 1) * step))
        macros = sum(text.count(spelled, start, end) for spelled in _STRING_STARTS)
        counts.append(text.count("\n@", start, end) - macros)
    wanted = sum(counts) * _FIRST_SHARE
    if not wanted:
        return len(text) // 2
    found = 0
    for window, count in enumerate(counts):
        if found + count >= wanted:
            within = (wanted - found) / count  # count > 0 here
            return int((window + within) * step)
        found += count
    return len(text) // 2


def _referenced(entries: Sequence[RawEntry]) -> frozenset[str]:
    """The keys (lower case) these entries cross-reference, as
    ``resolve_crossrefs`` looks them up."""
    return frozenset(entry.fields["crossref"].strip().lower() for entry in entries if "crossref" in entry.fields)


def _runs(
    entries: Sequence[RawEntry], normalize: Normalize, referenced: frozenset[str], write: WriteAhead | None = None
) -> list[Run]:
    """``entries`` normalized (and written, with ``write``) in runs, but
    for those a cross-reference touches (one that has one, or one the
    file's cross-references name): they are left for ``_joined``. The
    others are normalized as one reading does, by the file's
    ``containers`` or without: theirs is none."""

    def normalized(run: Sequence[RawEntry]) -> Run:
        publications, problems = normalize(run, frozenset())
        return False, (), publications, problems, write(publications) if write is not None else []

    runs: list[Run] = []
    left: list[RawEntry] = []  # the entries of the run left for later, if one is under way
    start = 0
    for index, entry in enumerate(entries):
        if "crossref" in entry.fields or entry.key.lower() in referenced:
            if start < index:
                if left:
                    runs.append((True, tuple(left), [], [], []))
                    left = []
                runs.append(normalized(entries[start:index]))
            # Its field lines counted now: counted when asked (FieldLines),
            # they would be sent back with the whole text they count in.
            left.append(replace(entry, field_lines=dict(entry.field_lines)))
            start = index + 1
    if left:
        runs.append((True, tuple(left), [], [], []))
    if start < len(entries):
        runs.append(normalized(entries[start:]))
    return runs


def _joined(runs: list[Run], normalize: Normalize) -> tuple[Normalized, Written]:
    """The runs of both halves as one list, the entries left in them
    normalized now, once their cross-references are resolved: those
    entries are all the file has that a cross-reference touches, so
    resolving them alone finds what resolving all would, problems too.
    And the texts written ahead, with their publications."""
    left = tuple(entry for later, entries, _, _, _ in runs if later for entry in entries)
    resolved, containers, problems = resolve_crossrefs(left)
    publications: list[Publication] = []
    diagnostics = list(problems)
    written: Written = []
    taken = 0
    for later, entries, found, found_problems, texts in runs:
        if later:
            found, found_problems = normalize(resolved[taken : taken + len(entries)], containers)
            taken += len(entries)
        elif texts:
            written.extend((pub, text) for pub, text in zip(found, texts, strict=True) if text is not None)
        publications.extend(found)
        diagnostics.extend(found_problems)
    return (publications, diagnostics), written


def _consistent(first: Part, second: Part, assumed: dict[str, str], budget: int) -> bool:
    return (
        first.clean_end
        and first.macros == assumed
        and not (first.unnamed and second.unnamed)
        and not first.keys.keys() & second.keys.keys()
        # Below the budget together, neither half was cut by it, nor would
        # one reading be: each value joined is cut (or not) as there.
        and first.joined + second.joined < budget
    )


def _scanned_macros(text: str, end: int, joiner: Joiner) -> dict[str, str] | None:
    """The macros ``@string`` commands before ``end`` define, read the way
    the parser reads them; None when one is written in a way this quick
    reading does not follow, or would be cut (the parser reports it)."""
    macros: dict[str, str] = {}
    for command in _STRING_COMMAND.finditer(text, 0, end):
        found = _STRING_DEFINITION.match(text, command.start())
        if found is None:
            return None
        value, pos = _value(text, found.end(), end, macros, joiner)
        closing = _STRING_END.match(text, pos) if value is not None else None
        if closing is None or value is None:
            return None
        macros[found.group(1).lower()] = value
    return macros


def _value(text: str, pos: int, end: int, macros: dict[str, str], joiner: Joiner) -> tuple[str | None, int]:
    """A value of parts joined by "#" from ``pos``, and where it ends."""
    parts = []
    size = 0
    start = None  # where the value is written: from its first part to the end of its last
    while True:
        part = _PART.match(text, pos, end)
        if part is None:
            return None, pos
        braced, quoted, word = part.groups()
        if braced is not None or quoted is not None:
            parts.append(braced if braced is not None else quoted)
            written = part.span(1 if braced is not None else 2)
            written = (written[0] - 1, written[1] + 1)  # with the braces or quotes
        elif word.isdigit():
            parts.append(word)
            written = part.span(3)
        else:
            known = macros.get(word.lower(), STANDARD_MACROS.get(word.lower()))
            if known is None:
                return None, pos
            parts.append(known)
            written = part.span(3)
        start = written[0] if start is None else start
        size += len(parts[-1])
        pos = part.end()
        if not part.group().rstrip().endswith("#"):
            if len(parts) == 1:
                return parts[0], pos
            if size > joiner.room(written[1] - start):
                return None, pos  # cut where the parser reads it: a case for one reading
            joiner.used += size
            return "".join(parts), pos
