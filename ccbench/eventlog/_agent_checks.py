"""The agent side of the lifecycle: login sessions, status, and conversations held.

An agent is logged in to a set of sites; the first login starts it online,
the last logout ends its status; ``agent.status`` needs a login.
docs/eventlog.md ("Lifecycle") is the specification. The conversation checks
(ccbench/eventlog/_conversation_checks.py) read a session to judge an
assignment and update ``holding``, the conversations counted against
``max_slots``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Protocol

from ._lifecycle_event import LifecycleEvent
from ._roster import Roster

__all__ = ["AgentChecks", "AgentSession", "Fail"]


class Fail(Protocol):
    """Where a check reports a violation of ``rule`` by the current event."""

    def __call__(self, rule: str, message: str, **values: Any) -> None:
        """Record the violation."""
        ...


@dataclass(slots=True)
class AgentSession:
    """One agent's state: sites logged in to, status (None logged out), conversations held."""

    sites: set[str] = field(default_factory=set)
    status: str | None = None
    holding: set[str] = field(default_factory=set)  # conversations counted against max_slots


class AgentChecks:
    """Every agent's session, checked and updated event by event (log order)."""

    def __init__(self, roster: Roster, fail: Fail) -> None:
        self.roster = roster
        self.fail = fail
        self.sessions: dict[int, AgentSession] = defaultdict(AgentSession)

    def event(self, kind: str, e: LifecycleEvent) -> None:
        """Check an ``agent.*`` event against the agent's session and apply it."""
        agent = e.agent_id
        if agent is None:
            return
        state = self.sessions[agent]
        a = self.roster.agent(agent)
        site = e.site
        if kind == "agent.login":
            if a is not None and site not in a.sites:
                self.fail(
                    "ref.site",
                    f"agent {agent} logs in to site {site!r}, not one of its sites {list(a.sites)}",
                    agent_id=agent,
                    site=site,
                )
            if site in state.sites:
                self.fail(
                    "agent.double-login",
                    f"agent {agent} already logged in to {site!r}",
                    agent_id=agent,
                    site=site,
                )
            if not state.sites:
                state.status = "online"
            state.sites.add(site)
        elif kind == "agent.logout":
            if site not in state.sites:
                self.fail(
                    "agent.logout-without-login",
                    f"agent {agent} logs out of {site!r} without being logged in",
                    agent_id=agent,
                    site=site,
                )
            state.sites.discard(site)
            if not state.sites:
                state.status = None
        elif kind == "agent.status":
            if not state.sites:
                self.fail(
                    "agent.status-logged-out",
                    f"agent {agent} changes status to {e.status!r} while logged in nowhere",
                    agent_id=agent,
                )
            state.status = e.status
