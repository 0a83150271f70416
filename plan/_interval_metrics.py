"""Per-interval metrics of one run: service level, waits, abandonment and occupancy by interval.

Intervals are half-open [origin + j w, origin + (j + 1) w) in epoch ms, j = 0..count-1.
With ``fold`` they repeat every ``count`` intervals (a time-of-day profile over several
days: interval j collects the same clock time of every day). Only the measured window
counts. A conversation belongs to the interval its first human queue entry (``queued_ms``)
falls in; agent time is integrated over each interval. Within an interval the metrics mean
what they mean over a whole run (:mod:`._metrics`, docs/plan.md):

- ``offered``: conversations queued in the interval (count);
- ``service_level``: answered within the threshold / (answered + abandoned + still
  waiting at the horizon end for longer than the threshold);
- ``asa_s``: mean wait of the answered (s);
- ``abandon_rate``: abandoned / (answered + abandoned);
- ``occupancy``: time busy while online / online time of the agents serving the scope.

NaN marks a value without a sample (no conversation, or no agent online, in the interval).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim import SimResult

from ._metrics import QueueOutcomes, Window, human_agent_steps, human_scopes
from ._stats import CI_LEVEL, Estimate, estimate

__all__ = [
    "INTERVAL_METRICS",
    "IntervalEstimates",
    "IntervalGrid",
    "IntervalValues",
    "interval_estimates",
    "interval_metrics",
]

INTERVAL_METRICS = ("offered", "service_level", "asa_s", "abandon_rate", "occupancy")

# scope -> metric -> value per interval (one run) / Estimate per interval (replications)
IntervalValues = dict[str, dict[str, np.ndarray]]
IntervalEstimates = dict[str, dict[str, list[Estimate]]]


@dataclass(frozen=True, slots=True)
class IntervalGrid:
    """``count`` intervals of ``width_ms`` from ``origin_ms`` (epoch ms); ``fold``: repeat
    them (interval j also covers origin + (j + k count) w for every whole k)."""

    origin_ms: int
    width_ms: int
    count: int
    fold: bool = False

    def index(self, t_ms: np.ndarray) -> np.ndarray:
        """Interval of each time, -1 outside the grid."""
        raw = np.floor((np.asarray(t_ms, dtype=float) - self.origin_ms) / self.width_ms)
        known = np.isfinite(raw)
        j = np.where(known, raw, -1).astype(np.int64)
        if self.fold:
            return np.where(known, np.mod(j, self.count), -1)
        return np.where((j >= 0) & (j < self.count), j, -1)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    out = np.full(len(num), math.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def interval_metrics(
    *, result: SimResult, window: Window, threshold_s: float, grid: IntervalGrid
) -> IntervalValues:
    """``{scope: {metric: values per interval}}`` for one run (module docstring).

    Scopes as :func:`plan.replication_metrics`: "all" and each human skill id.
    """
    q = QueueOutcomes.of(result, threshold_s=threshold_s)
    inside = (q.skill >= 0) & (q.queued_ms >= window.start_ms) & (q.queued_ms < window.end_ms)
    where = grid.index(q.queued_ms)
    inside &= where >= 0
    # Absolute intervals covering the window, each clipped to it, then mapped onto the grid.
    first = math.floor((window.start_ms - grid.origin_ms) / grid.width_ms)
    last = math.ceil((window.end_ms - grid.origin_ms) / grid.width_ms)
    edges = grid.origin_ms + np.arange(first, last + 1, dtype=float) * grid.width_ms
    edges = np.clip(edges, window.start_ms, window.end_ms)
    target = grid.index(grid.origin_ms + np.arange(first, last, dtype=float) * grid.width_ms)
    keep = target >= 0
    steps = human_agent_steps(result)
    online: dict[int, np.ndarray] = {}
    busy: dict[int, np.ndarray] = {}
    for agent, st in steps.items():
        on, b, _ = st.integrate(edges)
        online[agent] = np.bincount(target[keep], weights=on[keep], minlength=grid.count)
        busy[agent] = np.bincount(target[keep], weights=b[keep], minlength=grid.count)
    zero = np.zeros(grid.count)

    def count(mask: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        return np.bincount(
            where[mask], weights=None if weights is None else weights[mask], minlength=grid.count
        ).astype(float)

    out: IntervalValues = {}
    for scope, (skill, agents) in human_scopes(result.scenario).items():
        mask = inside if skill is None else inside & (q.skill == skill)
        ans, aband, late = mask & q.answered, mask & q.abandoned, mask & q.waiting_long
        n_ans, n_ab = count(ans), count(aband)
        on = sum((online[a] for a in agents), zero)
        out[scope] = {
            "offered": count(mask),
            "service_level": _ratio(
                count(ans & (q.wait_s <= threshold_s)), n_ans + n_ab + count(late)
            ),
            "asa_s": _ratio(count(ans, np.nan_to_num(q.wait_s)), n_ans),
            "abandon_rate": _ratio(n_ab, n_ans + n_ab),
            "occupancy": _ratio(sum((busy[a] for a in agents), zero), on),
        }
    return out


def interval_estimates(reps: list[IntervalValues]) -> IntervalEstimates:
    """Per scope, metric and interval: mean and 95% interval over the replications."""
    out: IntervalEstimates = {}
    for scope in reps[0]:
        out[scope] = {}
        for metric in INTERVAL_METRICS:
            table = np.vstack([r[scope][metric] for r in reps])
            out[scope][metric] = [
                estimate(table[:, i].tolist(), confidence=CI_LEVEL) for i in range(table.shape[1])
            ]
    return out
