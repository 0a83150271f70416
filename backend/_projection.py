"""The agent-segment projection: segments and their counted messages, derived in SQL.

Events are the source of truth (table ``events``). Two projection tables are
derived from them, per conversation, entirely in DuckDB SQL, and a third logs
what changed:

``segments``
    One row per ``assignment.accepted`` (an agent segment): agent, skill,
    how it started (the accept's reason), when it started and ended
    (``end_ts`` NULL while open), how it ended, and now-independent
    aggregates of its counted messages.
``projection_changes``
    Which conversations each write transaction recomputed, numbered by a
    per-account version: the in-memory rollup (backend/_rollup.py) reads it
    to refresh only what changed since it was built. Rows no in-memory
    reader needs any more are pruned (:func:`prune_changes`); the newest
    version's rows always stay, so versions keep increasing.
``segment_messages``
    One row per counted message of a segment (sent by the assigned agent,
    any role but consumer/system), with its response latency when the
    message is a response sample. Queries use it only for segments whose
    messages may lie at or after the query's "now".

The projection is maintained incrementally: each ingest transaction deletes
and recomputes the rows of exactly the conversations its batch touched, so
events of one conversation may arrive in any batch order (docs/backend.md).
"""

from __future__ import annotations

from typing import Any

__all__ = ["PROJECTION_DDL", "prune_changes", "record_change", "refresh_conversations"]

PROJECTION_DDL = """
CREATE TABLE IF NOT EXISTS segments (
    account VARCHAR NOT NULL,
    segment_id VARCHAR NOT NULL,          -- event_id of the accept that started it
    conversation_id VARCHAR NOT NULL,
    agent_id BIGINT NOT NULL,
    skill_id BIGINT NOT NULL,
    source VARCHAR,                       -- of the conversation (NULL until opened arrives)
    channel VARCHAR,
    start_ts BIGINT NOT NULL,             -- ms, the accept's ts
    start_kind VARCHAR NOT NULL,          -- new | transfer | back_to_queue | takeover | resume
    end_ts BIGINT,                        -- ms, NULL while open
    end_kind VARCHAR,                     -- transfer | back_to_queue | takeover | close_<closed_by>
    msg_count BIGINT NOT NULL,            -- counted messages M(s), whole segment
    first_ts BIGINT,                      -- first(s), NULL if M(s) is empty
    last_ts BIGINT,                       -- last message of M(s), NULL if empty
    consumer_after_first BOOLEAN NOT NULL,
    resp_n BIGINT NOT NULL,               -- response samples, whole segment
    resp_sum BIGINT NOT NULL              -- ms
);
CREATE TABLE IF NOT EXISTS segment_messages (
    account VARCHAR NOT NULL,
    conversation_id VARCHAR NOT NULL,
    segment_id VARCHAR NOT NULL,
    ts BIGINT NOT NULL,
    latency BIGINT                        -- ms; NULL when the message is not a response sample
);
CREATE TABLE IF NOT EXISTS projection_changes (
    account VARCHAR NOT NULL,
    version BIGINT NOT NULL,              -- 1, 2, ... per account, one per changing transaction
    conversation_id VARCHAR               -- NULL: everything may have changed (a new roster)
);
"""

