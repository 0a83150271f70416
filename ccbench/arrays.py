"""Lookups that may find nothing: ``values[index]`` where the index points into ``values``,
a fill value where it does not.

Every lookup of "the row of the last X before Y" or "the agent of row r", in the
oracle and in the reference backend alike, can miss (-1, or a "no such event"
sentinel past the end). The tempting ``np.where(i >= 0, values[np.maximum(i, 0)], -1)``
evaluates ``values[0]`` even where every ``i`` misses, and so raises ``IndexError``
when ``values`` is empty: a valid log without any accept, message or routing event.
:func:`take` is the one lookup both use instead (docs/metrics.md section 0, "Input":
every valid log gets an answer). It computes no metric, so sharing it keeps the two
implementations independent.
"""

from __future__ import annotations

from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

__all__ = ["take"]

T = TypeVar("T", bound=np.generic)


def take(
    values: npt.NDArray[T], index: npt.NDArray[np.integer[Any]], *, missing: Any
) -> npt.NDArray[T]:
    """``values[index]`` element-wise, ``missing`` where ``index`` is outside
    ``[0, len(values))`` (a -1 or NONE sentinel); never indexes an empty array.

    The result has ``index``'s shape and ``values``' dtype (``missing`` must fit it).
    """
    n = values.shape[0]
    if n == 0:
        return np.full(index.shape, missing, dtype=values.dtype)
    ok = (index >= 0) & (index < n)
    found = values.take(np.clip(index, 0, n - 1))  # every position valid: no IndexError
    out: npt.NDArray[T] = np.where(ok, found, missing).astype(values.dtype, copy=False)
    return out
