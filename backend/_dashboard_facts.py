"""The dashboard's facts at a ``now``, from the in-memory index (backend/_dashboard_index.py).

Each function answers what the SQL of backend/_dashboard_sql.py and
backend/_dashboard_summary.py states (their docs and SQL are the reading of
docs/metrics.md 3.3-3.7 this module follows), with masks and binary searches
over columns held in memory instead of joins per request: conversations open
at now with their facts, the closes summed per scope, chat queue stays and
chat segments, and presence events. A conversation's latest facts are those as
of its last visible event (backend/_dashboard_latest.py), which the SQL takes
from ``dash_convs`` (``final_*``) when every event is visible and computes from
the visible events otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ccbench.arrays import take

from ._dashboard_index import ROLES, DashboardIndex, Nullable
from ._dashboard_latest import last_visible, latest_facts
from ._dashboard_params import DashboardQuery
from ._dashboard_sql import AgentEvent, ChatSegment, ConvFacts
from ._dashboard_summary import ChatSums

__all__ = [
    "NEVER", "Facts", "agent_events", "chat_occupancy", "chat_segments", "chat_sums",
    "facts_at",
    "open_conversations",
]  # fmt: skip

I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]
B = npt.NDArray[np.bool_]
NEVER = int(np.iinfo(np.int64).max)  # a now after every event


@dataclass(frozen=True, slots=True)
class Facts:
    """ConvFacts' now-dependent columns for conversations ``convs`` (codes), aligned."""

    convs: I64
    opened: Nullable
    cur_skill: Nullable
    msg_row: I64  # the last visible non-system message (event row, -1: none)
    last_ts: Nullable
    csat: Nullable
    mcs: Nullable
    alerted: Nullable
    a_sum: I64
    a_n: I64
    c_sum: I64
    c_n: I64
    ttfr: Nullable
    ttfr_consumer: Nullable
    ttfr_first_assign: Nullable
    ttfa: Nullable
    f_sum: I64
    f_n: I64


def _pick(row: I64, src_v: I64, src_ok: B) -> Nullable:
    """Values of a column at ``row`` (-1: NULL)."""
    return Nullable(take(src_v, row, missing=0), take(src_ok, row, missing=False))


def _ranges(lo: I64, n: I64) -> tuple[I64, I64]:
    """(owner, position) of every position of the ranges ``[lo[j], lo[j] + n[j])``."""
    owner = np.repeat(np.arange(lo.shape[0], dtype=np.int64), n)
    return owner, np.repeat(lo, n) + np.arange(owner.shape[0]) - np.repeat(np.cumsum(n) - n, n)


def facts_at(x: DashboardIndex, convs: I64, now: int) -> Facts:
    """The facts at ``now`` of conversations ``convs`` (codes, any order; ``now`` NEVER:
    after every event): the latest ones as of each conversation's last visible event
    (backend/_dashboard_latest.py), the first-response family from ``dash_convs``."""
    latest = x.memo("latest", latest_facts)
    at = last_visible(x, convs, now)

    def row(col: I32) -> I64:
        return take(col, at, missing=-1).astype(np.int64)

    def count(col: I64 | I32) -> I64:
        return take(col, at, missing=0).astype(np.int64)

    msg_row = row(latest.msg_row)
    opened_ok = x.opened_ts.ok[convs] & (x.opened_ts.v[convs] < now)
    opened = Nullable(np.where(opened_ok, x.opened_ts.v[convs], 0), opened_ok)
    fh_seen = x.fh_ts.ok[convs] & (x.fh_ts.v[convs] < now)
    fca_seen = x.fca_ts.ok[convs] & (x.fca_ts.v[convs] < now) & x.fam_ts.ok[convs]
    fa_seen = x.fa_ts.ok[convs] & (x.fa_ts.v[convs] < now) & opened_ok
    # first human NEW/TRANSFER segment messages seen at now (first_msg in the SQL), from
    # the conversations' own samples; the sums are a few ms values each: exact in float64
    first = np.searchsorted(x.fm_conv, convs, side="left")
    fm_owner, pos = _ranges(first, np.searchsorted(x.fm_conv, convs, side="right") - first)
    seen = (x.fm_start[pos] < now) & (x.fm_first[pos] < now)
    f_sum = np.bincount(fm_owner[seen], weights=x.fm_ms[pos][seen], minlength=convs.shape[0])
    f_n = np.bincount(fm_owner[seen], minlength=convs.shape[0])
    return Facts(
        convs=convs,
        opened=opened,
        cur_skill=_pick(row(latest.skill_row), x.ev_skill.v, x.ev_skill.ok),
        msg_row=msg_row,
        last_ts=Nullable(take(x.ev_ts, msg_row, missing=0), msg_row >= 0),
        csat=_pick(row(latest.csat_row), x.ev_csat.v, x.ev_csat.ok),
        mcs=_pick(row(latest.mcs_row), x.ev_mcs.v, x.ev_mcs.ok),
        alerted=_pick(row(latest.alert_row), x.ev_alerted.v, x.ev_alerted.ok),
        a_sum=count(latest.a_sum),
        a_n=count(latest.a_n),
        c_sum=count(latest.c_sum),
        c_n=count(latest.c_n),
        ttfr=Nullable(np.where(fh_seen, x.ttfr.v[convs], 0), fh_seen & x.ttfr.ok[convs]),
        ttfr_consumer=Nullable(
            np.where(fca_seen, x.fca_ts.v[convs] - x.fam_ts.v[convs], 0), fca_seen
        ),
        ttfr_first_assign=Nullable(
            np.where(fh_seen, x.ttfr_first_assign.v[convs], 0),
            fh_seen & x.ttfr_first_assign.ok[convs],
        ),
        ttfa=Nullable(np.where(fa_seen, x.fa_ts.v[convs] - opened.v, 0), fa_seen),
        f_sum=f_sum.astype(np.int64),
        f_n=f_n.astype(np.int64),
    )


