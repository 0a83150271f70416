"""The dashboard projection: now-independent per-conversation facts, kept at ingest.

The seed 003 dashboard answers for a ``now`` and sees only events with
``ts < now`` (docs/metrics.md section 0). Each ingest transaction stores, for
exactly the conversations its batch touched (delete, then recompute from all
of their stored events, so batches may arrive in any order), facts that a
request filters with plain range predicates on ``ts``:

``dash_convs``
    One row per conversation: opened time, chat or not, and the
    first-response family (docs/metrics.md 3.4) as values with the time
    they become visible (``fh_ts``: first human agent message; ``fca_ts``:
    first consumer message after it; ``fa_ts``: first human accept; the
    first such event is visible iff any is). Also the ts of its last event
    and its "latest" facts after that event (``final_*``: current skill,
    last non-system message, latest survey and MCS, response-time sums): at
    any now after the last event those are the facts at now. For the few
    conversations with events at or after now, a request computes them
    from their visible events with the same SQL (``LATEST_COLUMNS``,
    :func:`response_ctes`).
``dash_lives``
    One row per opened/resumed/reopened event with ``end_ts``, the ts of
    the conversation's next life event (opened/resumed/reopened/closed/
    abandoned). The conversation is open at now iff a row has
    ``ts < now AND (end_ts IS NULL OR end_ts >= now)``.
``dash_closes``
    One row per ``conversation.closed``: who closed it, the agent whose
    segment it ended (the last accept-or-segment-end before it is an
    accept) and the skill current at the close.
``dash_stays``
    Chat queue stays: each chat ``conversation.queued`` with the next
    routing event (accepted/abandoned/closed/queued) and its outcome.

Human (roster ``user_type`` human) decides which messages and accepts count
for the response-time family, so storing a roster recomputes the account's
rows (backend/_store.py).
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "DASHBOARD_DDL",
    "LATEST_COLUMNS",
    "create_dashboard_projection",
    "refresh_dashboard",
    "refresh_dashboard_account",
    "response_ctes",
]

DASHBOARD_DDL = """
CREATE TABLE IF NOT EXISTS dash_convs (
    account VARCHAR NOT NULL,
    conversation_id VARCHAR NOT NULL,
    opened_ts BIGINT,                 -- ms; NULL until conversation.opened is stored
    chat BOOLEAN NOT NULL,            -- opened with channel chat
    fh_ts BIGINT,                     -- first human agent/manager message (ms)
    ttfr BIGINT,                      -- fh - first consumer message, when that is before fh
    ttfr_first_assign BIGINT,         -- fh - first human accept, when that is before fh
    fca_ts BIGINT,                    -- first consumer message after fh (ms)
    fa_ts BIGINT,                     -- first human accept (ms)
    last_event_ts BIGINT NOT NULL,    -- ms of its last stored event
    -- the latest facts after the last event: the facts at any now > last_event_ts
    final_skill BIGINT, final_role VARCHAR, final_msg_ts BIGINT, final_csat BIGINT,
    final_mcs BIGINT, final_alerted BIGINT, final_a_sum BIGINT, final_a_n BIGINT,
    final_c_sum BIGINT, final_c_n BIGINT
);
CREATE TABLE IF NOT EXISTS dash_lives (
    account VARCHAR NOT NULL,
    conversation_id VARCHAR NOT NULL,
    ts BIGINT NOT NULL,               -- ms of an opened/resumed/reopened
    end_ts BIGINT                     -- ms of the next life event, NULL if none
);
CREATE TABLE IF NOT EXISTS dash_closes (
    account VARCHAR NOT NULL,
    conversation_id VARCHAR NOT NULL,
    ts BIGINT NOT NULL,
    closed_by VARCHAR,
    agent_id BIGINT,                  -- agent whose segment the close ended, NULL if none
    skill_id BIGINT                   -- last queued/accepted skill before the close
);
CREATE TABLE IF NOT EXISTS dash_stays (
    account VARCHAR NOT NULL,
    conversation_id VARCHAR NOT NULL,
    skill_id BIGINT,
    start_ts BIGINT NOT NULL,         -- ms of the conversation.queued
    end_ts BIGINT,                    -- ms of the next routing event, NULL if none
    outcome VARCHAR,                  -- connected | abandoned | other; NULL with no end
    agent_id BIGINT                   -- the connecting agent
);
"""

# The latest facts of each conversation of an event relation with columns cid, ts,
# pos ({'t': ts, 's': seq}), kind, skill_id, role, csat, mcs, mcs_alerted (grouped by cid).
LATEST_COLUMNS = """
    arg_max(skill_id, pos) FILTER (WHERE kind IN ('conversation.queued',
                                                  'assignment.accepted')) AS cur_skill,
    arg_max(role, pos) FILTER (WHERE kind = 'message.sent' AND role <> 'system') AS last_role,
    max(ts) FILTER (WHERE kind = 'message.sent' AND role <> 'system') AS last_ts,
    arg_max(csat, pos) FILTER (WHERE kind = 'survey.answered') AS csat,
    arg_max(mcs, pos) FILTER (WHERE kind = 'mcs.scored') AS mcs,
    arg_max(mcs_alerted, pos) FILTER (WHERE kind = 'mcs.scored') AS mcs_alerted"""


def response_ctes(src: str) -> str:
    """CTEs ending in ``resp(cid, a_sum, a_n, c_sum, c_n)``: response-time sums (ms) and
    counts per conversation of the event relation ``src`` (cid, ts, seq, kind, role,
    human), section 3.4. The stream keeps consumer and human agent/manager messages; a
    run head (first message of a run of one side) after an earlier head is a response
    of its side, measured from that head."""
    return f"""
