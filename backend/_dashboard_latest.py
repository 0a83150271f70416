"""Each conversation's latest facts after each of its events, for the dashboard at any now.

The dashboard sees only events with ``ts < now`` (docs/metrics.md section 0), and
a conversation's visible events are a prefix of its events in log order. Every
"latest" fact the dashboard reads from a conversation's events
(backend/_dashboard_sql.py ``FACTS_CTES``: ``LATEST_COLUMNS`` and
``response_ctes`` of backend/_dashboard_projection.py) depends only on that
prefix, and so is the fact as of its last visible event: its current skill (the
last queued/accepted skill), its last non-system message, its latest survey and
MCS answers, and the response-time sums and counts (a run head is one by the
message before it, so the heads of a prefix are the prefix of the heads).
:class:`Latest` holds them per conversation event, computed once per index; a
request finds each conversation's last visible event by one binary search and
reads its facts there, where re-deriving them from the visible events cost most
of the dashboard's CPU.

Positions are those of the index's events (grouped by
conversation, log order inside); the sums and counts cover the conversation's
events up to the position. The index (backend/_dashboard_index.py) computes them
as it reads the events, and keeps no event column but their times.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ccbench.eventlog import SENDER_ROLES

__all__ = [
    "A_SUM", "COUNTS", "C_SUM", "EVENT_KINDS", "MSG_TS", "ROLES", "SKILL", "SMALL_FIELDS",
    "Events", "Latest", "latest_facts", "small",
]  # fmt: skip

#: The conversation event kinds the latest facts read, and their codes.
EVENT_KINDS = (
    "conversation.queued", "assignment.accepted", "message.sent", "survey.answered",
    "mcs.scored",
)  # fmt: skip
QUEUED, ACCEPTED, MESSAGE, SURVEY, MCS = range(5)
#: Sender role codes.
ROLES: tuple[str, ...] = tuple(SENDER_ROLES)
I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]
I16 = npt.NDArray[np.int16]
I8 = npt.NDArray[np.int8]
B = npt.NDArray[np.bool_]


#: Columns of :attr:`Latest.table`: the current skill (-1: none), the last non-system
#: message's ts (-1: none), the response sums (ms), their counts packed (agent side in
#: the low 32 bits, consumer in the high ones; a conversation has far fewer than 2**31
#: messages), and the small codes packed in SMALL (see :data:`SMALL_FIELDS`).
SKILL, MSG_TS, A_SUM, C_SUM, COUNTS, SMALL = range(6)
#: (shift, offset) of each code in the SMALL column: the value is ``((small >> shift) &
#: 255) - offset``, and none is ``-offset`` (stored as 0): -1 for the role (a code of
#: ROLES), 0 for the CSAT (1-5), -1 for the MCS (0-100), -2 for the alert flag (-1, 0, 1).
SMALL_FIELDS = {"role": (0, 1), "csat": (8, 0), "mcs": (16, 1), "alerted": (24, 2)}


@dataclass(frozen=True, slots=True)
class Latest:
    """Per conversation event position (see the module doc), the conversation's facts up
    to and including it, one row of :data:`SKILL`... columns each (one gather reads
    them all); the last row is the facts before any event (none, zero sums), read at
    position -1."""

    table: I64


def small(rows: I64, name: str) -> I64:
    """The code ``name`` of :data:`SMALL_FIELDS` in gathered rows of :attr:`Latest.table`."""
    shift, offset = SMALL_FIELDS[name]
    out: I64 = ((rows[:, SMALL] >> shift) & 255) - offset
    return out


def _filled(values: I64, sel: B, group_start: I64, none: int) -> I64:
    """Per position, ``values`` (by position) at the last selected position of its
    conversation up to it (``none``: no such position): a running maximum of the
    selected positions, cut at the conversation's first."""
    found = np.maximum.accumulate(np.where(sel, np.arange(sel.shape[0]), -1))
    out: I64 = np.where(found >= group_start, values[found], none)  # found -1 is masked
    return out


