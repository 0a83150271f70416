"""Prefix-sum rollup of the segment projection: msgagentsegments sums without a scan.

A :class:`SegmentRollup` is an immutable in-memory image of one account's
``segments`` and ``segment_messages`` rows (one committed snapshot), laid out
so that a query sums any half-open start-time range of any
(agent, skill, source) key in O(log n):

* segments are sorted by (key, start_ts); for each one the rollup keeps its
  **settled contribution** ``V`` (the 16 sums of ``_FIELDS`` it adds to its
  group once every fact of it is visible) and a running total ``cum`` of
  ``V`` in that order, so the sum over the segments of key ``k`` with
  ``start_ts`` in ``[a, b)`` is ``cum[j] - cum[i]`` where ``i``, ``j`` are
  found by binary search; window edges and interval boundaries fall at any
  millisecond, with no bucket granularity;
* a segment is **settled** at ``now`` when ``now >= settle_ts``: for an
  ended segment ``settle_ts = end_ts + 1`` (its end event is visible, and so
  is every message before it); for an open one, one past its last counted
  message (or its start). Only the segments of the window with
  ``settle_ts > now`` (ending or writing at or after ``now``; none in
  real-time use, many under a test clock) are corrected: their ``V`` is
  replaced by the contribution at ``now`` (open: no duration, no outcome;
  only messages and responses before ``now``, counted from the per-segment
  message arrays, also binary-searched).

Every sum is an exact integer, so the answer equals a scan of the projection
(docs/backend.md). The rollup is rebuilt from DuckDB in one read transaction
after an ingest or roster change (:meth:`backend.Store.derived`), never at
ingest time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["FIELDS", "SegmentRollup", "build_rollup"]

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
_ENDED_ONLY = [_F[n] for n in ("ended", "dur", "interactive", "abandoned", "nr_consumers")] + [
    _F["nr_agents"]
]
_FIRST_ONLY = [_F[n] for n in ("f_n", "f_sum", "ft_n", "ft_sum", "fn_n", "fn_sum")]
_MAX = np.iinfo(np.int64).max
_MIN = np.iinfo(np.int64).min

Array = npt.NDArray[np.int64]

_KEY = "agent_id, skill_id, source NULLS FIRST"

# Settled contribution V of each segment (the projection's facts, docs/metrics.md 2.2).
_SEGMENTS_SQL = f"""
SELECT dense_rank() OVER (ORDER BY {_KEY}) - 1 AS key,
    start_ts,
    coalesce(end_ts, {_MAX}) AS end_ts,
    coalesce(first_ts, {_MAX}) AS first_ts,
    coalesce(last_ts, {_MIN}) AS last_ts,
    CASE WHEN end_ts IS NOT NULL THEN end_ts + 1
         ELSE greatest(start_ts, coalesce(last_ts, start_ts)) + 1 END AS settle_ts,
    1 AS seg,
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
FROM segments WHERE account = $account
ORDER BY {_KEY}, start_ts, segment_id
"""

_KEYS_SQL = f"""
SELECT DISTINCT agent_id, skill_id, source FROM segments WHERE account = $account
ORDER BY {_KEY}
"""

# Counted messages by segment position (the order of _SEGMENTS_SQL), then ts.
_MESSAGES_SQL = f"""
WITH pos AS (
    SELECT segment_id, row_number() OVER (ORDER BY {_KEY}, start_ts, segment_id) - 1 AS pos
    FROM segments WHERE account = $account
)
SELECT p.pos, m.ts, (m.latency IS NOT NULL)::BIGINT AS has_lat, coalesce(m.latency, 0) AS lat
FROM segment_messages m JOIN pos p ON p.segment_id = m.segment_id
WHERE m.account = $account
ORDER BY p.pos, m.ts
"""

_ROSTER_SQL = "SELECT agent_id, group_id, user_type FROM roster_agents WHERE account = $account"


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
class Filters:
    """The query's segment filters (None: no filter); see docs/metrics.md 2.1."""

    agents: tuple[int, ...] | None = None
    skills: tuple[int, ...] | None = None
    source: str | None = None
    groups: tuple[int, ...] | None = None
    user_type: str | None = None


