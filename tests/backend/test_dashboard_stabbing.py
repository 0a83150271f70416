"""Stabbing queries (backend/_dashboard_stabbing.py): the ids of the intervals
``(lo, hi]`` containing an instant, as a mask over all of them would find."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from backend._dashboard_index import NEVER
from backend._dashboard_stabbing import Stabbing

_SPANS = st.lists(
    st.tuples(st.integers(0, 1000), st.one_of(st.integers(0, 300), st.just(None))),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(spans=_SPANS, instants=st.lists(st.integers(-5, 1400), min_size=1, max_size=10))
def test_equals_the_mask(spans: list[tuple[int, int | None]], instants: list[int]) -> None:
    """Any intervals (some endless, of any length) and instants: the ids with
    lo < t <= hi, whatever horizon was chosen."""
    lo = np.asarray([a for a, _ in spans], dtype=np.int64)
    hi = np.asarray([NEVER if n is None else a + n for a, n in spans], dtype=np.int64)
    index = Stabbing(lo, hi)
    for t in instants:
        assert sorted(index.at(t).tolist()) == np.flatnonzero((lo < t) & (hi >= t)).tolist()


def test_short_and_long_intervals() -> None:
    """Eleven 5 ms intervals and one of 1000 ms: the horizon is 5 ms, so the long one is
    scanned apart; at 503 the intervals (500, 505] and (0, 1000] hold it, (505, 510]
    does not (its lo is not before 503), nor (495, 500] (over at 500)."""
    lo = np.asarray([*range(455, 510, 5), 0], dtype=np.int64)
    hi = np.asarray([*(t + 5 for t in range(455, 510, 5)), 1000], dtype=np.int64)
    index = Stabbing(lo, hi)
    assert index.horizon == 5
    assert index.long_ids.tolist() == [11]
    assert sorted(index.at(503).tolist()) == [9, 11]
    assert sorted(index.at(500).tolist()) == [8, 11]  # (495, 500] holds 500: hi is included
    assert index.at(0).tolist() == []  # lo < t: nothing starts before 0


def test_no_intervals() -> None:
    """An empty set holds nothing."""
    empty = np.zeros(0, dtype=np.int64)
    assert Stabbing(empty, empty).at(5).tolist() == []
