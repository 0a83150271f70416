"""Verification on every core: the same result as the serial path, whatever the split."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from ccbench import InputError
from loadtest import Record, Verification, verify_records
from loadtest._verify_pool import merge_verifications, verify_parallel

from .test_verify import StepProvider, _rec, _total

# steps at 0 and 1200 ms: a deterministic answer is 1 before the clock 1201, 2 from it
STEPS = [0, 1200]


def _mixed_records(n: int, *, seed: int) -> list[Record]:
    """Every outcome the verification knows, shuffled: right and wrong values, 400s right
    and wrong, errors of each class, invalid JSON, live answers fresh, stale and too old;
    clock ``1000 + i`` for the i-th so that the examples kept are told apart by position."""
    rng = random.Random(seed)
    kinds = [
        _rec(_total(1)),
        _rec(_total(7)),
        _rec({"error": {"parameter": "timeframe"}}, status=400, query={"timeframe": ""}),
        _rec({"error": {"parameter": "agentId"}}, status=400, query={"timeframe": ""}),
        _rec(_total(1), status=400),  # a valid request rejected: a status mismatch
        _rec("", status=0, error="timeout: ConnectionTimeout"),
        _rec("", status=0, error="ConnectionRefusedError: [Errno 111]"),
        _rec("oops", status=503),
        _rec({"error": {}}, status=429),
        _rec("{not json", status=200),
        # live (no clock): window [1150, 1260] with staleness 100 holds the counts 1 and 2
        _rec(_total(2), clock=None, sent_ms=1250, received_ms=1260),
        _rec(_total(1), clock=None, sent_ms=1250, received_ms=1260),
        _rec(_total(0), clock=None, sent_ms=1250, received_ms=1260),
    ]
    out = []
    for i in range(n):
        r = rng.choice(kinds)
        out.append(r if r.clock_ms is None else replace(r, clock_ms=1000 + i))
    return out


def _serial(records: list[Record], *, detail_limit: int = 200) -> Verification:
    return verify_records(
        records,
        provider=StepProvider(STEPS),
        live=True,
        staleness_ms=100,
        detail_limit=detail_limit,
    )


@pytest.mark.parametrize(("workers", "chunk"), [(1, 50), (2, 7), (3, 64), (4, 1000)])
def test_parallel_equals_serial(workers: int, chunk: int) -> None:
    """Forked workers over interleaved chunks give the serial result field for field: counts,
    metrics in first-appearance order, the first 25 examples in record order, lags in order."""
    records = _mixed_records(600, seed=workers)
    serial = _serial(records, detail_limit=25)
    parallel = verify_parallel(
        records,
        provider=StepProvider(STEPS),
        live=True,
        staleness_ms=100,
        detail_limit=25,
        workers=workers,
        chunk=chunk,
    )
    assert parallel == serial
    assert list(parallel.by_metric) == list(serial.by_metric)
    # the run really held every outcome: wrong values, errors and live lags
    assert serial.mismatch_count > 25 and serial.errors.count > 0 and serial.freshness_ms


def test_progress_counts_records_to_the_end() -> None:
    """Progress hears 0, then records done per chunk, ending at the total."""
    heard: list[tuple[int, int]] = []
    verify_parallel(
        _mixed_records(100, seed=1),
        provider=StepProvider(STEPS),
        workers=2,
        chunk=30,
        progress=lambda done, total: heard.append((done, total)),
    )
    done = [d for d, _ in heard]
    # 0 first; chunks of 30, 30, 30 and 10 finish in any order: one report each, up to 100
    assert len(heard) == 5 and done[0] == 0 and done == sorted(done) and done[-1] == 100
    assert {t for _, t in heard} == {100}


def test_plugin_failures_in_workers_are_kept() -> None:
    """A translation plugin loads in each worker; its failures are counted as in the serial
    path (one per valid 200 answer, the first ``detail_limit`` named)."""
    records = [_rec(_total(1)) for _ in range(40)]
    kw = {"translate": "tests.support.plugins:translate_to_text", "detail_limit": 5}
    serial = verify_records(records, provider=StepProvider([0]), **kw)  # type: ignore[arg-type]
    parallel = verify_parallel(
        records,
        provider=StepProvider([0]),
        workers=3,
        chunk=4,
        **kw,  # type: ignore[arg-type]
    )
    assert parallel == serial and parallel.errors.by_class["plugin"] == 40
    assert len(parallel.plugin_errors) == 5


def test_merge_of_nothing_and_of_one() -> None:
    """No parts merge to an empty verification; one part to itself."""
    assert merge_verifications([]) == Verification()
    one = _serial(_mixed_records(50, seed=3))
    assert merge_verifications([one]) == one


class FailingProvider(StepProvider):
    """Raises on the answer at clock 1042 (a provider bug)."""

    def expected(self, endpoint, query, *, now_ms):  # type: ignore[no-untyped-def]
        if now_ms == 1042:
            raise ZeroDivisionError("provider bug")
        return super().expected(endpoint, query, now_ms=now_ms)


def test_a_failing_worker_raises_in_the_caller() -> None:
    """A provider error in a worker reaches the caller as RuntimeError with its traceback."""
    records = [replace(_rec(_total(1)), clock_ms=1000 + i) for i in range(100)]
    with pytest.raises(RuntimeError, match="ZeroDivisionError: provider bug"):
        verify_parallel(records, provider=FailingProvider(STEPS), workers=2, chunk=10)


def test_chunk_must_be_positive() -> None:
    """A chunk of 0 records is refused with one line naming it."""
    with pytest.raises(InputError, match="chunk: expected records >= 1, got 0"):
        verify_parallel([], provider=StepProvider([]), chunk=0)