@dataclass(frozen=True, slots=True)
class SegmentRollup:
    """One snapshot of an account's segments as prefix sums; see the module docstring."""

    key_agent: Array  # per key (agent, skill, source), sorted by that triple
    key_skill: Array
    key_source: npt.NDArray[np.object_]
    key_group: Array  # roster group of the agent; -1 when the agent has no roster entry
    key_user_type: npt.NDArray[np.object_]  # None when the agent has no roster entry
    seg_key: Array  # per segment, sorted by (key, start_ts)
    seg_start: Array
    seg_end: Array  # int64 max while open
    seg_first: Array  # int64 max when M(s) is empty
    seg_last: Array  # int64 min when M(s) is empty
    by_key: _Sorted
    values: Array  # (segments, len(FIELDS)) settled contributions V
    cum: Array  # (segments + 1, len(FIELDS)) running totals of values
    by_start: Array  # segment positions sorted by start_ts
    start_sorted: Array  # seg_start[by_start]
    settle_sorted: Array  # settle_ts[by_start]
    msg_index: _Sorted  # counted messages by (segment position, ts)
    msg_cum: Array  # (messages + 1, 2): running (response count, response sum)

    def sums(
        self, *, lo: int, now: int, step: int, n: int, filters: Filters
    ) -> list[list[tuple[int, int, list[int]]]]:
        """Per interval (``n`` of ``step`` ms from ``lo``; ``lo + n*step == now``):
        (skill, agent, sums) rows of the groups with segments, as judged at ``now``."""
        empty: list[list[tuple[int, int, list[int]]]] = [[] for _ in range(n)]
        sel = np.flatnonzero(self._key_mask(filters))
        if len(sel) == 0:
            return empty
        bounds = lo + step * np.arange(n + 1, dtype=np.int64)
        pos = self.by_key.search(sel[:, None], bounds[None, :])  # (keys, n + 1)
        sums = self.cum[pos[:, 1:]] - self.cum[pos[:, :-1]]  # (keys, n, fields)
        self._correct_unsettled(sums, sel, lo=lo, now=now, step=step)
        # keys are sorted by (agent, skill, source): one group per run of (agent, skill)
        agent, skill = self.key_agent[sel], self.key_skill[sel]
        starts = np.flatnonzero(np.r_[True, (agent[1:] != agent[:-1]) | (skill[1:] != skill[:-1])])
        grouped = np.add.reduceat(sums, starts, axis=0)  # (groups, n, fields)
        out = empty
        groups, ivs = np.nonzero(grouped[:, :, 0])
        rows = grouped[groups, ivs].tolist()
        for g, iv, row in zip(groups.tolist(), ivs.tolist(), rows, strict=True):
            out[iv].append((int(skill[starts[g]]), int(agent[starts[g]]), row))
        return out

    def _key_mask(self, f: Filters) -> npt.NDArray[np.bool_]:
        mask = np.ones(len(self.key_agent), dtype=bool)
        if f.agents is not None:
            mask &= np.isin(self.key_agent, np.asarray(f.agents, dtype=np.int64))
        if f.skills is not None:
            mask &= np.isin(self.key_skill, np.asarray(f.skills, dtype=np.int64))
        if f.source is not None:
            mask &= self.key_source == f.source
        if f.groups is not None:
            # agents missing from the roster (group -1) match no group list
            mask &= np.isin(self.key_group, np.asarray(f.groups, dtype=np.int64)) & (
                self.key_group >= 0
            )
        if f.user_type is not None:
            mask &= self.key_user_type == f.user_type
        return mask

    def _correct_unsettled(self, sums: Array, sel: Array, *, lo: int, now: int, step: int) -> None:
        """Replace V by the contribution at ``now`` for the window's unsettled segments."""
        a, b = np.searchsorted(self.start_sorted, [lo, now], side="left")
        window = self.by_start[a:b]
        segs = window[self.settle_sorted[a:b] > now]
        if len(segs) == 0:
            return
        local = np.full(len(self.key_agent), -1, dtype=np.int64)
        local[sel] = np.arange(len(sel))
        segs = segs[local[self.seg_key[segs]] >= 0]
        if len(segs) == 0:
            return
        before = self.values[segs]
        after = before.copy()
        ended = self.seg_end[segs] < now
        after[:, _ENDED_ONLY] *= ended[:, None]
        first_seen = self.seg_first[segs] < now
        after[:, _FIRST_ONLY] *= first_seen[:, None]
        # messages at or after now: count those before now from the message arrays
        late = self.seg_last[segs] >= now
        if late.any():
            p = segs[late]
            begin = self.msg_index.search(p, np.full(len(p), _MIN, dtype=np.int64))
            stop = self.msg_index.search(p, np.full(len(p), now, dtype=np.int64))
            resp = self.msg_cum[stop] - self.msg_cum[begin]
            after[late, _F["msgs"]] = stop - begin
            after[late, _F["r_n"]] = resp[:, 0]
            after[late, _F["r_sum"]] = resp[:, 1]
        iv = (self.seg_start[segs] - lo) // step
        np.add.at(sums, (local[self.seg_key[segs]], iv), after - before)


