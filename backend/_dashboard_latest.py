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

Positions are those of ``DashboardIndex.conv_rows`` (conversation events grouped by
conversation, log order inside); the ``*_row`` columns are event rows (-1: none
yet), the sums and counts cover the conversation's events up to the position.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ccbench.arrays import take

from ._dashboard_index import (
    ACCEPTED,
    END,
    FIRST,
    LAST_EVENT,
    MCS,
    MESSAGE,
    QUEUED,
    ROLES,
    SURVEY,
    DashboardIndex,
)

__all__ = [
    "A_SUM", "COUNTS", "C_SUM", "MSG_TS", "SKILL", "SMALL_FIELDS", "Latest", "last_visible",
    "latest_facts", "small",
]  # fmt: skip

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


def _last_row(rows: I64, group_start: I64, sel: B) -> I64:
    """Per position, the event row of the last selected position of its conversation
    up to it (-1: none); running maximum of selected positions, cut at the group start."""
    found = np.maximum.accumulate(np.where(sel, np.arange(sel.shape[0]), -1))
    out: I64 = np.where(found >= group_start, rows[np.maximum(found, 0)], -1)
    return out


def _at(row: I64, values: npt.NDArray[Any], none: int) -> I64:
    """Values at event rows ``row`` (-1: ``none``)."""
    out: I64 = np.where(row >= 0, take(values, row, missing=0).astype(np.int64), none)
    return out


def _responses(
    owner: I64, group_start: I64, consumer: B, ts: I64, sel: B, want_consumer: bool
) -> tuple[I64, I64]:
    """Running sum and count per position of the stream's run heads of side
    ``want_consumer`` measured from the previous head of the conversation (response_ctes
    in backend/_dashboard_projection.py)."""
    n = owner.shape[0]
    idx = np.flatnonzero(sel)
    o, c, t = owner[idx], consumer[idx], ts[idx]
    head = np.ones(idx.shape[0], dtype=bool)
    head[1:] = (o[1:] != o[:-1]) | (c[1:] != c[:-1])
    hi, ho, hc, ht = idx[head], o[head], c[head], t[head]
    keep = np.zeros(hi.shape[0], dtype=bool)
    keep[1:] = (ho[1:] == ho[:-1]) & (hc[1:] == want_consumer)
    latency = np.zeros(n, dtype=np.int64)
    latency[hi[1:][keep[1:]]] = (ht[1:] - ht[:-1])[keep[1:]]
    counted = np.zeros(n, dtype=np.int64)
    counted[hi[keep]] = 1
    out = []
    for v in (latency, counted):
        running = np.cumsum(v)
        before = np.where(group_start > 0, running[np.maximum(group_start - 1, 0)], 0)
        out.append(running - before)  # the conversation's own part
    return out[0], out[1]


def latest_facts(x: DashboardIndex) -> Latest:
    """The facts of every conversation event position of ``x`` (see the module doc)."""
    rows = x.conv_rows
    n = rows.shape[0]
    owner = x.ev_conv[rows]
    first = np.ones(n, dtype=bool)
    first[1:] = owner[1:] != owner[:-1]
    group_start = np.maximum.accumulate(np.where(first, np.arange(n), 0))
    kind, role = x.ev_kind[rows], x.ev_role[rows]
    message = kind == MESSAGE
    consumer = role == ROLES.index("consumer")
    staff = (role == ROLES.index("agent")) | (role == ROLES.index("manager"))
    sides = consumer | staff | (role == ROLES.index("bot"))
    ts = x.ev_ts[rows]
    agent_side = message & (consumer | (staff & x.ev_human[rows]))
    a_sum, a_n = _responses(owner, group_start, consumer, ts, agent_side, False)
    c_sum, c_n = _responses(owner, group_start, consumer, ts, message & sides, True)
    said = message & (role >= 0) & (role != ROLES.index("system"))
    routed = ((kind == QUEUED) | (kind == ACCEPTED)) & x.ev_skill.ok[rows]
    msg = _last_row(rows, group_start, said)
    surveyed = (kind == SURVEY) & x.ev_csat.ok[rows]
    scored = (kind == MCS) & x.ev_mcs.ok[rows]
    flagged = (kind == MCS) & x.ev_alerted.ok[rows]
    codes = {
        "role": (msg, x.ev_role),
        "csat": (_last_row(rows, group_start, surveyed), x.ev_csat.v),
        "mcs": (_last_row(rows, group_start, scored), x.ev_mcs.v),
        "alerted": (_last_row(rows, group_start, flagged), x.ev_alerted.v),
    }
    packed = np.zeros(n, dtype=np.int64)
    for name, (shift, offset) in SMALL_FIELDS.items():
        packed |= (_at(*codes[name], -offset) + offset) << shift
    table = np.zeros((n + 1, 6), dtype=np.int64)  # the last row: no event (below)
    table[:-1, SKILL] = _at(_last_row(rows, group_start, routed), x.ev_skill.v, -1)
    table[:-1, MSG_TS] = _at(msg, x.ev_ts, -1)
    table[:-1, A_SUM], table[:-1, C_SUM] = a_sum, c_sum
    table[:-1, COUNTS] = a_n | (c_n << 32)
    table[:-1, SMALL] = packed
    table[-1] = [-1, -1, 0, 0, 0, 0]  # every small code none
    return Latest(table)


def last_visible(x: DashboardIndex, conv: I64, now: int) -> I64:
    """Per conversation (``conv``: its gathered ``conv_table`` rows), the position of its
    last event before ``now`` (-1: none). A conversation whose last event is before now
    sees them all; the others are searched within their own positions (a few cache
    lines each, where a search of all positions misses the cache at every step)."""
    first, end = conv[:, FIRST], conv[:, END]
    limit = x.visible(now)
    lo = np.where(conv[:, LAST_EVENT] < now, end, first)  # lo: positions known visible
    hi = end.copy()
    active = np.flatnonzero(lo < hi)
    while active.shape[0]:
        a, b = lo[active], hi[active]
        mid = (a + b) >> 1
        seen = x.conv_rows[mid] < limit
        a, b = np.where(seen, mid + 1, a), np.where(seen, b, mid)
        lo[active], hi[active] = a, b
        active = active[a < b]
    out: I64 = np.where(lo > first, lo - 1, -1)
    return out
