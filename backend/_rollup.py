"""Prefix-sum rollup of the segment projection: msgagentsegments sums without a scan.

The rollup is an in-memory image of one account's ``segments`` and
``segment_messages`` rows in two tiers, both read from DuckDB snapshots:

**Base** (rebuilt rarely): segments sorted by (key, start_ts) with key =
(agent, skill, source). For each segment it keeps its **settled
contribution** ``V`` (the sums of ``FIELDS`` it adds to its group once every
fact of it is visible) and a running total ``cum`` of ``V`` in that order, so
the sum over the segments of key ``k`` with ``start_ts`` in ``[a, b)`` is
``cum[j] - cum[i]``, ``i`` and ``j`` found by binary search. Window edges and
interval boundaries fall at any millisecond: no bucket granularity.

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

Every sum is an exact integer, so the answer equals a scan of the projection
(docs/backend.md).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["FIELDS", "Filters", "Groups", "RollupCache", "RollupView"]

# The sums per segment group, in this order (backend/_segments.py derives the metrics).
FIELDS = (
    "seg",
    "msgs",
    "ended",
    "dur",
    "interactive",
    "abandoned",
    "nr_consumers",
    "nr_agents",
    "f_n",
    "f_sum",
    "ft_n",
    "ft_sum",
    "fn_n",
    "fn_sum",
    "r_n",
    "r_sum",
)
_F = {name: i for i, name in enumerate(FIELDS)}
# Fields that count only for ended segments, and those that need first(s) visible.
_ENDED_ONLY = [
    _F[n] for n in ("ended", "dur", "interactive", "abandoned", "nr_consumers", "nr_agents")
]
_FIRST_ONLY = [_F[n] for n in ("f_n", "f_sum", "ft_n", "ft_sum", "fn_n", "fn_sum")]
_MAX = np.iinfo(np.int64).max
_MIN = np.iinfo(np.int64).min
# The base is rebuilt when the delta holds more conversations than this share of it,
# or more change-log rows than _DELTA_ROWS times that (the log the delta reads, and
# what the store may not prune, stay bounded even when the same conversations change
# in every batch).
_DELTA_SHARE = 8
_DELTA_MIN = 2_000
_DELTA_ROWS = 8
_HOLDER = "segment_rollup"

Array = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]

_ORDER = "agent_id, skill_id, source NULLS FIRST, start_ts, segment_id"
_CHANGED = (
    "SELECT conversation_id FROM projection_changes WHERE account = $account AND version > $since"
)

# Facts and settled contribution V of each segment (docs/metrics.md 2.2).
_SEGMENTS_SQL = f"""
SELECT conversation_id, agent_id, skill_id, source, start_ts,
    coalesce(end_ts, {_MAX}) AS end_ts,
    coalesce(first_ts, {_MAX}) AS first_ts,
    coalesce(last_ts, {_MIN}) AS last_ts,
    CASE WHEN end_ts IS NOT NULL THEN end_ts + 1
         ELSE greatest(start_ts, coalesce(last_ts, start_ts)) + 1 END AS settle_ts,
    1::BIGINT AS seg,
    msg_count AS msgs,
    (end_ts IS NOT NULL)::BIGINT AS ended,
    coalesce(end_ts - start_ts, 0) AS dur,
    (end_ts IS NOT NULL AND msg_count > 0 AND consumer_after_first)::BIGINT AS interactive,
    (end_ts IS NOT NULL AND msg_count = 0 AND end_kind = 'close_consumer')::BIGINT AS abandoned,
    (end_ts IS NOT NULL AND msg_count > 0 AND NOT consumer_after_first)::BIGINT AS nr_consumers,
    (end_ts IS NOT NULL AND msg_count = 0 AND end_kind <> 'close_consumer')::BIGINT AS nr_agents,
    (first_ts IS NOT NULL AND start_kind IN ('new', 'transfer', 'back_to_queue'))::BIGINT AS f_n,
    CASE WHEN start_kind IN ('new', 'transfer', 'back_to_queue')
         THEN coalesce(first_ts - start_ts, 0) ELSE 0 END AS f_sum,
    (first_ts IS NOT NULL AND start_kind IN ('transfer', 'back_to_queue'))::BIGINT AS ft_n,
    CASE WHEN start_kind IN ('transfer', 'back_to_queue')
         THEN coalesce(first_ts - start_ts, 0) ELSE 0 END AS ft_sum,
    (first_ts IS NOT NULL AND start_kind = 'new')::BIGINT AS fn_n,
    CASE WHEN start_kind = 'new' THEN coalesce(first_ts - start_ts, 0) ELSE 0 END AS fn_sum,
    resp_n AS r_n,
    resp_sum AS r_sum