def _column(data: dict[str, Any], name: str) -> Array:
    return np.asarray(data[name], dtype=np.int64)


def build_rollup(cur: Any, *, account: str) -> SegmentRollup:
    """The rollup of ``account`` read through ``cur`` (call inside one read transaction)."""
    params = {"account": account}
    seg = cur.execute(_SEGMENTS_SQL, params).fetchnumpy()
    keys = cur.execute(_KEYS_SQL, params).fetchall()
    msgs = cur.execute(_MESSAGES_SQL, params).fetchnumpy()
    roster = {int(a): (int(g), str(u)) for a, g, u in cur.execute(_ROSTER_SQL, params).fetchall()}
    key_agent = np.array([k[0] for k in keys], dtype=np.int64)
    # (group, user type) per key's agent; (-1, None) when the agent is not in the roster
    facts = [roster.get(int(a), (-1, None)) for a in key_agent]
    values = np.stack([_column(seg, name) for name in FIELDS], axis=1).reshape(-1, len(FIELDS))
    cum = np.zeros((len(values) + 1, len(FIELDS)), dtype=np.int64)
    np.cumsum(values, axis=0, out=cum[1:])
    seg_key, seg_start = _column(seg, "key"), _column(seg, "start_ts")
    by_start = np.argsort(seg_start, kind="stable").astype(np.int64)
    msg_resp = np.stack([_column(msgs, "has_lat"), _column(msgs, "lat")], axis=1).reshape(-1, 2)
    msg_cum = np.zeros((len(msg_resp) + 1, 2), dtype=np.int64)
    np.cumsum(msg_resp, axis=0, out=msg_cum[1:])
    return SegmentRollup(
        key_agent=key_agent,
        key_skill=np.array([k[1] for k in keys], dtype=np.int64),
        key_source=np.array([k[2] for k in keys], dtype=object),
        key_group=np.array([g for g, _ in facts], dtype=np.int64),
        key_user_type=np.array([u for _, u in facts], dtype=object),
        seg_key=seg_key,
        seg_start=seg_start,
        seg_end=_column(seg, "end_ts"),
        seg_first=_column(seg, "first_ts"),
        seg_last=_column(seg, "last_ts"),
        by_key=_Sorted.of(seg_key, seg_start),
        values=values,
        cum=cum,
        by_start=by_start,
        start_sorted=seg_start[by_start],
        settle_sorted=_column(seg, "settle_ts")[by_start],
        msg_index=_Sorted.of(_column(msgs, "pos"), _column(msgs, "ts")),
        msg_cum=msg_cum,
    )
