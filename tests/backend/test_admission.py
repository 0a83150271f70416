"""Admission: stalled uploads cannot starve other accounts, /readyz reports saturation,
bodies time out, and a 500 keeps the keep-alive connection."""

from __future__ import annotations

import http.client
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import orjson
import pytest

import backend._app
from backend import ServerConfig, serve
from tests.support.backend import auth, ndjson, synthetic_log

TOKENS = {"token-a": "a", "token-b": "b", "token-c": "c"}
NDJSON = {"Content-Type": "application/x-ndjson"}


@contextmanager
def _served(**limits: Any) -> Iterator[tuple[str, int]]:
    config = ServerConfig(db=":memory:", tokens=TOKENS, test_clock=True, **limits)
    with serve(config) as url:
        yield url, int(url.rsplit(":", 1)[1])


def _stall(port: int, token: str, account: str) -> socket.socket:
    """A socket that sends an ingest request's headers (a 1000-byte body announced) and never
    the body, as a stalled or malicious uploader does."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(
        f"POST /api/v1/accounts/{account}/events HTTP/1.1\r\nHost: t\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: application/x-ndjson\r\n"
        "Content-Length: 1000\r\n\r\n".encode()
    )
    sock.settimeout(60)
    return sock


def _answer(sock: socket.socket) -> tuple[int, dict[str, Any]]:
    """Status and JSON body of the one response a stalled socket gets."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, "connection closed without an answer"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        body += sock.recv(65536)
    return int(head.split()[1]), orjson.loads(body)


def _ready(url: str) -> dict[str, Any]:
    return dict(httpx.get(f"{url}/readyz", timeout=30).json())


def _until(url: str, condition: Any) -> dict[str, Any]:
    """/readyz once ``condition(doc)`` holds (the server registers requests asynchronously)."""
    deadline = time.monotonic() + 60
    while True:
        doc = _ready(url)
        if condition(doc) or time.monotonic() > deadline:
            return doc
        time.sleep(0.02)


def test_stalled_uploads_of_one_account_do_not_starve_the_others() -> None:
    """64 uploads that never send their body: account a holds its 2 upload slots, the other
    62 get 429 at once naming the per-account limit, and account b ingests and queries."""
    roster, records = synthetic_log(conversations=3)
    roster_b = {**roster, "account": "b"}
    events_b = [{**r, "account": "b"} for r in records]
    with _served(max_concurrency=64, max_account_concurrency=16, body_timeout_s=600) as (
        url,
        port,
    ):
        stalled = [_stall(port, "token-a", "a") for _ in range(64)]
        doc = _until(url, lambda d: d["uploads"]["in_flight"] == 2)
        answers = []
        for sock in stalled:
            sock.settimeout(0.5)  # those refused answer at once; the 2 admitted never do
            try:
                answers.append(_answer(sock))
            except TimeoutError:
                answers.append(None)
        refused = [a for a in answers if a is not None]
        assert len(refused) == 62
        assert all(status == 429 for status, _ in refused)
        assert "for account 'a' (limit 2 per account)" in refused[0][1]["error"]["message"]
        assert doc["status"] == "ready" and doc["accounts_at_limit"] == 1
        assert doc["uploads"] == {"in_flight": 2, "limit": 4}
        with httpx.Client(base_url=url, timeout=30) as b:
            headers = auth("token-b")
            assert b.put("/api/v1/accounts/b/roster", json=roster_b, headers=headers).is_success
            r = b.post(
                "/api/v1/accounts/b/events", content=ndjson(events_b), headers=headers | NDJSON
            )
            assert r.json() == {"accepted": len(events_b), "duplicates": 0}
            params = {"v": "1", "timeframe": "60"}
            segs = b.get(
                "/operations/api/account/b/msgagentsegments", params=params, headers=headers
            )
            assert segs.status_code == 200
        for sock in stalled:
            sock.close()  # the client gives up: its slots are freed
        doc = _until(url, lambda d: d["uploads"]["in_flight"] == 0)
        assert doc["requests"]["in_flight"] == 0 and doc["accounts_at_limit"] == 0


def test_one_account_takes_at_most_its_share_of_request_slots() -> None:
    """With 2 request slots per account (of 4), a third request of account a gets 429 naming
    the per-account limit while account b is still served."""
    with _served(
        max_concurrency=4, max_account_concurrency=2, max_account_uploads=4, body_timeout_s=600
    ) as (url, port):
        held = [_stall(port, "token-a", "a") for _ in range(2)]
        _until(url, lambda d: d["requests"]["in_flight"] == 2)
        third = httpx.get(f"{url}/api/v1/accounts/a/roster", headers=auth("token-a"), timeout=30)
        assert third.status_code == 429
        assert "for account 'a' (limit 2 per account)" in third.json()["error"]["message"]
        other = httpx.get(f"{url}/api/v1/accounts/b/roster", headers=auth("token-b"), timeout=30)
        assert other.status_code == 404  # served: b has no roster
        assert _ready(url)["accounts_at_limit"] == 1
        for sock in held:
            sock.close()


