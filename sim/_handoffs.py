"""How a human segment ends, and the endings that pass its conversation to someone else.

A segment's process (:mod:`._session` for chat and calls, :mod:`._messaging`)
returns one of these outcomes to the conversation's routing loop
(:mod:`._lifecycle`): queue again (:class:`Requeue`), offer to a named agent
(:class:`Direct`), a manager took the conversation over (:class:`TakenOver`),
the conversation closed (:class:`Closed`), or the system closed it while the
consumer was silent (:class:`AutoClosed`: a messaging consumer may come back).
:func:`hand_off` carries out the transfers, back-to-queue and takeover
endings both kinds of segment share.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ccbench.eventlog import ASSIGN_REASONS, CHANNELS

from ._agents import AgentState
from ._center import ContactCenter
from ._facts import BACK_TO_QUEUE, TAKEOVER, TRANSFER
from ._record import KIND
from ._sections import SEGMENT_ENDINGS

__all__ = [
    "HANDOFFS",
    "AutoClosed",
    "Closed",
    "Direct",
    "Outcome",
    "Requeue",
    "TakenOver",
    "draw_fate",
    "hand_off",
]

_K = KIND
CALL, MESSAGING = CHANNELS.index("call"), CHANNELS.index("messaging")
# Endings that need the consumer to stop writing: calls have no messages, and a
# messaging consumer's silences and walk-aways come from its own timings.
_SILENCES = frozenset(("unresponsive", "idle_close"))
# Segment fates that pass the conversation on (hand_back: a transfer to an agent
# that goes back to the agent who made it).
HANDOFFS = frozenset(("transfer_skill", "transfer_agent", "hand_back", "back_to_queue", "takeover"))


@dataclass(frozen=True, slots=True)
class Requeue:
    """The conversation goes back to a queue: ``skill``, with an ASSIGN_REASONS index."""

    skill: int
    reason: int


@dataclass(frozen=True, slots=True)
class Direct:
    """The conversation is offered to ``target``; ``back_to`` gets it back later (or None)."""

    target: AgentState
    back_to: AgentState | None


@dataclass(frozen=True, slots=True)
class TakenOver:
    """A manager took over (no slot); ``handle`` is the taken segment's length (chat, call)."""

    manager: AgentState
    handle: float


@dataclass(frozen=True, slots=True)
class Closed:
    """The conversation closed; ``by`` is a CLOSED_BY value."""

    last_agent: int
    by: str
    resolved: bool


@dataclass(frozen=True, slots=True)
class AutoClosed:
    """The system closed the conversation while it was pending the consumer's answer."""

    last_agent: int
    resolved: bool


Outcome = Requeue | Direct | TakenOver | Closed | AutoClosed


def draw_fate(center: ContactCenter, channel: int) -> str:
    """How a new human segment will end: one of SEGMENT_ENDINGS, or "close" (ordinary)."""
    b = center.scenario.behaviour
    in_time = center.scenario.modes.messaging.handle is None
    u = center.behaviour_rng.random()
    for name in SEGMENT_ENDINGS:
        p = getattr(b, name)
        if u < p:
            if channel == CALL and (name in _SILENCES or name == "leave_early"):
                return "close"
            if channel == MESSAGING and name in _SILENCES:
                return "close"
            if channel == MESSAGING and name == "leave_early" and not in_time:
                return "close"  # a messaging session (modes.messaging.handle) has no turns
            return name
        u -= p
    return "close"


def hand_off(
    center: ContactCenter,
    i: int,
    agent: AgentState,
    skill: int,
    segment: int,
    fate: str,
    *,
    back_to: AgentState | None,
    handle: float = 0.0,
) -> Outcome | None:
    """End segment ``segment`` of conversation ``i`` by ``fate`` now, when it can be
    done (a target skill, an available agent or a present manager exists); None
    when it cannot, and the segment goes on as an ordinary one."""
    now, rec, rng = center.env.now, center.recorder, center.behaviour_rng
    site = int(center.arrivals.site[i])

    def end(kind: str, event: str, **extra: Any) -> None:
        rec.emit(now, _K[event], i, agent.id, **extra)
        center.segments.finish(segment, now, kind)
        center.release(agent, i)

    if fate == "transfer_skill":
        targets = center.transfer_targets(i, skill)
        if targets:
            new = targets[int(rng.integers(len(targets)))]
            end("transfer_skill", "conversation.transferred", to_skill_id=new, reason="skill")
            return Requeue(new, TRANSFER)
    elif fate in ("transfer_agent", "hand_back"):
        target = (
            back_to
            if back_to is not None and center.available(back_to) and site in back_to.sites
            else None
        )
        if target is None:
            target = center.pick(skill, site, {agent.id})
        if target is not None:
            end("transfer_agent", "conversation.transferred", to_agent_id=target.id, reason="agent")
            keep = (
                agent
                if fate == "transfer_agent"
                and rng.random() < center.scenario.behaviour.transfer_back
                else None
            )
            return Direct(target, keep)
    elif fate == "back_to_queue":
        end("back_to_queue", "conversation.back_to_queue")
        return Requeue(skill, BACK_TO_QUEUE)
    elif fate == "takeover":
        manager = center.manager(site)
        if manager is not None:
            rec.emit(now, _K["conversation.taken_over"], i, manager.id, from_agent_id=agent.id)
            center.segments.finish(segment, now, "takeover")
            center.release(agent, i)
            rec.emit(
                now,
                _K["assignment.accepted"],
                i,
                manager.id,
                skill,
                reason=ASSIGN_REASONS[TAKEOVER],
            )
            return TakenOver(manager, handle)
    return None
