"""The frozen dataclasses made for each entry, name or venue write out
their ``__init__``, so that mypyc compiles it (bib2pubs.model's note).
These tests hold each one to the ``__init__`` dataclasses itself would
generate: in its source (every field set once, in order, from the
parameter of its name), in its signature, and in what it makes, on twins
of each class made by dataclasses alone. They find the classes
themselves: a dataclass that writes out its ``__init__`` anywhere in the
package is held to them."""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import pickle
from functools import cache
from pathlib import Path
from types import FunctionType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bib2pubs import parallel
from bib2pubs.model import Diagnostic, Identifiers, Locators, Person, Publication, Venue
from bib2pubs.names.match import make_pattern
from bib2pubs.names.parts import NameParts, is_others, split_name
from bib2pubs.normalize import Normalizer
from bib2pubs.read.bibtex import RawEntry, parse_text
from bib2pubs.venues.classify import _read, _Reading
from bib2pubs.venues.parse import VenueString, parse_venue
from bib2pubs.venues.table import KnownVenue, builtin_table

PACKAGE = Path(__file__).resolve().parent.parent / "bib2pubs"


def _written_out() -> list[tuple[str, ast.ClassDef]]:
    """Every dataclass in the package's source whose body defines ``__init__``."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ClassDef):
                continue
            decorated = any("dataclass" in ast.unparse(each) for each in node.decorator_list)
            if decorated and any(isinstance(each, ast.FunctionDef) and each.name == "__init__" for each in node.body):
                found.append((module, node))
    return found


WRITTEN_OUT = _written_out()
CLASSES = {
    node.name: getattr(importlib.import_module(module), node.name) for module, node in WRITTEN_OUT
}  # fmt: skip


def test_the_classes_made_for_each_entry_write_out_their_init() -> None:
    # The classes a large file makes thousands of: each is made by C once compiled.
    made_per_entry = (Publication, Locators, Identifiers, Person, Venue, Diagnostic, RawEntry, NameParts)
    made_per_venue = (VenueString, KnownVenue)
    assert {cls.__name__ for cls in (*made_per_entry, *made_per_venue)} <= set(CLASSES)


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
    slotted = "__slots__" in vars(cls)
    return dataclasses.make_dataclass(cls.__name__, specs, frozen=True, slots=slotted)


def _values(instance: object) -> list[Any]:
    return [getattr(instance, each.name) for each in dataclasses.fields(instance)]  # type: ignore[arg-type]


def _same_annotation(written: ast.expr | None, declared: object) -> bool:
    if not isinstance(declared, str):
        # Compiled by mypyc, a field holds its type, not the text: the
        # pure run (every other test run) compares the texts.
        return written is not None
    return written is not None and ast.unparse(written) == ast.unparse(ast.parse(declared, mode="eval").body)


@pytest.mark.parametrize(("module", "node"), WRITTEN_OUT, ids=[node.name for _, node in WRITTEN_OUT])
def test_the_source_sets_every_field_once_in_order_from_its_parameter(module: str, node: ast.ClassDef) -> None:
    cls = CLASSES[node.name]
    every = dataclasses.fields(cls)
    init = next(each for each in node.body if isinstance(each, ast.FunctionDef) and each.name == "__init__")
    arguments = init.args
    assert not (arguments.posonlyargs or arguments.kwonlyargs or arguments.vararg or arguments.kwarg)
    assert [argument.arg for argument in arguments.args] == ["self", *(each.name for each in every)]
    for argument, each in zip(arguments.args[1:], every, strict=True):
        assert _same_annotation(argument.annotation, each.type), (each.name, ast.unparse(argument.annotation or node))
    assert len(arguments.defaults) == sum(each.default is not dataclasses.MISSING for each in every)
    defaulted = arguments.args[len(arguments.args) - len(arguments.defaults) :]
    written_defaults = {argument.arg: default for argument, default in zip(defaulted, arguments.defaults, strict=True)}
    for each in every:
        if each.default is dataclasses.MISSING:
            assert each.name not in written_defaults
            continue
        written = written_defaults[each.name]
        try:
            value = ast.literal_eval(written)
        except ValueError:  # made by a call: "Locators()"
            assert ast.unparse(written) == f"{type(each.default).__name__}()" and type(each.default)() == each.default
        else:  # the same value of the same type: 0 is not False, though equal
            assert (type(value), value) == (type(each.default), each.default), each.name
    assert all(each.default_factory is dataclasses.MISSING for each in every)  # no factory to write out
    # The one dataclasses would make is not made at all (the class is made faster).
    assert cls.__dataclass_params__.init is False
    # Its statements, comments and docstrings aside.
    statements = [
        each for each in init.body if not (isinstance(each, ast.Expr) and isinstance(each.value, ast.Constant))
    ]
    expected = [f"object.__setattr__(self, {each.name!r}, {each.name})" for each in every]
    assert [ast.unparse(statement) for statement in statements] == expected


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_the_signature_is_the_dataclasses_own(name: str) -> None:
    cls = CLASSES[name]
    if not isinstance(cls.__init__, FunctionType):  # compiled: its signature is (*args, **kwargs)
        pytest.skip(f"{name}.__init__ is compiled: the pure run compares its signature")
    ours = inspect.signature(cls.__init__)
    theirs = inspect.signature(_twin(cls).__init__)
    # Names, kinds, defaults and annotations: what help(), Sphinx and
    # typing.get_type_hints read (the return, None, postponed as a string).
    assert list(ours.parameters.values()) == list(theirs.parameters.values())
    # Parameters compare defaults by ==: 0 would pass for False.
    assert [type(each.default) for each in ours.parameters.values()] == [
        type(each.default) for each in theirs.parameters.values()
    ]
    assert ours.return_annotation in (None, "None") and theirs.return_annotation is None


_SAMPLE_BIB = r"""@string{jacm = {Journal of the ACM}}
@inproceedings{one, title = {On {LaTeX} and $x^2$}, author = {Jin, Chao$^*$ and Ana Li and others},
  booktitle = {Proceedings of NSDI 2024, Santa Clara, CA, April 16--18, 2024}, year = 2024, month = apr,
  pages = {1--10}, doi = {10.1/x}, keywords = {a; b}, abstract = {Text.}, note = {Best paper}}
