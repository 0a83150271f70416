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
from ccbench.eventlog import CHANNELS

from ._dashboard_arrays import distinct, first_from, ranges
from ._dashboard_index import (
    END,
    FA,
    FCA,
    FH,
    FIRST,
    FM_HI,
    FM_LO,
    LAST_EVENT,
    NEVER,
    OPENED,
    TFA,
    TFA_OK,
    TTFA,
    TTFR,
    TTFR_CONSUMER,
    TTFR_OK,
    DashboardIndex,
    Nullable,
)  # fmt: skip
from ._dashboard_latest import A_SUM, C_SUM, COUNTS, MSG_TS, SKILL, small
from ._dashboard_stabbing import Stabbing

__all__ = [
    "CHANGING",
    "CLOSE_FIELDS",
    "FAMILY",
    "TIMED",
    "Facts",
    "OpenConvs",
    "Openings",
    "changing_columns",
    "close_rows",
    "facts_as_of",
    "facts_at",
    "open_conversations",
    "timed_columns",
]  # fmt: skip

I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]
B = npt.NDArray[np.bool_]


#: Columns of :attr:`Facts.family`, FamilySums' fields in order: response sums and
#: counts, the first-response family's values and presence (0/1), the MCS and its
#: presence, and whether the alert flag is +1 or -1.
FAMILY = (
    "a_sum", "a_n", "c_sum", "c_n", "f_sum", "f_n", "ttfr", "ttfr_ok", "ttfr_consumer",
    "ttfr_consumer_ok", "ttfr_first_assign", "ttfr_first_assign_ok", "ttfa", "ttfa_ok",
    "mcs", "mcs_ok", "positive", "negative",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Facts:
    """ConvFacts' now-dependent columns for conversations ``convs`` (codes), aligned; the
    response-time family and MCS as one matrix (:data:`FAMILY` columns, 0 where
    absent), summed as it is by the messaging section and the closes."""

    convs: I64
    opened: Nullable
    cur_skill: Nullable
    last_ts: Nullable  # the last visible non-system message: its ts and role code (-1)
    last_role: I64
    csat: Nullable
    alerted: Nullable
    family: npt.NDArray[np.int64]


#: A close row's own fields (CloseSums' before its family): closed, closers,
#: resolution, CSAT answers, good answers and their sum.
CLOSE_FIELDS = 8
#: Close-row columns set by the latest facts (:func:`changing_columns`): csat_answered,
#: csat_good, csat_sum, response sums and counts, mcs sum and count, positive and
#: negative alerts.
CHANGING = np.asarray([5, 6, 7, 8, 9, 10, 11, 22, 23, 24, 25])
#: Close-row columns set by the instants before now (:func:`timed_columns`): resolution,
#: first-message sums and counts, ttfr, ttfr_consumer, ttfr_first_assign and ttfa with
#: their counts.
TIMED = np.asarray([4, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21])


def close_rows(ts: I64, by: I64, f: Facts) -> npt.NDArray[np.int64]:
    """Per close at ``ts`` (ms) by closer code ``by`` of the conversation of ``f``, the
    CloseSums fields it adds (one row, CloseSums then FamilySums order)."""
    out = np.empty((ts.shape[0], CLOSE_FIELDS + len(FAMILY)), dtype=np.int64)
    out[:, 0] = 1
    out[:, 1], out[:, 2], out[:, 3] = by == 0, by == 1, by == 2
    out[:, 4] = ts - f.opened.v  # TIMED's first: minus the opening, before the ts
    out[:, 5], out[:, 6], out[:, 7] = f.csat.ok, f.csat.ok & (f.csat.v >= 4), f.csat.v
    out[:, CLOSE_FIELDS:] = f.family
    return out


def facts_at(x: DashboardIndex, convs: I64, now: int) -> Facts:
    """The facts at ``now`` of conversations ``convs`` (codes, any order; ``now`` NEVER:
    after every event): the latest ones as of each conversation's last visible event
    (backend/_dashboard_latest.py), the first-response family from ``dash_convs``."""
    c = np.take(x.conv_table, convs, axis=0)
    return _facts(x, convs, c, last_visible(x, c, now), now)


def last_visible(x: DashboardIndex, conv: I64, now: int) -> I64:
    """Per conversation (``conv``: its gathered ``conv_table`` rows), the position of its
    last event before ``now`` (-1: none). A conversation whose last event is before now
    sees them all; the others are searched within their own positions."""
    first, end = conv[:, FIRST], conv[:, END]
    seen = first_from(x.pos_ts, np.where(conv[:, LAST_EVENT] < now, end, first), end, now)
    out: I64 = np.where(seen > first, seen - 1, -1)
    return out


def facts_as_of(x: DashboardIndex, convs: I64, positions: I64, now: int | I64) -> Facts:
    """:func:`facts_at`, the latest facts read at ``positions`` (-1: before any event)
    instead of at each conversation's last event before now; ``now`` may be one instant
    per conversation."""
    return _facts(x, convs, np.take(x.conv_table, convs, axis=0), positions, now)


def _facts(x: DashboardIndex, convs: I64, c: I64, positions: I64, now: int | I64) -> Facts:
    # -1 (no visible event) reads the table's last row: no facts
    f = np.take(x.latest.table, positions, axis=0)
    changing = changing_columns(f)
    timed, opened_ok = timed_columns(x, c, now)
    family = np.empty((convs.shape[0], len(FAMILY)), dtype=np.int64)
    family[:, 0:4] = changing[:, 3:7]  # response sums and counts
    family[:, 4:14] = timed[:, 1:]  # first messages, the first-response family
    family[:, 14:18] = changing[:, 7:]  # MCS, alerts
    skill, msg_ts, alerted = f[:, SKILL], f[:, MSG_TS], small(f, "alerted")
    return Facts(
        convs=convs,
        opened=Nullable(-timed[:, 0], opened_ok),
        cur_skill=Nullable(np.where(skill >= 0, skill, 0), skill >= 0),
        last_ts=Nullable(np.where(msg_ts >= 0, msg_ts, 0), msg_ts >= 0),
        last_role=small(f, "role"),
        csat=Nullable(changing[:, 2], changing[:, 0] != 0),
        alerted=Nullable(np.where(alerted >= -1, alerted, 0), alerted >= -1),
        family=family,
    )


def changing_columns(f: I64) -> I64:
    """The :data:`CHANGING` close-row columns from gathered rows of the latest facts
    (backend/_dashboard_latest.py): CSAT answered, good (4-5) and its value, response
    sums and counts, MCS and its presence, positive and negative alert."""
    csat, mcs, alerted = small(f, "csat"), small(f, "mcs"), small(f, "alerted")
    out = np.empty((f.shape[0], CHANGING.shape[0]), dtype=np.int64)
    out[:, 0], out[:, 1], out[:, 2] = csat > 0, csat >= 4, csat
    out[:, 3], out[:, 5] = f[:, A_SUM], f[:, C_SUM]
    out[:, 4], out[:, 6] = f[:, COUNTS] & 0xFFFFFFFF, f[:, COUNTS] >> 32
    out[:, 7], out[:, 8] = np.where(mcs >= 0, mcs, 0), mcs >= 0
    out[:, 9], out[:, 10] = alerted == 1, alerted == -1
    return out


def timed_columns(x: DashboardIndex, c: I64, now: int | I64) -> tuple[I64, B]:
    """The :data:`TIMED` close-row columns of conversations (``c``: their ``conv_table``
    rows) at ``now`` (one instant, or one per conversation), the resolution's as minus
    the opening (ms; the close's ts is added to it), and whether it is opened: the
    first-message samples' sum and count, then ttfr, ttfr_consumer, ttfr_first_assign
    and ttfa each with its presence."""
    opened_ok = c[:, OPENED] < now
    fh_seen = c[:, FH] < now
    # first human NEW/TRANSFER segment messages seen at now (first_msg in the SQL), from
    # the conversations' own samples; the sums are a few ms values each: exact in float64
    fm_owner, pos = ranges(c[:, FM_LO], c[:, FM_HI] - c[:, FM_LO])
    sample_now = now[fm_owner] if isinstance(now, np.ndarray) else now
    seen = (x.fm_start[pos] < sample_now) & (x.fm_first[pos] < sample_now)
    out = np.empty((c.shape[0], TIMED.shape[0]), dtype=np.int64)
    out[:, 0] = np.where(opened_ok, -c[:, OPENED], 0)
    out[:, 1] = np.bincount(fm_owner[seen], weights=x.fm_ms[pos][seen], minlength=c.shape[0])
    out[:, 2] = np.bincount(fm_owner[seen], minlength=c.shape[0])
    for col, value, ok in (
        (3, c[:, TTFR], fh_seen & (c[:, TTFR_OK] != 0)),
        (5, c[:, TTFR_CONSUMER], c[:, FCA] < now),
        (7, c[:, TFA], fh_seen & (c[:, TFA_OK] != 0)),
        (9, c[:, TTFA], (c[:, FA] < now) & opened_ok),
    ):  # a value and its presence
        out[:, col] = np.where(ok, value, 0)
        out[:, col + 1] = ok
    return out, opened_ok


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


@dataclass(frozen=True, slots=True)
class Openings:
    """Lives (open at now: started before now, next life event not before now) and agent
    segments (open at now likewise) as stabbing queries."""

    lives: Stabbing
    segments: Stabbing

    @classmethod
    def of(cls, x: DashboardIndex) -> Openings:
        return cls(
            Stabbing(x.life_ts, np.where(x.life_end.ok, x.life_end.v, NEVER)),
            Stabbing(x.seg_start, np.where(x.seg_end.ok, x.seg_end.v, NEVER)),
        )


def open_conversations(
    x: DashboardIndex, o: Openings, *, now: int, channel: str | None = None
) -> OpenConvs:
    """Conversations open at ``now`` (a life started before now not ended before it), of
    ``channel`` only when given."""
    lives, segs = o.lives, o.segments
    conv = x.life_conv[lives.at(now)]
    convs = distinct(conv[conv >= 0])
    if channel is not None:
        convs = convs[x.channel_code[convs] == CHANNELS.index(channel)]
    f = facts_at(x, convs, now)
    # each conversation's agent segment open at now: the last started (start order)
    open_seg = segs.at(now)
    seg_conv = x.seg_conv[open_seg]  # ascending segment within each conversation below
    order = np.lexsort((open_seg, seg_conv))
    seg_conv, open_seg = seg_conv[order], open_seg[order]
    last = np.ones(seg_conv.shape[0], dtype=bool)
    last[:-1] = seg_conv[1:] != seg_conv[:-1]
    # ends in a -1 that no conversation matches: searchsorted's "past the end" reads it
    seg_conv = np.append(seg_conv[last], -1)
    open_seg = np.append(open_seg[last], 0)
    at = np.searchsorted(seg_conv[:-1], convs)
    has = seg_conv[at] == convs
    seg = np.where(has, open_seg[at], -1)
    return OpenConvs(
        facts=f,
        channel=x.channel_code[convs],
        seg_agent=Nullable(take(x.seg_agent, seg, missing=0), has),
        seg_skill=Nullable(take(x.seg_skill, seg, missing=0), has),
        last_role=f.last_role,
    )
