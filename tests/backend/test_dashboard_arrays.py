"""Array steps of the dashboard (backend/_dashboard_arrays.py)."""

from __future__ import annotations

import numpy as np

from backend._dashboard_arrays import distinct, ranges, sum_sorted


def test_distinct_is_sorted_without_repeats() -> None:
    """5 3 5 -1 3 has the distinct values -1 3 5; nothing has none."""
    assert distinct(np.asarray([5, 3, 5, -1, 3])).tolist() == [-1, 3, 5]
    assert distinct(np.zeros(0, dtype=np.int64)).tolist() == []


def test_ranges_expand_in_order() -> None:
    """[10, 12) and [4, 5) and an empty one: owners 0 0 1 at positions 10 11 4."""
    owner, pos = ranges(np.asarray([10, 4, 7]), np.asarray([2, 1, 0]))
    assert owner.tolist() == [0, 0, 1] and pos.tolist() == [10, 11, 4]


def test_sum_sorted_drops_minus_one() -> None:
    """Keys -1 -1 0 2 2 over rows 1..5: key 0 gets row 3, key 2 rows 4 + 5, key 1 and 3
    nothing, the -1 rows are dropped."""
    rows = np.arange(1, 6, dtype=np.int64).reshape(5, 1) * np.asarray([[1, 10]])
    got = sum_sorted(rows, np.asarray([-1, -1, 0, 2, 2]), 4)
    assert got.tolist() == [[3, 30], [0, 0], [9, 90], [0, 0]]
    assert sum_sorted(rows[:2], np.asarray([-1, -1]), 2).tolist() == [[0, 0], [0, 0]]
