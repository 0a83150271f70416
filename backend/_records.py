"""Records ingest: LivePerson conversation records in, events stored (docs/backend.md).

A records-consuming pipeline receives the vendor's records, and re-receives a
conversation's record each time it changes. The route reads a body of records (a
conversations-search page, a record, a list of them, or one per line) with
:mod:`ccbench.records` (the importer below both backend and oracle) against the stored
roster, and stores the events they stand for. The importer's event ids are
``<conversation>:<kind>:<ms>:<n>``, so a re-sent record adds only its new events.
Within one conversation the store orders events by ``(ts, seq)``; ``seq`` is
``ts * 1024 + n`` for the ``n``-th event of that conversation at that millisecond in
the record, so events from different bodies keep their order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import orjson
import pyarrow as pa

from ccbench import EventSchemaError
from ccbench.eventlog import Roster
from ccbench.records import import_records

__all__ = ["RECORDS_PATH", "RecordsBatch", "records_batch"]

#: the route (served by _app.py, documented by _openapi_records.py)
RECORDS_PATH = "/api/v1/accounts/{account}/records"

#: problems quoted in the answer (all are counted)
_QUOTED = 20
_SEQ_PER_MS = 1024


@dataclass(frozen=True, slots=True)
class RecordsBatch:
    """The events a body of records stands for, and what the importer said about it."""

    table: pa.Table
    conversations: int
    refused: int
    problems: list[str]
    problem_count: int


def _records(body: bytes, *, ndjson: bool) -> list[Any]:
    try:
        if not ndjson:
            return [orjson.loads(body)]
        return [orjson.loads(line) for line in body.splitlines() if line.strip()]
    except orjson.JSONDecodeError as exc:
        raise EventSchemaError(f"body is not valid JSON: {exc}") from exc


def _unpack(docs: list[Any]) -> list[Any]:
    out: list[Any] = []
    for doc in docs:
        if isinstance(doc, list):
            out += _unpack(doc)
        elif isinstance(doc, dict) and "conversationHistoryRecords" in doc:
            records = doc["conversationHistoryRecords"]
            if not isinstance(records, list):
                raise EventSchemaError(
                    "conversationHistoryRecords: expected a list of records, got "
                    f"{type(records).__name__}"
                )
            out += records
        else:
            out.append(doc)
    return out


def records_batch(body: bytes, *, ndjson: bool, roster: Roster) -> RecordsBatch:
    """The events of a body of records, checked by the importer (see the module
    docstring); EventSchemaError when the body is not JSON."""
    result = import_records(_unpack(_records(body, ndjson=ndjson)), roster=roster, source="body")
    table = result.log.table
    if table.num_rows:
        ts = table.column("ts").to_numpy()
        cid = table.column("conversation_id").fill_null("").to_pylist()
        seen: dict[tuple[str, int], int] = {}
        rank = np.empty(len(ts), dtype=np.int64)
        for i, key in enumerate(zip(cid, ts.tolist(), strict=True)):
            rank[i] = seen.get(key, 0)
            seen[key] = rank[i] + 1
        seq = pa.array(ts * _SEQ_PER_MS + rank)
        table = table.set_column(table.schema.get_field_index("seq"), "seq", seq)
    return RecordsBatch(
        table=table,
        conversations=result.conversations,
        refused=result.refused,
        problems=[str(p) for p in result.problems[:_QUOTED]],
        problem_count=len(result.problems),
    )
