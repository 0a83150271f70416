"""Backend vs oracle: two independent implementations give identical answers (issue 6 proof).

The smoke scenario's log is ingested into the reference backend over HTTP (real uvicorn on
127.0.0.1); then 500 random valid msgagentsegments queries (timeframes, intervals, id
filters, userType, source, metrics, random "now" values) must return exactly the oracle's
answer. Any disagreement is resolved by reading docs/metrics.md.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from backend import ServerConfig, serve
from ccbench.eventlog import EventLog
from oracle import Oracle
from sim import load_scenario, simulate

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "diff-token"
QUERIES = 500
TIMEFRAMES = (5, 10, 15, 30, 60, 90, 120, 180, 240, 360, 720, 1440)


@pytest.fixture(scope="module")
def smoke_log() -> EventLog:
    return simulate(scenario=load_scenario(ROOT / "scenarios" / "smoke.toml"), seed=3).log


@pytest.fixture(scope="module")
def client(smoke_log: EventLog) -> Iterator[httpx.Client]:
    account = smoke_log.roster.account
    config = ServerConfig(db=":memory:", tokens={TOKEN: account}, test_clock=True)
    with (
        serve(config) as url,
        httpx.Client(base_url=url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60) as c,
    ):
        r = c.put(f"/api/v1/accounts/{account}/roster", json=smoke_log.roster.to_dict())
        assert r.status_code == 200, r.text
        records = list(smoke_log.records())
        for start in range(0, len(records), 2000):
            body = b"\n".join(orjson.dumps(x) for x in records[start : start + 2000])
            r = c.post(
                f"/api/v1/accounts/{account}/events",
                content=body,
                headers={"Content-Type": "application/x-ndjson"},
            )
            assert r.status_code == 200, r.text
        yield c


def _ids(rng: random.Random, pool: list[int]) -> str | None:
    choice = rng.random()
    if choice < 0.3:
        return None
    if choice < 0.4:
        return "all"
    picked = rng.sample(pool, k=rng.randint(1, min(4, len(pool))))
    if rng.random() < 0.2:
        picked.append(max(pool) + 1000)  # an id with no data: must be omitted
    return ",".join(map(str, picked))


def _random_query(
    rng: random.Random, log: EventLog, metrics: list[str]
) -> tuple[dict[str, str], int]:
    first, last = log.time_range()  # type: ignore[misc]
    now = rng.randint(first, last + 3_600_000)
    timeframe = rng.choice(TIMEFRAMES)
    query: dict[str, str] = {"v": "1", "timeframe": str(timeframe)}
    if rng.random() < 0.5:
        divisors = [d for d in range(5, timeframe + 1) if timeframe % d == 0]
        if divisors:
            query["interval"] = str(rng.choice(divisors[-6:]))  # keep interval counts modest
    roster = log.roster
    for name, pool in (
        ("agentIds", [a.id for a in roster.agents]),
        ("skillIds", [s.id for s in roster.skills]),
        ("groupIds", [g.id for g in roster.groups]),
    ):
        value = _ids(rng, pool)
        if value is not None:
            query[name] = value
    if rng.random() < 0.5:
        query["userType"] = rng.choice(["human", "bot", "all"])
    if rng.random() < 0.4:
        query["source"] = rng.choice(["APP", "WEB", "SMS", "FACEBOOK", "PHONE", "all"])
    if rng.random() < 0.4:
        query["metrics"] = ",".join(rng.sample(metrics, k=rng.randint(1, 4)))
    return query, now


def test_backend_equals_oracle(smoke_log: EventLog, client: httpx.Client) -> None:
    """500 random valid queries: the backend's JSON equals the oracle's, key for key."""
    from oracle import AGENT_SEGMENT_METRICS

    oracle = Oracle(smoke_log)
    rng = random.Random(20261121)
    account = smoke_log.roster.account
    mismatches: list[str] = []
    nonempty = 0
    for _ in range(QUERIES):
        query, now = _random_query(rng, smoke_log, list(AGENT_SEGMENT_METRICS))
        expected = oracle.agent_segments_query(query, now_ms=now)
        r = client.get(
            f"/operations/api/account/{account}/msgagentsegments",
            params=query,
            headers={"X-Clock-Now": str(now)},
        )
        assert r.status_code == 200, (query, now, r.text)
        actual: Any = r.json()
        if actual != expected:
            mismatches.append(f"now={now} {query}")
        if expected.get("agentsMetrics", {}).get("metricsPerAgent") or expected.get(
            "timeframeSummary", {}
        ).get("agentsMetrics", {}).get("metricsPerAgent"):
            nonempty += 1
    assert mismatches == []
    assert nonempty > QUERIES // 4  # the comparison is not vacuous: most answers carry data


def test_smoke_logs_are_answered_by_the_oracle(smoke_log: EventLog) -> None:
    """A simulated smoke log is accepted by the oracle; outcomes partition ended segments."""
    oracle = Oracle(smoke_log)
    _, last = smoke_log.time_range()  # type: ignore[misc]
    answer = oracle.agent_segments(now_ms=last + 1, timeframe=1440)
    total = answer["metricsTotal"]
    assert total["totalAgentConversationSegments"] > 0
    outcomes = sum(
        total[k]
        for k in (
            "interactiveAgentSegments",
            "agentSegmentsAbandonedByConsumers",
            "agentSegmentsWithNonResponsiveConsumers",
            "agentSegmentsWithNonResponsiveAgents",
        )
    )
    # every segment of a 2 h smoke run that started in the window has ended by last + 1
    # except those still open at the horizon; outcomes never exceed segments
    assert 0 < outcomes <= total["totalAgentConversationSegments"]
