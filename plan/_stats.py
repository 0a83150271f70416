"""Replication statistics: mean, Student-t confidence interval, one-sided bounds."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = ["CI_LEVEL", "Estimate", "estimate"]

# Level of the two-sided intervals reported for every metric (the issue asks for 95%).
CI_LEVEL = 0.95


@dataclass(frozen=True, slots=True)
class Estimate:
    """Mean of ``n`` replications, its standard error and two-sided interval [low, high].

    ``low``/``high`` are None when n < 2 (no interval from one replication).
    """

    mean: float
    sem: float | None
    low: float | None
    high: float | None
    n: int

    def lower_bound(self, confidence: float) -> float | None:
        """One-sided lower confidence bound mean - t_{c, n-1} * sem (None when n < 2)."""
        if self.sem is None:
            return None
        return self.mean - float(stats.t.ppf(confidence, self.n - 1)) * self.sem

    def upper_bound(self, confidence: float) -> float | None:
        """One-sided upper confidence bound mean + t_{c, n-1} * sem (None when n < 2)."""
        if self.sem is None:
            return None
        return self.mean + float(stats.t.ppf(confidence, self.n - 1)) * self.sem


def estimate(values: Sequence[float], *, confidence: float = 0.95) -> Estimate:
    """Mean and Student-t interval mean +- t_{(1+c)/2, n-1} * s / sqrt(n).

    NaN replications (a metric with no sample in that replication) are left out.
    """
    arr = np.asarray([v for v in values if math.isfinite(v)], dtype=float)
    n = int(arr.size)
    if n == 0:
        return Estimate(math.nan, None, None, None, 0)
    mean = float(arr.mean())
    if n < 2:
        return Estimate(mean, None, None, None, n)
    sem = float(arr.std(ddof=1) / math.sqrt(n))
    half = float(stats.t.ppf((1 + confidence) / 2, n - 1)) * sem
    return Estimate(mean, sem, mean - half, mean + half, n)
