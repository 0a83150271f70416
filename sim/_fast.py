"""Fast path for single-skill, single-site chat/call scenarios (M/M/c-like).

When every agent is online for the whole horizon with one slot and nothing
but queueing happens (no bots, breaks, transfers, declines, resumes...), the
general event loop reduces to the FCFS multi-server recursion: conversation i
is offered at s_i = max(arrival_i, earliest time an agent is free), to that
agent (ties: the agent free longest, then the lowest id, the general engine's
rule), and abandons if its patience runs out before the accept. That is exact
for FCFS with reneging, needs one heap operation per conversation instead of
a dozen SimPy events, and yields the same queue facts as the general engine
(a test checks it) and an event log of the same shape.
"""

from __future__ import annotations

import heapq
import math

import numpy as np

from ccbench.eventlog import CHANNELS, CLOSED_BY

from ._agents import Workforce
from ._arrivals import Arrivals
from ._facts import END_KINDS, NEW, ROLE_AGENT, QueueFacts, ServiceFacts
from ._outcomes import Closes
from ._record import KIND, Chunk, Recorder
from ._scenario import SEGMENT_ENDINGS, Scenario

__all__ = ["fast_path_blocker", "run_fast"]

_K = KIND


def fast_path_blocker(scenario: Scenario, workforce: Workforce) -> str | None:
    """Why the fast path cannot run this scenario, or None when it can."""
    s = scenario
    b = s.behaviour
    checks = [
        (not s.bots, "bots"),
        (len(s.sites) == 1, "several sites"),
        (all(st.channel != "messaging" for st in s.streams), "messaging streams"),
        (all(st.direction == "inbound" for st in s.streams), "outbound streams"),
        (
            len({st.skill for st in s.streams}) == 1 and all(not st.intents for st in s.streams),
            "several skills",
        ),
        (
            all(
                a.max_slots == 1
                and not a.breaks
                and a.role != "manager"
                and len(a.periods) == 1
                and a.periods[0][0] == 0.0
                and a.periods[0][1] >= s.horizon_s
                for a in workforce.agents
            ),
            "agents not all online all the time with one slot",
        ),
        (
            s.routing.accept_delay.kind == "constant" and s.routing.decline_prob == 0,
            "random accept delays or declines",
        ),
        (
            all(getattr(b, f) == 0 for f in (*SEGMENT_ENDINGS, "resume", "reopen", "merge")),
            "transfers, takeovers, resumes or special endings",
        ),
    ]
    for ok, what in checks:
        if not ok:
            return what
    return None


def run_fast(
    scenario: Scenario,
    arrivals: Arrivals,
    workforce: Workforce,
    recorder: Recorder,
    *,
    behaviour: np.random.Generator,
) -> tuple[dict[str, np.ndarray], QueueFacts, ServiceFacts, Closes]:
    """Simulate with the FCFS recursion; returns (segments, queue and service facts,
    final closes)."""
    horizon = scenario.horizon_s
    delay = scenario.routing.accept_delay.mean_s
    agents = workforce.agents
    site = scenario.sites[0].id
    for a in agents:
        recorder.emit(0.0, _K["agent.login"], agent=a.id, site=site)
    n = len(arrivals)
    arrival = np.empty(n)
    offer = np.full(n, np.nan)
    accept = np.full(n, np.nan)
    done = np.full(n, np.nan)
    abandon = np.full(n, np.nan)
    who = np.full(n, -1, dtype=np.int64)
    free = [(0.0, a.id) for a in agents]
    heapq.heapify(free)
    now = 0.0
    patience = arrivals.patience.tolist()
    handle = arrivals.handle.tolist()
    for i, t in enumerate(arrivals.t.tolist()):
        # The event loop advances by now + (t - now); repeat it so times match bit for bit.
        if t > now:
            now = now + (t - now)
        arrival[i] = now
        f, agent = free[0]
        s = f if f > now else now
        give_up = now + patience[i] if patience[i] < math.inf else math.inf
        if give_up < s:
            abandon[i] = give_up
            continue
        heapq.heapreplace(
            free, (s + delay if give_up < s + delay else s + delay + handle[i], agent)
        )
        offer[i], who[i] = s, agent
        if give_up < s + delay:
            abandon[i] = give_up
            continue
        accept[i] = s + delay
        done[i] = s + delay + handle[i]
    by_agent = behaviour.random(n) < scenario.behaviour.agent_close_share
    _emit(scenario, arrivals, recorder, arrival, offer, accept, done, abandon, who, by_agent)
    served = ~np.isnan(accept) & (accept < horizon)
    rows = np.nonzero(served)[0]
    ended = done[rows] < horizon
    closed_by = np.where(
        by_agent, END_KINDS.index("closed_agent"), END_KINDS.index("closed_consumer")
    )
    end_kind = np.where(ended, closed_by[rows], END_KINDS.index("open"))
    segments = {
        "conv": rows,
        "agent": who[rows],
        "skill": arrivals.skill[rows],
        "reason": np.full(len(rows), NEW, dtype=np.int64),
        "role": np.full(len(rows), ROLE_AGENT, dtype=np.int64),
        "start": accept[rows],
        "end": np.where(ended, done[rows], np.nan),
        "end_kind": end_kind,
        "style": np.zeros(len(rows), dtype=np.int64),
        "param": np.zeros(len(rows)),
    }
    facts = QueueFacts.empty(n)
    facts.arrival[:] = arrival
    inside = arrival < horizon
    facts.skill[inside] = arrivals.skill[inside]
    facts.queued[inside] = arrival[inside]
    facts.answered_at[served] = accept[served]
    facts.agent[served] = who[served]
    gone = abandon < horizon
    facts.abandon[gone] = abandon[gone]
    done_rows = rows[ended]
    by_time = np.argsort(done[done_rows], kind="stable")
    closes = (done_rows[by_time], done[done_rows][by_time], who[done_rows][by_time])
    service = ServiceFacts.empty(n)
    service.queue_wait[served] = accept[served] - arrival[served]
    calls = served & (arrivals.channel == CHANNELS.index("call"))
    service.first_response[calls] = accept[calls] - arrival[calls]
    service.load_sum[served], service.load_count[served] = 1.0, 1  # one slot per agent
    service.last_skill[served] = arrivals.skill[served]
    service.resolved[done_rows] = True
    service.closed_by[done_rows] = np.where(
        by_agent[done_rows], CLOSED_BY.index("agent"), CLOSED_BY.index("consumer")
    )
    return segments, facts, service, closes


