"""A conversation's story as a SimPy process: bot, queues, segments, ends, restarts.

Each human segment's ending is drawn when it starts (behaviour probabilities):
transfer to a skill, to an agent (possibly handed back later), back to queue,
manager takeover, consumer leaving before any agent message, consumer no
longer answering, going idle, or an ordinary close by agent or consumer. The
segment then holds the agent's slot for its drawn length; a logout interrupts
it and sends the conversation back to the queue.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import Any

import simpy

from ccbench.eventlog import ASSIGN_REASONS, CHANNELS

from ._agents import AgentState
from ._center import Close, ContactCenter
from ._dists import sample
from ._facts import (
    BACK_TO_QUEUE,
    MESSAGE_STYLES,
    NEW,
    RESUME,
    ROLE_AGENT,
    ROLE_BOT,
    ROLE_MANAGER,
    TAKEOVER,
    TRANSFER,
)
from ._record import KIND
from ._scenario import SEGMENT_ENDINGS

__all__ = ["conversation"]

_K = KIND
CALL = CHANNELS.index("call")
S_SILENT, S_UNRESPONSIVE, S_IDLE = (
    MESSAGE_STYLES.index(x) for x in ("silent_agent", "unresponsive_consumer", "idle")
)
_Proc = Generator[simpy.Event, Any, Any]


def conversation(center: ContactCenter, i: int) -> _Proc:
    """The process of conversation ``i`` from opening to its final end (or the horizon)."""
    env, rec, arrivals = center.env, center.recorder, center.arrivals
    channel = int(arrivals.channel[i])
    rec.emit(env.now, _K["conversation.opened"], i)
    if channel != CALL:
        rec.emit(env.now, _K["message.sent"], i, sender_role="consumer")
    skill = int(arrivals.skill[i])
    reason = NEW
    bot = int(arrivals.bot[i])
    if bot >= 0:
        if (yield from _bot(center, i, bot, skill)):
            return
        reason = TRANSFER
    patience = float(arrivals.patience[i])
    handle: float | None = float(arrivals.handle[i])
    direct: AgentState | None = None
    back_to: AgentState | None = None
    first = True
    resumed = False
    while True:
        agent: AgentState | None = None
        if direct is not None:
            agent = yield center.offer_direct(i, direct, skill).done
            direct = None
        if agent is None:
            if first:
                center.queue_facts.enter(i, skill, env.now)
            agent = yield from center.queue(i, skill, reason, patience if first else math.inf)
            if agent is None:
                return  # abandoned
        first = False
        outcome = yield from _segment(center, i, agent, skill, reason, handle, back_to)
        handle, back_to = None, None
        if outcome[0] == "queue":
            _, skill, reason = outcome
            continue
        if outcome[0] == "direct":
            _, direct, back_to = outcome
            reason = TRANSFER
            continue
        last = outcome[1]
        b = center.scenario.behaviour
        u = center.behaviour_rng.random()
        if not resumed and u < b.resume + b.reopen:
            resumed = True
            yield env.timeout(center.behaviour_rng.random() * b.resume_window_s)
            if u < b.resume:
                rec.emit(env.now, _K["conversation.resumed"], i)
            else:
                rec.emit(env.now, _K["conversation.reopened"], i, last)
            reason = RESUME
            continue
        center.closes.append(Close(i, env.now, last))
        prev = int(center.previous_conversation[i])
        if prev >= 0 and center.behaviour_rng.random() < b.merge:
            yield env.timeout(1.0 + 59.0 * center.behaviour_rng.random())
            rec.emit(
                env.now, _K["conversation.merged"], i, into_conversation_id=center.conv_ids[prev]
            )
        return


def _bot(center: ContactCenter, i: int, bot: int, skill: int) -> _Proc:
    """The bot segment; returns True when the bot contained the conversation."""
    env, rec = center.env, center.recorder
    spec = center.scenario.bots[bot]
    a = yield from center.queue(i, spec.skill, NEW, math.inf)
    assert a is not None  # no patience in the bot queue, so no abandonment
    seg = center.segments.begin(i, a.id, spec.skill, NEW, ROLE_BOT, env.now)
    yield env.timeout(float(sample(spec.handle, center.behaviour_rng, 1)[0]))
    if center.behaviour_rng.random() < spec.containment:
        rec.emit(env.now, _K["conversation.closed"], i, closed_by="consumer", reason="bot_resolved")
        center.segments.finish(seg, env.now, "closed_consumer")
        center.release(a, i)
        center.closes.append(Close(i, env.now, -1))
        return True
    rec.emit(
        env.now, _K["conversation.transferred"], i, a.id, to_skill_id=skill, reason="escalation"
    )
    center.segments.finish(seg, env.now, "transfer_skill")
    center.release(a, i)
    return False


def _fate(center: ContactCenter, channel: int) -> str:
    b = center.scenario.behaviour
    u = center.behaviour_rng.random()
    for name in SEGMENT_ENDINGS:
        p = getattr(b, name)
        if u < p:
            if channel == CALL and name in ("leave_early", "unresponsive", "idle_close"):
                return "close"  # voice has no messages to stop answering
            return name
        u -= p
    return "close"


def _segment(
    center: ContactCenter,
    i: int,
    a: AgentState,
    skill: int,
    reason: int,
    handle: float | None,
    back_to: AgentState | None,
) -> _Proc:
    """A human agent segment; returns ("queue", skill, reason), ("direct", target,
    back_to) or ("closed", agent id of the last handler)."""
    env, rec, rng = center.env, center.recorder, center.behaviour_rng
    channel = int(center.arrivals.channel[i])
    site = int(center.arrivals.site[i])
    mode = getattr(center.scenario.modes, CHANNELS[channel])
    start = env.now
    seg = center.segments.begin(i, a.id, skill, reason, ROLE_AGENT, start)
    a.holding[i] = env.active_process
    fate = "hand_back" if back_to is not None else _fate(center, channel)
    if handle is None:
        handle = float(sample(mode.handle, rng, 1)[0])
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
        rec.emit(env.now, _K["conversation.back_to_queue"], i, a.id)
        center.segments.finish(seg, env.now, "back_to_queue")
        center.release(a, i)
        return ("queue", skill, BACK_TO_QUEUE)
    now = env.now

    def end(kind: str, event: str, **extra: Any) -> None:
        rec.emit(now, _K[event], i, a.id, **extra)
        center.segments.finish(seg, now, kind, style, param)
        center.release(a, i)

    if fate == "transfer_skill":
        targets = center.transfer_targets(i, skill)
        if targets:
            new = targets[int(rng.integers(len(targets)))]
            end("transfer_skill", "conversation.transferred", to_skill_id=new, reason="skill")
            return ("queue", new, TRANSFER)
    if fate in ("transfer_agent", "hand_back"):
        target = (
            back_to
            if back_to is not None and center.available(back_to) and site in back_to.sites
            else None
        )
        if target is None:
            target = center.pick(skill, site, {a.id})
        if target is not None:
            end("transfer_agent", "conversation.transferred", to_agent_id=target.id, reason="agent")
            keep = (
                a
                if fate == "transfer_agent"
                and rng.random() < center.scenario.behaviour.transfer_back
                else None
            )
            return ("direct", target, keep)
    if fate == "back_to_queue":
        end("back_to_queue", "conversation.back_to_queue")
        return ("queue", skill, BACK_TO_QUEUE)
    if fate == "takeover":
        manager = center.manager(site)
        if manager is not None:
            rec.emit(now, _K["conversation.taken_over"], i, manager.id, from_agent_id=a.id)
            center.segments.finish(seg, now, "takeover")
            center.release(a, i)
            rec.emit(
                now,
                _K["assignment.accepted"],
                i,
                manager.id,
                skill,
                reason=ASSIGN_REASONS[TAKEOVER],
            )
            mseg = center.segments.begin(i, manager.id, skill, TAKEOVER, ROLE_MANAGER, now)
            yield env.timeout(handle * rng.uniform(0.3, 1.0))
            rec.emit(
                env.now,
                _K["conversation.closed"],
                i,
                manager.id,
                closed_by="agent",
                reason="resolved",
            )
            center.segments.finish(mseg, env.now, "closed_agent")
            return ("closed", manager.id)
    if fate == "leave_early":
        by, why = "consumer", "consumer_left"
    elif fate in ("unresponsive", "idle_close"):
        by, why = "system", "inactivity"
    else:
        by = "agent" if rng.random() < center.scenario.behaviour.agent_close_share else "consumer"
        why = "resolved" if by == "agent" else "consumer_closed"
    rec.emit(
        now, _K["conversation.closed"], i, a.id if by == "agent" else -1, closed_by=by, reason=why
    )
    center.segments.finish(seg, now, f"closed_{by}", style, param)
    center.release(a, i)
    return ("closed", a.id)
