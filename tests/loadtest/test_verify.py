"""Verification of recorded responses: diffs, tolerances, statuses, errors, live mode."""

from __future__ import annotations

import dataclasses
import json
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loadtest import (
    Expected,
    LatencyBook,
    LoadTestConfig,
    Record,
    check_results,
    diff_json,
    evaluate,
    exit_code,
    summarize_run,
    verify_records,
    write_reports,
)

MS = 1_000_000


class StepProvider:
    """Answers {"metricsTotal": {"totalAgentConversationSegments": n}} where n counts the
    step instants before ``now``; an empty timeframe is a 400 on ``timeframe``."""

    def __init__(self, steps: list[int]) -> None:
        self.steps = steps

    def expected(self, endpoint: str, query: Mapping[str, str], *, now_ms: int) -> Expected:
        if not query.get("timeframe"):
            return Expected(status=400, parameter="timeframe")
        n = sum(1 for s in self.steps if s < now_ms)
        return Expected(status=200, body={"metricsTotal": {"totalAgentConversationSegments": n}})

    def change_instants(
        self, endpoint: str, query: Mapping[str, str], *, lo_ms: int, hi_ms: int
    ) -> list[int]:
        return [lo_ms] + [s + 1 for s in self.steps if lo_ms < s + 1 <= hi_ms]


def _rec(
    body: object,
    *,
    status: int = 200,
    clock: int | None = 1000,
    sent_ms: int = 0,
    received_ms: int = 0,
    query: dict[str, str] | None = None,
    error: str | None = None,
) -> Record:
    text = body if isinstance(body, str) else orjson.dumps(body).decode()
    return Record(
        "msgagentsegments",
        "query",
        query or {"timeframe": "60"},
        clock,
        sent_ms * MS,
        sent_ms * MS,
        received_ms * MS,
        status,
        error,
        text,
    )


def _total(n: float) -> dict[str, object]:
    return {"metricsTotal": {"totalAgentConversationSegments": n}}


def test_diff_json_names_paths_and_metrics() -> None:
    """Value, missing and extra differences carry JSON path and metric; equal is empty."""
    e = {"metricsPerAgent": {"12": {"avgX": 5, "n": 1}}, "t": [1, 2]}
    a = {"metricsPerAgent": {"12": {"avgX": 6}, "13": {"n": 1}}, "t": [1, 2, 3]}
    assert diff_json(e, e) == []
    assert diff_json(e, a) == [
        ("$.metricsPerAgent.12.avgX", "avgX", 5, 6),
        ("$.metricsPerAgent.12.n", "n", 1, "<missing>"),
        ("$.metricsPerAgent.13", "metricsPerAgent", "<missing>", {"n": 1}),
        ("$.t[2]", "t", "<missing>", 3),
    ]


def test_tolerance_is_per_metric_and_exact_by_default() -> None:
    """1 vs 1.0 is equal; 2428 vs 2429 differs unless the metric has tolerance >= 1."""
    assert diff_json({"m": 1}, {"m": 1.0}) == []
    assert diff_json({"avg": 2428}, {"avg": 2429}) == [("$.avg", "avg", 2428, 2429)]
    assert diff_json({"avg": 2428}, {"avg": 2429}, tolerances={"avg": 1}) == []
    assert diff_json({"b": True}, {"b": 1}) != []  # a boolean is not the number 1


def test_deterministic_mode_counts_by_metric() -> None:
    """With steps at 10 and 20 the answer at clock 1000 is 2: a 3 is one wrong value."""
    p = StepProvider([10, 20])
    v = verify_records([_rec(_total(2)), _rec(_total(3))], provider=p)
    assert (v.responses, v.verified, v.wrong_responses, v.mismatch_count) == (2, 2, 1, 1)
    assert v.by_metric == {"totalAgentConversationSegments": [2, 1]}
    m = v.mismatches[0]
    assert (m.path, m.expected, m.actual, m.clock_ms) == (
        "$.metricsTotal.totalAgentConversationSegments",
        2,
        3,
        1000,
    )


