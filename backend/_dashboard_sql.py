"""The dashboard's facts at a ``now``, read from DuckDB projections.

Each function runs one SQL query over the dashboard projection
(backend/_dashboard_projection.py, kept at ingest), ``segments``, ``events``
(presence only) and ``roster_agents``, and returns plain rows;
backend/_dashboard.py filters and aggregates them. Every query sees only
events with ``ts < now`` (docs/metrics.md section 0): a stored fact is used
only when its ts is before now, and a "latest before now" fact is the
version with ``ts < now <= end_ts``. Where an outcome must be known to be
*later* than now (a queue stay still waiting, a segment still open), a
stored end time is compared with now.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "AgentEvent",
    "ChatSegment",
    "ConvFacts",
    "agent_events",
    "chat_segments",
    "facts_ctes",
    "open_conversations",
]


@dataclass(frozen=True, slots=True)
class ConvFacts:
    """One conversation at now (open at now, or for summaries closed before now).

    ``seg_agent``/``seg_skill``: its agent segment open at now (None when
    unassigned). ``last_role``/``last_ts``: its last non-system message.
    ``csat``/``mcs``/``mcs_alerted``: latest survey and MCS score. The rest
    are the response-time family's per-conversation sums and single values
    (ms; None without a sample), section 3.4.
    """

    cid: str
    opened_ts: int
    is_open: bool
    cur_skill: int | None
    seg_agent: int | None
    seg_skill: int | None
    last_role: str | None
    last_ts: int | None
    csat: int | None
    mcs: int | None
    mcs_alerted: int | None
    agent_resp_sum: int
    agent_resp_n: int
    consumer_resp_sum: int
    consumer_resp_n: int
    ttfr: int | None
    ttfr_consumer: int | None
    ttfr_first_assign: int | None
    time_to_first_assign: int | None
    first_sum: int
    first_n: int


# Per-conversation facts at now for the conversations of a ``relevant(cid, is_open)``
# CTE the caller defines first; the result is the CTE ``facts`` (ConvFacts' columns).
# {facts}: the dash_versions families to read (the others come back NULL).
_FACTS_TEMPLATE = """
latest AS (
    -- the one version of each fact visible at now
    SELECT conversation_id AS cid,
        any_value(skill_id) FILTER (WHERE fact = 'skill') AS cur_skill,
        any_value(role) FILTER (WHERE fact = 'msg') AS last_role,
        any_value(ts) FILTER (WHERE fact = 'msg') AS last_ts,
        any_value(value) FILTER (WHERE fact = 'csat') AS csat,
        any_value(value) FILTER (WHERE fact = 'mcs') AS mcs,
        any_value(alerted) FILTER (WHERE fact = 'mcs') AS mcs_alerted,
        any_value(a_sum) FILTER (WHERE fact = 'resp') AS a_sum,
        any_value(a_n) FILTER (WHERE fact = 'resp') AS a_n,
        any_value(c_sum) FILTER (WHERE fact = 'resp') AS c_sum,
        any_value(c_n) FILTER (WHERE fact = 'resp') AS c_n
    FROM dash_versions
    WHERE account = $account AND ts < $now AND (end_ts IS NULL OR end_ts >= $now)
      AND fact IN {facts} AND conversation_id IN (SELECT cid FROM relevant)
    GROUP BY conversation_id
),
open_seg AS (
    SELECT conversation_id AS cid, agent_id, skill_id
    FROM segments
    WHERE account = $account AND start_ts < $now AND (end_ts IS NULL OR end_ts >= $now)
      AND conversation_id IN (SELECT cid FROM relevant)
),
first_msg AS (
    -- time to first agent message of human NEW/TRANSFER segments (first_ts is a1 there)
    SELECT s.conversation_id AS cid, sum(s.first_ts - s.start_ts) AS f_sum, count(*) AS f_n
    FROM segments s
    JOIN roster_agents h ON h.account = s.account AND h.agent_id = s.agent_id
    WHERE s.account = $account AND h.user_type = 'human' AND s.start_ts < $now
      AND s.first_ts < $now AND s.start_kind IN ('new', 'transfer', 'back_to_queue')
      AND s.conversation_id IN (SELECT cid FROM relevant)
    GROUP BY 1
),
facts AS (
    SELECT r.cid, coalesce(c.opened, 0) AS opened, r.is_open, l.cur_skill,
        o.agent_id AS seg_agent, o.skill_id AS seg_skill, l.last_role, l.last_ts, l.csat,
        l.mcs, l.mcs_alerted,
        coalesce(l.a_sum, 0) AS a_sum, coalesce(l.a_n, 0) AS a_n,
        coalesce(l.c_sum, 0) AS c_sum, coalesce(l.c_n, 0) AS c_n,
        CASE WHEN c.fh_ts < $now THEN c.ttfr END AS ttfr,
        CASE WHEN c.fca_ts < $now THEN c.fca_ts - c.fh_ts END AS ttfr_consumer,
        CASE WHEN c.fh_ts < $now THEN c.ttfr_first_assign END AS ttfr_first_assign,
        CASE WHEN c.fa_ts < $now THEN c.fa_ts - c.opened END AS ttfa,
        coalesce(f.f_sum, 0) AS f_sum, coalesce(f.f_n, 0) AS f_n
    FROM relevant r
    LEFT JOIN (
        SELECT *, CASE WHEN opened_ts < $now THEN opened_ts END AS opened
        FROM dash_convs WHERE account = $account
    ) c ON c.conversation_id = r.cid
    LEFT JOIN latest l ON l.cid = r.cid
    LEFT JOIN open_seg o ON o.cid = r.cid
    LEFT JOIN first_msg f ON f.cid = r.cid
)
"""


def facts_ctes(*, open_facts: bool) -> str:
    """The ``latest``, ``open_seg``, ``first_msg`` and ``facts`` CTEs; without
    ``open_facts`` the current skill and last message (needed only for open
    conversations) are not read and come back NULL."""
    families = ("skill", "msg", "csat", "mcs", "resp") if open_facts else ("csat", "mcs", "resp")
    return _FACTS_TEMPLATE.format(facts="(" + ", ".join(f"'{f}'" for f in families) + ")")


_OPEN_SQL = (
    """
