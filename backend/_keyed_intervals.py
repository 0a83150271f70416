"""Time intervals ``[start, end)`` grouped by a key (an agent): per key and per window of
consecutive bounds, how many intervals started in it and how many ms they cover of it.

The report's agents table (docs/metrics.md section 5) needs, per human agent and
local day, the segments started, their ms inside the day and the logged-in ms. Per
key these are differences of prefix functions of the window bounds, read with one
binary search per (key, bound) in arrays sorted by (key, time): the ms covered before
``t`` is ``F(t) = sum(min(t, end) - start over starts < t)``
``= t * (#starts < t - #ends < t) - (sum of starts < t - sum of ends < t)`` for
intervals with ``end >= start``, so the ms inside ``[L, R)`` is ``F(R) - F(L)``.
Times are taken relative to the first start and bounds clamped to the data's span
(past its last finite time only the open-ended intervals, ``end`` :data:`NEVER`, still
grow), so the int64 sums stay exact while span x intervals < 2**63.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ._frame import NEVER

__all__ = ["KeyedIntervals"]

I64 = npt.NDArray[np.int64]


class _Sorted:
    """Times of one kind (starts or ends) by (key, time rank), with prefix sums of the
    times relative to ``t0``."""

    def __init__(
        self, keys: I64, times: I64, *, rank: I64, width: int, t0: int, n_keys: int
    ) -> None:
        code = keys * width + np.searchsorted(rank, times, side="left")
        order = np.argsort(code, kind="stable")
        self.code = code[order]
        self.cum = np.zeros(code.shape[0] + 1, dtype=np.int64)
        np.cumsum(times[order] - t0, out=self.cum[1:])
        self.key_at = np.searchsorted(self.code, np.arange(n_keys, dtype=np.int64) * width)

    def before(self, queries: I64, per_key: int) -> tuple[I64, I64]:
        """(count, sum of relative times) of each query's key below its rank; the queries
        are ``per_key`` per key, keys ascending."""
        at = np.searchsorted(self.code, queries, side="left")
        base = np.repeat(self.key_at, per_key)
        return at - base, self.cum[at] - self.cum[base]


class KeyedIntervals:
    """Intervals ``[start[i], end[i])`` of key ``keys[i]`` in ``0..n_keys-1``; an
    ``end`` of :data:`NEVER` is still open."""

    def __init__(self, *, keys: I64, start: I64, end: I64, n_keys: int) -> None:
        keys = np.asarray(keys, dtype=np.int64)
        self.n_keys = n_keys
        covering = end > start  # the others cover nothing
        finite = covering & (end < NEVER)
        self.rank = np.unique(np.concatenate((start, end[finite])))
        self.width = width = int(self.rank.shape[0]) + 1
        self.t0 = t0 = int(self.rank[0]) if self.rank.shape[0] else 0
        self.top = int(self.rank[-1]) + 1 if self.rank.shape[0] else 1

        def by_key(k: I64, times: I64) -> _Sorted:
            return _Sorted(k, times, rank=self.rank, width=width, t0=t0, n_keys=n_keys)

        self.starts = by_key(keys, start)
        self.covering_starts = by_key(keys[covering], start[covering])
        self.ends = by_key(keys[finite], end[finite])
        self.open = np.bincount(keys[covering & ~finite], minlength=n_keys).astype(np.int64)
        # intervals ending at or before their start, by start: started() leaves out those
        # of them that ended by the first bound
        empty = np.flatnonzero(~covering)
        empty = empty[np.argsort(start[empty], kind="stable")]
        self.empty_key, self.empty_start, self.empty_end = keys[empty], start[empty], end[empty]

    def _queries(self, bounds: I64) -> tuple[I64, I64]:
        """(bounds clamped to the span, query codes by (key, bound))."""
        t = np.clip(bounds, self.t0, self.top)
        r = np.searchsorted(self.rank, t, side="left")
        base = np.arange(self.n_keys, dtype=np.int64)[:, None] * self.width
        return t, (base + r[None, :]).ravel()

    def started(self, bounds: I64) -> I64:
        """(n_keys, len(bounds) - 1): intervals starting in ``[bounds[d], bounds[d+1])``
        and ending after ``bounds[0]``."""
        _, q = self._queries(bounds)
        count, _ = self.starts.before(q, bounds.shape[0])
        out = np.diff(count.reshape(self.n_keys, -1), axis=1)
        # an interval starting at or after bounds[0] that ended by then has end <= start
        a, b = np.searchsorted(self.empty_start, [bounds[0], bounds[-1]], side="left")
        gone = np.flatnonzero(self.empty_end[a:b] <= bounds[0]) + a
        if gone.shape[0]:
            day = np.searchsorted(bounds, self.empty_start[gone], side="right") - 1
            np.subtract.at(out, (self.empty_key[gone], day), 1)
        return out

    def covered(self, bounds: I64) -> I64:
        """(n_keys, len(bounds) - 1): ms of the intervals inside ``[bounds[d], bounds[d+1])``."""
        t, q = self._queries(bounds)
        cs, ss = self.covering_starts.before(q, bounds.shape[0])
        ce, se = self.ends.before(q, bounds.shape[0])
        rel = np.tile(t - self.t0, self.n_keys)
        f = (rel * (cs - ce) - (ss - se)).reshape(self.n_keys, -1)
        # past the last finite time only the open intervals (all started by then) grow
        beyond = np.maximum(bounds, self.top) - self.top
        out: I64 = np.diff(f, axis=1) + self.open[:, None] * np.diff(beyond)[None, :]
        return out
