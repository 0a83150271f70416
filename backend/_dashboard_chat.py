"""The chat section's queue stays and handled chat segments at a ``now`` (section 3.6).

The reading is backend/_dashboard_summary.py's ``chat_sums``: chat visitors'
waits (``dash_stays``) starting before now and not ended before ``start``,
kept by the skill filter only (the queue KPIs are "(all Groups)"): waiting at
now, entered in ``[start, now)``, ended in it abandoned or connected (wait
sums, and connected within the service-level threshold); and chat segments
ended in ``(start, now)`` with an interaction (AHT), kept by both filters.
Each count reads one range of rows sorted once per index by the instant that
bounds it (entered: the start; ended: the end; handled: the segment's end),
or, for the visitors waiting at now, a stabbing query
(backend/_dashboard_stabbing.py); the other conditions are checked on those
rows only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ._dashboard_index import NEVER, DashboardIndex
from ._dashboard_params import DashboardQuery
from ._dashboard_roster import kept_ids
from ._dashboard_stabbing import Stabbing
from ._dashboard_summary import ChatSums

__all__ = ["ChatRows", "chat_sums"]

I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class _Stays:
    """Queue stays: start, end (NEVER: none), skill (``skill_ok`` False: NULL), outcome
    code (0 connected, 1 abandoned, -1 other or none)."""

    start: I64
    end: I64
    skill: I64
    skill_ok: B
    outcome: I64

    def take(self, rows: I64 | slice) -> _Stays:
        return _Stays(
            self.start[rows], self.end[rows], self.skill[rows], self.skill_ok[rows],
            self.outcome[rows],
        )  # fmt: skip

    def kept(self, query: DashboardQuery) -> B:
        """The skill filter (a NULL skill is kept only without one)."""
        if query.skill_ids is None:
            return np.ones(self.start.shape[0], dtype=bool)
        return self.skill_ok & kept_ids(self.skill, query.skill_ids)


class ChatRows:
    """The stays by start and (ended ones) by end, the stays as intervals (start, end]
    for those waiting at now, and the handled chat segments by end."""

    def __init__(self, x: DashboardIndex) -> None:
        end = np.where(x.stay_end.ok, x.stay_end.v, NEVER)
        stays = _Stays(x.stay_start, end, x.stay_skill.v, x.stay_skill.ok, x.stay_outcome)
        self.stays = stays
        self.by_start = stays.take(np.argsort(x.stay_start))
        ended = np.flatnonzero(x.stay_end.ok)
        self.by_end = stays.take(ended[np.argsort(end[ended])])
        self.waiting = Stabbing(x.stay_start, np.maximum(end, x.stay_start))
        handled = np.flatnonzero(x.seg_chat & x.seg_handled & x.seg_end.ok)
        handled = handled[np.argsort(x.seg_end.v[handled])]  # (sums: any order)
        self.h_start, self.h_end = x.seg_start[handled], x.seg_end.v[handled]
        self.h_skill, self.h_group = x.seg_skill[handled], x.seg_group[handled]


def _range(sorted_values: I64, lo: int, hi: int, *, after_lo: bool = False) -> slice:
    """The rows with ``lo <= value < hi`` (``lo < value`` when ``after_lo``)."""
    a = int(np.searchsorted(sorted_values, lo, side="right" if after_lo else "left"))
    return slice(a, max(a, int(np.searchsorted(sorted_values, hi, side="left"))))


def chat_sums(c: ChatRows, *, query: DashboardQuery, now: int, start: int) -> ChatSums:
    """Chat visitors' waits starting before now and not ended before ``start`` (the skill
    filter only), and chat segments handled in ``[start, now)`` (both filters)."""
    waiting = c.stays.take(c.waiting.at(now))  # start < now <= end
    in_queue = np.count_nonzero(waiting.kept(query) & (waiting.end >= start))
    e = c.by_start.take(_range(c.by_start.start, start, now))
    entered = np.count_nonzero(e.kept(query) & (e.end >= start))
    d = c.by_end.take(_range(c.by_end.end, start, now))
    ended = d.kept(query) & (d.start < now)
    wait = d.end - d.start
    abandoned = ended & (d.outcome == 1)
    connected = ended & (d.outcome == 0)
    h = _range(c.h_end, start, now, after_lo=True)
    hs, he = c.h_start[h], c.h_end[h]
    handled = (hs < now) & kept_ids(c.h_group[h], query.group_ids)
    if query.skill_ids is not None:
        handled &= kept_ids(c.h_skill[h], query.skill_ids)
    return ChatSums(
        in_queue=int(in_queue),
        entered=int(entered),
        abandoned=int(np.count_nonzero(abandoned)),
        abandoned_sum=int(wait[abandoned].sum()),
        connected=int(np.count_nonzero(connected)),
        connected_sum=int(wait[connected].sum()),
        within_sl=int(np.count_nonzero(connected & (wait <= query.sl_threshold_ms))),
        handled=int(np.count_nonzero(handled)),
        handled_sum=int((he - hs)[handled].sum()),
    )
