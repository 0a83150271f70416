"""Backend vs oracle on degenerate valid logs: never a 500, and the same JSON.

The reference backend serves two families (msgagentsegments, dashboard). Each
degenerate profile of tests/support/degenerate_logs.py (two drawn logs each) and the
example log without each event kind in turn are ingested into one backend over HTTP,
one account per log; every family is then asked at instants around each log and must
answer 200 with exactly the oracle's JSON (issue 13, part 1).
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import httpx
import orjson
import pytest

from backend import ServerConfig, serve
from ccbench.eventlog import KINDS, EventLog
from oracle import Oracle
from tests.support.degenerate_logs import PROFILES, draw_log, without_kinds

DAY_MS = 86_400_000
QUIET_NOW = 1_795_171_800_000
DASHBOARD = "/api/v1/accounts/{account}/dashboard"
SEGMENTS = "/operations/api/account/{account}/msgagentsegments"


def _logs() -> dict[str, EventLog]:
    logs = {}
    for profile in PROFILES:
        for seed in range(2):
            name = f"{profile.replace('_', '-')}-{seed}"
            logs[name] = draw_log(random.Random(seed), profile, account=name)
    for kind in sorted(KINDS):
        name = "without-" + kind.replace(".", "-").replace("_", "-")
        logs[name] = without_kinds({kind}, account=name)
    return logs


@pytest.fixture(scope="module")
def logs() -> dict[str, EventLog]:
    return _logs()


@pytest.fixture(scope="module")
def client(logs: dict[str, EventLog]) -> Iterator[httpx.Client]:
    config = ServerConfig(db=":memory:", tokens={f"t-{n}": n for n in logs}, test_clock=True)
    with serve(config) as url, httpx.Client(base_url=url, timeout=60) as c:
        for name, log in logs.items():
            headers = {"Authorization": f"Bearer t-{name}"}
            r = c.put(f"/api/v1/accounts/{name}/roster", json=log.roster.to_dict(),
                      headers=headers)  # fmt: skip
            assert r.status_code == 200, r.text
            records = list(log.records())
            if records:
                r = c.post(
                    f"/api/v1/accounts/{name}/events",
                    content=b"\n".join(orjson.dumps(x) for x in records),
                    headers={**headers, "Content-Type": "application/x-ndjson"},
                )
                assert r.status_code == 200, r.text
        yield c


def _nows(log: EventLog) -> list[int]:
    if len(log.table) == 0:
        return [QUIET_NOW]
    first, last = log.time_range()  # type: ignore[misc]
    return sorted({first + 1, (first + last) // 2, last + 1})


def _get(client: httpx.Client, name: str, path: str, query: dict[str, str], now: int) -> object:
    r = client.get(
        path.format(account=name),
        params=query,
        headers={"Authorization": f"Bearer t-{name}", "X-Clock-Now": str(now)},
    )
    assert r.status_code == 200, (name, path, query, now, r.text)
    return orjson.loads(r.content)


def _same(got: object, expected: object) -> bool:
    return got == orjson.loads(orjson.dumps(expected))


def test_backend_answers_degenerate_logs_as_the_oracle(
    logs: dict[str, EventLog], client: httpx.Client
) -> None:
    """Every degenerate log: msgagentsegments and the dashboard are 200s equal to the oracle."""
    mismatches = []
    for name, log in logs.items():
        oracle = Oracle(log)
        for now in _nows(log):
            for q in ({"timeframe": "60", "interval": "5", "skillIds": "all"},):
                got = _get(client, name, SEGMENTS, {"v": "1", **q}, now)
                if not _same(got, oracle.agent_segments_query({"v": "1", **q}, now_ms=now)):
                    mismatches.append((name, now, q))
            for q in ({}, {"mode": "chat", "last_hours": "1", "skill_ids": "333",
                           "group_ids": "1"}):  # fmt: skip
                got = _get(client, name, DASHBOARD, q, now)
                if not _same(got, oracle.dashboard_query(q, now_ms=now)):
                    mismatches.append((name, now, q))
    assert not mismatches, f"{len(mismatches)} mismatches, first: {mismatches[:5]}"
