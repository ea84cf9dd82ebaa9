"""Short forms of given names that people publish under.

"Chris Timperley" signs some papers "Christopher S. Timperley"; a highlight
for one should find the other. A pair here is only ever an *uncertain*
match (Chris may be Christine), which ``--explain`` reports. Each line is a
full name and its usual short forms; all lower case, without accents.
"""

from __future__ import annotations

from typing import Final

_GROUPS: Final = """
abraham abe
albert al bert
alexander alex sasha
alexis alex
alexandra alex sasha sandra
andreas andy
andrew andy drew
anthony tony
benjamin ben
charles charlie chuck
christian chris
christina chris tina
christine chris
christopher chris
daniel dan danny
david dave
deborah deb debbie
donald don
edward ed eddie ted
elizabeth liz beth betsy lisa
elisabeth liz beth lisa
frederick fred freddie
gregory greg
jacob jake
james jim jimmy jamie
jeffrey jeff
geoffrey geoff jeff
jennifer jen jenny
john jack johnny
jonathan jon
joseph joe
joshua josh
katherine kate katie kathy katy
kathryn kate katie kathy katy
kathleen kate kathy
catherine cathy kate katie
kenneth ken kenny
lawrence larry
leonard leo len
margaret maggie meg peggy
matthew matt
matthias matt
michael mike mick
nicholas nick
nicolas nick
patricia pat patty trish
patrick pat
peter pete
philip phil
phillip phil
rebecca becky
richard rick dick rich
robert rob bob bobby bert
ronald ron
samuel sam
samantha sam
stephen steve
steven steve
susan sue susie
theodore ted theo
thomas tom tommy
timothy tim
victoria vicky tori
william will bill billy
zachary zach
"""


def _pairs() -> frozenset[tuple[str, str]]:
    pairs = set()
    for line in _GROUPS.split("\n"):
        full, *short_forms = line.split() or [""]
        for short in short_forms:
            pairs.add((full, short))
            pairs.add((short, full))
    return frozenset(pairs)


#: (name, short form) both ways round.
NICKNAME_PAIRS: Final = _pairs()


def are_nicknames(a: str, b: str) -> bool:
    """Whether folded given names ``a`` and ``b`` are a name and its short form."""
    return (a, b) in NICKNAME_PAIRS
