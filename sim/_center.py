"""What a conversation's process needs from the contact center, as a Protocol.

The conversation processes (:mod:`._lifecycle`) queue, get offers, hold and
release agents' slots, find managers and record what happened; the engine
(:mod:`._engine`) provides all of it. The processes depend on this Protocol,
not on the engine class, so neither module imports the other's internals.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import simpy

from ._agents import AgentState
from ._arrivals import Arrivals
from ._dists import DrawBank, MessagingTimes
from ._facts import QueueFacts, SegmentRecords, ServiceFacts
from ._record import Recorder
from ._scenario import Scenario

__all__ = ["Close", "ContactCenter", "Wait"]


@dataclass(slots=True, eq=False)
class Wait:
    """One stay of a conversation in a (skill, site) queue, or one direct offer."""

    conv: int
    skill: int
    site: int
    t_enter: float  # s
    order: int
    reason: int  # index into ASSIGN_REASONS
    done: simpy.Event  # succeeds with the accepting agent, or None
    decided: bool = False
    left: bool = False  # abandoned, or withdrawn because the conversation closed
    offered_to: AgentState | None = None
    declined_by: set[int] = field(default_factory=set)
    direct: bool = False  # an offer to a named agent (transfer to agent), not from a queue

    def __lt__(self, other: Wait) -> bool:
        return (self.t_enter, self.order) < (other.t_enter, other.order)


@dataclass(frozen=True, slots=True)
class Close:
    """A conversation's final close: when (s) and the last human who held it (-1: none)."""

    conv: int
    t: float
    last_agent: int


class ContactCenter(Protocol):
    """Queues, agents and records, as the conversation processes use them."""

    env: simpy.Environment
    scenario: Scenario
    arrivals: Arrivals
    recorder: Recorder
    segments: SegmentRecords
    queue_facts: QueueFacts
    service: ServiceFacts
    horizon: float  # s
    behaviour_rng: np.random.Generator
    durations: DrawBank  # scalar draws of the scenario's distributions (behaviour stream)
    messaging_times: MessagingTimes
    conv_ids: np.ndarray
    previous_conversation: np.ndarray  # per conversation: the consumer's previous one, or -1
    closes: list[Close]

    def queue(
        self, conv: int, skill: int, reason: int, patience: float
    ) -> Generator[simpy.Event, Any, AgentState | None]:
        """Queue ``conv`` to ``skill``; the accepting agent, or None if abandoned."""
        ...

    def enqueue(self, conv: int, skill: int, reason: int) -> Wait:
        """Queue ``conv`` to ``skill`` without patience; the Wait's done yields the agent."""
        ...

    def withdraw(self, wait: Wait) -> None:
        """Take a waiting conversation out of its queue silently (it closed meanwhile)."""
        ...

    def offer_direct(self, conv: int, agent: AgentState, skill: int) -> Wait:
        """Offer ``conv`` to a named agent; the Wait's done yields it, or None if declined."""
        ...

    def available(self, agent: AgentState) -> bool:
        """Whether ``agent`` can take an offer now."""
        ...

    def pick(self, skill: int, site: int, exclude: set[int]) -> AgentState | None:
        """The least-loaded available agent for (skill, site) whose id is not excluded."""
        ...

    def release(self, agent: AgentState, conv: int) -> None:
        """Free the slot ``conv`` held on ``agent``."""
        ...

    def manager(self, site: int) -> AgentState | None:
        """A random manager logged in to ``site``, or None."""
        ...

    def transfer_targets(self, conv: int, skill: int) -> list[int]:
        """Skills a transfer of ``conv`` away from ``skill`` may go to."""
        ...
