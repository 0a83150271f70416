"""A conversation's story as a SimPy process: bot, queues, segments, ends, restarts.

The process opens the conversation, runs its bot segment (if its stream
starts at a bot), then loops: wait in a queue (or for a direct offer), run a
human segment, and follow the segment's outcome (:mod:`._handoffs`): queue
again, offer to a named agent, a manager's segment after a takeover, or a
close. Chat and call segments are synchronous sessions (:mod:`._session`);
messaging segments are driven by the consumer's and agent's turns
(:mod:`._messaging`), and a messaging consumer whose silence outlasted the
auto-close comes back and resumes. After the final close a consumer may
resume or an agent reopen (at most once), and a returning consumer's
conversation may be merged into their previous one.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import Any

import simpy

from ccbench.eventlog import CHANNELS, CLOSED_BY

from ._agents import AgentState
from ._center import Close, ContactCenter
from ._facts import NEW, RESUME, ROLE_BOT, TAKEOVER, TRANSFER
from ._handoffs import AutoClosed, Closed, Direct, Outcome, Requeue, TakenOver
from ._messaging import Thread, consumer_writes, messaging_segment, wait_in_queue
from ._record import KIND
from ._session import manager_session, session_segment

__all__ = ["conversation"]

_K = KIND
CALL, MESSAGING = CHANNELS.index("call"), CHANNELS.index("messaging")
_Proc = Generator[simpy.Event, Any, Any]


def conversation(center: ContactCenter, i: int) -> _Proc:
    """The process of conversation ``i`` from opening to its final end (or the horizon)."""
    env, rec, arrivals = center.env, center.recorder, center.arrivals
    channel = int(arrivals.channel[i])
    rec.emit(env.now, _K["conversation.opened"], i)
    if channel != CALL:
        # an outbound (campaign) conversation opens with the brand's message, not the consumer's
        outbound = center.scenario.streams[int(arrivals.stream[i])].direction == "outbound"
        rec.message(env.now, i, -1, "system" if outbound else "consumer")
    skill = int(arrivals.skill[i])
    reason = NEW
    bot = int(arrivals.bot[i])
    if bot >= 0:
        if (yield from _bot(center, i, bot, skill)):
            return
        reason = TRANSFER
    times = center.messaging_times
    in_time = channel == MESSAGING and center.scenario.modes.messaging.handle is None
    thread = Thread(times.turns()) if in_time else None
    patience = float(arrivals.patience[i])
    handle: float | None = float(arrivals.handle[i])
    direct: AgentState | None = None
    back_to: AgentState | None = None
    first = True
    resumed = False
    while True:
        agent: AgentState | None = None
        outcome: Outcome | None = None
        if direct is not None:
            agent = yield center.offer_direct(i, direct, skill).done
            direct = None
        if agent is None:
            if first:
                center.queue_facts.enter(i, skill, env.now)
            if thread is not None and not thread.agent_turn:
                waited = yield from wait_in_queue(center, i, skill, reason, thread)
                if isinstance(waited, AgentState):
                    agent = waited
                else:
                    outcome = waited
            else:
                agent = yield from center.queue(i, skill, reason, patience if first else math.inf)
                if agent is None:
                    return  # abandoned
        first = False
        if agent is not None:
            if thread is not None:
                outcome = yield from messaging_segment(
                    center, times, i, agent, skill, reason, thread, back_to=back_to
                )
            else:
                outcome = yield from session_segment(
                    center, i, agent, skill, reason, handle, back_to
                )
        handle, back_to = None, None
        if isinstance(outcome, TakenOver):
            center.service.transfers[i] += 1
            manager = outcome.manager
            if thread is not None:
                outcome = yield from messaging_segment(
                    center, times, i, manager, skill, TAKEOVER, thread, manager=True
                )
            else:
                outcome = yield from manager_session(center, i, manager, skill, outcome.handle)
        if isinstance(outcome, Requeue):
            center.service.transfers[i] += 1
            skill, reason = outcome.skill, outcome.reason
            continue
        if isinstance(outcome, Direct):
            center.service.transfers[i] += 1
            direct, back_to, reason = outcome.target, outcome.back_to, TRANSFER
            continue
        assert isinstance(outcome, Closed | AutoClosed)
        if (
            isinstance(outcome, AutoClosed)
            and thread is not None
            and thread.comes_back(center.horizon)
        ):
            yield env.timeout(thread.consumer_due - env.now)
            rec.emit(env.now, _K["conversation.resumed"], i)
            consumer_writes(center, i, thread)
            reason = RESUME
            continue
        last = outcome.last_agent
        b = center.scenario.behaviour
        u = center.behaviour_rng.random()
        if not resumed and u < b.resume + b.reopen:
            resumed = True
            yield env.timeout(center.behaviour_rng.random() * b.resume_window_s)
            if thread is not None:
                thread.restart(times.turns())
            if u < b.resume:
                rec.emit(env.now, _K["conversation.resumed"], i)
                if thread is not None:
                    consumer_writes(center, i, thread)
            else:
                rec.emit(env.now, _K["conversation.reopened"], i, last)
            reason = RESUME
            continue
        by = outcome.by if isinstance(outcome, Closed) else "system"
        center.service.closed_by[i] = CLOSED_BY.index(by)
        center.service.resolved[i] = outcome.resolved
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
    yield env.timeout(center.durations(spec.handle))
    if center.behaviour_rng.random() < spec.containment:
        rec.emit(env.now, _K["conversation.closed"], i, closed_by="consumer", reason="bot_resolved")
        center.segments.finish(seg, env.now, "closed_consumer")
        center.release(a, i)
        center.service.closed_by[i] = CLOSED_BY.index("consumer")
        center.service.resolved[i] = True
        center.closes.append(Close(i, env.now, -1))
        return True
    rec.emit(
        env.now, _K["conversation.transferred"], i, a.id, to_skill_id=skill, reason="escalation"
    )
    center.segments.finish(seg, env.now, "transfer_skill")
    center.release(a, i)
    return False
