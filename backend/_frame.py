"""One account's events in log order as numpy columns, read from DuckDB and kept in memory.

The seed 000, 001 and 002 endpoints (agent performance, report, supervision)
answer from this frame. It is derived data, like the segment rollup
(backend/_rollup.py): made from the ``events`` table on the first request
after a committed write (:meth:`Store.version` changed) and reused by every
later request of the account, so a query costs array masks and binary
searches over the frame, never a scan in SQL. Rows are in log order
``(ts, seq)`` (docs/metrics.md section 0): "before", "first" and "latest"
are row comparisons, and the visible rows at ``now`` are the prefix
``[0, visible(now))``.

Codes: ``kind`` indexes :data:`KINDS`; ``role`` :data:`ROLES`, ``closed_by``
:data:`CLOSERS` (-1 when absent); ``conv`` indexes ``conv_ids`` (-1 for agent
events); integer columns hold -1 for null (every contract integer is >= 0,
except ``mcs_alerted``, not read here).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from ccbench.eventlog import CLOSED_BY, SENDER_ROLES, EventKind, Roster

from ._store import Store, read_roster
from ._versioned import PerVersion

__all__ = [
    "CLOSERS",
    "KINDS",
    "NEVER",
    "ROLES",
    "Frame",
    "Segments",
    "frame_of",
    "frame_ready",
    "kind_code",
    "kind_mask",
]

T = TypeVar("T")
I64 = npt.NDArray[np.int64]
KINDS: tuple[str, ...] = tuple(k.value for k in EventKind)
ROLES: tuple[str, ...] = tuple(SENDER_ROLES)
CLOSERS: tuple[str, ...] = tuple(CLOSED_BY)

_INT_COLUMNS = (
    "ts", "agent_id", "skill_id", "csat", "csat_welcome", "csat_response_time", "csat_quality",
    "amount_minor",
)  # fmt: skip
_TEXT_COLUMNS = (
    "site", "channel", "consumer_id", "language", "bot_flow", "reason", "intent", "currency",
    "status", "direction", "sla_policy",
)  # fmt: skip


def kind_code(kind: EventKind) -> int:
    """The ``Frame.kind`` code of ``kind``."""
    return KINDS.index(kind.value)


def kind_mask(kind: npt.NDArray[np.int8], *kinds: EventKind) -> npt.NDArray[np.bool_]:
    """Where the ``kind`` codes are any of ``kinds``: one comparison per kind, several times
    faster than ``np.isin`` over a frame's 10**6 rows."""
    out = np.zeros(kind.shape[0], dtype=bool)
    for k in kinds:
        out |= kind == kind_code(k)
    return out


def _codes(column: pa.ChunkedArray, values: tuple[str, ...]) -> npt.NDArray[np.int8]:
    found = pc.index_in(column, value_set=pa.array(values, pa.string()))
    return np.asarray(found.fill_null(-1).to_numpy(), dtype=np.int8)


@dataclass(frozen=True, slots=True)
class Segments:
    """The ``segments`` projection (backend/_projection.py), in start order (log order of
    the accepts), so segment ``i`` starts at the i-th ``assignment.accepted`` row.

    ``end_ts`` is :data:`NEVER` while no end event is stored; a segment is open at
    ``now`` when ``start_ts < now <= end_ts`` (docs/metrics.md 1.1). ``first_ts`` is
    ``first(s)`` (-1 without one); ``start_kind`` the accept's reason.
    """

    conv: I64
    agent: I64
    skill: I64
    start_row: I64
    start_ts: I64
    start_kind: npt.NDArray[np.object_]
    end_ts: I64
    first_ts: I64

    def open_at(self, now_ms: int) -> npt.NDArray[np.bool_]:
        return (self.start_ts < now_ms) & (self.end_ts >= now_ms)


#: end_ts of a segment without a stored end event.
NEVER = np.iinfo(np.int64).max


@dataclass(frozen=True, slots=True)
class Frame:
    """The events of one account, row ``i`` the i-th in log order (see the module doc)."""

    roster: Roster
    ts: I64
    kind: npt.NDArray[np.int8]
    role: npt.NDArray[np.int8]
    closed_by: npt.NDArray[np.int8]
    conv: I64
    conv_ids: tuple[str, ...]
    ints: dict[str, I64]
    texts: dict[str, npt.NDArray[np.object_]]
    segs: Segments
    _memo: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    # re-entrant: one index may be built from another (the report uses the presence walk)
    _memo_lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)

    def memo(self, name: str, factory: Callable[[Frame], T]) -> T:
        """``factory(self)`` made once per frame: a family's own index over these rows."""
        with self._memo_lock:
            if name not in self._memo:
                self._memo[name] = factory(self)
            return self._memo[name]  # type: ignore[no-any-return]

    @property
    def n_conv(self) -> int:
        return len(self.conv_ids)

    def visible(self, now_ms: int) -> int:
        """Number of rows with ``ts < now_ms`` (the visible prefix, section 0)."""
        return int(np.searchsorted(self.ts, now_ms, side="left"))

    def rows(self, kind: EventKind) -> I64:
        """Rows of one event kind, ascending."""
        return np.flatnonzero(self.kind == kind_code(kind)).astype(np.int64)

    def integer(self, name: str) -> I64:
        return self.ints[name]

    def text(self, name: str) -> npt.NDArray[np.object_]:
        return self.texts[name]