def _emit(
    scenario: Scenario,
    arrivals: Arrivals,
    recorder: Recorder,
    arrival: np.ndarray,
    offer: np.ndarray,
    accept: np.ndarray,
    done: np.ndarray,
    abandon: np.ndarray,
    who: np.ndarray,
    by_agent: np.ndarray,
) -> None:
    """Every routing event as one bulk chunk, ranked per conversation in causal order."""
    horizon = scenario.horizon_s
    n = len(arrival)
    idx = np.arange(n, dtype=np.int64)
    skill = arrivals.skill
    chat = arrivals.channel != CHANNELS.index("call")
    parts: list[tuple[np.ndarray, int, np.ndarray, np.ndarray, np.ndarray, int]] = []
    # (rows, kind, times, agent, skill, step) -- step orders a conversation's events
    parts.append((idx, _K["conversation.opened"], arrival, np.full(n, -1), np.full(n, -1), 0))
    rows = idx[chat]
    parts.append(
        (rows, _K["message.sent"], arrival[rows], np.full(len(rows), -1), np.full(len(rows), -1), 1)
    )
    parts.append((idx, _K["conversation.queued"], arrival, np.full(n, -1), skill, 2))
    for kind, times, step in (
        (_K["assignment.offered"], offer, 3),
        (_K["assignment.accepted"], accept, 4),
        (_K["conversation.closed"], done, 6),
    ):
        rows = np.nonzero(~np.isnan(times) & (times < horizon))[0]
        agent = (
            who[rows]
            if kind != _K["conversation.closed"]
            else np.where(by_agent[rows], who[rows], -1)
        )
        skills = np.full(len(rows), -1) if kind == _K["conversation.closed"] else skill[rows]
        parts.append((rows, kind, times[rows], agent, skills, step))
    rows = np.nonzero(abandon < horizon)[0]
    parts.append(
        (
            rows,
            _K["conversation.abandoned"],
            abandon[rows],
            np.full(len(rows), -1),
            np.full(len(rows), -1),
            5,
        )
    )
    parts = [p for p in parts if len(p[0])]
    extra: dict[str, tuple[list[np.ndarray], list[np.ndarray]]] = {}
    offset = 0
    for rows, kind, _, agent, _, _ in parts:
        local = np.arange(offset, offset + len(rows))
        if kind == _K["message.sent"]:
            extra.setdefault("sender_role", ([], []))
            extra["sender_role"][0].append(local)
            extra["sender_role"][1].append(np.full(len(rows), "consumer", dtype=object))
        elif kind in (_K["assignment.offered"], _K["assignment.accepted"]):
            extra.setdefault("reason", ([], []))
            extra["reason"][0].append(local)
            extra["reason"][1].append(np.full(len(rows), "new", dtype=object))
        elif kind == _K["conversation.closed"]:
            for name, values in (
                ("closed_by", np.where(agent >= 0, "agent", "consumer")),
                ("reason", np.where(agent >= 0, "resolved", "consumer_closed")),
            ):
                extra.setdefault(name, ([], []))
                extra[name][0].append(local)
                extra[name][1].append(values.astype(object))
        offset += len(rows)
    start_ms = recorder.start_ms
    recorder.add(
        Chunk(
            ts=np.concatenate([start_ms + np.floor(p[2] * 1000.0).astype(np.int64) for p in parts]),
            kind=np.concatenate([np.full(len(p[0]), p[1], dtype=np.int64) for p in parts]),
            conv=np.concatenate([p[0] for p in parts]),
            agent=np.concatenate([np.asarray(p[3], dtype=np.int64) for p in parts]),
            skill=np.concatenate([np.asarray(p[4], dtype=np.int64) for p in parts]),
            rank=np.concatenate([p[0] * 8 + p[5] for p in parts]),
            extra={k: (np.concatenate(r), np.concatenate(v)) for k, (r, v) in extra.items()},
        )
    )
