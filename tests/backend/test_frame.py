"""backend/_frame.py: the account's events in log order, the segments projection beside them,
and the frame rebuilt after every committed write (derived data keyed by the store version)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from backend import Store
from backend._frame import NEVER, frame_of, kind_code, kind_mask
from ccbench.eventlog import EventKind, EventLog, Roster
from tests.support.backend import synthetic_log


def _store(conversations: int) -> tuple[Store, EventLog]:
    roster, records = synthetic_log(conversations=conversations, agents=3)
    log = EventLog.from_records(records, roster=Roster.from_dict(roster))
    store = Store(path=":memory:")
    store.put_roster(roster=log.roster)
    return store, log


def _ingest(store: Store, table: pa.Table) -> None:
    store.ingest(account="acme", table=table)


def test_rows_are_in_log_order_and_segments_start_at_the_accepts() -> None:
    """Batches ingested newest first still give rows sorted by (ts, seq); segment i starts at
    the i-th accept row, at its ts, and an open segment ends at NEVER."""
    store, log = _store(conversations=30)
    table = log.table
    half = table.num_rows // 2
    _ingest(store, table.slice(half))
    _ingest(store, table.slice(0, half))
    frame = frame_of(store, account="acme")
    assert frame is not None
    assert frame.ts.tolist() == table.column("ts").to_pylist()  # the log is sorted already
    accepts = np.flatnonzero(frame.kind == kind_code(EventKind.ASSIGNMENT_ACCEPTED))
    assert frame.segs.start_row.tolist() == accepts.tolist()
    assert frame.segs.start_ts.tolist() == frame.ts[accepts].tolist()
    assert (frame.segs.end_ts[frame.segs.end_ts != NEVER] > frame.segs.start_ts[
        frame.segs.end_ts != NEVER]).all()  # fmt: skip
    # every conversation of the synthetic log is closed: no segment is open at the end
    assert not frame.segs.open_at(int(frame.ts[-1]) + 1).any()
    store.close()


def test_visible_prefix_is_strictly_before_now() -> None:
    """visible(now) counts rows with ts < now: an event at now is not seen (section 0)."""
    store, log = _store(conversations=5)
    _ingest(store, log.table)
    frame = frame_of(store, account="acme")
    assert frame is not None
    t = int(frame.ts[3])
    assert frame.visible(t) == int(np.count_nonzero(frame.ts < t))
    assert frame.visible(t + 1) == int(np.count_nonzero(frame.ts <= t))
    store.close()


def test_a_write_makes_a_new_frame_and_memos_are_built_once_per_frame() -> None:
    """The same frame object until an ingest commits; a memo factory runs once per frame."""
    store, log = _store(conversations=10)
    table = log.table
    _ingest(store, table.slice(0, 20))
    first = frame_of(store, account="acme")
    assert first is not None and frame_of(store, account="acme") is first
    calls = []
    first.memo("x", lambda f: calls.append(f) or len(calls))
    first.memo("x", lambda f: calls.append(f) or len(calls))
    assert len(calls) == 1
    _ingest(store, table.slice(20))
    second = frame_of(store, account="acme")
    assert second is not None and second is not first and second.ts.shape[0] == table.num_rows
    assert frame_of(Store(path=":memory:"), account="acme") is None  # no roster: no frame
    store.close()


def test_kind_mask_marks_the_rows_of_the_kinds() -> None:
    """Codes of opened, closed, a note (-1) and queued: opened or closed marks rows 0 and 1."""
    kinds = np.array(
        [kind_code(EventKind.CONVERSATION_OPENED), kind_code(EventKind.CONVERSATION_CLOSED), -1,
         kind_code(EventKind.CONVERSATION_QUEUED)],
        dtype=np.int8,
    )  # fmt: skip
    got = kind_mask(kinds, EventKind.CONVERSATION_OPENED, EventKind.CONVERSATION_CLOSED)
    assert got.tolist() == [True, True, False, False]
    assert kind_mask(kinds).tolist() == [False] * 4
