"""Benchmarks of the records export and import on retail_day (`make bench`).

The figure is "events/s equivalent": retail_day's events (1.09M, of which the records
carry 0.94M) over the median wall time of the conversion, printed for the README.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ccbench.eventlog import EventLog
from ccbench.records import export_records, import_files


def _report(name: str, events: int, seconds: float) -> None:
    print(f"\n{name}: {events} events in {seconds:.2f} s median = {events / seconds:,.0f} events/s")


@pytest.mark.bench
@pytest.mark.parametrize("jobs", [1, 2])
def test_bench_export_retail_day(
    benchmark, retail_day_log: EventLog, tmp_path: Path, jobs: int
) -> None:  # type: ignore[no-untyped-def]
    """Export of retail_day to API pages by 1 and 2 processes (events/s = log events /
    median)."""
    out = tmp_path / "pages"

    def run() -> None:
        shutil.rmtree(out, ignore_errors=True)
        export_records(retail_day_log, out, jobs=jobs)

    benchmark.pedantic(run, rounds=3, iterations=1)
    _report(f"export, {jobs} process(es)", len(retail_day_log), benchmark.stats.stats.median)


@pytest.mark.bench
@pytest.mark.parametrize("jobs", [1, 2])
def test_bench_import_retail_day(
    benchmark, retail_day_log: EventLog, tmp_path: Path, jobs: int
) -> None:  # type: ignore[no-untyped-def]
    """Import of retail_day's pages (events/s equivalent = the log's events / median;
    without the final validation, a safety net timed apart by the round-trip test)."""
    export_records(retail_day_log, tmp_path / "pages")
    files = sorted((tmp_path / "pages").glob("*.json"))
    result = benchmark.pedantic(
        lambda: import_files(files, roster=retail_day_log.roster, check=False, jobs=jobs),
        rounds=3,
        iterations=1,
    )
    assert result.problems == ()
    _report(f"import, {jobs} process(es)", len(retail_day_log), benchmark.stats.stats.median)
