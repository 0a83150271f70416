"""Ingestion over HTTP: contract checks per line, whole-batch rejection, idempotency."""

from __future__ import annotations

from pathlib import Path

import httpx
import orjson
import pytest

from backend import Store
from tests.support.backend import (
    ACCOUNT,
    auth,
    backend,
    ndjson,
    read_ndjson,
    segments,
    serve_process,
)
from tests.support.hand_logs import status_event

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
    assert first.json() == {"accepted": 169, "duplicates": 0}
    assert again.json() == {"accepted": 0, "duplicates": 169}
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
        assert again.event_count(account=ACCOUNT) == 169
        assert again.ingest(account=ACCOUNT, table=log.table).duplicates == 169
    finally:
        again.close()


@pytest.mark.parametrize(
    ("line", "field", "expected"),
    [
        (b'"ts": 253402300800000', "ts", "expected an integer >= 0 and <= 253402300799999"),
        (b'"ts": 4000000000000000000', "ts", "expected an integer >= 0 and <= 253402300799999"),
        (b'"seq": 9007199254740992', "seq", "expected an integer >= 0 and <= 9007199254740991"),
        (b'"agent_id": 18446744073709551615', "agent_id", "expected an integer >= 0 and <="),
        (b'"agent_id": 18446744073709551616', "agent_id", "expected an integer >= 0 and <="),
        (b'"ts": -9223372036854775809', "ts", "expected an integer >= 0 and <="),
        (b'"event_id": "a\\u0000b"', "event_id", "without control characters"),
        (b'"account": "acme\\n"', "account", "without control characters"),
        (b'"event_id": "' + b"x" * 257 + b'"', "event_id", "at most 256 characters, got 257"),
        (b'"ts": 1, "t\\u0073": 2', "ts", "field 'ts' appears twice"),
        (b'"status": "online", "status": "away"', "status", "field 'status' appears twice"),
    ],
)
def test_bad_values_name_their_line_field_and_range(line: bytes, field: str, expected: str) -> None:
    """Out-of-range numbers (in or beyond int64), control characters and over-long ids, and a
    field given twice: 400 naming the line (never null), the field and what is accepted."""
    good = orjson.dumps(status_event(event_id="s0"))
    base = status_event()
    if "appears twice" not in expected:
        del base[field]  # the line gives its value
    bad = orjson.dumps(base).rstrip(b"}") + b", " + line + b"}"
    with backend() as client:
        for content_type, wrapped, where in (
            ("application/x-ndjson", good + b"\n\n" + bad + b"\n", 3),
            ("application/json", b"[" + good + b",\n" + bad + b"]", 2),
        ):
            r = client.post(
                EVENTS, content=wrapped, headers={**auth(), "Content-Type": content_type}
            )
            assert r.status_code == 400, r.text
            error = r.json()["error"]
            assert (error["line"], error["field"]) == (where, field), error
            assert expected in error["message"]
        assert _total(client) == 0


def test_a_huge_id_is_refused_with_a_short_message() -> None:
    """A 20 MiB event id (in the body limit; the issue saw it stored) is refused by the event
    size limit before decoding, and a 60 KiB one (in it) by the id length: never echoed."""
    huge = "x" * (20 * 1024 * 1024)
    long = "y" * (60 * 1024)
    with backend() as client:
        r = client.post(EVENTS, content=ndjson([status_event(event_id=huge)]), headers=NDJSON)
        assert r.status_code == 400 and len(r.content) < 500
        assert r.json()["error"]["line"] == 1
        assert "an event takes at most 65536 bytes" in r.json()["error"]["message"]
        r = client.post(EVENTS, content=ndjson([status_event(event_id=long)]), headers=NDJSON)
        assert r.status_code == 400 and len(r.content) < 500
        error = r.json()["error"]
        assert (error["line"], error["field"]) == (1, "event_id")
        assert error["message"].endswith(f"expected at most 256 characters, got {len(long)}")
        assert _total(client) == 0


def test_a_repeat_with_null_for_absent_is_the_same_event() -> None:
    """An event repeated in one batch with a null where the first omits the field is a
    duplicate, not a conflict (null means absent); a different value is a conflict."""
    first = status_event()
    with backend() as client:
        same = client.post(
            EVENTS, content=ndjson([first, {**first, "conversation_id": None}]), headers=NDJSON
        )
        assert same.json() == {"accepted": 1, "duplicates": 1}
        other = client.post(
            EVENTS,
            content=ndjson(
                [{**first, "event_id": "s2"}, {**first, "event_id": "s2", "status": "away"}]
            ),
            headers=NDJSON,
        )
        assert other.status_code == 400
        assert (other.json()["error"]["line"], other.json()["error"]["field"]) == (2, "event_id")


