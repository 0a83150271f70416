"""One snapshot's segments as numpy arrays: the rows the rollup adds up.

:class:`SegmentArrays` reads, through a :class:`SnapshotCursor`, the
``segments`` rows of one account (or of the conversations changed since a
version) in start order (``start_ts``, then segment id), with each
segment's settled contribution ``V`` (one int64 per name in :data:`FIELDS`)
and its counted messages. :meth:`SegmentArrays.at_now` gives the
contribution of a segment judged at an earlier ``now`` (backend/_rollup.py
explains when that differs from ``V``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import pyarrow as pa

__all__ = ["CHANGED_SQL", "FIELDS", "SegmentArrays", "SnapshotCursor", "SortedPairs"]

# The sums per segment group, in this order (backend/_agent_segments.py derives the metrics).
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

Array = npt.NDArray[np.int64]

_ORDER = "start_ts, segment_id"
#: The conversations changed after version ``$since`` (the delta's scope).
CHANGED_SQL = (
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


class Relation(Protocol):
    """A query result that converts to Arrow (DuckDB's relation)."""

    def to_arrow_table(self) -> pa.Table:
        """The whole result as one Arrow table."""
        ...


class Rows(Protocol):
    """An executed statement whose rows are fetched as tuples (DuckDB's cursor)."""

    def fetchall(self) -> list[tuple[Any, ...]]:
        """Every row of the result."""
        ...


class SnapshotCursor(Protocol):
    """What the rollup reads a snapshot through: a DuckDB connection, as far as it is used."""

    def sql(self, query: str, *, params: Mapping[str, object]) -> Relation:
        """Run ``query`` with named ``$`` parameters."""
        ...

    def execute(self, query: str, parameters: Mapping[str, object]) -> Rows:
        """Run ``query`` with named ``$`` parameters."""
        ...


def _composite(major: Array, ts: Array, t0: int, span: int) -> Array:
    """(major, ts) pairs as one sortable int64: major * span + (ts clipped - t0)."""
    return major * span + (np.clip(ts, t0, t0 + span - 1) - t0)


@dataclass(frozen=True, slots=True)
class SortedPairs:
    """Rows sorted by (major, ts), searchable for "first row >= (major, t)".

    Each row gets one int64 key that grows with (major, ts): ``major * span +
    offset``. The offset is ts - (least ts) while (majors) x (ts span) stays
    below 2**62 (every real log); otherwise it is the rank of ts among the
    distinct ts values (``times``), so keys stay below (rows + 1)**2 whatever
    the ts values are (any the contract accepts: docs/eventlog.md).
    """

    comp: Array
    t0: int
    span: int
    times: Array | None = None  # the distinct ts values, when keys use ranks

    @classmethod
    def of(cls, major: Array, ts: Array) -> SortedPairs:
        t0 = int(ts.min()) if len(ts) else 0
        span = (int(ts.max()) - t0 + 2) if len(ts) else 2
        if (int(major.max()) + 1 if len(major) else 1) * span < 2**62:
            return cls(comp=_composite(major, ts, t0, span), t0=t0, span=span)
        times = np.unique(ts)
        span = len(times) + 1
        return cls(comp=major * span + np.searchsorted(times, ts), t0=0, span=span, times=times)

    def search(self, major: Array, ts: Array) -> Array:
        """Index of the first row with (major, ts) >= the given pair (numpy broadcast)."""
        if self.times is None:
            q = _composite(major, ts, self.t0, self.span)
        else:
            # the rank of the first distinct ts >= t: rows of this major before it are < t
            q = major * self.span + np.searchsorted(self.times, ts, side="left")
        return np.searchsorted(self.comp, q, side="left").astype(np.int64)


@dataclass(frozen=True, slots=True)
class SegmentArrays:
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
    msg_index: SortedPairs  # counted messages by (segment position, ts)
    msg_first: Array  # (segments + 1,): each segment's first message in that order
    msg_cum: Array  # (messages + 1, 2): running (response count, response sum)

    @classmethod
    def read(
        cls,
        cur: SnapshotCursor,
        *,
        account: str,
        roster: Mapping[int, tuple[int, str]],
        since: int | None,
    ) -> SegmentArrays:
        """All segments of ``account``, or (``since``) those of conversations changed after it."""
        params: dict[str, object] = {"account": account}
        where = ""
        if since is not None:
            where = f"AND conversation_id IN ({CHANGED_SQL})"
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
        pos = col(msgs, "pos")
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
            msg_index=SortedPairs.of(pos, col(msgs, "ts")),
            msg_first=np.searchsorted(pos, np.arange(len(agent) + 1)).astype(np.int64),
            msg_cum=msg_cum,
        )

    def at_now(self, idx: Array, now: int) -> Array:
        """Contributions of segments ``idx`` judged at ``now`` (events with ts < now)."""
        out = np.take(self.values, idx, axis=0)
        out[:, _ENDED_ONLY] *= (self.end[idx] < now)[:, None]
        out[:, _FIRST_ONLY] *= (self.first[idx] < now)[:, None]
        # counted messages at or after now: count those before now from the message arrays
        late = self.last[idx] >= now
        if late.any():
            p = idx[late]
            begin = self.msg_first[p]
            stop = self.msg_index.search(p, np.full(len(p), now, dtype=np.int64))
            resp = self.msg_cum[stop] - self.msg_cum[begin]
            out[late, _F["msgs"]] = stop - begin
            out[late, _F["r_n"]] = resp[:, 0]
            out[late, _F["r_sum"]] = resp[:, 1]
        return out