def test_invalid_requests_must_get_400_naming_the_parameter() -> None:
    """A 400 naming another parameter and a 200 to an invalid request are both mismatches."""
    p = StepProvider([])
    bad = {"timeframe": ""}
    right = _rec({"error": {"parameter": "timeframe"}}, status=400, query=bad)
    wrong_name = _rec({"error": {"parameter": "v"}}, status=400, query=bad)
    accepted = _rec(_total(0), status=200, query=bad)
    v = verify_records([right, wrong_name, accepted], provider=p)
    assert v.by_metric == {"error.parameter": [2, 1], "status": [1, 1]}
    assert v.wrong_responses == 2 and not v.errors.count


def test_transport_problems_are_counted_not_raised() -> None:
    """Timeouts, connection errors, 5xx, other 4xx and invalid JSON land in their classes."""
    p = StepProvider([])
    records = [
        _rec("", status=0, error="timeout: ConnectionTimeout"),
        _rec("", status=0, error="ConnectionRefusedError: [Errno 111]"),
        _rec("oops", status=503),
        _rec({"error": {}}, status=429),
        _rec("{not json", status=200),
    ]
    v = verify_records(records, provider=p)
    assert dict(v.errors.by_class) == {
        "timeout": 1,
        "connection": 1,
        "http_5xx": 1,
        "http_4xx": 1,
        "invalid_json": 1,
    }
    assert v.verified == 0 and v.mismatch_count == 0


def test_live_mode_accepts_any_state_in_the_window_and_measures_freshness() -> None:
    """Steps at 100 and 200 ms (visible from 101 and 201). A request sent at 250 and answered
    at 260 with staleness 100 may see any state from 150: count 1 (held on [150, 201)) or 2."""
    p = StepProvider([100, 200])
    fresh = _rec(_total(2), clock=None, sent_ms=250, received_ms=260)
    stale = _rec(_total(1), clock=None, sent_ms=250, received_ms=260)
    too_old = _rec(_total(0), clock=None, sent_ms=250, received_ms=260)
    v = verify_records([fresh, stale, too_old], provider=p, live=True, staleness_ms=100)
    assert v.wrong_responses == 1  # count 0 ended at 101, before 250 - 100
    # the fresh answer matches the newest state: lag 0; the stale one's state ended at 200,
    # 50 ms before the send
    assert v.freshness_ms == [0, 50]
    # a rejected live answer is reported against the newest state of its window (count 2)
    assert v.mismatches[0].actual == 0 and v.mismatches[0].expected == 2


class UnavailableProvider:
    """The dashboard-like answer of a log without agent states: load null and unavailable."""

    def expected(self, endpoint: str, query: Mapping[str, str], *, now_ms: int) -> Expected:
        body = {"current": {"open": 3, "load": None}, "agents": {"rows": None, "total": None}}
        reasons = {
            "current.load": "needs agent.login",
            "agents.rows": "needs agent.login",
            "agents.total": "needs agent.login",
        }
        return Expected(status=200, body=body, unavailable=reasons)

    def change_instants(
        self, endpoint: str, query: Mapping[str, str], *, lo_ms: int, hi_ms: int
    ) -> list[int]:
        return [lo_ms]


def test_overload_and_server_errors_are_errors_never_mismatches() -> None:
    """A 429 or 503 answering an invalid request (400 expected) or a valid one (200
    expected) counts as an error with its status code, never as a wrong value."""
    p = StepProvider([])
    invalid = {"timeframe": ""}
    records = [
        _rec({"error": {"message": "slow down"}}, status=429, query=invalid),
        _rec({"error": {}}, status=429),
        _rec("oops", status=503, query=invalid),
        _rec("moved", status=302),
    ]
    v = verify_records(records, provider=p)
    assert v.mismatch_count == 0 and v.wrong_responses == 0 and v.by_metric == {}
    assert v.errors.as_dict() == {
        "by_class": {"http_4xx": 2, "http_5xx": 1, "http_other": 1},
        "status_codes": {"http_4xx": {"429": 2}, "http_5xx": {"503": 1}, "http_other": {"302": 1}},
    }


