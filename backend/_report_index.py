"""Period-independent facts of the automated performance report (seed 001), per frame.

docs/metrics.md section 5: consumers, languages and start flows per
conversation (from its ``conversation.opened``, the language else from its
first ``intent.detected`` carrying one); each consumer's first opening; the
contact center's assignments (a wait from the first queued/offered while
unassigned to the accept, abandon or close ending it, and takeovers) with
their outcome and the first reply of the accepting agent; which messages are
sent while a human segment runs; human agents' logged-in intervals.

From these it keeps what a request reads, so that no request passes over the
period's events: sorted instants (messages, openings, first openings) for daily
counts by binary search, per-minute message counts (backend/_minute_peaks.py),
range counts (backend/_range_counts.py: distinct users, per-code counts, items
started in a window and ended before a time) and per-agent interval totals
(backend/_keyed_intervals.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from ccbench.arrays import take
from ccbench.eventlog import EventKind

from ._dominance import Dominance
from ._frame import CLOSERS, NEVER, ROLES, Frame, kind_code, kind_mask
from ._frame_lookup import PerConversation
from ._keyed_intervals import KeyedIntervals
from ._minute_peaks import MinutePeaks
from ._order import stable_order
from ._range_counts import CodeCounts, Distinct, Ended, previous_same
from ._supervision_index import SupervisionIndex

__all__ = ["ABANDONED", "CLOSED", "HANDLED", "WAITING", "Assignments", "ReportIndex"]

I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]
HANDLED, ABANDONED, CLOSED, WAITING = 0, 1, 2, 3
#: The events ending a segment (docs/metrics.md 1.1).
_SEGMENT_ENDS = (
    EventKind.CONVERSATION_TRANSFERRED,
    EventKind.CONVERSATION_BACK_TO_QUEUE,
    EventKind.CONVERSATION_TAKEN_OVER,
    EventKind.CONVERSATION_CLOSED,
)


@dataclass(frozen=True, slots=True)
class Assignments:
    """Assignments sorted by start (ts, then row); times in ms, ``end_ts`` NEVER while
    waiting; ``reply_ts`` the accepting agent's first message in its segment (NEVER)."""

    start_ts: I64
    end_ts: I64
    outcome: npt.NDArray[np.int8]
    reply_ts: I64
    takeover: B
    bot: B


def _codes(values: npt.NDArray[np.object_]) -> tuple[I64, tuple[str, ...]]:
    """Codes into the sorted distinct non-null values (-1 for null). Arrow sorts strings by
    their UTF-8 bytes, which is code point order, Python's order of str."""
    encoded = pc.dictionary_encode(pa.array(values, type=pa.string()))
    names = encoded.dictionary
    order = pc.sort_indices(names).to_numpy()  # sorted position -> dictionary index
    rank = np.empty(len(names) + 1, dtype=np.int64)
    rank[order] = np.arange(len(names), dtype=np.int64)
    rank[-1] = -1  # null
    index = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    return rank[index], tuple(names.take(order).to_pylist())


