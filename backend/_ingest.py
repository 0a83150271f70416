"""Checking one ingest batch, chunk by chunk, with the contract's own functions.

A batch is NDJSON (one event per line, no header) or a JSON array of events
(backend/_batch_items.py splits it). Events are decoded and checked in
chunks of at most :data:`CHUNK_EVENTS` events or :data:`CHUNK_BYTES` bytes
of JSON: :func:`ccbench.eventlog.table_from_records` (field names and types),
no field given twice in one event, :func:`ccbench.eventlog.check_table`
(per-kind rules, choices, patterns, ranges) and the path's account. Only a
chunk's Arrow table outlives it, so the Python objects a request holds are
bounded by one chunk whatever the body holds (a body of 10 million ``{}``
lines is refused at its first line, after decoding one chunk).

The first bad event, in body order, rejects the whole batch with an
:class:`ccbench.EventSchemaError` naming its line (NDJSON: physical line; JSON
array: 1-based item), the field and the problem. Last, an event id repeated
in the batch must carry the same event (null and absent fields are the same);
the repeats are removed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson
import pyarrow as pa
import pyarrow.compute as pc

from ccbench import EventSchemaError, shown
from ccbench.eventlog import SCHEMA, check_table, table_from_records

from ._batch_items import batch_items

__all__ = ["CHUNK_BYTES", "CHUNK_EVENTS", "parse_batch"]

#: Most events decoded and checked together.
CHUNK_EVENTS = 8192
#: Most bytes of JSON decoded together (a chunk ends at the event that reaches it).
CHUNK_BYTES = 2 * 1024 * 1024

_FIELD = re.compile(r"field '([a-z_]+)'")
# A JSON string: in valid JSON, colons outside strings separate keys from values.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)

Lines = npt.NDArray[np.int64]


def _strip_line(exc: EventSchemaError) -> str:
    return str(exc).split(": ", 1)[1] if exc.line is not None else str(exc)


def _repeated_key(raw: bytes | bytearray) -> str | None:
    """The first field named twice in the event ``raw`` (keys compared decoded)."""
    seen: set[str] = set()
    for key, _ in json.loads(raw, object_pairs_hook=list):
        if key in seen:
            return str(key)
        seen.add(key)
    return None


def _first_repeated_key(raws: list[bytes | bytearray], records: list[Any]) -> int | None:
    """Index of the first event naming a field twice (decoders keep only the last value)."""
    # The events are flat objects: their colons are their keys plus colons inside strings.
    # So as many colons as decoded keys means no repeated key (usual: no string holds one).
    text = b"\n".join(raws)
    keys = sum(map(len, records))
    if text.count(b":") == keys or _STRING.sub(b"", text).count(b":") == keys:
        return None
    for i, (raw, record) in enumerate(zip(raws, records, strict=True)):
        if _STRING.sub(b"", raw).count(b":") != len(record):
            return i
    return None


def _check_chunk(lines: list[int], raws: list[bytes | bytearray], *, account: str) -> pa.Table:
    """The chunk as a contract-schema table, or the EventSchemaError of its first bad event."""
    records: list[Any] = []
    late: EventSchemaError | None = None  # a problem that stops decoding at len(records)
    for line, raw in zip(lines, raws, strict=True):
        try:
            records.append(orjson.loads(raw))
        except orjson.JSONDecodeError as exc:
            late = EventSchemaError(f"not valid JSON: {exc}", line=line)
            break
    try:
        table = table_from_records(records)
    except EventSchemaError as exc:
        k = (exc.line or 1) - 1  # records are numbered from 1
        late = EventSchemaError(_strip_line(exc), line=lines[k], field=exc.field)
        records = records[:k]
        table = table_from_records(records)
    # The events before a decoding or type problem may break a rule on an earlier line.
    found: list[tuple[int, EventSchemaError]] = []
    repeated = _first_repeated_key(raws[: len(records)], records)
    if repeated is not None:
        key = _repeated_key(raws[repeated])
        found.append(
            (
                repeated,
                EventSchemaError(
                    f"field {key!r} appears twice; expected each field at most once",
                    line=lines[repeated],
                    field=key,
                ),
            )
        )
    violations = check_table(table)
    if violations:
        v = violations[0]
        assert v.row is not None
        field = next(iter(v.values), None) if v.values else None
        if field is None:
            match = _FIELD.search(v.message)
            field = match.group(1) if match else None
        found.append(
            (v.row, EventSchemaError(f"[{v.rule}] {v.message}", line=lines[v.row], field=field))
        )
    other = pc.fill_null(pc.not_equal(table.column("account"), account), False)
    if pc.any(other).as_py():
        row = pc.index(other, True).as_py()
        value = table.column("account")[row].as_py()
        found.append(
            (
                row,
                EventSchemaError(
                    f"field 'account': expected {account!r} (the account in the path), "
                    f"got {shown(value)}",
                    line=lines[row],
                    field="account",
                ),
            )
        )
    if found:
        raise min(found, key=lambda pair: pair[0])[1]  # the earliest; ties in the order above
    if late is not None:
        raise late
    return table


def _chunks(
    items: Iterable[tuple[int, bytes | bytearray]],
) -> Iterable[tuple[list[int], list[bytes | bytearray]]]:
    lines: list[int] = []
    raws: list[bytes | bytearray] = []
    size = 0
    for line, raw in items:
        lines.append(line)
        raws.append(raw)
        size += len(raw)
        if len(raws) >= CHUNK_EVENTS or size >= CHUNK_BYTES:
            yield lines, raws
            lines, raws, size = [], [], 0
    if raws:
        yield lines, raws


def _without_repeats(table: pa.Table, lines: Lines) -> tuple[pa.Table, int]:
    """The table without later copies of an event id; a copy that differs is an error."""
    if table.num_rows == 0:
        return table, 0
    ids = table.column("event_id")
    counts = pc.value_counts(ids)
    again = pc.greater(counts.field("counts"), 1)
    if not pc.any(again).as_py():
        return table, 0
    repeated = counts.field("values").filter(again)
    rows = pc.indices_nonzero(pc.is_in(ids, value_set=repeated)).to_pylist()
    first: dict[str, int] = {}
    drop: list[int] = []
    for row, event_id in zip(rows, ids.take(rows).to_pylist(), strict=True):
        j = first.setdefault(event_id, row)
        if j == row:
            continue
        if table.slice(j, 1).to_pylist() != table.slice(row, 1).to_pylist():
            raise EventSchemaError(
                f"field 'event_id': {event_id!r} repeats line {lines[j]} with a different event",
                line=int(lines[row]),
                field="event_id",
            )
        drop.append(row)
    keep = np.ones(table.num_rows, dtype=bool)
    keep[drop] = False
    return table.filter(pa.array(keep)), len(drop)


def parse_batch(body: bytes | bytearray, *, ndjson: bool, account: str) -> tuple[pa.Table, int]:
    """The batch as a contract-schema table with repeats removed, and the number removed.

    Raises EventSchemaError (``line``, ``field``) for the first bad event.
    """
    tables: list[pa.Table] = []
    lines: list[Lines] = []
    for chunk_lines, raws in _chunks(batch_items(body, ndjson=ndjson)):
        tables.append(_check_chunk(chunk_lines, raws, account=account))
        lines.append(np.asarray(chunk_lines, dtype=np.int64))
    if not tables:
        return SCHEMA.empty_table(), 0
    table = pa.concat_tables(tables)
    return _without_repeats(table, np.concatenate(lines))
