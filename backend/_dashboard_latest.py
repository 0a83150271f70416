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

import numpy as np
import numpy.typing as npt

from ._dashboard_index import ACCEPTED, MCS, MESSAGE, QUEUED, ROLES, SURVEY, DashboardIndex

__all__ = ["Latest", "last_visible", "latest_facts"]

I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]
B = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Latest:
    """Per conversation event position (see the module doc), the conversation's facts
    up to and including it."""

    skill_row: I32  # last queued/accepted with a skill
    msg_row: I32  # last non-system message
    csat_row: I32  # last survey answer with a CSAT
    mcs_row: I32  # last MCS score
    alert_row: I32  # last MCS alert flag
    a_sum: I64  # the agent side's responses (ms), "exc. bots"
    a_n: I32
    c_sum: I64  # the consumer's responses (ms)
    c_n: I32


def _last_row(rows: I64, group_start: I64, sel: B) -> I32:
    """Per position, the event row of the last selected position of its conversation
    up to it (-1: none); running maximum of selected positions, cut at the group start."""
    found = np.maximum.accumulate(np.where(sel, np.arange(sel.shape[0]), -1))
    return np.where(found >= group_start, rows[np.maximum(found, 0)], -1).astype(np.int32)


def _responses(
    owner: I64, group_start: I64, consumer: B, ts: I64, sel: B, want_consumer: bool
) -> tuple[I64, I32]:
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
    return out[0], out[1].astype(np.int32)


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
    return Latest(
        skill_row=_last_row(
            rows, group_start, ((kind == QUEUED) | (kind == ACCEPTED)) & x.ev_skill.ok[rows]
        ),
        msg_row=_last_row(rows, group_start, said),
        csat_row=_last_row(rows, group_start, (kind == SURVEY) & x.ev_csat.ok[rows]),
        mcs_row=_last_row(rows, group_start, (kind == MCS) & x.ev_mcs.ok[rows]),
        alert_row=_last_row(rows, group_start, (kind == MCS) & x.ev_alerted.ok[rows]),
        a_sum=a_sum,
        a_n=a_n,
        c_sum=c_sum,
        c_n=c_n,
    )


def last_visible(x: DashboardIndex, convs: I64, now: int) -> I64:
    """Per conversation of ``convs`` (codes), the position of its last event before
    ``now`` (-1: none)."""
    lo = np.searchsorted(x.conv_keys, convs * x.width, side="left")
    hi = np.searchsorted(x.conv_keys, convs * x.width + x.visible(now), side="left")
    out: I64 = np.where(hi > lo, hi - 1, -1)
    return out