# Why each step (docs/metrics.md sections 1.1-1.4): a message belongs to the
# segment of the latest accept before it, unless a segment-ending event lies
# between that accept and the message (positions in the conversation's
# (ts, seq) order decide). The stream keeps consumer messages and the
# assigned agent's messages R = (a1, a2, ...); each message is numbered by how
# many agent messages precede it (m_before), so the consumer messages with
# m_before = j - 1 are the unanswered run that a_j answers. a1 is measured
# from the assignment; after a takeover or resume it is omitted (not counted,
# not a response) but still ends the run it answers.
_STEP_SQL = """
CREATE OR REPLACE TEMP TABLE _tracked AS
WITH ev AS (
    SELECT e.conversation_id, e.event_id, e.ts, e.seq, e.kind, e.agent_id, e.skill_id,
           e.reason, e.closed_by, e.sender_role, e.source, e.channel
    FROM events e SEMI JOIN touched t ON e.conversation_id = t.conversation_id
    WHERE e.account = $account
      AND e.visibility IS DISTINCT FROM 'internal'  -- a note is no message of a segment
),
marked AS (
    SELECT *,
        row_number() OVER (PARTITION BY conversation_id ORDER BY ts, seq) AS pos,
        kind IN ('conversation.transferred', 'conversation.back_to_queue',
                 'conversation.taken_over', 'conversation.closed') AS is_end
    FROM ev
)
SELECT *,
    last_value(CASE WHEN kind = 'assignment.accepted' THEN event_id END IGNORE NULLS)
        OVER upto AS cur_acc,
    max(CASE WHEN kind = 'assignment.accepted' THEN pos END) OVER upto AS acc_pos,
    coalesce(max(CASE WHEN is_end THEN pos END) OVER before, 0) AS end_pos
FROM marked
WINDOW upto AS (PARTITION BY conversation_id ORDER BY ts, seq
                ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW),
       before AS (PARTITION BY conversation_id ORDER BY ts, seq
                  ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING);

CREATE OR REPLACE TEMP TABLE _starts AS
SELECT conversation_id, event_id AS segment_id, agent_id, skill_id, ts AS start_ts,
       reason AS start_kind
FROM _tracked WHERE kind = 'assignment.accepted';

CREATE OR REPLACE TEMP TABLE _counted AS
WITH inside AS (
    SELECT t.cur_acc AS segment_id, t.ts, t.seq,
           (t.sender_role IN ('agent', 'bot', 'manager') AND t.agent_id = s.agent_id) AS is_m,
           t.sender_role = 'consumer' AS is_c
    FROM _tracked t JOIN _starts s ON s.segment_id = t.cur_acc
    WHERE t.kind = 'message.sent' AND t.acc_pos > t.end_pos
),
numbered AS (
    SELECT *, coalesce(sum(is_m::INTEGER) OVER (PARTITION BY segment_id ORDER BY ts, seq
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS m_before
    FROM inside WHERE is_m OR is_c
),
runs AS (
    SELECT segment_id, m_before, min(ts) AS run_start
    FROM numbered WHERE is_c GROUP BY segment_id, m_before
)
SELECT n.segment_id, s.conversation_id, n.ts, n.is_m, n.m_before,
    -- counted: the first agent message after a takeover or resume is omitted
    n.is_m AND NOT (n.m_before = 0 AND s.start_kind IN ('takeover', 'resume')) AS counted,
    -- the last agent message not omitted: the one whose reply ends an outcome
    CASE WHEN s.start_kind IN ('takeover', 'resume') THEN 1 ELSE 0 END AS first_counted,
    CASE
        WHEN NOT n.is_m THEN NULL
        WHEN n.m_before = 0 AND s.start_kind IN ('takeover', 'resume') THEN NULL
        WHEN n.m_before = 0 THEN n.ts - s.start_ts
        ELSE n.ts - r.run_start
    END AS latency
FROM numbered n
JOIN _starts s ON s.segment_id = n.segment_id
LEFT JOIN runs r ON r.segment_id = n.segment_id AND r.m_before = n.m_before;

INSERT INTO segments
WITH conv AS (
    SELECT conversation_id, arg_min(source, pos) AS source, arg_min(channel, pos) AS channel
    FROM _tracked WHERE kind = 'conversation.opened' GROUP BY conversation_id
),
ends AS (
    SELECT cur_acc AS segment_id, min(ts) AS end_ts,
           arg_min(CASE kind
                WHEN 'conversation.transferred' THEN 'transfer'
                WHEN 'conversation.back_to_queue' THEN 'back_to_queue'
                WHEN 'conversation.taken_over' THEN 'takeover'
                ELSE 'close_' || closed_by END, pos) AS end_kind
    FROM _tracked WHERE is_end AND acc_pos > end_pos GROUP BY cur_acc
),
agg AS (
    SELECT segment_id, count(*) AS msg_count, min(ts) AS first_ts, max(ts) AS last_ts,
           count(latency) AS resp_n, coalesce(sum(latency), 0) AS resp_sum
    FROM _counted WHERE counted GROUP BY segment_id
),
answered AS (
    -- a consumer message after first(s): after the first counted agent message
    SELECT DISTINCT segment_id FROM _counted WHERE NOT is_m AND m_before > first_counted
)
SELECT $account, s.segment_id, s.conversation_id, s.agent_id, s.skill_id, c.source, c.channel,
       s.start_ts, s.start_kind, e.end_ts, e.end_kind,
       coalesce(a.msg_count, 0), a.first_ts, a.last_ts,
       (w.segment_id IS NOT NULL), coalesce(a.resp_n, 0), coalesce(a.resp_sum, 0)
FROM _starts s
LEFT JOIN conv c ON c.conversation_id = s.conversation_id
LEFT JOIN ends e ON e.segment_id = s.segment_id
LEFT JOIN agg a ON a.segment_id = s.segment_id
LEFT JOIN answered w ON w.segment_id = s.segment_id;

INSERT INTO segment_messages
SELECT $account, conversation_id, segment_id, ts, latency FROM _counted WHERE counted;

DROP TABLE _tracked;
DROP TABLE _starts;
DROP TABLE _counted;
"""


def refresh_conversations(cur: Any, *, account: str) -> int:
    """Recompute the projection rows of the conversations in the ``touched`` relation.

    ``cur`` is a DuckDB cursor inside the caller's transaction; ``touched``
    must be a relation with a ``conversation_id`` column visible to it.
    Returns the number of ``projection_changes`` rows written.
    """
    params = {"account": account}
    for table in ("segments", "segment_messages"):
        cur.execute(
            f"DELETE FROM {table} WHERE account = $account AND conversation_id IN "
            "(SELECT conversation_id FROM touched)",
            params,
        )
    for statement in _STEP_SQL.split(";\n"):
        if statement.strip():
            sql = statement.strip()
            cur.execute(sql, params if "$account" in sql else None)
    return record_change(cur, account=account, touched=True)


def record_change(cur: Any, *, account: str, touched: bool) -> int:
    """Log a new projection version of ``account`` in the caller's transaction.

    With ``touched`` the version lists the conversations of the ``touched``
    relation; without, it is one NULL row meaning "anything may have changed".
    Returns the number of rows written.
    """
    source = "SELECT conversation_id FROM touched" if touched else "SELECT NULL"
    row = cur.execute(
        "INSERT INTO projection_changes SELECT $account, (SELECT coalesce(max(version), 0) + 1 "
        f"FROM projection_changes WHERE account = $account), * FROM ({source})",
        {"account": account},
    ).fetchone()
    return int(row[0]) if row else 0


def prune_changes(cur: Any, *, account: str, through: int | None) -> int:
    """Delete the ``projection_changes`` rows of ``account`` with version <= ``through``.

    ``through`` None means every version. The rows of the newest version are
    always kept: the next version is numbered max(version) + 1, so numbering
    stays monotonic. Runs in the caller's transaction; returns rows deleted.
    """
    row = cur.execute(
        "DELETE FROM projection_changes WHERE account = $account AND version <= $through "
        "AND version < (SELECT max(version) FROM projection_changes WHERE account = $account)",
        {"account": account, "through": (2**63 - 1) if through is None else through},
    ).fetchone()
    return int(row[0]) if row else 0
