"""Benchmarks of the contract's IO and per-event checks (`make bench`; skipped by `make test`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from ccbench.eventlog import EventLog, Roster, check_table, read_log, write_log

N = 500_000


def _status_log(n: int) -> EventLog:
    """n agent.status events (the columns every kind shares) built column-wise."""
    rng = np.random.default_rng(7)
    table = pa.table(
        {
            "event_id": pa.array([f"e{i}" for i in range(n)]),
            "ts": pa.array(np.cumsum(rng.integers(0, 50, n)), pa.int64()),
            "seq": pa.array(np.arange(n), pa.int64()),
            "kind": pa.array(["agent.status"] * n),
            "account": pa.array(["acme"] * n),
            "agent_id": pa.array(rng.integers(1, 300, n), pa.int64()),
            "status": pa.array(rng.choice(["online", "away", "back_soon"], n)),
        }
    )
    return EventLog.from_table(table, roster=Roster.from_dict({"account": "acme"}))


@pytest.mark.bench
def test_bench_parquet_read(benchmark, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Reading a 500k-event Parquet log (events/s = N / median)."""
    path = write_log(_status_log(N), tmp_path / "log.parquet")
    log = benchmark(read_log, path)
    assert len(log) == N


@pytest.mark.bench
def test_bench_check_table(benchmark) -> None:  # type: ignore[no-untyped-def]
    """Column-wise per-event schema checks on 500k events."""
    log = _status_log(N)
    violations = benchmark(check_table, log.table)
    assert violations == []