def open_conversations(x: DashboardIndex, *, now: int) -> list[ConvFacts]:
    """Conversations open at ``now`` (a life started before now not ended before it)."""
    live = (x.life_ts < now) & (~x.life_end.ok | (x.life_end.v >= now)) & (x.life_conv >= 0)
    convs = np.unique(x.life_conv[live])
    f = facts_at(x, convs, now)
    # each conversation's agent segment open at now (the last started, start order)
    open_seg = (x.seg_start < now) & (~x.seg_end.ok | (x.seg_end.v >= now))
    seg_of = np.full(x.n_conv, -1, dtype=np.int64)
    idx = np.flatnonzero(open_seg & (x.seg_conv >= 0))
    np.maximum.at(seg_of, x.seg_conv[idx], idx)
    seg = seg_of[convs].tolist()
    roles = [None if r < 0 else ROLES[x.ev_role[r]] for r in f.msg_row.tolist()]
    agents = [None if s < 0 else int(x.seg_agent[s]) for s in seg]
    skills = [None if s < 0 else int(x.seg_skill[s]) for s in seg]
    columns = zip(
        [x.conv_names[cv] for cv in convs.tolist()], f.opened.v.tolist(), [True] * len(seg),
        x.channel[convs].tolist(), _values(f.cur_skill), agents, skills, roles,
        _values(f.last_ts), _values(f.csat), _values(f.mcs), _values(f.alerted),
        f.a_sum.tolist(), f.a_n.tolist(), f.c_sum.tolist(), f.c_n.tolist(),
        _values(f.ttfr), _values(f.ttfr_consumer), _values(f.ttfr_first_assign),
        _values(f.ttfa), f.f_sum.tolist(), f.f_n.tolist(), strict=True,
    )  # fmt: skip
    return [ConvFacts(*c) for c in columns]


def _values(col: Nullable) -> list[int | None]:
    return [v if ok else None for v, ok in zip(col.v.tolist(), col.ok.tolist(), strict=True)]


def _kept(query: DashboardQuery, skill: Nullable | None, group: I64 | None, mask: B) -> B:
    """The request's skill and group filters (None skill: NULL is never kept)."""
    if query.skill_ids is not None and skill is not None:
        mask = mask & skill.ok & np.isin(skill.v, list(query.skill_ids))
    if query.group_ids is not None and group is not None:
        mask = mask & np.isin(group, list(query.group_ids))
    return mask


