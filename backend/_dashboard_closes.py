"""The dashboard's closed conversations summed per scope at a ``now``, by running sums.

The reading is backend/_dashboard_summary.py's (docs/metrics.md 3.7): each
conversation's last close before now, when it is in ``[min(start, skills_lo),
now)``, of the request's channel, kept by the skill filter (skill at the
close) and the group filter (group of the close's agent, -1 without one),
summed per scope: the closed window ``[start, now)`` (``w``: every field),
per agent in it (``a``), per skill over ``[skills_lo, now)`` (``s``) and per
skill over the window (``r``); the per-key scopes carry the close fields only
(:data:`CLOSE_FIELDS`: the tables show no response times).

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
conversations, conversations still active at now): the first is read from the
list of re-closed closes, the second is a stabbing query (the close before now,
the conversation's last event at or after it; backend/_dashboard_stabbing.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ccbench.eventlog import CHANNELS

from ._dashboard_arrays import distinct, sum_sorted
from ._dashboard_facts import CHANGING, CLOSE_FIELDS, TIMED, close_rows, facts_at
from ._dashboard_index import NEVER, DashboardIndex
from ._dashboard_params import DashboardQuery
from ._dashboard_pending import pending_changes
from ._dashboard_roster import kept_ids
from ._dashboard_stabbing import Stabbing
from ._dashboard_summary import CloseSums, FamilySums

__all__ = ["CLOSE_FIELDS", "ClosedSums", "close_rows", "close_sums"]

I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]
M = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class ClosedSums:
    """The closes summed per scope (rows in :func:`close_rows` order; a key without
    closes has a row of zeros). ``agent_ids``/``skill_ids`` (ascending) key the
    per-key scopes' rows."""

    window: I64  # 'w': every field
    agent_ids: I64
    by_agent: M  # 'a': CLOSE_FIELDS columns
    skill_ids: I64
    by_skill: M  # 's'
    by_skill_window: M  # 'r'

    def closed_window(self) -> CloseSums:
        """The window's sums as :class:`CloseSums`."""
        t = self.window.tolist()
        return CloseSums(
            closed=t[0], by_consumer=t[1], by_agent=t[2], by_system=t[3], resolution_sum=t[4],
            csat_answered=t[5], csat_good=t[6], csat_sum=t[7], family=FamilySums(*t[8:]),
        )  # fmt: skip


class CloseCells:
    """Every close's final row, grouped into cells with running sums (see the module doc).

    A close followed by another of its conversation stops counting at that next close:
    its row is also entered negated at the next close's position, so a cell's running
    sum to ``b`` is that of the closes last before ``b``. Summing from a cut ``c`` instead
    of the start removes the negated rows of the pairs that straddle it (the first
    close before ``c``, the next at or after it): those are found by a stabbing query
    over the pairs (first, next] of positions, and added back.
    """

    def __init__(self, x: DashboardIndex) -> None:
        n = x.close_ts.shape[0]
        conv = x.close_conv
        rows = close_rows(x.close_ts, x.close_by, facts_at(x, np.maximum(conv, 0), NEVER))
        self.rows = rows
        channel = np.where(conv >= 0, x.channel_code[np.maximum(conv, 0)], -1)
        agent = np.where(x.close_agent.ok, x.close_agent.v, -1)
        skill = np.where(x.close_skill.ok, x.close_skill.v, -1)
        by_cell = np.lexsort((x.close_group, skill, agent, channel))
        table = np.stack([channel, agent, skill, x.close_group])[:, by_cell]
        new = np.ones(n, dtype=bool)
        new[1:] = (table[:, 1:] != table[:, :-1]).any(axis=0)
        cell = np.empty(n, dtype=np.int64)
        cell[by_cell] = np.cumsum(new) - 1
        self.cell = cell  # by close position; cells ascend by (channel, agent, skill, group)
        self.channel, self.agent, self.skill, self.group = table[:, new]
        self.agent_ids = distinct(self.agent[self.agent >= 0])
        self.skill_ids = distinct(self.skill[self.skill >= 0])
        self.agent_key = np.where(self.agent >= 0, np.searchsorted(self.agent_ids, self.agent), -1)
        self.skill_key = np.where(self.skill >= 0, np.searchsorted(self.skill_ids, self.skill), -1)
        # (first, next) closes of a conversation: the first's row leaves at the next
        self.first = np.flatnonzero(x.close_next < n)
        self.next = x.close_next[self.first]
        self.straddling = Stabbing(self.first, self.next)
        entry_cell = np.concatenate((cell, cell[self.first]))
        entry_pos = np.concatenate((np.arange(n), self.next))
        entry_row = np.concatenate((np.arange(n), self.first))
        sign = np.repeat(np.asarray([1, -1], dtype=np.int64), [n, self.first.shape[0]])
        self.width = n + 1
        keys = entry_cell * self.width + entry_pos
        order = np.argsort(keys)  # equal keys are summed together: any order among them
        self.keys = keys[order]
        self.sums = np.zeros((order.shape[0] + 1, rows.shape[1]), dtype=np.int64)
        np.cumsum(rows[entry_row[order]] * sign[order, None], axis=0, out=self.sums[1:])
        # what changes in them at a now (backend/_dashboard_pending.py)
        self.changing, self.timed = pending_changes(x, cell=cell, n_cells=self.channel.shape[0])

    def at(self, cells: I64, position: int | I64) -> I64:
        """Per cell, its running sums' index at ``position`` (one, or one per cell)."""
        out: I64 = np.searchsorted(self.keys, cells * self.width + position, side="left")
        return out


