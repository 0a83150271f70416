"""SortedPairs: "first row >= (major, ts)" for any ts the contract accepts, in both key modes."""

from __future__ import annotations

import bisect

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from backend._rollup_segments import SortedPairs
from ccbench.eventlog import MAX_TS_MS

_TS = st.integers(0, MAX_TS_MS)
_PAIRS = st.lists(st.tuples(st.integers(0, 40), _TS), max_size=60)
_QUERIES = st.lists(
    st.tuples(st.integers(0, 41), st.integers(-(2**63), 2**63 - 1) | _TS), min_size=1, max_size=20
)


def _check(pairs: list[tuple[int, int]], queries: list[tuple[int, int]]) -> SortedPairs:
    rows = sorted(pairs)
    major = np.array([m for m, _ in rows], dtype=np.int64)
    ts = np.array([t for _, t in rows], dtype=np.int64)
    index = SortedPairs.of(major, ts)
    got = index.search(
        np.array([m for m, _ in queries], dtype=np.int64),
        np.array([t for _, t in queries], dtype=np.int64),
    )
    assert got.tolist() == [bisect.bisect_left(rows, q) for q in queries]
    return index


@given(_PAIRS, _QUERIES)
def test_search_is_bisection_on_the_pairs(
    pairs: list[tuple[int, int]], queries: list[tuple[int, int]]
) -> None:
    """For any rows and any query (ts from int64 min to max), the answer is bisect_left."""
    _check(pairs, queries)


@given(_QUERIES)
def test_wide_spans_use_ranks_and_still_bisect(queries: list[tuple[int, int]]) -> None:
    """Rows at ts 0 and MAX_TS_MS under 20,000 majors overflow major * span in int64: the keys
    become ranks of the distinct ts (the issue's overflow, a 500 forever), answers unchanged."""
    pairs = [(m, 0) for m in range(0, 20_000, 500)] + [(19_999, MAX_TS_MS), (7, MAX_TS_MS - 1)]
    index = _check(pairs, [*queries, (19_999, MAX_TS_MS), (19_999, MAX_TS_MS + 1), (7, 1)])
    assert index.times is not None and index.times.tolist() == [0, MAX_TS_MS - 1, MAX_TS_MS]


def test_narrow_spans_keep_offsets() -> None:
    """A day of data under a few majors keeps ts offsets as keys (no ranking pass)."""
    index = _check([(1, 1_700_000_000_000), (2, 1_700_086_400_000)], [(1, 0), (2, 2**62)])
    assert index.times is None
