"""The busiest calendar minute of each day of a period, from per-minute message counts made
once (docs/metrics.md section 5: ``max_messages_per_minute`` and ``max_minute``).

A minute's count is that of its messages inside the period ``[bounds[0], bounds[-1])``
and it belongs to the day of its first such message; the day's peak is its largest
count, at the earliest such minute. A minute wholly inside one day has the count made
at build time, so a day's full minutes are one max over a slice of the minutes with
messages; only the minutes holding a bound that is not on a minute (the period's
ends, a local midnight of an odd offset) are counted per request, by binary search.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["MINUTE_MS", "MinutePeaks"]

I64 = npt.NDArray[np.int64]
MINUTE_MS = 60_000
_LOW = (1 << 32) - 1  # the low half of a key: earliest minute first among equal counts


class MinutePeaks:
    """Per-minute counts of ascending instants ``ts`` (epoch ms)."""

    def __init__(self, ts: I64) -> None:
        self.ts = ts
        minute = ts // MINUTE_MS  # ascending: a minute is a run
        heads = np.flatnonzero(np.diff(minute, prepend=minute[:1] - 1))
        self.minutes = minute[heads]
        counts = np.diff(np.append(heads, minute.shape[0]))
        # one max finds the largest count and, among equal counts, the earliest minute
        index = np.arange(self.minutes.shape[0], dtype=np.int64)
        self.keys = (counts.astype(np.int64) << 32) | (_LOW - index)

    def peaks(self, bounds: I64) -> tuple[list[int], list[int]]:
        """Per day ``[bounds[d], bounds[d+1])``: the largest per-minute count (0 without
        messages) and the start of the earliest minute with it (-1 without messages)."""
        n_days = bounds.shape[0] - 1
        day_max = [0] * n_days
        day_peak = [-1] * n_days
        first = -(-bounds[:-1] // MINUTE_MS)  # a day's full minutes: [first, last)
        last = bounds[1:] // MINUTE_MS
        lo = np.searchsorted(self.minutes, first).tolist()
        hi = np.searchsorted(self.minutes, last).tolist()
        for d in range(n_days):
            if lo[d] < hi[d]:
                key = int(self.keys[lo[d] : hi[d]].max())
                day_max[d] = key >> 32
                day_peak[d] = int(self.minutes[_LOW - (key & _LOW)]) * MINUTE_MS
        start, end = int(bounds[0]), int(bounds[-1])
        for minute in sorted({int(b) // MINUTE_MS for b in bounds.tolist() if b % MINUTE_MS}):
            a, b = np.searchsorted(
                self.ts, [max(minute * MINUTE_MS, start), min((minute + 1) * MINUTE_MS, end)]
            )
            count = int(b - a)
            if count == 0:
                continue
            d = int(np.searchsorted(bounds, self.ts[a], side="right")) - 1
            at = minute * MINUTE_MS
            if count > day_max[d] or (count == day_max[d] and at < day_peak[d]):
                day_max[d], day_peak[d] = count, at
        return day_max, day_peak
