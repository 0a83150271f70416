"""Period-independent facts of the automated performance report (seed 001), per frame.

docs/metrics.md section 5: consumers, languages and start flows per
conversation (from its ``conversation.opened``, the language else from its
first ``intent.detected`` carrying one); each consumer's first opening; the
contact center's assignments (a wait from the first queued/offered while
unassigned to the accept, abandon or close ending it, and takeovers) with
their outcome and the first reply of the accepting agent; which messages are
sent while a human segment runs; human agents' logged-in intervals.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ccbench.arrays import take
from ccbench.eventlog import EventKind

from ._frame import CLOSERS, NEVER, ROLES, Frame, kind_code
from ._frame_lookup import PerConversation
from ._supervision_index import SupervisionIndex

__all__ = [
    "ABANDONED", "CLOSED", "HANDLED", "WAITING", "Assignments", "Distinct", "ReportIndex",
]  # fmt: skip

I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]
HANDLED, ABANDONED, CLOSED, WAITING = 0, 1, 2, 3


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


class Distinct:
    """Positions of sorted ``rows`` with a key each (-1: none), for "how many distinct keys
    among positions ``[a, b)``" without a hash per request: a position counts when the
    previous position with its key is before ``a`` (made once per frame)."""

    def __init__(self, rows: I64, keys: I64) -> None:
        self.rows, self.keys = rows, keys
        order = np.argsort(keys, kind="stable")
        same = np.zeros(order.shape[0], dtype=bool)
        same[1:] = keys[order[1:]] == keys[order[:-1]]
        self.prev = np.full(order.shape[0], -1, dtype=np.int64)
        self.prev[order[1:][same[1:]]] = order[:-1][same[1:]]

    def span(self, lo: int, hi: int) -> tuple[int, int]:
        """The positions ``[a, b)`` of rows in ``[lo, hi)``."""
        a, b = np.searchsorted(self.rows, [lo, hi], side="left")
        return int(a), int(b)

    def count(self, a: int, b: int) -> int:
        """Distinct keys (>= 0) among positions ``[a, b)``."""
        return int(np.count_nonzero((self.prev[a:b] < a) & (self.keys[a:b] >= 0)))


def _codes(values: npt.NDArray[np.object_]) -> tuple[I64, tuple[str, ...]]:
    """Codes into the sorted distinct non-null values (-1 for null)."""
    present = [v for v in values.tolist() if v is not None]
    names = tuple(sorted(set(present)))
    index = {v: i for i, v in enumerate(names)}
    return np.asarray([index.get(v, -1) for v in values.tolist()], dtype=np.int64), names


class ReportIndex:
    """See the module doc; arrays are by conversation code, segment or assignment."""

    def __init__(self, frame: Frame) -> None:
        f = self.frame = frame
        n = f.n_conv
        humans = {a.id for a in f.roster.agents if a.user_type == "human"}
        self.human_ids = tuple(sorted(humans))
        agent = f.integer("agent_id")
        self.row_human = np.isin(agent, np.array(sorted(humans) or [-2], dtype=np.int64))
        self.opened_rows = f.rows(EventKind.CONVERSATION_OPENED)
        oc = f.conv[self.opened_rows]
        consumer, self.consumers = _codes(f.text("consumer_id")[self.opened_rows])
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
        self.consumer_first_open = np.full(len(self.consumers), NEVER, dtype=np.int64)
        np.minimum.at(self.consumer_first_open, consumer, f.ts[self.opened_rows])
        self.close_rows = f.rows(EventKind.CONVERSATION_CLOSED)
        self.close_reason, self.reasons = _codes(f.text("reason")[self.close_rows])
        s = f.segs
        self.seg_human = np.isin(s.agent, np.array(sorted(humans) or [-2], dtype=np.int64))
        accepts = PerConversation(f, f.kind == kind_code(EventKind.ASSIGNMENT_ACCEPTED))
        first_human = PerConversation(
            f, (f.kind == kind_code(EventKind.ASSIGNMENT_ACCEPTED)) & self.row_human
        ).first()
        close_conv = f.conv[self.close_rows]
        fh = first_human[close_conv]
        self.close_cc = (fh >= 0) & (fh < self.close_rows)
        ends = PerConversation(
            f,
            np.isin(
                f.kind,
                [
                    kind_code(k)
                    for k in (
                        EventKind.CONVERSATION_TRANSFERRED,
                        EventKind.CONVERSATION_BACK_TO_QUEUE,
                        EventKind.CONVERSATION_TAKEN_OVER,
                        EventKind.CONVERSATION_CLOSED,
                    )
                ],
            ),
        )
        msg = np.flatnonzero((f.kind == kind_code(EventKind.MESSAGE_SENT)) & (f.conv >= 0))
        a_row = accepts.last_before(f.conv[msg], msg)
        e_row = ends.last_before(f.conv[msg], msg)
        running = a_row > e_row
        self.msg_in_human = np.zeros(f.ts.shape[0], dtype=bool)
        self.msg_in_human[msg[running]] = self.row_human[a_row[running]]
        # first message of the segment's own agent (roles agent, bot, manager: R of 1.2)
        own = running & np.isin(
            f.role[msg], [ROLES.index("agent"), ROLES.index("bot"), ROLES.index("manager")]
        )
        own[own] = agent[msg[own]] == agent[a_row[own]]
        seg_of = np.searchsorted(s.start_row, a_row[own])
        self.seg_reply = np.full(s.start_row.shape[0], NEVER, dtype=np.int64)
        np.minimum.at(self.seg_reply, seg_of, f.ts[msg[own]])
        self.assignments = self._assignments()
        self.presence = self._presence()
        # per-request slices by row instead of masks over every row of the period
        self.msg_rows = msg.astype(np.int64)
        open_row = np.full(n, -1, dtype=np.int64)
        open_row[oc] = self.opened_rows
        self.msg_open_row = open_row[f.conv[msg]]  # its conversation's opened row (-1)
        humans_sorted = np.asarray(self.human_ids, dtype=np.int64)
        self.seg_human_index = np.searchsorted(humans_sorted, s.agent)  # valid where human
        self.presence_human_index = np.searchsorted(humans_sorted, self.presence[0])
        self.msg_incoming = f.role[msg] == ROLES.index("consumer")
        self.human_msg_rows = np.flatnonzero(self.msg_in_human).astype(np.int64)
        acts = np.sort(
            np.concatenate(
                (self.opened_rows, f.rows(EventKind.CONVERSATION_RESUMED),
                 self.msg_rows[self.msg_incoming])
            )
        )  # fmt: skip
        self.active_users = Distinct(acts, self.conv_consumer[f.conv[acts]])
        human_segs = np.flatnonzero(self.seg_human).astype(np.int64)
        self.segment_users = Distinct(human_segs, self.conv_consumer[s.conv[human_segs]])
        pair = f.conv[self.intent_rows] * max(len(self.intents), 1) + self.intent_code
        self.intent_pairs = Distinct(self.intent_rows, pair)

    def _assignments(self) -> Assignments:
        f = self.frame
        wait_kinds = [
            kind_code(k)
            for k in (
                EventKind.CONVERSATION_QUEUED,
                EventKind.ASSIGNMENT_OFFERED,
                EventKind.ASSIGNMENT_DECLINED,
            )
        ]
        accepted_kind = kind_code(EventKind.ASSIGNMENT_ACCEPTED)
        other = [
            accepted_kind,
            kind_code(EventKind.CONVERSATION_CLOSED),
            kind_code(EventKind.CONVERSATION_ABANDONED),
        ]
        rows = np.flatnonzero(np.isin(f.kind, [*wait_kinds, *other]) & (f.conv >= 0))
        rows = rows[np.argsort(f.conv[rows], kind="stable")]
        conv = f.conv[rows]
        waiting = np.isin(f.kind[rows], wait_kinds)
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
