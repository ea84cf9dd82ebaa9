"""The hottest frozen dataclasses are built by ``model.set_through_slots``:
an ``__init__`` with the dataclass's own parameters and defaults, which
sets each slot directly. These tests hold it to the ``__init__``
dataclasses itself writes, on twins of each class made without it."""

from __future__ import annotations

import dataclasses
import inspect
import pickle
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bib2pubs.model import Diagnostic, Person, Publication, Venue, set_through_slots
from bib2pubs.names.parts import NameParts, is_others
from bib2pubs.read.bibtex import RawEntry
from bib2pubs.venues.parse import VenueString

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
    ours = inspect.signature(cls.__init__)  # type: ignore[misc]
    theirs = inspect.signature(_twin(cls).__init__)  # type: ignore[misc]
    assert [(p.name, p.kind) for p in ours.parameters.values()] == [
        (p.name, p.kind) for p in theirs.parameters.values()
    ]
    # Defaults alike; a factory's is shown as dataclasses shows it.
    assert [repr(p.default) for p in ours.parameters.values()] == [repr(p.default) for p in theirs.parameters.values()]
    assert cls.__init__.__qualname__ == f"{cls.__qualname__}.__init__"  # type: ignore[misc]


# Any values: the classes do not check their fields' types.
_ANY = st.one_of(st.none(), st.integers(), st.text(max_size=5), st.tuples(st.integers()), st.booleans())


@pytest.mark.parametrize("cls", BUILT_THROUGH_SLOTS, ids=lambda cls: cls.__name__)
@given(data=st.data())
def test_an_instance_holds_what_the_dataclasses_own_would(cls: type, data: st.DataObject) -> None:
    twin = _twin(cls)
    every = dataclasses.fields(cls)
    required = [
        each for each in every if each.default is dataclasses.MISSING and each.default_factory is dataclasses.MISSING
    ]
    given_count = data.draw(st.integers(len(required), len(every)))
    values = [data.draw(_ANY) for _ in range(given_count)]
    by_keyword = data.draw(st.integers(0, given_count))  # the last ones as keywords
    positional = values[: given_count - by_keyword]
    keywords = {
        each.name: value
        for each, value in zip(every[len(positional) : given_count], values[len(positional) :], strict=True)
    }
    ours, theirs = cls(*positional, **keywords), twin(*positional, **keywords)
    assert _values(ours) == _values(theirs)
    assert ours == cls(*_values(theirs))
    try:
        expected = hash(theirs)
    except TypeError:  # a field holds a dict: neither hashes
        with pytest.raises(TypeError):
            hash(ours)
    else:
        assert hash(ours) == expected


@pytest.mark.parametrize("cls", BUILT_THROUGH_SLOTS, ids=lambda cls: cls.__name__)
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
    calls = (((), {}), ((None,) * (count + 1), {}), ((), {"no_such_field": 1}), ((None,), {cls.__slots__[0]: 1}))
    outcomes = [(_outcome(cls, *call), _outcome(twin, *call)) for call in calls]
    assert all(ours == theirs for ours, theirs in outcomes), outcomes
    assert [ours for ours, _ in outcomes][1:] == ["refused"] * 3


def test_a_factory_default_is_made_for_each_instance_and_frozen_stays_frozen() -> None:
    first, second = RawEntry("misc", "a", {}, "x.bib", 1), RawEntry("misc", "b", {}, "x.bib", 2)
    assert first.field_lines == {} and first.field_lines is not second.field_lines
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.key = "c"  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(first)) == first
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

    for cls in (Unslotted, Unfrozen, Checked, KeywordsOnly, NotInitialized, dict):
        with pytest.raises(TypeError):
            set_through_slots(cls)


@pytest.mark.parametrize("cls", BUILT_THROUGH_SLOTS, ids=lambda cls: cls.__name__)
def test_two_made_alike_are_equal(cls: type) -> None:
    values = [f"v{index}" for index in range(len(dataclasses.fields(cls)))]
    first, second = cls(*values), cls(*values)
    assert first is not second and first == second


def test_the_package_compares_them_as_equal_values_too() -> None:
    # Compiled, the package's own code compares these classes: is_others
    # compares a NameParts just made with one made at import. With the
    # __init__ set by a class decorator, mypyc compiled that "==" as "is".
    assert is_others("others") and not is_others("Others") and not is_others("{others}")
