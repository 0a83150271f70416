"""Messaging as a conversation in time: consumer and agent turns drive the segment.

A messaging conversation needs a number of consumer messages answered
(``turns_mean``) before it is resolved. Its :class:`Thread` keeps whose turn it
is across segments. On the agent's turn the agent answers after a delay that
grows with the conversations it holds (``held ** reply_elasticity``); on the
consumer's turn the consumer answers after a think time, a long silence, or
never (walk away). A conversation pending the consumer's answer for
``auto_close_s`` is closed by the system (it is pending the consumer only, as
vendors do: an agent's late answer never auto-closes it); a consumer whose
silence ends later resumes it and it is queued again. After the last answer
the agent marks it done (``agent_close_share``) or the consumer closes it
(or, silent, it is auto-closed).

So how long a slot is held, how long a conversation stays idle (pending the
consumer) and its duration emerge from the turns instead of being drawn. A
segment's transfer, back-to-queue or takeover ending (drawn when it starts)
happens at one of its agent turns, chosen uniformly among the turns left.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

import simpy

from ._agents import AgentState
from ._center import ContactCenter
from ._dists import MessagingTimes
from ._facts import BACK_TO_QUEUE, ROLE_AGENT, ROLE_MANAGER
from ._handoffs import (
    HANDOFFS,
    AutoClosed,
    Closed,
    Outcome,
    Requeue,
    draw_fate,
    hand_off,
)
from ._record import KIND

__all__ = ["Thread", "consumer_writes", "messaging_segment", "wait_in_queue"]

_K = KIND
NOBODY, AGENT, CONSUMER = range(3)  # who closes once the conversation is resolved
_Proc = Generator[simpy.Event, Any, Any]


@dataclass(slots=True)
class Thread:
    """Where one messaging conversation's exchange stands, across its segments (s)."""

    turns_left: int  # consumer messages still to answer before resolution
    agent_turn: bool = True  # the consumer waits for an agent message
    consumer_due: float = math.inf  # when the consumer answers (or closes); inf = never
    pending_since: float = 0.0  # since when it waits for the consumer (the auto-close clock)
    closer: int = NOBODY  # after the last answer: AGENT marks done, CONSUMER closes

    def restart(self, turns: int) -> None:
        """A new question after a close (resume or reopen): the agent's turn."""
        self.turns_left, self.agent_turn, self.closer = turns, True, NOBODY
        self.consumer_due = math.inf

    def comes_back(self, horizon: float) -> bool:
        """After an auto-close: whether the silent consumer answers before ``horizon``."""
        return self.closer == NOBODY and self.consumer_due < horizon


def consumer_writes(center: ContactCenter, i: int, thread: Thread) -> None:
    """The consumer sends a message now: it is the agent's turn."""
    center.recorder.message(center.env.now, i, -1, "consumer")
    thread.agent_turn = True


def _auto_close_at(center: ContactCenter, thread: Thread) -> float:
    return thread.pending_since + center.scenario.modes.messaging.auto_close_s


def wait_in_queue(
    center: ContactCenter, i: int, skill: int, reason: int, thread: Thread
) -> Generator[simpy.Event, Any, AgentState | Outcome]:
    """Queue a conversation pending its consumer's answer (after a logout sent it back):
    the consumer may write (it then waits for an agent), close it, or the system
    may auto-close it before an agent accepts. Returns the accepting agent or how
    the conversation closed."""
    env = center.env
    wait = center.enqueue(i, skill, reason)
    while not wait.done.triggered:
        if thread.agent_turn:
            yield wait.done
            break
        auto = _auto_close_at(center, thread)
        yield wait.done | env.timeout(max(min(thread.consumer_due, auto) - env.now, 0.0))
        if wait.done.triggered:
            break
        if thread.consumer_due <= auto and thread.closer != CONSUMER:
            consumer_writes(center, i, thread)
            continue
        center.withdraw(wait)
        if thread.consumer_due <= auto:
            center.recorder.emit(
                env.now,
                _K["conversation.closed"],
                i,
                closed_by="consumer",
                reason="consumer_closed",
            )
            return Closed(-1, "consumer", True)
        center.recorder.emit(
            env.now, _K["conversation.closed"], i, closed_by="system", reason="inactivity"
        )
        return AutoClosed(-1, thread.closer != NOBODY)
    agent = wait.done.value
    assert isinstance(agent, AgentState)  # no patience here, so no abandonment
    return agent


