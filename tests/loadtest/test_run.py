"""End-to-end runs: real Locust processes against real HTTP targets on 127.0.0.1."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ccbench.eventlog import EventLog, read_log
from loadtest import (
    EXIT_ERRORS,
    EXIT_LATENCY,
    EXIT_MISMATCH,
    Faults,
    LoadTestConfig,
    Thresholds,
    faulty_proxy_app,
    load_mapping,
    oracle_target_app,
    run_loadtest,
    serve_app,
)
from loadtest._run import _read_results
from tests.support.loadtest_runs import UNTIMED

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "example.ndjson"

# The targets run on uvicorn threads in this process; a keep-alive socket of a Locust
# process killed at the end of a run can be collected after the server stopped.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


# Latency is only checked against a fault whose delay exceeds the limit whatever the
# machine's load (UNTIMED otherwise).


@pytest.fixture(scope="module")
def log() -> EventLog:
    """The hand-written example log (12 conversations, every event kind)."""
    return read_log(EXAMPLE)


@pytest.fixture
def good_target() -> Iterator[str]:
    """A fresh oracle-backed target: every answer it gives is correct."""
    with serve_app(oracle_target_app()) as url:
        yield url


def test_correct_target_gives_zero_mismatches(
    log: EventLog, good_target: str, tmp_path: Path
) -> None:
    """Open model, deterministic clock: all queries verified, no wrong value, exit 0."""
    cfg = LoadTestConfig(duration_s=3, rate=80, users=4, invalid_share=0.1, thresholds=UNTIMED)
    r = run_loadtest(log=log, out_dir=tmp_path, target=good_target, config=cfg)
    s = r.summary
    assert r.exit_code == 0, s["breaches"]
    # 80/s for 3 s: at most about 240 queries (the shape ticks once a second: allow +1 s)
    assert 0 < s["accuracy"]["verified"] == s["requests"]["queries"] <= 320
    assert s["accuracy"]["mismatches"] == 0
    assert s["accuracy"]["by_metric"]["error.parameter"]["checked"] > 0  # invalid ones checked
    assert s["ingest"]["accepted"] == len(log) and s["ingest"]["roster_status"] == 200
    assert {"summary", "junit", "html"} <= set(r.outputs)


def test_faulty_proxy_faults_are_named_with_their_exit_codes(
    log: EventLog, good_target: str, tmp_path: Path
) -> None:
    """Each injected fault shows up as exactly its metric / threshold and exit bit."""
    # a p99 limit below the injected delay: 5 % of requests 1 s late cross it on any machine;
    # the value faults run without a latency limit, so a loaded machine cannot add that bit
    limits = dataclasses.replace(UNTIMED, latency_ms={"msgagentsegments": {"p99": 700}})
    cases = [
        (Faults(round_message_average=True), EXIT_MISMATCH, ["avgAgentMessagesinAgentSegment"]),
        (Faults(drop_agent=12), EXIT_MISMATCH, ["metricsPerAgent"]),
        # 5 % of requests 1 s late: p99 crosses 700 ms, answers stay right (that the stalled
        # requests do not hold back later sends is measured by the slow and bench runs)
        (Faults(delay_share=0.05, delay_ms=1000), EXIT_LATENCY, []),
    ]
    for i, (faults, code, metrics) in enumerate(cases):
        thresholds = limits if code == EXIT_LATENCY else UNTIMED
        with serve_app(faulty_proxy_app(good_target, faults)) as url:
            cfg = LoadTestConfig(duration_s=3, rate=80, users=4, thresholds=thresholds, seed=i + 1)
            r = run_loadtest(
                log=log, out_dir=tmp_path / str(i), target=url, config=cfg, ingest=i == 0
            )
        assert r.exit_code == code, r.summary["breaches"]
        assert r.verification.mismatched_metrics() == metrics
        if faults.drop_agent is not None:
            assert all(m.path.endswith(".metricsPerAgent.12") for m in r.verification.mismatches)


def _broken_app() -> Starlette:
    calls = {"n": 0}

    async def answer(request: Request) -> Response:
        calls["n"] += 1
        kind = calls["n"] % 4
        if kind == 0:
            return Response("boom", status_code=500)
        if kind == 1:
            return Response("{half", media_type="application/json")
        if kind == 2:
            await asyncio.sleep(2.0)  # beyond the 0.5 s network timeout
        return Response('{"error": {"message": "no"}}', status_code=429)

    return Starlette(routes=[Route("/{path:path}", answer, methods=["GET", "PUT", "POST"])])


def test_broken_backend_is_counted_never_crashes(log: EventLog, tmp_path: Path) -> None:
    """5xx, invalid JSON, timeouts and 429s are counted by class; the run still reports."""
    with serve_app(_broken_app()) as url:
        mapping = dataclasses.replace(load_mapping(env={}, base_url=url), network_timeout_s=0.5)
        cfg = LoadTestConfig(duration_s=2, rate=20, users=2, invalid_share=0.0)
        r = run_loadtest(
            log=log, out_dir=tmp_path, mapping=mapping, config=cfg, ingest=False, preflight=False
        )
    errors = r.summary["errors"]["by_class"]
    assert set(errors) == {"http_5xx", "invalid_json", "timeout", "http_4xx"}, errors
    assert r.exit_code & EXIT_ERRORS
    assert r.summary["accuracy"]["verified"] == 0


def test_connection_refused_is_an_error_class(log: EventLog, tmp_path: Path) -> None:
    """A target that stops listening (here: from the start, the pre-run check off) gives
    connection errors, exit code with the errors bit."""
    with serve_app(Starlette()) as url:
        pass  # the port is free again: nothing listens there now
    cfg = LoadTestConfig(duration_s=1, rate=10, users=1)
    r = run_loadtest(
        log=log, out_dir=tmp_path, target=url, config=cfg, ingest=False, preflight=False
    )
    assert set(r.summary["errors"]["by_class"]) == {"connection"}
    assert r.exit_code & EXIT_ERRORS


@pytest.mark.slow
def test_closed_model_and_two_processes_merge(
    log: EventLog, good_target: str, tmp_path: Path
) -> None:
    """Closed model over `--processes 2`: both processes report, records and histograms merge."""
    cfg = LoadTestConfig(
        workload="closed", users=4, duration_s=3, think_time_s=0.05, thresholds=UNTIMED
    )
    r = run_loadtest(log=log, out_dir=tmp_path, target=good_target, config=cfg, processes=2)
    s = r.summary
    assert s["processes_reported"] == 2
    assert r.exit_code == 0, s["breaches"]
    counts = [s["latency_ms"][e]["count"] for e in ("msgagentsegments", "dashboard")]
    assert sum(counts) == s["requests"]["queries"] > 50


@pytest.mark.slow
def test_live_mode_against_a_correct_target(
    log: EventLog, good_target: str, tmp_path: Path
) -> None:
    """Live mode (target's own clock, log moved to end just before now): zero mismatches and a
    freshness lag is measured for every answer."""
    cfg = LoadTestConfig(
        mode="live",
        duration_s=3,
        rate=40,
        users=2,
        staleness_ms=0,
        thresholds=Thresholds(latency_ms={}, max_freshness_ms=0),
    )
    r = run_loadtest(log=log, out_dir=tmp_path, target=good_target, config=cfg)
    s = r.summary
    assert r.exit_code == 0, s["breaches"]
    assert s["freshness_ms"]["count"] == s["accuracy"]["verified"] - sum(
        1
        for m, row in s["accuracy"]["by_metric"].items()
        if m == "error.parameter"
        for _ in range(row["checked"])
    )


def _hostile_app() -> Starlette:
    """Accepts the roster and the events with odd acknowledgements and answers every query
    200 with one of several hostile bodies in turn."""
    bodies = [
        '{"agents": {"rows": [{"agent_id": [1, 2], "csat": 1}, {"agent_id": {"x": 1}}]}}',
        '{"now": %s, "metricsTotal": {"totalAgentConversationSegments": 1e400}}' % ("9" * 5000),
        "[" * 5000 + "]" * 5000,
        '{"metricsPerAgent": {"\\u0000\\u001b[2J\\ud800": {"avgX": "NaN"}}, "chat": []}',
        '{"error": {"parameter": ["timeframe"]}, "now": true}',
        b"\x00\x01 not json \xed\xa0\x80\xff",  # not even UTF-8 (an encoded surrogate)
    ]
    calls = {"n": 0}

    async def ack(request: Request) -> Response:
        await request.body()
        return Response('{"accepted": 1e400, "duplicates": [1]}', media_type="application/json")

    async def answer(request: Request) -> Response:
        calls["n"] += 1
        return Response(bodies[calls["n"] % len(bodies)], media_type="application/json")

    return Starlette(
        routes=[
            Route("/api/v1/accounts/{account}/roster", ack, methods=["PUT"]),
            Route("/api/v1/accounts/{account}/events", ack, methods=["POST"]),
            Route("/{path:path}", answer, methods=["GET"]),
        ]
    )


def test_hostile_answers_still_give_all_three_reports(log: EventLog, tmp_path: Path) -> None:
    """Row ids that are lists, 5000-digit numbers, nesting 5000 deep, control characters and
    lone surrogates in keys, wrong types: the run completes with mismatches and invalid_json
    counted, and writes summary.json, junit.xml (valid for Jenkins) and report.html."""
    import xmlschema

    cfg = LoadTestConfig(duration_s=2, rate=20, users=2, invalid_share=0.2, thresholds=UNTIMED)
    with serve_app(_hostile_app()) as url:
        r = run_loadtest(log=log, out_dir=tmp_path, target=url, config=cfg)
    s = r.summary
    assert s["accuracy"]["mismatches"] > 0 and s["errors"]["by_class"]["invalid_json"] > 0
    assert s["ingest"]["accepted"] == 0  # 1e400 is not a count
    assert r.exit_code == EXIT_ERRORS | EXIT_MISMATCH
    assert orjson.loads((tmp_path / "summary.json").read_bytes())["exit_code"] == r.exit_code
    xsd = Path(__file__).resolve().parents[1] / "data" / "junit-10.xsd"
    xmlschema.XMLSchema(xsd).validate(tmp_path / "junit.xml")
    assert "</html>" in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_header_values_never_reach_the_disk(
    log: EventLog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A token expanded from the environment authenticates every request (the run passes)
    yet appears in no file of the output folder: the run spec shows it redacted."""
    secret = "tok-7f3a9c-never-written"
    monkeypatch.setenv("CCBENCH_TOKEN", secret)
    cfg = LoadTestConfig(duration_s=2, rate=20, users=2, thresholds=UNTIMED)
    with serve_app(oracle_target_app(token=secret)) as url:
        r = run_loadtest(log=log, out_dir=tmp_path, target=url, config=cfg)
    assert r.exit_code == 0, r.summary["breaches"]
    assert r.summary["ingest"]["roster_status"] == 200
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"run_spec.json", "summary.json", "locust.log"}
    assert not [p.name for p in files if secret.encode() in p.read_bytes()]
    spec = orjson.loads((tmp_path / "run_spec.json").read_bytes())
    assert spec["mapping"]["headers"] == {"Authorization": "<redacted>"}


