"""The hottest frozen dataclasses are built by ``model.set_through_slots``:
an ``__init__`` with the dataclass's own parameters and defaults, which
sets each slot directly. These tests hold it to the ``__init__``
dataclasses itself writes, on twins of each class made without it."""

from __future__ import annotations

import dataclasses
import inspect
import pickle
from functools import cache
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bib2pubs import parallel
from bib2pubs.model import Diagnostic, Person, Publication, Venue, set_through_slots
from bib2pubs.names.match import make_pattern
from bib2pubs.names.parts import NameParts, is_others, split_name
from bib2pubs.normalize import Normalizer
from bib2pubs.read.bibtex import RawEntry, parse_text
from bib2pubs.venues.parse import VenueString, parse_venue
from bib2pubs.venues.table import builtin_table

BUILT_THROUGH_SLOTS = (Diagnostic, Person, Venue, Publication, RawEntry, NameParts, VenueString)


def _twin(cls: type) -> type:
    """``cls`` as dataclasses alone makes it: the same fields and defaults."""
    specs = []
    for each in dataclasses.fields(cls):
        if each.default is not dataclasses.MISSING:
            specs.append((each.name, each.type, dataclasses.field(default=each.default)))
        elif each.default_factory is not dataclasses.MISSING:
            specs.append((each.name, each.type, dataclasses.field(default_factory=each.default_factory)))
        else:
            specs.append((each.name, each.type))
    return dataclasses.make_dataclass(cls.__name__, specs, frozen=True, slots=True)


def _values(instance: object) -> list[Any]:
    return [getattr(instance, each.name) for each in dataclasses.fields(instance)]  # type: ignore[arg-type]


@pytest.mark.parametrize("cls", BUILT_THROUGH_SLOTS, ids=lambda cls: cls.__name__)
def test_the_parameters_are_the_dataclasses_own(cls: type) -> None:
    assert cls.__init__.__code__.co_filename == "<string>"  # type: ignore[misc]
    # Names, kinds, defaults (a factory's shown as dataclasses shows it)
    # and annotations: what help(), Sphinx and typing.get_type_hints read.
    assert str(inspect.signature(cls.__init__)) == str(inspect.signature(_twin(cls).__init__))  # type: ignore[misc]
    assert cls.__init__.__annotations__ == _twin(cls).__init__.__annotations__  # type: ignore[misc]
    assert cls.__init__.__qualname__ == f"{cls.__qualname__}.__init__"  # type: ignore[misc]


_SAMPLE_BIB = r"""@string{jacm = {Journal of the ACM}}
@inproceedings{one, title = {On {LaTeX} and $x^2$}, author = {Jin, Chao$^*$ and Ana Li and others},
  booktitle = {Proceedings of NSDI 2024, Santa Clara, CA, April 16--18, 2024}, year = 2024, month = apr,
  pages = {1--10}, doi = {10.1/x}, keywords = {a; b}, abstract = {Text.}, note = {Best paper}}
@article{two, title = {Two}, editor = {van Beethoven, Ludwig}, journal = jacm, volume = 3, year = {19xx}}
@misc{three, title = {}, author = {{Chao Jin} and Bo Wu 0001}, howpublished = {arXiv:2401.00001}}
"""


@cache
def _samples() -> dict[type, list[object]]:
    """Instances of each class as the package makes them: values of the
    types compiled classes require (they refuse others, as they must)."""
    parsed = parse_text(_SAMPLE_BIB, "s.bib")
    publications, diagnostics = Normalizer((make_pattern("Chao Jin", "self"),), "full", builtin_table()).all(
        parsed.entries
    )
    samples: dict[type, list[object]] = {
        Diagnostic: [*parsed.diagnostics, *diagnostics, Diagnostic("f.bib", None, None, "error", "m")],
        Publication: list(publications),
        Person: [person for pub in publications for person in (*pub.authors, *pub.editors)],
        Venue: [pub.venue for pub in publications],
        RawEntry: list(parsed.entries),
        NameParts: [split_name(name) for name in ("Chao Jin", "van Beethoven, Jr, Ludwig", "", "others")],
        VenueString: [parse_venue(text) for text in ("Proceedings of NSDI 2024, Santa Clara", "J. ACM", "")],
    }
    assert all(samples.values()), samples
    return samples


@pytest.mark.parametrize("cls", BUILT_THROUGH_SLOTS, ids=lambda cls: cls.__name__)
@given(data=st.data())
def test_an_instance_holds_what_the_dataclasses_own_would(cls: type, data: st.DataObject) -> None:
    original = data.draw(st.sampled_from(_samples()[cls]))
    values = _values(original)
    every = dataclasses.fields(cls)
    # Trailing fields left out where they hold their default.
    given_count = len(every)
    while given_count and _holds_default(every[given_count - 1], values[given_count - 1]):
        if not data.draw(st.booleans()):
            break
        given_count -= 1
    by_keyword = data.draw(st.integers(0, given_count))  # the last ones as keywords
    positional = values[: given_count - by_keyword]
    keywords = {each.name: values[index] for index, each in enumerate(every) if len(positional) <= index < given_count}
    ours, theirs = cls(*positional, **keywords), _twin(cls)(*positional, **keywords)
    assert _values(ours) == _values(theirs) == values
    assert ours == original
    try:
        expected = hash(original)
    except TypeError:  # a field holds a dict: neither hashes
        with pytest.raises(TypeError):
            hash(ours)
    else:
        assert hash(ours) == expected


