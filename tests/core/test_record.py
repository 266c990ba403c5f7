"""slimfix.record behaves like the dataclass features it replaces."""

from __future__ import annotations

import copy
import pickle
from typing import ClassVar, List, Tuple

import pytest

from slimfix.record import FrozenError, cached_property, field, fields, record, replace


@record
class Point:
    x: int
    y: int = 0
    label: str = field(default="", compare=False)


@record
class Point3(Point):
    z: int = 0
    kind: ClassVar[str] = "3d"


@record(eq=False)
class Box:
    items: Tuple[int, ...] = ()

    @cached_property
    def total(self) -> int:
        return sum(self.items)


@record(frozen=False)
class Bag:
    name: str
    things: List[str] = field(default_factory=list)
    secret: dict = field(default_factory=dict, repr=False)


@record(order=True)
class Version:
    major: int
    minor: int = 0


def test_init_positional_keyword_and_defaults():
    assert (Point(1).x, Point(1).y, Point(1).label) == (1, 0, "")
    p = Point(2, y=3, label="a")
    assert (p.x, p.y, p.label) == (2, 3, "a")
    with pytest.raises(TypeError):
        Point()
    with pytest.raises(TypeError):
        Point(1, 2, "a", 4)


def test_inherited_fields_come_first_and_classvars_are_not_fields():
    p = Point3(1, 2, "l", 3)
    assert [f.name for f in fields(p)] == ["x", "y", "label", "z"]
    assert Point3.kind == "3d"


def test_frozen_refuses_assignment_and_deletion():
    p = Point(1)
    with pytest.raises(FrozenError):
        p.x = 2  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del p.y
    assert p.x == 1


def test_value_equality_and_hash_skip_uncompared_fields():
    assert Point(1, 2, "a") == Point(1, 2, "b")
    assert hash(Point(1, 2, "a")) == hash(Point(1, 2, "b"))
    assert Point(1, 2) != Point(1, 3)
    assert Point(1, 2) != Point3(1, 2)  # another class is never equal
    assert {Point(1): "a"}[Point(1)] == "a"


def test_eq_false_compares_by_identity_and_allows_cached_property():
    a, b = Box((1, 2)), Box((1, 2))
    assert a != b and a == a
    assert a.total == 3 and vars(a)["total"] == 3  # worked out once, then read from the instance
    assert Box.total.__doc__ is None and isinstance(Box.__dict__["total"], cached_property)


def test_cached_property_computes_once():
    calls = []

    class Lazy:
        @cached_property
        def value(self):
            """The answer."""
            calls.append(1)
            return 42

    obj = Lazy()
    assert obj.value == 42 and obj.value == 42 and calls == [1]
    assert Lazy.value.__doc__ == "The answer."


def test_not_frozen_allows_assignment_and_factories_give_fresh_objects():
    a, b = Bag("a"), Bag("b")
    a.things.append("x")
    assert b.things == [] and a.things == ["x"]
    a.name = "c"
    assert a.name == "c"
    with pytest.raises(TypeError):
        hash(a)  # mutable with value equality: unhashable, as with dataclasses


def test_repr_lists_fields_except_hidden_ones():
    assert repr(Point(1, 2, "a")) == "Point(x=1, y=2, label='a')"
    assert repr(Bag("n")) == "Bag(name='n', things=[])"


def test_replace_makes_a_changed_copy():
    p = Point(1, 2, "a")
    q = replace(p, y=5)
    assert (q.x, q.y, q.label) == (1, 5, "a") and p.y == 2
    with pytest.raises(TypeError):
        replace(p, nope=1)


def test_order():
    assert Version(1, 2) < Version(1, 10) <= Version(1, 10) < Version(2)
    assert sorted([Version(2), Version(1, 5), Version(1)]) == [Version(1), Version(1, 5), Version(2)]
    assert Version(3) > Version(2, 9) >= Version(2, 9)


def test_pickle_and_copy_round_trip():
    for obj in (Point3(1, 2, "a", 3), Bag("x", ["y"])):
        for clone in (pickle.loads(pickle.dumps(obj)), copy.deepcopy(obj), copy.copy(obj)):
            assert clone == obj and clone is not obj


def test_field_without_default_after_one_with_default_is_refused():
    with pytest.raises(TypeError, match="without a default"):

        @record
        class Bad:
            a: int = 0
            b: int  # type: ignore[misc]


def test_field_with_default_and_factory_is_refused():
    with pytest.raises(ValueError):
        field(default=1, default_factory=list)