_stream AS (
    SELECT cid, ts, seq, role = 'consumer' AS consumer FROM {src}
    WHERE kind = 'message.sent'
      AND (role = 'consumer' OR (role IN ('agent', 'manager') AND human))
),
_heads AS (
    SELECT cid, ts, seq, consumer FROM (
        SELECT *, consumer IS DISTINCT FROM lag(consumer) OVER (
            PARTITION BY cid ORDER BY ts, seq) AS head
        FROM _stream)
    WHERE head
),
resp AS (
    SELECT cid,
        coalesce(sum(latency) FILTER (WHERE NOT consumer), 0) AS a_sum,
        count(latency) FILTER (WHERE NOT consumer) AS a_n,
        coalesce(sum(latency) FILTER (WHERE consumer), 0) AS c_sum,
        count(latency) FILTER (WHERE consumer) AS c_n
    FROM (SELECT *, ts - lag(ts) OVER (PARTITION BY cid ORDER BY ts, seq) AS latency
          FROM _heads)
    GROUP BY cid
)"""


_TABLES = ("dash_convs", "dash_lives", "dash_closes", "dash_stays")

_LIFE_START = "('conversation.opened', 'conversation.resumed', 'conversation.reopened')"
_LIFE = (
    "('conversation.opened', 'conversation.resumed', 'conversation.reopened', "
    "'conversation.closed', 'conversation.abandoned')"
)
_SEGMENT_ENDS = (
    "('conversation.transferred', 'conversation.back_to_queue', "
    "'conversation.taken_over', 'conversation.closed')"
)

# Positions compare as structs {'t': ts, 's': seq}: the log's (ts, seq) order.
_STEP_SQL = f"""
CREATE OR REPLACE TEMP TABLE _dev AS
SELECT e.conversation_id AS cid, e.ts, e.seq, {{'t': e.ts, 's': e.seq}} AS pos, e.kind,
       e.skill_id, e.agent_id, e.sender_role AS role, e.closed_by, e.channel, e.csat,
       e.mcs, e.mcs_alerted, coalesce(h.user_type = 'human', false) AS human
FROM events e
LEFT JOIN roster_agents h ON h.account = e.account AND h.agent_id = e.agent_id
WHERE e.account = $account AND e.conversation_id IN (SELECT conversation_id FROM touched);

INSERT INTO dash_lives
SELECT $account, cid, ts, next_ts FROM (
    SELECT cid, ts, kind, lead(ts) OVER (PARTITION BY cid ORDER BY ts, seq) AS next_ts
    FROM _dev WHERE kind IN {_LIFE})
WHERE kind IN {_LIFE_START};

INSERT INTO dash_closes
SELECT $account, cid, ts, closed_by,
    CASE WHEN last_change = 'assignment.accepted' THEN last_agent END, last_skill
FROM (
    SELECT cid, ts, kind, closed_by,
        last_value(CASE WHEN kind = 'assignment.accepted' OR kind IN {_SEGMENT_ENDS}
                   THEN kind END IGNORE NULLS) OVER before AS last_change,
        last_value(CASE WHEN kind = 'assignment.accepted' THEN agent_id END IGNORE NULLS)
            OVER before AS last_agent,
        last_value(CASE WHEN kind IN ('conversation.queued', 'assignment.accepted')
                   THEN skill_id END IGNORE NULLS) OVER before AS last_skill
    FROM _dev
    WHERE kind IN ('conversation.queued', 'assignment.accepted') OR kind IN {_SEGMENT_ENDS}
    WINDOW before AS (PARTITION BY cid ORDER BY ts, seq
                      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING))
