"""Array steps the dashboard's structures share: distinct values, range expansion, sums
per key.

numpy's own ``np.unique`` hashes integers, which costs many times a sort on the sizes
the dashboard meets (hundreds per request, hundreds of thousands per index), and
``np.add.at`` on rows is an order of magnitude slower than a reduceat over sorted keys.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["distinct", "first_from", "ranges", "sum_sorted"]

I64 = npt.NDArray[np.int64]


def distinct(values: I64) -> I64:
    """The distinct values, ascending."""
    ordered = np.sort(values)
    keep = np.ones(ordered.shape[0], dtype=bool)
    keep[1:] = ordered[1:] != ordered[:-1]
    out: I64 = ordered[keep]
    return out


def first_from(values: I64, lo: I64, hi: I64, t: int | I64) -> I64:
    """Per range ``[lo, hi)`` of ``values`` (ascending within each range), the first
    position whose value is at least ``t`` (``hi`` if none): a binary search within each
    range, all ranges at once (a range is a few cache lines, where a search over all
    values misses the cache at every step)."""
    lo, hi = lo.copy(), hi.copy()
    target = np.broadcast_to(np.asarray(t, dtype=np.int64), lo.shape)
    active = np.flatnonzero(lo < hi)
    while active.shape[0]:
        a, b = lo[active], hi[active]
        mid = (a + b) >> 1
        below = values[mid] < target[active]
        a, b = np.where(below, mid + 1, a), np.where(below, b, mid)
        lo[active], hi[active] = a, b
        active = active[a < b]
    return lo


def ranges(lo: I64, n: I64) -> tuple[I64, I64]:
    """(owner, position) of every position of the ranges ``[lo[j], lo[j] + n[j])``, in
    range order."""
    owner = np.repeat(np.arange(lo.shape[0], dtype=np.int64), n)
    return owner, np.repeat(lo, n) + np.arange(owner.shape[0]) - np.repeat(np.cumsum(n) - n, n)


def sum_sorted(rows: I64, key: I64, n_keys: int) -> I64:
    """Rows summed per key ``0..n_keys - 1``, the keys ascending (those -1 are dropped): a
    reduceat over the runs of equal keys."""
    out = np.zeros((n_keys, rows.shape[1]), dtype=np.int64)
    first = int(np.searchsorted(key, 0))  # the keys -1 come first: dropped
    if first < key.shape[0]:
        k = key[first:]
        heads = np.ones(k.shape[0], dtype=bool)
        heads[1:] = k[1:] != k[:-1]
        at = np.flatnonzero(heads)
        out[k[at]] = np.add.reduceat(rows[first:], at, axis=0)
    return out
