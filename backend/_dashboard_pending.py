"""The changes still to come, at a now, to the rows of the closes last before it.

backend/_dashboard_closes.py sums each close's row as if every event of its
conversation were visible; at a now, the events at or after now are not. A close
row is its own constants plus two parts that depend on now separately: the
:data:`CHANGING` columns (CSAT, response sums and counts, MCS and alert flags) are
a function of the conversation's last visible event position
(backend/_dashboard_latest.py), and the :data:`TIMED` ones (resolution, first-
message samples, the first-response family) of which of the conversation's
instants are before now (opening, first human and first agent-side answers,
first human accept, first-message samples; backend/_dashboard_facts.py). So the
row at now is the final row less the changes at the event positions and instants
not yet before now: each such change after the close is an *item*, pending over
the interval (close ts, min(its ts, next close ts)] of now. (A close stops
counting once its conversation is closed again, so the changes at or after the
next close are one item ending there.)

At a now, the items pending of the closes of a scope (close ts at or after the
scope's start) are those with ``lo < now <= hi`` less those with ``lo < start``.
Per cell of closes, the first are two running sums (items by lo, and by hi,
before now); the second are the items pending over the whole scope, few, found
by a stabbing query at the start. A request thus reads the cells it sums, where
it computed the facts at now of every close still pending (over a thousand at
busy hours).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ._dashboard_arrays import distinct, first_from, ranges
from ._dashboard_facts import changing_columns, timed_columns
from ._dashboard_index import END, FA, FCA, FH, FIRST, FM_HI, FM_LO, NEVER, OPENED, DashboardIndex
from ._dashboard_stabbing import Stabbing

__all__ = ["Pending", "pending_changes"]

I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]
M = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class _Items:
    """Changes of close rows: pending over ``(lo, hi]`` (ms), of the closes' cells."""

    lo: I64
    hi: I64
    cell: I64
    weight: M


class Pending:
    """Items with running sums per cell (see the module doc), one set per column group.

    An item enters its cell's running sum at its lo and leaves it at its hi, so a cell's
    sum over the instants before now is that of its items with ``lo < now <= hi``: one
    binary search per cell. The items pending over a cut are found by a stabbing query."""

    def __init__(self, items: _Items, n_cells: int) -> None:
        self.lo, self.hi, self.cell, self.weight = items.lo, items.hi, items.cell, items.weight
        self.times = distinct(np.concatenate((items.lo, items.hi)))
        self.width = self.times.shape[0] + 1
        k = items.lo.shape[0]
        cell = np.concatenate((items.cell, items.cell))
        rank = np.searchsorted(self.times, np.concatenate((items.lo, items.hi)))
        keys = cell * self.width + rank
        order = np.argsort(keys)  # equal keys are summed together: any order among them
        self.keys = keys[order]
        sign = np.repeat(np.asarray([1, -1], dtype=np.int64), [k, k])[order]
        rows = np.concatenate((np.arange(k), np.arange(k)))[order]
        self.sums = np.zeros((2 * k + 1, items.weight.shape[1]), dtype=np.int64)
        np.cumsum(items.weight[rows] * sign[:, None], axis=0, out=self.sums[1:])
        # a cell's running sums start after the cells before it: the sums there, per cell
        self.base = self.sums[np.searchsorted(self.keys, np.arange(n_cells) * self.width)]
        self.spans = Stabbing(items.lo, items.hi)

    def changes(self, cells: I64, kept: B, *, now: int, cuts: tuple[int, ...]) -> list[M]:
        """Per cut (a scope's start, ms), per cell of ``cells`` (ascending; ``kept``: the
        kept cells as a mask), the changes pending at ``now`` of its closes at or after
        the cut."""
        rank = int(np.searchsorted(self.times, now))
        at = np.searchsorted(self.keys, cells * self.width + rank)
        pending = np.take(self.sums, at, axis=0) - np.take(self.base, cells, axis=0)
        out = []
        for cut in cuts:
            span = self.spans.at(cut)
            span = span[(self.hi[span] >= now) & kept[self.cell[span]]]
            total = pending
            if span.shape[0]:  # few: the items pending over the whole scope
                total = pending.copy()
                np.subtract.at(total, np.searchsorted(cells, self.cell[span]), self.weight[span])
            out.append(total)
        return out


