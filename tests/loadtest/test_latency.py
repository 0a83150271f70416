"""HdrHistogram latency book and the per-process recorder: values, merge, encoding."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loadtest import LatencyBook, Record, Recorder

MS = 1_000_000  # ns per ms


def _record(endpoint: str, intended: int, sent: int, received: int) -> Record:
    return Record(endpoint, "query", {"timeframe": "60"}, None, intended, sent, received, 200)


def test_latency_counts_from_the_intended_start() -> None:
    """A request sent 40 ms late and answered 10 ms later took 50 ms (no coordinated omission)."""
    r = _record("q", 0, 40 * MS, 50 * MS)
    assert (r.latency_ns, r.service_ns, r.schedule_lag_ns) == (50 * MS, 10 * MS, 40 * MS)


def test_percentiles_of_known_values() -> None:
    """1..1000 ms: p50 = 500 ms, p90 = 900, p99 = 990, p99.9 = 999, max 1000 (within 0.1 %)."""
    book = LatencyBook()
    for ms in range(1, 1001):
        book.record(endpoint="q", latency_ns=ms * MS, lag_ns=0)
    p = book.percentiles("q")
    assert p.count == 1000
    for got, want in ((p.p50, 500), (p.p90, 900), (p.p99, 990), (p.p999, 999)):
        assert got == pytest.approx(want, rel=1e-3)
    assert p.max == 1000.0  # kept exactly beside the histogram


# each book allocates HdrHistogram count arrays: few examples, no per-example deadline
@settings(max_examples=15, deadline=None)
@given(
    st.lists(st.integers(min_value=1, max_value=10**7), min_size=1, max_size=200),
    st.lists(st.integers(min_value=1, max_value=10**7), min_size=1, max_size=200),
)
def test_merging_encoded_books_equals_one_book(a: list[int], b: list[int]) -> None:
    """Two processes' encoded histograms merged give the same percentiles as one process."""
    one, left, right = LatencyBook(), LatencyBook(), LatencyBook()
    for us in a:
        one.record(endpoint="q", latency_ns=us * 1000, lag_ns=us * 1000)
        left.record(endpoint="q", latency_ns=us * 1000, lag_ns=us * 1000)
    for us in b:
        one.record(endpoint="q", latency_ns=us * 1000, lag_ns=us * 1000)
        right.record(endpoint="q", latency_ns=us * 1000, lag_ns=us * 1000)
    merged = LatencyBook()
    merged.merge_encoded(left.encode())
    merged.merge_encoded(right.encode())
    assert merged.percentiles("q") == one.percentiles("q")
    assert merged.percentiles("q", which="lag") == one.percentiles("q", which="lag")


def test_recorder_round_trip_keeps_bodies_and_errors() -> None:
    """encode/decode preserves every field, including a non-ASCII body and an error."""
    rec = Recorder()
    rec.add(Record("q", "query", {"agentIds": "1,2"}, 5, 1, 2, 3, 200, None, '{"é": 1}'))
    rec.add(Record("q", "query", {}, None, 1, 2, 3, 0, "timeout: ConnectionTimeout", ""))
    assert Recorder.decode(rec.encode()) == rec.records


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=10**9), min_size=1, max_size=100))
def test_percentiles_are_ordered_and_capped_by_the_exact_max(ns: list[int]) -> None:
    """p50 <= p90 <= p99 <= p99.9 <= max, and max is the largest sample exactly (in ms)."""
    book = LatencyBook()
    for v in ns:
        book.record(endpoint="q", latency_ns=v * 1000, lag_ns=0)
    p = book.percentiles("q")
    assert p.p50 <= p.p90 <= p.p99 <= p.p999 <= p.max == max(ns) / 1000.0
