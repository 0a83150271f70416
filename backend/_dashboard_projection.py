"""The dashboard projection: now-independent per-conversation facts, kept at ingest.

The seed 003 dashboard answers for a ``now`` and sees only events with
``ts < now`` (docs/metrics.md section 0). Each ingest transaction stores, for
exactly the conversations its batch touched (delete, then recompute from all
of their stored events, so batches may arrive in any order), facts that a
request filters with plain range predicates on ``ts``:

``dash_convs``
    One row per conversation: opened time, channel, and the
    first-response family (docs/metrics.md 3.4) as values with the time
    they become visible (``fh_ts``: first human agent message; ``fam_ts``:
    first agent message of any agent-side role, bots included; ``fca_ts``:
    first consumer message after that; ``fa_ts``: first human accept; the
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
    One row per ``conversation.closed`` (with its seq: a conversation's last
    close decides, docs/metrics.md 3.7): who closed it, the agent whose
    segment it ended (the last accept-or-segment-end before it is an
    accept) and the skill current at the close.
``dash_stays``
    Chat visitors' queue waits (docs/metrics.md 3.6): each chat
    ``conversation.queued`` that starts a wait (the previous routing event is
    not a queued: a queued while waiting moves the visitor to another queue),
    its skill (the queue entered), and the routing event that ends the wait
    (accepted/abandoned/closed) with its outcome.

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
    channel VARCHAR,                  -- the opened event's; NULL until it is stored
    fh_ts BIGINT,                     -- first human agent/manager message (ms)
    ttfr BIGINT,                      -- fh - first consumer message, when that is before fh
    ttfr_first_assign BIGINT,         -- fh - first human accept, when that is before fh
    fam_ts BIGINT,                    -- first agent/bot/manager message (ms)
    fca_ts BIGINT,                    -- first consumer message after fam (ms)
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
    seq BIGINT NOT NULL,
    closed_by VARCHAR,
    agent_id BIGINT,                  -- agent whose segment the close ended, NULL if none
    skill_id BIGINT                   -- last queued/accepted skill before the close
);
CREATE TABLE IF NOT EXISTS dash_stays (
    account VARCHAR NOT NULL,
    conversation_id VARCHAR NOT NULL,
    skill_id BIGINT,                  -- the queue the visitor entered
    start_ts BIGINT NOT NULL,         -- ms of the conversation.queued that starts the wait
    end_ts BIGINT,                    -- ms of the routing event ending it, NULL if none
    outcome VARCHAR                   -- connected | abandoned | other; NULL with no end
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
    human), section 3.4. Two streams: the agent side's responses (``a``) read consumer
    and human agent/manager messages ("exc. bots"); the consumer's (``c``) read consumer
    and agent/bot/manager messages (not marked "exc. bots" in the seed). In each, a run
    head (first message of a run of one side) after an earlier head is a response of its
    side, measured from that head."""
    return f"""
_stream AS (
    SELECT cid, ts, seq, 'a' AS side, role = 'consumer' AS consumer FROM {src}
    WHERE kind = 'message.sent'
      AND (role = 'consumer' OR (role IN ('agent', 'manager') AND human))
    UNION ALL
    SELECT cid, ts, seq, 'c' AS side, role = 'consumer' AS consumer FROM {src}
    WHERE kind = 'message.sent' AND role IN ('consumer', 'agent', 'bot', 'manager')
),
_heads AS (
    SELECT cid, ts, seq, side, consumer FROM (
        SELECT *, consumer IS DISTINCT FROM lag(consumer) OVER (
            PARTITION BY cid, side ORDER BY ts, seq) AS head
        FROM _stream)
    WHERE head
),
resp AS (
    SELECT cid,
        coalesce(sum(latency) FILTER (WHERE side = 'a' AND NOT consumer), 0) AS a_sum,
        count(latency) FILTER (WHERE side = 'a' AND NOT consumer) AS a_n,
        coalesce(sum(latency) FILTER (WHERE side = 'c' AND consumer), 0) AS c_sum,
        count(latency) FILTER (WHERE side = 'c' AND consumer) AS c_n
    FROM (SELECT *, ts - lag(ts) OVER (PARTITION BY cid, side ORDER BY ts, seq) AS latency
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

# an internal note reads as kind 'note': no message for any metric (backend/_frame.py)
_NOTE_AS_KIND = (
    "CASE WHEN e.kind = 'message.sent' AND e.visibility = 'internal' THEN 'note' "
    "ELSE e.kind END AS kind"
)

# Positions compare as structs {'t': ts, 's': seq}: the log's (ts, seq) order.
_STEP_SQL = f"""
CREATE OR REPLACE TEMP TABLE _dev AS
SELECT e.conversation_id AS cid, e.ts, e.seq, {{'t': e.ts, 's': e.seq}} AS pos,
       {_NOTE_AS_KIND}, e.skill_id, e.agent_id, e.sender_role AS role, e.closed_by,
       e.channel, e.csat, e.mcs, e.mcs_alerted, coalesce(h.user_type = 'human', false) AS human
FROM events e
LEFT JOIN roster_agents h ON h.account = e.account AND h.agent_id = e.agent_id
WHERE e.account = $account AND e.conversation_id IN (SELECT conversation_id FROM touched);

