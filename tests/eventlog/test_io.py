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


V1 = Path(__file__).resolve().parents[1] / "data" / "eventlog_v1"


@pytest.mark.parametrize("name", ["example_v1.ndjson", "example_v1.parquet"])
def test_format_1_log_still_reads(name: str, tmp_path: Path) -> None:
    """A file written by the format-1 code reads as format 2 with the new fields absent,
    and is written back as format 2 with the same events and roster."""
    from ccbench.eventlog import FORMAT_VERSION, validate

    path = V1 / name
    if name.endswith(".ndjson"):
        assert json.loads(path.read_text().splitlines()[0])["ccbench_eventlog"] == 1
    else:
        assert pq.read_schema(path).metadata[b"ccbench.eventlog.format"] == b"1"
        assert "direction" not in pq.read_schema(path).names  # the old column set
    log = read_log(path)
    assert validate(log) == []
    for new in ("direction", "visibility", "sla_policy"):
        assert log.table.column(new).null_count == len(log)
    assert "survey.sent" not in log.kind_counts()
    out = write_log(log, tmp_path / ("v2" + path.suffix))
    if name.endswith(".ndjson"):
        lines = out.read_text().splitlines()
        assert json.loads(lines[0])["ccbench_eventlog"] == FORMAT_VERSION == 2
        # the events are written byte for byte as format 1 wrote them
        assert lines[1:] == path.read_text().splitlines()[1:]
    else:
        assert pq.read_schema(out).metadata[b"ccbench.eventlog.format"] == b"2"
    back = read_log(out)
    assert back.table.equals(log.table) and back.roster == log.roster


def test_both_v1_files_hold_the_same_log() -> None:
    """The format-1 NDJSON and Parquet fixtures read to the same table and roster."""
    a, b = read_log(V1 / "example_v1.ndjson"), read_log(V1 / "example_v1.parquet")
    assert a.table.equals(b.table) and a.roster == b.roster


@pytest.mark.parametrize("version", [0, 3, "2", True, None])
def test_unknown_ndjson_version_is_refused(tmp_path: Path, version: object) -> None:
    """A header version other than 1 or 2 gets one line naming the versions read."""
    path = tmp_path / "a.ndjson"
    path.write_text(json.dumps({"ccbench_eventlog": version, "roster": ROSTER.to_dict()}) + "\n")
    with pytest.raises(LogFormatError, match=r"versions 1, 2 are read\), got"):
        read_log(path)


def test_unknown_parquet_version_is_refused(tmp_path: Path) -> None:
    """Parquet metadata naming format 3 is refused with the accepted versions."""
    log = EventLog.from_records([], roster=ROSTER)
    path = write_log(log, tmp_path / "a.parquet")
    table = pq.read_table(path)
    meta = dict(table.schema.metadata)
    meta[b"ccbench.eventlog.format"] = b"3"
    pq.write_table(table.replace_schema_metadata(meta), path)
    with pytest.raises(LogFormatError, match=r"format': expected one of 1, 2, got '3'"):
        read_log(path)


def test_format_2_fields_and_roster_round_trip(tmp_path: Path) -> None:
    """direction, visibility, sla_policy, survey.sent, busy and the roster's business
    hours and policy clock survive Parquet -> NDJSON -> Parquet."""
    roster = Roster.from_dict(
        {
            "account": "acme",
            "timezone": "Europe/Paris",
            "groups": [{"id": 1}],
            "business_hours": [{"days": ["mon", "fri"], "start": "09:00", "end": "18:00"}],
            "sla_policies": [{"id": "p", "first_response_ms": 60000, "clock": "business"}],
        }
    )
    base = {"account": "acme", "conversation_id": "c"}
    records = [
        {**base, "event_id": "a", "ts": 1, "seq": 0, "kind": "conversation.opened",
         "site": "s", "channel": "chat", "source": "WEB", "consumer_id": "u",
         "direction": "outbound", "sla_policy": "p"},
        {**base, "event_id": "b", "ts": 2, "seq": 1, "kind": "message.sent",
         "sender_role": "agent", "agent_id": 1, "visibility": "internal"},
        {**base, "event_id": "c", "ts": 3, "seq": 2, "kind": "survey.sent"},
        {"account": "acme", "event_id": "d", "ts": 4, "seq": 3, "kind": "agent.status",
         "agent_id": 1, "status": "busy"},
    ]  # fmt: skip
    log = EventLog.from_records(records, roster=roster)
    convert_log(write_log(log, tmp_path / "a.parquet"), tmp_path / "a.ndjson")
    back = convert_log(tmp_path / "a.ndjson", tmp_path / "b.parquet")
    assert back.table.equals(log.table) and back.roster == roster
    assert list(back.records()) == records
    assert back.roster.to_dict()["business_hours"] == [
        {"days": ["mon", "fri"], "start": "09:00", "end": "18:00"}
    ]