def test_row_ids_match_by_type_and_value_only() -> None:
    """A row id of true, 12.0 or [12] is not the agent 12 (nor 1): one mismatch on the rows
    list each, values compared only for the rows whose id matches; nothing raises."""
    expected = {"agents": {"rows": [{"agent_id": 1, "csat": 5}, {"agent_id": 12, "csat": 4}]}}
    for odd in (True, 12.0, [12], {"id": 12}, None):
        actual = {"agents": {"rows": [{"agent_id": 1, "csat": 5}, {"agent_id": odd, "csat": 4}]}}
        diffs = diff_json(expected, actual, endpoint="dashboard")
        assert diffs == [("$.agents.rows", "dashboard.agents.rows", [1, 12], [1, odd])], odd


def test_numbers_beyond_any_float_are_wrong_values_shown_as_text() -> None:
    """A 5000-digit integer (beyond orjson and Python's default parser) and 1e400 (beyond a
    float) are valid JSON: each is a wrong value, reported as its text."""
    p = StepProvider([10])
    huge = "9" * 5000
    body = '{"metricsTotal": {"totalAgentConversationSegments": %s}}'
    v = verify_records([_rec(body % huge), _rec(body % "1e400")], provider=p)
    assert v.mismatch_count == 2 and not v.errors.count
    shown = [m.actual for m in v.mismatches]
    assert shown[0].startswith("9999") and shown[0].endswith("(4000 more characters)")
    assert shown[1] == "inf"


def test_bodies_beyond_the_parsers_are_invalid_json() -> None:
    """Nesting 3000 levels deep, NaN and a truncated body count as invalid_json."""
    p = StepProvider([])
    bodies = ["[" * 3000 + "]" * 3000, '{"a": NaN}', '{"metricsTotal": {']
    v = verify_records([_rec(b) for b in bodies], provider=p)
    assert dict(v.errors.by_class) == {"invalid_json": 3}


class ShapedProvider:
    """A dashboard answer with keyed rows, a msgagentsegments total and a report's CSV table
    (:class:`CsvProvider`); invalid when the query has ``bad``; the answer changes at 500
    (for live mode)."""

    def expected(self, endpoint: str, query: Mapping[str, str], *, now_ms: int) -> Expected:
        if "bad" in query:
            return Expected(status=400, parameter="bad")
        if endpoint == "report":
            return CsvProvider().expected(endpoint, query, now_ms=now_ms)
        if endpoint == "dashboard":
            rows = [{"agent_id": 1, "csat": 5}, {"agent_id": 12, "csat": None}]
            body = {"now": now_ms, "agents": {"rows": rows}, "chat": {"abandon_rate": 0.5}}
            return Expected(status=200, body=body)
        return Expected(status=200, body=_total(int(now_ms > 500)))

    def change_instants(
        self, endpoint: str, query: Mapping[str, str], *, lo_ms: int, hi_ms: int
    ) -> list[int]:
        return sorted({lo_ms, *([501] if lo_ms < 501 <= hi_ms else [])})


def test_unavailable_values_are_reported_not_compared() -> None:
    """A backend's 0 for an unavailable LOAD is neither right nor wrong: it is left out and
    the reason reported; the values the log supports are still compared."""
    backend = {"current": {"open": 3, "load": 0.0}, "agents": {"rows": [], "total": 0}}
    v = verify_records([_rec(backend)], provider=UnavailableProvider())
    assert v.mismatch_count == 0 and v.by_metric == {"open": [1, 0]}
    assert v.unavailable["current.load"] == "needs agent.login"
    wrong = {"current": {"open": 2, "load": 0.0}, "agents": {"rows": [], "total": 0}}
    assert verify_records([_rec(wrong)], provider=UnavailableProvider()).mismatch_count == 1