INSERT INTO dash_lives
SELECT $account, cid, ts, next_ts FROM (
    SELECT cid, ts, kind, lead(ts) OVER (PARTITION BY cid ORDER BY ts, seq) AS next_ts
    FROM _dev WHERE kind IN {_LIFE})
WHERE kind IN {_LIFE_START};

INSERT INTO dash_closes
SELECT $account, cid, ts, seq, closed_by,
    CASE WHEN last_change = 'assignment.accepted' THEN last_agent END, last_skill
FROM (
    SELECT cid, ts, seq, kind, closed_by,
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
WITH routing AS (
    SELECT cid, kind, ts, skill_id, closed_by,
        row_number() OVER (PARTITION BY cid ORDER BY ts, seq) AS n
    FROM _dev
    WHERE cid IN (SELECT cid FROM _dev WHERE kind = 'conversation.opened' AND channel = 'chat')
      AND kind IN ('conversation.queued', 'assignment.accepted', 'conversation.abandoned',
                   'conversation.closed')
),
waits AS (
    SELECT *,
        lag(kind) OVER (PARTITION BY cid ORDER BY n) AS prev_kind,
        min(CASE WHEN kind <> 'conversation.queued' THEN n END) OVER (
            PARTITION BY cid ORDER BY n
            ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS end_n
    FROM routing
)
SELECT $account, w.cid, w.skill_id, w.ts, e.ts,
    CASE
        WHEN e.kind IS NULL THEN NULL
        WHEN e.kind = 'assignment.accepted' THEN 'connected'
        WHEN e.kind = 'conversation.abandoned'
          OR (e.kind = 'conversation.closed' AND e.closed_by = 'consumer') THEN 'abandoned'
        ELSE 'other'
    END
FROM waits w LEFT JOIN routing e ON e.cid = w.cid AND e.n = w.end_n
WHERE w.kind = 'conversation.queued' AND w.prev_kind IS DISTINCT FROM 'conversation.queued';

INSERT INTO dash_convs
WITH firsts AS (
    SELECT cid,
        min(ts) FILTER (WHERE kind = 'conversation.opened') AS opened_ts,
        min(channel) FILTER (WHERE kind = 'conversation.opened') AS channel,
        min(pos) FILTER (WHERE kind = 'message.sent' AND role IN ('agent', 'manager')
                         AND human) AS fh,
        min(pos) FILTER (WHERE kind = 'message.sent'
                         AND role IN ('agent', 'bot', 'manager')) AS fam,
        min(pos) FILTER (WHERE kind = 'message.sent' AND role = 'consumer') AS fc,
        min(pos) FILTER (WHERE kind = 'assignment.accepted' AND human) AS fa,
        max(ts) AS last_event_ts,
        {LATEST_COLUMNS}
    FROM _dev GROUP BY cid
),
{response_ctes("_dev")},
after_agent AS (
    SELECT d.cid, min(d.pos) AS fca
    FROM _dev d JOIN firsts f ON f.cid = d.cid
    WHERE d.kind = 'message.sent' AND d.role = 'consumer' AND d.pos > f.fam
    GROUP BY d.cid
)
SELECT $account, f.cid, f.opened_ts, f.channel, f.fh.t,
    CASE WHEN f.fc < f.fh THEN f.fh.t - f.fc.t END,
    CASE WHEN f.fa < f.fh THEN f.fh.t - f.fa.t END,
    f.fam.t, a.fca.t, f.fa.t, f.last_event_ts, f.cur_skill, f.last_role, f.last_ts, f.csat, f.mcs,
    f.mcs_alerted, r.a_sum, r.a_n, r.c_sum, r.c_n
FROM firsts f
LEFT JOIN after_agent a ON a.cid = f.cid
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


def _declared_columns() -> dict[str, list[str]]:
    """Column names of each projection table, in DASHBOARD_DDL's order."""
    out: dict[str, list[str]] = {}
    table = ""
    for line in DASHBOARD_DDL.splitlines():
        words = line.split()
        if line.startswith("CREATE TABLE"):
            table = words[5]
            out[table] = []
        elif table and words and words[0] != ");":
            # one column per line, or several "name TYPE" pairs separated by commas
            out[table] += [part.split()[0] for part in line.split("--")[0].split(",")
                           if part.strip()]  # fmt: skip
    return out


def _stored_columns(conn: Any) -> dict[str, list[str]]:
    rows = conn.execute(
        "SELECT table_name, column_name FROM duckdb_columns() "
        "WHERE table_name IN ('dash_convs', 'dash_lives', 'dash_closes', 'dash_stays') "
        "ORDER BY table_name, column_index"
    ).fetchall()
    out: dict[str, list[str]] = {}
    for table, column in rows:
        out.setdefault(table, []).append(column)
    return out


def create_dashboard_projection(conn: Any) -> None:
    """Create the projection's tables; on a database written before they existed or with
    other columns (an earlier version of this projection), drop them and derive them for
    every stored conversation, in one transaction."""
    stored = _stored_columns(conn)
    current = stored == _declared_columns()
    conn.execute("BEGIN TRANSACTION")
    try:
        if not current:
            for table in _TABLES:
                conn.execute(f"DROP TABLE IF EXISTS {table}")
        conn.execute(DASHBOARD_DDL)
        if not current:
            for (account,) in conn.execute("SELECT DISTINCT account FROM events").fetchall():
                refresh_dashboard_account(conn, account=account)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
