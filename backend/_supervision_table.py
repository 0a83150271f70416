"""The supervision page's per-agent table (docs/metrics.md 6.7), column by column.

The values come from the day's sums (backend/_supervision_day.py), combined
element-wise by numpy with the rules of the scalar helpers they mirror
(:func:`~backend._dashboard_core.percent`, :func:`~backend._dashboard_core.mean_ms`,
the page's ``score_of``): int64 operands converted to double once and the same
IEEE operations in the same order, so each value equals the scalar one
(tests/backend/test_supervision_table.py checks it); null where those give None.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ccbench.api import SUPERVISION_AGENT_COLUMNS

from ._supervision_day import AgentDay

__all__ = ["AgentMetrics", "agent_metrics", "agent_rows", "means_ms", "percents", "scores"]

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]


def _or_none(values: npt.NDArray[Any], missing: npt.NDArray[np.bool_]) -> list[Any]:
    out: list[Any] = values.tolist()
    for k in np.flatnonzero(missing).tolist():
        out[k] = None
    return out


def _ratio(top: npt.NDArray[Any], bottom: npt.NDArray[Any]) -> F64:
    """``top / bottom`` as doubles where ``bottom`` is not 0 (0.0 elsewhere)."""
    out: F64 = np.divide(top, bottom, out=np.zeros(top.shape[0]), where=bottom != 0)
    return out


def percents(part: I64, whole: I64) -> list[float | None]:
    """Element-wise ``percent(part, whole)``: ``(100.0 * part) / whole``, None when whole is 0."""
    return _or_none(_ratio(100.0 * part, whole), whole == 0)


def means_ms(total: I64, n: I64) -> list[int | None]:
    """Element-wise ``mean_ms(total, n)``: truncated toward zero, None without samples."""
    q = np.abs(total) // np.maximum(n, 1)
    return _or_none(np.where(total >= 0, q, -q), n == 0)


def scores(answered: I64, good: I64, total: I64, *, satisfaction: str) -> list[float | None]:
    """Element-wise section 6.3 score: top2 ``percent(good, answered)``, mean
    ``100.0 * (total / answered) / 5``; None without answers."""
    if satisfaction == "top2":
        return percents(good, answered)
    return _or_none(100.0 * _ratio(total, answered) / 5, answered == 0)


@dataclass(frozen=True, slots=True)
class AgentMetrics:
    """Section 6.7's values of today at the site, one entry per agent asked (ms, percent,
    minor units)."""

    contacts: list[int]
    aht: list[int | None]
    turnover_minor: list[int | None]
    turnover_by_currency: list[dict[str, int]]
    conversion_rate: list[float | None]
    transactions: list[int]
    satisfaction: list[float | None]
    satisfaction_answered: list[int]


def agent_metrics(
    day: AgentDay,
    agents: I64,
    *,
    currencies: tuple[str, ...],
    conversion_rate: str,
    satisfaction: str,
) -> AgentMetrics:
    """The values of the roster indexes ``agents``. Turnover: per currency, and the total
    when the sales are in one currency (0 without sales, None across several)."""
    contacts, ended, won = day.contacts[agents], day.ended[agents], day.won[agents]
    transactions = day.transactions[agents]
    count, total = day.sale_count[agents], day.sale_sum[agents]
    by_currency: list[dict[str, int]] = [{} for _ in range(agents.shape[0])]
    for k, c in zip(*np.nonzero(count), strict=True):
        by_currency[k][currencies[c]] = int(total[k, c])
    answered = day.answered[agents]
    return AgentMetrics(
        contacts=contacts.tolist(),
        aht=means_ms(day.handled_ms[agents], ended),
        turnover_minor=_or_none(total.sum(axis=1), (count > 0).sum(axis=1) > 1),
        turnover_by_currency=by_currency,
        conversion_rate=percents(won, contacts)
        if conversion_rate == "contacts"
        else percents(transactions, ended),
        transactions=transactions.tolist(),
        satisfaction=scores(
            answered, day.good[agents], day.csat_sum[agents], satisfaction=satisfaction
        ),
        satisfaction_answered=answered.tolist(),
    )


def agent_rows(
    metrics: AgentMetrics,
    *,
    agent_id: list[int],
    name: list[str],
    state: list[str],
    presence_ms: I64,
    in_progress: list[int],
    ongoing_all_sites: list[int],
    signal: list[bool],
) -> list[dict[str, Any]]:
    """The table's rows: each agent's columns in the order of ``SUPERVISION_AGENT_COLUMNS``;
    ``contacts_per_hour`` is ``contacts / (presence_ms / 3600000)``, None without presence."""
    hours = presence_ms / 3_600_000
    columns: dict[str, list[Any]] = {
        "agent_id": agent_id,
        "name": name,
        "state": state,
        "presence_ms": presence_ms.tolist(),
        "contacts_per_hour": _or_none(
            _ratio(np.asarray(metrics.contacts, dtype=np.int64), hours), hours == 0
        ),
        "in_progress": in_progress,
        "ongoing_all_sites": ongoing_all_sites,
        "signal": signal,
    }
    for field in AgentMetrics.__slots__:
        columns[field] = getattr(metrics, field)
    ordered = [columns[c] for c in SUPERVISION_AGENT_COLUMNS]
    return [
        dict(zip(SUPERVISION_AGENT_COLUMNS, row, strict=True)) for row in zip(*ordered, strict=True)
    ]
