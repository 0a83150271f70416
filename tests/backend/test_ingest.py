"""Ingestion over HTTP: contract checks per line, whole-batch rejection, idempotency."""

from __future__ import annotations

from pathlib import Path

import orjson

from backend import Store
from tests.support.backend import ACCOUNT, auth, backend, ndjson, read_ndjson, segments

EVENTS = f"/api/v1/accounts/{ACCOUNT}/events"
NDJSON = {**auth(), "Content-Type": "application/x-ndjson"}
NOW = 1795165200000 + 7_200_000  # after every event of the example log


def _total(client: object) -> int:
    body = segments(client, now=NOW, timeframe=180).json()  # type: ignore[arg-type]
    return int(body["metricsTotal"]["totalAgentConversationSegments"])


def test_same_batch_twice_counts_once(example_path: Path) -> None:
    """A retried batch is acknowledged again and changes nothing (idempotent on event_id)."""
    roster, records = read_ndjson(example_path)
    with backend() as client:
        client.put(
            f"/api/v1/accounts/{ACCOUNT}/roster", content=orjson.dumps(roster), headers=auth()
        )
        first = client.post(EVENTS, content=ndjson(records), headers=NDJSON)
        before = segments(client, now=NOW, timeframe=180).json()
        again = client.post(EVENTS, content=ndjson(records), headers=NDJSON)
        after = segments(client, now=NOW, timeframe=180).json()
    assert first.json() == {"accepted": 167, "duplicates": 0}
    assert again.json() == {"accepted": 0, "duplicates": 167}
    assert after == before
    assert before["metricsTotal"]["totalAgentConversationSegments"] == 18  # by hand


def test_batches_in_any_order_give_the_same_answer(example_path: Path) -> None:
    """Events split into overlapping batches sent newest first give the one-batch answer."""
    roster, records = read_ndjson(example_path)
    with backend() as one, backend() as split:
        for client in (one, split):
            client.put(
                f"/api/v1/accounts/{ACCOUNT}/roster", content=orjson.dumps(roster), headers=auth()
            )
        one.post(EVENTS, content=ndjson(records), headers=NDJSON)
        # Batches of 40 with 10 events of overlap, sent in reverse order: segment
        # starts arrive after their ends and messages.
        chunks = [records[i : i + 50] for i in range(0, len(records), 40)]
        for chunk in reversed(chunks):
            assert split.post(EVENTS, content=ndjson(chunk), headers=NDJSON).status_code == 200
        for params in ({}, {"skillIds": "all"}, {"interval": 60}):
            a = segments(one, now=NOW, timeframe=180, **params).json()
            b = segments(split, now=NOW, timeframe=180, **params).json()
            assert a == b


def test_bad_line_rejects_whole_batch(example_path: Path) -> None:
    """One bad event (line 30) rejects the batch with line, field and problem; nothing is kept."""
    _, records = read_ndjson(example_path)
    bad = [dict(r) for r in records]
    bad[29]["csat"] = 9  # line 30 is a message.sent: csat is both forbidden and out of range
    with backend() as client:
        r = client.post(EVENTS, content=ndjson(bad), headers=NDJSON)
        assert r.status_code == 400
        error = r.json()["error"]
        assert (error["line"], error["field"]) == (30, "csat")
        assert "csat" in error["message"]
        assert _total(client) == 0


def test_problems_name_line_and_field(example_path: Path) -> None:
    """Malformed JSON, wrong types, unknown fields, missing fields, other accounts: all 400."""
    _, records = read_ndjson(example_path)
    good = ndjson(records[:3])
    cases = [
        (good + b"{not json\n", 4, None),
        (good + b'{"event_id": "x", "ts": "noon"}\n', 4, "ts"),
        (good + b'{"event_id": "x", "colour": "red"}\n', 4, "colour"),
        (ndjson([{**records[0], "account": "other"}]), 1, "account"),
        # message.sent without sender_role
        (ndjson([{k: v for k, v in records[12].items() if k != "sender_role"}]), 1, "sender_role"),
        # the same event id twice with different content
        (ndjson([records[0], {**records[0], "ts": 1}]), 2, "event_id"),
        (b"\n\n" + ndjson([{**records[0], "kind": "nope"}]), 3, "kind"),
    ]
    with backend() as client:
        for body, line, field in cases:
            r = client.post(EVENTS, content=body, headers=NDJSON)
            assert r.status_code == 400, body
            assert r.json()["error"]["line"] == line, r.json()
            assert r.json()["error"]["field"] == field, r.json()
        assert _total(client) == 0


def test_json_array_and_content_types(example_path: Path) -> None:
    """A JSON array is accepted (items numbered from 1); other content types get 415."""
    _, records = read_ndjson(example_path)
    json_headers = {**auth(), "Content-Type": "application/json"}
    with backend() as client:
        bad = client.post(
            EVENTS, content=orjson.dumps([records[0], {"ts": 1}]), headers=json_headers
        )
        ok = client.post(EVENTS, content=orjson.dumps(records[:5]), headers=json_headers)
        not_array = client.post(EVENTS, content=b'{"a": 1}', headers=json_headers)
        text = client.post(EVENTS, content=b"x", headers={**auth(), "Content-Type": "text/plain"})
        empty = client.post(EVENTS, content=b"", headers=NDJSON)
    assert bad.status_code == 400
    assert bad.json()["error"]["line"] == 2
    assert ok.json() == {"accepted": 5, "duplicates": 0}
    assert not_array.status_code == 400
    assert text.status_code == 415
    assert empty.json() == {"accepted": 0, "duplicates": 0}


def test_duplicate_in_one_batch_is_stored_once(example_path: Path) -> None:
    """An identical event twice in one batch is stored once and reported as a duplicate."""
    _, records = read_ndjson(example_path)
    with backend() as client:
        r = client.post(
            EVENTS, content=ndjson([records[0], records[1], records[0]]), headers=NDJSON
        )
    assert r.json() == {"accepted": 2, "duplicates": 1}


def test_store_survives_reopen(tmp_path: Path, example_path: Path) -> None:
    """Events committed to a file database are there after closing and reopening it."""
    from ccbench.eventlog import read_log

    log = read_log(example_path)
    store = Store(path=str(tmp_path / "db.duckdb"))
    store.ingest(account=ACCOUNT, table=log.table)
    store.close()
    again = Store(path=str(tmp_path / "db.duckdb"))
    try:
        assert again.event_count(account=ACCOUNT) == 167
        assert again.ingest(account=ACCOUNT, table=log.table).duplicates == 167
    finally:
        again.close()
