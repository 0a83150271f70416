"""Prefix-sum rollup of the segment projection: msgagentsegments sums without a scan.

The rollup is an in-memory image of one account's ``segments`` and
``segment_messages`` rows in two tiers, both read from DuckDB snapshots:

**Base** (rebuilt rarely): segments in start order. For each segment it keeps
its **settled contribution** ``V`` (the sums of ``FIELDS`` it adds to its
group once every fact of it is visible) and, every ``BLOCK`` segments, a
snapshot of the running totals of ``V`` per (agent, skill) and per (agent,
skill, source). The sums of a group over start times ``[a, b)`` are the
totals at the position of ``b`` minus those at ``a`` (binary search on the
start times), each a snapshot plus at most half a block of segments; a query
with many short intervals adds up its window's segments directly instead
(backend/_rollup_cells.py). Window edges and interval boundaries fall at any
millisecond: no bucket granularity.

A segment is **settled** at ``now`` when ``now >= settle_ts``: for an ended
segment ``settle_ts = end_ts + 1`` (its end event is visible, and so is every
message before it); for an open one, one past its last counted message (or
its start). The window's segments with ``settle_ts > now`` (ending or writing
at or after ``now``: none in real-time use, many under a test clock) are
corrected one by one: ``V`` is replaced by the contribution at ``now`` (no
duration or outcome unless the end is visible, only messages and responses
before ``now``, counted from per-segment message arrays, also
binary-searched).

**Delta** (rebuilt after every write): the current segments of the
conversations that writes recomputed since the base was read (table
``projection_changes``), handled one by one like the unsettled ones; their
stale base rows are subtracted out. When the delta grows past a fraction of
the base, or a new roster arrives, the base is rebuilt. Rows of
``projection_changes`` at or below the base's version are no longer needed:
the cache tells the store (``Store.hold_changes``), which prunes them.

This module keeps the current view per account (:class:`RollupCache`);
backend/_rollup_segments.py reads a snapshot's segments into arrays,
backend/_rollup_view.py holds them with their running totals and
backend/_rollup_cells.py adds them up for a query.

Every sum is an exact integer, so the answer equals a scan of the projection
(docs/backend.md). The arithmetic is int64, which wraps around modulo 2**64
(numpy arrays never raise): running totals over a whole account may wrap
(a segment open until year 9999 contributes ~2.5e14 ms), but every answer
is the sum over the segments starting in the window of terms each below the
timeframe (<= 24 h: durations, waits and responses of what is visible before
now), so it fits int64 for up to 10**11 segments in a window, and a sum that
fits is exact whatever wrapped on the way. The messages' search keys never
overflow (``SortedPairs``): the rollup answers for any ts the contract accepts.
The snapshots hold at most one row of sums per segment (a block has at least
as many segments as its level has groups).
"""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager
from typing import Protocol

from ._rollup_segments import SnapshotCursor
from ._rollup_view import RollupBase, RollupDelta, RollupView

__all__ = ["ChangeStore", "RollupCache"]

# The base is rebuilt when the delta holds more conversations than this share of it,
# or more change-log rows than _DELTA_ROWS times that (the log the delta reads, and
# what the store may not prune, stay bounded even when the same conversations change
# in every batch).
_DELTA_SHARE = 8
_DELTA_MIN = 2_000
_DELTA_ROWS = 8
_HOLDER = "segment_rollup"

_VERSION_SQL = (
    "SELECT coalesce(max(version), 0), coalesce(min(version), 0) "
    "FROM projection_changes WHERE account = $account"
)
_PENDING_SQL = (
    "SELECT count(*) FILTER (WHERE conversation_id IS NULL), count(DISTINCT conversation_id), "
    "count(*) FROM projection_changes WHERE account = $account AND version > $since"
)


class ChangeStore(Protocol):
    """What the cache needs of the store (backend/_store.py's Store implements it)."""

    def version(self, *, account: str) -> int:
        """The account's in-memory write counter, bumped after every commit."""
        ...

    def hold_changes(self, *, account: str, holder: str, through: int) -> None:
        """Declare that ``holder`` no longer needs change-log rows at or below ``through``."""
        ...

    def snapshot(self) -> AbstractContextManager[SnapshotCursor]:
        """A cursor on one committed snapshot of the database."""
        ...


class RollupCache:
    """The current :class:`RollupView` of each account of one store, refreshed on demand.

    ``view`` checks the store's in-memory write counter first (no database
    access while nothing changed); after a write it reads, in one snapshot,
    either just the delta or, when the delta grew large or the roster
    changed, a new base. One thread refreshes an account while that account's
    other requests wait; each account has its own lock, so another account's
    requests never wait for it.
    ``delta_min``: the least number of changed conversations that triggers a
    base rebuild (more when the base holds over 8 times as many segments).
    """

    def __init__(self, *, delta_min: int = _DELTA_MIN) -> None:
        self._guard = threading.Lock()  # only around making an account's lock
        self._locks: dict[str, threading.Lock] = {}
        self._views: dict[str, tuple[int, RollupView]] = {}
        self._delta_min = delta_min

    def ready(self, store: ChangeStore, *, account: str) -> bool:
        """Whether :meth:`view` would answer at once (nothing written since the last
        refresh); no lock and no database access, so the event loop may ask."""
        hit = self._views.get(account)
        return hit is not None and hit[0] == store.version(account=account)

    def view(self, store: ChangeStore, *, account: str) -> RollupView:
        """The view of ``account`` including every write committed before this call."""
        hit = self._views.get(account)
        if hit is not None and hit[0] == store.version(account=account):
            return hit[1]
        with self._guard:
            lock = self._locks.setdefault(account, threading.Lock())
        with lock:
            counter = store.version(account=account)  # read before the data
            hit = self._views.get(account)
            if hit is not None and hit[0] == counter:
                return hit[1]
            if hit is None:
                # before the first snapshot: from now on the store keeps every change
                store.hold_changes(account=account, holder=_HOLDER, through=0)
            with store.snapshot() as cur:
                view = self._refresh(cur, account, None if hit is None else hit[1])
            # an account's refreshes are serialised by its lock and bases only move forward:
            # no later refresh reads changes at or below this base's version
            store.hold_changes(account=account, holder=_HOLDER, through=view.base.version)
            self._views[account] = (counter, view)
            return view

    def _refresh(self, cur: SnapshotCursor, account: str, old: RollupView | None) -> RollupView:
        params: dict[str, object] = {"account": account}
        version, oldest = (int(v) for v in cur.execute(_VERSION_SQL, params).fetchall()[0])
        if old is not None and old.delta.version == version:
            return old
        # oldest > base + 1: changes the delta needs were pruned (by another holder's
        # release): only a new base is correct then
        if old is not None and oldest <= old.base.version + 1:
            params["since"] = old.base.version
            resets, conversations, rows = cur.execute(_PENDING_SQL, params).fetchall()[0]
            limit = max(self._delta_min, len(old.base.segs.start) // _DELTA_SHARE)
            if not resets and conversations <= limit and rows <= _DELTA_ROWS * limit:
                delta = RollupDelta.read(cur, account=account, base=old.base, version=version)
                return RollupView(base=old.base, delta=delta)
        base = RollupBase.read(cur, account=account, version=version)
        return RollupView(
            base=base, delta=RollupDelta.read(cur, account=account, base=base, version=version)
        )
