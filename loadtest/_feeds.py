"""Feeding a backend through its adapter: records, files or a plugin (loadtest._adapters).

:func:`adapted_batches` cuts the (time-shifted) log into batches of about
``ingest_batch`` events, never splitting a millisecond (a record re-sent in a later
batch then only ever grows later in time). :func:`replay_adapted` delivers them: POSTs
records pages, writes files (each renamed into place whole, then the completion marker
``ccbench-complete.json``, then waits for the pipeline's ``ready_file``), or calls the
ingest plugin. Each batch leaves one acknowledgement in the harness's shape; a failure
(a plugin raising or returning something else than an IngestAck, a file that cannot be
written) is an acknowledgement with status 0 naming the plugin or the file and the
batch, so the run goes on and reports it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ccbench.eventlog import EventLog
from ccbench.files import replace_atomically
from ccbench.records import RecordFeed, conversation_records, import_records, page_document

from ._adapters import IngestAck, IngestBatch, IngestSpec, load_plugin

__all__ = [
    "COMPLETE_MARKER",
    "Batch",
    "adapted",
    "adapted_batches",
    "expected_log",
    "replay_adapted",
    "shifted",
]

#: written into the files dialect's directory after the last batch
COMPLETE_MARKER = "ccbench-complete.json"
_READY_POLL_S = 0.05

#: (body, content type) -> (status, response text): an HTTP POST to the ingest endpoint
Post = Callable[[bytes], tuple[int, str]]


@dataclass(frozen=True, slots=True)
class Batch:
    """One batch: its number, first event's ms, the events' rows ``[start, stop)`` in
    the shifted log, and the records it changed (only for the dialects that need them)."""

    number: int
    first_ms: int
    start: int
    stop: int
    records: list[dict[str, Any]]


def adapted(spec: IngestSpec) -> bool:
    """Whether the log is fed otherwise than as NDJSON events POSTed to ``ingest``."""
    return spec.dialect != "ccbench-events" or spec.python is not None


def shifted(log: EventLog, shift_ms: int) -> EventLog:
    """``log`` with every timestamp moved by ``shift_ms`` (live mode's present)."""
    if not shift_ms:
        return log
    ts = pc.add(log.table.column("ts"), pa.scalar(shift_ms, pa.int64()))
    table = log.table.set_column(log.table.schema.get_field_index("ts"), "ts", ts)
    return EventLog.from_table(table, roster=log.roster, sort=False)


def expected_log(log: EventLog, spec: IngestSpec) -> EventLog:
    """What a backend fed through ``spec`` can know of ``log``: the log itself, or, when it
    receives LivePerson records, the log those records import to (docs/formats.md), whose
    roster lists what records cannot carry (those metrics are then unavailable)."""
    through_records = spec.python is None and (
        spec.dialect == "liveperson-records"
        or (spec.dialect == "files" and spec.file_format == "liveperson-records")
    )
    if not through_records:
        return log
    return import_records(conversation_records(log), roster=log.roster, check=False).log


def _wants_records(spec: IngestSpec) -> bool:
    return (
        spec.dialect == "liveperson-records"
        or (spec.dialect == "files" and spec.file_format == "liveperson-records")
        or spec.python is not None
    )


def adapted_batches(log: EventLog, *, spec: IngestSpec, size: int) -> Iterator[Batch]:
    """The batches of ``log`` (already shifted), each ending at a millisecond's end."""
    ts = log.table.column("ts").to_numpy()
    feed = RecordFeed(log) if _wants_records(spec) else None
    start, number, n = 0, 0, len(ts)
    while start < n:
        stop = min(n, start + size)
        while stop < n and ts[stop] == ts[stop - 1]:
            stop += 1
        records = feed.advance(stop) if feed is not None else []
        yield Batch(number, int(ts[start]), start, stop, records)
        start, number = stop, number + 1


def _ack(status: int, count: int, body: Any) -> dict[str, Any]:
    text = body if isinstance(body, str) else orjson.dumps(body).decode()
    return {"endpoint": "ingest", "status": status, "events": count, "body": text[:500]}


def _write_batch(spec: IngestSpec, log: EventLog, batch: Batch, page: bytes) -> str:
    directory = Path(spec.directory or ".")
    directory.mkdir(parents=True, exist_ok=True)
    table = log.table.slice(batch.start, batch.stop - batch.start)
    base = f"batch-{batch.number:06d}"
    if spec.file_format == "parquet":
        name = base + ".parquet"
        replace_atomically(directory / name, lambda p: pq.write_table(table, p, compression="zstd"))
    elif spec.file_format == "ndjson":
        name = base + ".ndjson"
        lines = b"".join(
            orjson.dumps({k: v for k, v in r.items() if v is not None}) + b"\n"
            for r in table.to_pylist()
        )
        replace_atomically(directory / name, lambda p: p.write_bytes(lines))
    else:
        name = base + ".json"
        replace_atomically(directory / name, lambda p: p.write_bytes(page))
    return name


def _plugin_ack(
    name: str, plugin: Callable[..., Any], log: EventLog, batch: Batch
) -> dict[str, Any]:
    count = batch.stop - batch.start
    events = log.table.slice(batch.start, count).to_pylist()
    request = IngestBatch(
        number=batch.number,
        account=log.roster.account,
        first_ms=batch.first_ms,
        events=[{k: v for k, v in e.items() if v is not None} for e in events],
        records=orjson.loads(orjson.dumps(batch.records)),
    )
    try:
        got = plugin(request)
    except Exception as exc:  # user code: report it, never stop the run
        return _ack(
            0, count, f"plugin {name} raised {type(exc).__name__}: {exc} in batch {batch.number}"
        )
    if not isinstance(got, IngestAck):
        return _ack(
            0,
            count,
            f"plugin {name} returned {type(got).__name__}, expected "
            f"IngestAck, in batch {batch.number}",
        )
    return _ack(200, count, {"accepted": got.accepted, "duplicates": got.duplicates})


def _wait_ready(spec: IngestSpec, count: int, sleep: Callable[[float], None]) -> dict[str, Any]:
    ready = Path(spec.directory or ".") / (spec.ready_file or "")
    deadline = time.monotonic() + spec.ready_timeout_s
    while not ready.exists():
        if time.monotonic() > deadline:
            return _ack(0, 0, f"the pipeline wrote no {ready} within {spec.ready_timeout_s} s")
        sleep(_READY_POLL_S)
    return _ack(200, 0, {"accepted": 0, "duplicates": 0, "ready": str(ready), "events": count})


def replay_adapted(
    log: EventLog,
    *,
    spec: IngestSpec,
    size: int,
    post: Post,
    pace: Callable[[int], bool],
) -> Iterator[dict[str, Any]]:
    """Deliver ``log`` (shifted) batch by batch; yields one acknowledgement per batch (and
    one for the pipeline's ready file). ``pace(first_ms)`` sleeps until the batch is due
    and returns False when the run is over; ``post`` POSTs a body to ``ingest``."""
    plugin = load_plugin(spec.python) if spec.python else None
    sent = 0
    for batch in adapted_batches(log, spec=spec, size=size):
        if not pace(batch.first_ms):
            return
        count = batch.stop - batch.start
        sent += count
        page = orjson.dumps(
            page_document(
                batch.records,
                account=log.roster.account,
                offset=0,
                limit=max(1, len(batch.records)),
                count=len(batch.records),
            )
        )
        if plugin is not None:
            yield _plugin_ack(spec.python or "", plugin, log, batch)
        elif spec.dialect == "files":
            try:
                name = _write_batch(spec, log, batch, page)
            except OSError as exc:
                yield _ack(
                    0, count, f"cannot write batch {batch.number} into {spec.directory}: {exc}"
                )
                continue
            yield _ack(200, count, {"accepted": count, "duplicates": 0, "file": name})
        else:
            status, text = post(page)
            yield _ack(status, count, text)
    if spec.dialect == "files" and plugin is None:
        directory = Path(spec.directory or ".")
        marker = orjson.dumps({"events": sent, "format": spec.file_format})
        replace_atomically(directory / COMPLETE_MARKER, lambda p: p.write_bytes(marker))
        if spec.ready_file:
            yield _wait_ready(spec, sent, lambda s: time.sleep(s))
