"""``msgagentsegments``: agent-segment metrics from the prefix-sum rollup of the projection.

Window: the half-open range [now - timeframe, now) in ms; a segment belongs to
the window (and to an interval of it) by its start time. Everything is judged
from events with ts < now: a segment is ended only if its end event is before
now, and only messages before now count. The rollup (backend/_rollup.py) gives
exact sums and counts per (interval, agent, skill); they are added up per
response section (per agent, per skill and agent, the total; per interval and
for the timeframe summary) and the averages derived (truncated toward zero),
so totals come from raw sums and counts, never from rounded per-agent values.
Every section's rows are derived at once, column by column, and only then
split into the response's objects. docs/backend.md lists the definitions.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from ._params import SegmentQuery
from ._rollup import RollupCache
from ._rollup_cells import cells, sum_by
from ._rollup_segments import FIELDS
from ._rollup_view import Filters
from ._store import Store

__all__ = ["agent_segment_metrics", "prepare_segment_rollup", "segment_rollup_ready"]

_MS_PER_MIN = 60_000
_F = {name: i for i, name in enumerate(FIELDS)}

Array = npt.NDArray[np.int64]


def _doubles(values: npt.NDArray[np.float64]) -> list[float | int]:
    """The values as JSON numbers: an integral double as an integer (1, as in seed 004)."""
    out = values.astype(object)
    integral = values == np.floor(values)
    out[integral] = values[integral].astype(np.int64)  # exact: each is below 2**63
    return out.tolist()  # type: ignore[no-any-return]


def _metric_objects(v: Array, wanted: tuple[str, ...]) -> list[dict[str, Any]]:
    """The metrics object of each row of sums ``v`` (rows with at least one segment)."""

    def f(name: str) -> Array:
        return v[:, _F[name]]

    def avg(total: str, n: str) -> list[int]:
        # Sums of non-negative ms: floor division truncates toward zero; -1 without samples.
        return np.where(f(n) > 0, f(total) // np.maximum(f(n), 1), -1).tolist()  # type: ignore[no-any-return]

    # int64 / int64 is the IEEE double quotient, as Python's int / int below 2**53
    columns: dict[str, Any] = {
        "totalAgentConversationSegments": lambda: f("seg").tolist(),
        "avgAgentMessagesinAgentSegment": lambda: _doubles(f("msgs") / f("seg")),
        "avgAgentSegmentDuration": lambda: avg("dur", "ended"),
        "interactiveAgentSegments": lambda: f("interactive").tolist(),
        "agentSegmentsAbandonedByConsumers": lambda: f("abandoned").tolist(),
        "agentSegmentsWithNonResponsiveConsumers": lambda: f("nr_consumers").tolist(),
        "agentSegmentsWithNonResponsiveAgents": lambda: f("nr_agents").tolist(),
        "avgTimetoFirstAgentMessageFromAgentAssignment": lambda: avg("f_sum", "f_n"),
        "avgTimetoFirstAgentMessageFromAgentAssignment_AfterTransfer": lambda: avg(
            "ft_sum", "ft_n"
        ),
        "avgTimetoFirstAgentMessageFromAgentAssignment_NewConversation": lambda: avg(
            "fn_sum", "fn_n"
        ),
        "avgTimeToResponseFromAgentAssignment": lambda: avg("r_sum", "r_n"),
    }
    # built column by column: a literal per row, then one store per value (faster than
    # a dict(zip()) per row)
    picked = [columns[m]() for m in wanted]
    rows = [{wanted[0]: x} for x in picked[0]]
    for name, column in zip(wanted[1:], picked[1:], strict=True):
        for row, x in zip(rows, column, strict=True):
            row[name] = x
    return rows


def _runs(*keys: Array) -> tuple[Array, Array]:
    """Starts of the runs of equal ``keys`` tuples (rows sorted by them), and each row's
    run."""
    n = keys[0].shape[0]
    change = np.zeros(n, dtype=bool)
    change[:1] = True
    for k in keys:
        change[1:] |= k[1:] != k[:-1]
    return np.flatnonzero(change), np.cumsum(change) - 1


def _sections(
    section: Array, agent: Array, skill: Array, v: Array, count: int, query: SegmentQuery
) -> list[dict[str, Any]]:
    """``count`` metricsData objects from sums ``v`` per (section, agent, skill), rows
    sorted by them, each with at least one segment.

    Every value comes from raw sums and counts, never from other rows' averages.
    """
    a, agent_run = _runs(section, agent)
    t, section_run = _runs(section)
    rows = [sum_by(agent_run, v, len(a)), sum_by(section_run, v, len(t))]
    if query.by_skill:
        order = np.lexsort((agent, skill, section))  # by skill, then agent: ascending ids
        rows.append(v[order])
    objects = _metric_objects(np.concatenate(rows), query.metrics)
    agent_objects, total_objects = objects[: len(a)], objects[len(a) : len(a) + len(t)]
    agent_names = list(map(str, agent[a].tolist()))
    agent_cut = np.searchsorted(section[a], np.arange(count + 1)).tolist()
    total_at = dict(zip(section[t].tolist(), total_objects, strict=True))
    zero = dict.fromkeys(query.metrics, 0)  # No data: every requested metric is 0 (seed 004).
    skill_cut: list[int] = []
    if query.by_skill:
        skill_objects = objects[len(a) + len(t) :]
        s_section, s_skill = section[order], skill[order]
        s_agent = list(map(str, agent[order].tolist()))
        skill_cut = np.searchsorted(s_section, np.arange(count + 1)).tolist()
        skill_runs = _runs(s_section, s_skill)[0].tolist() + [len(s_agent)]
        skill_names = list(map(str, s_skill.tolist()))
    out = []
    r = 0  # the next skill run
    for k in range(count):
        data: dict[str, Any] = {}
        if query.by_skill:
            per_skill: dict[str, dict[str, Any]] = {}
            while skill_runs[r] < skill_cut[k + 1]:
                lo, hi = skill_runs[r], skill_runs[r + 1]
                per_skill[skill_names[lo]] = {
                    "metricsPerAgent": dict(zip(s_agent[lo:hi], skill_objects[lo:hi], strict=True))
                }
                r += 1
            data["metricsPerSkill"] = per_skill
        lo, hi = agent_cut[k], agent_cut[k + 1]
        data["agentsMetrics"] = {
            "metricsPerAgent": dict(zip(agent_names[lo:hi], agent_objects[lo:hi], strict=True))
        }
        data["metricsTotal"] = total_at.get(k, zero)
        out.append(data)
    return out


def agent_segment_metrics(
    store: Store, *, account: str, query: SegmentQuery, now_ms: int
) -> dict[str, Any]:
    """The msgagentsegments response for ``account`` at ``now_ms`` (epoch ms).

    Window [now_ms - timeframe, now_ms); with an interval, intervals are
    anchored at now (oldest first, timestamp = interval start in ms).
    """
    window_ms = query.timeframe_min * _MS_PER_MIN
    step_ms = (query.interval_min or query.timeframe_min) * _MS_PER_MIN
    lo = now_ms - window_ms
    n = window_ms // step_ms
    rollup = _rollups(store).view(store, account=account)
    c = cells(
        rollup,
        lo=lo,
        now=now_ms,
        step=step_ms,
        n=n,
        filters=Filters(
            agents=query.agent_ids,
            skills=query.skill_ids,
            source=query.source,
            groups=query.group_ids,
            user_type=query.user_type,
        ),
    )
    if query.interval_min is None:
        return _sections(c.interval, c.agent, c.skill, c.sums, 1, query)[0]
    # the timeframe summary: each (agent, skill)'s sums over the intervals, as section n
    summary = sum_by(c.pair, c.sums, c.pairs.shape[0])
    counted = np.flatnonzero(summary[:, 0] > 0)  # ascending pairs: by agent, then skill
    sections = _sections(
        np.concatenate((c.interval, np.full(len(counted), n, dtype=np.int64))),
        np.concatenate((c.agent, c.pairs[counted, 0])),
        np.concatenate((c.skill, c.pairs[counted, 1])),
        np.concatenate((c.sums, summary[counted])),
        n + 1,
        query,
    )
    return {
        "metricsByIntervals": [
            {"timestamp": lo + i * step_ms, "metricsData": sections[i]} for i in range(n)
        ],
        "timeframeSummary": sections[n],
    }


def segment_rollup_ready(store: Store, *, account: str) -> bool:
    """Whether the account's rollup is current (a query would not refresh it); never blocks."""
    return _rollups(store).ready(store, account=account)


def prepare_segment_rollup(store: Store, *, account: str) -> None:
    """Bring the account's rollup up to date (what the next query would otherwise do)."""
    _rollups(store).view(store, account=account)


def _rollups(store: Store) -> RollupCache:
    return store.cached(name="segment_rollup", factory=RollupCache)
