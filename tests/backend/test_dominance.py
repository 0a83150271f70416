"""Dominance counts (backend/_dominance.py) against the direct count over the sequence."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from backend._dominance import Dominance


def test_counts_of_a_hand_sequence() -> None:
    """values 5 1 4 1 9: below position 4 the values < 4 are the two 1s; < 5 adds the 4."""
    d = Dominance(np.array([5, 1, 4, 1, 9]), weights=np.array([10, 20, 30, 40, 50]))
    assert d.below([0, 4, 5], 4) == [0, 2, 2]
    assert d.below([4], 5) == [3]  # 1, 4, 1
    assert d.below([5], 10) == [5]
    assert d.below_with_sums([4, 5], 5) == ([3, 3], [20 + 30 + 40, 20 + 30 + 40])
    assert d.below_with_sums([5], 100) == ([5], [150])


def test_sums_of_huge_weights_are_exact() -> None:
    """Weights near 2**60 (float sums would round): the integer sums of the direct scan."""
    big = 2**60 + 1
    d = Dominance(np.array([3, 1, 2, 1]), weights=np.array([big, big + 2, 5, big + 4]))
    assert d.below_with_sums([3, 4], 2) == ([1, 2], [big + 2, 2 * big + 6])


def test_empty_sequence() -> None:
    """No positions: every count and sum is 0."""
    d = Dominance(np.array([], dtype=np.int64), weights=np.array([], dtype=np.int64))
    assert d.below([0], 7) == [0]
    assert d.below_with_sums([0], 7) == ([0], [0])


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(st.integers(-5, 40), max_size=700),
    data=st.data(),
)
def test_counts_and_sums_equal_the_direct_ones(values: list[int], data: st.DataObject) -> None:
    """Any sequence (several blocks, ties), any cut: the count and sum of the direct scan."""
    v = np.asarray(values, dtype=np.int64)
    w = (v * 7 + 3) % 11 - 2  # weights of both signs
    d = Dominance(v, weights=w)
    n = v.shape[0]
    cuts = data.draw(st.lists(st.integers(0, n), min_size=1, max_size=5))
    bound = data.draw(st.integers(-7, 42))
    want = [int(np.count_nonzero(v[:b] < bound)) for b in cuts]
    want_sum = [int(w[:b][v[:b] < bound].sum()) for b in cuts]
    assert d.below(cuts, bound) == want
    assert d.below_with_sums(cuts, bound) == (want, want_sum)
    assert Dominance(v).below_with_sums(cuts, bound) == (want, [0] * len(cuts))