def test_translation_plugin_failures_are_counted_and_named() -> None:
    """A translation plugin returning no JSON document is a ``plugin`` error naming the
    plugin and the request; the response is not compared."""
    v = verify_records(
        [_rec(_total(1))],
        provider=StepProvider([0]),
        translate="tests.support.plugins:translate_to_text",
    )
    assert v.errors.by_class["plugin"] == 1 and v.mismatch_count == 0
    assert v.plugin_errors[0].startswith("plugin tests.support.plugins:translate_to_text on ")
    assert "returned str" in v.plugin_errors[0]


class CsvProvider:
    """The agents table of a report as CSV (agent 12 with 3 conversations until 500, 4
    after; connection hours unavailable); a 400 on ``csv`` when the query has ``bad``."""

    def expected(self, endpoint: str, query: Mapping[str, str], *, now_ms: int) -> Expected:
        if "bad" in query:
            return Expected(status=400, parameter="csv")
        text = f"agent_id,conversations,connection_hours\n12,{3 + int(now_ms > 500)},\n"
        unavailable = {"connection_hours": "needs agent.login"}
        return Expected(status=200, body=text, unavailable=unavailable, csv_table="agents")

    change_instants = ShapedProvider.change_instants


def _csv(body: object, **kw: Any) -> Record:
    kw.setdefault("clock", 100)  # before the change at 500: 3 conversations
    return dataclasses.replace(_rec(body, **kw), endpoint="report")


def test_csv_answers_are_compared_cell_by_cell() -> None:
    """The right table (CRLF line ends, unavailable cell filled in): no mismatch; one wrong
    cell: one mismatch naming its metric; a JSON answer where a table was asked: one mismatch
    on the table, not invalid JSON; the translation plugin never sees a table."""
    right = _csv("agent_id,conversations,connection_hours\r\n12,3,7\r\n")
    wrong = _csv("agent_id,conversations,connection_hours\n12,5,\n")
    as_json = _csv('{"agents": [{"agent_id": 12, "conversations": 3}]}')
    rejected = _csv({"error": {"parameter": "csv"}}, status=400, query={"bad": "1"})
    v = verify_records(
        [right, wrong, as_json, rejected],
        provider=CsvProvider(),
        translate="tests.support.plugins:translate_to_text",
    )
    assert (v.verified, v.wrong_responses, v.mismatch_count, v.errors.count) == (4, 2, 2, 0)
    assert [(m.path, m.metric, m.expected, m.actual) for m in v.mismatches[:1]] == [
        ("$.csv.agents[0].conversations", "report.csv.agents[].conversations", "3", "5")
    ]
    assert v.mismatches[1].metric == "report.csv.agents"
    assert v.by_metric == {
        "report.csv.agents": [3, 1],
        "report.csv.agents[].agent_id": [2, 0],
        "report.csv.agents[].conversations": [2, 1],
        "error.parameter": [1, 0],
    }
    assert v.unavailable == {"csv.agents[].connection_hours": "needs agent.login"}


def test_live_csv_answers_match_a_state_of_their_window() -> None:
    """Live mode, sent at 450 and answered at 520: 3 (held until 500) and 4 (from 501) are
    both right answers; 5 is none of the window's and is wrong against the newest (4)."""
    answers = [f"agent_id,conversations,connection_hours\n12,{n},\n" for n in (3, 4, 5)]
    records = [_csv(a, clock=None, sent_ms=450, received_ms=520) for a in answers]
    v = verify_records(records, provider=CsvProvider(), live=True)
    assert v.mismatch_count == 1 and (v.mismatches[0].expected, v.mismatches[0].actual) == (
        "4",
        "5",
    )


