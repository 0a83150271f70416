"""Now-independent facts of the agent performance dashboard (seed 000), made once per frame.

docs/metrics.md section 4 is the specification; backend/_performance_dashboard.py
answers a request from these arrays. Everything a request reads for one agent is
kept sorted by (agent, log row), so an agent's segments, closes, view events,
messages, response samples and attributed surveys are slices found by binary
search, never masks over every row of the frame; per-conversation facts are
arrays by conversation code (-1: none), read only at the agent's conversations.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ccbench.arrays import take
from ccbench.eventlog import EventKind

from ._frame import CLOSERS, ROLES, Frame, kind_code, kind_mask
from ._frame_lookup import PerConversation, Responses, human_mask, human_responses
from ._order import stable_order

__all__ = ["PerformanceIndex", "agent_slice"]

I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]
#: The segment starts whose first response is a routed one: NEW and TRANSFER (1.1).
FIRST_RESPONSE_STARTS = ("new", "transfer", "back_to_queue")


def _rows(frame: Frame, *kinds: EventKind) -> B:
    return kind_mask(frame.kind, *kinds)


def agent_slice(agents: I64, a: int) -> tuple[int, int]:
    """The positions ``[lo, hi)`` of agent ``a`` in an ascending agent column."""
    lo, hi = np.searchsorted(agents, [a, a + 1])
    return int(lo), int(hi)


class PerformanceIndex:
    """Now-independent facts of one frame for seed 000 (see the module doc)."""

    def __init__(self, frame: Frame) -> None:
        f, n = frame, frame.n_conv
        self.frame = f
        agent = f.integer("agent_id")
        opened = f.rows(EventKind.CONVERSATION_OPENED)
        self.channel = np.full(n, "", dtype=object)
        self.channel[f.conv[opened]] = f.text("channel")[opened]
        self.opened_ts = np.full(n, -1, dtype=np.int64)
        self.opened_ts[f.conv[opened]] = f.ts[opened]
        # direction absent = inbound (format 1 logs; docs/eventlog.md)
        self.outbound = np.zeros(n, dtype=bool)
        self.outbound[f.conv[opened]] = f.text("direction")[opened] == "outbound"
        # the SLA policy a conversation names, "" when it names none
        self.policy = np.full(n, "", dtype=object)
        self.policy[f.conv[opened]] = [p or "" for p in f.text("sla_policy")[opened]]
        self.snooze = PerConversation(
            f,
            _rows(
                f,
                EventKind.CONVERSATION_SNOOZED,
                EventKind.CONVERSATION_UNSNOOZED,
                EventKind.ASSIGNMENT_ACCEPTED,
            ),
        )
        self.disqualified = PerConversation(
            f,
            _rows(
                f,
                EventKind.CONVERSATION_SNOOZED,
                EventKind.CONVERSATION_REOPENED,
                EventKind.CONVERSATION_RESUMED,
                EventKind.CONVERSATION_MERGED,
            ),
        ).first()
        message = f.kind == kind_code(EventKind.MESSAGE_SENT)
        self.first_message = PerConversation(f, message).first()
        self.first_consumer = PerConversation(
            f, message & (f.role == ROLES.index("consumer"))
        ).first()
        # first human message (role agent or manager, a human roster user; section 3.4)
        human = message & ((f.role == ROLES.index("agent")) | (f.role == ROLES.index("manager")))
        self.first_human = PerConversation(f, human & human_mask(f)).first()
        self.responses: Responses = human_responses(f)
        self._segments(f)
        self._closes(f, agent)
        self._periods(f)
        self._surveys(f, agent)
        view = np.flatnonzero(_rows(f, EventKind.VIEW_STARTED, EventKind.VIEW_ENDED))
        self.view_rows = view[np.lexsort((view, f.conv[view], agent[view]))]
        self.view_agent = agent[self.view_rows]
        # messages and response samples by (agent, ts)
        messages = np.flatnonzero(message)
        by_agent = stable_order(agent[messages])
        self.message_agent = agent[messages][by_agent]
        self.message_ts = f.ts[messages][by_agent]
        r = self.responses
        by_agent = np.lexsort((r.ts, r.agent))
        self.resp_agent, self.resp_ts = r.agent[by_agent], r.ts[by_agent]
        self.resp_conv, self.resp_value = r.conv[by_agent], r.value[by_agent]

    def _segments(self, f: Frame) -> None:
        """Segments by (agent, start order): an agent's segments started before now are
        the head of its slice."""
        s = f.segs
        self.seg_order = np.argsort(s.agent, kind="stable").astype(np.int64)
        self.seg_agent = s.agent[self.seg_order]
        self.seg_start = s.start_ts[self.seg_order]
        self.routed_start = np.isin(s.start_kind, FIRST_RESPONSE_STARTS)

    def _closes(self, f: Frame, agent: I64) -> None:
        """Closes by the agent who closed them (closed_by agent), by (agent, row); and each
        conversation's first close row (-1)."""
        closed = f.kind == kind_code(EventKind.CONVERSATION_CLOSED)
        rows = np.flatnonzero(closed & (f.closed_by == CLOSERS.index("agent")))
        rows = rows[np.argsort(agent[rows], kind="stable")]
        self.close_agent = agent[rows]
        self.close_ts = f.ts[rows]
        self.close_conv = f.conv[rows]
        self.first_close = PerConversation(f, closed).first()

    def _periods(self, f: Frame) -> None:
        """Open periods: opened/resumed/reopened to the next closed/abandoned (3.2), by
        conversation; ``period_lo/hi[c]`` bound conversation c's."""
        starts = _rows(
            f,
            EventKind.CONVERSATION_OPENED,
            EventKind.CONVERSATION_RESUMED,
            EventKind.CONVERSATION_REOPENED,
        )
        life = starts | _rows(f, EventKind.CONVERSATION_CLOSED, EventKind.CONVERSATION_ABANDONED)
        rows = np.flatnonzero(life & (f.conv >= 0))
        rows = rows[np.argsort(f.conv[rows], kind="stable")]
        is_start = starts[rows]
        nxt_end = np.zeros(rows.shape[0], dtype=bool)
        nxt_end[:-1] = ~is_start[1:] & (f.conv[rows[1:]] == f.conv[rows[:-1]])
        s = np.flatnonzero(is_start)
        period_conv = f.conv[rows[s]]
        self.period_start = f.ts[rows[s]]
        end_row = take(rows, np.where(nxt_end[s], s + 1, -1), missing=-1)
        self.period_end = take(f.ts, end_row, missing=np.iinfo(np.int64).max)
        codes = np.arange(f.n_conv, dtype=np.int64)
        self.period_lo = np.searchsorted(period_conv, codes, side="left")
        self.period_hi = np.searchsorted(period_conv, codes, side="right")

    def _surveys(self, f: Frame, agent: I64) -> None:
        """Each survey answer with the agent of its conversation's last accept before it
        (-1), the next answer's row in its conversation (beyond every row when none), and
        its csat; by (agent, row)."""
        surveys = PerConversation(f, _rows(f, EventKind.SURVEY_ANSWERED))
        accepts = PerConversation(f, _rows(f, EventKind.ASSIGNMENT_ACCEPTED))
        rows = np.sort(surveys.rows)
        conv = f.conv[rows]
        nxt = surveys.first_after(conv, rows)
        who = take(agent, accepts.last_before(conv, rows), missing=-1)
        by = np.lexsort((rows, who))
        self.survey_agent = who[by]
        self.survey_row = rows[by]
        self.survey_next = np.where(nxt >= 0, nxt, f.ts.shape[0])[by]
        self.survey_csat = f.integer("csat")[rows][by]

    def agent_segments(self, a: int, now: int) -> I64:
        """Agent ``a``'s segments started before ``now``, ascending (start order)."""
        lo, hi = agent_slice(self.seg_agent, a)
        end = lo + int(np.searchsorted(self.seg_start[lo:hi], now, side="left"))
        return self.seg_order[lo:end]

    def open_at(self, convs: I64, now: int) -> B:
        """Per conversation of ``convs``: some open period holds ``now``."""
        lo, hi = self.period_lo[convs], self.period_hi[convs]
        n = hi - lo
        owner = np.repeat(np.arange(convs.shape[0]), n)
        idx = np.repeat(lo - np.cumsum(n) + n, n) + np.arange(owner.shape[0])
        live = (self.period_start[idx] < now) & (self.period_end[idx] >= now)
        return np.bincount(owner[live], minlength=convs.shape[0]) > 0
