"""Range counts over sorted rows (backend/_range_counts.py) against direct counts."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from backend._range_counts import CodeCounts, Distinct, Ended


def test_distinct_keys_of_a_hand_range() -> None:
    """Keys a b a - c b at rows 10..14: rows [11, 15) hold b a c (the a again, - none): 3;
    rows [10, 12): a b: 2; an empty range: 0."""
    d = Distinct(np.arange(10, 15), np.array([0, 1, 0, -1, 2]))
    assert d.span(11, 15) == (1, 5)
    assert d.count(*d.span(11, 15)) == 3
    assert d.count(*d.span(10, 12)) == 2
    assert d.count(3, 3) == 0


def test_code_counts_of_a_hand_range() -> None:
    """Codes 0, none, 1, 0 at rows 2, 4, 6, 8: rows [3, 9) hold one none, one 1, one 0."""
    c = CodeCounts(np.array([2, 4, 6, 8]), np.array([0, -1, 1, 0]), 2)
    assert c.counts(3, 9).tolist() == [1, 1, 1]  # none, code 0, code 1
    assert c.counts(0, 100).tolist() == [1, 2, 1]
    assert c.counts(9, 100).tolist() == [0, 0, 0]


def test_ended_of_hand_items() -> None:
    """Items [0, 5), [2, 30), [4, 8), [10, 12) weighing their lengths: started in [0, 10) and
    ended before 10: the first and third (5 + 4 ms); per window [0, 3), [3, 10): 1 and 1."""
    e = Ended(np.array([0, 2, 4, 10]), np.array([5, 30, 8, 12]), np.array([5, 28, 4, 2]))
    assert e.in_window(0, 10, 10) == (2, 9)
    assert e.per_window(np.array([0, 3, 10]), 10) == [1, 1]


@settings(max_examples=200, deadline=None)
@given(
    items=st.lists(st.tuples(st.integers(0, 50), st.integers(-10, 60)), max_size=300),
    cuts=st.lists(st.integers(-5, 60), min_size=2, max_size=4, unique=True),
    before=st.integers(-5, 70),
)
def test_ended_equals_the_direct_count(
    items: list[tuple[int, int]], cuts: list[int], before: int
) -> None:
    """Any items (ending before they start or not), any windows and time: direct counts."""
    start = np.sort(np.array([s for s, _ in items], dtype=np.int64))
    end = start + np.array([d for _, d in items], dtype=np.int64)
    weight = end - start
    bounds = np.array(sorted(cuts), dtype=np.int64)
    e = Ended(start, end, weight)
    ended = end < before
    want = [
        int(np.count_nonzero(ended & (start >= a) & (start < b)))
        for a, b in itertools.pairwise(bounds.tolist())
    ]
    assert e.per_window(bounds, before) == want
    inside = ended & (start >= bounds[0]) & (start < bounds[-1])
    got = e.in_window(int(bounds[0]), int(bounds[-1]), before)
    assert got == (int(np.count_nonzero(inside)), int(weight[inside].sum()))
    # the period's end as the time: the shortcut when no item ends before it starts
    inside = (end < bounds[-1]) & (start >= bounds[0]) & (start < bounds[-1])
    got = e.in_window(int(bounds[0]), int(bounds[-1]), int(bounds[-1]))
    assert got == (int(np.count_nonzero(inside)), int(weight[inside].sum()))


@settings(max_examples=200, deadline=None)
@given(keys=st.lists(st.integers(-1, 6), max_size=300), data=st.data())
def test_distinct_equals_a_set(keys: list[int], data: st.DataObject) -> None:
    """Any keys, any range: the number of distinct non-negative keys in it."""
    d = Distinct(np.arange(len(keys), dtype=np.int64) * 2, np.asarray(keys, dtype=np.int64))
    a = data.draw(st.integers(0, len(keys)))
    b = data.draw(st.integers(a, len(keys)))
    assert d.count(a, b) == len({k for k in keys[a:b] if k >= 0})
