"""Feeding a backend through records, files and plugins (loadtest/_feeds.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ccbench.eventlog import EventLog, read_log
from ccbench.records import conversation_records
from loadtest import IngestSpec
from loadtest._feeds import COMPLETE_MARKER, adapted_batches, replay_adapted, shifted


@pytest.fixture
def log(example_path: Path) -> EventLog:
    return read_log(example_path)


def _replay(log: EventLog, spec: IngestSpec, posts: list[bytes] | None = None) -> list[Any]:
    def post(body: bytes) -> tuple[int, str]:
        (posts if posts is not None else []).append(body)
        return 200, '{"accepted": 1, "duplicates": 0}'

    return list(replay_adapted(log, spec=spec, size=20, post=post, pace=lambda ms: True))


def test_batches_never_split_a_millisecond(log: EventLog) -> None:
    """Batches of ~20 events cover the log once, each ending at a millisecond's end."""
    ts = log.table.column("ts").to_pylist()
    batches = list(adapted_batches(log, spec=IngestSpec(), size=20))
    assert [b.start for b in batches[1:]] == [b.stop for b in batches[:-1]]
    assert batches[-1].stop == len(ts)
    assert all(ts[b.stop - 1] != ts[b.stop] for b in batches[:-1])


def test_records_dialect_resends_changed_conversations(log: EventLog) -> None:
    """Each page re-sends the conversations its batch changed; keeping the latest record of
    each gives the export of the whole log (open conversations' duration aside: there is
    none open at the example's end)."""
    posts: list[bytes] = []
    acks = _replay(log, IngestSpec(dialect="liveperson-records"), posts)
    assert all(a["status"] == 200 for a in acks) and len(acks) == len(posts)
    latest: dict[str, Any] = {}
    for body in posts:
        for record in orjson.loads(body)["conversationHistoryRecords"]:
            latest[record["info"]["conversationId"]] = record
    expected = {
        r["info"]["conversationId"]: orjson.loads(orjson.dumps(r))
        for r in conversation_records(log)
    }
    assert latest == expected


def test_files_dialect_writes_whole_files_then_the_marker(log: EventLog, tmp_path: Path) -> None:
    """Parquet batch files (no temporary file left) hold every event once, then the marker."""
    spec = IngestSpec(dialect="files", directory=str(tmp_path), file_format="parquet")
    acks = _replay(log, spec)
    files = sorted(tmp_path.glob("batch-*.parquet"))
    assert len(files) == len(acks) and not list(tmp_path.glob(".*"))
    table = pa.concat_tables(pq.read_table(f) for f in files)
    assert table.column("event_id").to_pylist() == log.table.column("event_id").to_pylist()
    assert orjson.loads((tmp_path / COMPLETE_MARKER).read_bytes()) == {
        "events": len(log),
        "format": "parquet",
    }


def test_files_dialect_waits_for_the_pipeline(log: EventLog, tmp_path: Path) -> None:
    """With ready_file, the last acknowledgement says whether the pipeline wrote it in time."""
    spec = IngestSpec(
        dialect="files", directory=str(tmp_path), ready_file="loaded", ready_timeout_s=0.2
    )
    late = _replay(log, spec)[-1]
    assert late["status"] == 0 and "wrote no" in late["body"]
    (tmp_path / "loaded").write_text("ok")
    for stale in tmp_path.glob("batch-*"):
        stale.unlink()
    assert _replay(log, spec)[-1]["status"] == 200


@pytest.mark.parametrize(
    ("plugin", "message"),
    [
        ("tests.support.plugins:raising", "raised ConnectionError: backend unreachable in batch 1"),
        ("tests.support.plugins:wrong_type", "returned dict, expected IngestAck, in batch 0"),
    ],
)
def test_plugin_failures_name_the_plugin_and_the_batch(
    log: EventLog, plugin: str, message: str
) -> None:
    """A plugin that raises or returns the wrong type: an acknowledgement with status 0
    naming it and the batch, and the replay goes on."""
    acks = _replay(log, IngestSpec(python=plugin))
    failed = [a for a in acks if a["status"] == 0]
    assert failed and all(plugin in a["body"] for a in failed)
    assert any(message in a["body"] for a in failed)
    assert len(acks) == len(list(adapted_batches(log, spec=IngestSpec(python=plugin), size=20)))


def test_shifted_moves_every_time(log: EventLog) -> None:
    """Live mode's shift moves each timestamp by the same amount."""
    moved = shifted(log, 1_000)
    assert [t + 1_000 for t in log.table.column("ts").to_pylist()] == moved.table.column(
        "ts"
    ).to_pylist()
