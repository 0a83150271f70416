"""Build-time index of the automated performance report (seed 001).

Everything the report needs that does not depend on the period is computed
here once, vectorised over the oracle's :class:`EventColumns` and
:class:`Segments`: per-conversation consumer, language and start flow;
per-consumer first opening; the contact center's *assignments* (waiting
episodes and takeovers) with their outcome; which messages fall inside a
human agent segment; each human segment's first reply; and each agent's
logged-in intervals (from :class:`AgentState`). A report query then only
slices these sorted arrays (docs/metrics.md section 5).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from ccbench.eventlog import ASSIGN_REASONS, EventKind, EventLog

from ._agent_state import AgentState
from ._columns import CLOSED_BY_CONSUMER, KIND_CODES, EventColumns
from ._conversations import NONE, OPEN_END, Assignees
from ._segment_table import Segments

__all__ = ["Assignments", "ReportIndex"]

I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]
K = KIND_CODES
_TAKEOVER = ASSIGN_REASONS.index("takeover")

#: Assignment outcomes (:attr:`Assignments.outcome`).
HANDLED, ABANDONED, CLOSED, WAITING = 0, 1, 2, 3


@dataclass(frozen=True, slots=True)
class Assignments:
    """The contact center's assignments, sorted by ``start_ts``; one entry each.

    An assignment is a *waiting episode* for a human (from the first
    ``conversation.queued`` / ``assignment.offered`` while unassigned to the
    accept, close or abandon that ends it; re-queues and declines inside it
    do not start a new one) or a manager's takeover accept (start = accept).
    ``outcome`` is HANDLED (accepted by a human; ``end_ts`` = accept ts),
    ABANDONED (``conversation.abandoned`` or closed by the consumer while
    waiting), CLOSED (closed by an agent or the system while waiting) or
    WAITING (no end in the log; ``end_ts`` = OPEN_END). Waits for a bot (a bot's
    queue, a bot's accept) are assignments too (seed 001: bot-resolved conversations
    are in Total Conversations); ``bot`` marks those a bot accepted. ``first_reply_ts``
    is the first message of the accepting agent in its segment (OPEN_END if
    none; always OPEN_END for takeovers, which have no wait). Times are ms.
    """

    start_ts: I64
    end_ts: I64
    outcome: npt.NDArray[np.int8]
    first_reply_ts: I64
    takeover: B
    bot: B


def _codes(values: pa.Array | pa.ChunkedArray) -> tuple[npt.NDArray[np.int64], tuple[str, ...]]:
    """Dictionary codes of a string array (-1 for null) and the dictionary."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    enc = pc.dictionary_encode(values)
    codes = np.asarray(enc.indices.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)
    return codes, tuple(enc.dictionary.to_pylist())


