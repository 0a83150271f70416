"""Today's counts and sums of one site per roster agent: the per-agent table's inputs.

docs/metrics.md 6.3 and 6.7. "Today" is ``[midnight, now)``. A discussion is
an (agent, conversation) pair with a segment of the agent starting today in a
site conversation; it has ended when all of those segments have (end before
now) and lasts their summed ``end - start``; it is won when one of them has a
visible sale (ts < now). Sales count by their ts, today. The survey set is
the latest visible survey of each site conversation, when answered today.

For one local day every one of those facts is a count of **items below now**:
a discussion counts once its first segment of the day has started (an item at
that start); it is won once its first sale is visible (at that sale's ts). It
is ended for ``now`` in ``(R_k, s_k+1]``, where ``s_k`` are the starts of its
day segments and ``R_k`` the latest end among the first k (the day's k-th
segment has started and none of the k is open): an item ``+1`` (and
``+length``) at ``R_k`` and ``-1`` at ``s_k+1``. A survey is in the set for
``now`` in ``(ts, ts of the conversation's next survey]``: ``+1`` at its ts,
``-1`` at the next one's. So a :class:`DayTable` is made once per (site,
day), and a request answers with one binary search per agent.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ._frame import NEVER, Frame
from ._supervision_index import SiteFacts, SupervisionIndex

__all__ = ["AgentDay", "DayTable", "ItemsBelow", "SupervisionDays"]

I64 = npt.NDArray[np.int64]
#: Day tables span 26 h from midnight (any DST day); a longer local day gets an open-ended one.
_DAY_MS = 26 * 3_600_000
_KEPT = 32  # day tables kept per frame (together about the size of the days' segments)


class ItemsBelow:
    """Items ``(owner, value, weights)``; :meth:`below` sums, per owner, the weights of
    its items with ``value < t``.

    Items are kept in value order with a snapshot of every owner's sums every
    ``block`` items: a query copies the snapshot below ``t`` and adds the at most
    ``block`` items after it, reading memory in order (a binary search per owner
    would touch as many scattered places as there are owners).
    """

    def __init__(
        self, owner: I64, value: I64, weights: I64, *, owners: int, block: int = 512
    ) -> None:
        order = np.argsort(value, kind="stable")
        self.values, self.owner, self.weights = value[order], owner[order], weights[order]
        self.owners, self.block = owners, block
        n, width = order.shape[0], weights.shape[1]
        # every owner's sums of each block, then running totals over the blocks
        cell = (np.arange(n) // block * owners + self.owner)[:, None] * width + np.arange(width)
        per_block = np.zeros((n // block + 1) * owners * width, dtype=np.int64)
        np.add.at(per_block, cell.reshape(-1), self.weights.reshape(-1))
        self.snapshots = np.zeros((n // block + 1, owners, width), dtype=np.int64)
        blocks = per_block.reshape(n // block + 1, owners, width)
        np.cumsum(blocks[:-1], axis=0, out=self.snapshots[1:])

    def below(self, t: int) -> I64:
        """``(owners, weights)``: per owner, the summed weights of its items below ``t``."""
        r = int(np.searchsorted(self.values, t, side="left"))
        j = r // self.block
        sums: I64 = self.snapshots[j].copy()
        owner, weights = self.owner[j * self.block : r], self.weights[j * self.block : r]
        width = weights.shape[1]
        cell = owner[:, None] * width + np.arange(width)
        np.add.at(sums.reshape(-1), cell.reshape(-1), weights.reshape(-1))
        return sums


@dataclass(frozen=True, slots=True)
class AgentDay:
    """Per roster index (and a last entry for agents not on the roster) at now: discussions
    (``contacts``), the ended ones and their summed length (ms), those with a sale, sales
    per currency, survey answers (count, of 4-5, summed); and per survey column (csat,
    then the criteria, rated ones only) the site's ``(answered, good, total)``."""

    contacts: I64
    ended: I64
    handled_ms: I64
    won: I64
    transactions: I64
    sale_count: I64  # (agents + 1, currencies)
    sale_sum: I64  # (agents + 1, currencies), minor units
    answered: I64
    good: I64
    csat_sum: I64
    site_surveys: list[tuple[int, int, int]]

    def turnover(self, i: int, currencies: tuple[str, ...]) -> dict[str, int]:
        """Agent ``i``'s sales today summed per currency (present ones, sorted)."""
        count, total = self.sale_count[i].tolist(), self.sale_sum[i].tolist()
        return {c: v for c, n, v in zip(currencies, count, total, strict=True) if n}

    def team_turnover(
        self, team: npt.NDArray[np.bool_], currencies: tuple[str, ...]
    ) -> dict[str, int]:
        """The sales today of the agents ``team`` (mask over roster indexes) per currency."""
        m = team.shape[0]
        count = self.sale_count[:m][team].sum(axis=0).tolist()
        total = self.sale_sum[:m][team].sum(axis=0).tolist()
        return {c: v for c, n, v in zip(currencies, count, total, strict=True) if n}

    def currencies_sold(self, currencies: tuple[str, ...]) -> list[str]:
        """The currencies of today's site sales, any agent's, sorted."""
        present = self.sale_count.sum(axis=0).tolist()
        return [c for c, n in zip(currencies, present, strict=True) if n]