def _heads(owner: I64, consumer: B, ts: I64, sel: B, want_consumer: bool) -> tuple[I64, I64]:
    """Positions and latencies (ms) of the responses of one stream: its run heads of side
    ``want_consumer`` after an earlier head of the conversation, measured from that head
    (response_ctes in backend/_dashboard_projection.py)."""
    idx = np.flatnonzero(sel)
    o, c, t = owner[idx], consumer[idx], ts[idx]
    head = np.ones(idx.shape[0], dtype=bool)
    head[1:] = (o[1:] != o[:-1]) | (c[1:] != c[:-1])
    hi, ho, hc, ht = idx[head], o[head], c[head], t[head]
    keep = np.zeros(hi.shape[0], dtype=bool)
    keep[1:] = (ho[1:] == ho[:-1]) & (hc[1:] == want_consumer)
    latency = np.zeros(hi.shape[0], dtype=np.int64)
    latency[1:] = ht[1:] - ht[:-1]
    return hi[keep], latency[keep]


@dataclass(frozen=True, slots=True)
class Events:
    """The conversation events as the latest facts read them, grouped by conversation
    (log order ``(ts, seq)`` inside: the positions): conversation code, ts (ms), kind and
    role codes (-1: none), whether the agent is human, and the skill, CSAT, MCS and alert
    flag (with their presence; the small codes may be narrower integers)."""

    conv: I64
    ts: I64
    kind: npt.NDArray[np.integer[Any]]
    role: npt.NDArray[np.integer[Any]]
    human: B
    skill: I64
    skill_ok: B
    csat: npt.NDArray[np.integer[Any]]
    csat_ok: B
    mcs: npt.NDArray[np.integer[Any]]
    mcs_ok: B
    alerted: npt.NDArray[np.integer[Any]]
    alerted_ok: B


def latest_facts(ev: Events) -> Latest:
    """The facts at each position of ``ev`` (see the module doc)."""
    n = ev.ts.shape[0]
    first = np.ones(n, dtype=bool)
    first[1:] = ev.conv[1:] != ev.conv[:-1]
    group_start = np.maximum.accumulate(np.where(first, np.arange(n), 0))
    message = ev.kind == MESSAGE
    consumer = ev.role == ROLES.index("consumer")
    staff = (ev.role == ROLES.index("agent")) | (ev.role == ROLES.index("manager"))
    sides = consumer | staff | (ev.role == ROLES.index("bot"))
    table = np.zeros((n + 1, 6), dtype=np.int64)  # the last row: no event (below)
    # responses: (sum, count) of the agent side's and of the consumer's, running within
    # each conversation (the running sums less those before its first position)
    steps = np.zeros((n, 4), dtype=np.int64)
    agent_side = message & (consumer | (staff & ev.human))
    for col, sel, want in ((0, agent_side, False), (2, message & sides, True)):
        at, latency = _heads(ev.conv, consumer, ev.ts, sel, want)
        steps[at, col], steps[at, col + 1] = latency, 1
    running = np.cumsum(steps, axis=0)
    running -= np.where((group_start > 0)[:, None], running[group_start - 1], 0)
    table[:-1, A_SUM], table[:-1, C_SUM] = running[:, 0], running[:, 2]
    table[:-1, COUNTS] = running[:, 1] | (running[:, 3] << 32)
    routed = ((ev.kind == QUEUED) | (ev.kind == ACCEPTED)) & ev.skill_ok
    said = message & (ev.role >= 0) & (ev.role != ROLES.index("system"))
    table[:-1, SKILL] = _filled(ev.skill, routed, group_start, -1)
    table[:-1, MSG_TS] = _filled(ev.ts, said, group_start, -1)
    for name, sel, value in (
        ("role", said, ev.role),
        ("csat", (ev.kind == SURVEY) & ev.csat_ok, ev.csat),
        ("mcs", (ev.kind == MCS) & ev.mcs_ok, ev.mcs),
        ("alerted", (ev.kind == MCS) & ev.alerted_ok, ev.alerted),
    ):  # each small code as the table stores it: value + offset, none 0
        shift, offset = SMALL_FIELDS[name]
        code = _filled(value.astype(np.int64) + offset, sel, group_start, 0)
        table[:-1, SMALL] |= code << shift
    table[-1] = [-1, -1, 0, 0, 0, 0]  # every small code none
    return Latest(table)