def _changing(x: DashboardIndex, positions: I64) -> M:
    """The CHANGING columns with the latest facts read at ``positions`` (-1: none)."""
    return changing_columns(np.take(x.latest.table, positions, axis=0))


def _timed(x: DashboardIndex, convs: I64, now: int | I64) -> M:
    """The TIMED columns of ``convs`` at ``now`` (one per conversation, or one)."""
    out, _ = timed_columns(x, np.take(x.conv_table, convs, axis=0), now)
    return out


def _position_items(x: DashboardIndex, closes: I64, next_ts: I64) -> _Items:
    """A change of the CHANGING columns at each event position after each close."""
    ts, conv = x.close_ts[closes], x.close_conv[closes]
    c = np.take(x.conv_table, conv, axis=0)
    # the positions after the close (ts above it), and those from the next close on
    after = first_from(x.pos_ts, c[:, FIRST], c[:, END], ts + 1)
    tail = np.maximum(first_from(x.pos_ts, c[:, FIRST], c[:, END], next_ts), after)
    owner, pos = ranges(after, tail - after)
    change = _changing(x, pos) - _changing(x, np.where(pos > c[owner, FIRST], pos - 1, -1))
    rest = _changing(x, np.where(c[:, END] > c[:, FIRST], c[:, END] - 1, -1)) - _changing(
        x, np.where(tail > c[:, FIRST], tail - 1, -1)
    )
    return _Items(
        lo=np.concatenate((ts[owner], ts)),
        hi=np.concatenate((x.pos_ts[pos], next_ts)),
        cell=np.concatenate((owner, np.arange(closes.shape[0]))),  # close index for now
        weight=-np.concatenate((change, rest)),
    )


def _instant_items(x: DashboardIndex, closes: I64, next_ts: I64) -> _Items:
    """A change of the TIMED columns at each instant of the conversation after the close."""
    ts, conv = x.close_ts[closes], x.close_conv[closes]
    c = np.take(x.conv_table, conv, axis=0)
    owner, pos = ranges(c[:, FM_LO], c[:, FM_HI] - c[:, FM_LO])
    sample = np.maximum(x.fm_start[pos], x.fm_first[pos])  # seen once both are before now
    k = closes.shape[0]
    who = np.concatenate([np.arange(k)] * 4 + [owner])
    when = np.concatenate([c[:, col] for col in (OPENED, FH, FCA, FA)] + [sample])
    later = (when > ts[who]) & (when < next_ts[who])
    who, when = who[later], when[later]
    order = np.lexsort((when, who))
    who, when = who[order], when[order]
    distinct = np.ones(who.shape[0], dtype=bool)
    distinct[1:] = (who[1:] != who[:-1]) | (when[1:] != when[:-1])
    who, when = who[distinct], when[distinct]
    change = _timed(x, conv[who], when + 1) - _timed(x, conv[who], when)
    rest = _timed(x, conv, NEVER) - _timed(x, conv, next_ts)
    return _Items(
        lo=np.concatenate((ts[who], ts)),
        hi=np.concatenate((when, next_ts)),
        cell=np.concatenate((who, np.arange(k))),
        weight=-np.concatenate((change, rest)),
    )


def pending_changes(x: DashboardIndex, *, cell: I64, n_cells: int) -> tuple[Pending, Pending]:
    """The pending changes of every close's CHANGING and TIMED columns (``cell``: each
    close's cell)."""
    n = x.close_ts.shape[0]
    closes = np.flatnonzero(x.close_conv >= 0)  # the others are of no channel: never kept
    nxt = x.close_next[closes]
    next_ts = np.where(nxt < n, x.close_ts[np.minimum(nxt, max(n - 1, 0))], NEVER)
    out = []
    for items in (_position_items(x, closes, next_ts), _instant_items(x, closes, next_ts)):
        keep = np.flatnonzero(items.weight.any(axis=1))
        out.append(
            Pending(
                _Items(items.lo[keep], items.hi[keep], cell[closes][items.cell[keep]],
                       items.weight[keep]),
                n_cells,
            )
        )  # fmt: skip
    return out[0], out[1]
