"""Benchmark: sustained ingest rate and msgagentsegments latency at a fixed 100 req/s.

Run by ``make bench`` (marker ``bench``). Ingests a generated log of about
1M events over HTTP into a file database (batches of 10,000 NDJSON events),
then sends msgagentsegments requests open-loop at 100 req/s for 30 s with
random valid parameters; latency is measured from each request's intended
send time, so queueing delay counts (no coordinated omission). Prints the
figures; no timing assertions.
"""

from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from ccbench.serving import free_port
from tests._backend_support import ACCOUNT, auth, ndjson, serve_process, synthetic_log

RATE_PER_S = 100
DURATION_S = 30
BATCH = 10_000


def _random_query(rng: random.Random) -> dict[str, str]:
    timeframe = rng.choice([5, 30, 60, 180, 720, 1440])
    query = {"v": "1", "timeframe": str(timeframe)}
    if rng.random() < 0.3:
        divisors = [d for d in range(5, timeframe + 1) if timeframe % d == 0]
        if divisors:
            query["interval"] = str(rng.choice(divisors[-4:]))
    if rng.random() < 0.3:
        query["agentIds"] = ",".join(str(100 + rng.randrange(20)) for _ in range(3))
    if rng.random() < 0.3:
        query["skillIds"] = rng.choice(["all", "1", "1,2"])
    if rng.random() < 0.2:
        query["source"] = rng.choice(["APP", "WEB"])
    if rng.random() < 0.2:
        query["groupIds"] = "1"
    return query


@pytest.mark.bench
def test_ingest_rate_and_query_latency(tmp_path: Path, benchmark: Any) -> None:
    """Ingest ~1M events (events/s) then msgagentsegments p50/p99 at 100 req/s open-loop."""
    benchmark.pedantic(_run, args=(tmp_path,), rounds=1, iterations=1)


def _run(tmp_path: Path) -> None:
    # The server runs as its own process (ccbench serve), as in production, so
    # the load generator's threads do not share its interpreter.
    roster, records = synthetic_log(conversations=115_000)
    bodies = [ndjson(records[i : i + BATCH]) for i in range(0, len(records), BATCH)]
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = serve_process(tmp_path / "bench.duckdb", port)
    headers = {**auth(), "Content-Type": "application/x-ndjson"}
    clients: list[httpx.Client] = []
    try:
        _drive(url, roster, records, bodies, headers, clients)
    finally:
        for c in clients:
            c.close()
        proc.terminate()
        proc.wait(timeout=120)


def _drive(
    url: str,
    roster: Any,
    records: list[Any],
    bodies: list[bytes],
    headers: dict[str, str],
    clients: list[httpx.Client],
) -> None:
    with httpx.Client(base_url=url, timeout=300) as client:
        client.put(f"/api/v1/accounts/{ACCOUNT}/roster", json=roster, headers=auth())
        started = time.perf_counter()
        for body in bodies:
            r = client.post(f"/api/v1/accounts/{ACCOUNT}/events", content=body, headers=headers)
            assert r.status_code == 200, r.text
        ingest_s = time.perf_counter() - started
        # "now" = one hour after the last event: the 24 h window holds every segment.
        now = records[-1]["ts"] + 3_600_000
        rng = random.Random(7)
        queries = [_random_query(rng) for _ in range(RATE_PER_S * DURATION_S)]
        latencies: list[float] = []
        statuses: list[int] = []
        lock = threading.Lock()
        local = threading.local()

        def one(intended: float, query: dict[str, Any]) -> None:
            c = getattr(local, "client", None)
            if c is None:
                c = local.client = httpx.Client(base_url=url, timeout=60)
                with lock:
                    clients.append(c)
            r = c.get(
                f"/operations/api/account/{ACCOUNT}/msgagentsegments",
                params=query,
                headers={**auth(), "X-Clock-Now": str(now)},
            )
            done = time.perf_counter()
            with lock:
                latencies.append(done - intended)
                statuses.append(r.status_code)

        with ThreadPoolExecutor(max_workers=32) as pool:
            t0 = time.perf_counter() + 0.5
            for i, query in enumerate(queries):
                intended = t0 + i / RATE_PER_S
                delay = intended - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                pool.submit(one, intended, query)
    ms = np.array(latencies) * 1000
    print(
        f"\ningest: {len(records)} events in {ingest_s:.1f} s = "
        f"{len(records) / ingest_s:,.0f} events/s (batches of {BATCH})"
    )
    print(
        f"msgagentsegments at {RATE_PER_S} req/s for {DURATION_S} s ({len(ms)} requests, "
        f"non-200: {sum(s != 200 for s in statuses)}): p50 {np.percentile(ms, 50):.1f} ms, "
        f"p99 {np.percentile(ms, 99):.1f} ms, max {ms.max():.1f} ms"
    )
    assert set(statuses) == {200}
