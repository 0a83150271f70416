"""The discrete-event core (SimPy): queues, routing, agent capacity, shifts.

Only what interacts through shared capacity runs as discrete events: arrivals,
queue waits and abandonment, offers and accepts, agent segments (how long a
slot is held and how it ends), transfers, takeovers, resumes, logins, breaks
and logouts, and the turns of messaging conversations (whose timing depends
on how many conversations their agent holds). The rest of what happens inside
a segment (chat and bot messages, views, snoozes) and after a close (surveys,
MCS, sales) is drawn in bulk afterwards (:mod:`._content`, :mod:`._outcomes`).

Routing: one FCFS queue per (skill, site); an arriving conversation goes to
the least-loaded eligible agent with a free slot (load / max_slots, then the
agent free the longest, then the lowest id); an agent with a free slot takes
the oldest waiting conversation across its (skill, site) queues. Eligible
means logged in to the conversation's site, status online, not winding down
for a break or logout, load below max_slots (pending offers count). Skill
transfers stay within the conversation's channel unless the skill lists its
``transfer_to`` targets.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Generator
from typing import Any

import numpy as np
import simpy

from ccbench.eventlog import ASSIGN_REASONS, CHANNELS

from ._agents import AgentState, Workforce
from ._arrivals import Arrivals
from ._center import Close, Wait
from ._dists import DrawBank, MessagingTimes
from ._facts import TRANSFER, QueueFacts, SegmentRecords, ServiceFacts
from ._lifecycle import conversation
from ._record import KIND, Recorder
from ._scenario import Scenario

__all__ = ["Engine"]

_K = KIND


class Engine:
    """One run of the general simulator over drawn arrivals and a workforce.

    It implements :class:`._center.ContactCenter`, what the conversation
    processes (:mod:`._lifecycle`) use.
    """

    def __init__(
        self,
        scenario: Scenario,
        arrivals: Arrivals,
        workforce: Workforce,
        recorder: Recorder,
        *,
        conv_ids: np.ndarray,
        routing: np.random.Generator,
        behaviour: np.random.Generator,
        messaging: np.random.Generator,
    ) -> None:
        self.scenario = scenario
        self.arrivals = arrivals
        self.workforce = workforce
        self.recorder = recorder
        self.routing_rng = routing
        self.behaviour_rng = behaviour
        self.durations = DrawBank(behaviour)
        self._accept_draws = DrawBank(routing)
        self.messaging_times = MessagingTimes(scenario.modes.messaging, messaging)
        self.env = simpy.Environment()
        self.horizon = scenario.horizon_s
        self.queues: dict[tuple[int, int], list[Wait]] = {}
        self.agents_by_queue: dict[tuple[int, int], list[AgentState]] = {}
        for a in workforce.agents:
            for k in a.skills:
                for site in a.sites:
                    self.agents_by_queue.setdefault((k, site), []).append(a)
        self.queues_of_agent = {
            a.idx: [(k, s) for k in a.skills for s in a.sites] for a in workforce.agents
        }
        # Per (skill, site) that a conversation was offered in: a heap of (load / max_slots,
        # free_since, id, stamp, idx) of agents that were available when pushed; entries
        # whose stamp is old, or whose agent is unavailable now, are dropped when they
        # reach the top (see pick). Heaps start at a key's first pick.
        self.free_agents: dict[tuple[int, int], list[tuple[float, float, int, int, int]]] = {}
        self.order = 0
        self.conv_ids = conv_ids
        self.closes: list[Close] = []
        self.skills_at_site: dict[int, list[int]] = {}
        for a in workforce.agents:
            if not a.is_bot:
                for site in a.sites:
                    known = self.skills_at_site.setdefault(site, [])
                    known.extend(k for k in a.skills if k not in known)
        self.skill_channels = scenario.skill_channels()
        self.transfer_to = {k.id: k.transfer_to for k in scenario.skills if k.transfer_to}
        self.segments = SegmentRecords()
        self.queue_facts = QueueFacts.empty(len(arrivals))
        self.service = ServiceFacts.empty(len(arrivals))
        self.previous_conversation = self._previous_conversations()
        self.accept_delay = scenario.routing.accept_delay

    def _previous_conversations(self) -> np.ndarray:
        """For each conversation, the consumer's previous conversation (-1 if none)."""
        last: dict[int, int] = {}
        prev = np.full(len(self.arrivals), -1, dtype=np.int64)
        for i, c in enumerate(self.arrivals.consumer.tolist()):
            prev[i] = last.get(c, -1)
            last[c] = i
        return prev

    # -- run ------------------------------------------------------------------
    def run(self, *, progress: Callable[[float], None] | None = None) -> None:
        """Run to the horizon; ``progress`` gets the simulated fraction 100 times."""
        for a in self.workforce.agents:
            self.env.process(self._shifts(a))
        self.env.process(self._arrivals())
        if progress is not None:
            self.env.process(self._ticks(progress))
        # Segments still open at the horizon keep end_kind "open" and end NaN.
        self.env.run(until=self.horizon)

    def _ticks(self, progress: Callable[[float], None]) -> Generator[simpy.Event, Any, None]:
        step = self.horizon / 100
        while True:
            yield self.env.timeout(step)
            progress(min(self.env.now / self.horizon, 1.0))

    def _arrivals(self) -> Generator[simpy.Event, Any, None]:
        env = self.env
        for i, t in enumerate(self.arrivals.t.tolist()):
            if t > env.now:
                yield env.timeout(t - env.now)
            env.process(conversation(self, i))

    # -- agents ---------------------------------------------------------------
    def available(self, a: AgentState) -> bool:
        return a.logged and a.status == "online" and not a.draining and a.load < a.max_slots

    def _touch(self, a: AgentState) -> None:
        """Record that ``a``'s load, free_since or availability changed (see pick)."""
        a.stamp += 1
        if not self.available(a):
            return
        entry = (a.load / a.max_slots, a.free_since, a.id, a.stamp, a.idx)
        for key in self.queues_of_agent[a.idx]:
            heap = self.free_agents.get(key)
            if heap is None:
                continue
            heapq.heappush(heap, entry)
            if len(heap) > 8 * len(self.agents_by_queue[key]) + 64:  # drop stale entries
                agents = self.workforce.agents
                heap[:] = [e for e in heap if e[3] == agents[e[4]].stamp]
                heapq.heapify(heap)

    def _wind_down(self, a: AgentState) -> Generator[simpy.Event, Any, None]:
        """Stop new offers and wait until the agent's pending offers are answered."""
        a.draining = True
        while a.pending:
            a.wake = self.env.event()
            yield a.wake

    def _shifts(self, a: AgentState) -> Generator[simpy.Event, Any, None]:
        env, rec = self.env, self.recorder
        breaks = list(a.breaks)
        for start, end in a.periods:
            if start > env.now:
                yield env.timeout(start - env.now)
            for site in a.sites:
                rec.emit(env.now, _K["agent.login"], agent=a.id, site=self.scenario.sites[site].id)
            a.logged, a.status, a.free_since = True, "online", env.now
            self._touch(a)
            self._serve(a)
            while breaks and breaks[0][0] < end:
                at, length, status = breaks.pop(0)
                if at > env.now:
                    yield env.timeout(at - env.now)
                yield from self._wind_down(a)
                a.status = status
                rec.emit(env.now, _K["agent.status"], agent=a.id, status=status)
                back = min(env.now + length, end)
                if back > env.now:
                    yield env.timeout(back - env.now)
                a.status, a.draining = "online", False
                rec.emit(env.now, _K["agent.status"], agent=a.id, status="online")
                self._touch(a)
                self._serve(a)
            if math.isinf(end):
                return
            if end > env.now:
                yield env.timeout(end - env.now)
            yield from self._wind_down(a)
            if a.holding and a.grace_s > 0:
                a.wake = env.event()
                yield a.wake | env.timeout(a.grace_s)
            yield from self._wind_down(a)
            for proc in list(a.holding.values()):
                proc.interrupt("logout")
            # Interrupts are urgent events: they run (and emit back_to_queue) before this.
            yield env.timeout(0)
            for site in a.sites:
                rec.emit(env.now, _K["agent.logout"], agent=a.id, site=self.scenario.sites[site].id)
            a.logged, a.status, a.draining = False, "offline", False

    def release(self, a: AgentState, conv: int) -> None:
        a.holding.pop(conv, None)
        a.load -= 1
        a.free_since = self.env.now
        self._touch(a)
        if a.draining and not a.holding and a.wake is not None and not a.wake.triggered:
            a.wake.succeed()
        self._serve(a)

    # -- routing --------------------------------------------------------------
    def _live_head(self, heap: list[Wait]) -> Wait | None:
        while heap and (heap[0].decided or heap[0].left or heap[0].offered_to):
            heapq.heappop(heap)
        return heap[0] if heap else None

    def _serve(self, a: AgentState) -> None:
        """Give a free agent the oldest waiting conversation of its queues, while it can."""
        while self.available(a):
            best: Wait | None = None
            for key in self.queues_of_agent[a.idx]:
                heap = self.queues.get(key)
                if heap:
                    head = self._live_head(heap)
                    if head is not None and (best is None or head < best):
                        best = head
            if best is None:
                return
            heapq.heappop(self.queues[(best.skill, best.site)])
            self.offer(best, a)

    def pick(self, skill: int, site: int, exclude: set[int]) -> AgentState | None:
        """The least-loaded available agent for (skill, site) whose id is not excluded:
        the smallest (load / max_slots, free_since, id)."""
        heap = self.free_agents.get((skill, site))
        if heap is None:
            heap = self.free_agents[(skill, site)] = [
                (a.load / a.max_slots, a.free_since, a.id, a.stamp, a.idx)
                for a in self.agents_by_queue.get((skill, site), ())
                if self.available(a)
            ]
            heapq.heapify(heap)
        agents = self.workforce.agents
        skipped = []
        found: AgentState | None = None
        while heap:
            entry = heap[0]
            a = agents[entry[4]]
            if entry[3] != a.stamp or not self.available(a):
                heapq.heappop(heap)  # stale; a fresh entry is pushed when it is available
            elif a.id in exclude:
                skipped.append(heapq.heappop(heap))
            else:
                found = a
                break
        for entry in skipped:
            heapq.heappush(heap, entry)
        return found

    def _dispatch(self, w: Wait) -> None:
        heap = self.queues.setdefault((w.skill, w.site), [])
        # A live waiting entry means no eligible agent is free: it would have taken it.
        agent = (
            None if self._live_head(heap) is not None else self.pick(w.skill, w.site, w.declined_by)
        )
        if agent is None:
            heapq.heappush(heap, w)
        else:
            self.offer(w, agent)

    def offer(self, w: Wait, a: AgentState) -> None:
        a.load += 1
        a.pending += 1
        self._touch(a)
        w.offered_to = a
        self.recorder.emit(
            self.env.now,
            _K["assignment.offered"],
            w.conv,
            a.id,
            w.skill,
            reason=ASSIGN_REASONS[w.reason],
        )
        delay = 0.0 if a.is_bot else self._accept_delay()
        if delay <= 0:
            self._answer(w, a)
        else:
            self.env.timeout(delay).callbacks.append(lambda _: self._answer(w, a))

    def _accept_delay(self) -> float:
        d = self.accept_delay
        return d.mean_s if d.kind == "constant" else self._accept_draws(d)

    def _answer(self, w: Wait, a: AgentState) -> None:
        a.pending -= 1
        if a.draining and not a.pending and a.wake is not None and not a.wake.triggered:
            a.wake.succeed()
        if w.left:
            a.load -= 1
            self._touch(a)
            self._serve(a)
            return
        now = self.env.now
        w.offered_to = None
        decline = self.scenario.routing.decline_prob
        if not a.is_bot and decline > 0 and self.routing_rng.random() < decline:
            self.recorder.emit(now, _K["assignment.declined"], w.conv, a.id, w.skill)
            a.load -= 1
            self._touch(a)
            w.declined_by.add(a.id)
            if w.direct:
                w.done.succeed(None)  # the conversation then queues to the skill
            else:
                self._dispatch(w)
            self._serve(a)
            return
        self.recorder.emit(
            now, _K["assignment.accepted"], w.conv, a.id, w.skill, reason=ASSIGN_REASONS[w.reason]
        )
        w.decided = True
        if not a.is_bot:
            self.queue_facts.answered(w.conv, now, a.id)
            self.service.queue_wait[w.conv] += now - w.t_enter
        w.done.succeed(a)

    def offer_direct(self, conv: int, a: AgentState, skill: int) -> Wait:
        """Offer ``conv`` to a named agent (transfer to agent); the Wait's done event
        yields the agent, or None if the offer is declined."""
        self.order += 1
        w = Wait(
            conv,
            skill,
            int(self.arrivals.site[conv]),
            self.env.now,
            self.order,
            TRANSFER,
            self.env.event(),
            direct=True,
        )
        self.offer(w, a)
        return w

    def transfer_targets(self, conv: int, skill: int) -> list[int]:
        """Skills served by humans at the conversation's site that a transfer away from
        ``skill`` may go to: the skill's ``transfer_to`` when the scenario lists them,
        otherwise the other skills whose streams have the conversation's channel."""
        served = self.skills_at_site.get(int(self.arrivals.site[conv]), [])
        listed = self.transfer_to.get(skill)
        if listed is not None:
            return [k for k in listed if k in served]
        channel = CHANNELS[int(self.arrivals.channel[conv])]
        return [k for k in served if k != skill and channel in self.skill_channels.get(k, ())]

    def manager(self, site: int) -> AgentState | None:
        """A random manager logged in to ``site``, or None."""
        present = [m for m in self.workforce.managers if m.logged and site in m.sites]
        return present[int(self.behaviour_rng.integers(len(present)))] if present else None

    def _abandon(self, w: Wait) -> None:
        if w.decided or w.left:
            return
        w.left = True
        self.recorder.emit(self.env.now, _K["conversation.abandoned"], w.conv)
        self.queue_facts.abandon[w.conv] = self.env.now
        w.done.succeed(None)

    def enqueue(self, conv: int, skill: int, reason: int) -> Wait:
        """Queue ``conv`` to ``skill`` (offered at once when an agent is free)."""
        self.recorder.emit(self.env.now, _K["conversation.queued"], conv, skill=skill)
        self.order += 1
        w = Wait(
            conv,
            skill,
            int(self.arrivals.site[conv]),
            self.env.now,
            self.order,
            reason,
            self.env.event(),
        )
        self._dispatch(w)
        return w

    def withdraw(self, w: Wait) -> None:
        """Take ``w`` out of its queue without an event (its conversation closed)."""
        w.left = True

    def queue(
        self, conv: int, skill: int, reason: int, patience: float
    ) -> Generator[simpy.Event, Any, AgentState | None]:
        """Queue ``conv`` to ``skill``; returns the accepting agent, or None if abandoned."""
        w = self.enqueue(conv, skill, reason)
        if not w.decided and patience < math.inf:
            self.env.timeout(patience).callbacks.append(lambda _: self._abandon(w))
        agent: AgentState | None = yield w.done
        return agent
