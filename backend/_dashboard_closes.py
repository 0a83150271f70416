"""The dashboard's closed conversations summed per scope at a ``now``, by running sums.

The reading is backend/_dashboard_summary.py's (docs/metrics.md 3.7): each
conversation's last close before now, when it is in ``[min(start, skills_lo),
now)``, of the request's channel, kept by the skill filter (skill at the
close) and the group filter (group of the close's agent, -1 without one),
summed per scope: ``('w', None)`` over the closed window ``[start, now)``,
``('a', agent)`` per agent in it, ``('s', skill)`` per skill over
``[skills_lo, now)`` and ``('r', skill)`` per skill over the window.

A default 24-hour window holds tens of thousands of closes; summing their rows
per request cost ~10 ms of CPU. Instead, each close has a row of the fields it
adds (CloseSums then FamilySums order) computed once per index as if its
conversation were final (every event visible): the row at any now after the
conversation's last event. Closes are grouped into cells of equal (channel,
agent, skill, group), each cell in log order with running sums, so the sum of a
cell's closes in ``[cut, now)`` is two binary searches and a difference. Two
corrections make it exact: closes followed by another close of their
conversation before now (not the last one) are taken out, and closes whose
conversation has events at or after now get their row computed from the visible
events instead (backend/_dashboard_facts.py). Both sets are small (re-closed
conversations, conversations still active at now) and found by one pass of two
comparisons over the closes of the range.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ccbench.eventlog import CHANNELS

from ._dashboard_facts import NEVER, Facts, facts_at
from ._dashboard_index import DashboardIndex
from ._dashboard_params import DashboardQuery
from ._dashboard_summary import CloseSums, FamilySums

__all__ = ["close_sums"]

I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]
M = npt.NDArray[np.int64]


def close_rows(ts: I64, by: I64, f: Facts) -> M:
    """Per close, the CloseSums fields it adds (one row, CloseSums then FamilySums order)."""
    columns = (
        np.ones(ts.shape[0], dtype=np.int64), by == 0, by == 1, by == 2, ts - f.opened.v,
        f.csat.ok, f.csat.ok & (f.csat.v >= 4), f.csat.v,
        f.a_sum, f.a_n, f.c_sum, f.c_n, f.f_sum, f.f_n,
        f.ttfr.v, f.ttfr.ok, f.ttfr_consumer.v, f.ttfr_consumer.ok,
        f.ttfr_first_assign.v, f.ttfr_first_assign.ok, f.ttfa.v, f.ttfa.ok,
        f.mcs.v, f.mcs.ok, f.alerted.ok & (f.alerted.v == 1), f.alerted.ok & (f.alerted.v == -1),
    )  # fmt: skip
    return np.stack([np.asarray(c, dtype=np.int64) for c in columns], axis=1)


class _Cells:
    """Every close's final row, grouped into cells with running sums (see the module doc)."""

    def __init__(self, x: DashboardIndex) -> None:
        n = x.close_ts.shape[0]
        conv = x.close_conv
        self.rows = close_rows(x.close_ts, x.close_by, facts_at(x, np.maximum(conv, 0), NEVER))
        channel = np.where(conv >= 0, x.channel_code[np.maximum(conv, 0)], -1)
        agent = np.where(x.close_agent.ok, x.close_agent.v, -1)
        skill = np.where(x.close_skill.ok, x.close_skill.v, -1)
        table = np.stack([channel, agent, skill, x.close_group], axis=1).reshape(n, 4)
        keys, cell = np.unique(table, axis=0, return_inverse=True)
        cell = cell.reshape(-1).astype(np.int64)
        self.cell = cell  # by close position
        self.channel, self.agent, self.skill, self.group = (keys[:, j] for j in range(4))
        self.width = n + 1
        order = np.lexsort((np.arange(n), cell))
        self.keys = cell[order] * self.width + order  # (cell, position), ascending
        self.sums = np.zeros((n + 1, self.rows.shape[1]), dtype=np.int64)
        np.cumsum(self.rows[order], axis=0, out=self.sums[1:])
        # the ts of each close's conversation's last event: final at now iff before now
        self.last_event = np.where(conv >= 0, x.last_event_ts[np.maximum(conv, 0)], NEVER)

    def totals(self, cells: I64, lo: int, hi: int) -> M:
        """Per cell, the summed rows of its closes at positions ``[lo, hi)``."""
        a = np.searchsorted(self.keys, cells * self.width + lo, side="left")
        b = np.searchsorted(self.keys, cells * self.width + hi, side="left")
        out: M = self.sums[b] - self.sums[a]
        return out


