"""Typed scenario sections: one dataclass per TOML table, checked field by field.

Each scenario section is a frozen dataclass whose fields carry their unit, a
constraint and a one-line description in ``metadata`` (built with :func:`key`).
:func:`parse_section` reads a TOML table into such a dataclass and raises
:class:`~ccbench.InputError` naming the dotted path, the value received and
what was expected: unknown keys, wrong types, negative rates, probabilities
outside [0, 1]. docs/scenarios.md lists the same fields; a test checks that
every field is documented there.
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from collections.abc import Mapping
from functools import cache
from typing import Any, TypeVar

from ccbench import InputError, shown_with_type

__all__ = [
    "CHECKS",
    "MAX_CONVERSATIONS",
    "MAX_HORIZON_H",
    "MAX_POOL_AGENTS",
    "check_number",
    "key",
    "parse_section",
    "section_fields",
    "section_to_dict",
]

T = TypeVar("T")

# Bounds of one run, so that a typo cannot start a simulation that never ends or fills
# the memory (docs/scenarios.md, "Bounds"): the horizon, the agents of one pool and the
# conversations the arrival rates promise over the horizon (checked in ._scenario).
#: Longest horizon of one run, h (366 days).
MAX_HORIZON_H = 366 * 24.0
#: Most agents in one pool.
MAX_POOL_AGENTS = 10_000
#: Most conversations the streams may be expected to bring over one run's horizon.
MAX_CONVERSATIONS = 2_000_000

# constraint name -> (predicate on a number, phrase for the error message)
CHECKS: dict[str, tuple[typing.Callable[[float], bool], str]] = {
    "any": (lambda v: True, "a number"),
    "nonneg": (lambda v: v >= 0, "a number >= 0"),
    "pos": (lambda v: v > 0, "a number > 0"),
    "prob": (lambda v: 0 <= v <= 1, "a probability in [0, 1]"),
    "hour": (lambda v: 0 <= v < 24, "an hour of the day in [0, 24)"),
    "ge1": (lambda v: v >= 1, "a number >= 1"),
    "horizon": (
        lambda v: 0 < v <= MAX_HORIZON_H,
        f"a number of hours in (0, {MAX_HORIZON_H:g}] (at most 366 days)",
    ),
    "agents": (lambda v: 1 <= v <= MAX_POOL_AGENTS, f"a number in 1..{MAX_POOL_AGENTS}"),
}


def key(default: Any = dataclasses.MISSING, *, doc: str, unit: str = "", check: str = "any") -> Any:
    """A scenario field: its default (none = required), description, unit and constraint."""
    meta = {"doc": doc, "unit": unit, "check": check}
    if isinstance(default, list | dict):
        frozen = default
        return dataclasses.field(default_factory=lambda: type(frozen)(frozen), metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def section_fields(cls: type) -> list[tuple[dataclasses.Field[Any], Any]]:
    """(field, resolved type) for every field of a section dataclass, in order."""
    hints = _hints(cls)
    return [(f, hints[f.name]) for f in dataclasses.fields(cls)]


def _fail(path: str, expected: str, value: Any) -> InputError:
    return InputError(f"scenario {path}: expected {expected}, got {shown_with_type(value)}")


def check_number(value: Any, path: str, check: str, want_int: bool) -> Any:
    """``value`` if it is a number (an int when ``want_int``) passing ``CHECKS[check]``,
    else InputError naming ``path``."""
    ok_type = isinstance(value, int) if want_int else isinstance(value, int | float)
    predicate, phrase = CHECKS[check]
    if want_int:
        phrase = phrase.replace("a number", "an integer")
    if isinstance(value, bool) or not ok_type or not math.isfinite(value) or not predicate(value):
        raise _fail(path, phrase, value)
    return value if want_int else float(value)


def _value(tp: Any, value: Any, path: str, check: str) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return None if value is None else _value(inner[0], value, path, check)
    if tp is bool:
        if not isinstance(value, bool):
            raise _fail(path, "true or false", value)
        return value
    if tp is int or tp is float:
        return check_number(value, path, check, tp is int)
    if tp is str:
        if not isinstance(value, str) or (check != "text" and not value.strip()):
            raise _fail(path, "a string" if check == "text" else "a non-empty string", value)
        return value
    if origin is list:
        (item,) = typing.get_args(tp)
        if not isinstance(value, list):
            raise _fail(path, "an array", value)
        return [_value(item, v, f"{path}[{i}]", check) for i, v in enumerate(value)]
    if origin is dict:
        _, item = typing.get_args(tp)
        if not isinstance(value, Mapping):
            raise _fail(path, "a table", value)
        return {str(k): _value(item, v, f"{path}.{k}", check) for k, v in value.items()}
    if dataclasses.is_dataclass(tp):
        return parse_section(tp, value, path)  # type: ignore[arg-type]
    raise TypeError(f"unsupported scenario field type {tp!r}")  # pragma: no cover


def parse_section(cls: type[T], data: Any, path: str) -> T:
    """Read ``data`` (a TOML table) into the dataclass ``cls``; InputError on any problem."""
    if not isinstance(data, Mapping):
        raise _fail(path, "a table", data)
    fields = section_fields(cls)
    names = {f.name for f, _ in fields}
    for name in data:
        if name not in names:
            raise InputError(
                f"scenario {path}.{name}: unknown key (value {shown_with_type(data[name])}); "
                f"expected one of {', '.join(sorted(names))}"
            )
    values: dict[str, Any] = {}
    for f, tp in fields:
        sub = f"{path}.{f.name}"
        if f.name in data:
            # Strings whose default is "" may be empty (empty means "not set").
            check = "text" if f.default == "" else f.metadata.get("check", "any")
            values[f.name] = _value(tp, data[f.name], sub, check)
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise InputError(f"scenario {sub}: required key is missing")
    return cls(**values)


def section_to_dict(obj: Any) -> Any:
    """The TOML-like dict form of a parsed section (None values dropped)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {
            f.name: section_to_dict(getattr(obj, f.name))
            for f in dataclasses.fields(obj)
            if getattr(obj, f.name) is not None
        }
    if isinstance(obj, list | tuple):
        return [section_to_dict(v) for v in obj]
    if isinstance(obj, dict):
        return {k: section_to_dict(v) for k, v in obj.items()}
    return obj
