"""Event ids of a share's events: n counts, from 1, a conversation's events at one
millisecond in conversation order, whichever way _event_ids gets there."""

from __future__ import annotations

from collections import Counter

import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from ccbench.records._part import _event_ids


def _table(rows: list[tuple[int, int, int]]) -> pa.Table:
    """A kind's rows (conversation, ms, position), as _finish hands them over."""
    return pa.table(
        {
            "ts": pa.array([ts for _, ts, _ in rows], pa.int64()),
            "kind": pa.array(["message.sent"] * len(rows), pa.string()),
            "conversation_id": pa.array([f"c{conv}" for conv, _, _ in rows], pa.string()),
            "_conv": pa.array([conv for conv, _, _ in rows], pa.int64()),
            "_pos": pa.array([pos for _, _, pos in rows], pa.int64()),
        }
    )


def _expected(rows: list[tuple[int, int, int]]) -> list[str]:
    """The ids worked out one by one: rows visited in (conversation, position) order."""
    seen: Counter[tuple[int, int]] = Counter()
    ids: dict[int, str] = {}
    for i in sorted(range(len(rows)), key=lambda i: (rows[i][0], rows[i][2])):
        conv, ts, _ = rows[i]
        seen[conv, ts] += 1
        ids[i] = f"c{conv}:message.sent:{ts}:{seen[conv, ts]}"
    return [ids[i] for i in range(len(rows))]


def test_events_at_one_millisecond_are_numbered_in_conversation_order() -> None:
    """Two messages of c0 at 5 ms get :1 and :2 by position, c1's at 5 ms starts again at
    :1; the rows in time order (the one-key path) or not (the three-column sort)."""
    in_time = [(0, 5, 0), (0, 5, 1), (0, 7, 2), (1, 5, 0)]
    assert _event_ids(_table(in_time)).to_pylist() == [
        "c0:message.sent:5:1",
        "c0:message.sent:5:2",
        "c0:message.sent:7:1",
        "c1:message.sent:5:1",
    ]
    out_of_time = [(0, 7, 0), (0, 5, 1), (0, 5, 2), (1, 5, 0)]
    assert _event_ids(_table(out_of_time)).to_pylist() == [
        "c0:message.sent:7:1",
        "c0:message.sent:5:1",
        "c0:message.sent:5:2",
        "c1:message.sent:5:1",
    ]


@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.one_of(st.integers(0, 4), st.integers(2**48, 2**48 + 1))),
        max_size=30,
    ),
    st.booleans(),
)
def test_event_ids_match_a_count_by_hand(drawn: list[tuple[int, int]], in_time: bool) -> None:
    """Rows of any conversations and times (some past 2**48, beyond the one key), in time
    order within each conversation or not, get the ids counted one by one."""
    if in_time:
        drawn = sorted(drawn)
    rows = [(conv, ts, pos) for pos, (conv, ts) in enumerate(drawn)]
    assert _event_ids(_table(rows)).to_pylist() == _expected(rows)
