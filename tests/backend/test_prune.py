"""Pruning of the projection change log: bounded, monotonic, and answers unchanged.

``projection_changes`` gets one row per conversation per batch; the store
prunes what no in-memory reader (the segment rollup) still needs once
``prune_rows`` rows were logged. These tests ingest many small batches with
queries in between (small ``prune_rows`` and ``delta_min`` so pruning and
base rebuilds happen often) and check the log's size, the version numbering
and every answer against the oracle, across a roster change and a restart.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa

from backend import Store, agent_segment_metrics, parse_segment_query
from backend._projection import prune_changes
from backend._rollup import RollupCache
from oracle import Oracle
from tests.support.oracle_logs import random_log

PRUNE = 50
DELTA_MIN = 5
QUERIES: list[dict[str, str]] = [
    {"timeframe": "60"},
    {"timeframe": "30", "interval": "5"},
    {"timeframe": "90", "interval": "15", "source": "APP"},
]


def _ask(store: Store, now: int, account: str, query: dict[str, str]) -> dict[str, Any]:
    parsed = parse_segment_query([("v", "1"), *query.items()])
    return agent_segment_metrics(store, account=account, query=parsed, now_ms=now)


def _log_state(store: Store, account: str) -> tuple[int, int]:
    """(rows, max version) of the account's change log."""
    with store.reader() as cur:
        rows, version = cur.execute(
            "SELECT count(*), coalesce(max(version), 0) FROM projection_changes WHERE account = ?",
            [account],
        ).fetchall()[0]
    return int(rows), int(version)


def _open(path: str) -> Store:
    store = Store(path=path, prune_rows=PRUNE)
    store.cached(name="segment_rollup", factory=lambda: RollupCache(delta_min=DELTA_MIN))
    return store


