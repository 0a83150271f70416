"""Sampling the scenario's duration distributions, vectorised, in seconds."""

from __future__ import annotations

import math

import numpy as np

from ._sections import DistSpec

__all__ = ["sample"]


def sample(dist: DistSpec, rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` draws (float64 seconds) from ``dist``; kind ``none`` gives +inf.

    Lognormal is parametrised by its own mean and standard deviation (not the
    underlying normal's): sigma^2 = ln(1 + sd^2/mean^2), mu = ln(mean) - sigma^2/2.
    Empirical draws the listed values with the given (or equal) weights.
    """
    if dist.kind == "exponential":
        return rng.exponential(dist.mean_s, n)
    if dist.kind == "lognormal":
        sigma2 = math.log1p((dist.sd_s / dist.mean_s) ** 2)
        return rng.lognormal(math.log(dist.mean_s) - sigma2 / 2, math.sqrt(sigma2), n)
    if dist.kind == "empirical":
        values = np.asarray(dist.values_s, dtype=float)
        if dist.weights:
            p = np.asarray(dist.weights, dtype=float)
            return rng.choice(values, size=n, p=p / p.sum())
        return rng.choice(values, size=n)
    if dist.kind == "constant":
        return np.full(n, dist.mean_s)
    return np.full(n, np.inf)
