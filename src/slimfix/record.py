"""Value classes that are cheap to define: ``@record`` instead of ``@dataclass(frozen=True)``.

``@record`` gives a class with annotated fields what ``@dataclass(frozen=True)`` would: an
``__init__`` taking the fields in order (inherited fields first, defaults allowed, ``field()``
for factories and for fields left out of comparisons or the repr), read-only attributes, a
``__repr__`` and, unless ``eq=False``, ``__eq__``/``__hash__`` over the compared fields. ``frozen=False`` allows
assignment; ``order=True`` adds ``<``, ``<=``, ``>``, ``>=``. ``replace``, ``fields`` and ``as_dict``
mirror ``replace``, ``fields`` and ``asdict`` of ``dataclasses``.

Why not dataclasses: defining one compiles four to six methods from source (about 0.6 ms a
class), and slimfix defines about a hundred value classes when it starts, which alone took half
of the cold-start budget. Here only ``__init__`` is compiled, once per class, when the class is
first instantiated; the other methods are shared functions.
"""

from __future__ import annotations

from operator import attrgetter, ge, gt, le, lt
from typing import Any, Callable, Dict, Optional, Tuple

__all__ = ["FrozenError", "Field", "as_dict", "cached_property", "field", "fields", "record", "replace"]

_MISSING: Any = object()


class FrozenError(AttributeError):
    """Assignment to a field of a frozen record."""


class Field:
    __slots__ = ("name", "default", "default_factory", "compare", "repr")

    def __init__(self, default: Any = _MISSING, default_factory: Any = _MISSING, compare: bool = True,
                 repr: bool = True) -> None:
        if default is not _MISSING and default_factory is not _MISSING:
            raise ValueError("cannot specify both default and default_factory")
        self.name = ""
        self.default = default
        self.default_factory = default_factory
        self.compare = compare
        self.repr = repr

    @property
    def required(self) -> bool:
        return self.default is _MISSING and self.default_factory is _MISSING

    def __repr__(self) -> str:
        return f"Field({self.name!r})"


def field(*, default: Any = _MISSING, default_factory: Optional[Callable[[], Any]] = None,
          compare: bool = True, repr: bool = True) -> Any:
    """A field with a default factory, or left out of ``==``/``hash`` or of ``repr``."""
    return Field(default, _MISSING if default_factory is None else default_factory, compare, repr)


def record(cls: Optional[type] = None, *, eq: bool = True, frozen: bool = True, order: bool = False) -> Any:
    """Class decorator; see the module docstring. ``order=True`` adds ``<`` and friends over the
    compared fields, as in dataclasses."""

    def wrap(cls: type) -> type:
        return _make(cls, eq or order, frozen, order)

    return wrap if cls is None else wrap(cls)


def fields(obj: Any) -> Tuple[Field, ...]:
    """The fields of a record class or instance, in ``__init__`` order."""
    return tuple(obj.__record_fields__.values())


def replace(obj: Any, **changes: Any) -> Any:
    """A copy of ``obj`` with some fields changed (through ``__init__``, like ``dataclasses.replace``)."""
    values = {name: getattr(obj, name) for name in obj.__record_fields__}
    values.update(changes)
    return obj.__class__(**values)


class cached_property:  # noqa: N801 - named like functools.cached_property, which it replaces
    """``functools.cached_property`` without its lock (Python < 3.12 takes a lock on every first
    access, a measurable cost when millions of values are worked out). The value is stored in
    the instance's ``__dict__``, which then answers every later read directly; frozen records
    allow this as they allow functools' version."""

    def __init__(self, func: Callable[[Any], Any]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: Optional[type] = None) -> Any:
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.func(instance)
        return value


def as_dict(obj: Any) -> Any:
    """``dataclasses.asdict`` for records: a dict of the fields, with the records, lists, tuples
    and dicts inside them converted too."""
    if hasattr(type(obj), "__record_fields__"):
        return {name: as_dict(getattr(obj, name)) for name in obj.__record_fields__}
    if isinstance(obj, (list, tuple)):
        return type(obj)(as_dict(item) for item in obj)
    if isinstance(obj, dict):
        return {as_dict(key): as_dict(value) for key, value in obj.items()}
    return obj