class DayTable:
    """One site's discussions, sales and surveys of the local day from ``midnight`` (ms),
    up to ``bound`` (exclusive): what :meth:`at` needs for any ``now`` in between
    (``block``: :class:`ItemsBelow`'s)."""

    def __init__(
        self,
        facts: SiteFacts,
        *,
        agents: int,
        currencies: int,
        midnight: int,
        bound: int,
        block: int = 512,
    ) -> None:
        owners = agents + 1
        self.currencies = currencies
        self.discussions = _discussions(
            facts, owners=owners, midnight=midnight, bound=bound, block=block
        )
        lo, hi = np.searchsorted(facts.sale_ts, [midnight, bound], side="left").tolist()
        cell = facts.sale_currency[lo:hi]
        weights = np.zeros((hi - lo, 2 * currencies), dtype=np.int64)
        weights[np.arange(hi - lo), cell] = 1
        weights[np.arange(hi - lo), currencies + cell] = facts.sale_amount[lo:hi]
        self.sales = ItemsBelow(
            facts.sale_agent[lo:hi], facts.sale_ts[lo:hi], weights, owners=owners, block=block
        )
        lo, hi = np.searchsorted(facts.survey_ts, [midnight, bound], side="left").tolist()
        ts, later = facts.survey_ts[lo:hi], facts.survey_next_ts[lo:hi]
        csat = facts.survey_csat[:, lo:hi]
        # +1 when the survey becomes visible, -1 when the conversation's next one does
        when = np.concatenate((ts, later))
        sign = np.concatenate((np.ones(hi - lo, np.int64), -np.ones(hi - lo, np.int64)))
        # per column: answered, good (4-5), total; a criterion counts rated surveys (> 0)
        stats = []
        for j, c in enumerate(csat):
            rated = np.ones_like(c) if j == 0 else (c > 0).astype(np.int64)
            stats += [rated, (c >= 4).astype(np.int64), c * rated]
        per_survey = np.stack(stats, axis=1).reshape(hi - lo, len(stats))
        weights = np.concatenate((per_survey, per_survey)) * sign[:, None]
        agent = np.tile(facts.survey_agent[lo:hi], 2)
        self.surveys = ItemsBelow(agent, when, weights[:, :3], owners=owners, block=block)
        self.site_surveys = ItemsBelow(np.zeros_like(agent), when, weights, owners=1, block=block)

    def at(self, now: int) -> AgentDay:
        """The sums at ``now`` (``midnight <= now < bound``)."""
        d = self.discussions.below(now)
        sales = self.sales.below(now)
        count = sales[:, : self.currencies]
        v = self.surveys.below(now)
        site = self.site_surveys.below(now)[0].tolist()
        return AgentDay(
            contacts=d[:, 0],
            won=d[:, 1],
            ended=d[:, 2],
            handled_ms=d[:, 3],
            transactions=count.sum(axis=1),
            sale_count=count,
            sale_sum=sales[:, self.currencies :],
            answered=v[:, 0],
            good=v[:, 1],
            csat_sum=v[:, 2],
            site_surveys=[(site[j], site[j + 1], site[j + 2]) for j in range(0, len(site), 3)],
        )