#: The kind column as the backend reads it: an internal note (a message.sent with visibility
#: internal) is kind ``note``, which is none of the contract's kinds, so no computation
#: that reads messages sees it (docs/metrics.md section 0, "Internal notes").
NOTE_AS_KIND = (
    "CASE WHEN kind = 'message.sent' AND visibility = 'internal' THEN 'note' ELSE kind END AS kind"
)


def _read(cur: Any, columns: str, account: str) -> tuple[pa.Table, pa.Table]:
    """The account's events in log order, and its segments in start order."""
    table = cur.sql(
        f"SELECT {columns} FROM events WHERE account = ? ORDER BY ts, seq", params=[account]
    ).to_arrow_table()
    seg_table = cur.sql(
        "SELECT s.conversation_id, s.agent_id, s.skill_id, s.start_ts, s.start_kind, "
        "coalesce(s.end_ts, ?) AS end_ts, coalesce(s.first_ts, -1) AS first_ts "
        "FROM segments s JOIN events e ON e.account = s.account AND e.event_id = s.segment_id "
        "WHERE s.account = ? ORDER BY s.start_ts, e.seq",
        params=[int(NEVER), account],
    ).to_arrow_table()
    return table, seg_table


def load_frame(store: Store, *, account: str) -> Frame | None:
    """Read the roster and every event of ``account`` from the store, in log order
    (None without a roster). The roster, events and segments come from one transaction:
    the state after some whole number of committed batches (docs/backend.md)."""
    columns = ", ".join(
        (NOTE_AS_KIND, "sender_role", "closed_by", "conversation_id", *_INT_COLUMNS,
         *_TEXT_COLUMNS)
    )  # fmt: skip
    with store.reader() as base:
        # a cursor of its own: relational (zero-copy Arrow) queries refuse to run on a
        # cursor whose last DB-API result is unfinished
        cur = base.cursor()
        try:
            cur.execute("BEGIN TRANSACTION").fetchall()
            doc = read_roster(cur, account=account)
            if doc is None:
                return None
            table, seg_table = _read(cur, columns, account)
        finally:
            cur.close()  # closing a cursor ends its read-only transaction
    roster = Roster.from_dict(doc)
    conv_col = pc.dictionary_encode(table.column("conversation_id")).combine_chunks()
    conv_ids = tuple(str(x) for x in conv_col.dictionary.to_pylist())
    ints = {
        name: np.asarray(table.column(name).fill_null(-1).to_numpy(), dtype=np.int64)
        for name in _INT_COLUMNS
    }
    texts = {
        name: np.asarray(table.column(name).to_numpy(zero_copy_only=False), dtype=object)
        for name in _TEXT_COLUMNS
    }
    kind = _codes(table.column("kind"), KINDS)

    def seg_int(name: str) -> I64:
        return np.asarray(seg_table.column(name).to_numpy(), dtype=np.int64)

    segs = Segments(
        conv=np.asarray(
            pc.index_in(seg_table.column("conversation_id"), value_set=conv_col.dictionary)
            .fill_null(-1)
            .to_numpy(),
            dtype=np.int64,
        ),
        agent=seg_int("agent_id"),
        skill=seg_int("skill_id"),
        start_row=np.flatnonzero(kind == kind_code(EventKind.ASSIGNMENT_ACCEPTED)).astype(np.int64),
        start_ts=seg_int("start_ts"),
        start_kind=np.asarray(seg_table.column("start_kind").to_pylist(), dtype=object),
        end_ts=seg_int("end_ts"),
        first_ts=seg_int("first_ts"),
    )
    return Frame(
        roster=roster,
        ts=ints.pop("ts"),
        kind=kind,
        role=_codes(table.column("sender_role"), ROLES),
        closed_by=_codes(table.column("closed_by"), CLOSERS),
        conv=np.asarray(conv_col.indices.fill_null(-1).to_numpy(), dtype=np.int64),
        conv_ids=conv_ids,
        ints=ints,
        texts=texts,
        segs=segs,
    )


def frame_of(store: Store, *, account: str) -> Frame | None:
    """The account's current frame (None while it has no roster)."""
    return _frames(store).get(store, account=account)


def frame_ready(store: Store, *, account: str) -> bool:
    """Whether :func:`frame_of` would answer at once (no rebuild pending); never blocks."""
    return _frames(store).ready(store, account=account)


def _frames(store: Store) -> PerVersion[Frame | None]:
    return store.cached(name="frame", factory=lambda: PerVersion(_load))


def _load(store: Store, account: str) -> Frame | None:
    return load_frame(store, account=account)