def test_readyz_reports_saturation() -> None:
    """With every request slot held by stalled uploads (two accounts), /readyz answers 503
    "saturated" and everyone gets 429; when their clients leave it is ready again."""
    with _served(
        max_concurrency=3, max_account_concurrency=2, max_uploads=3, body_timeout_s=600
    ) as (url, port):
        stalled = [_stall(port, "token-a", "a") for _ in range(2)] + [_stall(port, "token-b", "b")]
        doc = _until(url, lambda d: d["requests"]["in_flight"] == 3)
        r = httpx.get(f"{url}/readyz", timeout=30)
        assert r.status_code == 503
        assert doc["status"] == "saturated"
        assert set(doc["saturated"]) == {"requests", "uploads"}
        c = httpx.get(
            f"{url}/operations/api/account/c/msgagentsegments",
            params={"v": "1", "timeframe": "60"},
            headers=auth("token-c"),
            timeout=30,
        )
        assert c.status_code == 429
        for sock in stalled:
            sock.close()
        doc = _until(url, lambda d: d["status"] == "ready")
        assert doc["saturated"] == [] and httpx.get(f"{url}/readyz").status_code == 200


def test_a_body_that_never_arrives_times_out() -> None:
    """An upload whose body does not arrive within body_timeout_s gets 408 and frees its slots."""
    with _served(body_timeout_s=1) as (url, port):
        sock = _stall(port, "token-a", "a")
        status, body = _answer(sock)  # after about a second
        sock.close()
        assert status == 408
        assert "not received within 1 s (0 bytes arrived)" in body["error"]["message"]
        doc = _until(url, lambda d: d["uploads"]["in_flight"] == 0)
        assert doc["requests"]["in_flight"] == 0


def test_a_500_keeps_the_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug answers 500 (JSON) and the same keep-alive connection serves the next request."""

    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(backend._app, "agent_segment_metrics", boom)
    with _served() as (_, port):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            path = "/operations/api/account/a/msgagentsegments?v=1&timeframe=60"
            conn.request("GET", path, headers=auth("token-a"))
            first = conn.getresponse()
            body = orjson.loads(first.read())
            sock = conn.sock
            assert first.status == 500 and "internal error" in body["error"]["message"]
            assert not first.will_close
            conn.request("GET", "/api/v1/accounts/a/roster", headers=auth("token-a"))
            second = conn.getresponse()
            second.read()
            assert second.status == 404
            assert conn.sock is sock  # the same connection: not reset after the 500
        finally:
            conn.close()


def test_limits_are_checked() -> None:
    """Limits below 1 and timeouts that are not positive finite seconds are refused."""
    from ccbench import ParameterError

    for bad in (
        {"max_account_concurrency": 0},
        {"query_threads": 0},
        {"max_uploads": 0},
        {"max_account_uploads": -1},
        {"body_timeout_s": 0.0},
        {"body_timeout_s": float("inf")},
        {"shutdown_timeout_s": 0},
    ):
        with pytest.raises(ParameterError) as caught:
            ServerConfig(db=":memory:", **bad)
        assert caught.value.parameter == next(iter(bad))


def test_bodies_decoded_whole_have_smaller_limits() -> None:
    """A roster over 4 MiB and a body of records over 8 MiB get 413 (both are decoded whole:
    a 31 MiB body of records would make ~20 times its size in Python objects), well under
    the 32 MiB an event batch may take."""
    from backend._app import MAX_RECORDS_BYTES, MAX_ROSTER_BYTES

    with _served() as (url, _):
        headers = {**auth("token-a"), "Content-Type": "application/json"}
        roster = httpx.put(
            f"{url}/api/v1/accounts/a/roster",
            content=b" " * (MAX_ROSTER_BYTES + 1),
            headers=headers,
            timeout=60,
        )
        records = httpx.post(
            f"{url}/api/v1/accounts/a/records",
            content=b" " * (MAX_RECORDS_BYTES + 1),
            headers=headers,
            timeout=60,
        )
        assert (roster.status_code, records.status_code) == (413, 413)
        assert f"limit of {MAX_RECORDS_BYTES} bytes" in records.json()["error"]["message"]
