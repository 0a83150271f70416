"""One msgagentsegments query over a rollup view: sums per (interval, agent, skill) cell.

The window ``[lo, now)`` is cut into ``n`` intervals of ``step`` ms; a segment
belongs to the interval of its start and is judged at ``now``
(backend/_rollup.py). Two ways give the same integers; :func:`cells` takes the
cheaper one for the query:

- **prefix**: per group, the running totals at each interval boundary (a
  snapshot plus at most half a block of segments, backend/_rollup_view.py),
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
from ._rollup_view import Filters, RollupView, Totals

__all__ = ["Cells", "cells", "sum_by"]

Array = npt.NDArray[np.int64]
_WIDTH = len(FIELDS)


@dataclass(frozen=True, slots=True)
class Cells:
    """Sums of the filtered segments per (interval, agent, skill) with at least one
    segment, sorted by (interval, agent, skill): ``sums[cell, field]``; ``pair`` is the
    cell's row of ``pairs``, the (agent, skill) pairs in that order."""

    interval: Array
    agent: Array
    skill: Array
    pair: Array
    pairs: Array
    sums: Array


@dataclass(frozen=True, slots=True)
class _Query:
    """A query's window and the segments it counts at now (positions in each tier)."""

    lo: int
    now: int
    step: int
    n: int
    level: Totals  # the base groups the query adds up
    keep: npt.NDArray[np.bool_]  # per group of the level
    fix: Array  # base segments of the window counted at now, kept by the filters
    live: Array  # those of them still current (the others count 0)
    delta: Array  # delta segments of the window kept by the filters


