"""Shared pieces of the load harness's end-to-end tests: the example log, thresholds without
timing, a run that only queries."""

from __future__ import annotations

from pathlib import Path

from loadtest import LoadTestConfig, RunResult, Thresholds, run_loadtest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "example.ndjson"

#: The default suite holds no timing assertion: no latency, rate or send-lag limits (a shared
#: 2-core machine may lag); a test about one of them sets it.
UNTIMED = Thresholds(latency_ms={}, min_rate_ratio=None, max_schedule_lag_ms=None)


def query_only(url: str, out_dir: Path, config: LoadTestConfig) -> RunResult:
    """Query ``url`` with the example log's mix: no ingest, no pre-run check (the targets
    of these tests misbehave on purpose)."""
    return run_loadtest(
        log=EXAMPLE, out_dir=out_dir, target=url, config=config, ingest=False, preflight=False
    )
