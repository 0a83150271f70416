"""The seeded query mix: reproducible, valid requests valid, invalid ones rejected as planned."""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccbench import ParameterError
from ccbench.api import AGENT_SEGMENT_METRICS, load_conformance
from ccbench.eventlog import read_log
from loadtest import QueryMix, multi_query
from oracle import parse_agent_segments_query

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "example.ndjson"


@functools.cache
def _example_mix() -> QueryMix:
    # ids, sources and time range of the example log, read once: the draws need only those
    return QueryMix.from_log(read_log(EXAMPLE), seed=0)


def _mix(seed: int, **kw: object) -> QueryMix:
    return dataclasses.replace(_example_mix(), seed=seed, **kw)  # type: ignore[arg-type]


def test_same_seed_same_queries() -> None:
    """Two mixes with one seed draw the same sequence; another seed draws another."""
    a, b, c = _mix(3), _mix(3), _mix(4)
    first = [a.next() for _ in range(50)]
    assert first == [b.next() for _ in range(50)]
    assert first != [c.next() for _ in range(50)]


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=0, max_value=10**6))
def test_valid_queries_parse_and_invalid_ones_fail_on_their_parameter(seed: int) -> None:
    """The oracle's parser accepts every valid request and rejects each invalid one for
    exactly the parameter the mix meant to break."""
    mix = _mix(seed, invalid_share=0.3)
    first, last = mix.first_ms, mix.last_ms
    for _ in range(40):
        q = mix.next()
        assert q.clock_ms is not None and first <= q.clock_ms <= last + 3_600_000
        if q.invalid_parameter is None:
            parse_agent_segments_query(q.params)
        else:
            with pytest.raises(ParameterError) as caught:
                parse_agent_segments_query(q.params)
            assert caught.value.parameter == q.invalid_parameter, q.params


def test_live_mix_has_no_clock_and_no_intervals() -> None:
    """Live mode sends no clock header and no interval (buckets follow the backend's clock)."""
    mix = _mix(1, deterministic=False, intervals=False, invalid_share=0.0)
    for _ in range(200):
        q = mix.next()
        assert q.clock_ms is None and "interval" not in q.params


def test_valid_draws_cover_the_contracts_ranges() -> None:
    """Timeframes reach both bounds of the contract (1 and 1440); every interval is a
    divisor >= 5 of its timeframe; userType and metrics draw every choice, `all` too."""
    mix = _mix(7, invalid_share=0.0)
    queries = [mix.next().params for _ in range(6000)]
    timeframes = {int(str(q["timeframe"])) for q in queries}
    assert min(timeframes) == 1 and max(timeframes) == 1440 and len(timeframes) > 1000
    for q in queries:
        if "interval" in q:
            t, i = int(str(q["timeframe"])), int(str(q["interval"]))
            assert i >= 5 and t % i == 0
    assert {q["userType"] for q in queries if "userType" in q} == {"human", "bot", "all"}
    names = {n for q in queries if "metrics" in q for n in str(q["metrics"]).split(",")}
    assert names == {*AGENT_SEGMENT_METRICS, "all"}


def test_invalid_requests_are_the_conformance_cases() -> None:
    """Each invalid request is a static 400 conformance case of msgagentsegments, sent as
    written and labelled with the case's parameter; over many draws every case appears."""

    def key(parameter: str | None, params: object) -> tuple[str | None, str]:
        return parameter, repr(params)

    cases = {
        key(c.parameter, multi_query(c.query))
        for c in load_conformance().of("msgagentsegments")
        if c.status == 400 and c.static
    }
    mix = _mix(3, invalid_share=1.0)
    drawn = set()
    for _ in range(3000):
        q = mix.next()
        drawn.add(key(q.invalid_parameter, q.params))
        assert key(q.invalid_parameter, q.params) in cases, q
    assert drawn == cases
