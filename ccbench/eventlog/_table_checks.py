"""The per-event rules of the contract, checked column-wise on a conformed table.

:func:`check_table` checks every rule an event breaks by itself: its kind,
each field's choices, range, pattern and length, the fields its kind requires
and forbids, and its assignment reason. :func:`ccbench.eventlog.validate` runs
it first on every log, so it is written to cost little on a valid one-day log
(about 1.1M events): rules run on the non-null values only (a regular
expression over a mostly-null column costs as much as over a full one), the
kind is dictionary-encoded once, and which fields each row holds is one
bitmask per row compared with each kind's required and allowed fields, instead
of one Arrow call per kind and field. Only rows found broken are looked at one
by one.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .._errors import shown
from ._records import Violation
from ._schema import FIELDS, KINDS, FieldSpec

__all__ = ["check_table"]


def _id(ids: pa.ChunkedArray, row: int) -> str | None:
    """The event id of ``row`` for a Violation, cut like a shown value (ids may be huge)."""
    value: str | None = ids[row].as_py()
    return value if value is None or len(value) <= 80 else value[:77] + "..."


def _broken_values(column: pa.ChunkedArray, spec: FieldSpec) -> list[int]:
    """Rows whose value (never a null) breaks the field's choices, range or pattern."""
    values = column.drop_null() if column.null_count else column
    if spec.choices is not None:
        bad = pc.invert(pc.is_in(values, value_set=pa.array(spec.choices)))
    elif spec.type == "int":
        bad = pc.less(values, spec.low) if spec.low is not None else None
        if spec.high is not None:
            over = pc.greater(values, spec.high)
            bad = over if bad is None else pc.or_(bad, over)
    elif spec.pattern is not None:
        bad = pc.invert(pc.match_substring_regex(values, spec.pattern.pattern))
    else:
        bad = None
    if bad is None or not pc.any(bad).as_py():
        return []
    positions = pc.indices_nonzero(bad)
    if column.null_count:  # positions count non-null values: map them back to rows
        positions = pc.indices_nonzero(pc.is_valid(column)).take(positions)
    return positions.to_pylist()  # type: ignore[no-any-return]


def _too_long(column: pa.ChunkedArray, max_length: int) -> list[int]:
    """Rows whose string holds more than ``max_length`` characters."""
    longest = pc.max(pc.binary_length(column)).as_py()
    if longest is None or longest <= max_length:
        return []  # a string has no more characters than UTF-8 bytes
    long = pc.fill_null(pc.greater(pc.utf8_length(column), max_length), False)
    return pc.indices_nonzero(long).to_pylist()  # type: ignore[no-any-return]


def _presence(table: pa.Table) -> np.ndarray:
    """Per row, a bitmask of the fields it holds (bit i: the i-th field of FIELDS)."""
    held = np.zeros(table.num_rows, dtype=np.int64)
    for bit, name in enumerate(FIELDS):
        column = table.column(name)
        if not column.null_count:
            held |= np.int64(1 << bit)
        elif column.null_count < table.num_rows:
            valid = pc.is_valid(column).to_numpy(zero_copy_only=False)
            held |= valid.astype(np.int64) << bit
    return held


def _bits(names: frozenset[str] | tuple[str, ...]) -> int:
    return sum(1 << bit for bit, name in enumerate(FIELDS) if name in names)