def _make(cls: type, eq: bool, frozen: bool, order: bool) -> type:
    specs: Dict[str, Field] = {}
    for base in reversed(cls.__mro__[1:]):
        specs.update(base.__dict__.get("__record_fields__", {}))
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():
        if str(annotation).startswith(("ClassVar", "typing.ClassVar")):
            continue
        value = cls.__dict__.get(name, _MISSING)
        spec = value if isinstance(value, Field) else Field(value)
        spec.name = name
        if isinstance(value, Field):
            if spec.default is _MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, spec.default)
        specs[name] = spec
    seen_default = ""
    for spec in specs.values():
        if not spec.required:
            seen_default = spec.name
        elif seen_default:
            raise TypeError(f"{cls.__name__}: field {spec.name!r} without a default follows {seen_default!r}")
    cls.__record_fields__ = specs  # type: ignore[attr-defined]
    cls.__init__ = _lazy_init(cls)  # type: ignore[misc]
    if "__repr__" not in cls.__dict__:
        cls.__repr__ = _repr  # type: ignore[assignment]
    if eq:
        compared = [name for name, spec in specs.items() if spec.compare]
        cls.__record_key__ = attrgetter(*compared) if compared else staticmethod(_no_key)  # type: ignore[attr-defined]
        cls.__eq__ = _eq  # type: ignore[assignment]
        cls.__hash__ = _hash if frozen else None  # type: ignore[assignment]
    if order:
        cls.__lt__, cls.__le__, cls.__gt__, cls.__ge__ = _ORDER  # type: ignore[assignment]
    if frozen:
        cls.__setattr__ = _refuse_set  # type: ignore[assignment]
        cls.__delattr__ = _refuse_delete  # type: ignore[assignment]
    return cls


def _lazy_init(cls: type) -> Callable[..., None]:
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        compiled = _compile_init(cls)
        cls.__init__ = compiled  # type: ignore[misc]
        compiled(self, *args, **kwargs)

    return __init__


def _compile_init(cls: type) -> Callable[..., None]:
    """The fields go into a dictionary built in one step and set as the instance's ``__dict__``:
    fewer instructions than filling ``self.__dict__`` field by field, and faster reads after."""
    namespace: Dict[str, Any] = {"_MISSING": _MISSING, "_set": object.__setattr__}
    params, body, items = ["self"], [], []
    for i, (name, spec) in enumerate(cls.__record_fields__.items()):  # type: ignore[attr-defined]
        if spec.default is not _MISSING:
            namespace[f"_d{i}"] = spec.default
            params.append(f"{name}=_d{i}")
        elif spec.default_factory is not _MISSING:
            namespace[f"_f{i}"] = spec.default_factory
            params.append(f"{name}=_MISSING")
            body.append(f" if {name} is _MISSING: {name} = _f{i}()")
        else:
            params.append(name)
        items.append(f"{name!r}: {name}")
    body.append(f" _set(self, '__dict__', {{{', '.join(items)}}})")
    source = f"def __init__({', '.join(params)}):\n" + "\n".join(body) + "\n"
    exec(compile(source, f"<record {cls.__qualname__}>", "exec"), namespace)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


def _no_key(obj: Any) -> tuple:
    return ()


def _repr(self: Any) -> str:
    args = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in self.__record_fields__.values() if f.repr)
    return f"{self.__class__.__qualname__}({args})"


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is self.__class__:
        return self.__record_key__(self) == other.__record_key__(other)
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(self.__record_key__(self))


def _comparison(compare: Callable[[Any, Any], bool]) -> Callable[[Any, Any], Any]:
    def method(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return compare(self.__record_key__(self), other.__record_key__(other))
        return NotImplemented

    return method


_ORDER = tuple(_comparison(c) for c in (lt, le, gt, ge))


def _refuse_set(self: Any, name: str, value: Any) -> None:
    raise FrozenError(f"cannot assign to field {name!r} of a frozen {self.__class__.__name__}")


def _refuse_delete(self: Any, name: str) -> None:
    raise FrozenError(f"cannot delete field {name!r} of a frozen {self.__class__.__name__}")
