"""Business time: how many milliseconds of an interval fall inside roster.business_hours.

An SLA policy with ``clock`` business counts only business time (docs/eventlog.md, "SLA
policies and business hours"). This is the oracle's plain reading of that rule: walk
the local days the interval touches and add, window by window, the overlap of the
interval with that day's window. The windows are wall times of roster.timezone: a
window's bounds are the instants that wall time names (Python zoneinfo, fold 0), and
``end`` 24:00 is the next day's 00:00.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from ccbench.eventlog import BUSINESS_DAYS, Roster

__all__ = ["BusinessClock"]

_DAY = dt.timedelta(days=1)


class BusinessClock:
    """The business time of intervals ``[start_ms, end_ms)`` under one roster's hours."""

    def __init__(self, roster: Roster) -> None:
        self.zone = zoneinfo.ZoneInfo(roster.timezone)
        self.windows = roster.business_hours

    def _instant_ms(self, day: dt.date, minute: int) -> int:
        """Epoch ms of the wall time ``minute`` (0..1440) of local ``day``."""
        if minute == 1440:
            day, minute = day + _DAY, 0
        local = dt.datetime(day.year, day.month, day.day, minute // 60, minute % 60)
        return int(local.replace(tzinfo=self.zone).timestamp()) * 1000

    def elapsed_ms(self, start_ms: int, end_ms: int) -> int:
        """Milliseconds of ``[start_ms, end_ms)`` inside the business hours (0 when
        ``end_ms <= start_ms``)."""
        if end_ms <= start_ms:
            return 0
        day = dt.datetime.fromtimestamp(start_ms / 1000, self.zone).date() - _DAY
        last = dt.datetime.fromtimestamp(end_ms / 1000, self.zone).date() + _DAY
        total = 0
        while day <= last:
            name = BUSINESS_DAYS[day.weekday()]
            for w in self.windows:
                if name in w.days:
                    lo = self._instant_ms(day, w.start_minute)
                    hi = self._instant_ms(day, w.end_minute)
                    total += max(0, min(hi, end_ms) - max(lo, start_ms))
            day += _DAY
        return total
