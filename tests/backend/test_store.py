"""The store: answers from one committed snapshot under concurrent ingest; a bounded close."""

from __future__ import annotations

import threading
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

import duckdb
import httpx
import orjson
import pytest

import backend._store
from backend import ServerConfig, Store, serve
from ccbench.eventlog import EventLog, Roster
from oracle import Oracle
from sim import load_scenario, simulate
from tests.support.backend import synthetic_log

ROOT = Path(__file__).resolve().parents[2]
BATCHES = 10
SEGMENTS_QUERY = {"v": "1", "timeframe": "1440", "interval": "60", "skillIds": "all"}


def _json(value: Any) -> Any:
    """A value as the wire has it (tuples become lists, floats round-trip)."""
    return orjson.loads(orjson.dumps(value))


def test_every_answer_is_the_state_after_whole_batches() -> None:
    """Queries racing 10 ingest batches each equal the oracle after some prefix of batches.

    The smoke log in log order is cut into 10 consecutive batches, so every
    prefix is a valid log (its end is a horizon). While one client sends the
    batches one after the other, two others ask the dashboard and
    msgagentsegments at a fixed now after the log; every answer must be
    exactly the oracle's answer for the events of batches 1..k for some k,
    never a mix (the issue found 89 of 352 dashboard answers torn before
    each request read one snapshot).
    """
    log = simulate(scenario=load_scenario(ROOT / "scenarios" / "smoke.toml"), seed=3).log
    account = log.roster.account
    _, last = log.time_range()  # type: ignore[misc]
    now = last + 1
    size = -(-log.table.num_rows // BATCHES)
    batches = [log.table.slice(i, size) for i in range(0, log.table.num_rows, size)]
    expected: dict[str, list[Any]] = {"dashboard": [], "segments": []}
    for k in range(len(batches) + 1):
        prefix = EventLog.from_table(log.table.slice(0, k * size), roster=log.roster)
        oracle = Oracle(prefix)
        expected["dashboard"].append(_json(oracle.dashboard(now_ms=now)))
        expected["segments"].append(_json(oracle.agent_segments_query(SEGMENTS_QUERY, now_ms=now)))
    # each batch changes both answers: a torn answer cannot pass for a whole prefix
    for name, answers in expected.items():
        assert all(a != b for a, b in pairwise(answers)), name

    headers = {"Authorization": "Bearer t", "X-Clock-Now": str(now)}
    config = ServerConfig(db=":memory:", tokens={"t": account}, test_clock=True)
    seen: dict[str, list[Any]] = {"dashboard": [], "segments": []}
    done = threading.Event()
    failures: list[BaseException] = []
    with serve(config) as url, httpx.Client(base_url=url, timeout=60) as client:
        r = client.put(
            f"/api/v1/accounts/{account}/roster", json=log.roster.to_dict(), headers=headers
        )
        assert r.status_code == 200, r.text

        def ask(name: str, path: str, params: dict[str, str]) -> Callable[[], None]:
            def loop() -> None:
                try:
                    with httpx.Client(base_url=url, timeout=60) as own:
                        while not done.is_set():
                            r = own.get(path, params=params, headers=headers)
                            assert r.status_code == 200, r.text
                            seen[name].append(r.json())
                except BaseException as exc:  # reported by the main thread
                    failures.append(exc)

            return loop

        askers = [
            threading.Thread(target=ask("dashboard", f"/api/v1/accounts/{account}/dashboard", {})),
            threading.Thread(
                target=ask(
                    "segments",
                    f"/operations/api/account/{account}/msgagentsegments",
                    SEGMENTS_QUERY,
                )
            ),
        ]
        for t in askers:
            t.start()
        try:
            for batch in batches:
                body = b"".join(
                    orjson.dumps({k: v for k, v in r.items() if v is not None}) + b"\n"
                    for r in batch.to_pylist()
                )
                r = client.post(
                    f"/api/v1/accounts/{account}/events",
                    content=body,
                    headers={**headers, "Content-Type": "application/x-ndjson"},
                )
                assert r.status_code == 200, r.text
        finally:
            done.set()
            for t in askers:
                t.join()
    assert not failures, failures
    for name, answers in seen.items():
        assert answers, name
        prefixes = [expected[name].index(a) if a in expected[name] else None for a in answers]
        torn = prefixes.count(None)
        assert torn == 0, f"{torn} of {len(answers)} {name} answers match no prefix of batches"
        # answers never go back in time: each sees at least the batches the previous one saw
        assert prefixes == sorted(prefixes), name


def test_close_interrupts_a_write_past_its_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """close(timeout_s) interrupts a write still running after the timeout: it rolls back,
    close returns, and the reopened file holds nothing of that batch."""
    roster, records = synthetic_log(conversations=5)
    log = EventLog.from_records(records, roster=Roster.from_dict(roster))
    started = threading.Event()
    real = backend._store.refresh_dashboard

    def endless(cur: duckdb.DuckDBPyConnection, **kwargs: Any) -> None:
        real(cur, **kwargs)
        started.set()
        cur.execute("SELECT count(*) FROM range(1000000000000)").fetchall()  # hours

    monkeypatch.setattr(backend._store, "refresh_dashboard", endless)
    path = str(tmp_path / "db.duckdb")
    store = Store(path=path)
    errors: list[BaseException] = []

    def ingest() -> None:
        try:
            store.ingest(account="acme", table=log.table)
        except BaseException as exc:  # the interrupt, seen by the ingesting thread
            errors.append(exc)

    writer = threading.Thread(target=ingest)
    writer.start()
    assert started.wait(60)
    closer = threading.Thread(target=store.close, kwargs={"timeout_s": 0.2})
    closer.start()
    closer.join(60)
    writer.join(60)
    assert not closer.is_alive() and not writer.is_alive()  # no hang: close ended the write
    assert len(errors) == 1 and isinstance(errors[0], duckdb.Error)
    monkeypatch.setattr(backend._store, "refresh_dashboard", real)
    again = Store(path=path)
    try:
        assert again.event_count(account="acme") == 0
        assert again.ingest(account="acme", table=log.table).accepted == log.table.num_rows
    finally:
        again.close()


def test_a_format_1_database_gains_the_format_2_columns(tmp_path: Path) -> None:
    """A database whose events table was created for format 1 (no direction, visibility,
    sla_policy) opens with those columns appended, its events kept, and takes a
    format-2 event with them."""
    from ccbench.eventlog import table_from_records

    ddl = backend._store._events_ddl()
    added = ",\n    direction VARCHAR,\n    visibility VARCHAR,\n    sla_policy VARCHAR"
    old = ddl.replace(added, "")
    assert old != ddl
    path = tmp_path / "v1.duckdb"
    conn = duckdb.connect(str(path))
    conn.execute(old)
    conn.execute(
        "INSERT INTO events (event_id, ts, seq, kind, account, agent_id, site) "
        "VALUES ('a', 1, 1, 'agent.login', 'acme', 1, 's')"
    )
    conn.close()
    store = Store(path=str(path))
    try:
        names = [r[0] for r in store._conn.execute("DESCRIBE events").fetchall()]
        assert names[-3:] == ["direction", "visibility", "sla_policy"]
        event = {"event_id": "b", "ts": 2, "seq": 2, "kind": "conversation.opened",
                 "account": "acme", "conversation_id": "c", "site": "s", "channel": "chat",
                 "source": "WEB", "consumer_id": "u", "direction": "outbound"}  # fmt: skip
        store.ingest(account="acme", table=table_from_records([event]))
        rows = store._conn.execute("SELECT event_id, direction FROM events ORDER BY seq")
        assert rows.fetchall() == [("a", None), ("b", "outbound")]
    finally:
        store.close()
