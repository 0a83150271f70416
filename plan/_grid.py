"""Parameter grids: ``--vary KEY=START:STOP:STEP`` specs, their product, and applying a point.

A KEY is a dotted path into the scenario document (the TOML file as a dict), for example
``skills.billing.agents`` or ``arrivals.scale``. Ranges are inclusive of STOP when STOP lies on
the grid (START + k*STEP). Integer START, STOP and STEP give integer values.
"""

from __future__ import annotations

import copy
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ccbench import ParameterError

__all__ = ["Vary", "apply_point", "expand_grid", "parse_vary"]

Number = int | float


@dataclass(frozen=True, slots=True)
class Vary:
    """One varied parameter: its dotted path and the values it takes, in order."""

    key: str
    values: tuple[Number, ...]


def _number(text: str, what: str, spec: str) -> Number:
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
    """Parse ``KEY=START:STOP:STEP`` (or ``KEY=VALUE`` for a single value).

    Raises ParameterError for a missing key, non-numbers, a step <= 0 or an inverted range.
    """
    key, sep, rng = spec.partition("=")
    key = key.strip()
    if not sep or not key:
        raise ParameterError("vary", f"expected KEY=START:STOP:STEP, got {spec!r}")
    parts = rng.split(":")
    if len(parts) == 1:
        return Vary(key, (_number(parts[0], "value", spec),))
    if len(parts) != 3:
        raise ParameterError("vary", f"expected KEY=START:STOP:STEP, got {spec!r}")
    start, stop, step = (
        _number(p, w, spec) for p, w in zip(parts, ("START", "STOP", "STEP"), strict=True)
    )
    if step <= 0:
        raise ParameterError("vary", f"STEP of {spec!r}: expected a number > 0, got {step}")
    if stop < start:
        raise ParameterError("vary", f"range of {spec!r} is inverted: STOP {stop} < START {start}")
    count = math.floor((stop - start) / step + 1e-9) + 1
    if all(isinstance(x, int) for x in (start, stop, step)):
        values: tuple[Number, ...] = tuple(int(start + i * step) for i in range(count))
    else:
        values = tuple(round(start + i * step, 12) for i in range(count))
    return Vary(key, values)


def expand_grid(varies: Sequence[Vary]) -> list[dict[str, Number]]:
    """Every combination of the varied values, the first key varying slowest."""
    keys = [v.key for v in varies]
    if len(set(keys)) != len(keys):
        raise ParameterError("vary", f"a key is varied twice: {keys}")
    return [
        dict(zip(keys, combo, strict=True))
        for combo in itertools.product(*(v.values for v in varies))
    ]


def apply_point(document: Mapping[str, Any], point: Mapping[str, Number]) -> dict[str, Any]:
    """A deep copy of ``document`` with each dotted path of ``point`` set.

    The path must already exist in the document (it names a parameter the scenario has);
    otherwise ParameterError lists the keys available at the level where it failed.
    """
    out = copy.deepcopy(dict(document))
    for path, value in point.items():
        node: Any = out
        parts = path.split(".")
        for depth, part in enumerate(parts):
            if not isinstance(node, dict) or part not in node:
                where = ".".join(parts[:depth]) or "the scenario"
                known = sorted(node) if isinstance(node, dict) else []
                raise ParameterError(
                    "vary",
                    f"unknown parameter path {path!r}: {where} has no "
                    f"{part!r} (expected one of {', '.join(known) or 'nothing'})",
                )
            if depth == len(parts) - 1:
                old = node[part]
                if isinstance(old, bool) or not isinstance(old, int | float):
                    raise ParameterError("vary", f"parameter {path!r} is {old!r}, not a number")
                node[part] = value
            else:
                node = node[part]
    return out
