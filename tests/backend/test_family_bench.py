"""Benchmark: seed 000-002 requests over HTTP on retail_day, ingested (``make bench``).

The retail_day log (about 1.1 million events) is stored through
:class:`backend.Store` (the ingest path without the HTTP transfer) and served by a
real backend; after one warm-up request per family (the frame and the family's
index are built then, once per store version), random valid requests of each family
(the load harness's draws, :mod:`loadtest._family_queries`) are timed one at a time
and their p50/p99 printed. The one-week report is timed on the 7-day log of
tests/oracle/test_report_bench.py (retail_day's rates / 7). No assertion on time.
"""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from backend import ServerConfig, Store, serve
from ccbench.api import AGENT_PERFORMANCE, REPORT, SUPERVISION
from ccbench.eventlog import EventLog
from loadtest._family_queries import FamilyPools, draw_family_query

pytestmark = pytest.mark.bench
REQUESTS = 200
DAY_MS = 86_400_000


def _store(path: Path, log: EventLog) -> str:
    db = str(path)
    store = Store(path=db)
    store.put_roster(roster=log.roster)
    for start in range(0, log.table.num_rows, 50_000):
        store.ingest(account=log.roster.account, table=log.table.slice(start, 50_000))
    store.close()
    return db


def _time(client: httpx.Client, path: str, query: dict[str, str], now: int) -> float:
    headers = {"Authorization": "Bearer bench", "X-Clock-Now": str(now)}
    t = time.perf_counter()
    r = client.get(path, params=query, headers=headers)
    elapsed = time.perf_counter() - t
    assert r.status_code == 200, r.text
    return elapsed * 1e3


def test_bench_families_retail_day(
    tmp_path: Path, benchmark: Any, retail_day_log: EventLog, capsys: pytest.CaptureFixture[str]
) -> None:
    """p50/p99 of agent performance, report (one day) and supervision requests (printed)."""
    # through the benchmark fixture: `make bench` (--benchmark-only) skips tests without it
    benchmark.pedantic(_families, args=(tmp_path, retail_day_log, capsys), rounds=1)


def _families(tmp_path: Path, log: EventLog, capsys: pytest.CaptureFixture[str]) -> None:
    db = _store(tmp_path / "retail.duckdb", log)
    first, last = log.time_range()  # type: ignore[misc]
    pools = FamilyPools(
        agent_ids=tuple(a.id for a in log.roster.agents),
        site_ids=tuple(s.id for s in log.roster.sites),
        first_ms=first,
        last_ms=last,
    )
    rng = random.Random(1)
    account = log.roster.account
    lines = []
    config = ServerConfig(db=db, tokens={"bench": account}, test_clock=True)
    with serve(config) as url, httpx.Client(base_url=url, timeout=300) as client:
        for family in (AGENT_PERFORMANCE, REPORT, SUPERVISION):
            path = str(family.path).format(account=account)
            warm = 0.0
            times = []
            for i in range(REQUESTS + 1):
                now = rng.randint(first, last + 3_600_000)
                query, _ = draw_family_query(rng, family.name, pools, clock_ms=now)
                ms = _time(client, path, {k: str(v) for k, v in query.items()}, now)
                if i == 0:
                    warm = ms
                else:
                    times.append(ms)
            p50, p99 = np.percentile(times, [50, 99])
            lines.append(
                f"{family.name}: first request {warm:,.0f} ms (builds the frame/index), then "
                f"p50 {p50:.1f} ms, p99 {p99:.1f} ms over {REQUESTS} requests"
            )
    with capsys.disabled():
        print(f"\nretail_day ({len(log):,} events), one request at a time:")
        for line in lines:
            print("  " + line)


def test_bench_week_report(
    tmp_path: Path, benchmark: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """p50/p99 of one-week reports on the 7-day log (printed)."""
    benchmark.pedantic(_week, args=(tmp_path, capsys), rounds=1)


def _week(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from sim import simulate
    from tests.oracle.test_report_bench import WEEK_DAYS, scaled_week

    log = simulate(scenario=scaled_week(), seed=5, days=WEEK_DAYS).log
    db = _store(tmp_path / "week.duckdb", log)
    first, _ = log.time_range()  # type: ignore[misc]
    account = log.roster.account
    config = ServerConfig(db=db, tokens={"bench": account}, test_clock=True)
    with serve(config) as url, httpx.Client(base_url=url, timeout=300) as client:
        path = str(REPORT.path).format(account=account)
        query = {"start_ms": str(first), "end_ms": str(first + 7 * DAY_MS)}
        warm = _time(client, path, query, first)
        times = [_time(client, path, query, first) for _ in range(20)]
    p50, p99 = np.percentile(times, [50, 99])
    with capsys.disabled():
        print(
            f"\none-week report ({len(log):,} events): first {warm:,.0f} ms, then p50 "
            f"{p50:.0f} ms, p99 {p99:.0f} ms over 20 requests"
        )