FROM segments WHERE account = $account {{where}}
ORDER BY {_ORDER}
"""

# Counted messages by segment position (the order of _SEGMENTS_SQL), then ts.
_MESSAGES_SQL = f"""
WITH pos AS (
    SELECT segment_id, row_number() OVER (ORDER BY {_ORDER}) - 1 AS pos
    FROM segments WHERE account = $account {{where}}
)
SELECT p.pos, m.ts, (m.latency IS NOT NULL)::BIGINT AS has_lat, coalesce(m.latency, 0) AS lat
FROM segment_messages m JOIN pos p ON p.segment_id = m.segment_id
WHERE m.account = $account
ORDER BY p.pos, m.ts
"""

_ROSTER_SQL = "SELECT agent_id, group_id, user_type FROM roster_agents WHERE account = $account"
_VERSION_SQL = (
    "SELECT coalesce(max(version), 0), coalesce(min(version), 0) "
    "FROM projection_changes WHERE account = $account"
)
_PENDING_SQL = (
    "SELECT count(*) FILTER (WHERE conversation_id IS NULL), count(DISTINCT conversation_id), "
    "count(*) FROM projection_changes WHERE account = $account AND version > $since"
)


@dataclass(frozen=True, slots=True)
class Filters:
    """The query's segment filters (None: no filter); see docs/metrics.md 2.1."""

    agents: tuple[int, ...] | None = None
    skills: tuple[int, ...] | None = None
    source: str | None = None
    groups: tuple[int, ...] | None = None
    user_type: str | None = None

    def match(
        self,
        agent: Array,
        skill: Array,
        source: npt.NDArray[np.object_],
        group: Array,
        user_type: npt.NDArray[np.object_],
    ) -> Mask:
        """Which rows (segments or keys) the filters keep."""
        mask = np.ones(len(agent), dtype=bool)
        if self.agents is not None:
            mask &= np.isin(agent, np.asarray(self.agents, dtype=np.int64))
        if self.skills is not None:
            mask &= np.isin(skill, np.asarray(self.skills, dtype=np.int64))
        if self.source is not None:
            mask &= source == self.source
        if self.groups is not None:
            # agents missing from the roster (group -1) match no group list
            mask &= np.isin(group, np.asarray(self.groups, dtype=np.int64)) & (group >= 0)
        if self.user_type is not None:
            mask &= user_type == self.user_type
        return mask


def _composite(major: Array, ts: Array, t0: int, span: int) -> Array:
    """(major, ts) pairs as one sortable int64: major * span + (ts clipped - t0)."""
    return major * span + (np.clip(ts, t0, t0 + span - 1) - t0)


@dataclass(frozen=True, slots=True)
class _Sorted:
    """Rows sorted by (major, ts), searchable for "first row >= (major, t)"."""

    comp: Array
    t0: int
    span: int

    @classmethod
    def of(cls, major: Array, ts: Array) -> _Sorted:
        t0 = int(ts.min()) if len(ts) else 0
        span = (int(ts.max()) - t0 + 2) if len(ts) else 2
        if (int(major.max()) + 1 if len(major) else 1) * span >= 2**62:
            raise OverflowError("time span too large for the rollup's int64 keys")
        return cls(comp=_composite(major, ts, t0, span), t0=t0, span=span)

    def search(self, major: Array, ts: Array) -> Array:
        """Index of the first row with (major, ts) >= the given pair (numpy broadcast)."""
        q = _composite(major, ts, self.t0, self.span)
        return np.searchsorted(self.comp, q, side="left").astype(np.int64)


