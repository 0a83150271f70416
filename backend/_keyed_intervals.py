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
        key_at = np.searchsorted(self.code, np.arange(n_keys, dtype=np.int64) * width)
        self.key_at, self.key_cum = key_at[:, None], self.cum[key_at][:, None]

    def before(self, queries: I64) -> tuple[I64, I64]:
        """(count, sum of relative times) per (key, rank) of ``queries`` (n_keys, m): the
        key's times of a smaller rank."""
        at = self.code.searchsorted(queries, side="left")
        return at - self.key_at, self.cum[at] - self.key_cum


class KeyedIntervals:
    """Intervals ``[start[i], end[i])`` of key ``keys[i]`` in ``0..n_keys-1``; an
    ``end`` of :data:`NEVER` is still open."""

    def __init__(self, *, keys: I64, start: I64, end: I64, n_keys: int) -> None:
        keys = np.asarray(keys, dtype=np.int64)
        self.n_keys = n_keys
        covering = end > start  # the others cover nothing
        finite = covering & (end < NEVER)
        self.rank = np.unique(np.concatenate((start[covering], end[finite])))
        width = int(self.rank.shape[0]) + 1
        self.t0 = t0 = int(self.rank[0]) if self.rank.shape[0] else 0
        self.top = int(self.rank[-1]) + 1 if self.rank.shape[0] else 1
        self.base = np.arange(n_keys, dtype=np.int64)[:, None] * width

        def by_key(k: I64, times: I64) -> _Sorted:
            return _Sorted(k, times, rank=self.rank, width=width, t0=t0, n_keys=n_keys)

        self.starts = by_key(keys[covering], start[covering])
        self.ends = by_key(keys[finite], end[finite])
        self.open = np.bincount(keys[covering & ~finite], minlength=n_keys).astype(np.int64)
        # the intervals ending at or before their start, by start (few, if any)
        empty = np.flatnonzero(~covering)
        empty = empty[np.argsort(start[empty], kind="stable")]
        self.empty_key, self.empty_start, self.empty_end = keys[empty], start[empty], end[empty]

    def _queries(self, bounds: I64) -> tuple[I64, I64]:
        """(bounds clamped to the span, relative to t0; query codes (n_keys, len(bounds)))."""
        t = np.clip(bounds, self.t0, self.top)
        return t - self.t0, self.base + self.rank.searchsorted(t, side="left")

    def profile(self, bounds: I64) -> tuple[I64, I64]:
        """(:meth:`started`, :meth:`covered`) from one search of the starts."""
        rel, q = self._queries(bounds)
        cs, ss = self.starts.before(q)
        ce, se = self.ends.before(q)
        f = rel * (cs - ce) - (ss - se)
        # past the last finite time only the open intervals (all started by then) grow
        beyond = np.diff(np.maximum(bounds, self.top))
        covered: I64 = f[:, 1:] - f[:, :-1] + self.open[:, None] * beyond
        started: I64 = cs[:, 1:] - cs[:, :-1]
        # an empty interval counts if it ended after bounds[0]
        a, b = self.empty_start.searchsorted([bounds[0], bounds[-1]], side="left").tolist()
        if a < b:
            late = np.flatnonzero(self.empty_end[a:b] > bounds[0]) + a
            day = np.searchsorted(bounds, self.empty_start[late], side="right") - 1
            np.add.at(started, (self.empty_key[late], day), 1)
        return started, covered

    def started(self, bounds: I64) -> I64:
        """(n_keys, len(bounds) - 1): intervals starting in ``[bounds[d], bounds[d+1])``
        and ending after ``bounds[0]``."""
        return self.profile(bounds)[0]

    def covered(self, bounds: I64) -> I64:
        """(n_keys, len(bounds) - 1): ms of the intervals inside ``[bounds[d], bounds[d+1])``."""
        return self.profile(bounds)[1]
