"""Routing outcomes the seed 003 dashboard counts: closes and queue stays.

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

from ccbench.eventlog import CLOSED_BY, EventKind

from ._columns import CLOSED_BY_CONSUMER, KIND_CODES, OPEN_END, EventColumns
from ._conversations import Assignees, Conversations

__all__ = ["ABANDONED", "CONNECTED", "OTHER", "CloseStats", "Closes", "QueueStays"]

I64 = npt.NDArray[np.int64]
K = KIND_CODES

#: :attr:`QueueStays.outcome` values; any other outcome (re-queued, closed by an agent or
#: the system) is 2.
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
        routing = conversations.last_routing
        r = routing.last_before(conv, rows)
        skill = np.where(r >= 0, cols.skill[routing.rows[np.maximum(r, 0)]], -1)
        return cls(rows, cols.ts[rows], conv, cols.closed_by[rows], agent, skill)


@dataclass(frozen=True, slots=True)
class QueueStays:
    """Each ``conversation.queued`` until the next routing outcome of that conversation.

    ``outcome``: :data:`CONNECTED` (accepted), :data:`ABANDONED`
    (``conversation.abandoned`` or closed by the consumer while queued), else
    :data:`OTHER` (re-queued, closed by agent/system); ``end_ts`` OPEN_END
    while still queued. ``agent`` is the accepting agent of a connected stay,
    else -1. Times in epoch ms.
    """

    conv: I64
    skill: I64
    start_ts: I64
    end_ts: I64
    outcome: npt.NDArray[np.int8]
    agent: I64

    @classmethod
    def build(cls, cols: EventColumns) -> QueueStays:
        """Every queue stay of ``cols`` with its outcome (vectorised)."""
        c = cols
        kinds = [
            K[EventKind.CONVERSATION_QUEUED],
            K[EventKind.ASSIGNMENT_ACCEPTED],
            K[EventKind.CONVERSATION_ABANDONED],
            K[EventKind.CONVERSATION_CLOSED],
        ]
        rows = np.flatnonzero(np.isin(c.kind, kinds) & (c.conv >= 0))
        rows = rows[np.argsort(c.conv[rows], kind="stable")]
        q = np.flatnonzero(c.kind[rows] == K[EventKind.CONVERSATION_QUEUED])
        nxt = q + 1
        has = nxt < rows.shape[0]
        has[has] = c.conv[rows[nxt[has]]] == c.conv[rows[q[has]]]
        end_row = rows[np.where(has, nxt, 0)]
        ek = c.kind[end_row]
        outcome = np.full(q.shape[0], OTHER, dtype=np.int8)
        outcome[has & (ek == K[EventKind.ASSIGNMENT_ACCEPTED])] = CONNECTED
        abandoned = (ek == K[EventKind.CONVERSATION_ABANDONED]) | (
            (ek == K[EventKind.CONVERSATION_CLOSED]) & (c.closed_by[end_row] == CLOSED_BY_CONSUMER)
        )
        outcome[has & abandoned] = ABANDONED
        qrows = rows[q]
        return cls(
            conv=c.conv[qrows].astype(np.int64),
            skill=c.skill[qrows],
            start_ts=c.ts[qrows],
            end_ts=np.where(has, c.ts[end_row], OPEN_END),
            outcome=outcome,
            agent=np.where(has & (outcome == CONNECTED), c.agent[end_row], -1),
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