@dataclass(frozen=True, slots=True)
class _Segments:
    """Segments in the order of _SEGMENTS_SQL, with their roster facts and messages."""

    conv: pa.ChunkedArray
    agent: Array
    skill: Array
    source: npt.NDArray[np.object_]
    group: Array  # roster group of the agent; -1 when the agent has no roster entry
    user_type: npt.NDArray[np.object_]  # None when the agent has no roster entry
    start: Array
    end: Array  # int64 max while open
    first: Array  # int64 max when M(s) is empty
    last: Array  # int64 min when M(s) is empty
    settle: Array
    values: Array  # (segments, len(FIELDS)): settled contributions V
    msg_index: _Sorted  # counted messages by (segment position, ts)
    msg_cum: Array  # (messages + 1, 2): running (response count, response sum)

    @classmethod
    def read(
        cls, cur: Any, *, account: str, roster: dict[int, tuple[int, str]], since: int | None
    ) -> _Segments:
        """All segments of ``account``, or (``since``) those of conversations changed after it."""
        params: dict[str, Any] = {"account": account}
        where = ""
        if since is not None:
            where = f"AND conversation_id IN ({_CHANGED})"
            params["since"] = since
        seg = cur.sql(_SEGMENTS_SQL.format(where=where), params=params).to_arrow_table()
        msgs = cur.sql(_MESSAGES_SQL.format(where=where), params=params).to_arrow_table()

        def col(table: pa.Table, name: str) -> Array:
            return np.asarray(table.column(name).to_numpy(), dtype=np.int64)

        agent = col(seg, "agent_id")
        facts = [roster.get(a, (-1, None)) for a in agent.tolist()]
        values = np.stack([col(seg, n) for n in FIELDS], axis=1).reshape(-1, len(FIELDS))
        resp = np.stack([col(msgs, "has_lat"), col(msgs, "lat")], axis=1).reshape(-1, 2)
        msg_cum = np.zeros((len(resp) + 1, 2), dtype=np.int64)
        np.cumsum(resp, axis=0, out=msg_cum[1:])
        return cls(
            conv=seg.column("conversation_id"),
            agent=agent,
            skill=col(seg, "skill_id"),
            source=np.asarray(seg.column("source").to_pylist(), dtype=object),
            group=np.array([g for g, _ in facts], dtype=np.int64),
            user_type=np.array([u for _, u in facts], dtype=object),
            start=col(seg, "start_ts"),
            end=col(seg, "end_ts"),
            first=col(seg, "first_ts"),
            last=col(seg, "last_ts"),
            settle=col(seg, "settle_ts"),
            values=values,
            msg_index=_Sorted.of(col(msgs, "pos"), col(msgs, "ts")),
            msg_cum=msg_cum,
        )

    def at_now(self, idx: Array, now: int) -> Array:
        """Contributions of segments ``idx`` judged at ``now`` (events with ts < now)."""
        out = self.values[idx].copy()
        out[:, _ENDED_ONLY] *= (self.end[idx] < now)[:, None]
        out[:, _FIRST_ONLY] *= (self.first[idx] < now)[:, None]
        # counted messages at or after now: count those before now from the message arrays
        late = self.last[idx] >= now
        if late.any():
            p = idx[late]
            begin = self.msg_index.search(p, np.full(len(p), _MIN, dtype=np.int64))
            stop = self.msg_index.search(p, np.full(len(p), now, dtype=np.int64))
            resp = self.msg_cum[stop] - self.msg_cum[begin]
            out[late, _F["msgs"]] = stop - begin
            out[late, _F["r_n"]] = resp[:, 0]
            out[late, _F["r_sum"]] = resp[:, 1]
        return out


