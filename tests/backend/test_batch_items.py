"""Splitting ingest bodies into events without decoding them: lines, array items, limits."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend._batch_items import MAX_EVENT_BYTES, batch_items
from ccbench import EventSchemaError


def _items(body: bytes, *, ndjson: bool) -> list[tuple[int, Any]]:
    return [(line, orjson.loads(raw)) for line, raw in batch_items(body, ndjson=ndjson)]


def _error(body: bytes, *, ndjson: bool) -> EventSchemaError:
    with pytest.raises(EventSchemaError) as caught:
        list(batch_items(body, ndjson=ndjson))
    return caught.value


def test_ndjson_lines_keep_their_physical_numbers() -> None:
    """Blank and whitespace-only lines are skipped but counted; CRLF endings are fine."""
    body = b'\n{"a":1}\r\n  \n\t\n{"b":2}\n\n\n{"c":3}'
    assert _items(body, ndjson=True) == [(2, {"a": 1}), (5, {"b": 2}), (8, {"c": 3})]
    assert _items(b"\n" * 1_000_000, ndjson=True) == []
    assert _items(b"", ndjson=True) == []


def test_an_overlong_line_is_refused_by_its_size() -> None:
    """A line over MAX_EVENT_BYTES is refused with its number, before any decoding."""
    body = b'{"a":1}\n' + b"x" * (MAX_EVENT_BYTES + 1) + b"\n"
    error = _error(body, ndjson=True)
    assert error.line == 2
    assert f"holds {MAX_EVENT_BYTES + 1} bytes; an event takes at most" in str(error)
    fits = b'{"a":"' + b"y" * (MAX_EVENT_BYTES - 8) + b'"}'
    assert len(fits) == MAX_EVENT_BYTES and len(_items(fits, ndjson=True)) == 1


def test_array_items_are_numbered_from_one() -> None:
    """Items of a JSON array, any whitespace between them; empty arrays hold none."""
    body = b' [ {"a":"[{,}]\\"x"} ,\n{"b":2}\t]\n'
    assert _items(body, ndjson=False) == [(1, {"a": '[{,}]"x'}), (2, {"b": 2})]
    for empty in (b"[]", b" [ \n ] ", b"[\t]\r\n"):
        assert _items(empty, ndjson=False) == []


@pytest.mark.parametrize(
    ("body", "line", "field", "text"),
    [
        (b'{"a": 1}', None, None, "expected a JSON array of events"),
        (b"", None, None, "expected a JSON array of events"),
        (b'[{"a":1} {"b":2}]', 1, None, "expected ',' or ']' after the item"),
        (b'[{"a":1}] x', None, None, "data after the array's closing ']'"),
        (b'[{"a":1},]', 2, None, "not valid JSON"),
        (b'[{"a":1}, 5]', 2, None, "expected a JSON object, got 5 (int)"),
        (b'[{"event_id": ["x"]}]', 1, "event_id", "expected a string, got ['x'] (list)"),
        (b'[{"ts": {"t": 1}}]', 1, "ts", "expected an integer"),
        (b'[{"a":1', 1, None, "not valid JSON"),
    ],
)
def test_array_problems_name_the_item(
    body: bytes, line: int | None, field: str | None, text: str
) -> None:
    """Malformed arrays and items that are no flat object: one error naming the item."""
    error = _error(body, ndjson=False)
    assert (error.line, error.field) == (line, field)
    assert text in str(error)


def test_a_nested_array_item_is_refused_without_decoding_it() -> None:
    """An item holding 3 MB of nested objects is refused at its first 64 KiB."""
    body = b'[{"a":[' + b"{}," * 1_000_000 + b"{}]}]"
    error = _error(body, ndjson=False)
    assert error.line == 1
    assert f"expected an event of at most {MAX_EVENT_BYTES} bytes" in str(error)


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
_VALUES = st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1), _TEXT)
_RECORDS = st.lists(st.dictionaries(_TEXT, _VALUES, max_size=5), max_size=8)
_SPACE = st.sampled_from(["", " ", "\n", "\t", "\r\n", "  \n "])


@given(records=_RECORDS, spaces=st.lists(_SPACE, min_size=20, max_size=20))
def test_any_flat_records_split_back_exactly(
    records: list[dict[str, Any]], spaces: list[str]
) -> None:
    """Flat objects with any strings (quotes, braces, brackets, escapes, colons) encoded as
    an array with any whitespace, or as NDJSON, come back item by item, in order."""
    parts = [orjson.dumps(r) for r in records]
    ws = [s.encode() for s in spaces]
    array = ws[0] + b"[" + ws[1]
    array += b",".join(p + ws[2 + i % 10] for i, p in enumerate(parts)) + b"]" + ws[19]
    assert [r for _, r in _items(array, ndjson=False)] == records
    lines = b"".join(p + b"\n" + (b"\n" if i % 2 else b"") for i, p in enumerate(parts))
    got = _items(lines, ndjson=True)
    assert [r for _, r in got] == records
    assert [line for line, _ in got] == [1 + i + i // 2 for i in range(len(parts))]
