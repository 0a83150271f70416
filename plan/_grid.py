"""Parameter grids: ``--vary KEY=START:STOP:STEP`` specs, their product, applying a point.

A KEY is a dotted path into the resolved scenario document (``Scenario.to_dict()``, the
TOML file after ``extends``). Tables are entered by key; arrays of tables by index
(``pools.0.count``) or by the element's ``name``, ``id`` or ``agent_id``
(``pools.agent.count``, ``streams.chat.rate_per_hour``, ``bots.9000.containment``,
``modes.chat.patience.mean_s``). Four ``scale.*`` keys multiply several values of the
base scenario at once (the base values, whatever else is varied):

- ``scale.arrivals``: every ``streams[].rate_per_hour``;
- ``scale.handle``: every ``modes.<channel>.handle`` time (mean_s, sd_s, values_s) of
  chat and calls (messaging has none: its durations follow its turns);
- ``scale.patience``: every ``modes.<channel>.patience`` time;
- ``scale.staff``: every non-manager ``pools[].count`` (rounded, at least 1).

Ranges include STOP when it lies on the grid (START + k * STEP, to 1e-9 relative).
Integer START, STOP and STEP give integers; an integer parameter (a pool count) only
accepts integers.
"""

from __future__ import annotations

import copy
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ccbench import ParameterError

__all__ = ["SCALES", "Vary", "apply_point", "expand_grid", "parse_vary", "resolve_path"]

Number = int | float

SCALES = ("arrivals", "handle", "patience", "staff")
# Keys by which an element of an array of tables can be addressed, in order of preference.
_ELEMENT_KEYS = ("name", "id", "agent_id")


@dataclass(frozen=True, slots=True)
class Vary:
    """One varied parameter: its dotted path and the values it takes, in order."""

    key: str
    values: tuple[Number, ...]


def _number(text: str, what: str, spec: str) -> Number:
    text = text.strip()
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        raise ParameterError(
            "vary", f"{what} of {spec!r}: expected a number, got {text!r}"
        ) from None
    if not math.isfinite(value):
        raise ParameterError("vary", f"{what} of {spec!r}: expected a finite number, got {text!r}")
    return value


def parse_vary(spec: str) -> Vary:
    """Parse ``KEY=START:STOP:STEP`` (or ``KEY=VALUE`` for one value).

    ParameterError for a missing key or range, non-numbers, STEP <= 0 (an empty or
    endless range) and STOP < START (an inverted range).
    """
    key, sep, rng = spec.partition("=")
    key = key.strip()
    if not sep or not key or not rng.strip():
        raise ParameterError("vary", f"expected KEY=START:STOP:STEP, got {spec!r}")
    parts = rng.split(":")
    if len(parts) == 1:
        return Vary(key, (_number(parts[0], "VALUE", spec),))
    if len(parts) != 3:
        raise ParameterError("vary", f"expected KEY=START:STOP:STEP, got {spec!r}")
    start, stop, step = (
        _number(p, w, spec) for p, w in zip(parts, ("START", "STOP", "STEP"), strict=True)
    )
    if step <= 0:
        raise ParameterError(
            "vary", f"STEP of {spec!r}: expected a number > 0 (the range is empty), got {step}"
        )
    if stop < start:
        raise ParameterError(
            "vary",
            f"range of {spec!r} is inverted: STOP {stop} < START {start}; expected START <= STOP",
        )
    # The tolerance keeps 0.1:0.3:0.1 at three values despite binary rounding.
    count = math.floor((stop - start) / step * (1 + 1e-9) + 1e-9) + 1
    if all(isinstance(x, int) for x in (start, stop, step)):
        values: tuple[Number, ...] = tuple(int(start + i * step) for i in range(count))
    else:
        values = tuple(round(start + i * step, 12) for i in range(count))
    return Vary(key, values)


def expand_grid(varies: Sequence[Vary]) -> list[dict[str, Number]]:
    """Every combination of the varied values, the first key varying slowest; with no
    varied key, the one empty point (the scenario as it is)."""
    keys = [v.key for v in varies]
    if len(set(keys)) != len(keys):
        raise ParameterError("vary", f"a key is varied twice: {keys}")
    return [
        dict(zip(keys, combo, strict=True))
        for combo in itertools.product(*(v.values for v in varies))
    ]


