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

from ._dashboard_index import ACCEPTED, MCS, MESSAGE, QUEUED, ROLES, SURVEY, DashboardIndex

__all__ = ["Latest", "last_visible", "latest_facts"]

I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]
I16 = npt.NDArray[np.int16]
I8 = npt.NDArray[np.int8]
B = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Latest:
    """Per conversation event position (see the module doc), the conversation's facts up
    to and including it; every column has one more entry at the end, the facts before
    any event (no value, zero sums), read at position -1. ``first[c]`` is conversation
    ``c``'s first position (``first[c + 1]`` the end of its positions)."""

    first: I64
    skill: I64  # the last queued/accepted skill
    skill_ok: B
    msg_ts: I64  # the last non-system message: its ts and role code
    msg_ok: B
    msg_role: I8  # -1: none
    csat: I8  # the last survey answer's CSAT
    csat_ok: B
    mcs: I16  # the last MCS score and alert flag
    mcs_ok: B
    alerted: I8
    alerted_ok: B
    a_sum: I64  # the agent side's responses (ms), "exc. bots"
    a_n: I32
    c_sum: I64  # the consumer's responses (ms)
    c_n: I32


def _last_row(rows: I64, group_start: I64, sel: B) -> I64:
    """Per position, the event row of the last selected position of its conversation
    up to it (-1: none); running maximum of selected positions, cut at the group start."""
    found = np.maximum.accumulate(np.where(sel, np.arange(sel.shape[0]), -1))
    out: I64 = np.where(found >= group_start, rows[np.maximum(found, 0)], -1)
    return out


def _at(row: I64, values: npt.NDArray[Any], dtype: type) -> tuple[Any, B]:
    """Values (0 where none) and presence at event rows ``row`` (-1: none), with the
    trailing entry of "no event"."""
    found = row >= 0
    v = np.zeros(row.shape[0] + 1, dtype=dtype)
    v[:-1] = np.where(found, take(values, row, missing=0), 0)
    present = np.zeros(row.shape[0] + 1, dtype=bool)
    present[:-1] = found
    return v, present


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


def _summed(v: npt.NDArray[Any], dtype: type) -> Any:
    out = np.zeros(v.shape[0] + 1, dtype=dtype)
    out[:-1] = v
    return out


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
    skill = _at(_last_row(rows, group_start, routed), x.ev_skill.v, np.int64)
    msg = _last_row(rows, group_start, said)
    msg_ts, msg_ok = _at(msg, x.ev_ts, np.int64)
    role_at, _ = _at(msg, x.ev_role, np.int8)
    surveyed = (kind == SURVEY) & x.ev_csat.ok[rows]
    csat = _at(_last_row(rows, group_start, surveyed), x.ev_csat.v, np.int8)
    scored = (kind == MCS) & x.ev_mcs.ok[rows]
    mcs = _at(_last_row(rows, group_start, scored), x.ev_mcs.v, np.int16)
    flagged = (kind == MCS) & x.ev_alerted.ok[rows]
    alerted = _at(_last_row(rows, group_start, flagged), x.ev_alerted.v, np.int8)
    return Latest(
        first=np.searchsorted(x.conv_keys, np.arange(x.n_conv + 1) * x.width),
        skill=skill[0], skill_ok=skill[1],
        msg_ts=msg_ts, msg_ok=msg_ok, msg_role=np.where(msg_ok, role_at, -1).astype(np.int8),
        csat=csat[0], csat_ok=csat[1], mcs=mcs[0], mcs_ok=mcs[1],
        alerted=alerted[0], alerted_ok=alerted[1],
        a_sum=_summed(a_sum, np.int64), a_n=_summed(a_n, np.int32),
        c_sum=_summed(c_sum, np.int64), c_n=_summed(c_n, np.int32),
    )  # fmt: skip


def last_visible(x: DashboardIndex, latest: Latest, convs: I64, now: int) -> I64:
    """Per conversation of ``convs`` (codes), the position of its last event before
    ``now`` (-1: none)."""
    hi = np.searchsorted(x.conv_keys, convs * x.width + x.visible(now), side="left")
    out: I64 = np.where(hi > latest.first[convs], hi - 1, -1)
    return out