def chat_sums(x: DashboardIndex, *, query: DashboardQuery, now: int, start: int) -> ChatSums:
    """Chat visitors' waits starting before now and not ended before ``start`` (the skill
    filter only), and chat segments handled in ``[start, now)`` (both filters)."""
    end, end_ok = x.stay_end.v, x.stay_end.ok
    m = (x.stay_start < now) & (~end_ok | (end >= start))
    m = _kept(query, Nullable(x.stay_skill.v, x.stay_skill.ok), None, m)
    ended = m & end_ok & (end >= start) & (end < now)
    wait = end - x.stay_start
    abandoned = ended & (x.stay_outcome == 1)
    connected = ended & (x.stay_outcome == 0)
    s_end, s_ok = x.seg_end.v, x.seg_end.ok
    handled = x.seg_chat & (x.seg_start < now) & s_ok & (s_end > start) & (s_end < now)
    handled &= x.seg_handled
    all_ok = np.ones(x.seg_skill.shape[0], dtype=bool)
    handled = _kept(query, Nullable(x.seg_skill, all_ok), x.seg_group, handled)
    return ChatSums(
        in_queue=int(np.count_nonzero(m & (~end_ok | (end >= now)))),
        entered=int(np.count_nonzero(m & (x.stay_start >= start))),
        abandoned=int(np.count_nonzero(abandoned)),
        abandoned_sum=int(wait[abandoned].sum()),
        connected=int(np.count_nonzero(connected)),
        connected_sum=int(wait[connected].sum()),
        within_sl=int(np.count_nonzero(connected & (wait <= query.sl_threshold_ms))),
        handled=int(np.count_nonzero(handled)),
        handled_sum=int((s_end - x.seg_start)[handled].sum()),
    )


def chat_segments(x: DashboardIndex, *, now: int, start: int) -> list[ChatSegment]:
    """Chat segments of human agents overlapping ``[start, now)`` (occupancy)."""
    end, ok = x.seg_end.v, x.seg_end.ok
    sel = x.seg_chat & x.seg_human & (x.seg_start < now) & (~ok | (end > start))
    return [
        ChatSegment(int(x.seg_agent[s]), int(x.seg_skill[s]), int(x.seg_start[s]),
                    int(end[s]) if ok[s] else None)
        for s in np.flatnonzero(sel).tolist()
    ]  # fmt: skip


def chat_occupancy(
    x: DashboardIndex,
    *,
    query: DashboardQuery,
    now: int,
    start: int,
    online: dict[int, list[tuple[int, int]]],
    agents: list[int],
) -> tuple[int, int]:
    """(busy, online) ms of ``agents`` (the kept human agents) over ``[start, now)``: their
    online intervals (disjoint, from presence), and the measure of those covered by at
    least one of their kept chat segments, as backend/_dashboard.occupancy. One sweep over
    (agent, instant) boundaries: each agent's +1/-1 steps sum to zero, so running sums over
    all agents in (agent, instant) order are each agent's counts."""
    o_agent = [a for a in agents for _ in online.get(a, ())]
    o = np.asarray([iv for a in agents for iv in online.get(a, ())], dtype=np.int64)
    o = o.reshape(-1, 2)
    online_total = int((o[:, 1] - o[:, 0]).sum())
    end, ok = x.seg_end.v, x.seg_end.ok
    sel = x.seg_chat & x.seg_human & (x.seg_start < now) & (~ok | (end > start))
    sel &= np.isin(x.seg_agent, np.asarray(agents, dtype=np.int64))
    sel = _kept(query, Nullable(x.seg_skill, np.ones_like(sel)), x.seg_group, sel)
    lo = np.maximum(x.seg_start[sel], start)
    hi = np.where(ok[sel], np.minimum(end[sel], now), now)
    busy = lo < hi  # an empty interval covers nothing (nor does it in the reference)
    b_agent, lo, hi = x.seg_agent[sel][busy], lo[busy], hi[busy]
    n_b, n_o = lo.shape[0], o.shape[0]
    agent = np.concatenate(
        (b_agent, b_agent, np.asarray(o_agent, np.int64), np.asarray(o_agent, np.int64))
    )
    t = np.concatenate((lo, hi, o[:, 0], o[:, 1]))
    d_busy = np.concatenate(
        (np.ones(n_b, np.int64), -np.ones(n_b, np.int64), np.zeros(2 * n_o, np.int64))
    )
    d_on = np.concatenate(
        (np.zeros(2 * n_b, np.int64), np.ones(n_o, np.int64), -np.ones(n_o, np.int64))
    )
    order = np.lexsort((t, agent))
    agent, t = agent[order], t[order]
    busy_n, on_n = np.cumsum(d_busy[order]), np.cumsum(d_on[order])
    both = (busy_n[:-1] > 0) & (on_n[:-1] > 0) & (agent[1:] == agent[:-1])
    return int((t[1:] - t[:-1])[both].sum()), online_total


def agent_events(x: DashboardIndex, *, now: int) -> list[AgentEvent]:
    """Presence events before ``now``, ordered by agent then log order."""
    limit = x.visible(now)
    return [x.presence_events[j] for j in np.flatnonzero(x.presence_rows < limit).tolist()]
