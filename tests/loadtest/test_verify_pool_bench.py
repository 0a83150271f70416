"""Verification throughput per core: `make bench` prints answers/s serial and on every core.

The answers are read back from a spill file, as a run's are. Two workloads: 1,000,000
recorded answers of the generator benchmark's trivial endpoint
(the per-answer cost of verification itself), and 20,000 realistic msgagentsegments answers
of the example log (4.3 KB, about 90 values each) whose expected answers the oracle computed
beforehand (``Precomputed``), so that the figure is the harness's, not the oracle's.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import orjson
import pytest

from ccbench.cores import usable_cores
from ccbench.eventlog import EventLog, read_log
from loadtest import Expected, OracleProvider, QueryValue, Record, verify_records
from loadtest._queries import QueryMix
from loadtest._spill import SPILL_BATCH, Recordings, SpillWriter
from loadtest._verify_pool import verify_parallel

from .test_bench import FixedProvider

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "example.ndjson"
TRIVIAL_ANSWERS = 1_000_000
REALISTIC_ANSWERS = 20_000
pytestmark = pytest.mark.bench


class Precomputed:
    """Expected answers looked up by (query, instant): computed by the oracle beforehand."""

    def __init__(self, answers: dict[tuple[bytes, int], Expected]) -> None:
        self.answers = answers

    def expected(self, endpoint: str, query: Mapping[str, QueryValue], *, now_ms: int) -> Expected:
        return self.answers[orjson.dumps(query), now_ms]

    def change_instants(
        self, endpoint: str, query: Mapping[str, QueryValue], *, lo_ms: int, hi_ms: int
    ) -> list[int]:
        return [lo_ms]


def example_mix(log: EventLog, *, invalid_share: float) -> QueryMix:
    """The run's query mix on ``log``: deterministic, msgagentsegments only."""
    return QueryMix.from_log(
        log,
        seed=1,
        invalid_share=invalid_share,
        deterministic=True,
        intervals=True,
        dashboard_share=0.0,
        family_shares={},
    )


def _trivial() -> tuple[list[Record], FixedProvider]:
    body = orjson.dumps(FixedProvider.body).decode()
    query = {"timeframe": "60", "v": "1"}
    records = [
        Record("msgagentsegments", "query", query, 1000, 0, 0, 1, 200, None, body)
        for _ in range(TRIVIAL_ANSWERS)
    ]
    return records, FixedProvider()


def _realistic() -> tuple[list[Record], Precomputed]:
    log = read_log(EXAMPLE)
    oracle = OracleProvider(log)
    mix = example_mix(log, invalid_share=0.0)
    answers: dict[tuple[bytes, int], Expected] = {}
    records = []
    for _ in range(REALISTIC_ANSWERS):
        q = mix.next()
        assert q.clock_ms is not None
        key = (orjson.dumps(q.params), q.clock_ms)
        if key not in answers:
            answers[key] = oracle.expected(q.endpoint, q.params, now_ms=q.clock_ms)
        body = orjson.dumps(answers[key].body).decode()
        records.append(Record(q.endpoint, "query", q.params, q.clock_ms, 0, 0, 1, 200, None, body))
    return records, Precomputed(answers)


def _rate(verify: Callable[[], Any], n: int) -> float:
    began = time.perf_counter()
    verify()
    return n / (time.perf_counter() - began)


@pytest.mark.parametrize("workload", ["trivial", "realistic"])
def test_bench_verification_per_core(
    workload: str, tmp_path: Path, benchmark: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """Answers verified per second on one core and on every core, read back from their
    spill file as in a run; the results are equal."""
    in_memory, provider = _trivial() if workload == "trivial" else _realistic()
    writer = SpillWriter(tmp_path / "process-0.parquet")
    for i in range(0, len(in_memory), SPILL_BATCH):
        writer.write(in_memory[i : i + SPILL_BATCH])
    records = Recordings([writer.close()])
    del in_memory
    n, cores = len(records), usable_cores()
    out: dict[str, Any] = {}

    def parallel() -> None:
        out["parallel"] = verify_parallel(records, provider=provider, workers=cores)

    benchmark.pedantic(parallel, rounds=1, iterations=1)
    rate = n / benchmark.stats.stats.median
    serial_rate = _rate(lambda: out.update(serial=verify_records(records, provider=provider)), n)
    assert out["parallel"] == out["serial"] and out["serial"].verified == n
    assert out["serial"].mismatch_count == 0
    with capsys.disabled():
        print(
            f"\nverification, {workload} answers ({n:,}): serial {serial_rate:,.0f}/s; "
            f"{cores} workers {rate:,.0f}/s = {rate / cores:,.0f}/s per core "
            f"(speed-up x{rate / serial_rate:.2f})"
        )
    benchmark.extra_info.update(serial=round(serial_rate), parallel=round(rate), cores=cores)
