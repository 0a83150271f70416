"""A chat or call segment: a synchronous session that holds a slot for its handle time.

The segment's ending is drawn when it starts (:func:`._handoffs.draw_fate`);
the slot is then held for the drawn handle time (or the share of it that the
ending implies) and the ending is carried out. A logout interrupts the wait
and sends the conversation back to the queue. The messages inside a chat
segment are drawn in bulk afterwards (:mod:`._content`), shaped by the
segment's message style.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import simpy

from ccbench.eventlog import CHANNELS

from ._agents import AgentState
from ._center import ContactCenter
from ._facts import BACK_TO_QUEUE, MESSAGE_STYLES, ROLE_AGENT, ROLE_MANAGER, TAKEOVER
from ._handoffs import HANDOFFS, Closed, Outcome, Requeue, draw_fate, hand_off
from ._record import KIND

__all__ = ["manager_session", "session_segment"]

_K = KIND
CALL = CHANNELS.index("call")
S_SILENT, S_UNRESPONSIVE, S_IDLE = (
    MESSAGE_STYLES.index(x) for x in ("silent_agent", "unresponsive_consumer", "idle")
)
_Proc = Generator[simpy.Event, Any, Outcome]


def session_segment(
    center: ContactCenter,
    i: int,
    agent: AgentState,
    skill: int,
    reason: int,
    handle: float | None,
    back_to: AgentState | None,
) -> _Proc:
    """A human chat or call segment of conversation ``i``, from its accept to its end.

    ``handle`` is the pre-drawn length of the conversation's first segment
    (None: draw one); ``back_to`` is the agent this one hands the conversation
    back to (after a transfer to agent), or None.
    """
    env, rec, rng = center.env, center.recorder, center.behaviour_rng
    channel = int(center.arrivals.channel[i])
    mode = getattr(center.scenario.modes, CHANNELS[channel])
    start = env.now
    seg = center.segments.begin(i, agent.id, skill, reason, ROLE_AGENT, start)
    agent.holding[i] = env.active_process
    service = center.service
    service.last_skill[i] = skill
    service.held(i, len(agent.holding))
    if channel == CALL and service.first_response[i] != service.first_response[i]:  # NaN
        service.first_response[i] = start - float(center.arrivals.t[i])
    fate = "hand_back" if back_to is not None else draw_fate(center, channel)
    if handle is None:
        handle = center.durations(mode.handle)
    style, param = 0, 0.0
    if fate == "leave_early":
        duration, style = rng.exponential(mode.first_response_s) * rng.uniform(0.1, 0.9), S_SILENT
    elif fate == "unresponsive":
        param = rng.exponential(mode.first_response_s)
        duration, style = param + mode.auto_close_s, S_UNRESPONSIVE
    elif fate == "idle_close":
        duration, style, param = handle + mode.auto_close_s, S_IDLE, handle
    elif fate == "takeover":
        duration = handle * rng.uniform(0.2, 0.6)
    else:
        duration = handle
    try:
        yield env.timeout(duration)
    except simpy.Interrupt:  # the agent logs out: the conversation goes back to the queue
        rec.emit(env.now, _K["conversation.back_to_queue"], i, agent.id)
        center.segments.finish(seg, env.now, "back_to_queue")
        center.release(agent, i)
        return Requeue(skill, BACK_TO_QUEUE)
    now = env.now
    if fate in HANDOFFS:
        outcome = hand_off(center, i, agent, skill, seg, fate, back_to=back_to, handle=handle)
        if outcome is not None:
            return outcome
    if fate == "leave_early":
        by, why, resolved = "consumer", "consumer_left", False
    elif fate in ("unresponsive", "idle_close"):
        by, why, resolved = "system", "inactivity", False
    else:
        by = "agent" if rng.random() < center.scenario.behaviour.agent_close_share else "consumer"
        why, resolved = ("resolved" if by == "agent" else "consumer_closed"), True
    rec.emit(
        now,
        _K["conversation.closed"],
        i,
        agent.id if by == "agent" else -1,
        closed_by=by,
        reason=why,
    )
    center.segments.finish(seg, now, f"closed_{by}", style, param)
    center.release(agent, i)
    return Closed(agent.id, by, resolved)


def manager_session(
    center: ContactCenter, i: int, manager: AgentState, skill: int, handle: float
) -> _Proc:
    """A manager's segment after a takeover: a share of the taken segment's handle
    time (no slot held), then the manager closes the conversation."""
    env, rng = center.env, center.behaviour_rng
    seg = center.segments.begin(i, manager.id, skill, TAKEOVER, ROLE_MANAGER, env.now)
    center.service.last_skill[i] = skill
    yield env.timeout(handle * rng.uniform(0.3, 1.0))
    center.recorder.emit(
        env.now, _K["conversation.closed"], i, manager.id, closed_by="agent", reason="resolved"
    )
    center.segments.finish(seg, env.now, "closed_agent")
    return Closed(manager.id, "agent", True)
