"""Routing outcomes the seed 003 dashboard counts: closes and queue waits.

Both are built once per log (vectorised, no per-event Python) and then
selected by time and filters at each ``now``; docs/metrics.md section 3.5
(closes) and 3.6 (chat queue) are the specification. :class:`CloseStats` is
what a selection of closes adds up to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ccbench.arrays import take
from ccbench.eventlog import CLOSED_BY, EventKind

from ._columns import CLOSED_BY_CONSUMER, KIND_CODES, OPEN_END, EventColumns
from ._conversations import Assignees, Conversations

__all__ = ["ABANDONED", "CONNECTED", "OTHER", "CloseStats", "Closes", "QueueWaits"]

I64 = npt.NDArray[np.int64]
K = KIND_CODES

#: :attr:`QueueWaits.outcome` values; any other end (closed by an agent or the system
#: while waiting) is 2.
CONNECTED, ABANDONED, OTHER = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Closes:
    """Every ``conversation.closed`` event with who it is attributed to.

    ``agent`` is the agent of the segment the close ended (-1 when the
    conversation was unassigned); ``skill`` the conversation's skill at the
    close (last queued/accepted skill, -1 if none). ``ts`` in epoch ms.
    """

    row: I64
    ts: I64
    conv: I64
    closed_by: npt.NDArray[np.int8]
    agent: I64
    skill: I64

    @classmethod
    def build(
        cls, cols: EventColumns, *, conversations: Conversations, assignees: Assignees
    ) -> Closes:
        """Find the closes of ``cols`` and attribute each to its agent and skill."""
        rows = np.flatnonzero(cols.kind == K[EventKind.CONVERSATION_CLOSED]).astype(np.int64)
        conv = cols.conv[rows].astype(np.int64)
        # The close ended a segment iff an accept came after the previous segment end.
        agent = assignees.running(rows)
        routing = conversations.last_routing.last_row_before(conv, rows)
        skill = take(cols.skill, routing, missing=-1)
        return cls(rows, cols.ts[rows], conv, cols.closed_by[rows], agent, skill)


@dataclass(frozen=True, slots=True)
class QueueWaits:
    """Each wait of a visitor in a queue (seed 003 chat mode counts *visitors*).

    A wait starts at a ``conversation.queued`` of a conversation not already waiting;
    a further ``conversation.queued`` while it waits moves it to another queue within
    the same wait. It ends at the conversation's next accept (:data:`CONNECTED`),
    ``conversation.abandoned`` or close by the consumer (:data:`ABANDONED`), or other
    close (:data:`OTHER`); ``end_ts`` is OPEN_END while still waiting. ``skill`` is the
    queue the visitor entered (the first one). Times in epoch ms.
    """

    conv: I64
    skill: I64
    start_ts: I64
    end_ts: I64
    outcome: npt.NDArray[np.int8]

    @classmethod
    def build(cls, cols: EventColumns) -> QueueWaits:
        """Every queue wait of ``cols`` with its outcome (vectorised)."""
        c = cols
        queued = K[EventKind.CONVERSATION_QUEUED]
        kinds = [
            queued,
            K[EventKind.ASSIGNMENT_ACCEPTED],
            K[EventKind.CONVERSATION_ABANDONED],
            K[EventKind.CONVERSATION_CLOSED],
        ]
        rows = np.flatnonzero(np.isin(c.kind, kinds) & (c.conv >= 0))
        rows = rows[np.argsort(c.conv[rows], kind="stable")]  # by conversation, log order
        is_q = c.kind[rows] == queued
        same_prev = np.zeros(rows.shape[0], dtype=bool)
        same_prev[1:] = c.conv[rows[1:]] == c.conv[rows[:-1]]
        moved = np.zeros(rows.shape[0], dtype=bool)
        moved[1:] = is_q[:-1]
        q = np.flatnonzero(is_q & ~(same_prev & moved))  # waits start here
        # The wait ends at the first routing row after it that is not a queued.
        stops = np.flatnonzero(~is_q)
        j = take(stops, np.searchsorted(stops, q, side="right"), missing=-1)
        has = (j >= 0) & (take(c.conv, take(rows, j, missing=-1), missing=-2) == c.conv[rows[q]])
        end_row = take(rows, np.where(has, j, -1), missing=-1)
        ek = take(c.kind, end_row, missing=-1)
        outcome = np.full(q.shape[0], OTHER, dtype=np.int8)
        outcome[ek == K[EventKind.ASSIGNMENT_ACCEPTED]] = CONNECTED
        by_consumer = take(c.closed_by, end_row, missing=-1) == CLOSED_BY_CONSUMER
        abandoned = (ek == K[EventKind.CONVERSATION_ABANDONED]) | (
            (ek == K[EventKind.CONVERSATION_CLOSED]) & by_consumer
        )
        outcome[abandoned] = ABANDONED
        qrows = rows[q]
        return cls(
            conv=c.conv[qrows].astype(np.int64),
            skill=c.skill[qrows],
            start_ts=c.ts[qrows],
            end_ts=take(c.ts, end_row, missing=OPEN_END),
            outcome=outcome,
        )


@dataclass(frozen=True, slots=True)
class CloseStats:
    """What a selection of closes adds up to (docs/metrics.md 3.5).

    ``closed_by`` counts per CLOSED_BY name; ``csat`` is the top-2-box percent
    over the answered surveys (None without answers); ``avg_resolution_time``
    the mean close - open in ms, truncated (None without closes).
    """

    closed: int
    closed_by: dict[str, int]
    csat: float | None
    csat_answered: int
    avg_resolution_time: int | None

    @staticmethod
    def count_by(closed_by: npt.NDArray[np.int8]) -> dict[str, int]:
        """Closes per CLOSED_BY name, in contract order."""
        return {name: int(np.count_nonzero(closed_by == i)) for i, name in enumerate(CLOSED_BY)}

    def section(self) -> dict[str, Any]:
        """The close keys of the snapshot's ``closed`` section, in response order."""
        return {
            "closed": self.closed,
            "closed_by": self.closed_by,
            "csat": self.csat,
            "csat_answered": self.csat_answered,
            "avg_resolution_time": self.avg_resolution_time,
        }
