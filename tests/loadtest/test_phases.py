"""The run's phases inside Locust: a slow or hung ingest is counted and bounded, never silent."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

import orjson
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from loadtest import EXIT_ERRORS, LoadTestConfig, load_mapping, run_loadtest, serve_app
from tests.support.loadtest_runs import EXAMPLE, UNTIMED

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


def _slow_ingest_app(delay_s: float) -> Starlette:
    """Roster and queries answer at once; every event batch waits ``delay_s`` first."""

    async def quick(request: Request) -> Response:
        return Response("{}", media_type="application/json")

    async def events(request: Request) -> Response:
        lines = [line for line in (await request.body()).splitlines() if line.strip()]
        await asyncio.sleep(delay_s)
        return Response(orjson.dumps({"accepted": len(lines)}), media_type="application/json")

    return Starlette(
        routes=[
            Route("/api/v1/accounts/{account}/events", events, methods=["POST"]),
            Route("/{path:path}", quick, methods=["GET", "PUT"]),
        ]
    )


def test_ingest_timeouts_are_errors(tmp_path: Path) -> None:
    """Two batches whose answer never comes within the network timeout: two `timeout`
    errors and two failed batches, the errors bit set (it used to be a silent run)."""
    with serve_app(_slow_ingest_app(delay_s=3.0)) as url:
        mapping = dataclasses.replace(load_mapping(env={}, base_url=url), network_timeout_s=0.3)
        cfg = LoadTestConfig(duration_s=1, rate=5, users=1, ingest_batch=100, thresholds=UNTIMED)
        r = run_loadtest(
            log=EXAMPLE, out_dir=tmp_path, mapping=mapping, config=cfg, preflight=False
        )
    s = r.summary
    assert s["ingest"]["batches"] == s["ingest"]["failed_batches"] == 2  # 169 events
    assert s["errors"]["by_class"]["timeout"] == 2
    assert r.exit_code & EXIT_ERRORS


def test_ingest_past_its_budget_stops_and_runs_no_query(tmp_path: Path) -> None:
    """17 batches of 10 events, each acknowledged after 0.5 s, against a budget of 1.2 s: the
    ingest stops at the first batch boundary past it, no query is sent (they would judge a
    partial log), and the run fails in the errors class saying why."""
    with serve_app(_slow_ingest_app(delay_s=0.5)) as url:
        cfg = LoadTestConfig(
            duration_s=1, rate=5, users=1, ingest_batch=10, ingest_budget_s=1.2, thresholds=UNTIMED
        )
        r = run_loadtest(log=EXAMPLE, out_dir=tmp_path, target=url, config=cfg)
    s = r.summary
    assert s["ingest"]["over_budget"] is True
    assert 1 <= s["ingest"]["batches"] < 17
    assert s["requests"]["queries"] == 0
    assert r.exit_code == EXIT_ERRORS
    assert any("ingest stopped after its budget of 1.2 s" in b.message for b in r.breaches)
    assert s["checks"]["mismatches"]["status"] == "skipped"  # nothing could be verified
