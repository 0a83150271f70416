"""The simulated workforce: agents expanded from pools, their shifts and breaks, the roster.

Shifts are drawn once per run (before the event loop): a pool's agents are
spread round-robin over its shift start hours, each simulated day; overlapping
shifts of one agent merge into one login period. Breaks (status away or
back_soon) fall uniformly inside a shift, their count Poisson with mean
``breaks_per_shift`` x (shift hours / pool shift hours), their length
exponential.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ccbench.eventlog import Roster

from ._scenario import Scenario

__all__ = ["AgentState", "Workforce", "build_workforce"]

DAY_S = 86_400.0


@dataclass(slots=True, eq=False)
class AgentState:
    """One agent (human, manager or bot) and its live routing state."""

    idx: int
    id: int
    role: str
    is_bot: bool
    skills: tuple[int, ...]
    sites: tuple[int, ...]  # site indices
    max_slots: int
    periods: list[tuple[float, float]]  # login periods [start, end) in s
    breaks: list[tuple[float, float, str]]  # (start s, length s, status)
    grace_s: float = 0.0
    logged: bool = False
    status: str = "offline"
    draining: bool = False
    load: int = 0  # assigned conversations (slots in use) + pending offers
    pending: int = 0
    free_since: float = 0.0
    stamp: int = 0  # bumped whenever load, free_since or availability may have changed
    holding: dict[int, Any] = field(default_factory=dict)  # conversation -> its process
    wake: Any = None  # event fired when a draining agent has no pending offers


@dataclass(frozen=True)
class Workforce:
    agents: list[AgentState]
    roster: Roster
    managers: list[AgentState]


def _periods(starts: float, hours: float, horizon: float) -> list[tuple[float, float]]:
    days = math.ceil(horizon / DAY_S)
    spans = []
    for d in range(-1, days + 1):
        s = d * DAY_S + starts * 3600.0
        e = s + hours * 3600.0
        if e > 0 and s < horizon:
            spans.append((max(s, 0.0), e))
    merged: list[tuple[float, float]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def build_workforce(scenario: Scenario, rng: np.random.Generator) -> Workforce:
    """Expand pools and bots into agents with shifts and breaks, and build the roster."""
    horizon = scenario.horizon_s
    site_index = {s.id: j for j, s in enumerate(scenario.sites)}
    agents: list[AgentState] = []
    roster_agents: list[dict[str, Any]] = []
    for pool in scenario.pools:
        for k in range(pool.count):
            start_h = pool.shift_starts_h[k % len(pool.shift_starts_h)]
            periods = _periods(start_h, pool.shift_hours, horizon)
            breaks: list[tuple[float, float, str]] = []
            for s, e in periods:
                mean = pool.breaks_per_shift * (e - s) / (pool.shift_hours * 3600.0)
                for _ in range(int(rng.poisson(mean)) if pool.role != "manager" else 0):
                    at = s + rng.random() * (e - s)
                    length = rng.exponential(pool.break_minutes * 60.0)
                    status = "back_soon" if rng.random() < pool.back_soon_share else "away"
                    breaks.append((at, length, status))
                # busy periods: drawn only when asked for, so other scenarios keep their draws
                busy = pool.busy_per_shift * (e - s) / (pool.shift_hours * 3600.0)
                if busy > 0 and pool.role != "manager":
                    for _ in range(int(rng.poisson(busy))):
                        at = s + rng.random() * (e - s)
                        breaks.append((at, rng.exponential(pool.busy_minutes * 60.0), "busy"))
            breaks.sort()
            agent_id = pool.first_id + k
            agents.append(
                AgentState(
                    idx=len(agents),
                    id=agent_id,
                    role=pool.role,
                    is_bot=False,
                    skills=tuple(pool.skills) if pool.role != "manager" else (),
                    sites=tuple(site_index[x] for x in pool.sites),
                    max_slots=pool.max_slots,
                    periods=periods,
                    breaks=breaks,
                    grace_s=pool.logout_grace_s,
                )
            )
            roster_agents.append(
                {
                    "id": agent_id,
                    "name": f"{pool.name}-{k + 1}",
                    "user_type": "human",
                    "role": pool.role,
                    "group_id": pool.group,
                    "skills": list(pool.skills),
                    "sites": list(pool.sites),
                    "max_slots": pool.max_slots,
                }
            )
    for bot in scenario.bots:
        agents.append(
            AgentState(
                idx=len(agents),
                id=bot.agent_id,
                role="support",
                is_bot=True,
                skills=(bot.skill,),
                sites=tuple(site_index[x] for x in bot.sites),
                max_slots=bot.max_slots,
                periods=[(0.0, math.inf)],
                breaks=[],
            )
        )
        roster_agents.append(
            {
                "id": bot.agent_id,
                "name": bot.name,
                "user_type": "bot",
                "role": "support",
                "group_id": bot.group,
                "skills": [bot.skill],
                "sites": list(bot.sites),
                "max_slots": bot.max_slots,
            }
        )
    roster = Roster.from_dict(
        {
            "account": scenario.scenario.account,
            "timezone": scenario.scenario.timezone,
            # The roster wants non-empty names: an unnamed item is named after its id.
            "sites": [{"id": s.id, "name": s.name or s.id} for s in scenario.sites],
            "groups": [{"id": g.id, "name": g.name or f"group-{g.id}"} for g in scenario.groups],
            "skills": [
                {"id": s.id, "name": s.name or f"skill-{s.id}", "intensity": s.intensity}
                for s in scenario.skills
            ],
            "agents": roster_agents,
            "bots": [{"agent_id": b.agent_id, "flows": list(b.flows)} for b in scenario.bots],
            "sla_policies": [p.to_roster() for p in scenario.sla_policies],
            "business_hours": [w.to_roster() for w in scenario.business_hours],
        }
    )
    return Workforce(
        agents=agents, roster=roster, managers=[a for a in agents if a.role == "manager"]
    )