def _element(items: list[Any], part: str, path: str, where: str) -> Any:
    if part.isdigit() and int(part) < len(items):
        return items[int(part)]
    for field in _ELEMENT_KEYS:
        hits = [x for x in items if isinstance(x, dict) and str(x.get(field)) == part]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise ParameterError(
                "vary",
                f"parameter path {path!r}: {len(hits)} elements of {where} have {field} {part!r}",
            )
    known = [
        str(next((x[f] for f in _ELEMENT_KEYS if f in x), i)) if isinstance(x, dict) else str(i)
        for i, x in enumerate(items)
    ]
    raise ParameterError(
        "vary",
        f"unknown parameter path {path!r}: {where} has no element {part!r} "
        f"(expected an index 0..{len(items) - 1} or one of {', '.join(known)})",
    )


def resolve_path(document: Mapping[str, Any], path: str) -> tuple[Any, str | int]:
    """The container holding ``path``'s last part and the key/index within it.

    The path must name an existing number of the document; ParameterError lists what
    is available where the lookup failed.
    """
    parts = path.split(".")
    node: Any = document
    for depth, part in enumerate(parts):
        where = ".".join(parts[:depth]) or "the scenario"
        if isinstance(node, list):
            if depth == len(parts) - 1:
                raise ParameterError(
                    "vary",
                    f"parameter path {path!r} ends at an array element; expected a number key",
                )
            node = _element(node, part, path, where)
            continue
        if not isinstance(node, dict) or part not in node:
            known = sorted(node) if isinstance(node, dict) else []
            raise ParameterError(
                "vary",
                f"unknown parameter path {path!r}: {where} has no {part!r} "
                f"(expected one of {', '.join(known) or 'nothing'})",
            )
        if depth == len(parts) - 1:
            value = node[part]
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ParameterError(
                    "vary", f"parameter {path!r} is {value!r}, not a number; expected a numeric key"
                )
            return node, part
        node = node[part]
    raise AssertionError("unreachable")  # pragma: no cover - the loop always returns


def _scale_times(dist: dict[str, Any], factor: float) -> None:
    for name in ("mean_s", "sd_s"):
        if name in dist:
            dist[name] = dist[name] * factor
    if dist.get("values_s"):
        dist["values_s"] = [v * factor for v in dist["values_s"]]


def _apply_scale(out: dict[str, Any], base: Mapping[str, Any], what: str, factor: Number) -> None:
    if not factor > 0:
        raise ParameterError("vary", f"scale.{what} = {factor}: expected a factor > 0")
    if what == "arrivals":
        for mine, orig in zip(out["streams"], base["streams"], strict=True):
            mine["rate_per_hour"] = orig["rate_per_hour"] * factor
    elif what == "staff":
        for mine, orig in zip(out["pools"], base["pools"], strict=True):
            if orig.get("role") != "manager":
                mine["count"] = max(1, round(orig["count"] * factor))
    else:
        for channel, mode in out.get("modes", {}).items():
            if what not in mode:  # messaging has no handle time
                continue
            mine, orig = mode[what], base["modes"][channel][what]
            mine.update(copy.deepcopy(orig))
            _scale_times(mine, factor)


def apply_point(document: Mapping[str, Any], point: Mapping[str, Number]) -> dict[str, Any]:
    """A deep copy of ``document`` with each key of ``point`` set (in the point's order).

    ``scale.*`` keys multiply the values of ``document``; other keys must name an
    existing number (:func:`resolve_path`).
    """
    out = copy.deepcopy(dict(document))
    for path, value in point.items():
        head, _, what = path.partition(".")
        if head == "scale" and "scale" not in document:
            if what not in SCALES:
                raise ParameterError(
                    "vary",
                    f"unknown parameter path {path!r}: expected scale.{', scale.'.join(SCALES)}",
                )
            _apply_scale(out, document, what, value)
            continue
        node, part = resolve_path(out, path)
        if isinstance(node[part], int) and not isinstance(value, int):
            raise ParameterError(
                "vary", f"parameter {path!r} is an integer; expected integer values, got {value!r}"
            )
        node[part] = float(value) if isinstance(node[part], float) else value
    return out
