"""Helpers shared by the backend tests: a served backend, a client, log builders."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import orjson

from backend import ServerConfig, serve

ACCOUNT = "acme"
TOKEN = "secret-acme"
SEGMENTS = "/operations/api/account/{account}/msgagentsegments"


def auth(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def read_ndjson(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(roster document, event records) of an NDJSON log file."""
    lines = [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
    return lines[0]["roster"], lines[1:]


def ndjson(records: list[Mapping[str, Any]]) -> bytes:
    return b"".join(orjson.dumps(r) + b"\n" for r in records)


@contextmanager
def backend(
    *,
    test_clock: bool = True,
    tokens: Mapping[str, str] | None = None,
    db: str = ":memory:",
    **kwargs: Any,
) -> Iterator[httpx.Client]:
    """A real backend on 127.0.0.1 and an httpx client bound to it."""
    config = ServerConfig(
        db=db, tokens=dict(tokens or {TOKEN: ACCOUNT}), test_clock=test_clock, **kwargs
    )
    with serve(config) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client


def load(
    client: httpx.Client,
    roster: Mapping[str, Any],
    records: list[Mapping[str, Any]],
    *,
    account: str = ACCOUNT,
    token: str = TOKEN,
) -> None:
    """Upload the roster and ingest the records in one NDJSON batch (asserting 200s)."""
    r = client.put(
        f"/api/v1/accounts/{account}/roster", content=orjson.dumps(roster), headers=auth(token)
    )
    assert r.status_code == 200, r.text
    r = client.post(
        f"/api/v1/accounts/{account}/events",
        content=ndjson(records),
        headers={**auth(token), "Content-Type": "application/x-ndjson"},
    )
    assert r.status_code == 200, r.text


def segments(
    client: httpx.Client,
    *,
    now: int | None,
    account: str = ACCOUNT,
    token: str = TOKEN,
    **params: Any,
) -> httpx.Response:
    """GET msgagentsegments with ``params`` (v=1 added) at test-clock ``now`` (epoch ms)."""
    headers = auth(token)
    if now is not None:
        headers["X-Clock-Now"] = str(now)
    query = {"v": "1", **{k: str(v) for k, v in params.items()}}
    return client.get(SEGMENTS.format(account=account), params=query, headers=headers)