@dataclass(frozen=True, slots=True)
class _Base:
    """All segments of a snapshot as prefix sums per (agent, skill, source) key."""

    version: int  # projection_changes version of the snapshot
    roster: dict[int, tuple[int, str]]  # agent -> (group, user type)
    segs: _Segments
    key_first: Array  # position of each key's first segment (keys in segment order)
    seg_key: Array
    by_key: _Sorted
    cum: Array  # (segments + 1, len(FIELDS)): running totals of V
    by_start: Array  # segment positions sorted by start_ts
    start_sorted: Array
    settle_sorted: Array

    @classmethod
    def read(cls, cur: Any, *, account: str, version: int) -> _Base:
        params = {"account": account}
        roster = {
            int(a): (int(g), str(u)) for a, g, u in cur.execute(_ROSTER_SQL, params).fetchall()
        }
        segs = _Segments.read(cur, account=account, roster=roster, since=None)
        # sorted by (agent, skill, source): a key starts wherever one of them changes
        n = len(segs.agent)
        change = np.ones(n, dtype=bool)
        if n > 1:
            change[1:] = (
                (segs.agent[1:] != segs.agent[:-1])
                | (segs.skill[1:] != segs.skill[:-1])
                | (segs.source[1:] != segs.source[:-1])
            )
        seg_key = np.cumsum(change, dtype=np.int64) - 1
        cum = np.zeros((n + 1, len(FIELDS)), dtype=np.int64)
        np.cumsum(segs.values, axis=0, out=cum[1:])
        by_start = np.argsort(segs.start, kind="stable").astype(np.int64)
        return cls(
            version=version,
            roster=roster,
            segs=segs,
            key_first=np.flatnonzero(change).astype(np.int64),
            seg_key=seg_key,
            by_key=_Sorted.of(seg_key, segs.start),
            cum=cum,
            by_start=by_start,
            start_sorted=segs.start[by_start],
            settle_sorted=segs.settle[by_start],
        )


@dataclass(frozen=True, slots=True)
class _Delta:
    """The current segments of the conversations changed since the base's snapshot."""

    version: int
    segs: _Segments
    stale: Mask | None  # base segments whose conversation changed (None: none)

    @classmethod
    def read(cls, cur: Any, *, account: str, base: _Base, version: int) -> _Delta:
        segs = _Segments.read(cur, account=account, roster=base.roster, since=base.version)
        changed = cur.sql(
            _CHANGED, params={"account": account, "since": base.version}
        ).to_arrow_table()
        stale = None
        if changed.num_rows:
            hit = pc.is_in(base.segs.conv, value_set=changed.column(0).combine_chunks())
            stale = np.asarray(hit.to_numpy(zero_copy_only=False), dtype=bool)
        return cls(version=version, segs=segs, stale=stale)


@dataclass(frozen=True, slots=True)
class Groups:
    """Sums per (agent, skill) group and interval: ``sums[g, interval, field]``.

    A group appears when one of its keys passed the filters; its count of
    segments (field ``seg``) may still be 0 in some or all intervals.
    """

    agent: Array
    skill: Array
    sums: Array


