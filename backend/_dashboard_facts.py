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

from ._dashboard_index import NEVER, DashboardIndex, Nullable
from ._dashboard_latest import last_visible, latest_facts
from ._dashboard_stabbing import Stabbing

__all__ = ["Facts", "OpenConvs", "facts_at", "open_conversations"]

I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]
B = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Facts:
    """ConvFacts' now-dependent columns for conversations ``convs`` (codes), aligned."""

    convs: I64
    opened: Nullable
    cur_skill: Nullable
    last_ts: Nullable  # the last visible non-system message: its ts and role code (-1)
    last_role: I64
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


def _ranges(lo: I64, n: I64) -> tuple[I64, I64]:
    """(owner, position) of every position of the ranges ``[lo[j], lo[j] + n[j])``."""
    owner = np.repeat(np.arange(lo.shape[0], dtype=np.int64), n)
    return owner, np.repeat(lo, n) + np.arange(owner.shape[0]) - np.repeat(np.cumsum(n) - n, n)


def facts_at(x: DashboardIndex, convs: I64, now: int) -> Facts:
    """The facts at ``now`` of conversations ``convs`` (codes, any order; ``now`` NEVER:
    after every event): the latest ones as of each conversation's last visible event
    (backend/_dashboard_latest.py), the first-response family from ``dash_convs``."""
    latest = x.memo("latest", latest_facts)
    at = last_visible(x, latest, convs, now)  # -1: none, the columns' last entry
    opened_ts = x.opened_ts.v[convs]
    opened_ok = x.opened_ts.ok[convs] & (opened_ts < now)
    opened = Nullable(np.where(opened_ok, opened_ts, 0), opened_ok)
    fh_seen = x.fh_ts.ok[convs] & (x.fh_ts.v[convs] < now)
    fam_ts, fca_ts = x.fam_ts.v[convs], x.fca_ts.v[convs]
    fca_seen = x.fca_ts.ok[convs] & (fca_ts < now) & x.fam_ts.ok[convs]
    fa_ts = x.fa_ts.v[convs]
    fa_seen = x.fa_ts.ok[convs] & (fa_ts < now) & opened_ok
    # first human NEW/TRANSFER segment messages seen at now (first_msg in the SQL), from
    # the conversations' own samples; the sums are a few ms values each: exact in float64
    first = x.fm_bounds[convs]
    fm_owner, pos = _ranges(first, x.fm_bounds[convs + 1] - first)
    seen = (x.fm_start[pos] < now) & (x.fm_first[pos] < now)
    f_sum = np.bincount(fm_owner[seen], weights=x.fm_ms[pos][seen], minlength=convs.shape[0])
    f_n = np.bincount(fm_owner[seen], minlength=convs.shape[0])
    return Facts(
        convs=convs,
        opened=opened,
        cur_skill=Nullable(latest.skill[at], latest.skill_ok[at]),
        last_ts=Nullable(latest.msg_ts[at], latest.msg_ok[at]),
        last_role=latest.msg_role[at].astype(np.int64),
        csat=Nullable(latest.csat[at].astype(np.int64), latest.csat_ok[at]),
        mcs=Nullable(latest.mcs[at].astype(np.int64), latest.mcs_ok[at]),
        alerted=Nullable(latest.alerted[at].astype(np.int64), latest.alerted_ok[at]),
        a_sum=latest.a_sum[at],
        a_n=latest.a_n[at].astype(np.int64),
        c_sum=latest.c_sum[at],
        c_n=latest.c_n[at].astype(np.int64),
        ttfr=Nullable(np.where(fh_seen, x.ttfr.v[convs], 0), fh_seen & x.ttfr.ok[convs]),
        ttfr_consumer=Nullable(np.where(fca_seen, fca_ts - fam_ts, 0), fca_seen),
        ttfr_first_assign=Nullable(
            np.where(fh_seen, x.ttfr_first_assign.v[convs], 0),
            fh_seen & x.ttfr_first_assign.ok[convs],
        ),
        ttfa=Nullable(np.where(fa_seen, fa_ts - opened.v, 0), fa_seen),
        f_sum=f_sum.astype(np.int64),
        f_n=f_n.astype(np.int64),
    )


@dataclass(frozen=True, slots=True)
class OpenConvs:
    """Conversations open at a now (``facts.convs``, ascending codes) with their facts,
    channel code, agent segment open at now (``seg_*``, ``seg_agent.ok`` False when
    unassigned) and the role code of the last non-system message (-1: none)."""

    facts: Facts
    channel: I64
    seg_agent: Nullable
    seg_skill: Nullable
    last_role: I64


def _stabbings(x: DashboardIndex) -> tuple[Stabbing, Stabbing]:
    """Lives (open at now: started before now, next life event not before now) and
    agent segments (open at now likewise)."""
    lives = Stabbing(x.life_ts, np.where(x.life_end.ok, x.life_end.v, NEVER))
    segs = Stabbing(x.seg_start, np.where(x.seg_end.ok, x.seg_end.v, NEVER))
    return lives, segs


def open_conversations(x: DashboardIndex, *, now: int) -> OpenConvs:
    """Conversations open at ``now`` (a life started before now not ended before it)."""
    lives, segs = x.memo("open_stabbings", _stabbings)
    conv = x.life_conv[lives.at(now)]
    convs = np.unique(conv[conv >= 0])
    f = facts_at(x, convs, now)
    # each conversation's agent segment open at now: the last started (start order)
    open_seg = segs.at(now)
    seg_conv = x.seg_conv[open_seg]  # ascending segment within each conversation below
    order = np.lexsort((open_seg, seg_conv))
    seg_conv, open_seg = seg_conv[order], open_seg[order]
    last = np.ones(seg_conv.shape[0], dtype=bool)
    last[:-1] = seg_conv[1:] != seg_conv[:-1]
    seg_conv, open_seg = seg_conv[last], open_seg[last]
    at = np.searchsorted(seg_conv, convs)
    seg = np.where(take(seg_conv, at, missing=-1) == convs, take(open_seg, at, missing=-1), -1)
    return OpenConvs(
        facts=f,
        channel=x.channel_code[convs],
        seg_agent=Nullable(take(x.seg_agent, seg, missing=0), seg >= 0),
        seg_skill=Nullable(take(x.seg_skill, seg, missing=0), seg >= 0),
        last_role=f.last_role,
    )