class ReportIndex:
    """Period-independent arrays of the seed 001 report over one log."""

    def __init__(self, *, log: EventLog, columns: EventColumns, segments: Segments) -> None:
        c = self.cols = columns
        self.segs = segments
        self.roster = log.roster
        t = log.table.combine_chunks()
        n_conv = len(c.conversation_ids)
        size = max((a.id for a in log.roster.agents), default=0) + 1
        is_human = np.zeros(size + 1, dtype=bool)  # last slot: "no agent" (-1) is not human
        for a in log.roster.agents:
            is_human[a.id] = a.user_type == "human"
        self.is_human = is_human
        self.human_ids = tuple(sorted(a.id for a in log.roster.agents if a.user_type == "human"))

        # Per conversation (from its opened event): consumer, language, start flow.
        opened = np.flatnonzero(c.kind == K[EventKind.CONVERSATION_OPENED])
        self.opened_rows = opened
        take = pa.array(opened)
        consumer, self.consumers = _codes(pc.take(t.column("consumer_id"), take))
        self.conv_consumer = np.full(n_conv, -1, dtype=np.int64)
        self.conv_consumer[c.conv[opened]] = consumer
        flow, self.flows = _codes(pc.take(t.column("bot_flow"), take))
        self.conv_flow = np.full(n_conv, -1, dtype=np.int64)
        self.conv_flow[c.conv[opened]] = flow
        self.conv_language, self.languages = self._languages(t, opened)
        # First opening of each consumer anywhere in the log ("first-time user").
        self.consumer_first_open = np.full(len(self.consumers), OPEN_END, dtype=np.int64)
        np.minimum.at(self.consumer_first_open, consumer, c.ts[opened])

        intent_rows = np.flatnonzero(c.kind == K[EventKind.INTENT_DETECTED])
        self.intent_rows = intent_rows
        self.intent_code, self.intents = _codes(pc.take(t.column("intent"), pa.array(intent_rows)))
        close_rows = np.flatnonzero(c.kind == K[EventKind.CONVERSATION_CLOSED])
        self.close_rows = close_rows
        self.close_reason, self.reasons = _codes(pc.take(t.column("reason"), pa.array(close_rows)))

        # Human segments (the contact center); agent ids outside the roster are not human.
        seg_agent = np.where(segments.agent < size, segments.agent, size)
        self.seg_human = is_human[seg_agent]
        self.first_human_accept = self._first_human_accept()
        # Closes of conversations a human had been assigned to before the close.
        self.close_cc = self.first_human_accept[c.conv[close_rows]] < close_rows
        self.msg_in_human_segment = self._messages_in_human_segments()
        self.assignments = self._assignments()
        self.presence = self._presence(log)

    # -- build helpers -------------------------------------------------------------------
    def _languages(self, t: pa.Table, opened: I64) -> tuple[npt.NDArray[np.int64], tuple[str, ...]]:
        """Language per conversation: the opened event's, else the first intent's."""
        c = self.cols
        intents = np.flatnonzero(c.kind == K[EventKind.INTENT_DETECTED])
        rows = np.concatenate((intents[::-1], opened))  # opened written last: it wins
        code, names = _codes(pc.take(t.column("language"), pa.array(rows)))
        out = np.full(len(c.conversation_ids), -1, dtype=np.int64)
        known = code >= 0
        # Later writes win: reversed intents make the first intent win over later ones.
        out[c.conv[rows[known]]] = code[known]
        return out, names

    def _first_human_accept(self) -> I64:
        c = self.cols
        acc = np.flatnonzero(c.kind == K[EventKind.ASSIGNMENT_ACCEPTED])
        acc = acc[self.is_human[c.agent[acc]]]
        out = np.full(len(c.conversation_ids), NONE, dtype=np.int64)
        out[c.conv[acc[::-1]]] = acc[::-1]  # the earliest row is written last
        return out

    def _messages_in_human_segments(self) -> B:
        """Per log row: a message sent while a human agent segment of its conversation runs."""
        c = self.cols
        msg = np.flatnonzero((c.kind == K[EventKind.MESSAGE_SENT]) & (c.conv >= 0))
        # Inside a segment iff the last accept came after the last segment end.
        agent = Assignees.build(c).running(msg)
        out = np.zeros(len(c), dtype=bool)
        out[msg] = self.is_human[agent]
        return out

    def _first_reply_by_accept_seq(self) -> tuple[I64, I64]:
        """Segments' start seq (sorted) and the ts of each one's first agent message."""
        s = self.segs
        first = np.full(len(s), OPEN_END, dtype=np.int64)
        a_rows = np.flatnonzero(s.stream_agent)[::-1]  # earliest written last
        first[s.stream_seg[a_rows]] = s.stream_ts[a_rows]
        order = np.argsort(s.start_seq)
        return s.start_seq[order], first[order]

    def _assignments(self) -> Assignments:
        c = self.cols
        wait_kinds = [
            K[EventKind.CONVERSATION_QUEUED],
            K[EventKind.ASSIGNMENT_OFFERED],
            K[EventKind.ASSIGNMENT_DECLINED],
        ]
        kinds = [
            *wait_kinds,
            K[EventKind.ASSIGNMENT_ACCEPTED],
            K[EventKind.CONVERSATION_CLOSED],
            K[EventKind.CONVERSATION_ABANDONED],
        ]
        rows = np.flatnonzero(np.isin(c.kind, kinds) & (c.conv >= 0))
        rows = rows[np.argsort(c.conv[rows], kind="stable")]  # by conversation, log order
        conv = c.conv[rows]
        waiting = np.isin(c.kind[rows], wait_kinds)
        same_prev = np.zeros(rows.shape[0], dtype=bool)
        same_prev[1:] = conv[1:] == conv[:-1]
        prev_wait = np.zeros(rows.shape[0], dtype=bool)
        prev_wait[1:] = waiting[:-1]
        starts = np.flatnonzero(waiting & ~(same_prev & prev_wait))
        # The episode ends at the first non-waiting row after its start, same conversation.
        stops = np.flatnonzero(~waiting)
        j = np.searchsorted(stops, starts, side="right")
        has_end = j < stops.shape[0]
        end_pos = np.zeros(starts.shape[0], dtype=np.int64)
        end_pos[has_end] = stops[j[has_end]]
        has_end &= conv[end_pos] == conv[starts]
        end_rows = rows[end_pos]
        ek = c.kind[end_rows]
        accepted = has_end & (ek == K[EventKind.ASSIGNMENT_ACCEPTED])
        acc_agent = np.where(accepted, c.agent[end_rows], -1)
        by_bot = accepted & ~self.is_human[acc_agent]
        outcome = np.full(starts.shape[0], WAITING, dtype=np.int8)
        outcome[accepted] = HANDLED
        ended = has_end & ~accepted
        by_consumer = (ek == K[EventKind.CONVERSATION_ABANDONED]) | (
            c.closed_by[end_rows] == CLOSED_BY_CONSUMER
        )
        outcome[ended & by_consumer] = ABANDONED
        outcome[ended & ~by_consumer] = CLOSED
        end_ts = np.where(has_end, c.ts[end_rows], OPEN_END)

        # First reply of the segment the accept started (segments are keyed by accept seq).
        seqs, first = self._first_reply_by_accept_seq()
        reply = np.full(starts.shape[0], OPEN_END, dtype=np.int64)
        reply[accepted] = first[np.searchsorted(seqs, c.seq[end_rows[accepted]])]

        # Takeovers: a manager's accept without an offer is an assignment with no wait.
        tk = np.flatnonzero((c.kind == K[EventKind.ASSIGNMENT_ACCEPTED]) & (c.reason == _TAKEOVER))
        waits = starts.shape[0]
        start_ts = np.concatenate((c.ts[rows[starts]], c.ts[tk]))
        start_row = np.concatenate((rows[starts], tk))
        order = np.lexsort((start_row, start_ts))
        return Assignments(
            start_ts=start_ts[order],
            end_ts=np.concatenate((end_ts, c.ts[tk]))[order],
            outcome=np.concatenate((outcome, np.full(tk.shape[0], HANDLED, dtype=np.int8)))[order],
            first_reply_ts=np.concatenate((reply, np.full(tk.shape[0], OPEN_END)))[order],
            takeover=np.concatenate(
                (np.zeros(waits, dtype=bool), np.ones(tk.shape[0], dtype=bool))
            )[order],
            bot=np.concatenate((by_bot, ~self.is_human[c.agent[tk]]))[order],
        )

    def _presence(self, log: EventLog) -> tuple[I64, I64, I64]:
        """(agent, start, end) of every interval a human agent is logged in to >= 1 site."""
        state = AgentState.build(log)
        agents: list[int] = []
        lo: list[int] = []
        hi: list[int] = []
        for agent, times in state.times.items():
            if not self.is_human[agent]:
                continue
            since: int | None = None
            for ts, presence in zip(times, state.states[agent], strict=True):
                if presence.sites and since is None:
                    since = ts
                elif not presence.sites and since is not None:
                    agents.append(agent)
                    lo.append(since)
                    hi.append(ts)
                    since = None
            if since is not None:  # still logged in at the end of the log
                agents.append(agent)
                lo.append(since)
                hi.append(int(OPEN_END))
        return (
            np.asarray(agents, dtype=np.int64),
            np.asarray(lo, dtype=np.int64),
            np.asarray(hi, dtype=np.int64),
        )
