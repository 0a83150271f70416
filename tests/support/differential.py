"""Shared machinery of the backend-vs-oracle differential tests (tests/e2e/test_differential_*).

A served backend holds some logs, one account and bearer token each; a request is
one raw query string sent over HTTP and to the oracle's ``*_query`` entry point.
Both answers are compared as parsed JSON (the oracle's dict as the wire would
carry it, floats bit for bit); a query the oracle rejects must be a 400 naming the
same parameter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import httpx
import orjson

from backend import ServerConfig, serve
from ccbench import ParameterError
from ccbench.eventlog import EventLog

__all__ = ["Outcome", "compare", "served"]

Query = list[tuple[str, str]]


@contextmanager
def served(logs: Mapping[str, EventLog]) -> Iterator[httpx.Client]:
    """A real backend with every log ingested over HTTP; token ``token-<name>`` per log."""
    tokens = {f"token-{name}": log.roster.account for name, log in logs.items()}
    config = ServerConfig(db=":memory:", tokens=tokens, test_clock=True)
    with serve(config) as url, httpx.Client(base_url=url, timeout=120) as c:
        for name, log in logs.items():
            account = log.roster.account
            headers = {"Authorization": f"Bearer token-{name}"}
            r = c.put(
                f"/api/v1/accounts/{account}/roster", json=log.roster.to_dict(), headers=headers
            )
            assert r.status_code == 200, r.text
            records = list(log.records())
            for start in range(0, len(records), 5000):
                r = c.post(
                    f"/api/v1/accounts/{account}/events",
                    content=b"\n".join(orjson.dumps(x) for x in records[start : start + 5000]),
                    headers={**headers, "Content-Type": "application/x-ndjson"},
                )
                assert r.status_code == 200, r.text
        yield c


class Outcome:
    """Tallies of one differential run: valid requests, rejected ones, mismatches."""

    def __init__(self) -> None:
        self.valid = 0
        self.rejected: dict[str, int] = {}
        self.mismatches: list[str] = []


def compare(
    client: httpx.Client,
    *,
    path: str,
    name: str,
    query: Query,
    now: int,
    oracle: Callable[[Query, int], Any],
    outcome: Outcome,
) -> None:
    """Send ``query`` at test clock ``now`` to the backend (log ``name``) and the oracle."""
    r = client.get(
        path,
        params=httpx.QueryParams(query),
        headers={"Authorization": f"Bearer token-{name}", "X-Clock-Now": str(now)},
    )
    rejected: str | None = None
    try:
        expected = oracle(query, now)
    except ParameterError as exc:
        rejected = exc.parameter
    if rejected is not None:
        assert r.status_code == 400, (query, now, r.text)
        got = r.json()["error"]["parameter"]
        assert got == rejected, (query, now, got, rejected)
        outcome.rejected[rejected] = outcome.rejected.get(rejected, 0) + 1
        return
    assert r.status_code == 200, (query, now, r.text)
    outcome.valid += 1
    if orjson.loads(r.content) != orjson.loads(orjson.dumps(expected)):
        outcome.mismatches.append(f"now={now} {query}")