def _slices(table: pa.Table, n: int) -> list[pa.Table]:
    """The table in ``n`` consecutive batches (in time order: conversations recur)."""
    size = -(-table.num_rows // n)
    return [table.slice(i, size) for i in range(0, table.num_rows, size)]


def _dealt(table: pa.Table, n: int) -> list[pa.Table]:
    """Row i in batch i % n: each batch touches many conversations, out of time order."""
    return [table.take(list(range(k, table.num_rows, n))) for k in range(n)]


def _touched(batch: pa.Table) -> int:
    """Change-log rows a batch of new events writes: its distinct conversations."""
    return len({c for c in batch.column("conversation_id").to_pylist() if c is not None})


def _bound(batches: list[pa.Table]) -> int:
    # Rows present = rows logged since the last prune (< PRUNE before this write,
    # plus this write's) + rows that prune kept: versions above the rollup's base,
    # i.e. its pending delta, which it keeps to <= 8 * limit rows plus the batch
    # that crossed it, limit = max(DELTA_MIN, segments // 8).
    segments = sum(b.column("kind").to_pylist().count("assignment.accepted") for b in batches)
    biggest = max(_touched(b) for b in batches)
    return PRUNE + 8 * max(DELTA_MIN, segments // 8) + 2 * biggest


def _check_oracle(store: Store, account: str, oracle: Oracle, last: int) -> None:
    for now in (last - 1_800_000, last - 60_000, last + 1):
        for query in QUERIES:
            expected = oracle.agent_segments_query({"v": "1", **query}, now_ms=now)
            assert _ask(store, now, account, query) == expected, (now, query)


def test_log_stays_bounded_with_queries_and_a_roster_change() -> None:
    """80 dealt batches with a query after each (and the roster put again halfway): the log
    stays under its bound while over 4x more rows were written, versions rise by one per
    write, and the answers equal the oracle."""
    log = random_log(seed=21, conversations=80, span_ms=3_600_000)
    account, oracle = log.roster.account, Oracle(log)
    _, last = log.time_range()  # type: ignore[misc]
    batches = _dealt(log.table, 80)
    bound = _bound(batches)
    store = _open(":memory:")
    try:
        store.put_roster(roster=log.roster)
        logged, version = 1, 1
        for i, batch in enumerate(batches):
            if i == len(batches) // 2:
                # a reset row: the next query rebuilds its base
                store.put_roster(roster=log.roster)
                logged, version = logged + 1, version + 1
            store.ingest(account=account, table=batch)
            logged, version = logged + _touched(batch), version + 1
            _ask(store, last + 1, account, QUERIES[0])
            rows, top = _log_state(store, account)
            assert top == version  # one version per write, pruning never lowers max+1
            assert rows <= bound, (i, rows, bound)
        assert logged > 4 * bound  # without pruning the log would have broken the bound
        _check_oracle(store, account, oracle, last)
    finally:
        store.close()


def test_log_without_queries_keeps_only_recent_rows() -> None:
    """No rollup in memory: a prune keeps just the newest version, and the first query
    afterwards (built from the projection, not the log) equals the oracle."""
    log = random_log(seed=22, conversations=60, span_ms=3_600_000)
    account, oracle = log.roster.account, Oracle(log)
    _, last = log.time_range()  # type: ignore[misc]
    batches = _slices(log.table, 60)
    store = _open(":memory:")
    try:
        store.put_roster(roster=log.roster)
        biggest = max(_touched(b) for b in batches)
        for batch in batches:
            store.ingest(account=account, table=batch)
            rows, _ = _log_state(store, account)
            # < PRUNE rows since the last prune, plus the newest version it kept
            assert rows < PRUNE + 2 * biggest
        _check_oracle(store, account, oracle, last)
    finally:
        store.close()


def test_restart_on_the_same_file_after_pruning(tmp_path: Path) -> None:
    """Half the batches with queries, close, reopen the file, the rest: versions keep
    rising across the restart and the answers equal the oracle."""
    log = random_log(seed=23, conversations=60, span_ms=3_600_000)
    account, oracle = log.roster.account, Oracle(log)
    _, last = log.time_range()  # type: ignore[misc]
    batches = _slices(log.table, 60)
    half = len(batches) // 2
    path = str(tmp_path / "prune.duckdb")
    store = _open(path)
    try:
        store.put_roster(roster=log.roster)
        for batch in batches[:half]:
            store.ingest(account=account, table=batch)
            _ask(store, last + 1, account, QUERIES[1])
        _, before = _log_state(store, account)
    finally:
        store.close()
    store = _open(path)
    try:
        rows, top = _log_state(store, account)
        assert top == before and 0 < rows <= _bound(batches)
        for i, batch in enumerate(batches[half:]):
            store.ingest(account=account, table=batch)
            if i % 3 == 0:
                _ask(store, last + 1, account, QUERIES[1])
            _, now_top = _log_state(store, account)
            assert now_top == before + i + 1
        assert _log_state(store, account)[0] <= _bound(batches)
        _check_oracle(store, account, oracle, last)
    finally:
        store.close()


def test_delta_rebuilds_when_changes_it_needs_were_pruned() -> None:
    """If rows above the rollup's base vanish (pruned behind its back), the next view
    rebuilds its base instead of missing those conversations."""
    log = random_log(seed=24, conversations=40, span_ms=3_600_000)
    account, oracle = log.roster.account, Oracle(log)
    _, last = log.time_range()  # type: ignore[misc]
    # 3 batches: the rollup reads a base after the first; the second's rows are then
    # pruned (only the third, newest version stays)
    batches = _slices(log.table, 3)
    store = Store(path=":memory:")
    try:
        store.put_roster(roster=log.roster)
        store.ingest(account=account, table=batches[0])
        cache = store.cached(name="segment_rollup", factory=RollupCache)
        first = cache.view(store, account=account)
        store.ingest(account=account, table=batches[1])
        store.ingest(account=account, table=batches[2])
        with store._write_lock, store._transaction() as cur:
            assert prune_changes(cur, account=account, through=None) > 0
        assert cache.view(store, account=account).base is not first.base
        _check_oracle(store, account, oracle, last)
    finally:
        store.close()
