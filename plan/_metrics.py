"""Per-replication capacity metrics from a simulation result, per skill and overall.

A conversation counts in the window [start, end) (epoch ms, half-open) when it entered
its first human queue inside it (``queued_ms``); conversations a bot closed without a
human are not counted. Warm-up deletion = a window that starts after the horizon start.
Agent time metrics (occupancy, load) integrate over the same window.

Metric definitions (docs/plan.md has the same list):

- ``offered``: conversations queued in the window (count);
- ``service_level``: answered with wait <= threshold / (answered + abandoned + still
  waiting at the horizon end for longer than the threshold), a fraction;
- ``asa_s``: average speed of answer, mean wait of the answered ones (s);
- ``abandon_rate``: abandoned / (answered + abandoned), a fraction;
- ``occupancy``: time with at least one assigned conversation while online / online time
  of the agents serving the skill (fraction; online = logged in and status online);
- ``load``: time-average while online of sum(skill intensity of assigned conversations)
  / max_slots over the same agents (fraction; equals occupancy for one-slot agents);
- ``ttfr_s``: time to first response, first human agent message - queue entry (s;
  calls have none);
- ``resolution_s``: last close within the horizon - arrival (s; conversations still
  open at the horizon end are left out).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sim import Scenario, SimResult

__all__ = [
    "CAPACITY_METRICS",
    "OVERALL",
    "AgentSteps",
    "QueueOutcomes",
    "Window",
    "agent_steps",
    "agent_time",
    "human_agent_steps",
    "human_scopes",
    "replication_metrics",
]

CAPACITY_METRICS = (
    "offered",
    "service_level",
    "asa_s",
    "abandon_rate",
    "occupancy",
    "load",
    "ttfr_s",
    "resolution_s",
)
OVERALL = "all"


@dataclass(frozen=True, slots=True)
class Window:
    """The measured part of a run, [start_ms, end_ms) in epoch ms."""

    start_ms: int
    end_ms: int

    @classmethod
    def of(cls, scenario: Scenario, *, warmup_s: float, cooldown_s: float) -> Window:
        """The horizon minus ``warmup_s`` at the start and ``cooldown_s`` at the end."""
        start = scenario.start_ms
        end = start + int(scenario.horizon_s * 1000)
        return cls(start + int(warmup_s * 1000), end - int(cooldown_s * 1000))


def _floats(table: pa.Table, name: str) -> np.ndarray:
    """A nullable int column as float64 with NaN for nulls."""
    return np.asarray(table.column(name).to_numpy(zero_copy_only=False), dtype=float)


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if values.size else math.nan


def _first_ts(log: pa.Table, ids: pa.Array, mask: pa.Array, *, last: bool = False) -> np.ndarray:
    """Per conversation of ``ids``: min (or max) ts of the log rows in ``mask``; NaN if none."""
    rows = log.filter(mask).select(["conversation_id", "ts"])
    agg = "max" if last else "min"
    grouped = rows.group_by("conversation_id").aggregate([("ts", agg)])
    out = np.full(len(ids), np.nan)
    where = pc.index_in(grouped.column("conversation_id"), value_set=ids).to_numpy(
        zero_copy_only=False
    )
    found = ~np.isnan(np.asarray(where, dtype=float))
    out[np.asarray(where[found], dtype=np.int64)] = np.asarray(
        grouped.column(f"ts_{agg}").to_numpy(), dtype=float
    )[found]
    return out


def _online_intervals(log: pa.Table) -> dict[int, list[tuple[float, float]]]:
    """Per agent, [start, end) ms intervals logged in (any site) with status online."""
    kinds = ("agent.login", "agent.logout", "agent.status")
    rows = log.filter(pc.is_in(log.column("kind"), value_set=pa.array(kinds)))
    state: dict[int, tuple[int, str, float]] = {}  # agent -> (sites, status, online since)
    out: dict[int, list[tuple[float, float]]] = {}
    for kind, agent, ts, status in zip(
        rows.column("kind").to_pylist(),
        rows.column("agent_id").to_pylist(),
        rows.column("ts").to_pylist(),
        rows.column("status").to_pylist(),
        strict=True,
    ):
        sites, current, since = state.get(agent, (0, "offline", math.nan))
        was = sites > 0 and current == "online"
        if kind == "agent.login":
            sites, current = sites + 1, "online"
        elif kind == "agent.logout":
            sites -= 1
            current = current if sites > 0 else "offline"
        else:
            current = status
        now = sites > 0 and current == "online"
        if now and not was:
            since = ts
        elif was and not now:
            out.setdefault(agent, []).append((since, ts))
        state[agent] = (sites, current, since)
    for agent, (sites, current, since) in state.items():
        if sites > 0 and current == "online":
            out.setdefault(agent, []).append((since, math.inf))
    return out


@dataclass(frozen=True, slots=True)
class AgentSteps:
    """One agent's state as step functions of time (epoch ms).

    From ``t[k]`` to ``t[k + 1]`` (the last value holds on) the agent is online when
    ``on[k]`` > 0, busy while online when ``busy[k]`` > 0 (at least one segment open) and
    carries ``load[k]`` = sum of the open segments' weights / max_slots (0 when offline).
    Before ``t[0]`` everything is 0.
    """

    t: np.ndarray
    on: np.ndarray
    busy: np.ndarray
    load: np.ndarray

    def integrate(self, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Online, busy and load integrals (ms) over each [edges[j], edges[j + 1])."""
        if not len(self.t):
            zero = np.zeros(len(edges) - 1)
            return zero, zero.copy(), zero.copy()
        points = np.unique(np.concatenate([np.clip(self.t, edges[0], edges[-1]), edges]))
        k = np.searchsorted(self.t, points[:-1], side="right") - 1
        dur = np.diff(points)
        where = np.searchsorted(edges, points[:-1], side="right") - 1
        out = []
        for values in (self.on, self.busy, self.load):
            v = np.where(k >= 0, values[np.maximum(k, 0)], 0.0)
            out.append(np.bincount(where, weights=dur * v, minlength=len(edges) - 1))
        return out[0], out[1], out[2]


