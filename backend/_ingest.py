"""Parsing and checking one ingest batch with the contract's own functions.

A batch is NDJSON (one event per line, no header) or a JSON array of events.
Each event is checked by :func:`ccbench.eventlog.table_from_records` (field
names and types) and :func:`ccbench.eventlog.check_table` (per-kind rules,
choices, patterns, ranges), plus two batch rules: every event's account is
the account in the path, and an event id repeated in the batch carries the
same event. The first problem rejects the whole batch with an
:class:`ccbench.EventSchemaError` naming the line (NDJSON: physical line;
JSON array: 1-based item), the field and the problem.
"""

from __future__ import annotations

import re
from typing import Any

import orjson
import pyarrow as pa

from ccbench import EventSchemaError
from ccbench.eventlog import check_table, table_from_records

__all__ = ["NDJSON_TYPES", "parse_batch"]

NDJSON_TYPES = ("application/x-ndjson", "application/ndjson", "application/jsonl")
_FIELD = re.compile(r"field '([a-z_]+)'")


def _records(body: bytes, *, ndjson: bool) -> tuple[list[Any], list[int]]:
    if not ndjson:
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise EventSchemaError(f"body is not valid JSON: {exc}", line=None) from exc
        if not isinstance(data, list):
            raise EventSchemaError(
                "expected a JSON array of events (or NDJSON with "
                f"Content-Type {NDJSON_TYPES[0]}), got "
                f"{type(data).__name__}"
            )
        return data, list(range(1, len(data) + 1))
    records: list[Any] = []
    lines: list[int] = []
    for number, raw in enumerate(body.split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            records.append(orjson.loads(raw))
        except orjson.JSONDecodeError as exc:
            raise EventSchemaError(f"not valid JSON: {exc}", line=number) from exc
        lines.append(number)
    return records, lines


def parse_batch(body: bytes, *, ndjson: bool, account: str) -> tuple[pa.Table, int]:
    """The batch as a contract-schema table with repeats removed, and the number removed.

    Raises EventSchemaError (``line``, ``field``) for the first bad event.
    """
    records, lines = _records(body, ndjson=ndjson)
    try:
        table = table_from_records(records)
    except EventSchemaError as exc:
        line = lines[exc.line - 1] if exc.line is not None else None
        message = str(exc).split(": ", 1)[1] if exc.line is not None else str(exc)
        raise EventSchemaError(message, line=line, field=exc.field) from exc
    violations = check_table(table)
    if violations:
        v = violations[0]
        field = next(iter(v.values), None) if v.values else None
        if field is None:
            match = _FIELD.search(v.message)
            field = match.group(1) if match else None
        line = lines[v.row] if v.row is not None else None
        raise EventSchemaError(f"[{v.rule}] {v.message}", line=line, field=field)
    accounts = table.column("account").to_pylist()
    for i, value in enumerate(accounts):
        if value != account:
            raise EventSchemaError(
                f"field 'account': expected {account!r} (the account in the path), got {value!r}",
                line=lines[i],
                field="account",
            )
    first: dict[str, int] = {}
    keep: list[int] = []
    for i, event_id in enumerate(table.column("event_id").to_pylist()):
        j = first.setdefault(event_id, i)
        if j == i:
            keep.append(i)
        elif records[j] != records[i]:
            raise EventSchemaError(
                f"field 'event_id': {event_id!r} repeats line {lines[j]} with a different event",
                line=lines[i],
                field="event_id",
            )
    if len(keep) == table.num_rows:
        return table, 0
    return table.take(keep), table.num_rows - len(keep)
