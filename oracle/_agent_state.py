"""Agent presence: logged-in sites, status and how long it has lasted, at any ``now``.

Built once from the log's ``agent.login``, ``agent.logout`` and
``agent.status`` events (few compared with messages, so a Python walk at
build time is cheap); a query is one binary search per agent. The state
after an event holds from its ``ts`` until the next event of the agent.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from ccbench.eventlog import EventLog

__all__ = ["AgentPresence", "AgentState"]


@dataclass(frozen=True, slots=True)
class AgentPresence:
    """An agent's state at a ``now``: ``status`` is None when logged in nowhere.

    ``status_since`` is the ts of the event that set the current status (the
    first login of a session or the last ``agent.status``), epoch ms.
    """

    sites: frozenset[str]
    status: str | None
    status_since: int | None


@dataclass(frozen=True, slots=True)
class AgentState:
    """Per agent: event times and the presence after each event."""

    times: dict[int, list[int]]
    states: dict[int, list[AgentPresence]]

    @classmethod
    def build(cls, log: EventLog) -> AgentState:
        t = log.table
        kinds = ("agent.login", "agent.logout", "agent.status")
        rows = t.filter(pc.is_in(t.column("kind"), value_set=pa.array(kinds, type=pa.string())))
        times: dict[int, list[int]] = {}
        states: dict[int, list[AgentPresence]] = {}
        cols = rows.select(["ts", "kind", "agent_id", "site", "status"]).to_pydict()
        for ts, kind, agent, site, status in zip(
            cols["ts"], cols["kind"], cols["agent_id"], cols["site"], cols["status"], strict=True
        ):
            prev = states[agent][-1] if agent in states else AgentPresence(frozenset(), None, None)
            if kind == "agent.login":
                sites = prev.sites | {site}
                # A session starts online; a login to one more site keeps the status.
                new = (
                    AgentPresence(sites, prev.status, prev.status_since)
                    if prev.sites
                    else AgentPresence(sites, "online", ts)
                )
            elif kind == "agent.logout":
                sites = prev.sites - {site}
                new = (
                    AgentPresence(sites, prev.status, prev.status_since)
                    if sites
                    else AgentPresence(frozenset(), None, None)
                )
            else:
                new = AgentPresence(prev.sites, status, ts)
            times.setdefault(agent, []).append(ts)
            states.setdefault(agent, []).append(new)
        return cls(times=times, states=states)

    def at(self, agent: int, now: int) -> AgentPresence:
        """Presence of ``agent`` as seen at ``now`` (events with ts < now)."""
        ts = self.times.get(agent)
        if not ts:
            return AgentPresence(frozenset(), None, None)
        i = bisect.bisect_left(ts, now) - 1
        return self.states[agent][i] if i >= 0 else AgentPresence(frozenset(), None, None)

    def online_intervals(self, agent: int, start: int, end: int) -> list[tuple[int, int]]:
        """Maximal sub-intervals of [start, end) during which the agent is logged in and online."""
        ts = self.times.get(agent, [])
        out: list[tuple[int, int]] = []
        for i, presence in enumerate(self.states.get(agent, [])):
            lo = max(ts[i], start)
            hi = min(ts[i + 1] if i + 1 < len(ts) else end, end)
            if presence.status == "online" and lo < hi:
                if out and out[-1][1] == lo:
                    out[-1] = (out[-1][0], hi)
                else:
                    out.append((lo, hi))
        return out
