"""Conversation-level building blocks: open periods, last-event lookups, response runs.

Built once from :class:`EventColumns` (vectorised); every query at a
``now`` then only masks and searches. Positions are *log rows* (index in
log order), so "before" is exact even between equal timestamps; an event is
visible at ``now`` when its ``ts < now`` (docs/metrics.md section 0).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ccbench.arrays import take
from ccbench.eventlog import CHANNELS, EventKind

from ._columns import (
    AGENT_SIDE_ROLES,
    KIND_CODES,
    NO_ID,
    OPEN_END,
    ROLE_AGENT,
    ROLE_CONSUMER,
    ROLE_MANAGER,
    ROLE_SYSTEM,
    EventColumns,
)

__all__ = [
    "NONE",
    "NO_ID",
    "OPEN_END",
    "Assignees",
    "ByConversation",
    "Conversations",
    "ResponseSamples",
    "first_times",
]

I64 = npt.NDArray[np.int64]
I8 = npt.NDArray[np.int8]
B = npt.NDArray[np.bool_]
K = KIND_CODES
NONE = np.iinfo(np.int64).max  # "no such event" in per-conversation first-event arrays


@dataclass(frozen=True, slots=True)
class ByConversation:
    """Rows of some events grouped by conversation (log order inside); last one before a row.

    ``rows`` are log rows sorted by (conversation, row); ``last_before(conv, limit)``
    returns, for each query, the index into ``rows`` of the conversation's last
    such event with row < limit, or -1.
    """

    rows: I64
    keys: I64
    n_rows: int

    @classmethod
    def build(cls, cols: EventColumns, mask: B) -> ByConversation:
        rows = np.flatnonzero(mask & (cols.conv >= 0)).astype(np.int64)
        rows = rows[np.argsort(cols.conv[rows], kind="stable")]
        n = len(cols) + 1
        return cls(rows=rows, keys=cols.conv[rows].astype(np.int64) * n + rows, n_rows=n)

    def last_before(self, conv: I64, limit: I64 | int) -> I64:
        q = conv.astype(np.int64) * self.n_rows + limit
        i = np.searchsorted(self.keys, q, side="left") - 1
        ok = i >= 0
        ok[ok] = self.keys[i[ok]] // self.n_rows == conv[ok]
        return np.where(ok, i, -1)

    def last_row_before(self, conv: I64, limit: I64 | int) -> I64:
        """Like :meth:`last_before`, but the log row of the event found (-1 if none)."""
        return take(self.rows, self.last_before(conv, limit), missing=-1)


@dataclass(frozen=True, slots=True)
class Assignees:
    """Who a conversation was assigned to at a log row, from its accepts and segment ends.

    Both lookups see only events before the row (row < the queried row). -1 means
    nobody.
    """

    accepts: ByConversation
    ends: ByConversation  # transferred, back_to_queue, taken_over, closed
    conv: I64
    agent: I64

    @classmethod
    def build(cls, cols: EventColumns) -> Assignees:
        ends = np.isin(cols.kind, [K[EventKind.CONVERSATION_TRANSFERRED],
                                   K[EventKind.CONVERSATION_BACK_TO_QUEUE],
                                   K[EventKind.CONVERSATION_TAKEN_OVER],
                                   K[EventKind.CONVERSATION_CLOSED]])  # fmt: skip
        return cls(
            accepts=ByConversation.build(cols, cols.kind == K[EventKind.ASSIGNMENT_ACCEPTED]),
            ends=ByConversation.build(cols, ends),
            conv=cols.conv.astype(np.int64),
            agent=cols.agent,
        )

    def last_accepted(self, rows: I64) -> I64:
        """Per row: the agent of its conversation's last accept before it, even if that
        segment has ended since (seed 000's survey attribution)."""
        accept = self.accepts.last_row_before(self.conv[rows], rows)
        return take(self.agent, accept, missing=-1)

    def running(self, rows: I64) -> I64:
        """Per row: the agent of the segment running at it (the last accept came after the
        last segment end), else -1."""
        conv = self.conv[rows]
        a_row = self.accepts.last_row_before(conv, rows)
        e_row = self.ends.last_row_before(conv, rows)
        return np.where(a_row > e_row, take(self.agent, a_row, missing=-1), -1)


@dataclass(frozen=True, slots=True)
class ResponseSamples:
    """Response times measured at conversation level, one entry per response.

    ``ts`` is when the response was sent (visible iff ts < now), ``conv`` its
    conversation, ``value`` the response time in ms.
    """

    conv: I64
    ts: I64
    value: I64
    agent: I64  # the responding human agent (-1 for consumer responses)

    def select(self, conv_mask: B, now: int) -> I64:
        """Values of the responses visible at ``now`` in conversations with conv_mask set."""
        keep = (self.ts < now) & conv_mask[self.conv]
        return self.value[keep]


@dataclass(frozen=True, slots=True)
class Conversations:
    """Per-conversation facts and event lookups the dashboard families share.

    Open periods run from ``conversation.opened``/``resumed``/``reopened`` to
    the next ``closed``/``abandoned`` (``period_end`` = OPEN_END without one).
    First-event arrays hold log rows (NONE when absent). "Human agent
    messages" are ``message.sent`` with role agent or manager from a roster
    human: the dashboard's "exc. bots" agent-side KPIs. "Agent messages" are
    every role of the agent side (agent, bot, manager): the consumer-side KPIs,
    which the seed does not mark "exc. bots". ``channel`` is the conversation's
    channel code (index in CHANNELS, -1 before it is opened).
    """

    n: int
    opened_ts: I64
    channel: I8
    channel_chat: B
    period_conv: I64
    period_start: I64
    period_end: I64
    first_human_msg: I64
    first_consumer_msg: I64
    first_agent_msg: I64
    first_consumer_after_agent: I64
    first_human_accept: I64
    agent_responses: ResponseSamples
    consumer_responses: ResponseSamples
    last_message: ByConversation  # non-system messages (activity)
    last_routing: ByConversation  # queued and accepted (current skill)
    surveys: ByConversation
    mcs: ByConversation

    @classmethod
    def build(
        cls, cols: EventColumns, *, channel: npt.NDArray[np.object_], is_human: B
    ) -> Conversations:
        """``channel`` is the log's channel column; ``is_human[a]`` for agent id ``a``."""
        n = len(cols.conversation_ids)
        kind, conv, ts = cols.kind, cols.conv, cols.ts
        opened = np.flatnonzero(kind == K[EventKind.CONVERSATION_OPENED])
        opened_ts = np.zeros(n, dtype=np.int64)
        opened_ts[conv[opened]] = ts[opened]
        codes = np.full(n, -1, dtype=np.int8)
        codes[conv[opened]] = [CHANNELS.index(ch) for ch in channel[opened]]

        starts = np.isin(
            kind,
            [
                K[EventKind.CONVERSATION_OPENED],
                K[EventKind.CONVERSATION_RESUMED],
                K[EventKind.CONVERSATION_REOPENED],
            ],
        )
        ends = np.isin(
            kind, [K[EventKind.CONVERSATION_CLOSED], K[EventKind.CONVERSATION_ABANDONED]]
        )
        life = np.flatnonzero((starts | ends) & (conv >= 0))
        life = life[np.argsort(conv[life], kind="stable")]
        is_start = starts[life]
        # Valid logs alternate start, end, start, ...: a start's end is the next row if it
        # is an end of the same conversation.
        nxt = np.append(life[1:], -1)
        has_end = np.zeros(life.shape[0], dtype=bool)
        has_end[:-1] = ends[life[1:]] & (conv[life[1:]] == conv[life[:-1]])
        s = np.flatnonzero(is_start)
        period_end = take(ts, np.where(has_end[s], nxt[s], -1), missing=OPEN_END)

        agent_ok = (cols.agent >= 0) & (cols.agent < is_human.shape[0])
        human = np.zeros(len(cols), dtype=bool)
        human[agent_ok] = is_human[cols.agent[agent_ok]]
        msg = (kind == K[EventKind.MESSAGE_SENT]) & (conv >= 0)
        consumer = msg & (cols.role == ROLE_CONSUMER)
        human_msg = msg & np.isin(cols.role, [ROLE_AGENT, ROLE_MANAGER]) & human
        accept = (kind == K[EventKind.ASSIGNMENT_ACCEPTED]) & human

        agent_msg = msg & np.isin(cols.role, AGENT_SIDE_ROLES)

        first_human_msg = _first_row(conv, human_msg, n)
        first_consumer = _first_row(conv, consumer, n)
        first_agent = _first_row(conv, agent_msg, n)
        first_accept = _first_row(conv, accept, n)

        # Agent-side responses: consumer and human-agent messages (exc. bots); consumer-side
        # responses: consumer and agent messages of every agent-side role (bots included).
        agent_resp, _ = _responses(*_stream(cols, consumer, human_msg))
        _, consumer_resp = _responses(*_stream(cols, consumer, agent_msg))
        # First consumer message after the conversation's first agent message.
        c_rows = np.flatnonzero(consumer)
        c_rows = c_rows[np.argsort(conv[c_rows], kind="stable")]
        key_n = len(cols) + 1
        c_keys = conv[c_rows].astype(np.int64) * key_n + c_rows
        fa_conv = np.flatnonzero(first_agent != NONE)
        j = np.searchsorted(c_keys, fa_conv * key_n + first_agent[fa_conv], side="right")
        found = take(c_rows, j, missing=-1)
        first_c_after = np.full(n, NONE, dtype=np.int64)
        ok = (found >= 0) & (take(conv, found, missing=-1) == fa_conv)
        first_c_after[fa_conv[ok]] = found[ok]

        return cls(
            n=n,
            opened_ts=opened_ts,
            channel=codes,
            channel_chat=codes == CHANNELS.index("chat"),
            period_conv=conv[life[s]].astype(np.int64),
            period_start=ts[life[s]],
            period_end=period_end,
            first_human_msg=first_human_msg,
            first_consumer_msg=first_consumer,
            first_agent_msg=first_agent,
            first_consumer_after_agent=first_c_after,
            first_human_accept=first_accept,
            agent_responses=agent_resp,
            consumer_responses=consumer_resp,
            last_message=ByConversation.build(cols, msg & (cols.role != ROLE_SYSTEM)),
            last_routing=ByConversation.build(
                cols,
                (kind == K[EventKind.CONVERSATION_QUEUED])
                | (kind == K[EventKind.ASSIGNMENT_ACCEPTED]),
            ),
            surveys=ByConversation.build(cols, kind == K[EventKind.SURVEY_ANSWERED]),
            mcs=ByConversation.build(cols, kind == K[EventKind.MCS_SCORED]),
        )

    def open_at(self, now: int) -> B:
        """Mask of conversations open at ``now`` (an open period with start < now <= end)."""
        live = (self.period_start < now) & (self.period_end >= now)
        out = np.zeros(self.n, dtype=bool)
        out[self.period_conv[live]] = True
        return out


def _first_row(conv: npt.NDArray[np.int32], mask: B, n: int) -> I64:
    """Per conversation, the first log row where ``mask`` holds (NONE if never)."""
    rows = np.flatnonzero(mask)
    out = np.full(n, NONE, dtype=np.int64)
    # Reverse assignment: the earliest row is written last and wins.
    out[conv[rows[::-1]]] = rows[::-1]
    return out


def _stream(cols: EventColumns, consumer: B, agent_side: B) -> tuple[I64, B, I64, I64]:
    """A conversation stream of consumer and ``agent_side`` messages grouped by
    conversation (log order inside): conversation, agent side or not, ts, agent id."""
    rows = np.flatnonzero(consumer | agent_side)
    rows = rows[np.argsort(cols.conv[rows], kind="stable")]
    return cols.conv[rows].astype(np.int64), agent_side[rows], cols.ts[rows], cols.agent[rows]


def _responses(
    s_conv: I64, s_agent: B, s_ts: I64, s_who: I64
) -> tuple[ResponseSamples, ResponseSamples]:
    """Agent and consumer responses of a grouped conversation stream.

    A message of one side that directly follows a message of the other side
    (same conversation) is a response; its time is measured from the first
    message of the other side's unanswered run.
    """
    m = s_conv.shape[0]
    idx = np.arange(m)
    same_prev = np.zeros(m, dtype=bool)
    same_prev[1:] = s_conv[1:] == s_conv[:-1]
    switch = np.zeros(m, dtype=bool)
    switch[1:] = same_prev[1:] & (s_agent[1:] != s_agent[:-1])
    run_start = ~same_prev | switch
    run_from = np.maximum.accumulate(np.where(run_start, idx, 0)) if m else idx
    resp = np.flatnonzero(switch)
    value = s_ts[resp] - s_ts[run_from[resp - 1]]
    agent = s_agent[resp]
    return (
        ResponseSamples(
            conv=s_conv[resp[agent]],
            ts=s_ts[resp[agent]],
            value=value[agent],
            agent=s_who[resp[agent]],
        ),
        ResponseSamples(
            conv=s_conv[resp[~agent]],
            ts=s_ts[resp[~agent]],
            value=value[~agent],
            agent=np.full(int((~agent).sum()), -1, dtype=np.int64),
        ),
    )


def first_times(rows: I64, ts: I64) -> I64:
    """ts of each row, NONE where the row is NONE."""
    return take(ts, rows, missing=NONE)
