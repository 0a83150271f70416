"""Benchmark of validate on the one-day log (`make bench`; skipped by `make test`).

retail_day (seed 1, about 1.11M events) is the log `ccbench import
liveperson-records` and read paths validate at their largest; the figure to
quote is the median (events/s = 1,108,993 / median). The benchmark compares
nothing: the differential test in tests/eventlog/test_validate.py proves the
output equal to the plain reference.
"""

from __future__ import annotations

import time

import pytest

from ccbench.eventlog import EventLog, validate


@pytest.mark.bench
def test_bench_validate_retail_day(benchmark, retail_day_log: EventLog) -> None:  # type: ignore[no-untyped-def]
    """validate on retail_day: wall time by pytest-benchmark, CPU time printed (2 shared cores)."""
    cpu: list[float] = []

    def run() -> list[object]:
        start = time.process_time()
        violations = validate(retail_day_log)
        cpu.append(time.process_time() - start)
        return list(violations)

    violations = benchmark.pedantic(run, rounds=5, iterations=1)
    assert violations == []
    cpu.sort()
    benchmark.extra_info["cpu_median_s"] = round(cpu[len(cpu) // 2], 3)
    print(f"\nvalidate(retail_day): CPU median {cpu[len(cpu) // 2]:.2f} s over {len(cpu)} rounds")
