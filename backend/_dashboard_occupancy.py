"""Chat occupancy of the dashboard: busy and online ms of the kept human agents.

Section 3.6: an agent's online time in ``[start, now)``, and the part of it
covered by at least one of its chat segments kept by the skill filter (the
group filter keeps whole agents: a segment's group is its agent's). Both sets
are known in full once per index: a segment is busy over ``[start_ts,
end_ts)`` (no end: for ever), an agent online over ``[ts, next event's ts)``
after each presence event that leaves it online; at a now only the parts
before now count, which are exactly those intervals cut at now (an interval
reaching past now is one whose end is not visible yet).

So each agent's timeline is cut once into *pieces* at every boundary of its
chat segments and online intervals; a piece where the agent is online and busy
is kept with the set of skills busy there, as a bit mask over the agent's own
skills (at most 62 of them). Pieces of equal (agent, mask) form a *cell*, in
time order with running lengths, so a cell's busy-online ms in ``[start,
now)`` is two binary searches; a request sums the cells of kept agents whose
mask meets the kept skills. An agent with more than 62 skills among its chat
segments (no real roster) makes the index fall back to one sweep per request
over the visible boundaries (:func:`sweep`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ._dashboard_arrays import distinct
from ._dashboard_index import NEVER, DashboardIndex
from ._dashboard_params import DashboardQuery
from ._dashboard_presence import ONLINE, PresenceLog
from ._dashboard_roster import RosterArrays, kept_ids

__all__ = ["Occupancy", "occupancy_index", "sweep"]

I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]
MAX_BITS = 62


@dataclass(frozen=True, slots=True)
class _Segments:
    """Chat segments of human roster agents, by agent (index) then start."""

    agent: I64
    skill: I64
    start: I64
    end: I64  # NEVER: not ended


@dataclass(frozen=True, slots=True)
class _Cells:
    """Busy-online pieces grouped by (agent, mask), each cell in time order."""

    agent: I64  # per cell
    mask: I64  # per cell
    first: I64  # per cell: its first piece
    keys: I64  # per piece: cell * width + rank of lo among ``times``
    times: I64  # the pieces' distinct lo
    lo: I64
    hi: I64
    before: I64  # per piece: length of its cell's earlier pieces (ms)
    pair_agent: I64  # (agent, skill) pairs of the segments, local bit of each
    pair_skill: I64
    pair_bit: I64


@dataclass(frozen=True, slots=True)
class Occupancy:
    """The index's chat segments and, unless an agent has too many skills, its cells."""

    segments: _Segments
    cells: _Cells | None

    def busy_online(
        self, p: PresenceLog, *, query: DashboardQuery, agents: B, now: int, start: int
    ) -> int:
        """Busy-online ms of ``agents`` (kept human agents, a mask by index) over
        ``[start, now)``."""
        c = self.cells
        if c is None:
            return sweep(self.segments, p, query=query, agents=agents, now=now, start=start)
        kept = agents[c.agent]
        if query.skill_ids is not None:
            wanted = np.zeros(agents.shape[0], dtype=np.int64)
            hit = kept_ids(c.pair_skill, query.skill_ids)
            np.bitwise_or.at(wanted, c.pair_agent[hit], np.left_shift(1, c.pair_bit[hit]))
            kept &= (c.mask & wanted[c.agent]) != 0
        cells = np.flatnonzero(kept)
        if start >= now or cells.shape[0] == 0:
            return 0
        return int((_measure(c, cells, now) - _measure(c, cells, start)).sum())


def _measure(c: _Cells, cells: I64, x: int) -> I64:
    """Per cell, the length of its pieces before ``x`` (ms)."""
    rank = int(np.searchsorted(c.times, x, side="left"))
    j = np.searchsorted(c.keys, cells * (c.times.shape[0] + 1) + rank, side="left") - 1
    inside = j >= c.first[cells]
    j = np.where(inside, j, 0)
    out: I64 = np.where(inside, c.before[j] + np.minimum(x, c.hi[j]) - c.lo[j], 0)
    return out


def occupancy_index(x: DashboardIndex, p: PresenceLog, roster: RosterArrays) -> Occupancy:
    """The chat segments of ``x``'s human roster agents and their cells."""
    agent = roster.agent_index(x.seg_agent)
    sel = np.flatnonzero(x.seg_chat & x.seg_human & (agent >= 0))
    sel = sel[np.lexsort((x.seg_start[sel], agent[sel]))]
    segs = _Segments(
        agent=agent[sel],
        skill=x.seg_skill[sel],
        start=x.seg_start[sel],
        end=np.where(x.seg_end.ok[sel], x.seg_end.v[sel], NEVER),
    )
    return Occupancy(segs, _cells(segs, p))


