"""plan._stats: replication means with Student t intervals and one-sided bounds."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from plan import estimate


def test_interval_hand_worked() -> None:
    """[1, 2, 3, 4, 5]: mean 3, s = sqrt(2.5), t(0.975, 4) = 2.776445 gives 3 +- 1.963243."""
    e = estimate([1.0, 2.0, 3.0, 4.0, 5.0])
    sem = math.sqrt(2.5) / math.sqrt(5)  # 0.7071068
    assert e.n == 5 and e.mean == 3.0
    assert e.sem == pytest.approx(sem)
    assert e.low == pytest.approx(3.0 - 2.776445 * sem, abs=1e-6)  # 1.036757
    assert e.high == pytest.approx(3.0 + 2.776445 * sem, abs=1e-6)  # 4.963243
    low, high = stats.t.interval(0.95, 4, loc=3.0, scale=sem)
    assert (e.low, e.high) == pytest.approx((low, high))


def test_one_sided_bounds_hand_worked() -> None:
    """One-sided 95% bounds use t(0.95, 4) = 2.131847: 3 -+ 1.507443."""
    e = estimate([1.0, 2.0, 3.0, 4.0, 5.0])
    assert e.lower_bound(0.95) == pytest.approx(3.0 - 2.131847 * math.sqrt(0.5), abs=1e-6)
    assert e.upper_bound(0.95) == pytest.approx(3.0 + 2.131847 * math.sqrt(0.5), abs=1e-6)


def test_nan_replications_left_out_and_small_samples() -> None:
    """NaN values (no sample) are dropped; one value has no interval; none has a NaN mean."""
    e = estimate([2.0, math.nan, 4.0])
    # Two values: mean 3, s = sqrt(2), sem = 1, t(0.975, 1) = 12.7062.
    assert e.n == 2 and e.mean == 3.0
    assert e.high == pytest.approx(3.0 + 12.706205, abs=1e-5)
    one = estimate([7.0])
    assert (one.mean, one.low, one.high, one.lower_bound(0.95)) == (7.0, None, None, None)
    assert math.isnan(estimate([math.nan]).mean) and estimate([]).n == 0


@given(st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=50))
def test_interval_contains_mean_and_one_sided_is_tighter(values: list[float]) -> None:
    """low <= mean <= high, and the 95% one-sided bound lies between low and the mean."""
    e = estimate(values)
    assert e.low is not None and e.high is not None
    tol = 1e-9 * (1 + abs(e.mean))
    assert e.low - tol <= e.mean <= e.high + tol
    lb = e.lower_bound(0.95)
    assert lb is not None and e.low - tol <= lb <= e.mean + tol
