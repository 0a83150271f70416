"""Which of many intervals contain an instant: ``lo < t <= hi`` (``hi`` NEVER: no end).

The dashboard asks it at every request of conversation lives (open at now), agent
segments (open at now), chat queue stays (waiting at now) and closes (their
conversation has events at or after now). Each set holds tens of thousands of
intervals of which a few hundred contain a given now; a mask over all of them cost
a few tenths of a ms per request. Most intervals are short: those of length at
most ``H`` that contain ``t`` start in ``[t - H, t)``, a range of the
start-sorted short intervals found by binary search; the few longer (or
endless) ones are scanned. ``H`` is chosen once to minimise the expected work,
the short intervals starting in a span of ``H`` plus the long ones.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["Stabbing"]

I64 = npt.NDArray[np.int64]
_INT64_MIN = int(np.iinfo(np.int64).min)


class Stabbing:
    """Intervals ``(lo[i], hi[i]]`` (ids ``i``; ``0 <= lo <= hi``: epoch ms) indexed for
    :meth:`at`."""

    def __init__(self, lo: I64, hi: I64) -> None:
        n = lo.shape[0]
        length = hi - lo  # no overflow: 0 <= lo <= hi
        self.horizon = 0
        finite = np.sort(length[length < 2**62])  # an endless interval is never short
        if finite.shape[0]:
            span = float(max(int(lo.max()) - int(lo.min()), 1))
            # cost of H = finite[k]: the short ones starting within H of t, plus the rest
            cost = finite * (n / span) + (n - 1 - np.arange(finite.shape[0]))
            self.horizon = int(finite[int(np.argmin(cost))])
        short = length <= self.horizon
        ids = np.flatnonzero(short)
        ids = ids[np.argsort(lo[ids])]
        self.short_ids, self.short_lo, self.short_hi = ids, lo[ids], hi[ids]
        ids = np.flatnonzero(~short)
        ids = ids[np.argsort(lo[ids])]
        self.long_ids, self.long_lo, self.long_hi = ids, lo[ids], hi[ids]

    def at(self, t: int) -> I64:
        """Ids of the intervals with ``lo < t <= hi``, in no particular order."""
        a, b = np.searchsorted(self.short_lo, [max(t - self.horizon, _INT64_MIN), t])
        c = int(np.searchsorted(self.long_lo, t))
        out: I64 = np.concatenate((
            self.short_ids[a:b][self.short_hi[a:b] >= t],
            self.long_ids[:c][self.long_hi[:c] >= t],
        ))  # fmt: skip
        return out
