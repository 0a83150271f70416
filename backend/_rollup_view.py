"""The rollup's view of one account: segments in start order with running totals (base)
plus recent changes (delta).

:class:`RollupBase` holds every segment of a snapshot in start order, each with
its key = (agent, skill, source) and settled contribution ``V``, and before
every :data:`BLOCK` segments a snapshot of the running totals of ``V`` per key;
:class:`RollupDelta` the current segments of the conversations changed since,
and the (agent, skill) pairs of both tiers. backend/_rollup_cells.py answers a
query from a :class:`RollupView`: sums per (interval, agent, skill), exact
integers (backend/_rollup.py describes the scheme, docs/backend.md the
guarantees).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import repeat

import numpy as np
import numpy.typing as npt
import pyarrow.compute as pc

from ._rollup_segments import CHANGED_SQL, FIELDS, SegmentArrays, SnapshotCursor

__all__ = ["BLOCK", "Filters", "Keys", "RollupBase", "RollupDelta", "RollupView"]

Array = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]

#: Segments between two snapshots of the running totals (a sum up to a position adds at
#: most this many segments to a snapshot).
BLOCK = 2048
_ROSTER_SQL = "SELECT agent_id, group_id, user_type FROM roster_agents WHERE account = $account"


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


@dataclass(frozen=True, slots=True)
class Keys:
    """The distinct (agent, skill, source) of the base's segments, sorted by them, with
    the agent's roster facts and the index of each key's (agent, skill) pair."""

    agent: Array
    skill: Array
    source: npt.NDArray[np.object_]
    group: Array
    user_type: npt.NDArray[np.object_]
    pair: Array

    def match(self, filters: Filters) -> Mask:
        """Which keys the filters keep."""
        return filters.match(self.agent, self.skill, self.source, self.group, self.user_type)


def _keys(segs: SegmentArrays) -> tuple[Keys, Array, Array]:
    """The keys, each segment's key index, and the (agent, skill) pairs (sorted)."""
    sources = segs.source.tolist()
    names = sorted({s for s in sources if s is not None})
    code = {name: i + 1 for i, name in enumerate(names)}  # 0: no source
    source = np.fromiter(map(code.get, sources, repeat(0)), np.int64, len(sources))
    order = np.lexsort((source, segs.skill, segs.agent))
    n = order.shape[0]
    new_key = np.ones(n, dtype=bool)
    new_pair = np.ones(n, dtype=bool)
    if n > 1:
        a, s, c = segs.agent[order], segs.skill[order], source[order]
        new_pair[1:] = (a[1:] != a[:-1]) | (s[1:] != s[:-1])
        new_key[1:] = new_pair[1:] | (c[1:] != c[:-1])
    seg_key = np.empty(n, dtype=np.int64)
    seg_key[order] = np.cumsum(new_key) - 1
    first = order[new_key]  # a segment of each key
    pair = np.cumsum(new_pair)[new_key] - 1
    keys = Keys(
        agent=segs.agent[first],
        skill=segs.skill[first],
        source=segs.source[first],
        group=segs.group[first],
        user_type=segs.user_type[first],
        pair=pair.astype(np.int64),
    )
    pairs = np.stack((keys.agent, keys.skill), axis=1)[np.flatnonzero(np.diff(pair, prepend=-1))]
    return keys, seg_key, pairs.reshape(-1, 2)


def _snapshots(seg_key: Array, values: Array, keys: int) -> Array:
    """``(blocks, keys, fields)``: the totals of ``V`` per key before each block."""
    n, width = values.shape[0], len(FIELDS)
    blocks = n // BLOCK + 1
    cell = ((np.arange(n) // BLOCK) * keys + seg_key)[:, None] * width + np.arange(width)
    per_block = np.zeros(blocks * keys * width, dtype=np.int64)
    np.add.at(per_block, cell.reshape(-1), values.reshape(-1))
    out = np.zeros((blocks, keys, width), dtype=np.int64)
    np.cumsum(per_block.reshape(blocks, keys, width)[:-1], axis=0, out=out[1:])
    return out


@dataclass(frozen=True, slots=True)
class RollupBase:
    """All segments of a snapshot in start order, with per-key running totals."""

    version: int  # projection_changes version of the snapshot
    roster: Mapping[int, tuple[int, str]]  # agent -> (group, user type)
    segs: SegmentArrays
    seg_key: Array
    keys: Keys
    pairs: Array  # (pairs, 2): the distinct (agent, skill), sorted
    snapshots: Array  # (segments // BLOCK + 1, keys, len(FIELDS))

    @classmethod
    def read(cls, cur: SnapshotCursor, *, account: str, version: int) -> RollupBase:
        params = {"account": account}
        roster = {
            int(a): (int(g), str(u)) for a, g, u in cur.execute(_ROSTER_SQL, params).fetchall()
        }
        segs = SegmentArrays.read(cur, account=account, roster=roster, since=None)
        keys, seg_key, pairs = _keys(segs)
        return cls(
            version=version,
            roster=roster,
            segs=segs,
            seg_key=seg_key,
            keys=keys,
            pairs=pairs,
            snapshots=_snapshots(seg_key, segs.values, keys.agent.shape[0]),
        )

    def prefix(self, p: int) -> Array:
        """``(keys, fields)``: the sums of ``V`` per key over the first ``p`` segments."""
        b = p // BLOCK
        out: Array = self.snapshots[b].copy()
        width = out.shape[1]
        cell = self.seg_key[b * BLOCK : p, None] * width + np.arange(width)
        np.add.at(out.reshape(-1), cell.reshape(-1), self.segs.values[b * BLOCK : p].reshape(-1))
        return out


@dataclass(frozen=True, slots=True)
class RollupDelta:
    """The current segments of the conversations changed since the base's snapshot, and
    the (agent, skill) pairs of both tiers (``pairs``, sorted; ``base_pair`` maps the
    base's pair indexes to them, ``seg_pair`` gives each delta segment's)."""

    version: int
    segs: SegmentArrays
    stale: Mask | None  # base segments whose conversation changed (None: none)
    pairs: Array
    base_pair: Array
    seg_pair: Array

    @classmethod
    def read(
        cls, cur: SnapshotCursor, *, account: str, base: RollupBase, version: int
    ) -> RollupDelta:
        segs = SegmentArrays.read(cur, account=account, roster=base.roster, since=base.version)
        changed = cur.sql(
            CHANGED_SQL, params={"account": account, "since": base.version}
        ).to_arrow_table()
        stale = None
        if changed.num_rows:
            hit = pc.is_in(base.segs.conv, value_set=changed.column(0).combine_chunks())
            stale = np.asarray(hit.to_numpy(zero_copy_only=False), dtype=bool)
        both = np.concatenate((base.pairs, np.stack((segs.agent, segs.skill), axis=1)))
        pairs, index = np.unique(both.reshape(-1, 2), axis=0, return_inverse=True)
        index = index.reshape(-1)
        n = base.pairs.shape[0]
        return cls(
            version=version,
            segs=segs,
            stale=stale,
            pairs=pairs.reshape(-1, 2),
            base_pair=index[:n],
            seg_pair=index[n:],
        )


@dataclass(frozen=True, slots=True)
class RollupView:
    """One consistent state of an account's segments (base + delta)."""

    base: RollupBase
    delta: RollupDelta
