"""``msgagentsegments``: agent-segment metrics computed in SQL over the projection.

Window: the half-open range [now - timeframe, now) in ms; a segment belongs to
the window (and to an interval of it) by its start time. Everything is judged
from events with ts < now: a segment is ended only if its end event is before
now, and only messages before now count. SQL sums and counts per
(interval, skill, agent); Python adds them up per response section and
derives the averages (truncated toward zero), so totals come from raw sums
and counts, never from rounded per-agent values. docs/backend.md lists the
definitions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ._params import SegmentQuery
from ._store import Store

__all__ = ["agent_segment_metrics"]

_MS_PER_MIN = 60_000

# Each sum per (interval, skill, agent), in this order (see _SUMS_SQL).
_FIELDS = (
    "seg",
    "msgs",
    "ended",
    "dur",
    "interactive",
    "abandoned",
    "nr_consumers",
    "nr_agents",
    "f_n",
    "f_sum",
    "ft_n",
    "ft_sum",
    "fn_n",
    "fn_sum",
    "r_n",
    "r_sum",
)

_SUMS_SQL = """
WITH s AS (
    SELECT s.*, (s.start_ts - $lo) // $step AS iv,
        s.end_ts IS NOT NULL AND s.end_ts < $now AS ended,
        CASE WHEN s.first_ts < $now THEN s.first_ts - s.start_ts END AS first_lat
    FROM segments s {join}
    WHERE s.account = $account AND s.start_ts >= $lo AND s.start_ts < $now
      {where}
),
partial AS (
    -- segments with counted messages at or after now: count only those before now
    SELECT m.segment_id, count(*) AS n, count(m.latency) AS rn,
           coalesce(sum(m.latency), 0) AS rs
    FROM segment_messages m
    -- a segment's messages follow its start, so m.ts >= lo prunes by zone maps
    WHERE m.account = $account AND m.ts < $now AND m.ts >= $lo
      AND m.segment_id IN (SELECT segment_id FROM s WHERE last_ts >= $now)
    GROUP BY m.segment_id
),
x AS (
    SELECT s.*,
        CASE WHEN s.last_ts < $now OR s.last_ts IS NULL THEN s.msg_count
             ELSE coalesce(p.n, 0) END AS msgs,
        CASE WHEN s.last_ts < $now OR s.last_ts IS NULL THEN s.resp_n
             ELSE coalesce(p.rn, 0) END AS r_n,
        CASE WHEN s.last_ts < $now OR s.last_ts IS NULL THEN s.resp_sum
             ELSE coalesce(p.rs, 0) END AS r_sum
    FROM s LEFT JOIN partial p ON p.segment_id = s.segment_id
)
SELECT iv, skill_id, agent_id,
    count(*),
    sum(msgs),
    count_if(ended),
    coalesce(sum(CASE WHEN ended THEN end_ts - start_ts END), 0),
    count_if(ended AND msg_count > 0 AND consumer_after_first),
    count_if(ended AND msg_count = 0 AND end_kind = 'close_consumer'),
    count_if(ended AND msg_count > 0 AND NOT consumer_after_first),
    count_if(ended AND msg_count = 0 AND end_kind <> 'close_consumer'),
    count_if(first_lat IS NOT NULL AND start_kind IN ('new', 'transfer', 'back_to_queue')),
    coalesce(sum(CASE WHEN start_kind IN ('new', 'transfer', 'back_to_queue')
                      THEN first_lat END), 0),
    count_if(first_lat IS NOT NULL AND start_kind IN ('transfer', 'back_to_queue')),
    coalesce(sum(CASE WHEN start_kind IN ('transfer', 'back_to_queue') THEN first_lat END), 0),
    count_if(first_lat IS NOT NULL AND start_kind = 'new'),
    coalesce(sum(CASE WHEN start_kind = 'new' THEN first_lat END), 0),
    sum(r_n),
    sum(r_sum)
FROM x GROUP BY iv, skill_id, agent_id
"""


@dataclass(slots=True)
class _Sums:
    values: list[int] = field(default_factory=lambda: [0] * len(_FIELDS))

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
    v = dict(zip(_FIELDS, sums.values, strict=True))
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
    params: dict[str, Any] = {
        "account": account,
        "lo": lo,
        "now": now_ms,
        "step": step_ms,
    }
    where, join = [], ""
    if query.agent_ids is not None:
        where.append("list_contains($agents, s.agent_id)")
        params["agents"] = list(query.agent_ids)
    if query.skill_ids is not None:
        # a skill list also restricts agentsMetrics and metricsTotal (docs/metrics.md 2.1)
        where.append("list_contains($skills, s.skill_id)")
        params["skills"] = list(query.skill_ids)
    if query.source is not None:
        where.append("s.source = $source")
        params["source"] = query.source
    if query.group_ids is not None or query.user_type is not None:
        join = "JOIN roster_agents r ON r.account = s.account AND r.agent_id = s.agent_id"
        if query.group_ids is not None:
            where.append("list_contains($groups, r.group_id)")
            params["groups"] = list(query.group_ids)
        if query.user_type is not None:
            where.append("r.user_type = $user_type")
            params["user_type"] = query.user_type
    sql = _SUMS_SQL.format(join=join, where="".join(f" AND {w}" for w in where))
    with store.reader() as cur:
        result = cur.execute(sql, params).fetchall()
    n_intervals = window_ms // step_ms
    by_interval: list[list[tuple[int, int, list[int]]]] = [[] for _ in range(n_intervals)]
    for iv, skill, agent, *sums in result:
        by_interval[int(iv)].append((int(skill), int(agent), [int(x) for x in sums]))
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
