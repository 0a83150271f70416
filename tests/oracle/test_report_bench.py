"""Benchmark of the seed 001 report: one week on a retail_day-sized week-long log.

Run with ``make bench``. Target (issue 5): a one-week report in < 2 s median
once the oracle is built. The log is the simulator's retail_day scenario run
for 7 days with every arrival stream's rate divided by 7, so the week holds
about as many events as one retail_day (~1.1M; the issue's "retail_day or a
generated log of similar size") with the same daily profile, channels, bot,
shifts and returning consumers. It is simulated once per session and cached
as Parquet in the session's tmp dir.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from ccbench.eventlog import EventLog, read_log, write_log
from oracle import Oracle
from sim import Scenario, load_scenario, simulate

DAY_MS = 86_400_000
WEEK_DAYS = 7
pytestmark = pytest.mark.bench


def scaled_week() -> Scenario:
    """retail_day with each stream's arrival rate / 7, to be run for 7 days."""
    doc = load_scenario("retail_day").to_dict()
    for stream in doc["streams"]:
        stream["rate_per_hour"] = stream["rate_per_hour"] / WEEK_DAYS
    return Scenario.from_dict(doc)


@pytest.fixture(scope="session")
def week_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.getbasetemp() / "report_week.parquet"
    if not path.exists():
        write_log(simulate(scenario=scaled_week(), seed=5, days=WEEK_DAYS).log, path)
    return path


def test_bench_week_report(
    benchmark: Any, week_log: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The report over the whole simulated week, [start, start + 7 days)."""
    log: EventLog = read_log(week_log)
    start = load_scenario("retail_day").start_ms
    t = time.perf_counter()
    oracle = Oracle(log)
    built = time.perf_counter() - t
    t = time.perf_counter()
    index = oracle.report_index
    indexed = time.perf_counter() - t
    rep = benchmark(oracle.report, start_ms=start, end_ms=start + WEEK_DAYS * DAY_MS)
    assert index is oracle.report_index and len(rep["period"]["days"]) >= WEEK_DAYS
    assert rep["activity"]["total_messages"] > 0 and rep["contact_center"]["handled"] > 0
    with capsys.disabled():
        print(
            f"\nreport: {len(log):,} events over {WEEK_DAYS} days; oracle build "
            f"{built * 1e3:.0f} ms, report index {indexed * 1e3:.0f} ms, one-week report "
            f"median {benchmark.stats.stats.median * 1e3:.1f} ms (target < 2000 ms)"
        )
