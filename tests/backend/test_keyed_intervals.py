"""Per-key interval starts and covered ms (backend/_keyed_intervals.py) against direct sums."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from backend._frame import NEVER
from backend._keyed_intervals import KeyedIntervals


def test_hand_intervals_over_two_windows() -> None:
    """Key 0: [0, 10) and [15, open); key 1: [5, 5) and [12, 14). Windows [5, 12), [12, 20):
    key 0 covers 5 + 0 in the first (0..10 -> 5..10) and 5 in the second (15..20); key 1 covers
    0 then 2. Starts: key 0 has 15 in the second; key 1's empty [5, 5) ended by 5, so only
    12 counts."""
    iv = KeyedIntervals(
        keys=np.array([0, 0, 1, 1]),
        start=np.array([0, 15, 5, 12]),
        end=np.array([10, NEVER, 5, 14]),
        n_keys=2,
        stride=2,
    )
    bounds = np.array([5, 12, 20])
    assert iv.covered(bounds).tolist() == [[5, 5], [0, 2]]
    assert iv.started(bounds).tolist() == [[0, 1], [0, 1]]
    # far past the data only the open interval grows, by the window's width
    far = np.array([10**17, 10**17 + 86_400_000])
    assert iv.covered(far).tolist() == [[86_400_000], [0]]


def test_no_intervals() -> None:
    """No intervals: every key covers 0 and starts nothing."""
    empty = np.array([], dtype=np.int64)
    iv = KeyedIntervals(keys=empty, start=empty, end=empty, n_keys=3)
    assert iv.covered(np.array([0, 5, 9])).tolist() == [[0, 0]] * 3
    assert iv.started(np.array([0, 5, 9])).tolist() == [[0, 0]] * 3


@settings(max_examples=200, deadline=None)
@given(
    items=st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 60), st.integers(-5, 40) | st.just(-1)),
        max_size=40,
    ),
    cuts=st.lists(st.integers(-10, 120), min_size=2, max_size=5, unique=True),
    stride=st.integers(1, 9),
)
def test_equal_the_direct_sums(
    items: list[tuple[int, int, int]], cuts: list[int], stride: int
) -> None:
    """Any intervals (empty, reversed, open), any ascending bounds, checkpoints every few
    events: the direct clipped sums."""
    keys = np.array([k for k, _, _ in items], dtype=np.int64)
    start = np.array([s for _, s, _ in items], dtype=np.int64)
    end = np.array([NEVER if d == -1 else s + d for _, s, d in items], dtype=np.int64)
    bounds = np.array(sorted(cuts), dtype=np.int64)
    iv = KeyedIntervals(keys=keys, start=start, end=end, n_keys=4, stride=stride)
    lo, hi = bounds[:-1], bounds[1:]
    want_cov = np.zeros((4, lo.shape[0]), dtype=np.int64)
    want_start = np.zeros((4, lo.shape[0]), dtype=np.int64)
    for k, s, e in zip(keys.tolist(), start.tolist(), end.tolist(), strict=True):
        want_cov[k] += np.clip(np.minimum(e, hi) - np.maximum(s, lo), 0, None)
        if e > bounds[0]:
            want_start[k] += (s >= lo) & (s < hi)
    assert iv.covered(bounds).tolist() == want_cov.tolist()
    assert iv.started(bounds).tolist() == want_start.tolist()


def test_exact_over_a_huge_span() -> None:
    """Intervals 10**16 ms apart (float sums would round): [0, 10), [10**16 + 1, 10**16 + 6)
    and [3, 10**16 + 2) of one key cover 10 + 5 + (10**16 - 1) ms of [0, 10**16 + 10)."""
    big = 10**16
    iv = KeyedIntervals(
        keys=np.array([0, 0, 0]),
        start=np.array([0, big + 1, 3]),
        end=np.array([10, big + 6, big + 2]),
        n_keys=1,
        stride=1,
    )
    assert not iv.exact_float
    assert iv.covered(np.array([0, big + 10])).tolist() == [[10 + 5 + big - 1]]
    # [1, 2): 1 ms of [0, 10); [2, big): 8 ms of [0, 10) and big - 3 of [3, big + 2)
    assert iv.covered(np.array([1, 2, big])).tolist() == [[1, 8 + big - 3]]
