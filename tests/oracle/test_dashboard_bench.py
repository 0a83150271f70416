"""Benchmark of the seed 003 dashboard on a retail-day-sized generated log.

Run with ``make bench``. Target (issue 5): a full snapshot (every section,
both tables) in < 200 ms median once the oracle and its dashboard index are
built. The log is tests/support/oracle_logs.py's generator: 90,000 conversations
over 24 h (about a million events).
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from ccbench.eventlog import EventLog
from oracle import Oracle
from tests.support.oracle_logs import make_roster, random_table

DAY_MS = 86_400_000
T0 = 1_700_000_000_000
pytestmark = pytest.mark.bench


@pytest.fixture(scope="module")
def day() -> EventLog:
    roster = make_roster(humans=60)
    table = random_table(seed=11, conversations=90_000, span_ms=DAY_MS, roster=roster)
    return EventLog.from_table(table, roster=roster)


def test_bench_dashboard_snapshot(
    benchmark: Any, day: EventLog, capsys: pytest.CaptureFixture[str]
) -> None:
    """Full dashboard snapshot at 18:00 of the day, last 24 h window."""
    t = time.perf_counter()
    oracle = Oracle(day)
    built = time.perf_counter() - t
    t = time.perf_counter()
    index = oracle.dashboard_index
    indexed = time.perf_counter() - t
    now = T0 + 18 * 3_600_000
    snap = benchmark(oracle.dashboard, now_ms=now, last_hours=24)
    assert snap["current"]["open"] > 0 and snap["closed"]["closed"] > 0
    assert index is oracle.dashboard_index
    with capsys.disabled():
        print(
            f"\ndashboard: {len(day):,} events; oracle build {built * 1e3:.0f} ms, "
            f"dashboard index {indexed * 1e3:.0f} ms, snapshot median "
            f"{benchmark.stats.stats.median * 1e3:.1f} ms (target < 200 ms)"
        )
