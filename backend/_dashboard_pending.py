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

from ._dashboard_facts import close_rows, facts_as_of
from ._dashboard_index import END, FA, FCA, FH, FIRST, FM_HI, FM_LO, NEVER, OPENED, DashboardIndex
from ._dashboard_stabbing import Stabbing

__all__ = ["CHANGING", "TIMED", "Pending", "pending_changes"]

I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]
M = npt.NDArray[np.int64]
#: Close-row columns (backend/_dashboard_facts.close_rows) set by the latest facts:
#: csat_answered, csat_good, csat_sum, response sums and counts, mcs sum and count,
#: positive and negative alerts.
CHANGING = np.asarray([5, 6, 7, 8, 9, 10, 11, 22, 23, 24, 25])
#: Close-row columns set by the instants before now: resolution, first-message sums and
#: counts, ttfr, ttfr_consumer, ttfr_first_assign and ttfa with their counts.
TIMED = np.asarray([4, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21])


@dataclass(frozen=True, slots=True)
class _Items:
    """Changes of close rows: pending over ``(lo, hi]`` (ms), of the closes' cells."""

    lo: I64
    hi: I64
    cell: I64
    weight: M


class Pending:
    """Items with running sums per cell (see the module doc), one set per column group."""

    def __init__(self, items: _Items, n_cells: int) -> None:
        self.n_cells = n_cells
        self.lo, self.hi, self.cell = items.lo, items.hi, items.cell
        self.times = np.unique(np.concatenate((items.lo, items.hi)))
        width = self.times.shape[0] + 1
        self.by_lo = _Running(items.cell, np.searchsorted(self.times, items.lo), items.weight,
                              width)  # fmt: skip
        self.by_hi = _Running(items.cell, np.searchsorted(self.times, items.hi), items.weight,
                              width)  # fmt: skip
        self.spans = Stabbing(items.lo, items.hi)

    def changes(self, cells: I64, kept: B, *, now: int, cuts: tuple[int, ...]) -> list[M]:
        """Per cut (a scope's start, ms), per cell of ``cells`` (ascending; ``kept``: the
        kept cells as a mask), the changes pending at ``now`` of its closes at or after
        the cut."""
        rank = int(np.searchsorted(self.times, now))
        pending = self.by_lo.before(cells, rank) - self.by_hi.before(cells, rank)
        out = []
        for cut in cuts:
            span = self.spans.at(cut)
            span = span[(self.hi[span] >= now) & kept[self.cell[span]]]
            total = pending.copy()
            if span.shape[0]:
                at = np.searchsorted(cells, self.cell[span])
                np.subtract.at(total, at, self.by_lo.weights(span))
            out.append(total)
        return out


class _Running:
    """Item weights by (cell, instant rank) with running sums."""

    def __init__(self, cell: I64, rank: I64, weight: M, width: int) -> None:
        order = np.lexsort((rank, cell))
        self.keys = cell[order] * width + rank[order]
        self.width = width
        self.where = np.empty(order.shape[0], dtype=np.int64)  # an item's place in order
        self.where[order] = np.arange(order.shape[0])
        self.sums = np.zeros((order.shape[0] + 1, weight.shape[1]), dtype=np.int64)
        np.cumsum(weight[order], axis=0, out=self.sums[1:])

    def before(self, cells: I64, rank: int) -> M:
        """Per cell, its items' weights summed over instants ranked below ``rank``."""
        at = np.searchsorted(self.keys, cells * self.width + rank)
        start = np.searchsorted(self.keys, cells * self.width)
        out: M = np.take(self.sums, at, axis=0) - np.take(self.sums, start, axis=0)
        return out

    def weights(self, items: I64) -> M:
        """The weights of ``items`` (differences of the running sums: not kept apart)."""
        k = self.where[items]
        out: M = np.take(self.sums, k + 1, axis=0) - np.take(self.sums, k, axis=0)
        return out


def _ranges(lo: I64, n: I64) -> tuple[I64, I64]:
    """(owner, position) of every position of the ranges ``[lo[j], lo[j] + n[j])``."""
    owner = np.repeat(np.arange(lo.shape[0], dtype=np.int64), n)
    return owner, np.repeat(lo, n) + np.arange(owner.shape[0]) - np.repeat(np.cumsum(n) - n, n)


def _row(x: DashboardIndex, convs: I64, positions: I64, now: int | I64, cols: I64) -> M:
    """Columns ``cols`` of a close row of ``convs`` with the latest facts read at
    ``positions`` (-1: before any event) and the instants before ``now``."""
    f = facts_as_of(x, convs, positions, now)
    zeros = np.zeros(convs.shape[0], dtype=np.int64)
    out: M = close_rows(zeros, zeros, f)[:, cols]
    return out


def _position_items(x: DashboardIndex, closes: I64, next_ts: I64) -> _Items:
    """A change of the CHANGING columns at each event position after each close."""
    ts, conv = x.close_ts[closes], x.close_conv[closes]
    c = np.take(x.conv_table, conv, axis=0)
    keys = conv * x.width
    # the positions after the close (ts above it), and those from the next close on
    after = np.searchsorted(x.conv_keys, keys + np.searchsorted(x.ev_ts, ts, side="right"))
    tail = np.searchsorted(x.conv_keys, keys + np.searchsorted(x.ev_ts, next_ts))
    tail = np.maximum(np.where(next_ts < NEVER, tail, c[:, END]), after)
    owner, pos = _ranges(after, tail - after)
    oc = conv[owner]
    change = _row(x, oc, pos, NEVER, CHANGING) - _row(
        x, oc, np.where(pos > c[owner, FIRST], pos - 1, -1), NEVER, CHANGING
    )
    rest = _row(x, conv, c[:, END] - 1, NEVER, CHANGING) - _row(
        x, conv, np.where(tail > c[:, FIRST], tail - 1, -1), NEVER, CHANGING
    )
    return _Items(
        lo=np.concatenate((ts[owner], ts)),
        hi=np.concatenate((x.ev_ts[x.conv_rows[pos]], next_ts)),
        cell=np.concatenate((owner, np.arange(closes.shape[0]))),  # close index for now
        weight=-np.concatenate((change, rest)),
    )


def _instant_items(x: DashboardIndex, closes: I64, next_ts: I64) -> _Items:
    """A change of the TIMED columns at each instant of the conversation after the close."""
    ts, conv = x.close_ts[closes], x.close_conv[closes]
    c = np.take(x.conv_table, conv, axis=0)
    owner, pos = _ranges(c[:, FM_LO], c[:, FM_HI] - c[:, FM_LO])
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
    last = c[:, END] - 1
    change = _row(x, conv[who], last[who], when + 1, TIMED) - _row(
        x, conv[who], last[who], when, TIMED
    )
    rest = _row(x, conv, last, NEVER, TIMED) - _row(x, conv, last, next_ts, TIMED)
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