def test_a_report_without_its_recording_is_named_not_merged(tmp_path: Path) -> None:
    """A process's report whose recording never arrived is left out of the merge and named
    (a harness breach), rather than failing the run's reading of its results."""
    report = {
        "process": 3,
        "recording": str(tmp_path / "recordings" / "process-3.parquet"),
        "latency": {},
        "acks": [],
        "scheduled": 5,
    }
    path = tmp_path / "locust-results.json"
    path.write_bytes(orjson.dumps({"reports": [report], "expected_processes": 1}))
    merged = _read_results(path)
    assert merged["reported"] == 0 and len(merged["records"]) == 0
    assert merged["worker_errors"] == [
        f"process 3: its recording {report['recording']} is missing; its requests are left out"
    ]


def test_forked_workers_meet_their_master_on_a_port_of_its_own() -> None:
    """`--processes 2` binds the master to 127.0.0.1 on a free port and points the forked
    workers at it, so two runs on one machine never share Locust's default port 5557 (a
    run once merged four processes' reports: the other run's workers had joined it)."""
    from loadtest._run import _locust_command

    cmd = _locust_command(processes=2, host="http://127.0.0.1:1")

    def value(option: str) -> str:
        return cmd[cmd.index(option) + 1]

    assert value("--processes") == "2" and value("--master-bind-host") == "127.0.0.1"
    assert value("--master-host") == "127.0.0.1"
    assert value("--master-bind-port") == value("--master-port") != "5557"
    assert "--master-bind-port" not in _locust_command(processes=1, host="http://127.0.0.1:1")
