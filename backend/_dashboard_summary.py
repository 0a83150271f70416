"""Aggregates of the dashboard computed in SQL: closes and chat queue stays at a ``now``.

The SQL reading: requests sum the same rows in memory (backend/_dashboard_facts.py),
checked against these queries (tests/backend/test_dashboard_facts.py); the sums'
dataclasses are shared.

Closes (``dash_closes``), chat queue stays (``dash_stays``) and handled chat
segments (``segments``, for AHT) number in the
tens of thousands on a busy day, so the filters (skill at the close or of
the stay; group of the close's agent or of the connecting agent, -1 when
there is none or it is not on the roster) are applied in SQL and only sums
and counts come back; backend/_dashboard_core.py turns them into means and
percentages with the same arithmetic as for the open conversations.

A closed conversation is represented by its last close before now, when that
close is in the scope's window (docs/metrics.md 3.7: a conversation closed
twice is one closed conversation, closed by its last closer); only
conversations of the request's mode (channel) count. A close summary is
computed per scope: the closed window (``w``), per agent in the closed
window (``a``, keyed by the agent whose segment the close ended), per skill
over the skills table's 12 hours (``s``, keyed by the skill at the close)
and per skill over the closed window (``r``, the skills table's resolution
time). CSAT, the response-time family and MCS use each closed
conversation's facts at now (backend/_dashboard_sql.py ``FACTS_CTES``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._dashboard_params import DashboardQuery
from ._dashboard_sql import FACTS_CTES

__all__ = ["ChatSums", "CloseSums", "FamilySums", "chat_sums", "close_sums"]


@dataclass(frozen=True, slots=True)
class FamilySums:
    """Sums (ms) and counts of the response-time family and MCS over conversations."""

    a_sum: int = 0
    a_n: int = 0
    c_sum: int = 0
    c_n: int = 0
    f_sum: int = 0
    f_n: int = 0
    ttfr_sum: int = 0
    ttfr_n: int = 0
    ttfr_consumer_sum: int = 0
    ttfr_consumer_n: int = 0
    ttfr_first_assign_sum: int = 0
    ttfr_first_assign_n: int = 0
    ttfa_sum: int = 0
    ttfa_n: int = 0
    mcs_sum: int = 0
    mcs_n: int = 0
    mcs_positive: int = 0
    mcs_negative: int = 0


@dataclass(frozen=True, slots=True)
class CloseSums:
    """Closes of one scope and key: counts by closer, resolution time (ms) summed over
    closes, CSAT over closed conversations, and their response-time family."""

    closed: int = 0
    by_consumer: int = 0
    by_agent: int = 0
    by_system: int = 0
    resolution_sum: int = 0
    csat_answered: int = 0
    csat_good: int = 0  # latest answer 4 or 5
    csat_sum: int = 0  # latest answers summed (1..5 each)
    family: FamilySums = FamilySums()


# Sums over the conversations of ``facts`` rows named f (same order as FamilySums).
FAMILY_SQL = """
    coalesce(sum(f.a_sum), 0), coalesce(sum(f.a_n), 0),
    coalesce(sum(f.c_sum), 0), coalesce(sum(f.c_n), 0),
    coalesce(sum(f.f_sum), 0), coalesce(sum(f.f_n), 0),
    coalesce(sum(f.ttfr), 0), count(f.ttfr),
    coalesce(sum(f.ttfr_consumer), 0), count(f.ttfr_consumer),
    coalesce(sum(f.ttfr_first_assign), 0), count(f.ttfr_first_assign),
    coalesce(sum(f.ttfa), 0), count(f.ttfa),
    coalesce(sum(f.mcs), 0), count(f.mcs),
    count(*) FILTER (WHERE f.mcs_alerted = 1), count(*) FILTER (WHERE f.mcs_alerted = -1)
"""

_FILTERS = """
    AND ($skills IS NULL OR list_contains($skills, {skill}))
    AND ($groups IS NULL OR list_contains($groups, coalesce(g.group_id, -1)))
"""

_CLOSES_SQL = (
    """
WITH last_close AS (
    -- each conversation's last close before now, when it is in [lo, now): a later
    -- close before now would be in that range too
    SELECT * FROM dash_closes
    WHERE account = $account AND ts >= $lo AND ts < $now
    QUALIFY row_number() OVER (PARTITION BY conversation_id ORDER BY ts DESC, seq DESC) = 1
),
kept AS (
    SELECT c.conversation_id AS cid, c.ts, c.closed_by, c.agent_id, c.skill_id
    FROM last_close c
    JOIN dash_convs v ON v.account = c.account AND v.conversation_id = c.conversation_id
    LEFT JOIN roster_agents g ON g.account = c.account AND g.agent_id = c.agent_id
    WHERE v.channel = $mode"""
    + _FILTERS.format(skill="c.skill_id")
    + """),
relevant AS (SELECT DISTINCT cid, false AS is_open FROM kept),"""
    + FACTS_CTES
    + """,