WHERE kind = 'conversation.closed';

INSERT INTO dash_stays
SELECT $account, cid, skill_id, ts, next_ts,
    CASE
        WHEN next_kind IS NULL THEN NULL
        WHEN next_kind = 'assignment.accepted' THEN 'connected'
        WHEN next_kind = 'conversation.abandoned'
          OR (next_kind = 'conversation.closed' AND next_closed_by = 'consumer') THEN 'abandoned'
        ELSE 'other'
    END,
    CASE WHEN next_kind = 'assignment.accepted' THEN next_agent END
FROM (
    SELECT cid, kind, ts, skill_id,
        lead(kind) OVER w AS next_kind, lead(ts) OVER w AS next_ts,
        lead(agent_id) OVER w AS next_agent, lead(closed_by) OVER w AS next_closed_by
    FROM _dev
    WHERE cid IN (SELECT cid FROM _dev WHERE kind = 'conversation.opened' AND channel = 'chat')
      AND kind IN ('conversation.queued', 'assignment.accepted', 'conversation.abandoned',
                   'conversation.closed')
    WINDOW w AS (PARTITION BY cid ORDER BY ts, seq))
WHERE kind = 'conversation.queued';

INSERT INTO dash_convs
WITH firsts AS (
    SELECT cid,
        min(ts) FILTER (WHERE kind = 'conversation.opened') AS opened_ts,
        bool_or(kind = 'conversation.opened' AND channel = 'chat') AS chat,
        min(pos) FILTER (WHERE kind = 'message.sent' AND role IN ('agent', 'manager')
                         AND human) AS fh,
        min(pos) FILTER (WHERE kind = 'message.sent' AND role = 'consumer') AS fc,
        min(pos) FILTER (WHERE kind = 'assignment.accepted' AND human) AS fa,
        max(ts) AS last_event_ts,
        {LATEST_COLUMNS}
    FROM _dev GROUP BY cid
),
{response_ctes("_dev")},
after_human AS (
    SELECT d.cid, min(d.pos) AS fca
    FROM _dev d JOIN firsts f ON f.cid = d.cid
    WHERE d.kind = 'message.sent' AND d.role = 'consumer' AND d.pos > f.fh
    GROUP BY d.cid
)
SELECT $account, f.cid, f.opened_ts, coalesce(f.chat, false), f.fh.t,
    CASE WHEN f.fc < f.fh THEN f.fh.t - f.fc.t END,
    CASE WHEN f.fa < f.fh THEN f.fh.t - f.fa.t END,
    a.fca.t, f.fa.t, f.last_event_ts, f.cur_skill, f.last_role, f.last_ts, f.csat, f.mcs,
    f.mcs_alerted, r.a_sum, r.a_n, r.c_sum, r.c_n
FROM firsts f
LEFT JOIN after_human a ON a.cid = f.cid
LEFT JOIN resp r ON r.cid = f.cid;

DROP TABLE _dev;
"""


def refresh_dashboard(cur: Any, *, account: str) -> None:
    """Recompute the dashboard projection of the conversations in ``touched``.

    ``cur`` is a DuckDB cursor inside the caller's transaction; ``touched``
    must be a relation with a ``conversation_id`` column visible to it.
    """
    params = {"account": account}
    for table in _TABLES:
        cur.execute(
            f"DELETE FROM {table} WHERE account = $account AND conversation_id IN "
            "(SELECT conversation_id FROM touched)",
            params,
        )
    for statement in _STEP_SQL.split(";\n"):
        sql = statement.strip()
        if sql:
            cur.execute(sql, params if "$account" in sql else None)


def refresh_dashboard_account(cur: Any, *, account: str) -> None:
    """Recompute the dashboard projection of every stored conversation of ``account``
    (after a roster change: which agents are human), inside the caller's transaction."""
    cur.execute(
        "CREATE OR REPLACE TEMP TABLE touched AS SELECT DISTINCT conversation_id "
        "FROM events WHERE account = ? AND conversation_id IS NOT NULL",
        [account],
    )
    refresh_dashboard(cur, account=account)
    cur.execute("DROP TABLE touched")


def create_dashboard_projection(conn: Any) -> None:
    """Create the projection's tables; on a database written before they existed (events
    but no ``dash_convs``), derive them for every stored conversation, in one transaction."""
    found = conn.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'dash_convs'"
    ).fetchone()
    conn.execute("BEGIN TRANSACTION")
    try:
        conn.execute(DASHBOARD_DDL)
        if not found[0]:
            for (account,) in conn.execute("SELECT DISTINCT account FROM events").fetchall():
                refresh_dashboard_account(conn, account=account)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