def messaging_segment(
    center: ContactCenter,
    times: MessagingTimes,
    i: int,
    agent: AgentState,
    skill: int,
    reason: int,
    thread: Thread,
    *,
    back_to: AgentState | None = None,
    manager: bool = False,
) -> _Proc:
    """One human segment of messaging conversation ``i``, from its accept to its end.

    A ``manager`` segment (after a takeover) holds no slot, cannot be
    interrupted by a logout and has no early ending. ``back_to``: the agent this
    one hands the conversation back to (after a transfer to agent), or None.
    """
    env, rec = center.env, center.recorder
    role, sender = (ROLE_MANAGER, "manager") if manager else (ROLE_AGENT, "agent")
    seg = center.segments.begin(i, agent.id, skill, reason, role, env.now)
    service, arrival = center.service, float(center.arrivals.t[i])
    service.last_skill[i] = skill
    fate = "close"
    if not manager:
        agent.holding[i] = env.active_process
        fate = (
            "hand_back"
            if back_to is not None
            else draw_fate(center, int(center.arrivals.channel[i]))
        )
    act_at = int(times.uniform() * max(thread.turns_left, 1)) if fate in HANDOFFS else -1
    turn = 0  # agent turns taken in this segment

    def close(by: str, why: str, end_kind: str) -> None:
        rec.emit(
            env.now,
            _K["conversation.closed"],
            i,
            agent.id if by == "agent" else -1,
            closed_by=by,
            reason=why,
        )
        center.segments.finish(seg, env.now, end_kind)
        if not manager:
            center.release(agent, i)

    try:
        while True:
            held = len(agent.holding) if not manager else 1
            if thread.closer == AGENT:  # resolved: the agent marks it done
                yield env.timeout(times.reply(held))
                close("agent", "resolved", "closed_agent")
                return Closed(agent.id, "agent", True)
            if thread.agent_turn:
                delay = times.first_response(held) if turn == 0 else times.reply(held)
                if fate == "leave_early" and turn == 0:
                    yield env.timeout(delay * (0.1 + 0.8 * times.uniform()))
                    close("consumer", "consumer_left", "closed_consumer")
                    return Closed(agent.id, "consumer", False)
                yield env.timeout(delay)
                if turn == act_at:
                    outcome = hand_off(center, i, agent, skill, seg, fate, back_to=back_to)
                    if outcome is not None:
                        return outcome
                rec.message(env.now, i, agent.id, sender)
                service.replied(i, delay=delay, t=env.now, arrival=arrival)
                service.held(i, held)
                turn += 1
                thread.agent_turn, thread.pending_since = False, env.now
                thread.turns_left -= 1
                if thread.turns_left <= 0:
                    share = center.scenario.behaviour.agent_close_share
                    thread.closer = AGENT if times.uniform() < share else CONSUMER
                    if thread.closer == AGENT:
                        thread.consumer_due = math.inf  # nothing more is expected of them
                        continue
                thread.consumer_due = env.now + times.consumer_gap()
                continue
            auto = _auto_close_at(center, thread)
            yield env.timeout(max(min(thread.consumer_due, auto) - env.now, 0.0))
            if thread.consumer_due > auto:
                close("system", "inactivity", "closed_system")
                return AutoClosed(agent.id, thread.closer != NOBODY)
            if thread.closer == CONSUMER:
                close("consumer", "consumer_closed", "closed_consumer")
                return Closed(agent.id, "consumer", True)
            consumer_writes(center, i, thread)
    except simpy.Interrupt:  # the agent logs out: the conversation goes back to the queue
        rec.emit(env.now, _K["conversation.back_to_queue"], i, agent.id)
        center.segments.finish(seg, env.now, "back_to_queue")
        center.release(agent, i)
        thread.pending_since = env.now  # vendors restart the auto-close clock on requeue
        return Requeue(skill, BACK_TO_QUEUE)
