"""Shared pieces of the backend's dashboard: request context, arithmetic, presence.

Arithmetic conventions (docs/metrics.md 3.3-3.7): means of ms are integer
sums over counts truncated toward zero; percentages are
``(100.0 * part) / whole`` as unrounded doubles, null when ``whole`` is 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ccbench.eventlog import Roster

from ._dashboard_params import DashboardQuery
from ._dashboard_sql import AgentEvent, ConvFacts
from ._dashboard_summary import CloseSums

__all__ = [
    "Context",
    "Presence",
    "close_stats",
    "is_active",
    "mean_ms",
    "percent",
    "presence_at",
]


@dataclass(frozen=True, slots=True)
class Presence:
    """An agent at now: ``status`` None when logged in nowhere; ``since`` the ts (ms) of
    the event that set the status (a session's first login, or the last agent.status)."""

    status: str | None
    since: int | None


def presence_at(
    events: Sequence[AgentEvent], *, roster: Roster, now: int, start: int
) -> tuple[dict[int, Presence], dict[int, list[tuple[int, int]]]]:
    """Presence of every roster agent at ``now``, and its online time in ``[start, now)``.

    ``events`` are the visible presence events ordered by agent then log order.
    A login to a first site starts a session online; more sites keep the
    status; the last logout ends the session. The state after an event holds
    until the agent's next event (or now). Online time: intervals (ms) with
    status online inside ``[start, now)``.
    """
    state: dict[int, tuple[frozenset[str], str | None, int | None]] = {}
    online: dict[int, list[tuple[int, int]]] = {}
    for i, e in enumerate(events):
        sites, status, since = state.get(e.agent, (frozenset(), None, None))
        if e.kind == "agent.login":
            if sites:
                sites = sites | {e.site or ""}
            else:
                sites, status, since = frozenset({e.site or ""}), "online", e.ts
        elif e.kind == "agent.logout":
            sites = sites - {e.site or ""}
            if not sites:
                status = since = None
        else:
            status, since = e.status, e.ts
        state[e.agent] = (sites, status, since)
        following = events[i + 1] if i + 1 < len(events) else None
        until = following.ts if following is not None and following.agent == e.agent else now
        lo, hi = max(e.ts, start), min(until, now)
        if status == "online" and lo < hi:
            online.setdefault(e.agent, []).append((lo, hi))
    presence = {}
    for agent in roster.agents:
        _, status, since = state.get(agent.id, (frozenset(), None, None))
        presence[agent.id] = Presence(status, since)
    return presence, online


def mean_ms(total: int, n: int) -> int | None:
    """Mean in ms truncated toward zero; None without samples."""
    if n == 0:
        return None
    q = abs(total) // n
    return q if total >= 0 else -q


def percent(part: float, whole: float) -> float | None:
    """``(100.0 * part) / whole``; None when whole is 0."""
    return None if whole == 0 else 100.0 * part / whole


@dataclass(frozen=True, slots=True)
class Context:
    """Everything a section needs: the request, the roster and the facts at now."""

    query: DashboardQuery
    roster: Roster
    now: int
    start: int
    convs: dict[str, ConvFacts]  # open at now
    closes: dict[tuple[str, int | None], CloseSums]  # backend/_dashboard_summary.py
    presence: dict[int, Presence]
    kept_agents: list[int]  # roster agents kept by the filters, ascending id

    def group_of(self, agent: int | None) -> int:
        found = None if agent is None else self.roster.agent(agent)
        return -1 if found is None else found.group_id

    def agent_kept(self, agent: int | None) -> bool:
        """The group filter applied to a conversation's/stay's/close's agent."""
        groups = self.query.group_ids
        return groups is None or self.group_of(agent) in groups

    def skill_kept(self, skill: int | None) -> bool:
        skills = self.query.skill_ids
        return skills is None or skill in skills

    def max_slots(self, agent: int) -> int:
        found = self.roster.agent(agent)
        return 0 if found is None else found.max_slots

    def has_skill(self, agent: int, skill: int) -> bool:
        found = self.roster.agent(agent)
        return found is not None and skill in found.skills

    def is_human(self, agent: int) -> bool:
        found = self.roster.agent(agent)
        return found is not None and found.user_type == "human"


def is_active(ctx: Context, c: ConvFacts) -> bool:
    """Assigned, and the last non-system message is the consumer's or younger than the
    inactivity timeout (section 3.2)."""
    if c.seg_agent is None or c.last_role is None or c.last_ts is None:
        return False
    timeout = ctx.query.inactivity_timeout_ms or ctx.roster.load.inactivity_timeout_ms
    return c.last_role == "consumer" or ctx.now - c.last_ts < timeout


def close_stats(sums: CloseSums | None, csat: str) -> dict[str, Any]:
    """Closed conversations, CSAT (latest answer of each closed conversation: ``top2`` the
    share of 4-5 answers, ``mean`` 100 * mean / 5) and resolution time."""
    x = CloseSums() if sums is None else sums
    score = percent(x.csat_sum, 5 * x.csat_answered) if csat == "mean" else None
    return {
        "closed": x.closed,
        "closed_by": {"consumer": x.by_consumer, "agent": x.by_agent, "system": x.by_system},
        "csat": score if csat == "mean" else percent(x.csat_good, x.csat_answered),
        "csat_answered": x.csat_answered,
        "avg_resolution_time": mean_ms(x.resolution_sum, x.closed),
    }
