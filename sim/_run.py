"""One simulation run: build, run, collect; and writing the log with its manifest.

A run owns its random streams: ``numpy.random.SeedSequence(seed).spawn`` gives
one Generator per subsystem (arrivals, attributes, patience, handle times,
workforce, routing, behaviour, content, outcomes, messaging turns), so adding
draws to one
subsystem never shifts another's, and the same scenario and seed give a
byte-identical Parquet log.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

import ccbench
from ccbench import InputError, ParameterError
from ccbench.eventlog import ASSIGN_REASONS, CHANNELS, SENDER_ROLES, EventLog, write_log

from ._agents import build_workforce
from ._arrivals import Arrivals, draw_arrivals
from ._content import draw_content
from ._engine import Engine
from ._facts import END_KINDS
from ._fast import fast_path_blocker, run_fast
from ._outcomes import draw_outcomes
from ._record import ConversationColumns, Recorder
from ._scenario import Scenario

__all__ = [
    "STREAMS",
    "SimResult",
    "manifest_path",
    "manifest_scenario",
    "simulate",
    "write_result",
]

STREAMS = (
    "arrivals",
    "attributes",
    "patience",
    "handle",
    "workforce",
    "routing",
    "behaviour",
    "content",
    "outcomes",
    "messaging",
)
ENGINES = ("auto", "general", "fast")


@dataclass(frozen=True)
class SimResult:
    """What a run produced.

    ``log``: the event log. ``queue``: one row per conversation (conversation_id,
    channel, skill_id of its first human queue, arrival_ms, queued_ms,
    answered_ms, abandoned_ms, agent_id; null = did not happen before the
    horizon). ``segments``: one row per agent segment (conversation_id,
    agent_id, skill_id, role, reason, start_ms, end_ms null while open at the
    horizon, end). ``engine`` is "general" or "fast"; ``wall_s`` the run's
    wall-clock seconds.
    """

    log: EventLog
    queue: pa.Table
    segments: pa.Table
    scenario: Scenario
    seed: int
    engine: str
    wall_s: float

    def manifest(self) -> dict[str, Any]:
        """The resolved scenario, seed, version, wall time and event counts by kind."""
        horizon_end = self.scenario.start_ms + int(self.scenario.horizon_s * 1000)
        return {
            "ccbench_version": ccbench.__version__,
            "scenario": self.scenario.to_dict(),
            "seed": self.seed,
            "engine": self.engine,
            "horizon_ms": [self.scenario.start_ms, horizon_end],
            "wall_s": round(self.wall_s, 3),
            "events": len(self.log),
            "conversations": self.queue.num_rows,
            "event_counts": self.log.kind_counts(),
        }


def _columns(scenario: Scenario, arrivals: Arrivals) -> ConversationColumns:
    n = len(arrivals)
    streams = scenario.streams

    def obj(values: list[Any]) -> np.ndarray:
        return np.asarray(values, dtype=object)

    flows = obj([s.bot_flow or None for s in streams])
    direction = obj(["outbound" if s.direction == "outbound" else None for s in streams])
    policy = obj([s.sla_policy or None for s in streams])
    return ConversationColumns(
        ids=obj([f"c{i}" for i in range(n)]),
        site=obj([s.id for s in scenario.sites])[arrivals.site] if n else obj([]),
        channel=obj(list(CHANNELS))[arrivals.channel] if n else obj([]),
        source=obj([s.source for s in streams])[arrivals.stream] if n else obj([]),
        consumer_id=obj([f"u{c}" for c in arrivals.consumer.tolist()]),
        language=obj(list(arrivals.languages))[arrivals.language] if n else obj([]),
        bot_flow=flows[arrivals.stream] if n else obj([]),
        direction=direction[arrivals.stream] if n else obj([]),
        sla_policy=policy[arrivals.stream] if n else obj([]),
    )


def _segment_table(seg: dict[str, np.ndarray], ids: np.ndarray, start_ms: int) -> pa.Table:
    end = np.asarray(seg["end"], dtype=float)
    open_ = np.isnan(end)
    conv = np.asarray(seg["conv"], dtype=np.int64)
    return pa.table(
        {
            "conversation_id": pa.array(ids[conv] if len(conv) else [], type=pa.string()),
            "agent_id": pa.array(np.asarray(seg["agent"], dtype=np.int64)),
            "skill_id": pa.array(np.asarray(seg["skill"], dtype=np.int64)),
            "role": pa.array(
                np.asarray(SENDER_ROLES, dtype=object)[np.asarray(seg["role"], dtype=int)],
                type=pa.string(),
            ),
            "reason": pa.array(
                np.asarray(ASSIGN_REASONS, dtype=object)[np.asarray(seg["reason"], dtype=int)],
                type=pa.string(),
            ),
            "start_ms": pa.array(
                start_ms + np.floor(np.asarray(seg["start"], dtype=float) * 1000).astype(np.int64)
            ),
            "end_ms": pa.array(
                np.where(open_, 0, start_ms + np.floor(np.nan_to_num(end) * 1000)).astype(np.int64),
                mask=open_,
            ),
            "end": pa.array(
                np.asarray(END_KINDS, dtype=object)[np.asarray(seg["end_kind"], dtype=int)],
                type=pa.string(),
            ),
        }
    )


def simulate(
    *,
    scenario: Scenario,
    seed: int = 0,
    days: float | None = None,
    engine: str = "auto",
    progress: Callable[[float], None] | None = None,
) -> SimResult:
    """Simulate ``scenario`` with ``seed``; ``days`` overrides the horizon (24 h x days).

    ``engine``: "general" (the SimPy event loop), "fast" (the FCFS recursion,
    only for scenarios it supports) or "auto" (fast when possible).
    ``progress`` is called with the simulated fraction of the horizon in [0, 1].
    """
    if engine not in ENGINES:
        raise ParameterError("engine", f"expected one of {', '.join(ENGINES)}, got {engine!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ParameterError("seed", f"expected an integer >= 0, got {seed!r}")
    if days is not None:
        if isinstance(days, bool) or not isinstance(days, int | float) or not days > 0:
            raise ParameterError("days", f"expected a number of days > 0, got {days!r}")
        try:
            scenario = scenario.with_hours(24.0 * days)
        except InputError as exc:
            raise ParameterError("days", f"{days!r} days: {exc}") from exc
    began = time.perf_counter()
    rngs = dict(
        zip(
            STREAMS,
            (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(len(STREAMS))),
            strict=True,
        )
    )
    arrivals = draw_arrivals(
        scenario,
        arrivals=rngs["arrivals"],
        attributes=rngs["attributes"],
        patience=rngs["patience"],
        handle=rngs["handle"],
    )
    workforce = build_workforce(scenario, rngs["workforce"])
    recorder = Recorder(scenario.start_ms)
    cols = _columns(scenario, arrivals)
    blocker = fast_path_blocker(scenario, workforce)
    if engine == "fast" and blocker is not None:
        raise ParameterError("engine", f"the fast path cannot run this scenario ({blocker})")
    use_fast = engine == "fast" or (engine == "auto" and blocker is None)
    if use_fast:
        segments, facts, service, closes = run_fast(
            scenario, arrivals, workforce, recorder, behaviour=rngs["behaviour"]
        )
    else:
        sim = Engine(
            scenario,
            arrivals,
            workforce,
            recorder,
            conv_ids=cols.ids,
            routing=rngs["routing"],
            behaviour=rngs["behaviour"],
            messaging=rngs["messaging"],
        )
        sim.run(progress=progress)
        facts, service = sim.queue_facts, sim.service
        closes = (
            np.asarray([c.conv for c in sim.closes], dtype=np.int64),
            np.asarray([c.t for c in sim.closes], dtype=float),
            np.asarray([c.last_agent for c in sim.closes], dtype=np.int64),
        )
        facts.arrival[:] = arrivals.t
        segments = sim.segments.arrays()
    if progress is not None:
        progress(1.0)
    start_ms = scenario.start_ms
    recorder.add(
        draw_content(
            scenario,
            arrivals,
            segments,
            workforce,
            service,
            start_ms=start_ms,
            content=rngs["content"],
        )
    )
    recorder.add(draw_outcomes(scenario, closes, service, start_ms=start_ms, rng=rngs["outcomes"]))
    table = recorder.table(account=scenario.scenario.account, conversations=cols)
    log = EventLog.from_table(table, roster=workforce.roster)
    queue = facts.table(ids=cols.ids, channel=cols.channel, start_ms=scenario.start_ms)
    return SimResult(
        log=log,
        queue=queue,
        segments=_segment_table(segments, cols.ids, scenario.start_ms),
        scenario=scenario,
        seed=seed,
        engine="fast" if use_fast else "general",
        wall_s=time.perf_counter() - began,
    )


def manifest_path(log_path: str | os.PathLike[str]) -> Path:
    """Where the manifest of a log goes: ``run.parquet`` -> ``run.manifest.json``."""
    p = Path(log_path)
    return p.with_name(p.stem + ".manifest.json")


def manifest_scenario(log_path: str | os.PathLike[str]) -> Scenario | None:
    """The resolved scenario in the manifest next to a simulated log, or None when the
    log has no manifest (an imported log); InputError when the manifest is unreadable."""
    man = manifest_path(log_path)
    if not man.exists():
        return None
    try:
        document = json.loads(man.read_text(encoding="utf-8"))
        scenario = document["scenario"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(
            f"manifest {man}: expected the JSON manifest of a simulated log with a "
            f"'scenario' object, got an unreadable file ({exc})"
        ) from exc
    try:
        return Scenario.from_dict(scenario)
    except InputError as exc:
        raise InputError(f"manifest {man}: {exc}") from exc


def write_result(result: SimResult, path: str | os.PathLike[str]) -> tuple[Path, Path]:
    """Write the log (Parquet or NDJSON by suffix) and its manifest; returns both paths."""
    log_path = write_log(result.log, path)
    man = manifest_path(log_path)
    man.write_text(json.dumps(result.manifest(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return log_path, man
