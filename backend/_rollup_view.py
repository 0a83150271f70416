"""The rollup's view of one account: segments in start order with running totals (base)
plus recent changes (delta).

RollupBase holds every segment of a snapshot in start order with its settled
contribution ``V`` and, before every :data:`BLOCK` segments, the running totals
of ``V`` per (agent, skill) and per (agent, skill, source) (:class:`Totals`);
:class:`RollupDelta` the current segments of the conversations changed since,
and the (agent, skill) pairs of both tiers. backend/_rollup_cells.py answers a
query from a :class:`RollupView`: sums per (interval, agent, skill), exact
integers (backend/_rollup.py describes the scheme, docs/backend.md the
guarantees).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow.compute as pc

from ._rollup_segments import CHANGED_SQL, FIELDS, SegmentArrays, SnapshotCursor

__all__ = ["BLOCK", "Filters", "RollupBase", "RollupDelta", "RollupView", "Totals"]

Array = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]

#: Segments between two snapshots of the running totals (a sum up to a position adds at
#: most half this many segments to a snapshot); more when a level has more groups.
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
        mask = self.agent_mask(agent, group, user_type) & self.skill_mask(skill)
        if self.source is not None:
            mask &= source == self.source
        return mask

    def agent_mask(self, agent: Array, group: Array, user_type: npt.NDArray[np.object_]) -> Mask:
        """Which agents (with their roster group and user type) the filters keep."""
        mask = np.ones(len(agent), dtype=bool)
        if self.agents is not None:
            mask &= _among(agent, self.agents)
        if self.groups is not None:
            # agents missing from the roster (group -1) match no group list
            mask &= _among(group, self.groups) & (group >= 0)
        if self.user_type is not None:
            mask &= user_type == self.user_type
        return mask

    def skill_mask(self, skill: Array) -> Mask:
        """Which skills the filters keep."""
        if self.skills is None:
            return np.ones(len(skill), dtype=bool)
        return _among(skill, self.skills)


def _among(values: Array, wanted: tuple[int, ...]) -> Mask:
    """``np.isin(values, wanted)``; by a set lookup per value for a few thousand values
    (np.isin's fixed cost is larger there)."""
    if len(values) > 4096:
        return np.isin(values, np.asarray(wanted, dtype=np.int64))
    found = set(wanted)
    return np.fromiter(map(found.__contains__, values.tolist()), bool, len(values))


@dataclass(frozen=True, slots=True)
class Totals:
    """The base's segments in groups, by (agent, skill) or by (agent, skill, source):
    each segment's group (``of_segment``) and, before every ``block`` segments in start
    order (:data:`BLOCK`), the running totals of ``V`` per group. Group ``g`` is agent
    ``agents[agent_of[g]]`` (``agent_group``, ``agent_user_type``: its roster facts),
    skill ``skills[skill_of[g]]``, source ``source[g]`` (no sources: the (agent, skill)
    level) and pair ``pair[g]`` of :attr:`RollupBase.pairs`."""

    agents: Array
    agent_group: Array
    agent_user_type: npt.NDArray[np.object_]
    skills: Array
    agent_of: Array
    skill_of: Array
    source: npt.NDArray[np.object_] | None
    pair: Array
    of_segment: Array
    block: int
    snapshots: Array  # (segments // block + 1, groups, len(FIELDS))

    def keep(self, filters: Filters) -> Mask:
        """Which groups the filters keep (:meth:`Filters.match` of their segments; the
        source filter only on the (agent, skill, source) level)."""
        agents = filters.agent_mask(self.agents, self.agent_group, self.agent_user_type)
        mask: Mask = agents[self.agent_of] & filters.skill_mask(self.skills)[self.skill_of]
        if filters.source is not None and self.source is not None:
            mask &= self.source == filters.source
        return mask

    def prefix(self, values: Array, p: int) -> Array:
        """``(groups, fields)``: the sums of ``values`` (``V`` in start order) per group
        over the first ``p`` segments: a snapshot and at most BLOCK / 2 segments."""
        block = self.block
        b = p // block
        # from the nearer snapshot: the one before p plus [b * block, p), or the next one
        # minus [p, (b + 1) * block)
        if p - b * block > block // 2 and b + 1 < self.snapshots.shape[0]:
            lo, hi, b, sign = p, (b + 1) * block, b + 1, -1
        else:
            lo, hi, sign = b * block, p, 1
        out: Array = self.snapshots[b].copy()
        width = out.shape[1]
        cell = self.of_segment[lo:hi, None] * width + np.arange(width)
        rows = values[lo:hi].reshape(-1)
        np.add.at(out.reshape(-1), cell.reshape(-1), rows if sign > 0 else -rows)
        return out


def _levels(segs: SegmentArrays, block: int) -> tuple[Totals, Totals, Array]:
    """The (agent, skill) and (agent, skill, source) groups of ``segs`` (start order), and
    the (agent, skill) pairs, sorted."""
    agents, first, agent_at = np.unique(segs.agent, return_index=True, return_inverse=True)
    skills, skill_at = np.unique(segs.skill, return_inverse=True)
    width = max(len(skills), 1)
    pair_code = agent_at.reshape(-1) * width + skill_at.reshape(-1)
    pair_codes, pair_of = np.unique(pair_code, return_inverse=True)
    sources = segs.source.tolist()
    names = [None, *sorted({s for s in sources if s is not None})]
    at = {name: i for i, name in enumerate(names)}
    source_of = np.fromiter(map(at.__getitem__, sources), np.int64, len(sources))
    keys, key_of = np.unique(pair_of.reshape(-1) * len(names) + source_of, return_inverse=True)

    def level(of_segment: Array, pair: Array, source: npt.NDArray[np.object_] | None) -> Totals:
        code = pair_codes[pair]
        # a block of at least one segment per group: the snapshots never hold more rows
        # than there are segments, however many groups
        size = max(block, len(pair))
        return Totals(
            agents=agents,
            agent_group=segs.group[first],
            agent_user_type=segs.user_type[first],
            skills=skills,
            agent_of=code // width,
            skill_of=code % width,
            source=source,
            pair=pair,
            of_segment=of_segment,
            block=size,
            snapshots=_snapshots(of_segment, segs.values, len(pair), size),
        )

    by_pair = level(pair_of.reshape(-1), np.arange(len(pair_codes)), None)
    by_key = level(
        key_of.reshape(-1), keys // len(names), np.asarray(names, dtype=object)[keys % len(names)]
    )
    pairs = np.stack((agents[pair_codes // width], skills[pair_codes % width]), axis=1)
    return by_pair, by_key, pairs.reshape(-1, 2)


def _snapshots(of_segment: Array, values: Array, groups: int, block: int) -> Array:
    """``(blocks, groups, fields)``: the totals of ``V`` per group before each block."""
    n, width = values.shape[0], len(FIELDS)
    blocks = n // block + 1
    cell = ((np.arange(n) // block) * groups + of_segment)[:, None] * width + np.arange(width)
    per_block = np.zeros(blocks * groups * width, dtype=np.int64)
    np.add.at(per_block, cell.reshape(-1), values.reshape(-1))
    out = np.zeros((blocks, groups * width), dtype=np.int64)
    sums = per_block.reshape(blocks, groups * width)
    for b in range(1, blocks):  # a running sum block by block (numpy's along rows is slow)
        np.add(out[b - 1], sums[b - 1], out=out[b])
    return out.reshape(blocks, groups, width)


@dataclass(frozen=True, slots=True)
class RollupBase:
    """All segments of a snapshot in start order, with running totals per (agent, skill)
    and per (agent, skill, source)."""

    version: int  # projection_changes version of the snapshot
    roster: Mapping[int, tuple[int, str]]  # agent -> (group, user type)
    segs: SegmentArrays
    pairs: Array  # (pairs, 2): the distinct (agent, skill), sorted
    by_pair: Totals
    by_key: Totals

    @classmethod
    def read(
        cls, cur: SnapshotCursor, *, account: str, version: int, block: int = BLOCK
    ) -> RollupBase:
        """The account's segments in the snapshot ``cur`` (``block``: the least
        :attr:`Totals.block`)."""
        params = {"account": account}
        roster = {
            int(a): (int(g), str(u)) for a, g, u in cur.execute(_ROSTER_SQL, params).fetchall()
        }
        segs = SegmentArrays.read(cur, account=account, roster=roster, since=None)
        by_pair, by_key, pairs = _levels(segs, block)
        return cls(
            version=version, roster=roster, segs=segs, pairs=pairs, by_pair=by_pair, by_key=by_key
        )

    def level(self, filters: Filters) -> Totals:
        """The groups a query adds up: one per (agent, skill) kept; with a source filter,
        the (agent, skill, source) groups, of which one per (agent, skill) is kept."""
        return self.by_pair if filters.source is None else self.by_key


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