def cells(
    view: RollupView,
    *,
    lo: int,
    now: int,
    step: int,
    n: int,
    filters: Filters,
    way: str | None = None,
) -> Cells:
    """Sums per (interval, agent, skill) of the filtered segments starting in ``[lo, now)``
    (``n`` intervals of ``step`` ms; ``lo + n * step == now``), judged at ``now``.
    ``way`` ("prefix" or "scan") forces one of the two ways (None: the cheaper)."""
    b, d = view.base, view.delta
    segs, ds = b.segs, d.segs
    level = b.level(filters)
    keep = level.keep(filters)
    i, j = np.searchsorted(segs.start, [lo, now], side="left").tolist()
    unsettled = segs.settle[i:j] > now
    if d.stale is not None:
        unsettled |= d.stale[i:j]
    fix = i + np.flatnonzero(unsettled)
    fix = fix[keep[level.of_segment[fix]]]
    window = (ds.start >= lo) & (ds.start < now)
    if window.any():
        window &= filters.match(ds.agent, ds.skill, ds.source, ds.group, ds.user_type)
    q = _Query(
        lo=lo,
        now=now,
        step=step,
        n=n,
        level=level,
        keep=keep,
        fix=fix,
        live=fix if d.stale is None else fix[~d.stale[fix]],
        delta=np.flatnonzero(window),
    )
    if way is None:
        # estimated element operations: per boundary a snapshot and half a block of
        # segments, per interval the kept groups; per window segment about three
        kept = int(np.count_nonzero(keep))
        by_prefix = (n + 1) * (keep.shape[0] + level.block // 2) + n * kept
        way = "prefix" if by_prefix < (j - i) * 3 else "scan"
    code, sums = _prefix(view, q) if way == "prefix" else _scan(view, q, i, j)
    counted = sums[:, 0] > 0
    code, sums = code[counted], sums[counted]
    pairs = d.pairs.shape[0]
    pair = code % pairs
    return Cells(
        interval=code // pairs,
        agent=d.pairs[pair, 0],
        skill=d.pairs[pair, 1],
        pair=pair,
        pairs=d.pairs,
        sums=sums,
    )


def _at_now(view: RollupView, q: _Query, grid: Array, pairs: Array) -> tuple[Array, Array]:
    """``grid[interval, pair column]`` (the base's V per pair of ``pairs``, ascending)
    with the fixed segments counted at now and the delta's added; widened by the delta's
    new pairs."""
    b, d = view.base, view.delta
    added = d.seg_pair[q.delta]
    if len(added):
        more = np.union1d(pairs, added)
        if len(more) > len(pairs):
            wider = np.zeros((q.n, len(more), _WIDTH), dtype=np.int64)
            wider[:, np.searchsorted(more, pairs)] = grid
            grid, pairs = wider, more
        cell = (d.segs.start[q.delta] - q.lo) // q.step * len(pairs)
        _add_rows(grid, cell + np.searchsorted(pairs, added), d.segs.at_now(q.delta, q.now))
    if len(q.fix):
        adjust = -np.take(b.segs.values, q.fix, axis=0)
        adjust[np.searchsorted(q.fix, q.live)] += b.segs.at_now(q.live, q.now)
        pair = np.searchsorted(pairs, d.base_pair[b.by_pair.of_segment[q.fix]])
        _add_rows(grid, (b.segs.start[q.fix] - q.lo) // q.step * len(pairs) + pair, adjust)
    return grid, pairs


def _add_rows(grid: Array, rows: Array, values: Array) -> None:
    """``grid`` viewed as rows of fields: ``values[k]`` added to row ``rows[k]``."""
    flat = grid.reshape(-1)  # a view: grid is contiguous
    np.add.at(flat, (rows[:, None] * _WIDTH + np.arange(_WIDTH)).reshape(-1), values.reshape(-1))


def _prefix(view: RollupView, q: _Query) -> tuple[Array, Array]:
    """(interval, pair) codes, ascending, and their sums, from the running totals."""
    b, d = view.base, view.delta
    bounds = q.lo + q.step * np.arange(q.n + 1, dtype=np.int64)
    kept = np.flatnonzero(q.keep)
    totals = np.stack(
        [
            q.level.prefix(b.segs.values, p)[kept]
            for p in np.searchsorted(b.segs.start, bounds, side="left").tolist()
        ]
    ).reshape(q.n + 1, kept.shape[0], _WIDTH)
    # one kept group per pair (a source filter keeps one source), ascending
    grid, pairs = _at_now(view, q, totals[1:] - totals[:-1], d.base_pair[q.level.pair[kept]])
    interval, column = np.nonzero(grid[:, :, 0])
    code = interval * d.pairs.shape[0] + pairs[column]
    return code, grid[interval, column]


def _scan(view: RollupView, q: _Query, i: int, j: int) -> tuple[Array, Array]:
    """(interval, pair) codes, ascending, and their sums, from the window's segments."""
    b, d = view.base, view.delta
    segs, ds = b.segs, d.segs
    pairs = d.pairs.shape[0]
    w = i + np.flatnonzero(q.keep[q.level.of_segment[i:j]])
    values = np.take(segs.values, w, axis=0)
    if len(q.fix):
        values[np.searchsorted(w, q.fix)] = 0  # a stale segment counts 0
        values[np.searchsorted(w, q.live)] = segs.at_now(q.live, q.now)
    code = (segs.start[w] - q.lo) // q.step * pairs + d.base_pair[b.by_pair.of_segment[w]]
    if len(q.delta):
        late = (ds.start[q.delta] - q.lo) // q.step * pairs + d.seg_pair[q.delta]
        code = np.concatenate((code, late))
        values = np.concatenate((values, ds.at_now(q.delta, q.now)))
    order = np.argsort(code, kind="stable")
    ordered = code[order]
    head = np.diff(ordered, prepend=-1) != 0
    cell = np.empty(len(code), dtype=np.int64)
    cell[order] = np.cumsum(head) - 1
    return ordered[head], sum_by(cell, values, int(np.count_nonzero(head)))


def sum_by(ids: Array, values: Array, groups: int) -> Array:
    """``(groups, fields)``: the rows of ``values`` summed per id (``0 <= id < groups``).

    One flat ``np.add.at`` (int64, exact; numpy's fast path) beats reduceat and
    cumulative sums along the rows of a 2-D array, whose inner loops are row by row.
    """
    width = values.shape[1]
    out = np.zeros(groups * width, dtype=np.int64)
    np.add.at(out, (ids[:, None] * width + np.arange(width)).reshape(-1), values.reshape(-1))
    return out.reshape(groups, width)
