"""ccbench/arrays.py: the may-miss lookup never indexes an empty array."""

from __future__ import annotations

import numpy as np

from ccbench.arrays import take

NONE = np.iinfo(np.int64).max  # the oracle's "no such event" row


def test_take_fills_misses_and_keeps_hits() -> None:
    """Indexes inside the array take its values; -1, NONE and past-the-end take the fill."""
    values = np.array([10, 20, 30], dtype=np.int64)
    index = np.array([2, -1, 0, NONE, 3], dtype=np.int64)
    assert take(values, index, missing=-7).tolist() == [30, -7, 10, -7, -7]


def test_take_on_an_empty_array() -> None:
    """An empty array (a log without such events) gives the fill everywhere, no IndexError;
    the pattern it replaces, np.where(i >= 0, values[np.maximum(i, 0)], -1), raises."""
    empty = np.zeros(0, dtype=np.int8)
    index = np.array([-1, -1], dtype=np.int64)
    out = take(empty, index, missing=-1)
    assert out.tolist() == [-1, -1] and out.dtype == np.int8
    try:
        np.where(index >= 0, empty[np.maximum(index, 0)], -1)
    except IndexError:
        pass
    else:  # pragma: no cover - numpy evaluates both branches
        raise AssertionError("numpy no longer evaluates both branches of np.where")
