"""The homepage sweep: on each researcher's own .bib, highlighting the owner
(named by the folder) marks the owner in every entry that names them, and
nobody else.

tests/fixtures/owners.tsv says, per file, how many entries name the owner
(checked by reading the files). tests/fixtures/owner_names.tsv lists every
name that is the owner, or shares the owner's family name, as written in
the file, and whether it is the owner (yes/no) and how certain a match it
is. Any highlighted name missing from that table is a failure too.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from bib2pubs import Listing, Options
from bib2pubs.names.match import decoded, fold, has_comma, make_pattern, match
from bib2pubs.names.parts import split_name
from tests.conftest import CORPUS, table_rows
from tests.corpus_support import load

HOMEPAGES = CORPUS / "homepages"
OWNERS = {file: (owner, int(entries), int(naming)) for _, (file, owner, entries, naming) in table_rows("owners.tsv")}
NAMES: dict[str, dict[str, tuple[str, str, int]]] = defaultdict(dict)
for _line, (_file, _written, _highlighted, _certainty, _why) in table_rows("owner_names.tsv"):
    NAMES[_file][_written] = (_highlighted, _certainty, _line)


def _listing(file: str, owner: str) -> Listing:
    # Preprints kept apart: every entry is checked, also those the page would merge.
    return load([HOMEPAGES / file], Options(highlights=(owner,), keep_preprints=True))


def test_every_homepage_file_is_in_the_table() -> None:
    files = {str(path.relative_to(HOMEPAGES)) for path in HOMEPAGES.rglob("*.bib")}
    assert files == set(OWNERS)


@pytest.mark.parametrize("file", sorted(OWNERS))
def test_the_owner_and_nobody_else(file: str) -> None:
    owner, entries, naming = OWNERS[file]
    listing = _listing(file, owner)
    publications = [pub for group in listing.groups for pub in group.entries]
    assert len(publications) == entries, file
    expected = NAMES[file]
    family = fold(owner).split()[-1]
    with_owner = 0
    for pub in publications:
        people = (*pub.authors, *pub.editors)
        with_owner += any(person.highlight for person in people)
        for person in people:
            where = f"{file}: {pub.key}: {person.written!r}"
            if person.highlight:
                assert person.written in expected, f"{where} is highlighted but not in owner_names.tsv"
            if person.written not in expected:
                assert family not in fold(f"{person.von} {person.last}").split(), f"{where}: add it to owner_names.tsv"
                continue
            highlighted, _, line = expected[person.written]
            assert ("yes" if person.highlight == "self" else "no") == highlighted, f"owner_names.tsv:{line}: {where}"
    assert with_owner == naming, f"{file}: {with_owner} entries highlight {owner}, owners.tsv says {naming}"


@pytest.mark.parametrize("file", sorted(OWNERS))
def test_how_certain_each_match_is(file: str) -> None:
    pattern = make_pattern(OWNERS[file][0])
    for written, (_, certainty, line) in NAMES[file].items():
        result = match(pattern, decoded(split_name(written)), has_comma(written))
        assert ("-" if result is None else result.doubt or "certain") == certainty, f"owner_names.tsv:{line}"
