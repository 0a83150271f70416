"""Backend vs oracle on the seed 002 supervision page: identical JSON.

The smoke scenario's log is ingested into the reference backend over HTTP; random
requests (every site of the roster, every optional parameter over its range,
objectives as JSON text for random agents and metrics) at random "now" values must
return exactly ``Oracle(log).supervision_query(query, now_ms=now)``. Requests the
contract or the roster rejects (an unknown site, an objective of an unknown agent,
bands out of order) are 400s naming the same parameter.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ccbench.api import SUPERVISION
from ccbench.eventlog import OBJECTIVE_METRICS, EventLog
from oracle import Oracle
from sim import load_scenario, simulate
from tests.support.differential import Outcome, compare, served

ROOT = Path(__file__).resolve().parents[2]
VALID_QUERIES = 200
CHANNELS = ("messaging", "chat", "call")


@pytest.fixture(scope="module")
def smoke() -> EventLog:
    return simulate(scenario=load_scenario(ROOT / "scenarios" / "smoke.toml"), seed=3).log


@pytest.fixture(scope="module")
def client(smoke: EventLog) -> Iterator[httpx.Client]:
    with served({"smoke": smoke}) as c:
        yield c


def _objectives(rng: random.Random, agents: list[int]) -> str:
    out = []
    for i in range(rng.randint(0, 4)):
        o: dict[str, object] = {
            "id": f"o{i}",
            "metric": rng.choice(OBJECTIVE_METRICS),
            "target": rng.choice([0, 1, 5, 50, 80.5, 10_000]),
        }
        roll = rng.random()
        if roll < 0.5:
            o["agent_id"] = rng.choice(agents)
        elif roll < 0.53:
            o["agent_id"] = max(agents) + 1  # not in the roster: 400 objectives
        out.append(o)
    return json.dumps(out)


def random_query(rng: random.Random, log: EventLog) -> list[tuple[str, str]]:
    """A query string: every optional parameter present at random, mostly valid."""
    roster = log.roster
    sites = [s.id for s in roster.sites]
    query = [("site_id", rng.choice(sites) if rng.random() < 0.97 else "no-such-site")]
    if rng.random() < 0.3:
        query.append(("objectives", _objectives(rng, [a.id for a in roster.agents])))
    for name in ("max_handling_ms", "max_response_ms"):
        if rng.random() < 0.3:
            query.append((name, str(rng.choice([1, 1000, 30_000, 120_000, 600_000]))))
    if rng.random() < 0.4:
        picked = rng.sample(CHANNELS, k=rng.randint(1, 3))
        query.append(("channels", ",".join(picked)))
    good = rng.choice([None, 0, 50, 80, 90.5, 100])
    poor = rng.choice([None, 0, 40, 60, 100])
    if good is not None:
        query.append(("satisfaction_good_pct", str(good)))
    if poor is not None:
        query.append(("satisfaction_poor_pct", str(poor)))
    if rng.random() < 0.4:
        query.append(("satisfaction", rng.choice(["top2", "mean"])))
    if rng.random() < 0.4:
        query.append(("conversion_rate", rng.choice(["contacts", "transactions"])))
    rng.shuffle(query)
    return query


def test_backend_supervision_equals_oracle(smoke: EventLog, client: httpx.Client) -> None:
    """200+ random valid requests on the smoke log: the backend's JSON equals the oracle's."""
    oracle = Oracle(smoke)
    first, last = smoke.time_range()  # type: ignore[misc]
    rng = random.Random(20260308)
    path = str(SUPERVISION.path).format(account=smoke.roster.account)
    outcome = Outcome()
    for _ in range(3 * VALID_QUERIES):
        if outcome.valid >= VALID_QUERIES:
            break
        now = rng.randint(first, last + 3_600_000)
        compare(
            client,
            path=path,
            name="smoke",
            query=random_query(rng, smoke),
            now=now,
            oracle=lambda q, t: oracle.supervision_query(q, now_ms=t),
            outcome=outcome,
        )
    assert not outcome.mismatches, (len(outcome.mismatches), outcome.mismatches[:3])
    assert outcome.valid >= VALID_QUERIES
    assert {"site_id", "objectives", "satisfaction_poor_pct"} <= set(outcome.rejected), (
        outcome.rejected
    )
