"""Agents and skills tables of the seed 003 dashboard: rows, sorting, paging, CSV.

docs/metrics.md section 3.7. Rows are plain dicts keyed by AGENT_COLUMNS /
SKILL_COLUMNS. Sorting puts null values last in both orders and breaks ties
by ascending id, so pages are stable. The rows read the dashboard through
:class:`TableSource` (what oracle/_dashboard.py's Dashboard offers), so this
module does not import the dashboard.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from ccbench.eventlog import Roster

from ._arith import percent
from ._dashboard_outcomes import Closes, CloseStats
from ._dashboard_params import AGENT_COLUMNS, SKILL_COLUMNS, DashboardParams
from ._dashboard_state import DashboardState
from ._segment_table import Segments

__all__ = ["TableSource", "agents_rows", "page", "skills_rows", "sort_rows", "table_csv"]

I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]


class TableSource(Protocol):
    """The dashboard facts and selections the tables read."""

    roster: Roster
    segs: Segments
    closes: Closes
    slots: Mapping[int, int]  # agent -> max_slots
    skills_of: Mapping[int, frozenset[int]]  # agent -> skill ids

    def weights(
        self, state: DashboardState, params: DashboardParams
    ) -> tuple[I64, npt.NDArray[np.float64]]:
        """Agent and weight of every open segment kept by the filters."""
        ...

    def close_mask(self, params: DashboardParams, state: DashboardState, start: int) -> B:
        """Closed conversations of ``[start, now)`` (epoch ms) kept by the filters."""
        ...

    def close_stats(self, rows: B, now: int, csat_option: str) -> CloseStats:
        """What the selected closes add up to, surveys seen at ``now``."""
        ...


def _agent_loads(
    dash: TableSource, state: DashboardState, params: DashboardParams
) -> dict[int, tuple[int, int, float]]:
    """Per kept logged-in agent: (open, active, weight sum) over kept open segments."""
    agent, weight = dash.weights(state, params)
    s = dash.segs
    kept = state.keep[s.conv[state.seg_open]]
    act = state.seg_active[kept]
    out = {}
    for a in state.agent_ids:
        mine = agent == a
        # fsum: the correctly rounded sum, independent of the order of the weights
        out[a] = (int(mine.sum()), int((mine & act).sum()), math.fsum(weight[mine].tolist()))
    return out


def _closed_stats(
    dash: TableSource, params: DashboardParams, rows: B, resolved: B | None = None
) -> dict[str, Any]:
    """The close columns of a row: count and CSAT over ``rows``, resolution time over
    ``resolved`` (the same closes unless given)."""
    now = params.now_ms
    stats = dash.close_stats(rows, now, params.csat)
    res = stats if resolved is None else dash.close_stats(resolved, now, params.csat)
    return {
        "closed": stats.closed,
        "avg_resolution_time": res.avg_resolution_time,
        "csat": stats.csat,
        "csat_answered": stats.csat_answered,
    }


def agents_rows(
    dash: TableSource, state: DashboardState, params: DashboardParams, start: int
) -> list[dict[str, Any]]:
    """One row per logged-in agent kept by the filters (window ``[start, now)`` for closes)."""
    now = params.now_ms
    loads = _agent_loads(dash, state, params)
    closes = dash.close_mask(params, state, start)
    rows = []
    for a in state.agent_ids:
        presence = state.presence[a]
        if presence.status is None or presence.status_since is None:
            continue  # logged in nowhere (a logged-in agent always has a status time)
        agent = dash.roster.agent(a)
        assert agent is not None  # kept agents come from the roster
        n_open, n_active, weight = loads[a]
        rows.append(
            {
                "agent_id": a,
                "name": agent.name,
                "status": presence.status,
                "status_time_ms": now - presence.status_since,
                "open": n_open,
                "active": n_active,
                "load": percent(weight, agent.max_slots),
                **_closed_stats(dash, params, closes & (dash.closes.agent == a)),
            }
        )
    return rows


def skills_rows(
    dash: TableSource, state: DashboardState, params: DashboardParams, start: int
) -> list[dict[str, Any]]:
    """One row per roster skill kept by the skill filter: closed and CSAT over the last 12
    hours (seed 003: "within the last 12 hours"), the resolution time over the selected
    window ``[start, now)`` (seed 003: "Average resolution time for the time period
    selected")."""
    now = params.now_ms
    loads = _agent_loads(dash, state, params)
    closes = dash.close_mask(params, state, now - params.skills_window_ms)
    selected = dash.close_mask(params, state, start)
    base = state.open & state.keep
    rows = []
    for skill in sorted(dash.roster.skills, key=lambda k: k.id):
        if params.skill_ids is not None and skill.id not in params.skill_ids:
            continue
        in_skill = base & (state.conv_skill == skill.id)
        mine = dash.closes.skill == skill.id
        agents = [
            a for a in state.agent_ids
            if state.presence[a].status is not None
            and skill.id in dash.skills_of[a]
        ]  # fmt: skip
        statuses = [state.presence[a].status for a in agents]
        agent_loads = [percent(loads[a][2], dash.slots[a]) for a in agents]
        known = [x for x in agent_loads if x is not None]
        rows.append(
            {
                "skill_id": skill.id,
                "name": skill.name,
                "open": int(in_skill.sum()),
                "unassigned": int((in_skill & ~state.assigned).sum()),
                "assigned": int((in_skill & state.assigned).sum()),
                "load": math.fsum(known) / len(known) if known else None,
                "online": statuses.count("online"),
                "away": statuses.count("away"),
                "back_soon": statuses.count("back_soon"),
                "max_slots": sum(dash.slots[a] for a in agents),
                **_closed_stats(dash, params, closes & mine, selected & mine),
            }
        )
    return rows


def sort_rows(rows: list[dict[str, Any]], column: str, order: str) -> list[dict[str, Any]]:
    """Rows by ``column`` (null last in both orders), ties by ascending id."""
    id_key = "agent_id" if rows and "agent_id" in rows[0] else "skill_id"
    by_id = sorted(rows, key=lambda r: r[id_key])
    present = [r for r in by_id if r[column] is not None]
    missing = [r for r in by_id if r[column] is None]
    # Python's sort is stable with reverse=True too: ties keep ascending id.
    present.sort(key=lambda r: r[column], reverse=order == "desc")
    return present + missing


def page(
    rows: list[dict[str, Any]], number: int, size: int, column: str, order: str
) -> dict[str, Any]:
    """Sorted rows of page ``number`` (1-based) with the paging facts."""
    ordered = sort_rows(rows, column, order)
    return {
        "total": len(rows),
        "page": number,
        "page_size": size,
        "pages": -(-len(rows) // size),
        "sort": column,
        "order": order,
        "rows": ordered[(number - 1) * size : number * size],
    }


def table_csv(rows: Sequence[dict[str, Any]], table: str) -> str:
    """CSV export of a table's rows: header = the table's columns; null is an empty cell."""
    columns = AGENT_COLUMNS if table == "agents" else SKILL_COLUMNS
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for r in rows:
        writer.writerow(["" if r[c] is None else r[c] for c in columns])
    return out.getvalue()