def _discussions(
    facts: SiteFacts, *, owners: int, midnight: int, bound: int, block: int
) -> ItemsBelow:
    """Items of the day's discussions, weights (contacts, won, ended, length ms)."""
    lo, hi = np.searchsorted(facts.seg_start, [midnight, bound], side="left").tolist()
    order = lo + np.argsort(facts.seg_pair[lo:hi], kind="stable")  # by pair, then start
    pair, start, end = facts.seg_pair[order], facts.seg_start[order], facts.seg_end[order]
    n = order.shape[0]
    head = np.ones(n, dtype=bool)
    head[1:] = pair[1:] != pair[:-1]
    run = np.cumsum(head) - 1
    heads = np.flatnonzero(head)
    agent = facts.seg_agent[order]
    # R_k, the latest end among a run's first k segments: a running max restarted per run
    # (on ranks offset by the run, so that no run sees an earlier one's ends)
    by_end = np.argsort(end)
    rank = np.empty(n, dtype=np.int64)
    rank[by_end] = np.arange(n)
    latest = end[by_end][np.maximum.accumulate(run * n + rank) - run * n] if n else end
    # summed length of a run's first k segments, read only while all of them have ended
    length = np.where(end < NEVER, end - start, 0)
    total = np.cumsum(length)
    total -= (total - length)[heads][run]
    following = np.full(n, NEVER, dtype=np.int64)  # the run's next start
    following[:-1] = np.where(head[1:], NEVER, start[1:])
    since = np.maximum(start, latest)
    ended = since < following  # ended for now in (since, following]
    stops = ended & (following < NEVER)
    first_sale = np.minimum.reduceat(facts.seg_won_ts[order], heads) if n else end
    sold = first_sale < NEVER
    parts = [
        (agent[heads], start[heads]),
        (agent[heads][sold], first_sale[sold]),
        (agent[ended], since[ended]),
        (agent[stops], following[stops]),
    ]
    cut = np.cumsum([0, *(len(a) for a, _ in parts)])
    weights = np.zeros((int(cut[-1]), 4), dtype=np.int64)
    weights[cut[0] : cut[1], 0] = 1
    weights[cut[1] : cut[2], 1] = 1
    weights[cut[2] : cut[3], 2] = 1
    weights[cut[2] : cut[3], 3] = total[ended]
    weights[cut[3] :, 2] = -1
    weights[cut[3] :, 3] = -total[stops]
    owner = np.concatenate([a for a, _ in parts])
    value = np.concatenate([v for _, v in parts])
    return ItemsBelow(owner, value, weights, owners=owners, block=block)


class SupervisionDays:
    """The day tables of one frame's sites, made on first use per (site, local day);
    the last :data:`_KEPT` used are kept."""

    def __init__(self, frame: Frame) -> None:
        self.index = frame.memo("supervision", SupervisionIndex)
        self._lock = threading.Lock()
        self._tables: OrderedDict[tuple[int, int, int], DayTable] = OrderedDict()

    def at(self, *, site: int, midnight: int, now: int) -> AgentDay:
        """Site ``site``'s sums of today (``[midnight, now)``) at ``now``."""
        bound = min(midnight + _DAY_MS, int(NEVER)) if now < midnight + _DAY_MS else int(NEVER)
        key = (site, midnight, bound)
        with self._lock:
            table = self._tables.get(key)
            if table is None:
                x = self.index
                table = DayTable(
                    x.site_facts[site],
                    agents=x.ids.shape[0],
                    currencies=len(x.currencies),
                    midnight=midnight,
                    bound=bound,
                )
                self._tables[key] = table
                if len(self._tables) > _KEPT:
                    self._tables.popitem(last=False)
            self._tables.move_to_end(key)
        return table.at(now)
