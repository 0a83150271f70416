"""Validating a request (ccbench/api/_query.py): which parameter an error names, typed
values, the clock rules and the clock header."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccbench import ParameterError
from ccbench.api import (
    AGENT_PERFORMANCE,
    CLOCK_HEADER,
    CLOCK_MAX_DIGITS,
    DASHBOARD,
    MSGAGENTSEGMENTS,
    REPORT,
    SUPERVISION,
    check_clock,
    check_now,
    check_values,
    load_conformance,
    parse_clock,
    parse_query,
)


def named(family: object, query: object) -> str | None:
    try:
        parse_query(family, query)  # type: ignore[arg-type]
    except ParameterError as exc:
        return exc.parameter
    return None


def test_unknown_names_first_and_the_first_in_the_url() -> None:
    """Two unknown names: the first in the URL is named (not the alphabetically first),
    before any invalid value of a known parameter."""
    assert named(MSGAGENTSEGMENTS, [("zeta", "1"), ("timeframe", "0"), ("alpha", "1")]) == "zeta"
    assert named(MSGAGENTSEGMENTS, {"alpha": "1", "zeta": "1"}) == "alpha"


def test_declared_order_not_url_order() -> None:
    """Several invalid known parameters: the first in declared order, wherever it stands in
    the URL; a repetition is checked at the parameter's place too."""
    query = [("metrics", "x"), ("userType", "x"), ("interval", "7"), ("timeframe", "60"),
             ("v", "1")]  # fmt: skip
    assert named(MSGAGENTSEGMENTS, query) == "interval"
    assert named(MSGAGENTSEGMENTS, [("timeframe", "0"), ("v", "1"), ("v", "1")]) == "timeframe"
    assert named(MSGAGENTSEGMENTS, [("timeframe", "60"), ("v", "1"), ("v", "1")]) == "v"


def test_rules_are_checked_at_their_parameter_with_defaults() -> None:
    """interval's rule reads timeframe; from_hour excludes last_hours (named); poor <= good
    reads good's default when good is absent, and names poor when only good is given."""
    assert named(MSGAGENTSEGMENTS, {"timeframe": "60", "v": "1", "interval": "45"}) == "interval"
    assert named(DASHBOARD, {"last_hours": "3", "from_hour": "1"}) == "last_hours"
    assert named(SUPERVISION, {"site_id": "p", "satisfaction_poor_pct": "81"}) == (
        "satisfaction_poor_pct"
    )
    assert named(SUPERVISION, {"site_id": "p", "satisfaction_good_pct": "59"}) == (
        "satisfaction_poor_pct"
    )
    assert named(SUPERVISION, {"site_id": "p", "satisfaction_good_pct": "60"}) is None
    assert named(REPORT, {"start_ms": "5", "end_ms": "5"}) == "end_ms"


def test_a_repeatable_parameter_keeps_every_value() -> None:
    """threshold may repeat; the values come back as pairs in KPI order."""
    q = parse_query(DASHBOARD, [("threshold", "chat.aht:2"), ("threshold", "current.open:1")])
    assert q.thresholds("threshold") == (("current.open", 1.0), ("chat.aht", 2.0))


def test_accessors_give_values_or_defaults() -> None:
    """Absent parameters give the contract's default, or None without one."""
    q = parse_query(DASHBOARD, {"agent_page_size": "7"})
    assert q.integer("agent_page_size") == 7 and q.integer_value("skill_page_size") == 25
    assert q.integer("from_hour") is None and q.text_value("load") == "weighted"
    assert q.given("agent_page_size") and not q.given("load")
    s = parse_query(MSGAGENTSEGMENTS, {"timeframe": "5", "v": "1", "skillIds": "all"})
    assert s.ids("skillIds") == "all" and s.ids("agentIds") is None
    assert s.names("metrics") == MSGAGENTSEGMENTS.parameter("metrics").choices
    assert parse_query(SUPERVISION, {"site_id": "x"}).names("channels") == ("chat", "call")


def test_typed_values_take_the_same_checks_and_order() -> None:
    """check_values: None is absent; the same first failing parameter as the text path."""
    with pytest.raises(ParameterError) as info:
        check_values(MSGAGENTSEGMENTS, {"timeframe": 60, "v": 1, "interval": 7, "agentIds": "x"})
    assert info.value.parameter == "interval"
    with pytest.raises(ParameterError) as info:
        check_values(MSGAGENTSEGMENTS, {"timeframe": 60, "v": 1, "agent_ids": [1]})
    assert info.value.parameter == "agent_ids"  # an unknown (query) name
    q = check_values(MSGAGENTSEGMENTS, {"timeframe": 60, "v": 1, "interval": None})
    assert not q.given("interval")


def test_clock_rules() -> None:
    """start_ms must be before now; at most 10000 buckets of [start, now)."""
    q = parse_query(AGENT_PERFORMANCE, {"agent_id": "1", "start_ms": "0", "bucket_ms": "60000"})
    check_clock(q, now_ms=600_000_000)  # exactly 10000 one-minute buckets
    with pytest.raises(ParameterError) as info:
        check_clock(q, now_ms=600_000_001)
    assert info.value.parameter == "bucket_ms"
    with pytest.raises(ParameterError) as info:
        check_clock(q, now_ms=0)
    assert info.value.parameter == "start_ms"


def test_clock_header_and_now() -> None:
    """The header takes 1 to CLOCK_MAX_DIGITS ASCII digits (trimmed); now_ms takes the same
    instants, 0 to 10**CLOCK_MAX_DIGITS - 1 (beyond, window arithmetic would overflow int64)."""
    assert parse_clock(" 1795171800000 ") == 1795171800000
    assert parse_clock("9" * CLOCK_MAX_DIGITS) == 10**CLOCK_MAX_DIGITS - 1
    for bad in ("", "-1", "1" * (CLOCK_MAX_DIGITS + 1), "\u0661", "1e3"):
        with pytest.raises(ParameterError) as info:
            parse_clock(bad)
        assert info.value.parameter == CLOCK_HEADER
    assert check_now(0) == 0
    assert check_now(10**CLOCK_MAX_DIGITS - 1) == 10**CLOCK_MAX_DIGITS - 1
    for bad_now in (-1, True, "5", 1.5, 10**CLOCK_MAX_DIGITS, 99999999999999999999):
        with pytest.raises(ParameterError) as info:
            check_now(bad_now)
        assert info.value.parameter == "now_ms"


_CASES = [c for c in load_conformance().cases if c.family in ("msgagentsegments", "dashboard")]
_FAMILIES = {"msgagentsegments": MSGAGENTSEGMENTS, "dashboard": DASHBOARD}


@settings(max_examples=200, deadline=None)
@given(index=st.integers(0, len(_CASES) - 1), seed=st.integers(0, 2**32))
def test_the_named_parameter_ignores_interleaving(index: int, seed: int) -> None:
    """Shuffling a request's pairs while keeping the first-appearance order of unknown
    names never changes the parameter named (so a mapping of lists names the same one)."""
    case = _CASES[index]
    family = _FAMILIES[case.family]
    known = [p for p in case.query if p[0] in family.names]
    unknown = [p for p in case.query if p[0] not in family.names]
    random.Random(seed).shuffle(known)
    assert named(family, unknown + known) == named(family, case.query)
