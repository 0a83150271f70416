"""Range counts over a frame's sorted rows or items, made once per frame, for the report.

docs/metrics.md section 5 counts things "in the period": distinct consumers among
the period's rows, rows of each reason or language in it, assignments started in it
and ended before its end (and the sum of their waits). Each is answered here by
binary searches and a 2-D dominance count (backend/_dominance.py), never by a mask
over the period's rows.
"""

from __future__ import annotations

import itertools

import numpy as np
import numpy.typing as npt

from ._dominance import Dominance
from ._order import stable_order

__all__ = ["CodeCounts", "Distinct", "Ended", "previous_same"]

I64 = npt.NDArray[np.int64]


def previous_same(keys: I64) -> I64:
    """Per position, the previous position with the same key (-1: none)."""
    order = stable_order(keys)
    same = np.zeros(order.shape[0], dtype=bool)
    same[1:] = keys[order[1:]] == keys[order[:-1]]
    prev = np.full(order.shape[0], -1, dtype=np.int64)
    prev[order[1:][same[1:]]] = order[:-1][same[1:]]
    return prev


class Distinct:
    """Positions of sorted ``rows`` with a key each (-1: none), for "how many distinct keys
    among positions ``[a, b)``" without a hash per request: a position counts when the
    previous position with its key (``prev``, -1) is before ``a``, a 2-D count (made once
    per frame)."""

    def __init__(self, rows: I64, keys: I64) -> None:
        self.rows = rows
        # a position without a key never counts: its value is beyond every a
        self.first = Dominance(np.where(keys >= 0, previous_same(keys), rows.shape[0]))
        self.keyed = np.zeros(rows.shape[0] + 1, dtype=np.int64)
        np.cumsum(keys >= 0, out=self.keyed[1:])

    def span(self, lo: int, hi: int) -> tuple[int, int]:
        """The positions ``[a, b)`` of rows in ``[lo, hi)``."""
        a, b = np.searchsorted(self.rows, [lo, hi], side="left")
        return int(a), int(b)

    def count(self, a: int, b: int) -> int:
        """Distinct keys (>= 0) among positions ``[a, b)``: those below b whose previous is
        below a, less the positions below a (each keyed one has its previous below a)."""
        return self.first.below((b,), a)[0] - int(self.keyed[a])


class CodeCounts:
    """Ascending ``rows`` with a code each (-1: none, up to ``n_codes - 1``): how many rows of
    each code lie in ``[lo, hi)``, by binary searches in the rows sorted by (code, row)."""

    def __init__(self, rows: I64, codes: I64, n_codes: int) -> None:
        self.width = int(rows[-1]) + 1 if rows.shape[0] else 1
        self.keys = np.sort((codes + 1) * self.width + rows)
        self.base = np.arange(n_codes + 1, dtype=np.int64) * self.width

    def counts(self, lo: int, hi: int) -> I64:
        """Per code + 1 (index 0: none): rows in ``[lo, hi)``."""
        lo, hi = min(lo, self.width), min(hi, self.width)
        a = np.searchsorted(self.keys, self.base + lo, side="left")
        b = np.searchsorted(self.keys, self.base + hi, side="left")
        out: I64 = b - a
        return out


class Ended:
    """Items of one kind by start time (ascending) with an end time and a weight: how many
    started in a window had ended before a time, and the sum of their weights. When no
    item ends before it starts, the items ended before ``t`` all started before ``t``: the
    window's last bound needs no 2-D count."""

    def __init__(self, start_ts: I64, end_ts: I64, weights: I64 | None = None) -> None:
        self.start_ts = start_ts
        self.ended = Dominance(end_ts, weights)
        self.ordered = bool(np.all(end_ts >= start_ts))

    def _at(self, bounds: list[int], before: int) -> list[int]:
        at: list[int] = self.start_ts.searchsorted(bounds, side="left").tolist()
        if self.ordered and bounds[-1] == before:
            at[-1] = self.start_ts.shape[0]
        return at

    def per_window(self, bounds: I64, before: int) -> list[int]:
        """Per window ``[bounds[d], bounds[d+1])``: items started in it with an end before
        ``before``."""
        below = self.ended.below(self._at(bounds.tolist(), before), before)
        return [b - a for a, b in itertools.pairwise(below)]

    def in_window(self, start: int, end: int, before: int) -> tuple[int, int]:
        """(count, weight sum) of the items started in ``[start, end)`` with an end before
        ``before``."""
        (ca, cb), (wa, wb) = self.ended.below_with_sums(self._at([start, end], before), before)
        return cb - ca, wb - wa