_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**500), max_value=10**500)
    | st.sampled_from([2**63, 2**64, 10**400, -(10**400), 1e308, -0.0])
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)
_ODD = st.lists(_SCALARS, max_size=2) | st.dictionaries(st.text(max_size=3), _SCALARS, max_size=2)
_ROWS = st.lists(st.fixed_dictionaries({"agent_id": _JSON | _ODD, "csat": _JSON}), max_size=4)
_SHAPED = st.fixed_dictionaries(
    {
        "now": _JSON,
        "agents": st.fixed_dictionaries({"rows": _ROWS}) | _JSON,
        "chat": st.fixed_dictionaries({"abandon_rate": _JSON}) | _JSON,
        "metricsTotal": st.fixed_dictionaries({"totalAgentConversationSegments": _JSON}) | _JSON,
        "error": st.fixed_dictionaries({"parameter": _JSON}) | _JSON,
    }
)
_BODIES = st.one_of(
    _SHAPED.map(json.dumps),  # first: the shape verification looks into, with odd values
    _JSON.map(json.dumps),
    st.text(max_size=40),  # mostly not JSON at all
    st.integers(1, 3000).map(lambda n: "[" * n + "]" * n),
    st.sampled_from(['"\\ud800"', '{"\\udfff\\u0000": 1}', "9" * 5000, "1e400", "-0"]),
    st.sampled_from(
        ["agent_id,conversations,connection_hours\n12,3,\n", "a,b\n1", '"', "x" * 140_000]
    ),
)
_RECORDS = st.builds(
    lambda endpoint, bad, clock, status, body: Record(
        endpoint,
        "query",
        {"bad": "1"} if bad else {"timeframe": "60"},
        clock,
        400 * MS,
        400 * MS,
        600 * MS,
        status,
        None if status else "ConnectionResetError",
        body,
    ),
    st.sampled_from(["dashboard", "msgagentsegments", "report"]),
    st.booleans(),
    st.sampled_from([None, 1000]),
    st.sampled_from([200, 200, 200, 400, 429, 503, 0]),
    _BODIES,
)


_EXPECTED = ShapedProvider()


@settings(max_examples=500, deadline=None)
@given(
    actual=_SHAPED | _JSON,
    endpoint=st.sampled_from(["dashboard", "msgagentsegments"]),
    now=st.sampled_from([100, 1000]),
)
def test_diff_json_takes_any_value(actual: Any, endpoint: str, now: int) -> None:
    """Any JSON value against a real answer's shape (keyed rows, floats, integers) gives a
    list of (path, metric, expected, actual) differences, never an exception."""
    expected = _EXPECTED.expected(endpoint, {}, now_ms=now).body
    diffs = diff_json(expected, actual, endpoint=endpoint)
    assert all(isinstance(d[0], str) and d[0].startswith("$") for d in diffs)
    assert diff_json(expected, expected, endpoint=endpoint) == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=st.lists(_RECORDS, min_size=1, max_size=6), ack_body=_BODIES, live=st.booleans())
def test_no_answer_can_crash_verification_or_the_reports(
    records: list[Record], ack_body: str, live: bool
) -> None:
    """Arbitrary bodies (nesting, numbers of any size, rows keyed by lists or objects, wrong
    types, lone surrogates, not JSON at all, CSV or not where a CSV table is expected) in
    answers and acknowledgements: verification,
    the summary, the thresholds and all three reports complete, and what they write parses.
    (No timings and no records reach the reports: their charts read timings, never bodies.)"""
    v = verify_records(records, provider=ShapedProvider(), live=live)
    assert v.responses == len(records)
    cfg = LoadTestConfig()
    acks = [{"endpoint": "ingest", "status": 200, "error": None, "events": 1, "body": ack_body}]
    summary: dict[str, Any] = summarize_run(
        config=cfg,
        records=records,
        latency=LatencyBook(),  # timings are not under test; no charts to draw
        verification=v,
        acks=acks,
        scheduled=len(records),
        processes=1,
    )
    breaches = evaluate(summary, cfg)
    summary["breaches"] = [{"class": b.kind, "message": b.message} for b in breaches]
    summary["checks"] = check_results(summary, cfg, breaches)
    summary["exit_code"] = exit_code(breaches)
    with tempfile.TemporaryDirectory() as out:
        paths = write_reports(summary, records=[], latency=LatencyBook(), out_dir=Path(out))
        assert orjson.loads(paths["summary"].read_bytes())["exit_code"] == summary["exit_code"]
        ET.parse(paths["junit"])
        assert paths["html"].read_text(encoding="utf-8").endswith("</html>")
