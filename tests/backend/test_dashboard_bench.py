"""Benchmark: one dashboard request over HTTP on the retail_day scenario's log, ingested.

Run with ``make bench``. The log (about 1.1 million events) is simulated,
stored in a DuckDB file through :class:`backend.Store` (the ingest path of
the HTTP endpoint without the HTTP transfer), and then served by a real
backend on that file; the benchmark times full dashboard requests (default
parameters: last 24 h) at 18:00 of the simulated day.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from backend import ServerConfig, Store, serve
from ccbench.eventlog import EventLog

pytestmark = pytest.mark.bench


def test_bench_dashboard_request_retail_day(
    tmp_path: Path,
    benchmark: Any,
    retail_day_log: EventLog,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Median latency of one full dashboard request on retail_day (printed)."""
    log = retail_day_log
    db = str(tmp_path / "retail.duckdb")
    store = Store(path=db)
    store.put_roster(roster=log.roster)
    table = log.table
    for start in range(0, table.num_rows, 50_000):
        store.ingest(account=log.roster.account, table=table.slice(start, 50_000))
    store.close()
    first, _ = log.time_range()  # type: ignore[misc]
    now = first + 18 * 3_600_000
    account = log.roster.account
    config = ServerConfig(db=db, tokens={"bench": account}, test_clock=True)
    with serve(config) as url, httpx.Client(base_url=url, timeout=120) as client:
        headers = {"Authorization": "Bearer bench", "X-Clock-Now": str(now)}

        def request() -> dict[str, Any]:
            r = client.get(f"/api/v1/accounts/{account}/dashboard", headers=headers)
            assert r.status_code == 200, r.text
            body: dict[str, Any] = r.json()
            return body

        body = benchmark.pedantic(request, rounds=5, warmup_rounds=1)
    assert body["closed"]["closed"] > 0
    with capsys.disabled():
        print(
            f"\ndashboard request on retail_day ({len(log):,} events, "
            f"{body['closed']['closed']:,} closes in the window): median "
            f"{benchmark.stats.stats.median * 1e3:.0f} ms"
        )
