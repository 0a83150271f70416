"""The dashboard's facts at a ``now``, read from DuckDB (events, segments, roster_agents).

Each function runs one SQL query and returns plain rows; backend/_dashboard.py
filters and aggregates them. Every query sees only events with ``ts < now``
(docs/metrics.md section 0), except where an outcome must be known to be
*later* than now (a queue stay still waiting, a segment still open), which
compares a stored end time with now. Log order is ``(ts, seq)``: struct
values ``{'t': ts, 's': seq}`` compare in that order.
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

_LIFE_START = "('conversation.opened', 'conversation.resumed', 'conversation.reopened')"
_SEGMENT_ENDS = (
    "('conversation.transferred', 'conversation.back_to_queue', "
    "'conversation.taken_over', 'conversation.closed')"
)


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


_CONV_SQL = f"""
WITH ev AS (
    SELECT e.conversation_id AS cid, e.ts, e.seq, {{'t': e.ts, 's': e.seq}} AS pos, e.kind,
           e.skill_id, e.sender_role AS role, e.csat, e.mcs, e.mcs_alerted,
           coalesce(h.user_type = 'human', false) AS human
    FROM events e
    LEFT JOIN roster_agents h ON h.account = e.account AND h.agent_id = e.agent_id
    WHERE e.account = $account AND e.conversation_id IS NOT NULL AND e.ts < $now
),
conv AS (
    SELECT cid,
        min(ts) FILTER (WHERE kind = 'conversation.opened') AS opened_ts,
        arg_max(kind, pos) FILTER (WHERE kind IN {_LIFE_START}
            OR kind IN ('conversation.closed', 'conversation.abandoned')) AS life_kind,
        bool_or(kind = 'conversation.closed' AND ts >= $lo) AS closed_recently,
        arg_max(skill_id, pos)
            FILTER (WHERE kind IN ('conversation.queued', 'assignment.accepted')) AS cur_skill,
        arg_max(role, pos) FILTER (WHERE kind = 'message.sent' AND role <> 'system') AS last_role,
        max(ts) FILTER (WHERE kind = 'message.sent' AND role <> 'system') AS last_ts,
        arg_max(csat, pos) FILTER (WHERE kind = 'survey.answered') AS csat,
        arg_max(mcs, pos) FILTER (WHERE kind = 'mcs.scored') AS mcs,
        arg_max(mcs_alerted, pos) FILTER (WHERE kind = 'mcs.scored') AS mcs_alerted,
        min(pos) FILTER (WHERE kind = 'message.sent' AND role IN ('agent', 'manager')
                         AND human) AS fh,
        min(pos) FILTER (WHERE kind = 'message.sent' AND role = 'consumer') AS fc,
        min(pos) FILTER (WHERE kind = 'assignment.accepted' AND human) AS fa
    FROM ev GROUP BY cid
),
relevant AS (
    SELECT * FROM conv WHERE life_kind IN {_LIFE_START} OR closed_recently
),
stream AS (
    -- consumer and human-agent messages: the conversation's response stream
    SELECT e.cid, e.ts, e.seq, e.pos, e.role = 'consumer' AS consumer
    FROM ev e SEMI JOIN relevant r ON r.cid = e.cid
    WHERE e.kind = 'message.sent'
      AND (e.role = 'consumer' OR (e.role IN ('agent', 'manager') AND e.human))
),
run_heads AS (
    -- first message of each run of one side: a response to the other side's run
    SELECT cid, ts, seq, consumer FROM (
        SELECT *, consumer IS DISTINCT FROM lag(consumer) OVER (
            PARTITION BY cid ORDER BY ts, seq) AS head
        FROM stream)
    WHERE head
),
responses AS (
    SELECT cid,
        coalesce(sum(ts - prev_ts) FILTER (WHERE NOT consumer), 0) AS a_sum,
        count(prev_ts) FILTER (WHERE NOT consumer) AS a_n,
        coalesce(sum(ts - prev_ts) FILTER (WHERE consumer), 0) AS c_sum,
        count(prev_ts) FILTER (WHERE consumer) AS c_n
    FROM (SELECT *, lag(ts) OVER (PARTITION BY cid ORDER BY ts, seq) AS prev_ts FROM run_heads)
    GROUP BY cid
),
after_human AS (
    SELECT s.cid, min(s.pos) AS fca
    FROM stream s JOIN relevant r ON r.cid = s.cid
    WHERE s.consumer AND s.pos > r.fh
    GROUP BY s.cid
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
SELECT r.cid, coalesce(r.opened_ts, 0), r.life_kind IN {_LIFE_START}, r.cur_skill,
    o.agent_id, o.skill_id, r.last_role, r.last_ts, r.csat, r.mcs, r.mcs_alerted,
    coalesce(p.a_sum, 0), coalesce(p.a_n, 0), coalesce(p.c_sum, 0), coalesce(p.c_n, 0),
    CASE WHEN r.fc < r.fh THEN r.fh.t - r.fc.t END,
    a.fca.t - r.fh.t,
    CASE WHEN r.fa < r.fh THEN r.fh.t - r.fa.t END,
    r.fa.t - r.opened_ts,
    coalesce(f.f_sum, 0), coalesce(f.f_n, 0)
FROM relevant r
LEFT JOIN responses p ON p.cid = r.cid
LEFT JOIN after_human a ON a.cid = r.cid
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


_CLOSES_SQL = f"""
WITH closing AS (
    SELECT DISTINCT conversation_id FROM events
    WHERE account = $account AND kind = 'conversation.closed' AND ts >= $lo AND ts < $now
),
routed AS (
    SELECT conversation_id AS cid, ts, kind, agent_id, skill_id, closed_by,
        -- before the close: the last accept-or-segment-end, the last accepting agent and
        -- the last routed skill
        last_value(CASE WHEN kind <> 'conversation.queued' THEN kind END IGNORE NULLS)
            OVER before AS last_change,
        last_value(CASE WHEN kind = 'assignment.accepted' THEN agent_id END IGNORE NULLS)
            OVER before AS last_agent,
        last_value(CASE WHEN kind IN ('conversation.queued', 'assignment.accepted')
                   THEN skill_id END IGNORE NULLS) OVER before AS last_skill
    FROM events
    WHERE account = $account AND conversation_id IN (SELECT conversation_id FROM closing)
      AND (kind IN ('conversation.queued', 'assignment.accepted') OR kind IN {_SEGMENT_ENDS})
    WINDOW before AS (PARTITION BY conversation_id ORDER BY ts, seq
                      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
)
SELECT cid, ts, closed_by,
    CASE WHEN last_change = 'assignment.accepted' THEN last_agent END, last_skill
FROM routed
WHERE kind = 'conversation.closed' AND ts >= $lo AND ts < $now
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
WITH chat AS (
    SELECT DISTINCT conversation_id FROM events
    WHERE account = $account AND kind = 'conversation.opened' AND channel = 'chat'
),
routing AS (
    SELECT kind, ts, skill_id,
        lead(kind) OVER w AS next_kind, lead(ts) OVER w AS next_ts,
        lead(agent_id) OVER w AS next_agent, lead(closed_by) OVER w AS next_closed_by
    FROM events
    WHERE account = $account AND conversation_id IN (SELECT conversation_id FROM chat)
      AND kind IN ('conversation.queued', 'assignment.accepted', 'conversation.abandoned',
                   'conversation.closed')
    WINDOW w AS (PARTITION BY conversation_id ORDER BY ts, seq)
)
SELECT skill_id, ts, next_ts,
    CASE
        WHEN next_kind IS NULL THEN NULL
        WHEN next_kind = 'assignment.accepted' THEN 'connected'
        WHEN next_kind = 'conversation.abandoned'
          OR (next_kind = 'conversation.closed' AND next_closed_by = 'consumer') THEN 'abandoned'
        ELSE 'other'
    END,
    CASE WHEN next_kind = 'assignment.accepted' THEN next_agent END
FROM routing
WHERE kind = 'conversation.queued' AND ts < $now AND (next_ts IS NULL OR next_ts >= $start)
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
