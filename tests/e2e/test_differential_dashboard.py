"""Backend vs oracle on the seed 003 dashboard: independent implementations, identical JSON.

The smoke scenario's log and the hand-built logs of tests/oracle/test_dashboard.py and
tests/oracle/test_dashboard_readings.py (queue moves, conversations closed twice, bot
messages) are ingested
into the reference backend over HTTP (real uvicorn on 127.0.0.1); then random valid
parameter combinations at random "now" values must return exactly
``Oracle(log).dashboard(now_ms=now, **params)`` (parsed JSON, floats bit for bit). A
request the oracle rejects (``from_hour`` after now) must be a 400 naming the same
parameter.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from backend import ServerConfig, serve
from ccbench import ParameterError
from ccbench.eventlog import EventLog
from oracle import AGENT_COLUMNS, DASHBOARD_KPIS, SKILL_COLUMNS, Oracle
from sim import load_scenario, simulate
from tests.oracle.test_dashboard import NOW as HAND_NOW
from tests.oracle.test_dashboard import ROSTER as HAND_ROSTER
from tests.oracle.test_dashboard import _events as hand_events
from tests.oracle.test_dashboard_readings import NOW as READINGS_NOW
from tests.oracle.test_dashboard_readings import ROSTER as READINGS_ROSTER
from tests.oracle.test_dashboard_readings import _events as readings_events

ROOT = Path(__file__).resolve().parents[2]
VALID_QUERIES = 200  # valid requests on the smoke log; plus HAND_QUERIES on the hand log
HAND_QUERIES = 40
DASHBOARD = "/api/v1/accounts/{account}/dashboard"


@pytest.fixture(scope="module")
def logs() -> dict[str, EventLog]:
    smoke = simulate(scenario=load_scenario(ROOT / "scenarios" / "smoke.toml"), seed=3).log
    hand = EventLog.from_records(hand_events(), roster=HAND_ROSTER)
    readings = EventLog.from_records(readings_events(), roster=READINGS_ROSTER)
    return {"smoke": smoke, "hand": hand, "readings": readings}


@pytest.fixture(scope="module")
def client(logs: dict[str, EventLog]) -> Iterator[httpx.Client]:
    tokens = {f"token-{name}": log.roster.account for name, log in logs.items()}
    config = ServerConfig(db=":memory:", tokens=tokens, test_clock=True)
    with serve(config) as url, httpx.Client(base_url=url, timeout=60) as c:
        for name, log in logs.items():
            account = log.roster.account
            headers = {"Authorization": f"Bearer token-{name}"}
            r = c.put(
                f"/api/v1/accounts/{account}/roster", json=log.roster.to_dict(), headers=headers
            )
            assert r.status_code == 200, r.text
            records = list(log.records())
            for start in range(0, len(records), 2000):
                r = c.post(
                    f"/api/v1/accounts/{account}/events",
                    content=b"\n".join(orjson.dumps(x) for x in records[start : start + 2000]),
                    headers={**headers, "Content-Type": "application/x-ndjson"},
                )
                assert r.status_code == 200, r.text
        yield c


def _ids(rng: random.Random, pool: list[int]) -> list[int] | None:
    if rng.random() < 0.6:
        return None
    picked = rng.sample(pool, k=rng.randint(1, min(3, len(pool))))
    if rng.random() < 0.2:
        picked.append(max(pool) + 1000)  # an id nobody has: keeps nothing of its own
    return picked


def random_params(rng: random.Random, log: EventLog) -> dict[str, Any]:
    """Keyword parameters of Oracle.dashboard (without now_ms), each present at random;
    the two modes equally often."""
    p: dict[str, Any] = {"mode": rng.choice(["messaging", "chat"])}
    window = rng.random()
    if window < 0.3:
        p["last_hours"] = rng.randint(1, 24)
    elif window < 0.45:
        p["from_hour"] = rng.randint(0, 23)
    roster = log.roster
    for name, pool in (
        ("skill_ids", [s.id for s in roster.skills]),
        ("group_ids", [g.id for g in roster.groups]),
    ):
        ids = _ids(rng, pool)
        if ids is not None:
            p[name] = ids
    if rng.random() < 0.3:
        p["opened_within_ms"] = rng.randint(1, 3_600_000)
    if rng.random() < 0.3:
        p["sl_threshold_ms"] = rng.randint(0, 120_000)
    if rng.random() < 0.3:
        p["inactivity_timeout_ms"] = rng.randint(1, 600_000)
    if rng.random() < 0.3:
        p["abandon_rate"] = rng.choice(["entered", "handled"])
    if rng.random() < 0.3:
        p["load"] = rng.choice(["weighted", "active"])
    if rng.random() < 0.3:
        p["csat"] = rng.choice(["top2", "mean"])
    for table, columns, max_size in (("agent", AGENT_COLUMNS, 30), ("skill", SKILL_COLUMNS, 100)):
        if rng.random() < 0.5:
            p[f"{table}_sort"] = rng.choice(columns)
        if rng.random() < 0.4:
            p[f"{table}_order"] = rng.choice(["asc", "desc"])
        if rng.random() < 0.4:
            p[f"{table}_page_size"] = rng.randint(1, max_size if rng.random() < 0.3 else 5)
        if rng.random() < 0.3:
            p[f"{table}_page"] = rng.randint(1, 4)
    if rng.random() < 0.4:
        kpis = rng.sample(DASHBOARD_KPIS, k=rng.randint(1, 4))
        p["threshold"] = {k: rng.choice([0, 1, 2.5, 50, 1000, 30_000, -1]) for k in kpis}
    return p


def encode(params: dict[str, Any]) -> list[tuple[str, str]]:
    """The HTTP query of docs/backend.md for Oracle.dashboard keyword parameters."""
    out: list[tuple[str, str]] = []
    for name, value in params.items():
        if name == "threshold":
            out += [("threshold", f"{k}:{v}") for k, v in value.items()]
        elif isinstance(value, list):
            out.append((name, ",".join(map(str, value))))
        else:
            out.append((name, str(value)))
    return out


def _compare(
    client: httpx.Client, oracle: Oracle, token: str, rng: random.Random, now: int
) -> tuple[bool, str | None]:
    """One random request; (whether it was valid, a mismatch description or None)."""
    log = oracle.log
    params = random_params(rng, log)
    r = client.get(
        DASHBOARD.format(account=log.roster.account),
        params=encode(params),
        headers={"Authorization": f"Bearer {token}", "X-Clock-Now": str(now)},
    )
    try:
        expected = oracle.dashboard(now_ms=now, **params)
    except ParameterError as exc:
        rejected = exc.parameter
    else:
        rejected = None
    if rejected is not None:
        assert r.status_code == 400, (params, now, r.text)
        assert r.json()["error"]["parameter"] == rejected
        return False, None
    assert r.status_code == 200, (params, now, r.text)
    # Compare parsed JSON on both sides (the oracle's dict as the wire would carry it).
    if orjson.loads(r.content) != orjson.loads(orjson.dumps(expected)):
        return True, f"now={now} {params}"
    return True, None


def test_backend_dashboard_equals_oracle(logs: dict[str, EventLog], client: httpx.Client) -> None:
    """200 random valid requests on the smoke log, in both modes: the backend's JSON equals
    the oracle's."""
    log = logs["smoke"]
    oracle = Oracle(log)
    first, last = log.time_range()  # type: ignore[misc]
    rng = random.Random(20260306)
    mismatches: list[str] = []
    valid = tried = 0
    # Requests the oracle rejects (from_hour after now) are checked as 400s but not counted.
    while valid < VALID_QUERIES and tried < 2 * VALID_QUERIES:
        tried += 1
        ok, problem = _compare(
            client, oracle, "token-smoke", rng, rng.randint(first, last + 7_200_000)
        )
        valid += ok
        if problem:
            mismatches.append(problem)
    assert not mismatches, f"{len(mismatches)} mismatches, first: {mismatches[:3]}"
    assert valid >= VALID_QUERIES


