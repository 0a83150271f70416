"""Agents and skills tables of the dashboard: rows, sorting and paging (section 3.7).

Rows are dicts in the column order of AGENT_TABLE_COLUMNS / SKILL_TABLE_COLUMNS.
Sorting puts null values last in both orders and breaks ties by ascending id,
so pages are stable.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from ._dashboard_core import Context, close_stats, percent
from ._dashboard_sql import ConvFacts

__all__ = ["agent_rows", "paged", "skill_rows"]

_CLOSE_COLUMNS = ("closed", "avg_resolution_time", "csat", "csat_answered")


def _close_columns(
    ctx: Context, key: tuple[str, int], resolved: tuple[str, int] | None = None
) -> dict[str, Any]:
    """A row's close columns from scope ``key``; the resolution time from ``resolved``
    when given (the skills table's selected period)."""
    stats = close_stats(ctx.closes.get(key), ctx.query.csat)
    if resolved is not None:
        res = close_stats(ctx.closes.get(resolved), ctx.query.csat)
        stats["avg_resolution_time"] = res["avg_resolution_time"]
    return {k: stats[k] for k in _CLOSE_COLUMNS}


def _agent_load(ctx: Context, agent: int, weights: dict[int, list[tuple[float, bool]]]) -> Any:
    return percent(math.fsum(w for w, _ in weights.get(agent, ())), ctx.max_slots(agent))


def agent_rows(ctx: Context, weights: dict[int, list[tuple[float, bool]]]) -> list[dict[str, Any]]:
    """One row per kept agent logged in at now; closes are the window's (``weights``: per
    agent, (weight, active) of its kept assigned conversations)."""
    rows = []
    for a in ctx.kept_agents:
        presence = ctx.presence[a]
        if presence.status is None or presence.since is None:
            continue
        agent = ctx.roster.agent(a)
        assert agent is not None  # kept agents come from the roster
        mine = weights.get(a, [])
        rows.append(
            {
                "agent_id": a,
                "name": agent.name,
                "status": presence.status,
                "status_time_ms": ctx.now - presence.since,
                "open": len(mine),
                "active": sum(1 for _, active in mine if active),
                "load": _agent_load(ctx, a, weights),
                **_close_columns(ctx, ("a", a)),
            }
        )
    return rows


def skill_rows(
    ctx: Context,
    weights: dict[int, list[tuple[float, bool]]],
    kept_open: Sequence[ConvFacts],
) -> list[dict[str, Any]]:
    """One row per roster skill kept by the skill filter: closed and CSAT over the last 12
    hours, the resolution time over the selected window (docs/metrics.md 3.7)."""
    open_of: dict[int | None, list[ConvFacts]] = {}
    for c in kept_open:
        open_of.setdefault(c.cur_skill, []).append(c)
    rows = []
    for skill in sorted(ctx.roster.skills, key=lambda k: k.id):
        if not ctx.skill_kept(skill.id):
            continue
        mine = open_of.get(skill.id, [])
        agents = [
            a for a in ctx.kept_agents
            if ctx.presence[a].status is not None
            and ctx.has_skill(a, skill.id)
        ]  # fmt: skip
        statuses = [ctx.presence[a].status for a in agents]
        loads = [x for x in (_agent_load(ctx, a, weights) for a in agents) if x is not None]
        assigned = sum(1 for c in mine if c.seg_agent is not None)
        rows.append(
            {
                "skill_id": skill.id,
                "name": skill.name,
                "open": len(mine),
                "unassigned": len(mine) - assigned,
                "assigned": assigned,
                "load": math.fsum(loads) / len(loads) if loads else None,
                "online": statuses.count("online"),
                "away": statuses.count("away"),
                "back_soon": statuses.count("back_soon"),
                "max_slots": sum(ctx.max_slots(a) for a in agents),
                **_close_columns(ctx, ("s", skill.id), ("r", skill.id)),
            }
        )
    return rows


def paged(
    rows: list[dict[str, Any]], id_key: str, column: str, order: str, number: int, size: int
) -> dict[str, Any]:
    """Page ``number`` (1-based, ``size`` rows) of ``rows`` sorted by ``column``."""
    by_id = sorted(rows, key=lambda r: r[id_key])
    known = [r for r in by_id if r[column] is not None]
    # sorted() is stable in both directions, so equal values keep ascending id.
    ordered = sorted(known, key=lambda r: r[column], reverse=order == "desc")
    ordered += [r for r in by_id if r[column] is None]
    return {
        "total": len(rows),
        "page": number,
        "page_size": size,
        "pages": -(-len(rows) // size),
        "sort": column,
        "order": order,
        "rows": ordered[(number - 1) * size : number * size],
    }