@dataclass(frozen=True, slots=True)
class RollupView:
    """One consistent state of an account's segments (base + delta)."""

    base: _Base
    delta: _Delta

    def sums(self, *, lo: int, now: int, step: int, n: int, filters: Filters) -> Groups:
        """Sums per (agent, skill) and interval (``n`` of ``step`` ms from ``lo``;
        ``lo + n*step == now``) of the filtered segments, as judged at ``now``."""
        b, segs = self.base, self.base.segs
        first = b.key_first
        keep = filters.match(
            segs.agent[first],
            segs.skill[first],
            segs.source[first],
            segs.group[first],
            segs.user_type[first],
        )
        sel = np.flatnonzero(keep)
        local = np.full(len(first), -1, dtype=np.int64)
        local[sel] = np.arange(len(sel))
        bounds = lo + step * np.arange(n + 1, dtype=np.int64)
        pos = b.by_key.search(sel[:, None], bounds[None, :])  # (keys, n + 1)
        sums = b.cum[pos[:, 1:]] - b.cum[pos[:, :-1]]  # (keys, n, fields)
        # the window's base segments whose V is not their contribution at now
        i, j = np.searchsorted(b.start_sorted, [lo, now], side="left")
        window = b.by_start[i:j]
        fix = b.settle_sorted[i:j] > now
        if self.delta.stale is not None:
            fix |= self.delta.stale[window]
        idx = window[fix]
        idx = idx[local[b.seg_key[idx]] >= 0]
        if len(idx):
            adjust = -segs.values[idx]
            live = (
                ~self.delta.stale[idx] if self.delta.stale is not None else np.ones(len(idx), bool)
            )
            adjust[live] += segs.at_now(idx[live], now)
            np.add.at(sums, (local[b.seg_key[idx]], (segs.start[idx] - lo) // step), adjust)
        # keys are sorted by (agent, skill, source): one group per run of (agent, skill)
        agent, skill = segs.agent[first[sel]], segs.skill[first[sel]]
        change = np.ones(len(sel), dtype=bool)
        change[1:] = (agent[1:] != agent[:-1]) | (skill[1:] != skill[:-1])
        runs = np.flatnonzero(change)
        grouped = (
            np.add.reduceat(sums, runs, axis=0)
            if len(runs)
            else np.zeros((0, n, len(FIELDS)), dtype=np.int64)
        )
        base = Groups(agent=agent[runs], skill=skill[runs], sums=grouped)
        return self._add_delta(base, lo=lo, now=now, step=step, filters=filters)

    def _add_delta(
        self, groups: Groups, *, lo: int, now: int, step: int, filters: Filters
    ) -> Groups:
        d = self.delta.segs
        if not len(d.start):
            return groups
        keep = (d.start >= lo) & (d.start < now)
        keep &= filters.match(d.agent, d.skill, d.source, d.group, d.user_type)
        idx = np.flatnonzero(keep)
        if not len(idx):
            return groups
        index = {
            pair: g
            for g, pair in enumerate(zip(groups.agent.tolist(), groups.skill.tolist(), strict=True))
        }
        gi = np.array(
            [
                index.setdefault(pair, len(index))
                for pair in zip(d.agent[idx].tolist(), d.skill[idx].tolist(), strict=True)
            ],
            dtype=np.int64,
        )
        sums = groups.sums
        if len(index) > len(sums):
            more = np.zeros((len(index) - len(sums), *sums.shape[1:]), dtype=np.int64)
            sums = np.concatenate([sums, more])
        np.add.at(sums, (gi, (d.start[idx] - lo) // step), d.at_now(idx, now))
        names = np.array(list(index), dtype=np.int64).reshape(-1, 2)
        return Groups(agent=names[:, 0], skill=names[:, 1], sums=sums)


class RollupCache:
    """The current :class:`RollupView` of each account of one store, refreshed on demand.

    ``view`` checks the store's in-memory write counter first (no database
    access while nothing changed); after a write it reads, in one snapshot,
    either just the delta or, when the delta grew large or the roster
    changed, a new base. One thread refreshes while the others wait.
    ``delta_min``: the least number of changed conversations that triggers a
    base rebuild (more when the base holds over 8 times as many segments).
    """

    def __init__(self, *, delta_min: int = _DELTA_MIN) -> None:
        self._lock = threading.Lock()
        self._views: dict[str, tuple[int, RollupView]] = {}
        self._delta_min = delta_min

    def view(self, store: Any, *, account: str) -> RollupView:
        """The view of ``account`` including every write committed before this call."""
        hit = self._views.get(account)
        if hit is not None and hit[0] == store.version(account=account):
            return hit[1]
        with self._lock:
            counter = store.version(account=account)  # read before the data
            hit = self._views.get(account)
            if hit is not None and hit[0] == counter:
                return hit[1]
            if hit is None:
                # before the first snapshot: from now on the store keeps every change
                store.hold_changes(account=account, holder=_HOLDER, through=0)
            with store.snapshot() as cur:
                view = self._refresh(cur, account, None if hit is None else hit[1])
            # refreshes are serialised by self._lock and bases only move forward:
            # no later refresh reads changes at or below this base's version
            store.hold_changes(account=account, holder=_HOLDER, through=view.base.version)
            self._views[account] = (counter, view)
            return view

    def _refresh(self, cur: Any, account: str, old: RollupView | None) -> RollupView:
        params: dict[str, Any] = {"account": account}
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
                delta = _Delta.read(cur, account=account, base=old.base, version=version)
                return RollupView(base=old.base, delta=delta)
        base = _Base.read(cur, account=account, version=version)
        return RollupView(
            base=base, delta=_Delta.read(cur, account=account, base=base, version=version)
        )
