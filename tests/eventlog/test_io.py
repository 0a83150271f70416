"""Parquet and NDJSON reading/writing (ccbench/eventlog/_io.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings

from ccbench import EventSchemaError, LogFormatError
from ccbench.eventlog import SCHEMA, EventLog, Roster, convert_log, read_log, write_log
from tests.support.strategies import event_batches

ROSTER = Roster.from_dict({"account": "acme", "groups": [{"id": 1}]})


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(records=event_batches())
def test_round_trip_is_lossless(tmp_path: Path, records: list[dict]) -> None:
    """Parquet -> NDJSON -> Parquet keeps every value, type, the order and the roster."""
    log = EventLog.from_records(records, roster=ROSTER)
    pq_path = write_log(log, tmp_path / "a.parquet")
    nd_path = tmp_path / "a.ndjson"
    convert_log(pq_path, nd_path)
    back = convert_log(nd_path, tmp_path / "b.parquet")
    again = read_log(tmp_path / "b.parquet")
    assert back.table.equals(log.table)
    assert again.table.equals(log.table)
    assert again.roster == log.roster
    assert list(again.records()) == list(log.records())


def test_example_round_trip(example_path: Path, tmp_path: Path) -> None:
    """The example log survives NDJSON -> Parquet -> NDJSON with identical event lines."""
    convert_log(example_path, tmp_path / "x.parquet")
    convert_log(tmp_path / "x.parquet", tmp_path / "x.ndjson")
    original = [json.loads(line) for line in example_path.read_text().splitlines()]
    copied = [json.loads(line) for line in (tmp_path / "x.ndjson").read_text().splitlines()]
    assert copied[1:] == original[1:]
    # the header gains the roster's defaults, written out explicitly
    assert Roster.from_dict(copied[0]["roster"]) == Roster.from_dict(original[0]["roster"])


def test_roster_is_in_parquet_metadata(example_path: Path, tmp_path: Path) -> None:
    """The Parquet file carries the roster as JSON under the ccbench.roster metadata key."""
    convert_log(example_path, tmp_path / "x.parquet")
    meta = pq.read_schema(tmp_path / "x.parquet").metadata
    assert json.loads(meta[b"ccbench.roster"])["account"] == "acme"


def test_read_sorts_by_ts_then_seq() -> None:
    """from_records orders events by (ts, seq), whatever order they arrive in."""
    base = {"account": "acme", "kind": "agent.status", "agent_id": 1, "status": "away"}
    records = [
        {**base, "event_id": "c", "ts": 5, "seq": 1},
        {**base, "event_id": "b", "ts": 3, "seq": 9},
        {**base, "event_id": "a", "ts": 3, "seq": 2},
    ]
    log = EventLog.from_records(records, roster=ROSTER)
    assert log.table.column("event_id").to_pylist() == ["a", "b", "c"]


def test_unknown_suffix(tmp_path: Path) -> None:
    """A file suffix other than .parquet/.pq/.ndjson/.jsonl is refused by name."""
    with pytest.raises(LogFormatError, match=r"suffix '\.csv'"):
        read_log(tmp_path / "log.csv")


def test_missing_header(tmp_path: Path) -> None:
    """An NDJSON file without the header line says what header it expected."""
    path = tmp_path / "x.ndjson"
    path.write_text('{"event_id": "a"}\n')
    with pytest.raises(LogFormatError, match="expected the header"):
        read_log(path)


def test_ndjson_error_names_physical_line(tmp_path: Path) -> None:
    """A bad value is reported with its line number in the file (blank lines counted)."""
    path = tmp_path / "x.ndjson"
    header = json.dumps({"ccbench_eventlog": 1, "roster": ROSTER.to_dict()})
    good = json.dumps(
        {
            "event_id": "a",
            "ts": 1,
            "seq": 1,
            "kind": "agent.status",
            "account": "acme",
            "agent_id": 1,
            "status": "away",
        }
    )
    bad = good.replace('"ts": 1', '"ts": "noon"').replace('"a"', '"b"')
    path.write_text("\n".join([header, good, "", bad]) + "\n")
    with pytest.raises(
        EventSchemaError,
        match=r"^line 4: field 'ts': expected an integer, "
        r"got 'noon' \(str\)",
    ) as info:
        read_log(path)
    assert info.value.line == 4
    assert info.value.field == "ts"


def test_invalid_json_line(tmp_path: Path) -> None:
    """A line that is not JSON is reported with its number."""
    path = tmp_path / "x.ndjson"
    path.write_text(json.dumps({"ccbench_eventlog": 1, "roster": ROSTER.to_dict()}) + "\n{oops\n")
    with pytest.raises(EventSchemaError, match="line 2"):
        read_log(path)


def test_foreign_parquet_is_cast(tmp_path: Path) -> None:
    """A Parquet file from another tool with int32 ids and missing nullable columns is read."""
    table = pa.table(
        {
            "event_id": ["a"],
            "ts": pa.array([1], pa.int32()),
            "seq": pa.array([1], pa.int32()),
            "kind": ["agent.status"],
            "account": ["acme"],
            "agent_id": pa.array([7], pa.int32()),
            "status": ["away"],
        }
    )
    meta = {b"ccbench.roster": json.dumps(ROSTER.to_dict()).encode()}
    pq.write_table(table.replace_schema_metadata(meta), tmp_path / "f.parquet")
    log = read_log(tmp_path / "f.parquet")
    assert log.table.schema.equals(SCHEMA)
    assert next(iter(log.records()))["agent_id"] == 7


@pytest.mark.parametrize(
    ("column", "values", "expected"),
    [
        ("ts", pa.array(["1"], pa.string()), "column 'ts': expected int64, got string"),
        ("ts", pa.array([1.0], pa.float64()), "column 'ts': expected int64, got double"),
        ("seq", pa.array(["1"], pa.large_string()), "column 'seq': expected int64, got large_str"),
        ("kind", pa.array([5], pa.int64()), "column 'kind': expected string, got int64"),
    ],
)
def test_parquet_column_of_another_kind_is_refused(
    column: str, values: pa.Array, expected: str, tmp_path: Path
) -> None:
    """Integers stored as text (Arrow would parse them) or floats, and strings stored as
    integers, are refused naming the column, not cast into a log that validates."""
    data = {"event_id": ["a"], "ts": [1], "seq": [1], "kind": ["agent.status"]}
    data |= {"account": ["acme"], "agent_id": [7], "status": ["away"], column: values}
    meta = {b"ccbench.roster": json.dumps(ROSTER.to_dict()).encode()}
    pq.write_table(pa.table(data).replace_schema_metadata(meta), tmp_path / "f.parquet")
    with pytest.raises(EventSchemaError, match=expected):
        read_log(tmp_path / "f.parquet")


def test_dictionary_and_null_columns_are_cast(tmp_path: Path) -> None:
    """Dictionary-encoded strings and an all-null column of type null are still read."""
    table = pa.table(
        {
            "event_id": ["a"],
            "ts": [1],
            "seq": [1],
            "kind": pa.array(["agent.status"]).dictionary_encode(),
            "account": ["acme"],
            "agent_id": [7],
            "status": ["away"],
            "skill_id": pa.nulls(1),
        }
    )
    meta = {b"ccbench.roster": json.dumps(ROSTER.to_dict()).encode()}
    pq.write_table(table.replace_schema_metadata(meta), tmp_path / "f.parquet")
    assert next(iter(read_log(tmp_path / "f.parquet").records()))["kind"] == "agent.status"


def test_parquet_without_roster(tmp_path: Path) -> None:
    """A Parquet file lacking the roster metadata is refused with the key it expected."""
    pq.write_table(pa.table({"x": [1]}), tmp_path / "f.parquet")
    with pytest.raises(LogFormatError, match=r"ccbench\.roster"):
        read_log(tmp_path / "f.parquet")


def test_unknown_column(tmp_path: Path) -> None:
    """An unknown column in a Parquet log is named in the error."""
    table = pa.table(
        {
            "event_id": ["a"],
            "ts": [1],
            "seq": [1],
            "kind": ["agent.status"],
            "account": ["acme"],
            "colour": ["red"],
        }
    )
    meta = {b"ccbench.roster": json.dumps(ROSTER.to_dict()).encode()}
    pq.write_table(table.replace_schema_metadata(meta), tmp_path / "f.parquet")
    with pytest.raises(EventSchemaError, match="unknown column 'colour'"):
        read_log(tmp_path / "f.parquet")


def test_write_is_atomic(tmp_path: Path, example_path: Path) -> None:
    """A failed write leaves no partial target and no temporary file behind."""
    log = read_log(example_path)
    target = tmp_path / "out.parquet"

    class Boom(Exception):
        pass

    import ccbench.eventlog._io as io_module

    original = io_module._write_parquet

    def failing(log: EventLog, path: Path) -> None:
        path.write_bytes(b"partial")
        raise Boom

    io_module._write_parquet = failing  # type: ignore[assignment]
    try:
        with pytest.raises(Boom):
            write_log(log, target)
    finally:
        io_module._write_parquet = original  # type: ignore[assignment]
    assert list(tmp_path.iterdir()) == []


def test_written_log_has_default_permissions(example_path: Path, tmp_path: Path) -> None:
    """An atomically written log gets the umask's permissions, not mkstemp's 0600."""
    import os

    umask = os.umask(0o022)
    try:
        path = write_log(read_log(example_path), tmp_path / "x.parquet")
    finally:
        os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o644
