"""The dashboard projection kept at ingest: any batch order, roster after events, retries.

The projection (backend/_dashboard_projection.py) is recomputed per touched
conversation, so the order events arrive in must not matter. These tests
ingest the smoke log in shuffled batches (each conversation's events spread
over many batches, newest batches often first), store the roster only
afterwards (human agents decide the response-time family), retry some
batches, and then check that the projection tables equal those of an
in-order ingest and that dashboard snapshots at random nows equal the
oracle's.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pytest

from backend import Store, dashboard_snapshot, parse_dashboard_query
from ccbench import ParameterError
from ccbench.eventlog import EventLog
from oracle import Oracle
from sim import load_scenario, simulate
from tests.e2e.test_differential_dashboard import encode, random_params

ROOT = Path(__file__).resolve().parents[2]
TABLES = ("dash_convs", "dash_lives", "dash_closes", "dash_stays")
QUERIES = 40


@pytest.fixture(scope="module")
def smoke() -> EventLog:
    return simulate(scenario=load_scenario(ROOT / "scenarios" / "smoke.toml"), seed=5).log


def _shuffled_batches(table: pa.Table, rng: random.Random, size: int) -> list[pa.Table]:
    order = list(range(table.num_rows))
    rng.shuffle(order)
    batches = [table.take(order[i : i + size]) for i in range(0, len(order), size)]
    # retry a few batches (a client that did not see the acknowledgement)
    batches += rng.sample(batches, k=min(3, len(batches)))
    return batches


def _in_order_store(log: EventLog) -> Store:
    store = Store(path=":memory:")
    store.put_roster(roster=log.roster)
    store.ingest(account=log.roster.account, table=log.table)
    return store


def _shuffled_store(log: EventLog, seed: int) -> Store:
    store = Store(path=":memory:")
    for batch in _shuffled_batches(log.table, random.Random(seed), size=700):
        store.ingest(account=log.roster.account, table=batch)
    store.put_roster(roster=log.roster)  # after the events: the projection is recomputed
    return store


def _rows(store: Store, table: str) -> list[tuple[Any, ...]]:
    with store.reader() as cur:
        return sorted(cur.execute(f"SELECT * FROM {table}").fetchall(), key=repr)


def test_shuffled_batches_give_the_in_order_projection(smoke: EventLog) -> None:
    """Shuffled, retried batches with the roster stored last give the same projection rows."""
    expected, actual = _in_order_store(smoke), _shuffled_store(smoke, seed=11)
    try:
        for table in TABLES:
            rows = _rows(expected, table)
            assert rows, table  # the smoke log has rows of every kind
            assert _rows(actual, table) == rows, table
    finally:
        expected.close()
        actual.close()


def test_shuffled_batches_dashboard_equals_oracle(smoke: EventLog) -> None:
    """After a shuffled ingest, random dashboard requests at random nows equal the oracle's."""
    store = _shuffled_store(smoke, seed=12)
    oracle = Oracle(smoke)
    first, last = smoke.time_range()  # type: ignore[misc]
    rng = random.Random(99)
    mismatches, valid = [], 0
    try:
        for _ in range(2 * QUERIES):
            if valid == QUERIES:
                break
            params = random_params(rng, smoke)
            now = rng.randint(first, last + 3_600_000)
            try:
                expected = oracle.dashboard(now_ms=now, **params)
            except ParameterError:
                continue  # from_hour after now: covered by the HTTP differential test
            valid += 1
            got = dashboard_snapshot(
                store,
                account=smoke.roster.account,
                query=parse_dashboard_query(encode(params)),
                now_ms=now,
                roster=smoke.roster,
            )
            if orjson.loads(orjson.dumps(got)) != orjson.loads(orjson.dumps(expected)):
                mismatches.append(f"now={now} {params}")
    finally:
        store.close()
    assert valid == QUERIES
    assert not mismatches, f"{len(mismatches)} mismatches, first: {mismatches[:3]}"


@pytest.mark.parametrize(
    "damage",
    [
        [f"DROP TABLE {table}" for table in TABLES],
        [
            "ALTER TABLE dash_closes DROP COLUMN seq",
            "ALTER TABLE dash_stays ADD COLUMN agent_id BIGINT",
            "DELETE FROM dash_stays",
        ],
    ],
    ids=["no-projection", "earlier-columns"],
)
def test_database_with_another_projection_gets_it_on_open(
    smoke: EventLog, tmp_path: Path, damage: list[str]
) -> None:
    """A database written before the projection existed (tables dropped), or by an earlier
    version of it (other columns), gets the current projection derived on open."""
    expected = _in_order_store(smoke)
    path = str(tmp_path / "old.duckdb")
    old = Store(path=path)
    old.put_roster(roster=smoke.roster)
    old.ingest(account=smoke.roster.account, table=smoke.table)
    with old.reader() as cur:
        for statement in damage:
            cur.execute(statement)
    old.close()
    reopened = Store(path=path)
    try:
        for table in TABLES:
            assert _rows(reopened, table) == _rows(expected, table), table
    finally:
        reopened.close()
        expected.close()