def check_table(table: pa.Table) -> list[Violation]:
    """Every per-event rule of the contract, column-wise, for a table in the contract
    schema (:func:`table_from_records`, :func:`conform_table`; before conforming, even a
    common field may be null).

    Returns one Violation per broken rule per row, in row order; within a row: the kind,
    then each field's value in field order, then required and forbidden fields in field
    order, then the assignment reason.
    """
    out: list[Violation] = []
    ids = table.column("event_id")

    def report(rule: str, rows: list[int], message: str | list[str], column: str | None) -> None:
        """One Violation per row; ``message`` (one, or one per row) may hold ``{value}``."""
        values = table.column(column).take(rows).to_pylist() if column and rows else []
        for i, row in enumerate(rows):
            vals = {column: values[i]} if column else {}
            text = message if isinstance(message, str) else message[i]
            text = text.format(value=shown(values[i]) if column else "")
            out.append(Violation(rule, row, _id(ids, row), text, vals))

    if not table.num_rows:
        return out
    assert len(FIELDS) < 63, "one bit per field in an int64"
    kinds = pc.dictionary_encode(table.column("kind")).combine_chunks()
    # code -> kind as written in the table; the last code stands for a missing kind (None),
    # which an ingester's not yet conformed table may hold
    kind_of = [*kinds.dictionary.to_pylist(), None]
    codes = kinds.indices.fill_null(len(kind_of) - 1).to_numpy()
    unknown = [code for code, kind in enumerate(kind_of) if kind not in KINDS]
    report(
        "schema.kind",
        np.flatnonzero(np.isin(codes, unknown)).tolist() if unknown else [],
        "field 'kind': expected one of the contract's event kinds, got {value}",
        "kind",
    )
    for name, spec in FIELDS.items():
        column = table.column(name)
        long: list[int] = []
        if spec.max_length is not None:
            # reported apart from the pattern: the message gives the length, not the value
            long = _too_long(column, spec.max_length)
            lengths = pc.utf8_length(column).take(long).to_pylist() if long else []
            for row, length in zip(long, lengths, strict=True):
                message = (
                    f"field {name!r}: expected at most {spec.max_length} characters, got {length}"
                )
                out.append(Violation(f"schema.{name}", row, _id(ids, row), message, {}))
        if name == "kind":
            continue  # reported above, with its own message
        bad = _broken_values(column, spec)
        if long and bad:
            too_long = set(long)
            bad = [row for row in bad if row not in too_long]
        # a pattern's braces ({3}) are text, not format fields
        expected = spec.expectation().replace("{", "{{").replace("}", "}}")
        message = f"field {name!r}: expected {expected}, got {{value}}"
        report(f"schema.{name}", bad, message, name)

    # required and allowed fields of each row's kind; an unknown kind is only schema.kind
    everything = (1 << len(FIELDS)) - 1
    required = np.array([_bits(KINDS[k].required) if k in KINDS else 0 for k in kind_of])
    allowed = np.array([_bits(KINDS[k].allowed) if k in KINDS else everything for k in kind_of])
    held = _presence(table)
    missing = ~held & required[codes]
    extra = held & ~allowed[codes]
    broken = np.flatnonzero((missing | extra) != 0)
    for bit, name in enumerate(FIELDS):
        if not broken.size:
            break
        absent = broken[(missing[broken] >> bit) & 1 != 0].tolist()
        kind_names = [kind_of[codes[row]] for row in absent]
        messages = [f"{kind} requires field {name!r}, which is missing" for kind in kind_names]
        report("schema.required", absent, messages, None)
        present = broken[(extra[broken] >> bit) & 1 != 0].tolist()
        kind_names = [kind_of[codes[row]] for row in present]
        messages = [f"{kind} does not take field {name!r} (got {{value}})" for kind in kind_names]
        report("schema.forbidden", present, messages, name)
    reason = table.column("reason")
    for code, kind in enumerate(kind_of):
        choices = KINDS[kind].reason_choices if kind in KINDS else None
        if choices is None:
            continue
        rows = np.flatnonzero(codes == code)
        reasons = reason.take(rows)
        bad_reason = pc.and_(pc.is_valid(reasons), pc.invert(pc.is_in(reasons, pa.array(choices))))
        report(
            "schema.reason",
            rows[pc.fill_null(bad_reason, False).to_numpy(zero_copy_only=False)].tolist(),
            f"{kind}: field 'reason': expected one of {', '.join(choices)}, got {{value}}",
            "reason",
        )
    out.sort(key=lambda v: v.row if v.row is not None else -1)
    return out
