"""Agents and skills tables of the dashboard: columns, sorting and paging (section 3.7).

Every column is computed for all rows as an array; only the sort column is read
for all of them, and only the rows of the requested page become dicts, in the
column order of DASHBOARD_AGENT_COLUMNS / DASHBOARD_SKILL_COLUMNS. Sorting puts
null values last in both orders and breaks ties by ascending id, so pages are
stable.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ._dashboard_closes import ClosedSums
from ._dashboard_current import Current
from ._dashboard_params import DashboardQuery
from ._dashboard_presence import PresenceNow
from ._dashboard_roster import RosterArrays, kept_ids

__all__ = ["Column", "agent_table", "close_columns", "paged", "skill_table"]

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
B = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Column:
    """A table column: values per row (an array or a list), null where ``ok`` is False
    (None: never null)."""

    values: npt.NDArray[Any] | list[Any]
    ok: B | None = None

    def at(self, rows: Sequence[int] | I64) -> list[Any]:
        """Python values of ``rows`` (None where null)."""
        if isinstance(self.values, list):
            got = [self.values[i] for i in rows]
        else:
            got = self.values[np.asarray(rows, dtype=np.int64)].tolist()
        if self.ok is None:
            return got
        ok = self.ok[np.asarray(rows, dtype=np.int64)].tolist()
        return [v if k else None for v, k in zip(got, ok, strict=True)]


def percent(part: npt.NDArray[Any], whole: npt.NDArray[Any]) -> Column:
    """``(100.0 * part) / whole`` per row, null where whole is 0 (the scalar rule of
    backend/_dashboard_core.percent, element-wise in float64)."""
    ok = whole != 0
    return Column(100.0 * part / np.where(ok, whole, 1), ok)


def mean_ms(total: I64, n: I64) -> Column:
    """Means (ms) truncated toward zero, null without samples (backend/_dashboard_core)."""
    ok = n != 0
    q = np.abs(total) // np.where(ok, n, 1)
    return Column(np.where(total >= 0, q, -q), ok)


def close_columns(
    sums: ClosedSums, which: str, ids: I64, query: DashboardQuery
) -> dict[str, Column]:
    """Closed, resolution time, CSAT and CSAT answers of the keys ``ids`` in the scope
    ``which`` (``by_agent``, ``by_skill`` or ``by_skill_window``) of ``sums``."""
    keys = sums.agent_ids if which == "by_agent" else sums.skill_ids
    table: I64 = getattr(sums, which)
    # a last row of zeros for the ids without closes (searchsorted past the end reads it)
    table = np.concatenate((table, np.zeros((1, table.shape[1]), dtype=np.int64)))
    at = np.searchsorted(keys, ids)
    at[np.append(keys, -1)[at] != ids] = keys.shape[0]
    rows = np.take(table, at, axis=0)
    closed, answered = rows[:, 0], rows[:, 5]
    if query.csat == "mean":
        csat = percent(rows[:, 7], 5 * answered)
    else:
        csat = percent(rows[:, 6], answered)
    return {
        "closed": Column(closed),
        "avg_resolution_time": mean_ms(rows[:, 4], closed),
        "csat": csat,
        "csat_answered": Column(answered),
    }


def agent_table(
    r: RosterArrays,
    *,
    kept: B,
    presence: PresenceNow,
    statuses: tuple[str, ...],
    cur: Current,
    sums: ClosedSums,
    query: DashboardQuery,
    now: int,
) -> dict[str, Column]:
    """One row per kept agent logged in at now (ascending id); closes are the window's."""
    rows = np.flatnonzero(kept & (presence.status >= 0))
    load = percent(cur.agent_weight[rows], r.slots[rows])
    return {
        "agent_id": Column(r.agent_ids[rows]),
        "name": Column([r.agent_names[i] for i in rows.tolist()]),
        "status": Column([statuses[s] for s in presence.status[rows].tolist()]),
        "status_time_ms": Column(now - presence.since[rows]),
        "open": Column(cur.agent_open[rows]),
        "active": Column(cur.agent_active[rows]),
        "load": load,
        **close_columns(sums, "by_agent", r.agent_ids[rows], query),
    }


def skill_table(
    r: RosterArrays,
    *,
    kept: B,
    presence: PresenceNow,
    statuses: tuple[str, ...],
    cur: Current,
    sums: ClosedSums,
    query: DashboardQuery,
) -> dict[str, Column]:
    """One row per roster skill kept by the skill filter: closed and CSAT over the last 12
    hours, the resolution time over the selected window (docs/metrics.md 3.7)."""
    rows = np.flatnonzero(kept_ids(r.skill_ids, query.skill_ids))
    present = kept & (presence.status >= 0)
    has_slots = r.slots != 0  # an agent without slots has no load, nor is it averaged
    load = 100.0 * cur.agent_weight / np.where(has_slots, r.slots, 1)
    agents = present[:, None] & r.has_skill[:, rows]  # (agent, kept skill)
    counts = {
        name: (agents & (presence.status == statuses.index(name))[:, None]).sum(axis=0)
        if name in statuses else np.zeros(rows.shape[0], dtype=np.int64)
        for name in _COUNTED
    }  # fmt: skip
    slots = (agents * r.slots[:, None]).sum(axis=0)
    loads = []
    for j in range(rows.shape[0]):  # correctly rounded sums: math.fsum per skill
        values = load[agents[:, j] & has_slots].tolist()
        loads.append(math.fsum(values) / len(values) if values else None)
    closes = close_columns(sums, "by_skill", r.skill_ids[rows], query)
    closes["avg_resolution_time"] = close_columns(
        sums, "by_skill_window", r.skill_ids[rows], query
    )["avg_resolution_time"]
    opened, assigned = cur.skill_open[rows], cur.skill_assigned[rows]
    return {
        "skill_id": Column(r.skill_ids[rows]),
        "name": Column([r.skill_names[j] for j in rows.tolist()]),
        "open": Column(opened),
        "unassigned": Column(opened - assigned),
        "assigned": Column(assigned),
        "load": Column(loads),
        "online": Column(counts["online"]),
        "away": Column(counts["away"]),
        "back_soon": Column(counts["back_soon"]),
        "max_slots": Column(slots),
        **closes,
    }


_COUNTED = ("online", "away", "back_soon")  # the skills table's status columns


def paged(
    columns: dict[str, Column], id_key: str, column: str, order: str, number: int, size: int
) -> dict[str, Any]:
    """Page ``number`` (1-based, ``size`` rows) of the rows (ascending id) sorted by
    ``column``."""
    values = columns[column].at(range(len(columns[id_key].values)))
    known = [i for i, v in enumerate(values) if v is not None]
    # sorted() is stable in both directions, so equal values keep ascending id.
    ordered = sorted(known, key=values.__getitem__, reverse=order == "desc")
    ordered += [i for i, v in enumerate(values) if v is None]
    page = ordered[(number - 1) * size : number * size]
    cells = [c.at(page) for c in columns.values()]
    total = len(values)
    return {
        "total": total,
        "page": number,
        "page_size": size,
        "pages": -(-total // size),
        "sort": column,
        "order": order,
        "rows": [dict(zip(columns, row, strict=True)) for row in zip(*cells, strict=True)],
    }
