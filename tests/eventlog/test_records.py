"""Records to columns and the per-event checks: types that fit, ranges, free text."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccbench import EventSchemaError
from ccbench.eventlog import (
    FIELDS,
    MAX_SEQ,
    MAX_TEXT_LENGTH,
    MAX_TS_MS,
    check_table,
    table_from_records,
)
from tests.support.hand_logs import status_event


def _violations(**fields: Any) -> list[tuple[str, str]]:
    return [(v.rule, v.message) for v in check_table(table_from_records([status_event(**fields)]))]


def test_range_edges_are_accepted() -> None:
    """ts 0 and MAX_TS_MS, seq 0 and MAX_SEQ, a 256-character id: no violation."""
    for fields in (
        {"ts": 0, "seq": 0},
        {"ts": MAX_TS_MS, "seq": MAX_SEQ},
        {"event_id": "x" * MAX_TEXT_LENGTH, "account": "é" * MAX_TEXT_LENGTH},
    ):
        assert _violations(**fields) == []


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("ts", MAX_TS_MS + 1, "expected an integer >= 0 and <= 253402300799999"),
        ("ts", 4 * 10**18, "expected an integer >= 0 and <= 253402300799999"),
        ("seq", MAX_SEQ + 1, "expected an integer >= 0 and <= 9007199254740991"),
        ("seq", -1, "expected an integer >= 0 and <= 9007199254740991"),
    ],
)
def test_out_of_range_times_and_seqs_are_violations(field: str, value: int, expected: str) -> None:
    """A ts or seq outside the contract's range breaks schema.<field>, naming the range."""
    [(rule, message)] = _violations(**{field: value})
    assert rule == f"schema.{field}"
    assert expected in message and str(value) in message


@pytest.mark.parametrize(
    ("field", "value"),
    [("ts", 2**63), ("seq", -(2**63) - 1), ("agent_id", 2**64 - 1), ("ts", 10**30)],
)
def test_integers_beyond_the_column_name_their_line(field: str, value: int) -> None:
    """A value no int64 holds is refused while reading records, with its line and field."""
    records = [status_event(), status_event(event_id="e2", **{field: value})]
    with pytest.raises(EventSchemaError) as caught:
        table_from_records(records, first_line=10)
    assert (caught.value.line, caught.value.field) == (11, field)
    assert FIELDS[field].expectation() in str(caught.value)


def test_small_columns_refuse_what_they_cannot_hold() -> None:
    """csat is int8: 300 is named with its line (it used to fail in Arrow with no line)."""
    record = {
        "event_id": "e1",
        "ts": 1,
        "seq": 1,
        "kind": "survey.answered",
        "account": "acme",
        "conversation_id": "c",
        "csat": 300,
    }
    with pytest.raises(EventSchemaError) as caught:
        table_from_records([record])
    assert (caught.value.line, caught.value.field) == (1, "csat")
    assert "expected an integer >= 1 and <= 5, got 300" in str(caught.value)


@pytest.mark.parametrize(
    "value", ["a\x00b", "\x00", "a\nb", "tab\there", " lead", "trail ", "a\x7fb", "a\x85b", ""]
)
def test_control_characters_and_edges_in_free_text_are_violations(value: str) -> None:
    """NUL, newline, tab, DEL and C1 characters anywhere, spaces at the ends: schema.event_id."""
    [(rule, message)] = _violations(event_id=value)
    assert rule == "schema.event_id"
    assert "without control characters" in message


def test_long_free_text_names_its_length_not_its_value() -> None:
    """A 20 MiB id is one violation whose message gives the length (the value is not echoed)."""
    huge = "x" * (20 * 1024 * 1024)
    [(rule, message)] = _violations(conversation_id=None, event_id=huge)
    assert rule == "schema.event_id"
    assert message == f"field 'event_id': expected at most 256 characters, got {len(huge)}"
    assert len(message) < 100
    violations = check_table(table_from_records([status_event(event_id="x" * 300, status="busy")]))
    assert all(len(v.message) < 200 and len(v.event_id or "") <= 80 for v in violations)


_TEXT_CHARS = st.characters(min_codepoint=0, max_codepoint=0x2FF, blacklist_categories=("Cs",))


@given(st.text(_TEXT_CHARS, max_size=6))
def test_the_text_rule_means_the_same_in_python_and_re2(value: str) -> None:
    """check_table (RE2) and Python's re agree on the free-text pattern for any string."""
    pattern = FIELDS["event_id"].pattern
    assert pattern is not None
    re2 = pc.match_substring_regex(pa.array([value]), pattern.pattern)[0].as_py()
    assert re2 == (pattern.fullmatch(value) is not None)
    expected = (
        value != ""
        and not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in value)
        and value[0] != " "
        and value[-1] != " "
    )
    assert re2 == expected
