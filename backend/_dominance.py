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
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from ._order import stable_order

__all__ = ["Dominance"]

I64 = npt.NDArray[np.int64]


class Dominance:
    """Counts (and weight sums, when ``weights`` are given) of the positions ``p < b``
    with ``values[p] < v``. Sums are exact integers (int64: the weights' total must fit)."""

    def __init__(self, values: I64, weights: I64 | None = None) -> None:
        n = int(values.shape[0])
        self.n = n
        self.block = block = max(16, 2 * math.isqrt(n))
        index = np.int32 if n < 2**31 else np.int64  # positions and ranks: half the memory
        order = stable_order(values).astype(index)  # rank -> position
        self.sorted_values = np.asarray(values, dtype=np.int64)[order]
        self.pos_of_rank: npt.NDArray[Any] = order
        self.rank_of_pos: npt.NDArray[Any] = np.empty_like(order)
        self.rank_of_pos[order] = np.arange(n, dtype=index)
        side = n // block + 1  # block indices 0..side-1 of positions and of ranks
        cell = (np.arange(n, dtype=np.int64) // block) * side + self.rank_of_pos // block
        self.grid = self._prefix(np.bincount(cell, minlength=side * side), side)
        self.weights: I64 | None = None
        if weights is not None:
            self.weights = w = np.asarray(weights, dtype=np.int64)
            # bincount's float sums are exact while every |sum| is below 2**53
            if float(np.abs(w.astype(np.float64)).sum()) < 2**53:
                sums = np.bincount(cell, weights=w, minlength=side * side).astype(np.int64)
            else:
                sums = np.zeros(side * side, dtype=np.int64)
                np.add.at(sums, cell, w)
            self.sum_grid = self._prefix(sums, side)
            self.weights_by_rank = w[order]
            self.sum_by_rank = np.zeros(n + 1, dtype=np.int64)
            np.cumsum(self.weights_by_rank, out=self.sum_by_rank[1:])

    @staticmethod
    def _prefix(cells: I64, side: int) -> I64:
        """``out[j, k]``: total of the cells of position blocks < j and rank blocks < k."""
        out = np.zeros((side + 1, side + 1), dtype=np.int64)
        out[1:, 1:] = cells.astype(np.int64).reshape(side, side).cumsum(0).cumsum(1)
        return out

    def below(self, b: Sequence[int], v: int) -> list[int]:
        """Per item of ``b`` (positions 0..n): how many positions ``p < b`` have a value ``< v``."""
        return self._below(b, v, weighted=False)[0]

    def below_with_sums(self, b: Sequence[int], v: int) -> tuple[list[int], list[int]]:
        """Per item of ``b``: the count as :meth:`below` and the sum of those positions'
        weights (0 without weights)."""
        return self._below(b, v, weighted=True)

    def _below(self, b: Sequence[int], v: int, *, weighted: bool) -> tuple[list[int], list[int]]:
        block = self.block
        c = int(self.sorted_values.searchsorted(v, side="left"))  # ranks [0, c): value < v
        k = c // block
        kb = k * block
        column = self.pos_of_rank[kb:c]  # ranks past the full rank blocks
        counts: list[int] = []
        sums: list[int] = []
        for bi in b:
            if bi >= self.n:  # every position: the ranks below c
                counts.append(c)
                if weighted:
                    sums.append(0 if self.weights is None else int(self.sum_by_rank[c]))
                continue
            j = bi // block
            # the partial row: positions [j * block, b) with a rank in the full rank blocks
            row = self.rank_of_pos[j * block : bi] < kb
            # the partial column: ranks [kb, c) at a position below b
            col = column < bi
            counts.append(
                int(self.grid[j, k]) + int(np.count_nonzero(row)) + int(np.count_nonzero(col))
            )
            if weighted:
                sums.append(
                    0
                    if self.weights is None
                    else int(self.sum_grid[j, k])
                    + int(self.weights[j * block : bi][row].sum())
                    + int(self.weights_by_rank[kb:c][col].sum())
                )
        return counts, sums
