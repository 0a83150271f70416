"""Benchmark of the seed 002 supervision page on the simulator's retail_day.

Run with ``make bench``. retail_day (seed 1) is one day of three sites, about
1.09 M events and 413 agents; the page is taken for site ``paris`` at 18:00
local time, once the oracle and its dashboard and supervision indexes are
built (the vendor refreshes the page every 30 s, so the snapshot is the
operation that repeats). Build times are printed beside the median.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from ccbench.eventlog import EventLog
from oracle import Oracle

pytestmark = pytest.mark.bench
DAY0 = 1_767_567_600_000  # 2026-01-05 00:00 Europe/Paris, retail_day's local midnight
HOUR = 3_600_000


def test_bench_supervision_snapshot(
    benchmark: Any, retail_day_log: EventLog, capsys: pytest.CaptureFixture[str]
) -> None:
    """Supervision of paris at 18:00: every graphic and the per-agent table."""
    retail = retail_day_log
    t = time.perf_counter()
    oracle = Oracle(retail)
    built = time.perf_counter() - t
    now = DAY0 + 18 * HOUR
    t = time.perf_counter()
    first = oracle.supervision(now_ms=now, site_id="paris")  # builds both indexes
    indexed = time.perf_counter() - t
    page = benchmark(oracle.supervision, now_ms=now, site_id="paris")
    assert page == first
    assert page["agents"] and page["visitors"]["total"] > 0
    assert page["satisfaction"]["answered"] > 0
    with capsys.disabled():
        print(
            f"\nsupervision: {len(retail):,} events, {len(page['agents'])} agents on paris; "
            f"oracle build {built * 1e3:.0f} ms, dashboard + supervision index "
            f"{indexed * 1e3:.0f} ms, snapshot median "
            f"{benchmark.stats.stats.median * 1e3:.1f} ms"
        )