WITH relevant AS (
    SELECT DISTINCT conversation_id AS cid, true AS is_open FROM dash_lives
    WHERE account = $account AND ts < $now AND (end_ts IS NULL OR end_ts >= $now)
),"""
    + facts_ctes(open_facts=True)
    + "SELECT * FROM facts"
)


def open_conversations(cur: Any, *, account: str, now: int) -> list[ConvFacts]:
    """Conversations open at ``now`` (last life event before now opens it), with facts."""
    rows = cur.execute(_OPEN_SQL, {"account": account, "now": now}).fetchall()
    return [ConvFacts(*row) for row in rows]


@dataclass(frozen=True, slots=True)
class ChatSegment:
    """An agent segment of a chat conversation (``end`` None if it never ended)."""

    agent: int
    skill: int
    start: int
    end: int | None


_CHAT_SEGMENTS_SQL = """
SELECT s.agent_id, s.skill_id, s.start_ts, s.end_ts
FROM segments s
JOIN roster_agents h ON h.account = s.account AND h.agent_id = s.agent_id
WHERE s.account = $account AND s.channel = 'chat' AND s.start_ts < $now
  AND (s.end_ts IS NULL OR s.end_ts > $start) AND h.user_type = 'human'
"""


def chat_segments(cur: Any, *, account: str, now: int, start: int) -> list[ChatSegment]:
    """Chat segments of human agents overlapping ``[start, now)`` (occupancy)."""
    rows = cur.execute(
        _CHAT_SEGMENTS_SQL, {"account": account, "now": now, "start": start}
    ).fetchall()
    return [ChatSegment(*row) for row in rows]


@dataclass(frozen=True, slots=True)
class AgentEvent:
    """A visible ``agent.login``/``logout``/``status`` event (log order within an agent)."""

    agent: int
    ts: int
    kind: str
    site: str | None
    status: str | None


_AGENT_SQL = """
SELECT agent_id, ts, kind, site, status FROM events
WHERE account = $account AND ts < $now
  AND kind IN ('agent.login', 'agent.logout', 'agent.status')
ORDER BY agent_id, ts, seq
"""


def agent_events(cur: Any, *, account: str, now: int) -> list[AgentEvent]:
    """Presence events before ``now``, ordered by agent then log order."""
    rows = cur.execute(_AGENT_SQL, {"account": account, "now": now}).fetchall()
    return [AgentEvent(*row) for row in rows]
