"""Building blocks for the simulator's unit tests: a tiny scenario, arrivals placed by
hand, and one run of the general engine over them (with the log it records)."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from ccbench.eventlog import CHANNELS, EventLog
from sim import Scenario
from sim._agents import build_workforce
from sim._arrivals import Arrivals
from sim._engine import Engine
from sim._record import Recorder
from sim._run import STREAMS, _columns

BASE: dict[str, Any] = {
    "scenario": {"name": "tiny", "hours": 2.0},
    "sites": [{"id": "main"}],
    "groups": [{"id": 1}],
    "skills": [{"id": 1, "name": "one"}, {"id": 2, "name": "two"}],
    "pools": [
        {
            "name": "a",
            "count": 1,
            "first_id": 1,
            "group": 1,
            "skills": [1],
            "sites": ["main"],
            "max_slots": 1,
        }
    ],
    "streams": [{"name": "s", "channel": "chat", "site": "main", "rate_per_hour": 0.0, "skill": 1}],
    "routing": {"accept_delay": {"kind": "constant", "mean_s": 0.0}},
}


def scenario(**sections: Any) -> Scenario:
    """BASE with whole top-level sections replaced (e.g. ``modes={...}``)."""
    doc = copy.deepcopy(BASE)
    doc.update(copy.deepcopy(sections))
    return Scenario.from_dict(doc)


def arrivals(
    times: list[float],
    *,
    channel: str = "chat",
    skill: int = 1,
    handle: float = 100.0,
    patience: float = float("inf"),
    bot: int = -1,
    consumers: list[int] | None = None,
) -> Arrivals:
    """Conversations at ``times`` (s), all alike, stream 0; each from a new consumer
    unless ``consumers`` numbers them; ``bot`` is the index of the bot they start at."""
    n = len(times)
    return Arrivals(
        t=np.asarray(times, dtype=float),
        stream=np.zeros(n, dtype=np.int64),
        channel=np.full(n, CHANNELS.index(channel), dtype=np.int64),
        site=np.zeros(n, dtype=np.int64),
        language=np.zeros(n, dtype=np.int64),
        intent=np.full(n, -1, dtype=np.int64),
        skill=np.full(n, skill, dtype=np.int64),
        bot=np.full(n, bot, dtype=np.int64),
        consumer=np.asarray(consumers if consumers is not None else range(n), dtype=np.int64),
        patience=np.full(n, patience),
        handle=np.full(n, np.nan if channel == "messaging" else handle),
        languages=("en",),
    )


def run_engine(s: Scenario, a: Arrivals, seed: int = 0) -> tuple[Engine, EventLog]:
    """Run the general engine (no bulk content) and return it with the log it recorded."""
    rngs = dict(
        zip(
            STREAMS,
            (np.random.default_rng(x) for x in np.random.SeedSequence(seed).spawn(len(STREAMS))),
            strict=True,
        )
    )
    workforce = build_workforce(s, rngs["workforce"])
    recorder = Recorder(s.start_ms)
    cols = _columns(s, a)
    engine = Engine(
        s,
        a,
        workforce,
        recorder,
        conv_ids=cols.ids,
        routing=rngs["routing"],
        behaviour=rngs["behaviour"],
        messaging=rngs["messaging"],
    )
    engine.run()
    table = recorder.table(account=s.scenario.account, conversations=cols)
    return engine, EventLog.from_table(table, roster=workforce.roster)


def timeline(log: EventLog, start_ms: int) -> list[tuple[float, str, dict[str, Any]]]:
    """Each event as (seconds from ``start_ms``, kind, its record), in log order."""
    return [((r["ts"] - start_ms) / 1000.0, r["kind"], r) for r in log.records()]
