"""Verification of recorded responses: diffs, tolerances, statuses, errors, live mode."""

from __future__ import annotations

from collections.abc import Mapping

import orjson

from loadtest import Expected, Record, diff_json, verify_records

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