def agent_steps(
    *,
    online: Mapping[int, list[tuple[float, float]]],
    segments: pa.Table,
    weights: Mapping[int, float],
    slots: Mapping[int, int],
) -> dict[int, AgentSteps]:
    """Per agent of ``slots``: its :class:`AgentSteps`.

    ``segments``: agent_id, skill_id, start_ms, end_ms (null = open at the horizon end);
    ``weights``: skill -> intensity; ``slots``: agent -> max_slots; ``online``: per agent
    the [start, end) ms spans logged in with status online.
    """
    agents = np.asarray(segments.column("agent_id").to_numpy(), dtype=np.int64)
    skills = np.asarray(segments.column("skill_id").to_numpy(), dtype=np.int64)
    start = _floats(segments, "start_ms")
    end = np.nan_to_num(_floats(segments, "end_ms"), nan=math.inf)
    w = np.asarray([weights.get(int(k), 1.0) for k in skills], dtype=float)
    out: dict[int, AgentSteps] = {}
    order = np.argsort(agents, kind="stable")
    bounds = np.searchsorted(agents[order], list(slots), side="left")
    ends = np.searchsorted(agents[order], list(slots), side="right")
    for (agent, max_slots), a, b in zip(slots.items(), bounds, ends, strict=True):
        idx = order[a:b]
        spans = online.get(agent, [])
        # Change points of three step functions: open segments, their weight, online.
        t = np.concatenate([start[idx], end[idx], [s for s, _ in spans], [e for _, e in spans]])
        d_busy = np.concatenate([np.ones(len(idx)), -np.ones(len(idx)), np.zeros(2 * len(spans))])
        d_w = np.concatenate([w[idx], -w[idx], np.zeros(2 * len(spans))])
        d_on = np.concatenate([np.zeros(2 * len(idx)), np.ones(len(spans)), -np.ones(len(spans))])
        o = np.argsort(t, kind="stable")
        on = np.cumsum(d_on[o]) > 0.5
        busy = on & (np.cumsum(d_busy[o]) > 0.5)
        load = np.where(on, np.maximum(np.cumsum(d_w[o]), 0.0) / max_slots, 0.0)
        out[agent] = AgentSteps(t[o], on.astype(float), busy.astype(float), load)
    return out


def agent_time(
    *,
    online: Mapping[int, list[tuple[float, float]]],
    segments: pa.Table,
    weights: Mapping[int, float],
    slots: Mapping[int, int],
    window: Window,
) -> dict[int, tuple[float, float, float]]:
    """Per agent of ``slots``: (online ms, busy-and-online ms, load-integral ms) in ``window``.

    Arguments as :func:`agent_steps`. Busy = at least one segment open; load(t) = sum of
    open segments' weights / max_slots.
    """
    edges = np.asarray([window.start_ms, window.end_ms], dtype=float)
    steps = agent_steps(online=online, segments=segments, weights=weights, slots=slots)
    out = {}
    for agent, st in steps.items():
        on, busy, load = st.integrate(edges)
        out[agent] = (float(on[0]), float(busy[0]), float(load[0]))
    return out


