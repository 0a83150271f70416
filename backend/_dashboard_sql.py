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
    "Close",
    "ConvFacts",
    "QueueStay",
    "agent_events",
    "chat_segments",
    "closes",
    "conversation_facts",
    "queue_stays",
]


@dataclass(frozen=True, slots=True)
class ConvFacts:
    """One conversation at now (open at now, or closed in ``[lo, now)``).

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


_CONV_SQL = """
WITH relevant AS (
    SELECT conversation_id AS cid, bool_or(is_open) AS is_open FROM (
        SELECT conversation_id, true AS is_open FROM dash_lives
        WHERE account = $account AND ts < $now AND (end_ts IS NULL OR end_ts >= $now)
        UNION ALL
        SELECT conversation_id, false FROM dash_closes
        WHERE account = $account AND ts >= $lo AND ts < $now)
    GROUP BY conversation_id
),
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
      AND conversation_id IN (SELECT cid FROM relevant)
    GROUP BY conversation_id
),
open_seg AS (
    SELECT conversation_id AS cid, agent_id, skill_id
    FROM segments
    WHERE account = $account AND start_ts < $now AND (end_ts IS NULL OR end_ts >= $now)
),
first_msg AS (
    -- time to first agent message of human NEW/TRANSFER segments (first_ts is a1 there)
    SELECT s.conversation_id AS cid, sum(s.first_ts - s.start_ts) AS f_sum, count(*) AS f_n
    FROM segments s
    JOIN roster_agents h ON h.account = s.account AND h.agent_id = s.agent_id
    WHERE s.account = $account AND h.user_type = 'human' AND s.start_ts < $now
      AND s.first_ts < $now AND s.start_kind IN ('new', 'transfer', 'back_to_queue')
    GROUP BY 1
)
SELECT r.cid, coalesce(c.opened, 0), r.is_open, l.cur_skill,
    o.agent_id, o.skill_id, l.last_role, l.last_ts, l.csat, l.mcs, l.mcs_alerted,
    coalesce(l.a_sum, 0), coalesce(l.a_n, 0), coalesce(l.c_sum, 0), coalesce(l.c_n, 0),
    CASE WHEN c.fh_ts < $now THEN c.ttfr END,
    CASE WHEN c.fca_ts < $now THEN c.fca_ts - c.fh_ts END,
    CASE WHEN c.fh_ts < $now THEN c.ttfr_first_assign END,
    CASE WHEN c.fa_ts < $now THEN c.fa_ts - c.opened END,
    coalesce(f.f_sum, 0), coalesce(f.f_n, 0)
FROM relevant r
LEFT JOIN (
    SELECT *, CASE WHEN opened_ts < $now THEN opened_ts END AS opened
    FROM dash_convs WHERE account = $account
) c ON c.conversation_id = r.cid
LEFT JOIN latest l ON l.cid = r.cid
LEFT JOIN open_seg o ON o.cid = r.cid
LEFT JOIN first_msg f ON f.cid = r.cid
"""


def conversation_facts(cur: Any, *, account: str, now: int, lo: int) -> list[ConvFacts]:
    """Conversations open at ``now`` or with a close in ``[lo, now)``, with their facts."""
    rows = cur.execute(_CONV_SQL, {"account": account, "now": now, "lo": lo}).fetchall()
    return [ConvFacts(*row) for row in rows]


@dataclass(frozen=True, slots=True)
class Close:
    """A ``conversation.closed`` in ``[lo, now)``: the agent whose segment it ended
    (None if unassigned) and the skill current at the close (None if never routed)."""

    cid: str
    ts: int
    closed_by: str
    agent: int | None
    skill: int | None


_CLOSES_SQL = """
SELECT conversation_id, ts, closed_by, agent_id, skill_id FROM dash_closes
WHERE account = $account AND ts >= $lo AND ts < $now
"""


def closes(cur: Any, *, account: str, now: int, lo: int) -> list[Close]:
    """Every close with ``lo <= ts < now`` and who it is attributed to."""
    rows = cur.execute(_CLOSES_SQL, {"account": account, "now": now, "lo": lo}).fetchall()
    return [Close(*row) for row in rows]


@dataclass(frozen=True, slots=True)
class QueueStay:
    """A chat ``conversation.queued`` and its outcome: ``end`` None while no routing event
    follows; ``outcome`` connected | abandoned | other (None with no end); ``agent`` the
    connecting agent."""

    skill: int
    start: int
    end: int | None
    outcome: str | None
    agent: int | None


_STAYS_SQL = """
SELECT skill_id, start_ts, end_ts, outcome, agent_id FROM dash_stays
WHERE account = $account AND start_ts < $now AND (end_ts IS NULL OR end_ts >= $start)
"""


def queue_stays(cur: Any, *, account: str, now: int, start: int) -> list[QueueStay]:
    """Chat queue stays starting before ``now`` and not ended before ``start``."""
    rows = cur.execute(_STAYS_SQL, {"account": account, "now": now, "start": start}).fetchall()
    return [QueueStay(*row) for row in rows]


@dataclass(frozen=True, slots=True)
class ChatSegment:
    """An agent segment of a chat conversation (``end`` None if it never ended);
    ``interactive``: counted messages and a consumer message after the first one."""

    agent: int
    skill: int
    start: int
    end: int | None
    interactive: bool


_CHAT_SEGMENTS_SQL = """
SELECT agent_id, skill_id, start_ts, end_ts, msg_count > 0 AND consumer_after_first
FROM segments
WHERE account = $account AND channel = 'chat' AND start_ts < $now
  AND (end_ts IS NULL OR end_ts > $start)
"""


def chat_segments(cur: Any, *, account: str, now: int, start: int) -> list[ChatSegment]:
    """Chat segments overlapping ``[start, now)``."""
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