def close_sums(
    x: DashboardIndex,
    c: CloseCells,
    *,
    query: DashboardQuery,
    now: int,
    start: int,
    skills_lo: int,
) -> ClosedSums:
    """The closes summed per scope (see the module doc)."""
    ts = x.close_ts
    b, w, s = (int(v) for v in np.searchsorted(ts, [now, start, skills_lo]))
    kept = c.channel == CHANNELS.index(query.mode)
    if query.skill_ids is not None:
        kept &= kept_ids(c.skill, query.skill_ids)  # a NULL skill (-1) is never kept
    if query.group_ids is not None:
        kept &= kept_ids(c.group, query.group_ids)
    cells = np.flatnonzero(kept)  # ascending: by agent (one channel), the agents' order
    m = cells.shape[0]
    sums = np.take(c.sums, c.at(np.tile(cells, 3), np.repeat([b, w, s], m)), axis=0)
    # per kept cell, its closes in the window [start, now) and in [skills_lo, now)...
    window = sums[:m] - sums[m : 2 * m]
    skills = window[:, :CLOSE_FIELDS] + (
        sums[m : 2 * m, :CLOSE_FIELDS] - sums[2 * m :, :CLOSE_FIELDS]
    )
    # ...plus the pairs straddling the cut: the first's row was taken out at the next
    for cut, rows in ((w, window), (s, skills)):
        pair = c.straddling.at(cut)
        first = c.first[pair[(c.next[pair] < b) & kept[c.cell[c.first[pair]]]]]
        if first.shape[0]:  # few: conversations closed before the cut and again after
            np.add.at(rows, np.searchsorted(cells, c.cell[first]),
                      np.take(c.rows, first, axis=0)[:, : rows.shape[1]])  # fmt: skip
    # ...and what their closes' conversations change after now, still to come
    cuts = (start, skills_lo)
    for pending, cols in ((c.changing, CHANGING), (c.timed, TIMED)):
        w_change, s_change = pending.changes(cells, kept, now=now, cuts=cuts)
        window[:, cols] += w_change
        narrow = cols < CLOSE_FIELDS
        skills[:, cols[narrow]] += s_change[:, narrow]
    agent = c.agent_key[cells]
    by_skill = np.argsort(c.skill_key[cells])
    skill = c.skill_key[cells][by_skill]
    return ClosedSums(
        window=window.sum(axis=0),
        agent_ids=c.agent_ids,
        by_agent=sum_sorted(window[:, :CLOSE_FIELDS], agent, c.agent_ids.shape[0]),
        skill_ids=c.skill_ids,
        by_skill=sum_sorted(skills[by_skill], skill, c.skill_ids.shape[0]),
        by_skill_window=sum_sorted(window[by_skill, :CLOSE_FIELDS], skill, c.skill_ids.shape[0]),
    )
