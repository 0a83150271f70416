"""The rollup's view of one account: prefix sums per key (base) plus recent changes (delta).

:class:`RollupBase` holds every segment of a snapshot sorted by key =
(agent, skill, source) and start, with running totals of their settled
contributions; :class:`RollupDelta` the current segments of the
conversations changed since. :meth:`RollupView.sums` answers one query:
sums per (agent, skill) and interval, exact integers (backend/_rollup.py
describes the scheme, docs/backend.md the guarantees).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow.compute as pc

from ._rollup_segments import CHANGED_SQL, FIELDS, SegmentArrays, SnapshotCursor, SortedPairs

__all__ = ["Filters", "Groups", "RollupBase", "RollupDelta", "RollupView"]

Array = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]

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
class RollupBase:
    """All segments of a snapshot as prefix sums per (agent, skill, source) key."""

    version: int  # projection_changes version of the snapshot
    roster: Mapping[int, tuple[int, str]]  # agent -> (group, user type)
    segs: SegmentArrays
    key_first: Array  # position of each key's first segment (keys in segment order)
    seg_key: Array
    by_key: SortedPairs
    cum: Array  # (segments + 1, len(FIELDS)): running totals of V
    by_start: Array  # segment positions sorted by start_ts
    start_sorted: Array
    settle_sorted: Array

    @classmethod
    def read(cls, cur: SnapshotCursor, *, account: str, version: int) -> RollupBase:
        params = {"account": account}
        roster = {
            int(a): (int(g), str(u)) for a, g, u in cur.execute(_ROSTER_SQL, params).fetchall()
        }
        segs = SegmentArrays.read(cur, account=account, roster=roster, since=None)
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
            by_key=SortedPairs.of(seg_key, segs.start),
            cum=cum,
            by_start=by_start,
            start_sorted=segs.start[by_start],
            settle_sorted=segs.settle[by_start],
        )


@dataclass(frozen=True, slots=True)
class RollupDelta:
    """The current segments of the conversations changed since the base's snapshot."""

    version: int
    segs: SegmentArrays
    stale: Mask | None  # base segments whose conversation changed (None: none)

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

    base: RollupBase
    delta: RollupDelta

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
