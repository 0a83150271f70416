"""One msgagentsegments query over a rollup view: sums per (interval, agent, skill) cell.

The window ``[lo, now)`` is cut into ``n`` intervals of ``step`` ms; a segment
belongs to the interval of its start and is judged at ``now``
(backend/_rollup.py). Two ways give the same integers; :func:`cells` takes the
cheaper one for the query:

- **prefix**: per key, the running totals at each interval boundary (a
  snapshot plus at most ``BLOCK`` segments, backend/_rollup_view.py),
  differenced: the cost grows with boundaries x keys, not with the window;
- **scan**: the window's segments themselves, grouped by their (interval,
  pair) code: the cost grows with the window's segments.

Either way the window's base segments whose ``V`` is not their contribution
at now (unsettled, or of a conversation changed since the base) count at now
instead, and so do the delta's segments of the window.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ._rollup_segments import FIELDS
from ._rollup_view import BLOCK, Filters, RollupView

__all__ = ["Cells", "cells"]

Array = npt.NDArray[np.int64]
_WIDTH = len(FIELDS)


@dataclass(frozen=True, slots=True)
class Cells:
    """Sums of the filtered segments per (interval, agent, skill) with at least one
    segment, sorted by (interval, agent, skill): ``sums[cell, field]``."""

    interval: Array
    agent: Array
    skill: Array
    sums: Array


@dataclass(frozen=True, slots=True)
class _Query:
    """A query's window and the segments it counts at now (positions in each tier)."""

    lo: int
    now: int
    step: int
    n: int
    keep: npt.NDArray[np.bool_]  # per base key
    key_pair: Array  # per base key: its pair among the view's pairs
    fix: Array  # base segments of the window counted at now, kept by the filters
    live: Array  # those of them still current (the others count 0)
    delta: Array  # delta segments of the window kept by the filters


def cells(view: RollupView, *, lo: int, now: int, step: int, n: int, filters: Filters) -> Cells:
    """Sums per (interval, agent, skill) of the filtered segments starting in ``[lo, now)``
    (``n`` intervals of ``step`` ms; ``lo + n * step == now``), judged at ``now``."""
    b, d = view.base, view.delta
    segs, ds = b.segs, d.segs
    keep = b.keys.match(filters)
    i, j = np.searchsorted(segs.start, [lo, now], side="left").tolist()
    unsettled = segs.settle[i:j] > now
    if d.stale is not None:
        unsettled |= d.stale[i:j]
    fix = i + np.flatnonzero(unsettled)
    fix = fix[keep[b.seg_key[fix]]]
    window = (ds.start >= lo) & (ds.start < now)
    if window.any():
        window &= filters.match(ds.agent, ds.skill, ds.source, ds.group, ds.user_type)
    q = _Query(
        lo=lo,
        now=now,
        step=step,
        n=n,
        keep=keep,
        key_pair=d.base_pair[b.keys.pair],
        fix=fix,
        live=fix if d.stale is None else fix[~d.stale[fix]],
        delta=np.flatnonzero(window),
    )
    kept = int(np.count_nonzero(keep))
    by_prefix = (n + 1) * (keep.shape[0] + BLOCK // 2) + n * kept
    code, sums = _prefix(view, q) if by_prefix < (j - i) * 3 else _scan(view, q, i, j)
    counted = sums[:, 0] > 0
    code, sums = code[counted], sums[counted]
    pairs = d.pairs.shape[0]
    pair = code % pairs
    return Cells(interval=code // pairs, agent=d.pairs[pair, 0], skill=d.pairs[pair, 1], sums=sums)


def _prefix(view: RollupView, q: _Query) -> tuple[Array, Array]:
    """(interval, pair) codes, ascending, and their sums, from the running totals."""
    b, d = view.base, view.delta
    segs = b.segs
    bounds = q.lo + q.step * np.arange(q.n + 1, dtype=np.int64)
    ks = np.flatnonzero(q.keep)
    totals = np.stack(
        [b.prefix(p)[ks] for p in np.searchsorted(segs.start, bounds, side="left").tolist()]
    ).reshape(q.n + 1, ks.shape[0], _WIDTH)
    per_key = totals[1:] - totals[:-1]
    # keys are sorted by (agent, skill, source): the keys of one pair are a run
    key_pair = q.key_pair[ks]
    runs = np.flatnonzero(np.diff(key_pair, prepend=-1))
    grid = np.add.reduceat(per_key, runs, axis=1) if len(runs) else per_key
    pairs = key_pair[runs]
    added = d.seg_pair[q.delta]
    if len(added):
        more = np.union1d(pairs, added)
        if len(more) > len(pairs):
            wider = np.zeros((q.n, len(more), _WIDTH), dtype=np.int64)
            wider[:, np.searchsorted(more, pairs)] = grid
            grid, pairs = wider, more
        at = ((d.segs.start[q.delta] - q.lo) // q.step, np.searchsorted(pairs, added))
        np.add.at(grid, at, d.segs.at_now(q.delta, q.now))
    if len(q.fix):
        adjust = -b.segs.values[q.fix]
        adjust[np.isin(q.fix, q.live)] += b.segs.at_now(q.live, q.now)
        at = (
            (b.segs.start[q.fix] - q.lo) // q.step,
            np.searchsorted(pairs, q.key_pair[b.seg_key[q.fix]]),
        )
        np.add.at(grid, at, adjust)
    interval, column = np.nonzero(grid[:, :, 0])
    code = interval * d.pairs.shape[0] + pairs[column]
    return code, grid[interval, column]


def _scan(view: RollupView, q: _Query, i: int, j: int) -> tuple[Array, Array]:
    """(interval, pair) codes, ascending, and their sums, from the window's segments."""
    b, d = view.base, view.delta
    segs, ds = b.segs, d.segs
    pairs = d.pairs.shape[0]
    w = i + np.flatnonzero(q.keep[b.seg_key[i:j]])
    values = segs.values[w]
    if len(q.fix):
        values[np.searchsorted(w, q.fix)] = 0  # a stale segment counts 0
        values[np.searchsorted(w, q.live)] = segs.at_now(q.live, q.now)
    code = (segs.start[w] - q.lo) // q.step * pairs + q.key_pair[b.seg_key[w]]
    if len(q.delta):
        code = np.concatenate(
            (code, (ds.start[q.delta] - q.lo) // q.step * pairs + d.seg_pair[q.delta])
        )
        values = np.concatenate((values, ds.at_now(q.delta, q.now)))
    order = np.argsort(code, kind="stable")
    code = code[order]
    heads = np.flatnonzero(np.diff(code, prepend=-1))
    if not len(heads):
        return code, values
    return code[heads], np.add.reduceat(values[order], heads, axis=0)