def test_the_first_bad_line_is_reported_whatever_its_problem() -> None:
    """Within and across chunks, the earliest bad line wins: a rule broken on line 2 before a
    type error on line 3, and a bad line after 10,000 good ones is found."""
    good = [status_event(event_id=f"g{i}", seq=i) for i in range(10_000)]
    body = ndjson([good[0], status_event(event_id="b", status="asleep"), {"ts": "noon"}])
    far = ndjson(good) + b'{"event_id": "late", "colour": 1}\n'
    with backend() as client:
        r = client.post(EVENTS, content=body, headers=NDJSON)
        assert (r.json()["error"]["line"], r.json()["error"]["field"]) == (2, "status")
        r = client.post(EVENTS, content=far, headers=NDJSON)
        assert (r.json()["error"]["line"], r.json()["error"]["field"]) == (10_001, "colour")
        assert _total(client) == 0
        assert client.post(EVENTS, content=ndjson(good), headers=NDJSON).json() == {
            "accepted": 10_000,
            "duplicates": 0,
        }


_EMPTY_OBJECTS = 31 * 1024 * 1024 // 3  # a 31 MiB body of "{}" lines (the body)


@pytest.mark.parametrize("ndjson_body", [True, False])
def test_a_31_mib_body_of_empty_objects_holds_little_python_memory(ndjson_body: bool) -> None:
    """The issue's body (8 GB and 90 s before its 400) is refused at line 1 after decoding one
    chunk: the Python objects it makes peak under 64 MB (tracemalloc), whatever the body."""
    import tracemalloc

    from backend._ingest import parse_batch
    from ccbench import EventSchemaError

    if ndjson_body:
        body = b"{}\n" * _EMPTY_OBJECTS
    else:
        body = b"[" + b"{}," * (_EMPTY_OBJECTS - 1) + b"{}]"
    parse_batch(ndjson([status_event()]), ndjson=True, account=ACCOUNT)  # imports done
    tracemalloc.start()
    try:
        with pytest.raises(EventSchemaError) as caught:
            parse_batch(body, ndjson=ndjson_body, account=ACCOUNT)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.line == 1
    assert peak < 64 * 1024 * 1024, f"{peak / 1e6:.1f} MB"


def _peak_rss_kib(pid: int) -> int:
    """The process's peak resident set (VmHWM, KiB): Arrow and DuckDB memory included."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_a_31_mib_body_of_empty_objects_adds_under_200_mb_to_the_server(tmp_path: Path) -> None:
    """A real `ccbench serve`: the 31 MiB NDJSON and JSON-array bodies of {} get 400 at their
    first line, and the server's peak RSS grows by under 200 MB (the body itself included)."""
    from ccbench.serving import free_port

    port = free_port()
    proc = serve_process(tmp_path / "db.duckdb", port)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
            # warm up: every module a bad batch needs is imported before the baseline
            warm = client.post(EVENTS, content=b"{}\n{}\n", headers=NDJSON)
            assert warm.status_code == 400
            before = _peak_rss_kib(proc.pid)
            for content_type, body in (
                ("application/x-ndjson", b"{}\n" * _EMPTY_OBJECTS),
                ("application/json", b"[" + b"{}," * (_EMPTY_OBJECTS - 1) + b"{}]"),
            ):
                r = client.post(
                    EVENTS, content=body, headers={**auth(), "Content-Type": content_type}
                )
                assert r.status_code == 400 and r.json()["error"]["line"] == 1, r.text
            grown_mb = (_peak_rss_kib(proc.pid) - before) / 1024
    finally:
        proc.terminate()
        proc.wait(30)
    assert grown_mb < 200, f"peak RSS grew by {grown_mb:.0f} MB"


@pytest.mark.bench
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_bench_refusing_and_ingesting_31_mib_bodies(tmp_path: Path) -> None:
    """Prints the median time (5 rounds) a real server takes to refuse the issue's 31 MiB
    bodies of {} (NDJSON and JSON array), and the time and peak-RSS growth of ingesting a
    valid 31 MiB NDJSON body (~260,000 events). No timing assertions."""
    import statistics
    import time

    from ccbench.serving import free_port

    valid = bytearray()
    i = 0
    while len(valid) < 31 * 1024 * 1024:
        valid += orjson.dumps(status_event(event_id=f"v{i}", seq=i, ts=1_700_000_000_000 + i))
        valid += b"\n"
        i += 1
    bodies = {
        "ndjson {}": ("application/x-ndjson", b"{}\n" * _EMPTY_OBJECTS),
        "array {}": ("application/json", b"[" + b"{}," * (_EMPTY_OBJECTS - 1) + b"{}]"),
    }
    port = free_port()
    proc = serve_process(tmp_path / "db.duckdb", port)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=300) as client:
            client.post(EVENTS, content=b"{}\n", headers=NDJSON)
            for name, (content_type, body) in bodies.items():
                times = []
                for _ in range(5):
                    start = time.perf_counter()
                    r = client.post(
                        EVENTS, content=body, headers={**auth(), "Content-Type": content_type}
                    )
                    times.append(time.perf_counter() - start)
                    assert r.status_code == 400
                print(f"\n{name}: refused in {statistics.median(times):.3f} s (median of 5)")
            before = _peak_rss_kib(proc.pid)
            start = time.perf_counter()
            r = client.post(EVENTS, content=bytes(valid), headers=NDJSON)
            took = time.perf_counter() - start
            assert r.json() == {"accepted": i, "duplicates": 0}
            grown = (_peak_rss_kib(proc.pid) - before) / 1024
            print(f"valid 31 MiB ({i} events): {took:.1f} s, peak RSS +{grown:.0f} MB")
    finally:
        proc.terminate()
        proc.wait(30)
