"""Busiest minute per day (backend/_minute_peaks.py) against counting the period's messages."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from backend._minute_peaks import MINUTE_MS, MinutePeaks

M = MINUTE_MS


def direct(ts: np.ndarray, bounds: np.ndarray) -> tuple[list[int], list[int]]:
    """Count each minute's messages inside the period; the minute goes to the day of its
    first message; per day the largest count at its earliest minute."""
    inside = ts[(ts >= bounds[0]) & (ts < bounds[-1])]
    n_days = bounds.shape[0] - 1
    best = [0] * n_days
    at = [-1] * n_days
    for minute in sorted(set((inside // M).tolist())):
        mine = inside[inside // M == minute]
        d = int(np.searchsorted(bounds, mine[0], side="right")) - 1
        if mine.shape[0] > best[d]:
            best[d], at[d] = int(mine.shape[0]), minute * M
    return best, at


def test_hand_period_cut_inside_minutes() -> None:
    """Messages at 0:10, 0:20, 0:50 (minute 0), 1:05, 1:06 (minute 1) and 2:30 (minute 2);
    one day [0:15, 2:40): minute 0 keeps 2 messages, minute 1 has 2: the peak is 2 at minute 0;
    a cut at 1:00 into two days: day 0 holds minute 0 (2), day 1 minute 1 (2) and 2 (1)."""
    s = 1000
    ts = np.array([10 * s, 20 * s, 50 * s, M + 5 * s, M + 6 * s, 2 * M + 30 * s])
    p = MinutePeaks(ts)
    assert p.peaks(np.array([15 * s, 2 * M + 40 * s])) == ([2], [0])
    assert p.peaks(np.array([15 * s, M, 2 * M + 40 * s])) == ([2, 2], [0, M])
    assert p.peaks(np.array([3 * M, 4 * M])) == ([0], [-1])


@settings(max_examples=300, deadline=None)
@given(
    seconds=st.lists(st.integers(0, 600), max_size=80),
    cuts=st.lists(st.integers(-30, 650), min_size=2, max_size=5, unique=True),
)
def test_equal_the_direct_count(seconds: list[int], cuts: list[int]) -> None:
    """Any messages, any bounds (on minutes or not): the direct per-minute count's peaks."""
    ts = np.sort(np.asarray(seconds, dtype=np.int64) * 1000 + 7)
    bounds = np.asarray(sorted(cuts), dtype=np.int64) * 1000
    assert MinutePeaks(ts).peaks(bounds) == direct(ts, bounds)
