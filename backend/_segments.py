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

from dataclasses import dataclass, field
from typing import Any

from ._params import SegmentQuery
from ._rollup import FIELDS, Filters, RollupCache
from ._store import Store

__all__ = ["agent_segment_metrics"]

_MS_PER_MIN = 60_000


@dataclass(slots=True)
class _Sums:
    values: list[int] = field(default_factory=lambda: [0] * len(FIELDS))

    def add(self, other: list[int]) -> None:
        for i, v in enumerate(other):
            self.values[i] += v


def _avg(total: int, n: int) -> int:
    # Sums of non-negative ms: integer division truncates toward zero.
    return total // n if n else -1


def _double(value: float) -> float | int:
    # An integral double is written as a JSON integer (1, as in seed 004).
    return int(value) if value.is_integer() else value


def _metrics(sums: _Sums, wanted: tuple[str, ...]) -> dict[str, Any]:
    v = dict(zip(FIELDS, sums.values, strict=True))
    if v["seg"] == 0:
        # No data: every requested metric is 0 (seed 004, metricsTotal).
        return dict.fromkeys(wanted, 0)
    values: dict[str, Any] = {
        "totalAgentConversationSegments": v["seg"],
        "avgAgentMessagesinAgentSegment": _double(v["msgs"] / v["seg"]),
        "avgAgentSegmentDuration": _avg(v["dur"], v["ended"]),
        "interactiveAgentSegments": v["interactive"],
        "agentSegmentsAbandonedByConsumers": v["abandoned"],
        "agentSegmentsWithNonResponsiveConsumers": v["nr_consumers"],
        "agentSegmentsWithNonResponsiveAgents": v["nr_agents"],
        "avgTimetoFirstAgentMessageFromAgentAssignment": _avg(v["f_sum"], v["f_n"]),
        "avgTimetoFirstAgentMessageFromAgentAssignment_AfterTransfer": _avg(v["ft_sum"], v["ft_n"]),
        "avgTimetoFirstAgentMessageFromAgentAssignment_NewConversation": _avg(
            v["fn_sum"], v["fn_n"]
        ),
        "avgTimeToResponseFromAgentAssignment": _avg(v["r_sum"], v["r_n"]),
    }
    return {m: values[m] for m in wanted}


def _section(rows: list[tuple[int, int, list[int]]], query: SegmentQuery) -> dict[str, Any]:
    """One metricsData object from (skill, agent, sums) rows of one interval or window."""
    per_agent: dict[int, _Sums] = {}
    per_skill: dict[int, dict[int, _Sums]] = {}
    total = _Sums()
    for skill, agent, sums in rows:
        per_agent.setdefault(agent, _Sums()).add(sums)
        total.add(sums)
        if query.by_skill:
            per_skill.setdefault(skill, {}).setdefault(agent, _Sums()).add(sums)
    out: dict[str, Any] = {}
    if query.by_skill:
        out["metricsPerSkill"] = {
            str(skill): {
                "metricsPerAgent": {
                    str(a): _metrics(s, query.metrics) for a, s in sorted(agents.items())
                }
            }
            for skill, agents in sorted(per_skill.items())
        }
    out["agentsMetrics"] = {
        "metricsPerAgent": {
            str(a): _metrics(s, query.metrics) for a, s in sorted(per_agent.items())
        }
    }
    out["metricsTotal"] = _metrics(total, query.metrics)
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
    rollup = store.cached(name="segment_rollup", factory=RollupCache).view(store, account=account)
    by_interval = rollup.sums(
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
    if query.interval_min is None:
        return _section(by_interval[0], query)
    everything = [row for rows in by_interval for row in rows]
    return {
        "metricsByIntervals": [
            {"timestamp": lo + i * step_ms, "metricsData": _section(rows, query)}
            for i, rows in enumerate(by_interval)
        ],
        "timeframeSummary": _section(everything, query),
    }
