"""The one set of value rules: URL text -> value, and typed value -> checked value.

Every query API decodes its strings here (oracle, backend, CLI, load
harness), and the oracle's typed Python API checks its values with the same
:func:`check_value`, so a value is accepted or refused, and rendered in the
error, the same way everywhere (docs/metrics.md "Errors of every query API").
"""

from __future__ import annotations

import json
import math
import numbers
import operator
import re
from collections.abc import Iterable, Mapping, Sequence

from .._errors import ParameterError, shown_with_type
from ._spec import MAX_INTEGER, Parameter

__all__ = ["Value", "as_integer", "check_value", "decode_text"]

#: A checked value: an integer, a number, a string, ids, names, (kpi, limit) pairs, JSON items.
Value = (
    int
    | float
    | str
    | tuple[int, ...]
    | tuple[str, ...]
    | tuple[tuple[str, float], ...]
    | tuple[object, ...]
)

# ASCII digits only: int() would also take Arabic-Indic or full-width digits and "1_0".
_DIGITS = re.compile(r"[0-9]+")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?")
# 2**63 - 1 has 19 digits: a longer text (after leading zeros) is out of range before
# int() is asked, which refuses texts over 4300 digits with a ValueError.
_MAX_DIGITS = len(str(MAX_INTEGER))


def _fail(p: Parameter, value: object, detail: str = "") -> ParameterError:
    # One rendering of a bad value everywhere: ccbench.shown_with_type (repr, cut at 80 characters).
    if detail:
        return ParameterError(
            p.name, f"{detail} {shown_with_type(value)}; expected {p.expectation()}"
        )
    return ParameterError(p.name, f"expected {p.expectation()}, got {shown_with_type(value)}")


def _digits(text: str) -> int | None:
    significant = text.lstrip("0")
    if not _DIGITS.fullmatch(text) or len(significant) > _MAX_DIGITS:
        return None
    return int(significant or "0")


def _items(p: Parameter, text: str) -> list[str]:
    items = [item.strip() for item in text.split(",")]
    if any(not item for item in items):
        raise _fail(p, text, "an empty item in")
    return items


def decode_text(p: Parameter, texts: Sequence[str]) -> object:
    """The typed value of parameter ``p`` from its query-string values (already trimmed).

    The result still goes through :func:`check_value` (bounds, choices).
    ``texts`` has one element unless ``p.repeatable``.
    """
    text = texts[0]
    if p.kind == "integer":
        value = _digits(text)
        if value is None:
            raise _fail(p, text)
        return value
    if p.kind == "number":
        if not _NUMBER.fullmatch(text):
            raise _fail(p, text)
        return float(text)
    if p.kind in ("ids", "names"):
        if p.all_keyword and text == "all":
            return "all"
        items = _items(p, text)
        if p.kind == "names":
            return items
        ids = []
        for item in items:
            number = _digits(item)
            if number is None:
                raise _fail(p, item, "a bad item")
            ids.append(number)
        return ids
    if p.kind == "threshold":
        pairs: list[tuple[str, float]] = []
        for one in texts:
            kpi, sep, limit = one.partition(":")
            kpi, limit = kpi.strip(), limit.strip()
            if not sep or not _NUMBER.fullmatch(limit):
                raise _fail(p, one)
            pairs.append((kpi, float(limit)))
        return pairs
    if p.kind == "json":
        try:
            return json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise _fail(p, text, f"not JSON ({exc}):") from None
    return text


def as_integer(value: object) -> int | None:
    """``value`` as an int when it is an integer (not a bool; numpy integers too), else None."""
    if isinstance(value, bool):
        return None
    try:
        return operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        return None


def _bounded_integer(p: Parameter, value: object) -> int:
    number = as_integer(value)
    high = MAX_INTEGER if p.high is None else p.high
    if number is None or (p.low is not None and number < p.low) or number > high:
        raise _fail(p, value)
    return number


def _bounded_number(p: Parameter, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise _fail(p, value)
    number = float(value)
    if (
        not math.isfinite(number)
        or (p.low is not None and number < p.low)
        or (p.high is not None and number > p.high)
    ):
        raise _fail(p, value)
    return number


def _ids(p: Parameter, value: object) -> tuple[int, ...] | str:
    if p.all_keyword and value == "all":
        return "all"
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise _fail(p, value)
    ids = set()
    for item in value:
        number = as_integer(item)
        if number is None or not 0 <= number <= MAX_INTEGER:
            raise _fail(p, item, "a bad id")
        ids.add(number)
    if not ids:
        raise _fail(p, value, "an empty list")
    return tuple(sorted(ids))


def _names(p: Parameter, value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if isinstance(value, bytes | Mapping) or not isinstance(value, Iterable):
        raise _fail(p, value)
    chosen = set(p.always)
    items = list(value)
    if not items:
        raise _fail(p, value, "an empty list")
    for item in items:
        if p.all_keyword and item == "all":
            chosen.update(p.choices)
        elif item in p.choices:
            chosen.add(item)
        else:
            raise _fail(p, item, "an unknown name")
    return tuple(name for name in p.choices if name in chosen)


def _thresholds(p: Parameter, value: object) -> tuple[tuple[str, float], ...]:
    if isinstance(value, Mapping):
        value = list(value.items())
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise _fail(p, value)
    limits: dict[str, float] = {}
    for item in value:
        if not isinstance(item, tuple) or len(item) != 2:
            raise _fail(p, item)
        kpi, limit = item
        if kpi not in p.choices:
            raise _fail(p, kpi, "an unknown KPI")
        if kpi in limits:
            raise _fail(p, kpi, "a KPI given more than once:")
        if isinstance(limit, bool) or not isinstance(limit, numbers.Real):
            raise _fail(p, limit, f"a limit of {kpi} that is not a number:")
        if not math.isfinite(limit):
            raise _fail(p, limit, f"a limit of {kpi} that is not finite:")
        limits[kpi] = float(limit)
    return tuple((kpi, limits[kpi]) for kpi in p.choices if kpi in limits)


def check_value(p: Parameter, value: object) -> Value:
    """``value`` checked against ``p``'s kind, bounds and choices, in canonical form.

    Integers come back as ``int``, numbers as ``float``, ids as a sorted
    tuple without repeats (or ``"all"``), names as a tuple in ``p.choices``
    order with ``p.always`` added (``all`` selects every choice), thresholds
    as ``(kpi, limit)`` pairs in KPI order, JSON lists as tuples. Raises
    :class:`ccbench.ParameterError` naming ``p``.
    """
    if p.kind == "integer":
        return _bounded_integer(p, value)
    if p.kind == "number":
        return _bounded_number(p, value)
    if p.kind == "ids":
        return _ids(p, value)
    if p.kind == "names":
        return _names(p, value)
    if p.kind == "threshold":
        return _thresholds(p, value)
    if p.kind == "json":
        if not isinstance(value, list | tuple):
            raise _fail(p, value)
        return tuple(value)
    if not isinstance(value, str):
        raise _fail(p, value)
    if p.kind == "choice":
        if value not in p.choices:
            raise _fail(p, value)
    elif p.kind == "pattern":
        if not (p.all_keyword and value == "all") and not re.fullmatch(p.pattern or "", value):
            raise _fail(p, value)
    elif not value:
        raise _fail(p, value)
    return value