@article{two, title = {Two}, editor = {van Beethoven, Ludwig}, journal = jacm, volume = 3, year = {19xx},
  number = 4, publisher = {ACM}, isbn = {978-0}, eprint = {2401.00002}, archiveprefix = {arXiv}}
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
        Locators: [pub.locators for pub in publications],
        Identifiers: [pub.identifiers for pub in publications],
        RawEntry: list(parsed.entries),
        NameParts: [split_name(name) for name in ("Chao Jin", "van Beethoven, Jr, Ludwig", "", "others")],
        VenueString: [parse_venue(text) for text in ("Proceedings of NSDI 2024, Santa Clara", "J. ACM", "")],
        KnownVenue: list(builtin_table().by_short.values())[:5],
        _Reading: [
            _read(kind, entry_type, fields, builtin_table(), server)
            for kind, entry_type, fields, server in (
                ("conference", "inproceedings", {"booktitle": "Proceedings of NSDI 2024, Santa Clara, CA"}, ""),
                ("journal", "article", {"journal": "J. ACM", "abbr": "JACM", "venueurl": "https://x.org"}, ""),
                ("preprint", "misc", {"journal": "CoRR"}, "arxiv"),
                ("thesis", "phdthesis", {"school": "MIT", "eventdate": "2024-04-16"}, ""),
            )
        ],
    }
    assert set(samples) == set(CLASSES.values()), "a class that writes out its __init__ needs samples here"
    assert all(samples.values()), samples
    return samples


@pytest.mark.parametrize("name", sorted(CLASSES))
@given(data=st.data())
def test_an_instance_holds_what_the_dataclasses_own_would(name: str, data: st.DataObject) -> None:
    cls = CLASSES[name]
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
    return each.default is not dataclasses.MISSING and bool(value == each.default)


def _outcome(cls: type, args: tuple[object, ...], kwargs: dict[str, object]) -> str:
    try:
        cls(*args, **kwargs)
    except TypeError:
        return "refused"
    return "made"


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_wrong_arguments_are_refused_alike(name: str) -> None:
    cls = CLASSES[name]
    twin = _twin(cls)
    count = len(dataclasses.fields(cls))
    calls = (
        ((None,) * (count + 1), {}),
        ((), {"no_such_field": 1}),
        ((None,), {dataclasses.fields(cls)[0].name: 1}),
    )
    outcomes = [(_outcome(cls, *call), _outcome(twin, *call)) for call in calls]
    assert outcomes == [("refused", "refused")] * 3
    required = sum(each.default is dataclasses.MISSING for each in dataclasses.fields(cls))
    assert _outcome(cls, (), {}) == _outcome(twin, (), {}) == ("refused" if required else "made")


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_frozen_stays_frozen_and_an_instance_comes_back_from_a_worker(name: str) -> None:
    cls = CLASSES[name]
    sample = _samples()[cls][0]
    first = dataclasses.fields(cls)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(sample, first, "changed")
    if cls in (Publication, Person, Venue, Locators, Identifiers, Diagnostic):
        # As a worker sends it back (parallel.dumps: plain pickle cannot
        # make a compiled frozen class again), it is made again by this
        # __init__. (The others stay in the process that made them.)
        assert pickle.loads(parallel.dumps(sample)) == sample
    assert getattr(dataclasses.replace(sample, **{first: getattr(sample, first)}), first) == getattr(sample, first)


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_a_subclass_with_a_property_for_a_field_is_refused_alike(name: str) -> None:
    cls = CLASSES[name]
    first = dataclasses.fields(cls)[0].name
    values = _values(_samples()[cls][0])
    if not isinstance(cls.__init__, FunctionType):  # compiled by mypyc: a class of Python cannot derive from it
        with pytest.raises(TypeError, match="cannot inherit from compiled"):
            type("Plain", (cls,), {})(*values)
        return
    plain = type("Plain", (cls,), {})(*values)
    assert _values(plain) == values
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


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_two_made_alike_are_equal(name: str) -> None:
    cls = CLASSES[name]
    for sample in _samples()[cls]:
        first, second = cls(*_values(sample)), cls(*_values(sample))
        assert first is not second and first == second


def test_the_package_compares_them_as_equal_values_too() -> None:
    # Compiled, the package's own code compares these classes: is_others
    # compares a NameParts just made with one made at import (with a
    # second class decorator, mypyc once compiled that "==" as "is").
    assert is_others("others") and not is_others("Others") and not is_others("{others}")
