"""Events as records (JSON objects) and their conversion to and from columns.

:func:`table_from_records` checks each record's field names and value types
(naming the line) and builds an Arrow table; :func:`check_table`
(ccbench/eventlog/_table_checks.py) then checks, column-wise, every per-event
rule of the contract: kinds, required and forbidden fields per kind, choices,
patterns and ranges; :class:`Violation` is how it reports one. The same two steps
serve NDJSON files, HTTP ingestion and Parquet files written by other tools.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from .._errors import EventSchemaError, shown_with_type
from ._schema import FIELDS, SCHEMA

__all__ = ["Violation", "conform_table", "records_from_table", "table_from_records"]


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule: which row (0-based, in log order), which event, which rule, why."""

    rule: str
    row: int | None
    event_id: str | None
    message: str
    values: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row is not None else "log"
        event = f" event {self.event_id}" if self.event_id is not None else ""
        return f"{where}{event} [{self.rule}] {self.message}"


def _type_error(key: str, value: Any, line: int) -> EventSchemaError:
    """Why ``value`` cannot be int field ``key``: not an int, or beyond its column's type."""
    if (isinstance(value, int) and not isinstance(value, bool)) or (
        isinstance(value, float) and value.is_integer()
    ):
        # JSON readers give a double for an integer beyond 64 bits: name the contract's range
        expected = FIELDS[key].expectation()
    else:
        expected = "an integer"
    return EventSchemaError(
        f"field {key!r}: expected {expected}, got {shown_with_type(value)}", line=line, field=key
    )


def table_from_records(records: Iterable[Any], *, first_line: int = 1) -> pa.Table:
    """Build a table in contract schema from JSON-like records.

    Checks that each record is an object with known fields whose values have
    the field's type (int fields take ints, not bools or floats, that fit the
    column; None means absent). Raises EventSchemaError naming the 1-based line
    (``first_line`` for the first record). Per-kind rules and the contract's
    ranges are left to :func:`check_table`.
    """
    columns: dict[str, list[Any]] = {name: [] for name in FIELDS}
    # per int field, the range of its Arrow column (int8/int16/int64)
    int_fields = {
        name: (-(2 ** (spec.arrow.bit_width - 1)), 2 ** (spec.arrow.bit_width - 1) - 1)
        for name, spec in FIELDS.items()
        if spec.type == "int"
    }
    n = 0
    for line, record in enumerate(records, start=first_line):
        if not isinstance(record, Mapping):
            raise EventSchemaError(
                f"expected a JSON object, got {shown_with_type(record)}", line=line
            )
        for key, value in record.items():
            if key not in columns:
                raise EventSchemaError(
                    f"unknown field {key!r}; expected fields of the event-log contract "
                    "(docs/eventlog.md)",
                    line=line,
                    field=str(key),
                )
            if value is None:
                continue
            if key in int_fields:
                low, high = int_fields[key]
                if not (
                    isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
                ):
                    raise _type_error(key, value, line)
            elif not isinstance(value, str):
                raise EventSchemaError(
                    f"field {key!r}: expected a string, got {shown_with_type(value)}",
                    line=line,
                    field=key,
                )
        for name, values in columns.items():
            values.append(record.get(name))
        n += 1
    arrays = [pa.array(columns[spec.name], type=spec.type) for spec in SCHEMA]
    return pa.Table.from_arrays(arrays, schema=SCHEMA) if n else SCHEMA.empty_table()


def records_from_table(table: pa.Table) -> Iterator[dict[str, Any]]:
    """Yield each row as a record holding only its non-null fields, in column order."""
    for row in table.to_pylist():
        yield {k: v for k, v in row.items() if v is not None}


def conform_table(table: pa.Table) -> pa.Table:
    """Return ``table`` in exactly the contract schema.

    Missing nullable columns are added as nulls; a compatible type is cast
    safely (int32 to int64, large_string to string, dictionary to string).
    Unknown columns, missing common columns, other types (text where integers
    go, floats) and unsafe casts raise EventSchemaError naming the column.
    """
    unknown = [name for name in table.column_names if name not in FIELDS]
    if unknown:
        raise EventSchemaError(
            f"unknown column {unknown[0]!r}; expected only the contract's "
            "columns (docs/eventlog.md)",
            field=unknown[0],
        )
    arrays = []
    for spec in SCHEMA:
        if spec.name not in table.column_names:
            if not spec.nullable:
                raise EventSchemaError(f"missing required column {spec.name!r}", field=spec.name)
            arrays.append(pa.nulls(table.num_rows, type=spec.type))
            continue
        column = table.column(spec.name)
        if column.type != spec.type and not _same_kind(column.type, spec.type):
            # Arrow would parse "1767600000000" into an int64: a text column is not an
            # integer column, however its values read (and floats are not integers).
            raise EventSchemaError(
                f"column {spec.name!r}: expected {spec.type}, got {column.type}",
                field=spec.name,
            )
        if column.type != spec.type:
            try:
                column = column.cast(spec.type, safe=True)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                raise EventSchemaError(
                    f"column {spec.name!r}: expected {spec.type}, got {column.type}",
                    field=spec.name,
                ) from exc
        if not spec.nullable and column.null_count:
            row = pc.index(pc.is_null(column), True).as_py()
            raise EventSchemaError(
                f"column {spec.name!r}: required, but null at row {row}", field=spec.name
            )
        arrays.append(column)
    return pa.Table.from_arrays(arrays, schema=SCHEMA)


def _same_kind(source: pa.DataType, target: pa.DataType) -> bool:
    """Whether a column of type ``source`` may be cast to the contract's ``target``:
    integers of any width to integers, strings (large, dictionary-encoded) to strings,
    and a column of nulls to anything."""
    if pa.types.is_null(source):
        return True
    if pa.types.is_dictionary(source):
        source = source.value_type
    if pa.types.is_integer(target):
        return bool(pa.types.is_integer(source))
    return bool(pa.types.is_string(source) or pa.types.is_large_string(source))
