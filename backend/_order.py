"""The stable sort order of int64 keys, fast for the small codes the indexes sort by.

numpy's stable sort is a radix sort for 16-bit integers and a merge sort (timsort)
for wider ones, several times slower on the 10**5..10**6 conversation, consumer or
position codes the report index sorts at build time. Keys spanning less than 2**32
are sorted here by one or two stable 16-bit radix passes (least significant half
first); other keys by numpy's stable sort. Either way: ties keep their order.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["stable_order"]

I64 = npt.NDArray[np.int64]


def stable_order(keys: I64) -> I64:
    """The positions of ``keys`` in ascending key order, equal keys in position order."""
    keys = np.asarray(keys, dtype=np.int64)
    if keys.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    low = int(keys.min())
    span = int(keys.max()) - low
    if span >= 2**32:
        return np.argsort(keys, kind="stable").astype(np.int64)
    shifted = keys - low
    order = np.argsort((shifted & 0xFFFF).astype(np.uint16), kind="stable")
    if span >= 2**16:
        high = (shifted >> 16).astype(np.uint16)
        order = order[np.argsort(high[order], kind="stable")]
    return order.astype(np.int64)
