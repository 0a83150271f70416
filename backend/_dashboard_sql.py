"""The dashboard's facts at a ``now``, read from DuckDB projections: the SQL reading.

Requests are answered by backend/_dashboard_facts.py from an in-memory index
(a join per request cost 0.2-0.7 s on retail_day); these queries state the same
facts directly in SQL and are the reference it is checked against, piece by
piece (tests/backend/test_dashboard_facts.py). ``FACTS_CTES`` and the
dataclasses are shared by both.

Each function runs one SQL query over the dashboard projection
(backend/_dashboard_projection.py, kept at ingest), ``segments``, ``events``
(presence, and conversations with events at or after now) and
``roster_agents``, and returns plain rows; backend/_dashboard.py filters and
aggregates them. Every query sees only events with ``ts < now``
(docs/metrics.md section 0): a stored fact is used only when its ts is
before now, and a conversation's "latest" facts are its stored final ones
when its last event is before now. Where an outcome must be known to be
*later* than now (a queue stay still waiting, a segment still open), a
stored end time is compared with now.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._dashboard_projection import LATEST_COLUMNS, response_ctes

__all__ = [
    "FACTS_CTES",
    "AgentEvent",
    "ChatSegment",
    "ConvFacts",
    "agent_events",
    "chat_segments",
    "open_conversations",
]


@dataclass(frozen=True, slots=True)
class ConvFacts:
    """One conversation at now (open at now, or for summaries closed before now).

    ``channel``: messaging, chat or call (the opened event's; None before it).
    ``seg_agent``/``seg_skill``: its agent segment open at now (None when
    unassigned). ``last_role``/``last_ts``: its last non-system message.
    ``csat``/``mcs``/``mcs_alerted``: latest survey and MCS score. The rest
    are the response-time family's per-conversation sums and single values
    (ms; None without a sample), section 3.4.
    """

    cid: str
    opened_ts: int
    is_open: bool
    channel: str | None
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
# A conversation whose last event is before now ("final") takes its latest facts from
# dash_convs; the others (a few hundred) have them computed from their visible events.
FACTS_CTES = (
    """
conv AS (
    SELECT r.cid, r.is_open, c.*,
        CASE WHEN c.opened_ts < $now THEN c.opened_ts END AS opened,
        coalesce(c.last_event_ts < $now, false) AS final
    FROM relevant r
    LEFT JOIN dash_convs c ON c.account = $account AND c.conversation_id = r.cid
),
ev AS (
    SELECT e.conversation_id AS cid, e.ts, e.seq, {'t': e.ts, 's': e.seq} AS pos, e.kind,
        e.skill_id, e.sender_role AS role, e.csat, e.mcs, e.mcs_alerted,
        coalesce(h.user_type = 'human', false) AS human
    FROM events e
    LEFT JOIN roster_agents h ON h.account = e.account AND h.agent_id = e.agent_id
    WHERE e.account = $account AND e.ts < $now
      AND e.kind IN ('conversation.queued', 'assignment.accepted', 'message.sent',
                     'survey.answered', 'mcs.scored')
      AND e.visibility IS DISTINCT FROM 'internal'  -- a note is no message
      AND e.conversation_id IN (SELECT cid FROM conv WHERE NOT final)
),
latest AS (
    SELECT cid,"""
    + LATEST_COLUMNS
    + """
    FROM ev GROUP BY cid
),"""
    + response_ctes("ev")
    + """,
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
    SELECT c.cid, coalesce(c.opened, 0) AS opened, c.is_open, c.channel,
        CASE WHEN c.final THEN c.final_skill ELSE l.cur_skill END AS cur_skill,
        o.agent_id AS seg_agent, o.skill_id AS seg_skill,
        CASE WHEN c.final THEN c.final_role ELSE l.last_role END AS last_role,
        CASE WHEN c.final THEN c.final_msg_ts ELSE l.last_ts END AS last_ts,
        CASE WHEN c.final THEN c.final_csat ELSE l.csat END AS csat,
        CASE WHEN c.final THEN c.final_mcs ELSE l.mcs END AS mcs,
        CASE WHEN c.final THEN c.final_alerted ELSE l.mcs_alerted END AS mcs_alerted,
        coalesce(CASE WHEN c.final THEN c.final_a_sum ELSE p.a_sum END, 0) AS a_sum,
        coalesce(CASE WHEN c.final THEN c.final_a_n ELSE p.a_n END, 0) AS a_n,
        coalesce(CASE WHEN c.final THEN c.final_c_sum ELSE p.c_sum END, 0) AS c_sum,
        coalesce(CASE WHEN c.final THEN c.final_c_n ELSE p.c_n END, 0) AS c_n,
        CASE WHEN c.fh_ts < $now THEN c.ttfr END AS ttfr,
        CASE WHEN c.fca_ts < $now THEN c.fca_ts - c.fam_ts END AS ttfr_consumer,
        CASE WHEN c.fh_ts < $now THEN c.ttfr_first_assign END AS ttfr_first_assign,
        CASE WHEN c.fa_ts < $now THEN c.fa_ts - c.opened END AS ttfa,
        coalesce(f.f_sum, 0) AS f_sum, coalesce(f.f_n, 0) AS f_n
    FROM conv c
    LEFT JOIN latest l ON l.cid = c.cid
    LEFT JOIN resp p ON p.cid = c.cid
    LEFT JOIN open_seg o ON o.cid = c.cid
    LEFT JOIN first_msg f ON f.cid = c.cid
)
"""
)


_OPEN_SQL = (
    """
WITH relevant AS (
    SELECT DISTINCT conversation_id AS cid, true AS is_open FROM dash_lives
    WHERE account = $account AND ts < $now AND (end_ts IS NULL OR end_ts >= $now)
),"""
    + FACTS_CTES
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
