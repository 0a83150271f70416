"""``msgagentsegments``: agent-segment metrics from the prefix-sum rollup of the projection.

Window: the half-open range [now - timeframe, now) in ms; a segment belongs to
the window (and to an interval of it) by its start time. Everything is judged
from events with ts < now: a segment is ended only if its end event is before
now, and only messages before now count. The rollup (backend/_rollup.py) gives
exact sums and counts per (interval, skill, agent); Python adds them up per
response section and derives the averages (truncated toward zero), so totals
come from raw sums and counts, never from rounded per-agent values.
docs/backend.md lists the definitions.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from ._params import SegmentQuery
from ._rollup import RollupCache
from ._rollup_segments import FIELDS
from ._rollup_view import Filters
from ._store import Store

__all__ = ["agent_segment_metrics", "prepare_segment_rollup", "segment_rollup_ready"]

_MS_PER_MIN = 60_000

Array = npt.NDArray[np.int64]


def _double(value: float) -> float | int:
    # An integral double is written as a JSON integer (1, as in seed 004).
    return int(value) if value.is_integer() else value


def _metric_objects(v: Array, wanted: tuple[str, ...]) -> list[dict[str, Any]]:
    """The metrics object of each row of sums ``v`` (rows with at least one segment)."""
    f = {name: v[:, i] for i, name in enumerate(FIELDS)}

    def avg(total: str, n: str) -> list[int]:
        # Sums of non-negative ms: floor division truncates toward zero; -1 without samples.
        return np.where(f[n] > 0, f[total] // np.maximum(f[n], 1), -1).tolist()  # type: ignore[no-any-return]

    # int64 / int64 is the IEEE double quotient, as Python's int / int below 2**53
    columns: dict[str, Any] = {
        "totalAgentConversationSegments": lambda: f["seg"].tolist(),
        "avgAgentMessagesinAgentSegment": lambda: [
            _double(x) for x in (f["msgs"] / f["seg"]).tolist()
        ],
        "avgAgentSegmentDuration": lambda: avg("dur", "ended"),
        "interactiveAgentSegments": lambda: f["interactive"].tolist(),
        "agentSegmentsAbandonedByConsumers": lambda: f["abandoned"].tolist(),
        "agentSegmentsWithNonResponsiveConsumers": lambda: f["nr_consumers"].tolist(),
        "agentSegmentsWithNonResponsiveAgents": lambda: f["nr_agents"].tolist(),
        "avgTimetoFirstAgentMessageFromAgentAssignment": lambda: avg("f_sum", "f_n"),
        "avgTimetoFirstAgentMessageFromAgentAssignment_AfterTransfer": lambda: avg(
            "ft_sum", "ft_n"
        ),
        "avgTimetoFirstAgentMessageFromAgentAssignment_NewConversation": lambda: avg(
            "fn_sum", "fn_n"
        ),
        "avgTimeToResponseFromAgentAssignment": lambda: avg("r_sum", "r_n"),
    }
    picked = [(m, columns[m]()) for m in wanted]
    return [{m: col[i] for m, col in picked} for i in range(len(v))]


def _section(agent: Array, skill: Array, v: Array, query: SegmentQuery) -> dict[str, Any]:
    """One metricsData object from the sums ``v[g]`` of distinct (agent, skill) groups.

    Every group value comes from raw sums and counts, never from other groups'
    averages; groups without segments are left out.
    """
    keep = v[:, 0] > 0
    agent, skill, v = agent[keep], skill[keep], v[keep]
    out: dict[str, Any] = {}
    if query.by_skill:
        order = np.lexsort((agent, skill))  # by skill, then agent: ascending ids
        per_skill: dict[str, dict[str, Any]] = {}
        objects = _metric_objects(v[order], query.metrics)
        for s, a, obj in zip(skill[order].tolist(), agent[order].tolist(), objects, strict=True):
            per_skill.setdefault(str(s), {}).setdefault("metricsPerAgent", {})[str(a)] = obj
        out["metricsPerSkill"] = per_skill
    agents, inverse = np.unique(agent, return_inverse=True)
    per_agent = np.zeros((len(agents), len(FIELDS)), dtype=np.int64)
    np.add.at(per_agent, inverse, v)
    out["agentsMetrics"] = {
        "metricsPerAgent": dict(
            zip(map(str, agents.tolist()), _metric_objects(per_agent, query.metrics), strict=True)
        )
    }
    total = v.sum(axis=0, keepdims=True)
    out["metricsTotal"] = (
        _metric_objects(total, query.metrics)[0]
        if total[0, 0] > 0
        # No data: every requested metric is 0 (seed 004, metricsTotal).
        else dict.fromkeys(query.metrics, 0)
    )
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
    rollup = _rollups(store).view(store, account=account)
    groups = rollup.sums(
        lo=lo,
        now=now_ms,
        step=step_ms,
        n=window_ms // step_ms,
        filters=Filters(
            agents=query.agent_ids,
            skills=query.skill_ids,
            source=query.source,
            groups=query.group_ids,
            user_type=query.user_type,
        ),
    )
    sums = groups.sums  # (groups, intervals, fields)
    if query.interval_min is None:
        return _section(groups.agent, groups.skill, sums[:, 0], query)
    return {
        "metricsByIntervals": [
            {
                "timestamp": lo + i * step_ms,
                "metricsData": _section(groups.agent, groups.skill, sums[:, i], query),
            }
            for i in range(sums.shape[1])
        ],
        "timeframeSummary": _section(groups.agent, groups.skill, sums.sum(axis=1), query),
    }


def segment_rollup_ready(store: Store, *, account: str) -> bool:
    """Whether the account's rollup is current (a query would not refresh it); never blocks."""
    return _rollups(store).ready(store, account=account)


def prepare_segment_rollup(store: Store, *, account: str) -> None:
    """Bring the account's rollup up to date (what the next query would otherwise do)."""
    _rollups(store).view(store, account=account)


def _rollups(store: Store) -> RollupCache:
    return store.cached(name="segment_rollup", factory=RollupCache)
