"""Stable sort order (backend/_order.py) against numpy's stable argsort."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from backend._order import stable_order


def test_ties_keep_their_order() -> None:
    """Keys 5 3 5 3 -1: -1 first, the 3s at 1 then 3, the 5s at 0 then 2."""
    assert stable_order(np.array([5, 3, 5, 3, -1])).tolist() == [4, 1, 3, 0, 2]


def test_empty_keys() -> None:
    """No keys: an empty order."""
    assert stable_order(np.array([], dtype=np.int64)).tolist() == []


@settings(max_examples=300, deadline=None)
@given(
    keys=st.lists(
        st.integers(-5, 300) | st.integers(0, 2**20) | st.integers(-(2**62), 2**62),
        max_size=200,
    )
)
def test_equals_numpy_stable_argsort(keys: list[int]) -> None:
    """Narrow, 17..32-bit and 64-bit spans alike: numpy's stable order."""
    k = np.asarray(keys, dtype=np.int64)
    assert stable_order(k).tolist() == np.argsort(k, kind="stable").tolist()


def test_keys_over_16_bits_with_ties() -> None:
    """5000 keys below 2**20 with many ties (two radix passes): numpy's stable order."""
    keys = np.random.default_rng(3).integers(0, 2**20, 5000) // 64 * 64
    assert stable_order(keys).tolist() == np.argsort(keys, kind="stable").tolist()
