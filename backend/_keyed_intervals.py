"""Time intervals ``[start, end)`` grouped by a key (an agent): per key and per window of
consecutive bounds, how many intervals started in it and how many ms they cover of it.

The report's agents table (docs/metrics.md section 5) needs, per human agent and
local day, the segments started, their ms inside the day and the logged-in ms. Per
key these are differences of prefix functions of the bounds: with ``A(t)`` the
intervals started before ``t`` and not ended before it, and ``G(t)`` the sum of their
starts minus the sum of the ends before ``t``, the ms covered before ``t`` is
``F(t) = t * A(t) - G(t)`` (intervals with ``end > start``; the others cover nothing),
so the ms inside ``[L, R)`` is ``F(R) - F(L)``. The starts and ends are one event
sequence in time order; every ``stride`` events a checkpoint keeps ``A``, ``G`` and
the starts so far for every key, and ``t`` is that checkpoint plus the at most
``stride`` events after it: one contiguous read per bound for all keys at once.
Times are relative to the first event and bounds clamped to the events' span (past
the last event only the still open intervals, ``end`` :data:`NEVER`, grow), so the
int64 sums stay exact while span x intervals < 2**63.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ._frame import NEVER

__all__ = ["KeyedIntervals"]

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
_STRIDE = 1024


class KeyedIntervals:
    """Intervals ``[start[i], end[i])`` of key ``keys[i]`` in ``0..n_keys-1``; an
    ``end`` of :data:`NEVER` is still open; a checkpoint every ``stride`` events."""

    def __init__(
        self, *, keys: I64, start: I64, end: I64, n_keys: int, stride: int = _STRIDE
    ) -> None:
        keys = np.asarray(keys, dtype=np.int64)
        self.n_keys, self.stride = n_keys, stride
        covering = end > start
        finite = covering & (end < NEVER)
        times = np.concatenate((start[covering], end[finite]))
        order = np.argsort(times, kind="stable")
        self.times = times[order]
        self.keys = np.concatenate((keys[covering], keys[finite]))[order]
        n_start = int(np.count_nonzero(covering))
        self.sign = np.where(order < n_start, 1, -1).astype(np.int64)
        self.t0 = int(self.times[0]) if self.times.shape[0] else 0
        self.top = int(self.times[-1]) + 1 if self.times.shape[0] else 1
        self.signed = self.sign * (self.times - self.t0)  # + start, - end
        # bincount's float sums are exact while a stride's |sum| stays below 2**53
        self.exact_float = (self.top - self.t0) * stride < 2**53
        self.sign_f, self.signed_f = self.sign.astype(np.float64), self.signed.astype(np.float64)
        # checkpoint c: the state before event c * stride, per key
        n = self.times.shape[0]
        cell = (np.arange(n, dtype=np.int64) // stride) * n_keys + self.keys
        side = n // stride + 1
        self.active = self._checkpoints(cell, self.sign, side)
        self.sums = self._checkpoints(cell, self.signed, side)
        self.starts = self._checkpoints(cell, (self.sign > 0).astype(np.int64), side)
        # intervals ending at or before their start, by start: they only count as started
        empty = np.flatnonzero(~covering)
        empty = empty[np.argsort(start[empty], kind="stable")]
        self.empty_key, self.empty_start, self.empty_end = keys[empty], start[empty], end[empty]

    def _checkpoints(self, cell: I64, weights: I64, side: int) -> I64:
        per_block = np.zeros(side * self.n_keys, dtype=np.int64)
        np.add.at(per_block, cell, weights)
        out = np.zeros((side, self.n_keys), dtype=np.int64)
        np.cumsum(per_block.reshape(side, self.n_keys)[:-1], axis=0, out=out[1:])
        return out

    def _state(self, t: list[int]) -> tuple[I64, I64, I64]:
        """(A, G, starts) per (bound, key) at the clamped bounds ``t``: each bound's
        checkpoint plus the events from it to the bound."""
        m, n_keys = len(t), self.n_keys
        p = self.times.searchsorted(t, side="left")
        c = p // self.stride
        lo = c * self.stride
        n = p - lo
        idx = np.repeat(lo - np.cumsum(n) + n, n) + np.arange(int(n.sum()))
        cell = np.repeat(np.arange(m, dtype=np.int64) * n_keys, n) + self.keys[idx]
        size = m * n_keys

        def add(table: I64, exact: F64, weights: I64) -> I64:
            if self.exact_float:
                part = np.bincount(cell, weights=exact[idx], minlength=size).astype(np.int64)
            else:
                part = np.zeros(size, dtype=np.int64)
                np.add.at(part, cell, weights[idx])
            out: I64 = table[c] + part.reshape(m, n_keys)
            return out

        starts = self.starts[c] + np.bincount(cell[self.sign[idx] > 0], minlength=size).reshape(
            m, n_keys
        )
        return (
            add(self.active, self.sign_f, self.sign),
            add(self.sums, self.signed_f, self.signed),
            starts,
        )

    def profile(self, bounds: I64) -> tuple[I64, I64]:
        """(:meth:`started`, :meth:`covered`), from one pass per bound."""
        b = bounds.tolist()
        t = [min(max(v, self.t0), self.top) for v in b]
        active, sums, starts = self._state(t)
        rel = np.asarray(t, dtype=np.int64)[:, None] - self.t0
        f = (rel * active - sums).T
        # past the last event only the open intervals (all started by then) grow
        beyond = np.diff(np.maximum(bounds, self.top))
        covered: I64 = f[:, 1:] - f[:, :-1] + active[-1][:, None] * beyond[None, :]
        s = starts.T
        started: I64 = s[:, 1:] - s[:, :-1]
        # an empty interval counts if it ended after bounds[0]
        a, z = self.empty_start.searchsorted([b[0], b[-1]], side="left").tolist()
        if a < z:
            late = np.flatnonzero(self.empty_end[a:z] > b[0]) + a
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
