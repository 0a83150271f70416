"""The pre-run check: a target that cannot serve the run is refused in one line, fast."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ccbench import InputError
from ccbench.cli import main
from ccbench.eventlog import EventLog, read_log
from loadtest import (
    Endpoint,
    LoadTestConfig,
    TargetMapping,
    load_mapping,
    oracle_target_app,
    serve_app,
)
from loadtest._preflight import check_target

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "example.ndjson"
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
CFG = LoadTestConfig()


@pytest.fixture(scope="module")
def log() -> EventLog:
    """The hand-written example log."""
    return read_log(EXAMPLE)


@pytest.fixture(scope="module")
def good_target() -> Iterator[str]:
    """A correct target (token ccbench-token, the reference mapping's default)."""
    with serve_app(oracle_target_app()) as url:
        yield url


def _dead_url() -> str:
    with serve_app(Starlette()) as url:
        pass  # the port is free again: nothing listens there now
    return url


def _mapping(url: str, **changes: object) -> TargetMapping:
    return dataclasses.replace(load_mapping(env={}, base_url=url), **changes)  # type: ignore[arg-type]


def test_a_correct_target_passes(log: EventLog, good_target: str) -> None:
    """Roster PUT, empty ingest batch, one msgagentsegments and one dashboard GET all answer."""
    check_target(_mapping(good_target), log=log, config=CFG, ingest=True)
    check_target(_mapping(good_target), log=log, config=CFG, ingest=False)


def test_unreachable_target(log: EventLog) -> None:
    """Nothing listening: the first endpoint the run uses is named, with the reason."""
    url = _dead_url()
    with pytest.raises(InputError, match=r"^target http://127\.0\.0\.1:\d+: roster \(PUT "):
        check_target(_mapping(url), log=log, config=CFG, ingest=True)
    with pytest.raises(InputError, match=r"msgagentsegments \(GET .*\): not reachable"):
        check_target(_mapping(url), log=log, config=CFG, ingest=False)


def test_wrong_token_names_the_header_never_its_value(log: EventLog) -> None:
    """A 401 says 'not authenticated' and names the Authorization header, not the token."""
    with serve_app(oracle_target_app(token="the-right-one")) as url:
        mapping = _mapping(url, headers={"Authorization": "Bearer wrong-s3cret"})
        with pytest.raises(InputError) as info:
            check_target(mapping, log=log, config=CFG, ingest=True)
    message = str(info.value)
    assert "answered 401: not authenticated" in message and "[headers]: Authorization" in message
    assert "s3cret" not in message and "\n" not in message


def _hung_ingest_app() -> Starlette:
    async def roster(request: Request) -> Response:
        return Response("{}", media_type="application/json")

    async def events(request: Request) -> Response:
        await asyncio.sleep(5.0)  # far beyond the mapping's 0.3 s network timeout
        return Response("{}", media_type="application/json")

    return Starlette(
        routes=[
            Route("/api/v1/accounts/{account}/roster", roster, methods=["PUT"]),
            Route("/api/v1/accounts/{account}/events", events, methods=["POST"]),
        ]
    )


def test_hung_ingest_endpoint_fails_within_the_network_timeout(log: EventLog) -> None:
    """An ingest endpoint that never answers is refused after one network timeout, instead
    of a run that waits for its bound and reports nothing."""
    with serve_app(_hung_ingest_app()) as url:
        mapping = _mapping(url, network_timeout_s=0.3)
        with pytest.raises(InputError, match=r"ingest \(POST .*\): no answer within 0\.3 s"):
            check_target(mapping, log=log, config=CFG, ingest=True)


def test_wrong_method_and_wrong_path(log: EventLog, good_target: str) -> None:
    """405 names the method key; 404 names the path key, except for a query endpoint of a run
    that ingests first (the backend need not know the account yet)."""
    base = _mapping(good_target)
    wrong_method = dict(
        base.endpoints, ingest=Endpoint("ingest", "PUT", base.endpoints["ingest"].path)
    )
    with pytest.raises(InputError, match=r"answered 405.*endpoints\.ingest\.method"):
        check_target(
            dataclasses.replace(base, endpoints=wrong_method), log=log, config=CFG, ingest=True
        )
    wrong_path = dict(base.endpoints, msgagentsegments=Endpoint("msgagentsegments", "GET", "/nope"))
    moved = dataclasses.replace(base, endpoints=wrong_path)
    with pytest.raises(InputError, match=r"answered 404 \(check endpoints\.msgagentsegments\.path"):
        check_target(moved, log=log, config=CFG, ingest=False)
    check_target(moved, log=log, config=CFG, ingest=True)


def test_cli_refuses_in_one_line_without_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`ccbench loadtest` at a dead target exits 2 with one line and writes no report."""
    out = tmp_path / "out"
    code = main(["loadtest", "--log", str(EXAMPLE), "--target", _dead_url(), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("ccbench loadtest: error: target http://")
    assert not out.exists()  # refused before anything was written


def test_each_family_in_the_mix_is_probed(log: EventLog, good_target: str) -> None:
    """A report share above 0 probes the report endpoint with a query of the mix: this
    target has none, so a run on data already there is refused naming endpoints.report."""
    cfg = LoadTestConfig(report_share=0.1)
    with pytest.raises(InputError, match=r"report \(GET /api/v1/accounts/acme/report\?.*404"):
        check_target(_mapping(good_target), log=log, config=cfg, ingest=False)
    check_target(_mapping(good_target), log=log, config=LoadTestConfig(), ingest=False)