def _holds_default(each: dataclasses.Field[Any], value: object) -> bool:
    if each.default is not dataclasses.MISSING:
        return bool(value == each.default)
    if each.default_factory is not dataclasses.MISSING:
        return bool(value == each.default_factory())
    return False


def _outcome(cls: type, args: tuple[object, ...], kwargs: dict[str, object]) -> str:
    try:
        cls(*args, **kwargs)
    except TypeError:
        return "refused"
    return "made"


@pytest.mark.parametrize("cls", BUILT_THROUGH_SLOTS, ids=lambda cls: cls.__name__)
def test_wrong_arguments_are_refused_alike(cls: type) -> None:
    twin = _twin(cls)
    count = len(dataclasses.fields(cls))
    calls = (
        ((), {}),
        ((None,) * (count + 1), {}),
        ((), {"no_such_field": 1}),
        ((None,), {dataclasses.fields(cls)[0].name: 1}),
    )
    outcomes = [(_outcome(cls, *call), _outcome(twin, *call)) for call in calls]
    assert all(ours == theirs for ours, theirs in outcomes), outcomes
    assert [ours for ours, _ in outcomes][1:] == ["refused"] * 3


def test_a_factory_default_is_made_for_each_instance_and_frozen_stays_frozen() -> None:
    first, second = RawEntry("misc", "a", {}, "x.bib", 1), RawEntry("misc", "b", {}, "x.bib", 2)
    assert first.field_lines == {} and first.field_lines is not second.field_lines
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.key = "c"  # type: ignore[misc]
    # As a worker sends it back (parallel.dumps: plain pickle cannot make
    # a compiled frozen class again), it is made again by this __init__.
    assert pickle.loads(parallel.dumps(first)) == first
    assert dataclasses.replace(first, key="c").key == "c"


def test_only_a_frozen_slotted_dataclass_without_post_init_is_taken() -> None:
    @dataclasses.dataclass(frozen=True)
    class Unslotted:
        a: int

    @dataclasses.dataclass(slots=True)
    class Unfrozen:
        a: int

    @dataclasses.dataclass(frozen=True, slots=True)
    class Checked:
        a: int

        def __post_init__(self) -> None:
            pass

    @dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
    class KeywordsOnly:
        a: int

    @dataclasses.dataclass(frozen=True, slots=True)
    class NotInitialized:
        a: int = dataclasses.field(default=0, init=False)

    @dataclasses.dataclass(frozen=True, slots=True)
    class WithInitVar:
        a: int
        b: dataclasses.InitVar[int]

    @dataclasses.dataclass(frozen=True, slots=True)
    class NamedSelf:
        self: int

    @dataclasses.dataclass(frozen=True, slots=True)
    class Underscored:
        _a: int

    for cls in (Unslotted, Unfrozen, Checked, KeywordsOnly, NotInitialized, WithInitVar, NamedSelf, Underscored, dict):
        with pytest.raises(TypeError):
            set_through_slots(cls)


@pytest.mark.parametrize("cls", BUILT_THROUGH_SLOTS, ids=lambda cls: cls.__name__)
def test_a_subclass_is_made_as_dataclasses_makes_it(cls: type) -> None:
    # Its fields may be properties, which the slots' own setters would pass by.
    first = dataclasses.fields(cls)[0].name
    values = _values(_samples()[cls][0])
    try:
        plain = type("Plain", (cls,), {})(*values)
    except TypeError as error:  # compiled by mypyc: a class of Python cannot derive from it
        refused = str(error)
        plain = None
    if plain is None:
        assert "cannot inherit from compiled" in refused
        return
    outcomes = []
    for base in (cls, _twin(cls)):
        sub = type("Sub", (base,), {first: property(lambda self: "shown")})
        try:
            sub(*values)
        except AttributeError as error:
            outcomes.append(("refused", "no setter" in str(error)))
        else:
            outcomes.append(("made", True))
    assert outcomes[0] == outcomes[1] == ("refused", True)
    assert _values(plain) == values


@pytest.mark.parametrize("cls", BUILT_THROUGH_SLOTS, ids=lambda cls: cls.__name__)
def test_two_made_alike_are_equal(cls: type) -> None:
    for sample in _samples()[cls]:
        first, second = cls(*_values(sample)), cls(*_values(sample))
        assert first is not second and first == second


def test_the_package_compares_them_as_equal_values_too() -> None:
    # Compiled, the package's own code compares these classes: is_others
    # compares a NameParts just made with one made at import. With the
    # __init__ set by a class decorator, mypyc compiled that "==" as "is".
    assert is_others("others") and not is_others("Others") and not is_others("{others}")
