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

import itertools

import numpy as np
import numpy.typing as npt

from ._frame import NEVER

__all__ = ["KeyedIntervals"]

I64 = npt.NDArray[np.int64]
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
        # per event, three weights on three cells of its key: A (+1 start, -1 end), G
        # (+ start, - end, relative to t0) and starts (1 at a start)
        k = self.keys
        self.cells = np.stack((k, k + n_keys, k + 2 * n_keys), axis=1)
        signed = self.sign * (self.times - self.t0)
        self.weights = np.stack((self.sign, signed, (self.sign > 0).astype(np.int64)), axis=1)
        # bincount's float sums are exact while a stride's |sum| stays below 2**53
        self.exact_float = (self.top - self.t0) * stride < 2**53
        self.weights_f = self.weights.astype(np.float64)
        # checkpoint c: the state before event c * stride, per (weight, key)
        n = self.times.shape[0]
        side = n // stride + 1
        per_block = np.zeros(side * 3 * n_keys, dtype=np.int64)
        block = (np.arange(n, dtype=np.int64) // stride)[:, None] * (3 * n_keys)
        np.add.at(per_block, (block + self.cells).ravel(), self.weights.ravel())
        self.checkpoints = np.zeros((side, 3 * n_keys), dtype=np.int64)
        np.cumsum(per_block.reshape(side, 3 * n_keys)[:-1], axis=0, out=self.checkpoints[1:])
        # intervals ending at or before their start, by start: they only count as started
        empty = np.flatnonzero(~covering)
        empty = empty[np.argsort(start[empty], kind="stable")]
        self.empty_key, self.empty_start, self.empty_end = keys[empty], start[empty], end[empty]

    def _state(self, t: list[int]) -> I64:
        """(len(t), 3 * n_keys): A, G and starts per key at each clamped bound: the bound's
        checkpoint plus the events from it to the bound."""
        size = 3 * self.n_keys
        out = np.empty((len(t), size), dtype=np.int64)
        for i, p in enumerate(self.times.searchsorted(t, side="left").tolist()):
            c = p // self.stride
            lo = c * self.stride
            cells = self.cells[lo:p].ravel()
            if self.exact_float:
                part = np.bincount(cells, weights=self.weights_f[lo:p].ravel(), minlength=size)
                out[i] = self.checkpoints[c] + part
            else:
                out[i] = self.checkpoints[c]
                np.add.at(out[i], cells, self.weights[lo:p].ravel())
        return out

    def profile(self, bounds: I64) -> tuple[I64, I64]:
        """(:meth:`started`, :meth:`covered`), from one pass per bound."""
        b = bounds.tolist()
        t = [min(max(v, self.t0), self.top) for v in b]
        n_keys = self.n_keys
        state = self._state(t)
        active, sums, starts = (
            state[:, :n_keys],
            state[:, n_keys : 2 * n_keys],
            state[:, 2 * n_keys :],
        )
        f = (np.asarray(t, dtype=np.int64)[:, None] - self.t0) * active - sums
        covered: I64 = (f[1:] - f[:-1]).T
        # past the last event only the open intervals (all started by then) grow
        beyond = [max(v, self.top) for v in b]
        if beyond[-1] > self.top:
            grow = np.asarray([y - x for x, y in itertools.pairwise(beyond)], dtype=np.int64)
            covered = covered + active[-1][:, None] * grow[None, :]
        started: I64 = (starts[1:] - starts[:-1]).T
        # an empty interval counts if it ended after bounds[0]
        if self.empty_start.shape[0]:
            a, z = self.empty_start.searchsorted([b[0], b[-1]], side="left").tolist()
            late = np.flatnonzero(self.empty_end[a:z] > b[0]) + a
            day = np.searchsorted(bounds, self.empty_start[late], side="right") - 1
            started = started.copy()
            np.add.at(started, (self.empty_key[late], day), 1)
        return started, covered

    def started(self, bounds: I64) -> I64:
        """(n_keys, len(bounds) - 1): intervals starting in ``[bounds[d], bounds[d+1])``
        and ending after ``bounds[0]``."""
        return self.profile(bounds)[0]

    def covered(self, bounds: I64) -> I64:
        """(n_keys, len(bounds) - 1): ms of the intervals inside ``[bounds[d], bounds[d+1])``."""
        return self.profile(bounds)[1]
