"""Backend vs oracle on the seed 001 automated performance report: identical JSON.

The smoke scenario's log and a 7-day run of it are ingested into the reference
backend over HTTP; random periods (from minutes to the whole week, starting before,
inside or after the log, at local midnights or anywhere, with and without
``top_intents``) must return exactly ``Oracle(log).report_query(query)``. Requests the
contract rejects (an end not after the start, a period over 366 days, top_intents 0)
are 400s naming the same parameter. A report is seen at its end, so the test clock
header is sent but does not change it. The report's CSV tables (``csv=daily``,
``agents``, ``agents_daily``) are the oracle's CSV of its answer, byte for byte.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ccbench import ParameterError
from ccbench.api import REPORT, REPORT_TABLES, report_csv
from ccbench.eventlog import EventLog
from oracle import Oracle
from sim import Scenario, load_scenario, simulate
from tests.support.differential import Outcome, compare, served

ROOT = Path(__file__).resolve().parents[2]
VALID_QUERIES = 200
CSV_QUERIES = 90
WEEK_QUERIES = 60
DAY_MS = 86_400_000


def quiet_week() -> Scenario:
    """The smoke scenario with every arrival rate / 100, to be run for 7 days (a week of
    a few thousand events: every local day, consumers coming back days later)."""
    doc = load_scenario(ROOT / "scenarios" / "smoke.toml").to_dict()
    doc["scenario"]["account"] = "week"  # its own account beside the smoke log's
    for stream in doc["streams"]:
        stream["rate_per_hour"] = stream["rate_per_hour"] / 100
    return Scenario.from_dict(doc)


@pytest.fixture(scope="module")
def logs() -> dict[str, EventLog]:
    smoke = load_scenario(ROOT / "scenarios" / "smoke.toml")
    return {
        "smoke": simulate(scenario=smoke, seed=3).log,
        "week": simulate(scenario=quiet_week(), seed=4, days=7).log,
    }


@pytest.fixture(scope="module")
def client(logs: dict[str, EventLog]) -> Iterator[httpx.Client]:
    with served(logs) as c:
        yield c


def random_query(rng: random.Random, log: EventLog) -> list[tuple[str, str]]:
    """A period around the log: mostly valid, sometimes reversed, too long or top 0."""
    first, last = log.time_range()  # type: ignore[misc]
    span = last - first
    start = rng.randint(first - DAY_MS, last + 3_600_000)
    if rng.random() < 0.3:
        start = first - first % DAY_MS - 3_600_000  # near a local (Paris) midnight
    roll = rng.random()
    if roll < 0.03:
        end = start - rng.randint(0, 1000)  # not after start: 400 end_ms
    elif roll < 0.05:
        end = start + 367 * DAY_MS  # over 366 days: 400 end_ms
    elif roll < 0.25:
        end = start + rng.randint(1, 120_000)
    else:
        end = start + rng.randint(1, span + 2 * DAY_MS)
    query = [("start_ms", str(start)), ("end_ms", str(end))]
    roll = rng.random()
    if roll < 0.03:
        query.append(("top_intents", "0"))  # 400 top_intents
    elif roll < 0.4:
        query.append(("top_intents", str(rng.randint(1, 6))))
    rng.shuffle(query)
    return query


def _run(client: httpx.Client, log: EventLog, name: str, n: int, seed: int) -> Outcome:
    oracle = Oracle(log)
    rng = random.Random(seed)
    path = str(REPORT.path).format(account=log.roster.account)
    outcome = Outcome()
    first, last = log.time_range()  # type: ignore[misc]
    for _ in range(3 * n):
        if outcome.valid >= n:
            break
        compare(
            client,
            path=path,
            name=name,
            query=random_query(rng, log),
            now=rng.randint(first, last + DAY_MS),
            oracle=lambda q, _now: oracle.report_query(q),
            outcome=outcome,
        )
    assert not outcome.mismatches, (len(outcome.mismatches), outcome.mismatches[:3])
    assert outcome.valid >= n
    return outcome


def test_backend_report_equals_oracle(logs: dict[str, EventLog], client: httpx.Client) -> None:
    """200+ random valid periods on the smoke log: the backend's JSON equals the oracle's."""
    outcome = _run(client, logs["smoke"], "smoke", VALID_QUERIES, 20260309)
    assert {"end_ms", "top_intents"} <= set(outcome.rejected), outcome.rejected


def test_backend_report_equals_oracle_on_a_week(
    logs: dict[str, EventLog], client: httpx.Client
) -> None:
    """Random periods up to the whole week of a 7-day log (daily series over several local
    days, consumers coming back) agree too."""
    _run(client, logs["week"], "week", WEEK_QUERIES, 20260310)


def test_backend_report_csv_equals_oracle(logs: dict[str, EventLog], client: httpx.Client) -> None:
    """90 random valid periods per log, each with a random table: the backend's text/csv
    body is the oracle's CSV of its report, byte for byte; a table outside the contract's
    choices is a 400 naming ``csv`` in both."""
    rng = random.Random(20260311)
    for name, log in logs.items():
        oracle = Oracle(log)
        path = str(REPORT.path).format(account=log.roster.account)
        first, last = log.time_range()  # type: ignore[misc]
        tables = dict.fromkeys(REPORT_TABLES, 0)
        bad = 0
        while min(tables.values()) < CSV_QUERIES // 3:
            start = rng.randint(first - DAY_MS, last)
            end = start + rng.randint(1, last - first + 2 * DAY_MS)
            table = rng.choice([*REPORT_TABLES, "skills", "Daily", ""])
            query = [("start_ms", str(start)), ("end_ms", str(end)), ("csv", table)]
            r = client.get(
                path,
                params=query,
                headers={"Authorization": f"Bearer token-{name}", "X-Clock-Now": str(first)},
            )
            if table not in REPORT_TABLES:
                with pytest.raises(ParameterError) as err:
                    oracle.report_query(query)
                assert err.value.parameter == "csv"
                assert r.status_code == 400 and r.json()["error"]["parameter"] == "csv", r.text
                bad += 1
                continue
            assert r.status_code == 200, r.text
            assert r.headers["content-type"].startswith("text/csv")
            assert r.content == report_csv(oracle.report_query(query), table).encode(), query
            tables[table] += 1
        assert bad > 0