def test_backend_dashboard_equals_oracle_on_hand_log(
    logs: dict[str, EventLog], client: httpx.Client
) -> None:
    """Random requests around the hand-built logs' now (chat, MCS, CSAT, filters, queue
    moves, closes twice, bot messages) agree too."""
    rng = random.Random(7)
    mismatches = []
    for name, at in (("hand", HAND_NOW), ("readings", READINGS_NOW)):
        oracle = Oracle(logs[name])
        for i in range(HAND_QUERIES):
            now = at if i < 10 else rng.randint(at - 900_000, at + 300_000)
            _, problem = _compare(client, oracle, f"token-{name}", rng, now)
            if problem:
                mismatches.append(problem)
    assert not mismatches, f"{len(mismatches)} mismatches, first: {mismatches[:3]}"


def test_documented_example(logs: dict[str, EventLog], client: httpx.Client) -> None:
    """The backend returns docs/metrics.md 3.8's example snapshot for its request."""
    query = [("last_hours", "1"), ("agent_page_size", "1"), ("skill_page_size", "1"),
             ("threshold", "current.open:3")]  # fmt: skip
    headers = {"Authorization": "Bearer token-hand", "X-Clock-Now": str(HAND_NOW)}
    r = client.get(DASHBOARD.format(account="a"), params=query, headers=headers)
    assert r.status_code == 200, r.text
    body = r.json()
    # Hand-checked figures of the example (tests/oracle/test_dashboard.py works them out).
    assert (body["mode"], body["chat"]) == ("messaging", None)
    assert body["current"]["open"] == 3 and body["current"]["load"] == 6.315789473684211
    assert body["closed"]["wait_time"] == -10000
    assert body["agents"]["rows"][0]["agent_id"] == 1 and body["agents"]["pages"] == 4
    assert body["alerts"] == [{"kpi": "current.open", "value": 3, "threshold": 3.0}]
    r = client.get(DASHBOARD.format(account="a"), params=[*query, ("mode", "chat")],
                   headers=headers)  # fmt: skip
    body = r.json()
    assert (body["mode"], body["current"], body["alerts"]) == ("chat", None, [])
    assert body["chat"]["abandon_rate"] == 33.333333333333336