@dataclass(frozen=True)
class QueueOutcomes:
    """What happened to each conversation of a run in its first human queue.

    Arrays of one length (one entry per row of ``SimResult.queue``): ``skill`` (-1 =
    never queued for a human), ``queued_ms``, ``wait_s`` (answer - queue entry, NaN
    unless answered), ``answered``, ``abandoned`` and ``waiting_long`` (still waiting at
    the horizon end for longer than the threshold; the service level counts it as late).
    """

    skill: np.ndarray
    queued_ms: np.ndarray
    wait_s: np.ndarray
    answered: np.ndarray
    abandoned: np.ndarray
    waiting_long: np.ndarray

    @classmethod
    def of(cls, result: SimResult, *, threshold_s: float) -> QueueOutcomes:
        scenario, queue = result.scenario, result.queue
        horizon_end = scenario.start_ms + scenario.horizon_s * 1000.0
        queued = _floats(queue, "queued_ms")
        answered = _floats(queue, "answered_ms")
        was_answered = ~np.isnan(answered)
        was_abandoned = ~np.isnan(_floats(queue, "abandoned_ms"))
        return cls(
            skill=np.asarray(queue.column("skill_id").fill_null(-1).to_numpy(), dtype=np.int64),
            queued_ms=queued,
            wait_s=(answered - queued) / 1000.0,
            answered=was_answered,
            abandoned=was_abandoned,
            waiting_long=~was_answered
            & ~was_abandoned
            & ((horizon_end - queued) / 1000.0 > threshold_s),
        )


def human_scopes(scenario: Scenario) -> dict[str, tuple[int | None, list[int]]]:
    """Scope -> (skill id, None for "all"; the non-manager agents serving it)."""
    human_pools = [p for p in scenario.pools if p.role != "manager"]
    everyone = [a for p in human_pools for a in range(p.first_id, p.first_id + p.count)]
    scopes: dict[str, tuple[int | None, list[int]]] = {OVERALL: (None, everyone)}
    bot_skills = {b.skill for b in scenario.bots}
    for k in scenario.skills:
        if k.id not in bot_skills:
            serving = [
                a
                for p in human_pools
                if k.id in p.skills
                for a in range(p.first_id, p.first_id + p.count)
            ]
            scopes[str(k.id)] = (k.id, serving)
    return scopes


def human_agent_steps(result: SimResult) -> dict[int, AgentSteps]:
    """:class:`AgentSteps` of every non-manager agent of a run (from its log and segments)."""
    scenario = result.scenario
    slots = {
        agent: p.max_slots
        for p in scenario.pools
        if p.role != "manager"
        for agent in range(p.first_id, p.first_id + p.count)
    }
    return agent_steps(
        online=_online_intervals(result.log.table),
        segments=result.segments.filter(pc.equal(result.segments.column("role"), "agent")),
        weights={k.id: k.intensity for k in scenario.skills},
        slots=slots,
    )


def replication_metrics(
    *, result: SimResult, window: Window, threshold_s: float
) -> dict[str, dict[str, float]]:
    """Metrics of one run: ``{scope: {metric: value}}``, scope "all" or a human skill id.

    NaN marks a metric without a sample (e.g. no answered conversation in a skill).
    """
    queue, log = result.queue, result.log.table
    q = QueueOutcomes.of(result, threshold_s=threshold_s)
    inside = (q.skill >= 0) & (q.queued_ms >= window.start_ms) & (q.queued_ms < window.end_ms)
    ids = queue.column("conversation_id").combine_chunks()
    agent_msg = pc.and_(
        pc.equal(log.column("kind"), "message.sent"),
        pc.equal(log.column("sender_role"), "agent"),
    ).fill_null(False)
    ttfr = (_first_ts(log, ids, agent_msg) - q.queued_ms) / 1000.0
    closed = pc.equal(log.column("kind"), "conversation.closed")
    resolution = (_first_ts(log, ids, closed, last=True) - _floats(queue, "arrival_ms")) / 1000.0
    edges = np.asarray([window.start_ms, window.end_ms], dtype=float)
    times = {a: st.integrate(edges) for a, st in human_agent_steps(result).items()}

    out: dict[str, dict[str, float]] = {}
    for scope, (skill, agents) in human_scopes(result.scenario).items():
        mask = inside if skill is None else inside & (q.skill == skill)
        ans, aband, long_ = mask & q.answered, mask & q.abandoned, mask & q.waiting_long
        known_sl = int(ans.sum() + aband.sum() + long_.sum())
        known_ab = int(ans.sum() + aband.sum())
        on = sum(float(times[a][0][0]) for a in agents)
        busy = sum(float(times[a][1][0]) for a in agents)
        loaded = sum(float(times[a][2][0]) for a in agents)
        out[scope] = {
            "offered": float(mask.sum()),
            "service_level": float((ans & (q.wait_s <= threshold_s)).sum()) / known_sl
            if known_sl
            else math.nan,
            "asa_s": _mean(q.wait_s[ans]),
            "abandon_rate": float(aband.sum()) / known_ab if known_ab else math.nan,
            "occupancy": busy / on if on > 0 else math.nan,
            "load": loaded / on if on > 0 else math.nan,
            "ttfr_s": _mean(ttfr[mask & ~np.isnan(ttfr)]),
            "resolution_s": _mean(resolution[mask & ~np.isnan(resolution)]),
        }
    return out
