"""Lookups over a frame's rows shared by the seed 000-002 endpoints.

:class:`PerConversation` answers "the last row of this kind in conversation c
before row r" with one binary search; :func:`human_responses` lists the
agent-side response samples of docs/metrics.md section 3.4 (consumer and human
agent/manager messages, bots and participants excluded).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ccbench.arrays import take
from ccbench.eventlog import EventKind

from ._frame import ROLES, Frame, kind_code
from ._order import stable_order

__all__ = ["PerConversation", "Responses", "human_mask", "human_responses", "is_human_agent"]

I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]


class PerConversation:
    """The rows of ``mask`` (conversation events only) keyed by (conversation, row)."""

    def __init__(self, frame: Frame, mask: B) -> None:
        self.width = frame.ts.shape[0] + 1
        rows = np.flatnonzero(mask & (frame.conv >= 0)).astype(np.int64)
        keys = frame.conv[rows] * self.width + rows
        order = stable_order(frame.conv[rows])  # rows ascend: (conversation, row) order
        self.rows = rows[order]
        self.keys = keys[order]
        self.n_conv = frame.n_conv

    def last_before(self, conv: I64, limit: I64 | int) -> I64:
        """Per item, the last row of conversation ``conv`` below row ``limit`` (-1 if none)."""
        conv = np.asarray(conv, dtype=np.int64)
        i = np.searchsorted(self.keys, conv * self.width + limit, side="left") - 1
        ok = i >= 0
        ok[ok] = self.keys[i[ok]] // self.width == conv[ok]
        return take(self.rows, np.where(ok, i, -1), missing=-1)

    def first_after(self, conv: I64, row: I64) -> I64:
        """Per item, the first row of conversation ``conv`` after row ``row`` (-1 if none)."""
        conv = np.asarray(conv, dtype=np.int64)
        i = np.searchsorted(self.keys, conv * self.width + row + 1, side="left")
        ok = i < self.keys.shape[0]
        ok[ok] = self.keys[i[ok]] // self.width == conv[ok]
        return take(self.rows, np.where(ok, i, -1), missing=-1)

    def first(self) -> I64:
        """Per conversation, its first row (-1 if none)."""
        out = np.full(self.n_conv, -1, dtype=np.int64)
        conv = self.keys // self.width
        out[conv[::-1]] = self.rows[::-1]
        return out


def is_human_agent(frame: Frame) -> dict[int, bool]:
    """Roster agent id -> whether its ``user_type`` is human."""
    return {a.id: a.user_type == "human" for a in frame.roster.agents}


def human_mask(frame: Frame) -> B:
    """Rows whose ``agent_id`` is a human roster user."""
    humans = np.array([a for a, h in is_human_agent(frame).items() if h] or [-2], dtype=np.int64)
    return np.isin(frame.integer("agent_id"), humans)


@dataclass(frozen=True, slots=True)
class Responses:
    """Agent-side response samples: sent at ``ts`` (visible iff ts < now) by ``agent``
    in ``conv``, ``value`` ms after the first consumer message of the run it answers."""

    conv: I64
    ts: I64
    value: I64
    agent: I64


def human_responses(frame: Frame) -> Responses:
    """Section 3.4's ``response_time`` samples of every conversation of the frame."""
    msg = (frame.kind == kind_code(EventKind.MESSAGE_SENT)) & (frame.conv >= 0)
    consumer = msg & (frame.role == ROLES.index("consumer"))
    human = (
        msg
        & np.isin(frame.role, [ROLES.index("agent"), ROLES.index("manager")])
        & human_mask(frame)
    )
    rows = np.flatnonzero(consumer | human).astype(np.int64)
    rows = rows[np.lexsort((rows, frame.conv[rows]))]
    conv, side = frame.conv[rows], consumer[rows]
    # run heads: a conversation's first stream element, or a change of side
    head = np.ones(rows.shape[0], dtype=bool)
    head[1:] = (conv[1:] != conv[:-1]) | (side[1:] != side[:-1])
    h = rows[head]
    hconv, hside = conv[head], side[head]
    # an agent head right after a consumer head of the same conversation is a response
    resp = np.flatnonzero((~hside[1:]) & hside[:-1] & (hconv[1:] == hconv[:-1])) + 1
    ts = frame.ts
    return Responses(
        conv=hconv[resp],
        ts=ts[h[resp]],
        value=ts[h[resp]] - ts[h[resp - 1]],
        agent=frame.integer("agent_id")[h[resp]],
    )
