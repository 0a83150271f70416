"""Agents' presence for the dashboard: the state after each presence event, and at a now.

The rule (docs/metrics.md 3.2, "Agents"): a login to a first site starts a
session online; more sites keep the status; the last logout ends the session
(logged in nowhere: no status); an ``agent.status`` sets the status. ``since``
is the ts (ms) of the event that set the status (a session's first login, or
the last agent.status). The state after an event holds until the agent's next
event. Only the agent's earlier events decide it, so it is computed once per
index for every event (:func:`presence_log`); at a now, an agent's state is the
one after its last visible event, and its online time in ``[start, now)`` the
part there of the intervals ``[ts, next event's ts)`` after which it was online.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ccbench.arrays import take

from ._dashboard_index import NEVER
from ._dashboard_roster import RosterArrays
from ._dashboard_sql import AgentEvent

__all__ = ["ONLINE", "PresenceLog", "PresenceNow", "presence_log", "presence_now"]

I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]
ONLINE = 0  # the status code of "online"


@dataclass(frozen=True, slots=True)
class PresenceLog:
    """Presence events of roster agents, by agent (index) then log order, with the state
    after each; ``bounds[a]:bounds[a + 1]`` are agent ``a``'s events."""

    ts: I64  # ms: the event is visible at now iff ts < now
    agent: I64
    status: I64  # index in ``statuses``; -1: no status (logged in nowhere)
    since: I64  # ms; meaningful where status >= 0
    next_ts: I64  # the agent's next event (NEVER: none)
    bounds: I64
    statuses: tuple[str, ...]  # ONLINE (0) is "online"


def presence_log(events: Sequence[AgentEvent], *, roster: RosterArrays) -> PresenceLog:
    """The state after each of ``events`` (ordered by agent then log order) of agents on
    the roster."""
    statuses: dict[str, int] = {"online": ONLINE}
    index = roster.agent_index(np.asarray([-1 if e.agent is None else e.agent for e in events],
                                          dtype=np.int64))  # fmt: skip
    keep = np.flatnonzero(index >= 0)
    status, since = [], []
    prev_agent = None
    sites: frozenset[str] = frozenset()
    state: tuple[str | None, int | None] = (None, None)
    for j in keep.tolist():
        e = events[j]
        if e.agent != prev_agent:
            prev_agent, sites, state = e.agent, frozenset(), (None, None)
        site = e.site or ""
        if e.kind == "agent.login":
            if sites:
                sites = sites | {site}
            else:
                sites, state = frozenset({site}), ("online", e.ts)
        elif e.kind == "agent.logout":
            sites = sites - {site}
            if not sites:
                state = (None, None)
        else:
            state = (e.status, e.ts)
        code = -1 if state[0] is None else statuses.setdefault(state[0], len(statuses))
        status.append(code)
        since.append(0 if state[1] is None else state[1])
    agent = index[keep]
    ts = np.asarray([events[j].ts for j in keep.tolist()], dtype=np.int64)
    next_ts = np.full(ts.shape[0], NEVER, dtype=np.int64)
    same = agent[1:] == agent[:-1]
    next_ts[:-1][same] = ts[1:][same]
    return PresenceLog(
        ts=ts,
        agent=agent,
        status=np.asarray(status, dtype=np.int64),
        since=np.asarray(since, dtype=np.int64),
        next_ts=next_ts,
        bounds=np.searchsorted(agent, np.arange(roster.agent_ids.shape[0] + 1)),
        statuses=tuple(statuses),
    )


@dataclass(frozen=True, slots=True)
class PresenceNow:
    """Per roster agent (index) at a now: status code (-1: none), since (ms), and online
    ms in ``[start, now)``."""

    status: I64
    since: I64
    online_ms: I64


def presence_now(p: PresenceLog, *, now: int, start: int) -> PresenceNow:
    """Every roster agent's presence after its events before ``now``, and its online time
    in ``[start, now)``."""
    visible = p.ts < now
    counted = np.zeros(p.ts.shape[0] + 1, dtype=np.int64)
    np.cumsum(visible, out=counted[1:])
    lo, hi = p.bounds[:-1], p.bounds[1:]
    last = np.where(counted[hi] > counted[lo], lo + (counted[hi] - counted[lo]) - 1, -1)
    online = visible & (p.status == ONLINE)
    length = np.minimum(p.next_ts, now) - np.maximum(p.ts, start)
    total = np.zeros(p.ts.shape[0] + 1, dtype=np.int64)
    np.cumsum(np.where(online & (length > 0), length, 0), out=total[1:])
    return PresenceNow(
        status=take(p.status, last, missing=-1),
        since=take(p.since, last, missing=0),
        online_ms=total[hi] - total[lo],
    )
