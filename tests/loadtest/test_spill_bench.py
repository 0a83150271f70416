"""Bytes per recorded request: `make bench` prints the spill file's size per record, the time
a process pauses to spill one batch, and what a batch holds in memory.

Two kinds of answers: the trivial endpoint's 54-byte body (the generator benchmark's) and
the example log's msgagentsegments answers (4.3 KB on average). Queries come from the
run's own query mix; times are spaced as at 5,000 requests/s with ~1 ms answers.
"""

from __future__ import annotations

import random
import time
import tracemalloc
from pathlib import Path
from typing import Any

import orjson
import pytest

from ccbench.eventlog import read_log
from loadtest import OracleProvider, Record
from loadtest._spill import SPILL_BATCH, Recordings, SpillWriter

from .test_bench import FixedProvider
from .test_verify_pool_bench import example_mix

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "example.ndjson"
pytestmark = pytest.mark.bench


def _records(n: int, *, realistic: bool) -> list[Record]:
    log = read_log(EXAMPLE)
    mix = example_mix(log, invalid_share=0.02)
    oracle = OracleProvider(log) if realistic else None
    trivial = orjson.dumps(FixedProvider.body).decode()
    bodies: dict[tuple[bytes, int], str] = {}
    rng = random.Random(1)
    out = []
    t = time.time_ns()
    for _ in range(n):
        q = mix.next()
        body = trivial
        if oracle is not None and q.clock_ms is not None:
            key = (orjson.dumps(q.params), q.clock_ms)
            if key not in bodies and len(bodies) < 2000:
                exp = oracle.expected(q.endpoint, q.params, now_ms=q.clock_ms)
                bodies[key] = orjson.dumps(exp.body or {"error": {"parameter": exp.parameter}})
                bodies[key] = bodies[key].decode()  # type: ignore[assignment]
            body = bodies.get(key) or rng.choice(list(bodies.values()))
        t += 200_000  # 5,000 requests/s
        sent = t + rng.randrange(50_000)
        received = sent + int(rng.expovariate(1 / 1_000_000))
        out.append(
            Record(q.endpoint, "query", q.params, q.clock_ms, t, sent, received, 200, None, body)
        )
    return out


@pytest.mark.parametrize(("kind", "n"), [("trivial", 1_000_000), ("realistic", 100_000)])
def test_bench_bytes_per_recorded_request(
    kind: str, n: int, tmp_path: Path, benchmark: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """Size on disk per record, the pause to spill one batch, a batch's memory."""
    records = _records(n, realistic=kind == "realistic")
    tracemalloc.start()
    batch = _records(SPILL_BATCH, realistic=kind == "realistic")
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del batch
    path = tmp_path / "process-0.parquet"

    def spill() -> None:
        writer = SpillWriter(path)
        for i in range(0, n, SPILL_BATCH):
            writer.write(records[i : i + SPILL_BATCH])
        writer.close()

    benchmark.pedantic(spill, rounds=1, iterations=1)
    pause_ms = benchmark.stats.stats.median / (n / SPILL_BATCH) * 1000
    size = path.stat().st_size
    assert len(Recordings([path])) == n
    body = sum(len(r.body) for r in records) / n
    with capsys.disabled():
        print(
            f"\nrecordings, {kind} answers ({n:,}, body {body:,.0f} B): {size / n:,.1f} bytes "
            f"per request on disk; a batch of {SPILL_BATCH:,} holds ~{held / SPILL_BATCH:,.0f} "
            f"bytes per request in memory and takes {pause_ms:,.1f} ms to spill"
        )
    benchmark.extra_info.update(disk_bytes_per_request=round(size / n, 1), pause_ms=pause_ms)
