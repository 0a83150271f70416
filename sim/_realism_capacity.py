"""Occupancy, concurrency and saturation by hour, per pool (roster group) and per skill.

For the human agents who can be routed to (user type human, role not
manager), from the log alone:

- an agent is *logged in* while it is logged in to at least one site
  (``agent.login`` / ``agent.logout``), whatever its status;
- it *holds* the conversations of its open segments that take a slot (every
  human segment but a manager's after a takeover);
- per hour: occupancy = held conversation-time / (max_slots x logged-in time),
  concurrency = held conversation-time / logged-in time (conversations per
  logged-in agent), at max = time at max_slots / logged-in time, agents =
  logged-in time / 1 h. A value whose denominator is 0 is None (nobody logged
  in: unavailable, not 0).

A pool is a roster group; a skill's row covers the agents who have the skill.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._log_view import AgentSegments, LogView

__all__ = ["CapacityRow", "capacity_rows", "hourly_integral"]

HOUR_MS = 3_600_000


@dataclass(frozen=True)
class CapacityRow:
    """One pool or skill: hourly figures (None where nobody was logged in) and totals."""

    name: str
    agents: int  # routable humans in the roster
    logged_in: list[float]  # mean agents logged in, per hour
    occupancy: list[float | None]
    concurrency: list[float | None]
    at_max: list[float | None]
    occupancy_total: float | None
    at_max_total: float | None


def hourly_integral(times: np.ndarray, deltas: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """The integral over each bin [edges[k], edges[k+1]) of f(t) = sum of the deltas at
    times <= t (0 before the first); times and edges in the same unit."""
    if len(times) == 0:
        return np.zeros(len(edges) - 1)
    order = np.argsort(times, kind="stable")
    t = times[order].astype(float)
    value = np.cumsum(deltas[order].astype(float))  # f on [t_j, t_j+1)
    area = np.concatenate([[0.0], np.cumsum(value[:-1] * np.diff(t))])  # integral up to t_j
    j = np.searchsorted(t, edges, side="right") - 1
    jj = np.maximum(j, 0)
    cumulative = np.where(j >= 0, area[jj] + value[jj] * (edges - t[jj]), 0.0)
    return np.diff(cumulative)


def _levels(entity: np.ndarray, times: np.ndarray, deltas: np.ndarray) -> tuple[np.ndarray, ...]:
    """Changes sorted by (entity, time, delta): entity, time, level after each change."""
    order = np.lexsort((deltas, times, entity))
    e, t, d = entity[order], times[order], deltas[order]
    total = np.cumsum(d)
    first = np.ones(len(e), dtype=bool)
    first[1:] = e[1:] != e[:-1]
    base = np.maximum.accumulate(np.where(first, np.arange(len(e)), 0))
    before = np.where(base > 0, total[base - 1], 0)
    return e, t, total - before


def _indicator_changes(
    entity: np.ndarray, times: np.ndarray, on: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where a per-entity 0/1 level changes: (entity, time, +1 or -1)."""
    prev = np.zeros(len(on), dtype=np.int64)
    same = np.zeros(len(on), dtype=bool)
    same[1:] = entity[1:] == entity[:-1]
    prev[1:] = on[:-1]
    prev[~same] = 0
    delta = on.astype(np.int64) - prev
    keep = delta != 0
    return entity[keep], times[keep], delta[keep]


def _ratio(num: np.ndarray, den: np.ndarray) -> list[float | None]:
    return [float(n / d) if d > 0 else None for n, d in zip(num, den, strict=True)]


def capacity_rows(
    view: LogView, segments: AgentSegments
) -> tuple[list[CapacityRow], list[CapacityRow]]:
    """(rows per pool, rows per skill), in roster order."""
    routable = sorted(
        (a for a in view.roster.agents if a.user_type == "human" and a.role != "manager"),
        key=lambda a: a.id,
    )
    ids = np.asarray([a.id for a in routable], dtype=np.int64)
    edges = np.arange(view.hours + 1, dtype=float) * HOUR_MS

    def rel(ms: np.ndarray) -> np.ndarray:
        return (ms - view.start_ms).astype(float)

    # Logged in: number of sites per agent, then whether it is > 0.
    login, logout = view.rows("agent.login"), view.rows("agent.logout")
    rows = np.concatenate([login, logout])
    keep = np.isin(view.agent[rows], ids)
    rows = rows[keep]
    signs = np.where(np.isin(rows, login), 1, -1)
    e, t, level = _levels(view.agent[rows], rel(view.ts[rows]), signs)
    log_e, log_t, log_d = _indicator_changes(e, t, level > 0)
    # Held conversations per agent, and whether the agent is at max_slots.
    slot = segments.human & ~segments.takeover & np.isin(segments.agent, ids)
    agent = np.concatenate([segments.agent[slot], segments.agent[slot]])
    times = np.concatenate([rel(segments.start[slot]), rel(segments.end[slot])])
    deltas = np.concatenate([np.ones(slot.sum()), -np.ones(slot.sum())]).astype(np.int64)
    he, ht, held = _levels(agent, times, deltas)
    max_of = {a.id: a.max_slots for a in routable}
    cap = np.asarray([max_of[x] for x in he.tolist()], dtype=np.int64)
    full_e, full_t, full_d = _indicator_changes(he, ht, held >= cap)

    def row(name: str, members: list[int]) -> CapacityRow:
        m = np.asarray(members, dtype=np.int64)
        slots = np.asarray([max_of[x] for x in members], dtype=float)
        pick = np.isin(log_e, m)
        logged = hourly_integral(log_t[pick], log_d[pick], edges)
        slot_w = slots[np.searchsorted(m, log_e[pick])] if len(m) else np.zeros(0)
        logged_slots = hourly_integral(log_t[pick], log_d[pick] * slot_w, edges)
        pick = np.isin(agent, m)
        busy = hourly_integral(times[pick], deltas[pick], edges)
        pick = np.isin(full_e, m)
        full = hourly_integral(full_t[pick], full_d[pick], edges)
        return CapacityRow(
            name=name,
            agents=len(members),
            logged_in=[float(x / HOUR_MS) for x in logged],
            occupancy=_ratio(busy, logged_slots),
            concurrency=_ratio(busy, logged),
            at_max=_ratio(full, logged),
            occupancy_total=_ratio(np.array([busy.sum()]), np.array([logged_slots.sum()]))[0],
            at_max_total=_ratio(np.array([full.sum()]), np.array([logged.sum()]))[0],
        )

    pools = []
    for g in view.roster.groups:
        members = [a.id for a in routable if a.group_id == g.id]
        if members:
            pools.append(row(g.name or f"group {g.id}", members))
    skills = []
    for k in view.roster.skills:
        members = [a.id for a in routable if k.id in a.skills]
        if members:
            skills.append(row(k.name or f"skill {k.id}", members))
    return pools, skills
