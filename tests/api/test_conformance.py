"""The conformance cases (ccbench/api/conformance.json) against the oracle's parsers and
against the reference backend over HTTP: one file, the same status and error parameter."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from ccbench import ParameterError
from ccbench.api import (
    CLOCK_HEADER,
    FAMILIES,
    Conformance,
    ConformanceCase,
    load_conformance,
    parse_clock,
)
from oracle import Oracle
from tests.conftest import ROOT
from tests.support.backend import ACCOUNT, auth, backend, load, read_ndjson

CONFORMANCE = load_conformance()
CASES = CONFORMANCE.cases
SERVED = {f.name: f.path for f in FAMILIES if f.path is not None}

# family -> the oracle's entry point for a raw query string at an instant
Answer = Callable[[Oracle, list[tuple[str, str]], int], Any]
ORACLE: dict[str, Answer] = {
    "msgagentsegments": lambda o, q, now: o.agent_segments_query(q, now_ms=now),
    "dashboard": lambda o, q, now: o.dashboard_query(q, now_ms=now),
    "agent_performance": lambda o, q, now: o.agent_performance_query(q, now_ms=now),
    "report": lambda o, q, now: o.report_query(q),
    "supervision": lambda o, q, now: o.supervision_query(q, now_ms=now),
}


def test_the_file_has_at_least_150_cases_across_every_family() -> None:
    """>= 150 cases; every family of the contract has valid and invalid ones; every
    parameter of every family is named by at least one invalid case."""
    assert len(CASES) >= 150
    statuses = Counter((c.family, c.status) for c in CASES)
    for family in FAMILIES:
        assert statuses[(family.name, 200)] > 0 and statuses[(family.name, 400)] > 0, family.name
        named = {c.parameter for c in CONFORMANCE.of(family.name)}
        assert set(family.names) <= named, (family.name, set(family.names) - named)


def test_the_file_names_the_example_log_and_an_instant() -> None:
    """The cases are answered on the example log at a fixed now (the file says which)."""
    assert (ROOT / CONFORMANCE.log).is_file()
    assert isinstance(CONFORMANCE, Conformance) and CONFORMANCE.now_ms > 0


def oracle_outcome(oracle: Oracle, case: ConformanceCase) -> tuple[int, str | None]:
    """(status, parameter) the oracle gives: the query is checked before the clock header;
    a case's clock reaches the oracle as now_ms, so an error on now_ms is the header's."""
    now, bad_clock = CONFORMANCE.now_ms, None
    if case.clock is not None:
        try:
            now = parse_clock(case.clock)
        except ParameterError as exc:
            bad_clock = exc.parameter
    try:
        ORACLE[case.family](oracle, list(case.query), now)
    except ParameterError as exc:
        clock_error = case.clock is not None and exc.parameter == "now_ms"
        return 400, CLOCK_HEADER if clock_error else exc.parameter
    return (400, bad_clock) if bad_clock else (200, None)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_oracle(example_oracle: Oracle, case: ConformanceCase) -> None:
    """The oracle's parser gives the case's status and names its parameter."""
    assert oracle_outcome(example_oracle, case) == (case.status, case.parameter), case.why


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    roster, records = read_ndjson(ROOT / CONFORMANCE.log)
    with backend() as c:
        load(c, roster, records)
        yield c


HTTP_CASES = [c for c in CASES if c.family in SERVED]


@pytest.mark.parametrize("case", HTTP_CASES, ids=[c.id for c in HTTP_CASES])
def test_backend_over_http(client: httpx.Client, case: ConformanceCase) -> None:
    """The reference backend answers the case's status; a 400 names its parameter in
    {"error": {"parameter"}} (never a 500)."""
    clock = str(CONFORMANCE.now_ms) if case.clock is None else case.clock
    r = client.get(
        str(SERVED[case.family]).format(account=ACCOUNT),
        params=list(case.query),
        headers={**auth(), CLOCK_HEADER: clock.encode("utf-8")},  # type: ignore[dict-item]
    )
    assert r.status_code == case.status, (case.id, r.text[:300])
    if case.status == 400:
        assert r.json()["error"]["parameter"] == case.parameter, case.why


def test_every_family_is_served_by_the_backend() -> None:
    """Every family of the contract has a backend route, so every case runs against the
    oracle and over HTTP."""
    assert set(SERVED) == {f.name for f in FAMILIES}
