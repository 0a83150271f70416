"""2-D dominance counts over a sequence: of the positions below ``b``, how many have a value
below ``v`` (and the sum of their weights), without a pass over the sequence per query.

Many report figures are such counts over a period: "messages of the period whose
conversation opened in the period", "assignments started in the period and ended
before its end", "positions whose previous one with the same key is before the
period". A :class:`Dominance` answers them in O(sqrt n) time after an O(n log n)
build, in O(n) memory: a grid of prefix counts over blocks of B positions by blocks
of B ranks (the value order), and two scans of at most one block each for the
partial row and column (B = 2 sqrt(n), so the grid holds about n / 4 cells).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

__all__ = ["Dominance"]

I64 = npt.NDArray[np.int64]


class Dominance:
    """Counts (and weight sums, when ``weights`` are given) of the positions ``p < b``
    with ``values[p] < v``. Sums are exact integers (int64: the weights' total must fit)."""

    def __init__(self, values: I64, weights: I64 | None = None) -> None:
        n = int(values.shape[0])
        self.n = n
        self.block = block = max(16, 2 * math.isqrt(n))
        order = np.argsort(values, kind="stable").astype(np.int64)  # rank -> position
        self.sorted_values = np.asarray(values, dtype=np.int64)[order]
        self.pos_of_rank = order
        self.rank_of_pos = np.empty(n, dtype=np.int64)
        self.rank_of_pos[order] = np.arange(n, dtype=np.int64)
        side = n // block + 1  # block indices 0..side-1 of positions and of ranks
        cell = (np.arange(n, dtype=np.int64) // block) * side + self.rank_of_pos // block
        self.grid = self._prefix(np.bincount(cell, minlength=side * side), side)
        self.weights: I64 | None = None
        if weights is not None:
            w = np.asarray(weights, dtype=np.int64)
            sums = np.zeros(side * side, dtype=np.int64)
            np.add.at(sums, cell, w)  # integer sums: exact, unlike bincount's float weights
            self.sum_grid = self._prefix(sums, side)
            self.weights = w
            self.weights_by_rank = w[order]

    @staticmethod
    def _prefix(cells: I64, side: int) -> I64:
        """``out[j, k]``: total of the cells of position blocks < j and rank blocks < k."""
        out = np.zeros((side + 1, side + 1), dtype=np.int64)
        out[1:, 1:] = cells.astype(np.int64).reshape(side, side).cumsum(0).cumsum(1)
        return out

    def below(self, b: I64, v: int) -> I64:
        """Per item of ``b`` (positions 0..n): how many positions ``p < b`` have a value ``< v``."""
        return self._below(np.asarray(b, dtype=np.int64), v, weighted=False)

    def sum_below(self, b: I64, v: int) -> I64:
        """Per item of ``b``: the sum of the weights of the positions ``p < b`` with a value
        ``< v``."""
        return self._below(np.asarray(b, dtype=np.int64), v, weighted=True)

    def _below(self, b: I64, v: int, *, weighted: bool) -> I64:
        block = self.block
        c = int(np.searchsorted(self.sorted_values, v, side="left"))  # ranks [0, c): value < v
        k = c // block
        kb = k * block
        j = b // block
        grid = self.sum_grid if weighted else self.grid
        out: I64 = grid[j, k].copy()
        # the partial row: positions [j * block, b) with a rank below the full rank blocks
        for i, (bi, ji) in enumerate(zip(b.tolist(), j.tolist(), strict=True)):
            inside = self.rank_of_pos[ji * block : bi] < kb
            if weighted:
                assert self.weights is not None
                out[i] += int(self.weights[ji * block : bi][inside].sum())
            else:
                out[i] += int(np.count_nonzero(inside))
        # the partial column: ranks [kb, c) at a position below b
        pos = self.pos_of_rank[kb:c]
        by_pos = np.argsort(pos)
        at = np.searchsorted(pos[by_pos], b, side="left")
        if weighted:
            cum = np.zeros(pos.shape[0] + 1, dtype=np.int64)
            np.cumsum(self.weights_by_rank[kb:c][by_pos], out=cum[1:])
            out += cum[at]
        else:
            out += at
        return out