scoped AS (
    SELECT 'w' AS scope, NULL::BIGINT AS key, * FROM kept WHERE ts >= $start
    UNION ALL SELECT 'a', agent_id, * FROM kept WHERE ts >= $start AND agent_id IS NOT NULL
    UNION ALL SELECT 's', skill_id, * FROM kept WHERE ts >= $skills_lo AND skill_id IS NOT NULL
    UNION ALL SELECT 'r', skill_id, * FROM kept WHERE ts >= $start AND skill_id IS NOT NULL
),
close_level AS (
    SELECT s.scope, s.key, count(*) AS n,
        count(*) FILTER (WHERE s.closed_by = 'consumer') AS by_c,
        count(*) FILTER (WHERE s.closed_by = 'agent') AS by_a,
        count(*) FILTER (WHERE s.closed_by = 'system') AS by_s,
        sum(s.ts - coalesce(c.opened, 0)) AS res
    FROM scoped s JOIN conv c ON c.cid = s.cid
    GROUP BY s.scope, s.key
),
conv_level AS (
    -- each closed conversation once per scope and key
    SELECT d.scope, d.key, count(f.csat) AS csat_n, count(*) FILTER (WHERE f.csat >= 4) AS good,
        coalesce(sum(f.csat), 0) AS csat_sum,"""
    + FAMILY_SQL
    + """
    FROM (SELECT DISTINCT scope, key, cid FROM scoped) d JOIN facts f ON f.cid = d.cid
    GROUP BY d.scope, d.key
)
SELECT l.scope, l.key, l.n, l.by_c, l.by_a, l.by_s, l.res, v.* EXCLUDE (scope, key)
FROM close_level l
JOIN conv_level v ON v.scope = l.scope AND v.key IS NOT DISTINCT FROM l.key
"""
)


def _filters(query: DashboardQuery) -> dict[str, Any]:
    return {
        "mode": query.mode,
        "skills": None if query.skill_ids is None else list(query.skill_ids),
        "groups": None if query.group_ids is None else list(query.group_ids),
    }


def close_sums(
    cur: Any,
    *,
    account: str,
    query: DashboardQuery,
    now: int,
    start: int,
    skills_lo: int,
) -> dict[tuple[str, int | None], CloseSums]:
    """Kept closed conversations summed per scope: ``('w', None)`` the closed window
    ``[start, now)``, ``('a', agent)`` per agent in it, ``('s', skill)`` per skill in
    ``[skills_lo, now)``, ``('r', skill)`` per skill in ``[start, now)``. A scope and key
    without closes is absent."""
    params = {
        "account": account,
        "now": now,
        "start": start,
        "skills_lo": skills_lo,
        "lo": min(start, skills_lo),
        **_filters(query),
    }
    out = {}
    for scope, key, *raw in cur.execute(_CLOSES_SQL, params).fetchall():
        n = [int(x) for x in raw]  # DuckDB sums are HUGEINT: Python ints either way
        out[(scope, key)] = CloseSums(
            closed=n[0],
            by_consumer=n[1],
            by_agent=n[2],
            by_system=n[3],
            resolution_sum=n[4],
            csat_answered=n[5],
            csat_good=n[6],
            csat_sum=n[7],
            family=FamilySums(*n[8:]),
        )
    return out


@dataclass(frozen=True, slots=True)
class ChatSums:
    """Chat visitors' queue waits kept by the skill filter (section 3.6): waiting at now,
    entered in the window, and those that ended in the window abandoned or connected
    (ms sums)."""

    in_queue: int
    entered: int
    abandoned: int
    abandoned_sum: int
    connected: int
    connected_sum: int
    within_sl: int  # connected with a wait <= the service-level threshold
    handled: int  # chat segments ended in the window with an interaction (AHT)
    handled_sum: int


_STAYS_SQL = """
SELECT
    count(*) FILTER (WHERE end_ts IS NULL OR end_ts >= $now),
    count(*) FILTER (WHERE start_ts >= $start),
    count(*) FILTER (WHERE ended AND outcome = 'abandoned'),
    coalesce(sum(end_ts - start_ts) FILTER (WHERE ended AND outcome = 'abandoned'), 0),
    count(*) FILTER (WHERE ended AND outcome = 'connected'),
    coalesce(sum(end_ts - start_ts) FILTER (WHERE ended AND outcome = 'connected'), 0),
    count(*) FILTER (WHERE ended AND outcome = 'connected' AND end_ts - start_ts <= $sl)
FROM (
    SELECT s.*, coalesce(s.end_ts >= $start AND s.end_ts < $now, false) AS ended
    FROM dash_stays s
    -- the queue KPIs are "(all Groups)": the skill filter only
    WHERE s.account = $account AND s.start_ts < $now
      AND (s.end_ts IS NULL OR s.end_ts >= $start)
      AND ($skills IS NULL OR list_contains($skills, s.skill_id)))"""

_HANDLED_SQL = """
SELECT count(*), coalesce(sum(s.end_ts - s.start_ts), 0)
FROM segments s
LEFT JOIN roster_agents g ON g.account = s.account AND g.agent_id = s.agent_id
WHERE s.account = $account AND s.channel = 'chat' AND s.start_ts < $now
  AND s.end_ts > $start AND s.end_ts >= $start AND s.end_ts < $now
  AND s.msg_count > 0 AND s.consumer_after_first""" + _FILTERS.format(skill="s.skill_id")


def chat_sums(cur: Any, *, account: str, query: DashboardQuery, now: int, start: int) -> ChatSums:
    """Chat visitors' waits starting before ``now`` and not ended before ``start`` (kept
    by the skill filter: the queue KPIs are "(all Groups)"), and chat segments handled in
    ``[start, now)`` (kept by both filters), summed."""
    params = {"account": account, "now": now, "start": start, **_filters(query)}
    del params["mode"]  # the chat section is the chat channel's
    groups = params.pop("groups")
    stays = cur.execute(_STAYS_SQL, {**params, "sl": query.sl_threshold_ms}).fetchone()
    handled = cur.execute(_HANDLED_SQL, {**params, "groups": groups}).fetchone()
    return ChatSums(*(int(x) for x in stays + handled))