def close_sums(
    x: DashboardIndex, *, query: DashboardQuery, now: int, start: int, skills_lo: int
) -> dict[tuple[str, int | None], CloseSums]:
    """The closes summed per scope (see the module doc); a scope and key without closes
    is absent, as a SQL group without rows."""
    c = x.memo("close_cells", _Cells)
    ts = x.close_ts
    lo = min(start, skills_lo)
    a, b, w, s = (int(v) for v in np.searchsorted(ts, [lo, now, start, skills_lo], side="left"))
    mode = CHANNELS.index(query.mode)
    kept = c.channel == mode
    if query.skill_ids is not None:
        kept &= np.isin(c.skill, list(query.skill_ids))  # a NULL skill (-1) is never kept
    if query.group_ids is not None:
        kept &= np.isin(c.group, list(query.group_ids))
    cells = np.flatnonzero(kept)
    # corrections: closes in [lo, now) of kept cells that are not their conversation's
    # last before now (out), or whose conversation has events at or after now (recomputed)
    later = x.close_next[a:b] < b
    out_pos = a + np.flatnonzero(later)
    out_pos = out_pos[kept[c.cell[out_pos]]]
    near = a + np.flatnonzero(~later & (c.last_event[a:b] >= now))
    near = near[kept[c.cell[near]]]
    fixed = close_rows(ts[near], x.close_by[near], facts_at(x, x.close_conv[near], now))
    fix_pos = np.concatenate((out_pos, near, near))
    fix_rows = np.concatenate((-c.rows[out_pos], -c.rows[near], fixed))
    fix_cell = c.cell[fix_pos]
    out: dict[tuple[str, int | None], CloseSums] = {}
    for scope, cut, key_of in (("w", w, None), ("a", w, c.agent), ("s", s, c.skill),
                               ("r", w, c.skill)):  # fmt: skip
        fix = fix_pos >= cut
        if key_of is None:
            total = c.totals(cells, cut, b).sum(axis=0) + fix_rows[fix].sum(axis=0)
            _put(out, scope, [None], total[None, :])
            continue
        chosen = cells[key_of[cells] >= 0]
        fix &= key_of[fix_cell] >= 0
        keys = np.concatenate((key_of[chosen], key_of[fix_cell[fix]]))
        rows = np.concatenate((c.totals(chosen, cut, b), fix_rows[fix]))
        if keys.shape[0] == 0:
            continue
        order = np.argsort(keys, kind="stable")
        k = keys[order]
        heads = np.flatnonzero(np.diff(k, prepend=k[0] - 1))
        _put(out, scope, k[heads].tolist(), np.add.reduceat(rows[order], heads, axis=0))
    return out


def _put(
    out: dict[tuple[str, int | None], CloseSums], scope: str, keys: list[int | None], totals: M
) -> None:
    for key, t in zip(keys, totals.tolist(), strict=True):
        if t[0]:  # a scope and key without closes is absent, as a SQL group without rows
            out[(scope, key)] = CloseSums(
                closed=t[0], by_consumer=t[1], by_agent=t[2], by_system=t[3],
                resolution_sum=t[4], csat_answered=t[5], csat_good=t[6], csat_sum=t[7],
                family=FamilySums(*t[8:]),
            )  # fmt: skip
