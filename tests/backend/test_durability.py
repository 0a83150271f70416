"""Durability: SIGKILL in the middle of ingesting loses nothing acknowledged and doubles nothing."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb
import httpx
import orjson

from ccbench.serving import free_port
from tests.support.backend import (
    ACCOUNT,
    auth,
    backend,
    load,
    ndjson,
    segments,
    serve_process,
    synthetic_log,
)

NDJSON = {**auth(), "Content-Type": "application/x-ndjson"}


def test_sigkill_mid_ingest_then_resend(tmp_path: Path) -> None:
    """Kill -9 during ingestion, restart on the file, resend unacknowledged (and some
    acknowledged) batches: stored events and every answer equal a clean one-shot ingest."""
    roster, records = synthetic_log(conversations=1500)
    batches = [records[i : i + 250] for i in range(0, len(records), 250)]
    db = tmp_path / "backend.duckdb"
    port = free_port()
    proc = serve_process(db, port)
    url = f"http://127.0.0.1:{port}"
    acked: set[int] = set()
    with httpx.Client(base_url=url, timeout=30) as client:
        r = client.put(
            f"/api/v1/accounts/{ACCOUNT}/roster", content=orjson.dumps(roster), headers=auth()
        )
        assert r.status_code == 200

        def killer() -> None:
            while len(acked) < len(batches) // 2:
                time.sleep(0.001)
            os.kill(proc.pid, signal.SIGKILL)  # while the next batches are in flight

        thread = threading.Thread(target=killer)
        thread.start()
        for i, batch in enumerate(batches):
            try:
                r = client.post(
                    f"/api/v1/accounts/{ACCOUNT}/events", content=ndjson(batch), headers=NDJSON
                )
            except httpx.TransportError:
                break  # the server died: this batch and the rest are unacknowledged
            if r.status_code == 200:
                acked.add(i)
        thread.join()
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert 0 < len(acked) < len(batches)

    proc = serve_process(db, port)
    try:
        with httpx.Client(base_url=url, timeout=60) as client:
            last_acked = sorted(acked)[-3:]
            resend = [i for i in range(len(batches)) if i not in acked] + last_acked
            for i in resend:
                r = client.post(
                    f"/api/v1/accounts/{ACCOUNT}/events", content=ndjson(batches[i]), headers=NDJSON
                )
                assert r.status_code == 200, r.text
            now = records[-1]["ts"] + 1
            queries: list[dict[str, Any]] = [
                {"timeframe": 1440},
                {"timeframe": 1440, "skillIds": "all"},
                {"timeframe": 60, "interval": 5, "source": "WEB"},
            ]
            answers = [segments(client, now=now, **q).json() for q in queries]
    finally:
        proc.send_signal(signal.SIGTERM)  # graceful: checkpoints and closes the file
        proc.wait(timeout=60)

    # Nothing lost, nothing doubled: per-kind counts equal the log's...
    expected_kinds = Counter(r["kind"] for r in records)
    with duckdb.connect(str(db), read_only=True) as con:
        stored = dict(con.execute("SELECT kind, count(*) FROM events GROUP BY kind").fetchall())
        distinct = con.execute("SELECT count(DISTINCT event_id) FROM events").fetchone()
    assert stored == dict(expected_kinds)
    assert distinct == (len(records),)
    # ... the segment count equals the number of accepts in the log ...
    accepts = expected_kinds["assignment.accepted"]
    assert answers[0]["metricsTotal"]["totalAgentConversationSegments"] == accepts
    # ... and every answer equals a clean backend's that ingested the log once.
    with backend() as clean:
        load(clean, roster, records)
        for q, answer in zip(queries, answers, strict=True):
            assert segments(clean, now=now, **q).json() == answer
