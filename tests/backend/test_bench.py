"""Benchmark: sustained ingest rate and msgagentsegments latency at a fixed 100 req/s.

Run by ``make bench`` (marker ``bench``), on two logs of about 1M events each:
``retail_day`` (the simulator's one-day scenario, seed 1: ~56k conversations,
413 agents, every behaviour) and a generated log (115,000 simple
conversations, 20 agents). Each is ingested over HTTP into a file database
(batches of 10,000 NDJSON events), then msgagentsegments requests are sent
open-loop at 100 req/s for 30 s with random valid parameters; latency is
measured from each request's intended send time, so queueing delay counts (no
coordinated omission). The first request after the ingest builds the
backend's rollup and is timed separately. Prints the figures; no timing
assertions.
"""

from __future__ import annotations

import gc
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from ccbench.eventlog import EventLog, records_from_table
from ccbench.serving import free_port
from tests.support.backend import ACCOUNT, auth, ndjson, serve_process, synthetic_log

RATE_PER_S = 100
DURATION_S = 30
BATCH = 10_000
WORKERS = 32


@dataclass(frozen=True, slots=True)
class _Workload:
    account: str
    roster: dict[str, Any]
    bodies: list[bytes]  # NDJSON batches in log order
    events: int
    last_ts: int  # ms
    agents: list[int]
    skills: list[str]  # skillIds values to pick from
    sources: list[str]


def _synthetic() -> _Workload:
    roster, records = synthetic_log(conversations=115_000)
    return _Workload(
        account=ACCOUNT,
        roster=roster,
        bodies=[ndjson(records[i : i + BATCH]) for i in range(0, len(records), BATCH)],
        events=len(records),
        last_ts=records[-1]["ts"],
        agents=[100 + i for i in range(20)],
        skills=["all", "1", "1,2"],
        sources=["APP", "WEB"],
    )


def _retail_day(log: EventLog) -> _Workload:
    table = log.table
    bodies = [
        ndjson(list(records_from_table(table.slice(i, BATCH))))
        for i in range(0, table.num_rows, BATCH)
    ]
    roster = log.roster
    skills = [s.id for s in roster.skills]
    return _Workload(
        account=roster.account,
        roster=roster.to_dict(),
        bodies=bodies,
        events=table.num_rows,
        last_ts=log.time_range()[1],  # type: ignore[index]
        agents=[a.id for a in roster.agents],
        skills=["all", str(skills[0]), ",".join(map(str, skills[:3]))],
        sources=sorted({s for s in table.column("source").to_pylist() if s is not None}),
    )


def _random_query(rng: random.Random, w: _Workload) -> dict[str, str]:
    timeframe = rng.choice([5, 30, 60, 180, 720, 1440])
    query = {"v": "1", "timeframe": str(timeframe)}
    if rng.random() < 0.3:
        divisors = [d for d in range(5, timeframe + 1) if timeframe % d == 0]
        if divisors:
            query["interval"] = str(rng.choice(divisors[-4:]))
    if rng.random() < 0.3:
        query["agentIds"] = ",".join(str(rng.choice(w.agents)) for _ in range(3))
    if rng.random() < 0.3:
        query["skillIds"] = rng.choice(w.skills)
    if rng.random() < 0.2:
        query["source"] = rng.choice(w.sources)
    if rng.random() < 0.2:
        query["groupIds"] = str(w.roster["groups"][0]["id"])
    return query


@pytest.mark.bench
@pytest.mark.parametrize("log", ["retail_day", "synthetic"])
def test_ingest_rate_and_query_latency(
    tmp_path: Path, benchmark: Any, log: str, request: pytest.FixtureRequest
) -> None:
    """Ingest ~1M events (events/s) then msgagentsegments p50/p99 at 100 req/s open-loop."""
    if log == "retail_day":
        workload = _retail_day(request.getfixturevalue("retail_day_log"))
    else:
        workload = _synthetic()
    benchmark.pedantic(_run, args=(tmp_path, log, workload), rounds=1, iterations=1)


def _run(tmp_path: Path, name: str, w: _Workload) -> None:
    # The server runs as its own process (ccbench serve), as in production, so
    # the load generator's threads do not share its interpreter.
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = serve_process(tmp_path / "bench.duckdb", port, account=w.account)
    clients: list[httpx.Client] = []
    try:
        _drive(url, name, w, clients)
    finally:
        for c in clients:
            c.close()
        proc.terminate()
        proc.wait(timeout=120)


def _drive(url: str, name: str, w: _Workload, clients: list[httpx.Client]) -> None:
    path = f"/operations/api/account/{w.account}/msgagentsegments"
    # "now" = one hour after the last event: the 24 h window holds every segment.
    clock = {**auth(), "X-Clock-Now": str(w.last_ts + 3_600_000)}
    with httpx.Client(base_url=url, timeout=300) as client:
        r = client.put(f"/api/v1/accounts/{w.account}/roster", json=w.roster, headers=auth())
        assert r.status_code == 200, r.text
        headers = {**auth(), "Content-Type": "application/x-ndjson"}
        started = time.perf_counter()
        for body in w.bodies:
            r = client.post(f"/api/v1/accounts/{w.account}/events", content=body, headers=headers)
            assert r.status_code == 200, r.text
        ingest_s = time.perf_counter() - started
        started = time.perf_counter()
        r = client.get(path, params={"v": "1", "timeframe": "1440"}, headers=clock)
        assert r.status_code == 200, r.text
        first_s = time.perf_counter() - started
    rng = random.Random(7)
    queries = [_random_query(rng, w) for _ in range(RATE_PER_S * DURATION_S)]
    latencies: list[float] = []
    statuses: list[int] = []
    lock = threading.Lock()
    local = threading.local()

    def one(intended: float, query: dict[str, Any]) -> None:
        r = client().get(path, params=query, headers=clock)
        done = time.perf_counter()
        with lock:
            latencies.append(done - intended)
            statuses.append(r.status_code)

    def client() -> httpx.Client:
        c = getattr(local, "client", None)
        if c is None:
            c = local.client = httpx.Client(base_url=url, timeout=60)
            with lock:
                clients.append(c)
        return c

    def warm(barrier: threading.Barrier) -> None:
        # every worker thread exists and holds an open connection before the clock
        # starts: client set-up costs the load generator, not the server
        client().get("/healthz")
        barrier.wait()

    # The generator's heap (the simulated log, the NDJSON batches) is frozen so that a
    # full garbage collection in this process cannot pause every sender at once.
    gc.collect()
    gc.freeze()
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        barrier = threading.Barrier(WORKERS)
        for f in [pool.submit(warm, barrier) for _ in range(WORKERS)]:
            f.result()
        t0 = time.perf_counter() + 0.5
        for i, query in enumerate(queries):
            intended = t0 + i / RATE_PER_S
            delay = intended - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(one, intended, query)
    gc.unfreeze()
    ms = np.array(latencies) * 1000
    print(
        f"\n{name} ingest: {w.events} events in {ingest_s:.1f} s = "
        f"{w.events / ingest_s:,.0f} events/s (batches of {BATCH}); "
        f"first query (builds the rollup): {first_s * 1000:.0f} ms"
    )
    print(
        f"{name} msgagentsegments at {RATE_PER_S} req/s for {DURATION_S} s ({len(ms)} requests, "
        f"non-200: {sum(s != 200 for s in statuses)}): p50 {np.percentile(ms, 50):.1f} ms, "
        f"p99 {np.percentile(ms, 99):.1f} ms, max {ms.max():.1f} ms"
    )
    assert set(statuses) == {200}
