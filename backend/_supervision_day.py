"""Today's counts and sums of one site per roster agent: the per-agent table's inputs.

docs/metrics.md 6.3 and 6.7. "Today" is ``[midnight, now)``. A discussion is
an (agent, conversation) pair with a segment of the agent starting today in a
site conversation; it has ended when all of those segments have (end before
now) and lasts their summed ``end - start``; it is won when one of them has a
visible sale (ts < now). Sales count by their ts, today. The survey set is
the latest visible survey of each site conversation, when answered today.

Every array has one entry per roster index plus one (the last) for agents
not on the roster, so a request counts with ``bincount`` over indexes made
at index time and never sorts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ._supervision_index import SiteFacts

__all__ = ["AgentDay", "agent_day"]

I64 = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class AgentDay:
    """Per roster index: discussions (``contacts``), the ended ones and their summed
    length (ms), those with a sale, sales per currency, survey answers; and the survey
    set's csat columns (``csat[0]`` the score's answers, then the criteria, -1 unrated)."""

    contacts: list[int]
    ended: list[int]
    handled_ms: list[int]
    won: list[int]
    transactions: list[int]
    sale_count: npt.NDArray[np.int64]  # (agents + 1, currencies)
    sale_sum: npt.NDArray[np.int64]  # (agents + 1, currencies), minor units
    answered: list[int]
    good: list[int]
    csat_sum: list[int]
    csat: I64

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


def _per(at: I64, size: int, values: I64 | None = None) -> list[int]:
    if values is None:
        return np.bincount(at, minlength=size).tolist()
    sums = np.zeros(size, dtype=np.int64)
    np.add.at(sums, at, values)
    return sums.tolist()  # type: ignore[no-any-return]


def agent_day(
    facts: SiteFacts, *, agents: int, currencies: int, midnight: int, now: int, limit: int
) -> AgentDay:
    """Today's sums of the site ``facts`` for ``agents`` roster agents (plus the others),
    ``limit`` the number of rows visible at ``now``."""
    size = agents + 1
    lo, hi = np.searchsorted(facts.seg_start, [midnight, now], side="left").tolist()
    pair, end = facts.seg_pair[lo:hi], facts.seg_end[lo:hi]
    n_pairs = facts.pair_agent.shape[0]
    seen = np.zeros(n_pairs, dtype=bool)
    seen[pair] = True
    closed = end < now
    running = np.zeros(n_pairs, dtype=bool)
    running[pair[~closed]] = True
    length = np.zeros(n_pairs, dtype=np.int64)
    np.add.at(length, pair[closed], (end - facts.seg_start[lo:hi])[closed])
    won = np.zeros(n_pairs, dtype=bool)
    won[pair[facts.seg_won_ts[lo:hi] < now]] = True
    present = np.flatnonzero(seen)
    ended = present[~running[present]]
    agent = facts.pair_agent
    s_lo, s_hi = np.searchsorted(facts.sale_ts, [midnight, now], side="left").tolist()
    sale_agent = facts.sale_agent[s_lo:s_hi]
    cell = sale_agent * currencies + facts.sale_currency[s_lo:s_hi]
    sale_count = np.bincount(cell, minlength=size * currencies).reshape(size, currencies)
    sale_sum = np.zeros(size * currencies, dtype=np.int64)
    np.add.at(sale_sum, cell, facts.sale_amount[s_lo:s_hi])
    # the latest visible survey of each conversation: none of its later ones is visible
    v_lo = int(np.searchsorted(facts.survey_ts, midnight, side="left"))
    v_hi = max(v_lo, int(np.searchsorted(facts.survey_row, limit, side="left")))
    surveys = v_lo + np.flatnonzero(facts.survey_next[v_lo:v_hi] >= limit)
    survey_agent = facts.survey_agent[surveys]
    csat = facts.survey_csat[:, surveys]
    return AgentDay(
        contacts=_per(agent[present], size),
        ended=_per(agent[ended], size),
        handled_ms=_per(agent[ended], size, length[ended]),
        won=_per(agent[np.flatnonzero(won)], size),
        transactions=_per(sale_agent, size),
        sale_count=sale_count,
        sale_sum=sale_sum.reshape(size, currencies),
        answered=_per(survey_agent, size),
        good=_per(survey_agent[csat[0] >= 4], size),
        csat_sum=_per(survey_agent, size, csat[0]),
        csat=csat,
    )
