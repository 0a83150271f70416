"""Staffing recommendation: the smallest staffing meeting the targets with confidence.

Staffing keys are the varied ``pools.<pool>.count`` paths and ``scale.staff``; the other
varied keys are conditions (arrival scale, containment...). For each combination of
conditions the grid points are taken by increasing staff (non-manager agents, then grid
order) and the first one whose overall metrics meet every target is recommended:

- service level: one-sided lower bound mean - t(confidence, R-1) * s / sqrt(R) >= target;
- abandon rate (when max_abandon_rate < 1): one-sided upper bound <= max_abandon_rate;
- ASA (when max_asa_s is set): one-sided upper bound <= max_asa_s;
- occupancy (when max_occupancy < 1): one-sided upper bound <= max_occupancy.

One replication gives no bound, so nothing is recommended with R = 1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ._grid import Number
from ._metrics import OVERALL
from ._service_targets import ServiceTargets
from ._stats import Estimate
from ._sweep import SweepResult

__all__ = ["Recommendation", "is_staffing_key", "meets_targets", "recommend"]

_STAFFING = re.compile(r"^(pools\.[^.]+\.count|scale\.staff)$")


def is_staffing_key(key: str) -> bool:
    """Whether a varied key changes the number of agents."""
    return bool(_STAFFING.match(key))


@dataclass(frozen=True, slots=True)
class Recommendation:
    """For one combination of the non-staffing keys (``condition``): the grid point index
    recommended (None when no point meets the targets), its staff and why."""

    condition: dict[str, Number]
    index: int | None
    point: dict[str, Number] | None
    staff: int | None
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "condition": self.condition,
            "index": self.index,
            "point": self.point,
            "staff": self.staff,
            "reason": self.reason,
        }


def _fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.4g}"


def meets_targets(estimates: dict[str, Estimate], targets: ServiceTargets) -> tuple[bool, str]:
    """Whether overall estimates meet ``targets`` with its confidence, and the bounds used."""
    c = targets.confidence
    sl = estimates["service_level"].lower_bound(c)
    ok = sl is not None and sl >= targets.service_level
    why = [f"SL lower bound {_fmt(sl)} vs target {targets.service_level:g}"]
    if targets.max_abandon_rate < 1:
        ab = estimates["abandon_rate"].upper_bound(c)
        ok = ok and ab is not None and ab <= targets.max_abandon_rate
        why.append(f"abandon upper bound {_fmt(ab)} vs max {targets.max_abandon_rate:g}")
    if targets.max_asa_s is not None:
        asa = estimates["asa_s"].upper_bound(c)
        ok = ok and asa is not None and asa <= targets.max_asa_s
        why.append(f"ASA upper bound {_fmt(asa)} s vs max {targets.max_asa_s:g} s")
    if targets.max_occupancy < 1:
        occ = estimates["occupancy"].upper_bound(c)
        ok = ok and occ is not None and occ <= targets.max_occupancy
        why.append(f"occupancy upper bound {_fmt(occ)} vs max {targets.max_occupancy:g}")
    return ok, "; ".join(why)


def recommend(result: SweepResult) -> list[Recommendation]:
    """One recommendation per combination of the non-staffing keys (one if there are none)."""
    conditions = [k for k in result.keys if not is_staffing_key(k)]
    groups: dict[tuple[Number, ...], list[int]] = {}
    for i, point in enumerate(result.points):
        groups.setdefault(tuple(point[k] for k in conditions), []).append(i)
    out = []
    staffing_varied = len(conditions) < len(result.keys)
    for values, indices in groups.items():
        condition = dict(zip(conditions, values, strict=True))
        chosen, reason = None, ""
        for i in sorted(indices, key=lambda j: (result.staff[j], j)):
            ok, why = meets_targets(result.estimates[i][OVERALL], result.targets)
            if ok:
                chosen, reason = i, why
                break
            reason = why  # the bounds at the largest staffing tried, when none meets them
        if chosen is None:
            reason = f"no grid point meets the targets (largest staffing: {reason})"
        elif not staffing_varied:
            reason = f"staffing was not varied; this point meets the targets: {reason}"
        out.append(
            Recommendation(
                condition=condition,
                index=chosen,
                point=None if chosen is None else result.points[chosen],
                staff=None if chosen is None else result.staff[chosen],
                reason=reason,
            )
        )
    return out
