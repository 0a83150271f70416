"""Business time for the backend's SLA clocks, vectorised over many intervals.

docs/eventlog.md ("SLA policies and business hours") is the rule: only the time inside
roster.business_hours (wall times of roster.timezone, ``end`` 24:00 the next day's
00:00) counts. The backend lays the business windows of every local day a query
touches out as one sorted array of ``[open, close)`` instants with the business time
accumulated before each; the business time up to an instant is then one binary search,
and an interval's is the difference of its two ends.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import numpy as np
import numpy.typing as npt

from ccbench.eventlog import BUSINESS_DAYS, Roster

__all__ = ["business_elapsed"]

I64 = npt.NDArray[np.int64]


def _windows(roster: Roster, first_ms: int, last_ms: int) -> tuple[I64, I64]:
    """Open and close instants (epoch ms, sorted) of every window of the local days from
    the one before ``first_ms`` to the one after ``last_ms``."""
    zone = zoneinfo.ZoneInfo(roster.timezone)
    day = dt.datetime.fromtimestamp(first_ms / 1000, zone).date() - dt.timedelta(days=1)
    end = dt.datetime.fromtimestamp(last_ms / 1000, zone).date() + dt.timedelta(days=1)
    midnight = dt.time(0, 0)
    opens: list[int] = []
    closes: list[int] = []
    while day <= end:
        for w in roster.business_hours:
            if BUSINESS_DAYS[day.weekday()] not in w.days:
                continue
            for minute, out in ((w.start_minute, opens), (w.end_minute, closes)):
                on, (h, m) = day, divmod(minute, 60)
                if h == 24:  # 24:00 is the next day's midnight
                    on, h = day + dt.timedelta(days=1), 0
                wall = dt.datetime.combine(on, midnight.replace(hour=h, minute=m))
                out.append(round(wall.replace(tzinfo=zone).timestamp() * 1000))
        day += dt.timedelta(days=1)
    order = np.argsort(np.asarray(opens, dtype=np.int64), kind="stable")
    return np.asarray(opens, dtype=np.int64)[order], np.asarray(closes, dtype=np.int64)[order]


def business_elapsed(roster: Roster, start: I64, end: I64) -> I64:
    """Business milliseconds of each ``[start[i], end[i])`` (0 where end <= start)."""
    out = np.zeros(start.shape[0], dtype=np.int64)
    if start.shape[0] == 0:
        return out
    opens, closes = _windows(roster, int(start.min()), int(end.max()))
    if opens.shape[0] == 0:
        return out
    length = closes - opens
    before = np.concatenate(([0], np.cumsum(length)))  # business ms before window k

    def upto(t: I64) -> I64:
        k = np.searchsorted(opens, t, side="right") - 1  # the last window opened by t
        inside = np.clip(t - opens[np.maximum(k, 0)], 0, length[np.maximum(k, 0)])
        return np.asarray(np.where(k >= 0, before[np.maximum(k, 0)] + inside, 0), dtype=np.int64)

    return np.asarray(np.maximum(upto(end) - upto(start), 0), dtype=np.int64)
