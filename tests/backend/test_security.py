"""Security and limits: 401, 403, 429, 413, and the test clock switch."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import orjson

from backend import ServerConfig, serve
from tests.support.backend import ACCOUNT, TOKEN, auth, backend, load, read_ndjson, segments

TOKENS = {TOKEN: ACCOUNT, "secret-other": "other"}
NOW = 1795165200000 + 7_200_000


def test_401_without_or_with_bad_token() -> None:
    """No token, an unknown token or another scheme: 401 everywhere but health, readiness
    and the OpenAPI document (which holds no account data)."""
    with backend(tokens=TOKENS) as client:
        for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": f"Basic {TOKEN}"}):
            for method, path in (
                ("GET", "/api/v1/accounts/acme/dashboard"),
                ("GET", "/operations/api/account/acme/msgagentsegments"),
                ("POST", "/api/v1/accounts/acme/events"),
                ("PUT", "/api/v1/accounts/acme/roster"),
            ):
                r = client.request(method, path, headers=headers)
                assert r.status_code == 401, (method, path, headers)
                assert r.headers["www-authenticate"] == "Bearer"
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").json()["status"] == "ready"
        assert client.get("/openapi.json").status_code == 200


def test_403_for_another_accounts_token(example_path: Path) -> None:
    """A valid token of account 'other' never reads or writes account 'acme'."""
    roster, records = read_ndjson(example_path)
    with backend(tokens=TOKENS) as client:
        load(client, roster, records)
        other = "secret-other"
        r = segments(client, now=NOW, token=other, timeframe=180)
        assert r.status_code == 403
        assert "Metrics" not in r.text
        assert client.get("/api/v1/accounts/acme/roster", headers=auth(other)).status_code == 403
        r = client.post(
            "/api/v1/accounts/acme/events",
            content=b"",
            headers={**auth(other), "Content-Type": "application/x-ndjson"},
        )
        assert r.status_code == 403
        # and its own account is empty
        own = segments(client, now=NOW, account="other", token=other, timeframe=180).json()
        assert own["agentsMetrics"] == {"metricsPerAgent": {}}


def test_413_for_oversized_body(example_path: Path) -> None:
    """A body over max_body_bytes gets 413, declared or streamed without a length."""
    _, records = read_ndjson(example_path)
    body = b"".join(orjson.dumps(r) + b"\n" for r in records)
    headers = {**auth(), "Content-Type": "application/x-ndjson"}
    with backend(max_body_bytes=1000) as client:
        r = client.post("/api/v1/accounts/acme/events", content=body, headers=headers)
        assert r.status_code == 413
        chunked = client.post(
            "/api/v1/accounts/acme/events",
            content=iter([body[:600], body[600:1200]]),
            headers=headers,
        )
        assert chunked.status_code == 413
        small = client.post(
            "/api/v1/accounts/acme/events",
            content=body[:500].rsplit(b"\n", 1)[0] + b"\n",
            headers=headers,
        )
        assert small.status_code == 200


def test_429_beyond_the_concurrency_limit() -> None:
    """With a limit of 2, a third request while two are in flight gets 429."""
    config = ServerConfig(db=":memory:", tokens={TOKEN: ACCOUNT}, max_concurrency=2)
    release = threading.Event()

    def slow_body() -> object:
        yield b""
        release.wait(10)  # hold the request open until the third one is answered
        yield b""

    with serve(config) as url:
        headers = {**auth(), "Content-Type": "application/x-ndjson"}
        results: list[int] = []

        def hold() -> None:
            with httpx.Client(base_url=url, timeout=30) as c:
                r = c.post("/api/v1/accounts/acme/events", content=slow_body(), headers=headers)
                results.append(r.status_code)

        threads = [threading.Thread(target=hold) for _ in range(2)]
        for t in threads:
            t.start()
        with httpx.Client(base_url=url, timeout=30) as c:
            deadline = time.monotonic() + 10
            status = 0
            while time.monotonic() < deadline:  # until both holders are in flight
                # a guarded path the router answers at once (404), as /openapi.json was before it
                # became open: a slower probe in flight would itself take one of the 2 slots
                status = c.get("/api/v1/none", headers=auth()).status_code
                if status == 429:
                    break
                time.sleep(0.02)
            health = c.get("/healthz").status_code
        release.set()
        for t in threads:
            t.join()
    assert status == 429
    assert health == 200  # health is never limited
    assert results == [200, 200]


def test_clock_header_only_with_test_clock(example_path: Path) -> None:
    """X-Clock-Now fixes now with --test-clock; without it the header is ignored."""
    roster, records = read_ndjson(example_path)
    with backend(test_clock=True) as on, backend(test_clock=False) as off:
        for client in (on, off):
            load(client, roster, records)
        # The example log is in 2026-11: at the fixed now it has 18 segments; at
        # the real (earlier) wall-clock now the window holds none.
        fixed = segments(on, now=NOW, timeframe=180).json()
        ignored = segments(off, now=NOW, timeframe=180).json()
        no_header = segments(on, now=None, timeframe=180)
        bad_clock = on.get(
            "/operations/api/account/acme/msgagentsegments",
            params={"timeframe": "60", "v": "1"},
            headers={**auth(), "X-Clock-Now": "yesterday"},
        )
    assert fixed["metricsTotal"]["totalAgentConversationSegments"] == 18
    assert ignored["metricsTotal"]["totalAgentConversationSegments"] == 0
    assert no_header.status_code == 200  # wall-clock now
    assert bad_clock.status_code == 400
    assert bad_clock.json()["error"]["parameter"] == "X-Clock-Now"