def _cells(s: _Segments, p: PresenceLog) -> _Cells | None:
    pairs, pair_of = np.unique(
        np.stack([s.agent, s.skill], axis=1).reshape(-1, 2), axis=0, return_inverse=True
    )
    pair_agent, pair_skill = pairs[:, 0], pairs[:, 1]
    first_pair = np.searchsorted(pair_agent, pair_agent, side="left")
    pair_bit = np.arange(pair_agent.shape[0]) - first_pair  # rank of the skill in its agent
    if pair_bit.shape[0] and int(pair_bit.max()) >= MAX_BITS:
        return None
    # boundaries: segments (+1/-1 of their bit), online intervals (+1/-1 of ONLINE's)
    seg_bit = pair_bit[pair_of.reshape(-1)]
    on = np.flatnonzero(p.status == ONLINE)
    n_s, n_o = s.agent.shape[0], on.shape[0]
    agent = np.concatenate((s.agent, s.agent, p.agent[on], p.agent[on]))
    t = np.concatenate((s.start, s.end, p.ts[on], p.next_ts[on]))
    bit = np.concatenate((seg_bit, seg_bit, np.full(2 * n_o, -1, dtype=np.int64)))
    sign = np.repeat(np.asarray([1, -1, 1, -1], dtype=np.int64), [n_s, n_s, n_o, n_o])
    order = np.lexsort((t, agent))
    agent, t, bit, sign = agent[order], t[order], bit[order], sign[order]
    # an agent's steps sum to zero, so running sums over all agents are each agent's
    mask = np.zeros(t.shape[0], dtype=np.int64)
    for b in range(int(pair_bit.max()) + 1 if pair_bit.shape[0] else 0):
        busy = np.cumsum(np.where(bit == b, sign, 0)) > 0
        mask |= np.left_shift(busy.astype(np.int64), b)
    online = np.cumsum(np.where(bit < 0, sign, 0)) > 0
    piece = np.flatnonzero(
        online[:-1] & (mask[:-1] != 0) & (agent[1:] == agent[:-1]) & (t[1:] > t[:-1])
    )
    p_agent, p_mask, lo, hi = agent[piece], mask[piece], t[piece], t[piece + 1]
    order = np.lexsort((lo, p_mask, p_agent))
    p_agent, p_mask, lo, hi = p_agent[order], p_mask[order], lo[order], hi[order]
    new = np.ones(lo.shape[0], dtype=bool)
    new[1:] = (p_agent[1:] != p_agent[:-1]) | (p_mask[1:] != p_mask[:-1])
    cell = np.cumsum(new) - 1
    first = np.flatnonzero(new)
    # a piece reaching NEVER is its agent's last, so never before another: length 0 here
    length = np.where(hi == NEVER, 0, hi - lo)
    running = np.cumsum(length) - length
    times = distinct(lo)
    return _Cells(
        agent=p_agent[first],
        mask=p_mask[first],
        first=first,
        keys=cell * (times.shape[0] + 1) + np.searchsorted(times, lo),
        times=times,
        lo=lo,
        hi=hi,
        before=running - running[first][cell],
        pair_agent=pair_agent,
        pair_skill=pair_skill,
        pair_bit=pair_bit,
    )


def sweep(
    s: _Segments,
    p: PresenceLog,
    *,
    query: DashboardQuery,
    agents: B,
    now: int,
    start: int,
) -> int:
    """:meth:`Occupancy.busy_online` by one sweep over the visible boundaries: the kept
    segments and the online intervals of ``agents`` cut to ``[start, now)``, sorted by
    (agent, instant); running counts of each (their steps sum to zero per agent) say
    where both are positive."""
    on = np.flatnonzero((p.ts < now) & (p.status == ONLINE) & agents[p.agent])
    o_lo, o_hi = np.maximum(p.ts[on], start), np.minimum(p.next_ts[on], now)
    keep = o_lo < o_hi
    o_agent, o_lo, o_hi = p.agent[on][keep], o_lo[keep], o_hi[keep]
    sel = agents[s.agent] & kept_ids(s.skill, query.skill_ids) & (s.start < now) & (s.end > start)
    lo, hi = np.maximum(s.start[sel], start), np.minimum(s.end[sel], now)
    busy = lo < hi  # an empty interval covers nothing
    b_agent, lo, hi = s.agent[sel][busy], lo[busy], hi[busy]
    n_b, n_o = lo.shape[0], o_lo.shape[0]
    agent = np.concatenate((b_agent, b_agent, o_agent, o_agent))
    t = np.concatenate((lo, hi, o_lo, o_hi))
    d_busy = np.repeat(np.asarray([1, -1, 0, 0], dtype=np.int64), [n_b, n_b, n_o, n_o])
    d_on = np.repeat(np.asarray([0, 0, 1, -1], dtype=np.int64), [n_b, n_b, n_o, n_o])
    order = np.lexsort((t, agent))
    agent, t = agent[order], t[order]
    busy_n, on_n = np.cumsum(d_busy[order]), np.cumsum(d_on[order])
    both = (busy_n[:-1] > 0) & (on_n[:-1] > 0) & (agent[1:] == agent[:-1])
    return int((t[1:] - t[:-1])[both].sum())