class ReportIndex:
    """See the module doc; arrays are by conversation code, segment or assignment."""

    def __init__(self, frame: Frame) -> None:
        f = self.frame = frame
        n = f.n_conv
        humans = {a.id for a in f.roster.agents if a.user_type == "human"}
        self.human_ids = tuple(sorted(humans))
        agent = f.integer("agent_id")
        accept = f.kind == kind_code(EventKind.ASSIGNMENT_ACCEPTED)
        # whether an accept's agent is a human roster user (read at accept rows only)
        accept_rows = np.flatnonzero(accept)
        self.row_human = np.zeros(f.ts.shape[0], dtype=bool)
        self.row_human[accept_rows] = np.isin(
            agent[accept_rows], np.array(sorted(humans) or [-2], dtype=np.int64)
        )
        self.opened_rows = f.rows(EventKind.CONVERSATION_OPENED)
        oc = f.conv[self.opened_rows]
        consumer, consumers = _codes(f.text("consumer_id")[self.opened_rows])
        self.conv_consumer = np.full(n, -1, dtype=np.int64)
        self.conv_consumer[oc] = consumer
        flow, self.flows = _codes(f.text("bot_flow")[self.opened_rows])
        self.conv_flow = np.full(n, -1, dtype=np.int64)
        self.conv_flow[oc] = flow
        self.intent_rows = f.rows(EventKind.INTENT_DETECTED)
        self.intent_code, self.intents = _codes(f.text("intent")[self.intent_rows])
        # language: the opened event's, else the first intent's that carries one
        lang_rows = np.concatenate((self.intent_rows[::-1], self.opened_rows))
        lang, self.languages = _codes(f.text("language")[lang_rows])
        self.conv_language = np.full(n, -1, dtype=np.int64)
        known = lang >= 0
        self.conv_language[f.conv[lang_rows[known]]] = lang[known]  # later writes win
        self.consumer_first_open = np.full(len(consumers), NEVER, dtype=np.int64)
        np.minimum.at(self.consumer_first_open, consumer, f.ts[self.opened_rows])
        self.close_rows = f.rows(EventKind.CONVERSATION_CLOSED)
        self.close_reason, self.reasons = _codes(f.text("reason")[self.close_rows])
        s = f.segs
        self.seg_human = np.isin(s.agent, np.array(sorted(humans) or [-2], dtype=np.int64))
        first_human = PerConversation(f, accept & self.row_human).first()
        close_conv = f.conv[self.close_rows]
        fh = first_human[close_conv]
        self.close_cc = (fh >= 0) & (fh < self.close_rows)
        human_msg = self._segment_messages(accept, agent)
        self.assignments = self._assignments()
        self.presence = self._presence()
        msg = np.flatnonzero((f.kind == kind_code(EventKind.MESSAGE_SENT)) & (f.conv >= 0))
        self._activity(msg, oc)
        self._contact_center(human_msg)
        self._agents()
        pair = f.conv[self.intent_rows] * max(len(self.intents), 1) + self.intent_code
        self.intent_prev = previous_same(pair)  # the pair's previous detection (-1)
        self.language_counts = CodeCounts(
            self.opened_rows, self.conv_language[oc], len(self.languages)
        )
        self.flow_counts = CodeCounts(self.opened_rows, self.conv_flow[oc], len(self.flows))

    def _segment_messages(self, accept: B, agent: I64) -> I64:
        """Each segment's first message of its own agent (``seg_reply``, roles agent, bot,
        manager: R of 1.2), and the rows of the messages sent while a human's segment runs:
        after the conversation's last accept and no transfer, back-to-queue, takeover or
        close since. One pass over the conversation's events in (conversation, row) order,
        where a running maximum carries the last accept and the last end."""
        f, s = self.frame, self.frame.segs
        end = kind_mask(f.kind, *_SEGMENT_ENDS)
        message = f.kind == kind_code(EventKind.MESSAGE_SENT)
        rows = np.flatnonzero((accept | end | message) & (f.conv >= 0))
        rows = rows[stable_order(f.conv[rows])]
        base = f.conv[rows] * (f.ts.shape[0] + 1)
        m = message[rows]

        def last(mask: B) -> I64:
            """At each message, the conversation's last row of ``mask`` before it (-1)."""
            carried = np.maximum.accumulate(np.where(mask[rows], base + rows + 1, base))
            out: I64 = (carried - base - 1)[m]
            return out

        msg = rows[m]
        a_row, e_row = last(accept), last(end)
        running = a_row > e_row
        in_human = np.zeros(msg.shape[0], dtype=bool)
        in_human[running] = self.row_human[a_row[running]]
        role = f.role[msg]
        own = running & (
            (role == ROLES.index("agent"))
            | (role == ROLES.index("bot"))
            | (role == ROLES.index("manager"))
        )
        own[own] = agent[msg[own]] == agent[a_row[own]]
        seg_of = np.searchsorted(s.start_row, a_row[own])
        self.seg_reply = np.full(s.start_row.shape[0], NEVER, dtype=np.int64)
        np.minimum.at(self.seg_reply, seg_of, f.ts[msg[own]])
        flag = np.zeros(f.ts.shape[0], dtype=bool)  # back to row order
        flag[msg[in_human]] = True
        return np.flatnonzero(flag)

    def _activity(self, msg: I64, oc: I64) -> None:
        """Sorted instants of the messages, incoming messages, openings and consumers' first
        openings; per-minute message counts; each message's conversation's opening position
        (depth: messages of conversations opened in the period); users' activity rows."""
        f = self.frame
        self.msg_ts = f.ts[msg]
        incoming = f.role[msg] == ROLES.index("consumer")
        self.incoming_ts = self.msg_ts[incoming]
        self.open_ts = f.ts[self.opened_rows]
        self.first_open_ts = np.sort(self.consumer_first_open)
        self.minutes = MinutePeaks(self.msg_ts)
        open_at = np.full(f.n_conv, -1, dtype=np.int64)
        open_at[oc] = np.arange(oc.shape[0], dtype=np.int64)
        self.msg_open = Dominance(open_at[f.conv[msg]])
        active = kind_mask(f.kind, EventKind.CONVERSATION_OPENED, EventKind.CONVERSATION_RESUMED)
        active[msg[incoming]] = True
        acts = np.flatnonzero(active)
        self.active_users = Distinct(acts, self.conv_consumer[f.conv[acts]])

    def _contact_center(self, human_msg: I64) -> None:
        """Assignments by outcome (ended before the period's end), waits, human segments
        (done, users), messages in a human segment and contact-center closing reasons."""
        f, s, asg = self.frame, self.frame.segs, self.assignments
        self.human_msg_ts = f.ts[human_msg]
        handled = asg.outcome == HANDLED
        self.handled = Ended(asg.start_ts[handled], asg.end_ts[handled])
        self.bot_handled = Ended(asg.start_ts[handled & asg.bot], asg.end_ts[handled & asg.bot])
        abandoned, closed = asg.outcome == ABANDONED, asg.outcome == CLOSED
        self.abandoned = Ended(asg.start_ts[abandoned], asg.end_ts[abandoned])
        self.closed = Ended(asg.start_ts[closed], asg.end_ts[closed])
        # a wait is a sample once its reply (after the accept ending it) is seen
        w = handled & ~asg.takeover & ~asg.bot
        reply = asg.reply_ts[w]
        self.waits = Ended(
            asg.start_ts[w],
            np.maximum(asg.end_ts[w], reply),
            np.where(reply < NEVER, reply - asg.start_ts[w], 0),
        )
        human = np.flatnonzero(self.seg_human).astype(np.int64)
        self.human_segs = human
        self.segment_users = Distinct(human, self.conv_consumer[s.conv[human]])
        end = s.end_ts[human]
        self.segs_done = Ended(
            s.start_ts[human], end, np.where(end < NEVER, end - s.start_ts[human], 0)
        )
        cc = self.close_cc
        self.cc_reasons = CodeCounts(self.close_rows[cc], self.close_reason[cc], len(self.reasons))

    def _agents(self) -> None:
        """Human agents' segments and logged-in intervals by agent (index in human_ids)."""
        s, roster = self.frame.segs, self.frame.roster
        ids = np.asarray(self.human_ids, dtype=np.int64)
        human = self.human_segs
        self.seg_time = KeyedIntervals(
            keys=np.searchsorted(ids, s.agent[human]),
            start=s.start_ts[human],
            end=s.end_ts[human],
            n_keys=len(self.human_ids),
        )
        agent, lo, hi = self.presence
        self.presence_time = KeyedIntervals(
            keys=np.searchsorted(ids, agent), start=lo, end=hi, n_keys=len(self.human_ids)
        )
        info = [roster.agent(a) for a in self.human_ids]
        self.human_names = [i.name if i else "" for i in info]
        self.human_roles = [i.role if i else "" for i in info]

    def _assignments(self) -> Assignments:
        f = self.frame
        wait_kinds = (
            EventKind.CONVERSATION_QUEUED,
            EventKind.ASSIGNMENT_OFFERED,
            EventKind.ASSIGNMENT_DECLINED,
        )
        accepted_kind = kind_code(EventKind.ASSIGNMENT_ACCEPTED)
        waits = kind_mask(f.kind, *wait_kinds)
        ends = kind_mask(
            f.kind,
            EventKind.ASSIGNMENT_ACCEPTED,
            EventKind.CONVERSATION_CLOSED,
            EventKind.CONVERSATION_ABANDONED,
        )
        rows = np.flatnonzero((waits | ends) & (f.conv >= 0))
        rows = rows[stable_order(f.conv[rows])]
        conv = f.conv[rows]
        waiting = waits[rows]
        same = np.zeros(rows.shape[0], dtype=bool)
        same[1:] = conv[1:] == conv[:-1]
        prev_wait = np.zeros(rows.shape[0], dtype=bool)
        prev_wait[1:] = waiting[:-1]
        starts = np.flatnonzero(waiting & ~(same & prev_wait))
        stops = np.flatnonzero(~waiting)
        j = np.searchsorted(stops, starts, side="right")
        has_end = j < stops.shape[0]
        end_pos = take(stops, np.where(has_end, j, -1), missing=-1)
        has_end &= take(conv, end_pos, missing=-1) == conv[starts]
        end_rows = take(rows, end_pos, missing=0)
        accepted = has_end & (f.kind[end_rows] == accepted_kind)
        bot = accepted & ~self.row_human[end_rows]
        by_consumer = (f.kind[end_rows] == kind_code(EventKind.CONVERSATION_ABANDONED)) | (
            f.closed_by[end_rows] == CLOSERS.index("consumer")
        )
        outcome = np.full(starts.shape[0], WAITING, dtype=np.int8)
        outcome[accepted] = HANDLED
        outcome[has_end & ~accepted & by_consumer] = ABANDONED
        outcome[has_end & ~accepted & ~by_consumer] = CLOSED
        end_ts = np.where(has_end, f.ts[end_rows], NEVER)
        reply = np.full(starts.shape[0], NEVER, dtype=np.int64)
        seg = np.searchsorted(f.segs.start_row, end_rows[accepted])
        reply[accepted] = self.seg_reply[seg]
        tk = np.flatnonzero(
            (f.kind == accepted_kind) & (f.text("reason") == "takeover")  # a manager's accept
        )
        start_row = np.concatenate((rows[starts], tk))
        start_ts = f.ts[start_row]
        order = np.lexsort((start_row, start_ts))
        n_tk = tk.shape[0]
        return Assignments(
            start_ts=start_ts[order],
            end_ts=np.concatenate((end_ts, f.ts[tk]))[order],
            outcome=np.concatenate((outcome, np.full(n_tk, HANDLED, dtype=np.int8)))[order],
            reply_ts=np.concatenate((reply, np.full(n_tk, NEVER, dtype=np.int64)))[order],
            takeover=np.concatenate((np.zeros(starts.shape[0], bool), np.ones(n_tk, bool)))[order],
            bot=np.concatenate((bot, ~self.row_human[tk]))[order],
        )

    def _presence(self) -> tuple[I64, I64, I64]:
        """(agent, start, end) of each interval a human agent is logged in to >= 1 site
        (end NEVER while still logged in)."""
        sup = self.frame.memo("supervision", SupervisionIndex)
        agents: list[int] = []
        lo: list[int] = []
        hi: list[int] = []
        for agent in self.human_ids:
            since: int | None = None
            for ts, p in zip(sup.times.get(agent, []), sup.states.get(agent, []), strict=True):
                if p.sites and since is None:
                    since = ts
                elif not p.sites and since is not None:
                    agents.append(agent)
                    lo.append(since)
                    hi.append(ts)
                    since = None
            if since is not None:
                agents.append(agent)
                lo.append(since)
                hi.append(int(NEVER))
        return (
            np.asarray(agents, dtype=np.int64),
            np.asarray(lo, dtype=np.int64),
            np.asarray(hi, dtype=np.int64),
        )
