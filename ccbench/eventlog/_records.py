"""Events as records (JSON objects) and their conversion to and from columns.

:func:`table_from_records` checks each record's field names and value types
(naming the line) and builds an Arrow table; :func:`check_table` then checks,
column-wise, every per-event rule of the contract: kinds, required and
forbidden fields per kind, choices, patterns and ranges. The same two steps
serve NDJSON files, HTTP ingestion and Parquet files written by other tools.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from .._errors import EventSchemaError, describe, shown
from ._schema import FIELDS, KINDS, SCHEMA

__all__ = ["Violation", "check_table", "conform_table", "records_from_table", "table_from_records"]


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
        f"field {key!r}: expected {expected}, got {describe(value)}", line=line, field=key
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
            raise EventSchemaError(f"expected a JSON object, got {describe(record)}", line=line)
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
                    f"field {key!r}: expected a string, got {describe(value)}",
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


def _id(ids: pa.ChunkedArray, row: int) -> str | None:
    """The event id of ``row`` for a Violation, cut like a shown value (ids may be huge)."""
    value: str | None = ids[row].as_py()
    return value if value is None or len(value) <= 80 else value[:77] + "..."


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


def _rows(mask: pa.ChunkedArray | pa.Array) -> list[int]:
    """Indices where a boolean mask is true (nulls count as false)."""
    filled = pc.fill_null(mask, False)
    if not pc.any(filled).as_py():
        return []
    return pc.indices_nonzero(filled).to_pylist()  # type: ignore[no-any-return]


def check_table(table: pa.Table) -> list[Violation]:
    """Every per-event rule of the contract, column-wise, for a conformed table.

    Returns one Violation per broken rule per row, in row order within rule.
    """
    out: list[Violation] = []
    ids = table.column("event_id")

    def report(rule: str, rows: list[int], message: str, column: str | None) -> None:
        values = table.column(column).take(rows).to_pylist() if column and rows else []
        for i, row in enumerate(rows):
            vals = {column: values[i]} if column else {}
            text = message.format(value=shown(values[i]) if column else "")
            out.append(Violation(rule, row, _id(ids, row), text, vals))

    kinds = table.column("kind")
    known = pa.array(sorted(KINDS))
    report(
        "schema.kind",
        _rows(pc.invert(pc.is_in(kinds, value_set=known))),
        "field 'kind': expected one of the contract's event kinds, got {value}",
        "kind",
    )
    for name, spec in FIELDS.items():
        column = table.column(name)
        if spec.choices is not None:
            bad = pc.invert(pc.is_in(column, value_set=pa.array(spec.choices)))
        elif spec.type == "int":
            bad = pc.less(column, spec.low) if spec.low is not None else None
            if spec.high is not None:
                over = pc.greater(column, spec.high)
                bad = over if bad is None else pc.or_(bad, over)
        elif spec.pattern is not None:
            bad = pc.invert(pc.match_substring_regex(column, spec.pattern.pattern))
        else:
            bad = None
        if spec.max_length is not None:
            # reported apart from the pattern: the message gives the length, not the value
            long = pc.and_(pc.is_valid(column), pc.greater(pc.utf8_length(column), spec.max_length))
            rows = _rows(long)
            lengths = pc.utf8_length(column).take(rows).to_pylist() if rows else []
            for row, length in zip(rows, lengths, strict=True):
                message = (
                    f"field {name!r}: expected at most {spec.max_length} characters, got {length}"
                )
                out.append(Violation(f"schema.{name}", row, _id(ids, row), message, {}))
            if rows and bad is not None:
                bad = pc.and_(bad, pc.invert(long))
        if bad is not None and name != "kind":
            bad = pc.and_(pc.is_valid(column), bad)
            report(
                f"schema.{name}",
                _rows(bad),
                f"field {name!r}: expected {spec.expectation()}, got {{value}}",
                name,
            )
    for kind, kspec in KINDS.items():
        is_kind = pc.equal(kinds, kind)
        if not pc.any(is_kind).as_py():
            continue
        for name in FIELDS:
            column = table.column(name)
            if name in kspec.required:
                report(
                    "schema.required",
                    _rows(pc.and_(is_kind, pc.is_null(column))),
                    f"{kind} requires field {name!r}, which is missing",
                    None,
                )
            elif name not in kspec.allowed:
                report(
                    "schema.forbidden",
                    _rows(pc.and_(is_kind, pc.is_valid(column))),
                    f"{kind} does not take field {name!r} (got {{value}})",
                    name,
                )
        if kspec.reason_choices is not None:
            reason = table.column("reason")
            bad = pc.and_(
                pc.and_(is_kind, pc.is_valid(reason)),
                pc.invert(pc.is_in(reason, value_set=pa.array(kspec.reason_choices))),
            )
            report(
                "schema.reason",
                _rows(bad),
                f"{kind}: field 'reason': expected one of "
                f"{', '.join(kspec.reason_choices)}, got {{value}}",
                "reason",
            )
    out.sort(key=lambda v: v.row if v.row is not None else -1)
    return out
