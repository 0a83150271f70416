"""Dashboard queries of the load harness: URL encoding, the mix's draws, expected answers,
id-keyed row diffs, live-mode checks, and end-to-end runs against correct and faulty targets."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccbench import InputError, ParameterError
from ccbench.eventlog import EventLog, read_log
from loadtest import (
    EXIT_MISMATCH,
    Faults,
    LoadTestConfig,
    OracleProvider,
    QueryMix,
    Record,
    RunResult,
    Thresholds,
    dashboard_answer,
    diff_json,
    faulty_proxy_app,
    load_config,
    multi_query,
    oracle_target_app,
    run_loadtest,
    serve_app,
    verify_records,
)
from oracle import Oracle

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "example.ndjson"
MS = 1_000_000

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


@pytest.fixture(scope="module")
def log() -> EventLog:
    """The hand-written example log (agents 12, 13, 14, 20, 90; skills 333, 444, 900)."""
    return read_log(EXAMPLE)


@pytest.fixture(scope="module")
def provider(log: EventLog) -> OracleProvider:
    """Expected answers from the oracle on the example log."""
    return OracleProvider(log)


def test_answer_decodes_every_encoding_of_the_contract(log: EventLog) -> None:
    """Integers, choices, comma-separated ids and repeated thresholds reach the oracle as
    the keyword values they encode."""
    _, last = log.time_range() or (0, 0)
    query = {
        "last_hours": "7",
        "skill_ids": "333,444",
        "load": "active",
        "agent_page_size": "30",
        "threshold": ["current.open:4", "chat.aht:12.5"],
    }
    assert dashboard_answer(Oracle(log), query, now_ms=last) == Oracle(log).dashboard(
        now_ms=last,
        last_hours=7,
        skill_ids=[333, 444],
        load="active",
        agent_page_size=30,
        threshold={"current.open": 4.0, "chat.aht": 12.5},
    )


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"from_hour": "7.0"}, "from_hour"),  # integers are decimal strings
        ({"skill_ids": "1,,3"}, "skill_ids"),
        ({"group_ids": ""}, "group_ids"),
        ({"group_ids": "-1"}, "group_ids"),  # ids are non-negative
        ({"threshold": "current.open"}, "threshold"),  # no ":<number>"
        ({"threshold": "current.open:inf"}, "threshold"),  # not finite
        ({"load": ["active", "weighted"]}, "load"),  # only threshold repeats
        ({"page": "1"}, "page"),  # unknown name
    ],
)
def test_answer_rejects_bad_encodings_naming_the_parameter(
    log: EventLog, query: dict[str, str | list[str]], parameter: str
) -> None:
    """Each encoding error raises ParameterError naming the query parameter."""
    with pytest.raises(ParameterError) as info:
        dashboard_answer(Oracle(log), query, now_ms=10**12)
    assert info.value.parameter == parameter


def test_multi_query_keeps_repeated_parameters_in_order() -> None:
    """A name seen twice becomes a list in arrival order; a single one stays a string."""
    items = [("a", "1"), ("threshold", "x:1"), ("threshold", "y:2"), ("threshold", "z:3")]
    assert multi_query(items) == {"a": "1", "threshold": ["x:1", "y:2", "z:3"]}


def test_provider_answers_valid_queries_with_the_oracles_dashboard(
    log: EventLog, provider: OracleProvider
) -> None:
    """The expected body is exactly Oracle.dashboard with the decoded keywords."""
    _, last = log.time_range() or (0, 0)
    query = {"last_hours": "1", "agent_page_size": "2", "threshold": "current.open:0"}
    exp = provider.expected("dashboard", query, now_ms=last)
    assert exp.status == 200
    assert exp.body == Oracle(log).dashboard(
        now_ms=last, last_hours=1, agent_page_size=2, threshold={"current.open": 0}
    )


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"last_hours": "25"}, "last_hours"),  # range rule of the oracle
        ({"from_hour": "0", "last_hours": "2"}, "last_hours"),  # the oracle names last_hours
        ({"agent_sort": "salary"}, "agent_sort"),
        ({"threshold": "current.nothing:1"}, "threshold"),  # one name everywhere
    ],
)
def test_provider_rejects_invalid_queries_for_the_right_parameter(
    log: EventLog, provider: OracleProvider, query: dict[str, str], parameter: str
) -> None:
    """Rule violations give status 400 naming the query parameter."""
    _, last = log.time_range() or (0, 0)
    exp = provider.expected("dashboard", query, now_ms=last)
    assert (exp.status, exp.parameter) == (400, parameter)


def test_a_backend_naming_another_parameter_is_a_mismatch(provider: OracleProvider) -> None:
    """The contract leaves no name open: `thresholds` for a bad threshold is wrong."""
    query = {"threshold": "current.nothing:1"}
    body = orjson.dumps({"error": {"parameter": "thresholds", "message": "unknown KPI"}})
    rec = Record("dashboard", "query", query, 10**12, 0, 0, 1, 400, None, body.decode())
    v = verify_records([rec], provider=provider)
    assert v.mismatch_count == 1 and v.by_metric == {"error.parameter": [1, 1]}


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10**6))
def test_mix_draws_are_valid_or_invalid_exactly_as_labelled(seed: int) -> None:
    """Every valid draw gets 200 from the oracle, every invalid one 400 on its parameter."""
    log = read_log(EXAMPLE)
    provider = OracleProvider(log)
    mix = QueryMix.from_log(log, seed=seed, invalid_share=0.3, dashboard_share=1.0)
    for _ in range(40):
        q = mix.next()
        assert q.endpoint == "dashboard" and q.clock_ms is not None
        exp = provider.expected(q.endpoint, q.params, now_ms=q.clock_ms)
        assert (exp.status, exp.parameter) == (
            (200, None) if q.invalid_parameter is None else (400, q.invalid_parameter)
        ), q


def test_live_mix_never_draws_from_hour(log: EventLog) -> None:
    """Without a clock the mix leaves out from_hour (the backend's day boundary is unknown)."""
    mix = QueryMix.from_log(
        log, seed=5, invalid_share=0.0, dashboard_share=1.0, deterministic=False
    )
    queries = [mix.next() for _ in range(300)]
    assert all(q.clock_ms is None and "from_hour" not in q.params for q in queries)
    assert sum("last_hours" in q.params for q in queries) > 0


def test_dashboard_share_splits_the_mix_and_zero_keeps_old_sequences(log: EventLog) -> None:
    """Share 0.2 sends about a fifth to the dashboard; share 0 draws exactly as before."""
    mix = QueryMix.from_log(log, seed=11, dashboard_share=0.2)
    n = Counter(mix.next().endpoint for _ in range(2000))["dashboard"]
    # binomial(2000, 0.2): mean 400, sd 17.9; +-100 is more than 5 sd
    assert 300 <= n <= 500
    a = QueryMix.from_log(log, seed=11, dashboard_share=0.0)
    b = QueryMix.from_log(log, seed=11)
    assert [a.next() for _ in range(200)] == [b.next() for _ in range(200)]


def test_config_validates_dashboard_share() -> None:
    """dashboard_share is a probability; the default is 0.2."""
    assert load_config().dashboard_share == 0.2
    assert load_config(dashboard_share=0.0).dashboard_share == 0.0
    with pytest.raises(InputError, match="dashboard_share"):
        load_config(dashboard_share=1.5)


def test_run_refuses_a_mapping_without_dashboard_unless_share_is_zero(tmp_path: Path) -> None:
    """A mapping lacking [endpoints.dashboard] is an error that names the switch."""
    mapping = tmp_path / "m.toml"
    mapping.write_text(
        'base_url = "http://127.0.0.1:9"\n[endpoints.msgagentsegments]\npath = "/q"\n'
    )
    with pytest.raises(InputError, match="dashboard_share"):
        run_loadtest(log=EXAMPLE, out_dir=tmp_path / "a", mapping=mapping, ingest=False)


def _row(agent_id: int, csat: float | None) -> dict[str, object]:
    return {"agent_id": agent_id, "name": f"a{agent_id}", "csat": csat}


def test_dashboard_rows_are_matched_by_id_and_named_by_path() -> None:
    """A dropped row is one difference on `rows`; a wrong value in a later row is named at
    its expected index, under the metric with indexes dropped."""
    expected = {
        "current": {"load": 12.5},
        "agents": {"rows": [_row(12, 100.0), _row(13, None), _row(14, 50.0)]},
    }
    actual = {
        "current": {"load": 12.5},
        "agents": {"rows": [_row(12, 100.0), _row(14, 40.0)]},
    }
    assert diff_json(expected, actual, endpoint="dashboard") == [
        ("$.agents.rows", "dashboard.agents.rows", [12, 13, 14], [12, 14]),
        # row 14 is index 2 of the expected table
        ("$.agents.rows[2].csat", "dashboard.agents.rows[].csat", 50.0, 40.0),
    ]
    # the same order with a swap is a difference of ids only (the rows themselves agree)
    swapped = {"current": {"load": 12.5}, "agents": {"rows": [_row(13, None), _row(12, 100.0)]}}
    base = {"current": {"load": 12.5}, "agents": {"rows": [_row(12, 100.0), _row(13, None)]}}
    assert diff_json(base, swapped, endpoint="dashboard") == [
        ("$.agents.rows", "dashboard.agents.rows", [12, 13], [13, 12])
    ]


def test_dashboard_tolerances_use_the_dashboard_metric_names() -> None:
    """A tolerance keyed `dashboard.current.load` covers current.load and nothing else."""
    e = {"current": {"load": 10.0}, "agents": {"rows": [{"agent_id": 1, "load": 10.0}]}}
    a = {"current": {"load": 10.004}, "agents": {"rows": [{"agent_id": 1, "load": 10.004}]}}
    got = diff_json(e, a, endpoint="dashboard", tolerances={"dashboard.current.load": 0.01})
    assert [d[0] for d in got] == ["$.agents.rows[0].load"]


def _dash_record(query: dict[str, str], body: object, *, sent_ms: int, received_ms: int) -> Record:
    return Record(
        "dashboard",
        "query",
        query,
        None,
        sent_ms * MS,
        sent_ms * MS,
        received_ms * MS,
        200,
        None,
        orjson.dumps(body).decode(),
    )


def test_live_mode_checks_a_dashboard_answer_at_its_stated_instant(
    log: EventLog, provider: OracleProvider
) -> None:
    """An answer stating an instant inside [sent - staleness, received] is checked there
    (fresh: lag 0); one older than the allowance is compared at the window's start, so its
    `now` is reported wrong."""
    first, _ = log.time_range() or (0, 0)
    t = first + 3_600_000  # an hour into the log: agents logged in, conversations open
    query = {"last_hours": "1"}
    oracle = Oracle(log)
    fresh = _dash_record(
        query, oracle.dashboard(now_ms=t + 3, last_hours=1), sent_ms=t, received_ms=t + 5
    )
    v = verify_records([fresh], provider=provider, live=True)
    assert v.mismatch_count == 0 and v.freshness_ms == [0]
    # stated 10 s before the send with 2 s allowed: checked at t - 2000, `now` differs
    stale = _dash_record(
        query, oracle.dashboard(now_ms=t - 10_000, last_hours=1), sent_ms=t, received_ms=t + 5
    )
    v = verify_records([stale], provider=provider, live=True, staleness_ms=2000)
    now_diffs = [m for m in v.mismatches if m.path == "$.now"]
    assert [(m.expected, m.actual) for m in now_diffs] == [(t - 2000, t - 10_000)]
    assert v.freshness_ms == []
    # within the allowance it is accepted, with its lag reported
    v = verify_records([stale], provider=provider, live=True, staleness_ms=10_000)
    assert v.mismatch_count == 0 and v.freshness_ms == [10_000]


def test_live_shift_moves_only_the_dashboards_instants(log: EventLog) -> None:
    """With the log moved by a shift, now and the window move; durations stay."""
    first, _ = log.time_range() or (0, 0)
    shift = 123_456_789
    t = first + 3_600_000
    shifted = OracleProvider(log, time_shift_ms=shift).expected(
        "dashboard", {"last_hours": "2"}, now_ms=t + shift
    )
    plain = Oracle(log).dashboard(now_ms=t, last_hours=2)
    assert shifted.body["now"] == t + shift
    assert shifted.body["window"] == {"start": t - 7_200_000 + shift, "end": t + shift}
    assert {k: v for k, v in shifted.body.items() if k not in ("now", "window")} == {
        k: v for k, v in plain.items() if k not in ("now", "window")
    }


# --- end to end: real Locust runs against targets on 127.0.0.1 -----------------------------


@pytest.fixture(scope="module")
def good_target() -> Iterator[str]:
    """One oracle-backed target for the module (ingested once by the first run)."""
    with serve_app(oracle_target_app()) as url:
        yield url


def _run(log: EventLog, url: str, out: Path, *, seed: int, ingest: bool) -> RunResult:
    cfg = LoadTestConfig(
        duration_s=3,
        rate=60,
        users=3,
        invalid_share=0.1,
        dashboard_share=0.5,
        seed=seed,
        # latency is not under test here (a shared 2-core machine); accuracy is
        thresholds=Thresholds(latency_ms={}, min_rate_ratio=None, max_schedule_lag_ms=None),
    )
    return run_loadtest(log=log, out_dir=out, target=url, config=cfg, ingest=ingest)


def test_correct_target_gives_zero_dashboard_mismatches(
    log: EventLog, good_target: str, tmp_path: Path
) -> None:
    """Half the queries go to the dashboard; all verified, none wrong, a dashboard family."""
    r = _run(log, good_target, tmp_path, seed=1, ingest=True)
    s = r.summary
    assert r.exit_code == 0, s["breaches"]
    assert s["latency_ms"]["dashboard"]["count"] > 30
    by_metric = s["accuracy"]["by_metric"]
    assert by_metric["dashboard.current.load"]["checked"] > 0
    assert by_metric["dashboard.agents.rows[].csat"]["checked"] > 0
    assert s["accuracy"]["mismatches"] == 0


@pytest.mark.parametrize(
    ("faults", "metric", "path"),
    [
        (Faults(round_abandon_rate=True), "dashboard.chat.abandon_rate", "$.chat.abandon_rate"),
        (Faults(drop_agent_row=12), "dashboard.agents.rows", "$.agents.rows"),
    ],
)
def test_faulty_dashboard_is_named_exactly(
    log: EventLog,
    good_target: str,
    tmp_path: Path,
    faults: Faults,
    metric: str,
    path: str,
) -> None:
    """A proxy rounding chat.abandon_rate, or dropping agent 12's row, is reported as exactly
    that metric path, with the mismatch exit code alone."""
    # the good target may not have the log yet when this test runs alone: ingest through the
    # proxy (ingest passes through unchanged; repeated event ids are ignored)
    with serve_app(faulty_proxy_app(good_target, faults)) as url:
        r = _run(log, url, tmp_path, seed=2, ingest=True)
    assert r.exit_code == EXIT_MISMATCH, r.summary["breaches"]
    assert r.verification.mismatched_metrics() == [metric]
    mismatches = r.verification.mismatches
    assert mismatches and {(m.endpoint, m.path) for m in mismatches} == {("dashboard", path)}
    if faults.drop_agent_row is not None:
        # expected ids include 12, actual ones are the same without it
        assert all(
            12 in m.expected and m.actual == [i for i in m.expected if i != 12] for m in mismatches
        )
    else:
        assert all(round(m.expected, 1) == m.actual != m.expected for m in mismatches)


def test_mix_is_seeded(log: EventLog) -> None:
    """Two mixes with one seed draw the same dashboard requests whatever the global RNG."""
    random.seed(0)
    mix = QueryMix.from_log(log, seed=9, dashboard_share=1.0, invalid_share=0.2)
    a = [mix.next() for _ in range(50)]
    random.seed(1)
    mix = QueryMix.from_log(log, seed=9, dashboard_share=1.0, invalid_share=0.2)
    assert a == [mix.next() for _ in range(50)]


def test_mix_draws_both_modes_and_their_invalid_values(log: EventLog) -> None:
    """The mix asks both dashboard modes (each about 40 % of valid draws, the rest the
    default), and its invalid draws include the contract's bad modes."""
    mix = QueryMix.from_log(log, seed=3, dashboard_share=1.0, invalid_share=0.3)
    queries = [mix.next() for _ in range(1000)]
    valid = Counter(q.params.get("mode") for q in queries if q.invalid_parameter is None)
    n = sum(valid.values())
    # binomial(n ~ 700, 0.4): sd ~ 13; the bounds are more than 5 sd away
    assert all(0.3 * n < valid[m] < 0.5 * n for m in ("messaging", "chat"))
    assert any(q.invalid_parameter == "mode" for q in queries)
