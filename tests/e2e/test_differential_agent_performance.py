"""Backend vs oracle on the seed 000 agent performance dashboard: identical JSON.

The smoke scenario's log is ingested into the reference backend over HTTP; random
requests (every agent of the roster, a start anywhere from before the log to now,
bucket widths from one minute to a day) at random "now" values must return exactly
``Oracle(log).agent_performance_query(query, now_ms=now)``. Requests the contract or
the roster rejects (an unknown agent, a start at or after now, too many buckets) are
400s naming the same parameter.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ccbench.api import AGENT_PERFORMANCE
from ccbench.eventlog import EventLog
from oracle import Oracle
from sim import load_scenario, simulate
from tests.support.differential import Outcome, compare, served

ROOT = Path(__file__).resolve().parents[2]
VALID_QUERIES = 200


@pytest.fixture(scope="module")
def smoke() -> EventLog:
    return simulate(scenario=load_scenario(ROOT / "scenarios" / "smoke.toml"), seed=3).log


@pytest.fixture(scope="module")
def client(smoke: EventLog) -> Iterator[httpx.Client]:
    with served({"smoke": smoke}) as c:
        yield c


def random_query(rng: random.Random, log: EventLog, now: int) -> list[tuple[str, str]]:
    """A query string: mostly valid, sometimes an unknown agent, a late start or tiny buckets."""
    first, _ = log.time_range()  # type: ignore[misc]
    agents = [a.id for a in log.roster.agents]
    agent = rng.choice(agents) if rng.random() < 0.95 else max(agents) + 1
    roll = rng.random()
    if roll < 0.03:
        start = now + rng.randint(0, 1000)  # not before now: 400 start_ms
    elif roll < 0.2:
        start = max(0, first - rng.randint(0, 3_600_000))  # from before the log
    else:
        start = rng.randint(first, now - 1)
    query = [("agent_id", str(agent)), ("start_ms", str(start))]
    roll = rng.random()
    if roll < 0.5:
        query.append(("bucket_ms", str(rng.choice([60_000, 600_000, 900_000, 3_600_000]))))
    elif roll < 0.8:
        query.append(("bucket_ms", str(rng.randint(60_000, 86_400_000))))
    rng.shuffle(query)  # URL order never matters for known names
    return query


def test_backend_agent_performance_equals_oracle(smoke: EventLog, client: httpx.Client) -> None:
    """200+ random valid requests on the smoke log: the backend's JSON equals the oracle's."""
    oracle = Oracle(smoke)
    first, last = smoke.time_range()  # type: ignore[misc]
    rng = random.Random(20260307)
    path = str(AGENT_PERFORMANCE.path).format(account=smoke.roster.account)
    outcome = Outcome()
    for _ in range(3 * VALID_QUERIES):
        if outcome.valid >= VALID_QUERIES and len(outcome.rejected) >= 2:
            break
        now = rng.randint(first + 1, last + 3_600_000)
        compare(
            client,
            path=path,
            name="smoke",
            query=random_query(rng, smoke, now),
            now=now,
            oracle=lambda q, t: oracle.agent_performance_query(q, now_ms=t),
            outcome=outcome,
        )
    assert not outcome.mismatches, (len(outcome.mismatches), outcome.mismatches[:3])
    assert outcome.valid >= VALID_QUERIES
    assert {"agent_id", "start_ms"} <= set(outcome.rejected), outcome.rejected
