"""backend/_supervision_table.py: the per-agent table's element-wise rules equal the scalar
helpers they mirror (bit for bit, Hypothesis), and a row is built by hand."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from hypothesis import given, settings
from hypothesis import strategies as st

from backend._dashboard_core import mean_ms, percent
from backend._supervision_day import AgentDay
from backend._supervision_table import agent_metrics, agent_rows, means_ms, percents, scores
from ccbench.api import SUPERVISION_AGENT_COLUMNS

counts = st.integers(0, 10**6)
signed = st.integers(-(10**12), 10**12)


def _same(got: Sequence[float | int | None], want: Sequence[float | int | None]) -> bool:
    """Equal values of the same type (1 and 1.0 differ in JSON)."""
    return [(type(x), x) for x in got] == [(type(x), x) for x in want]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(signed, counts), max_size=20))
def test_element_wise_equals_scalar(pairs: list[tuple[int, int]]) -> None:
    """percents, means_ms and both scores equal percent, mean_ms and the page's formulas."""
    top = np.asarray([p for p, _ in pairs], dtype=np.int64)
    bottom = np.asarray([q for _, q in pairs], dtype=np.int64)
    assert _same(percents(top, bottom), [percent(p, q) for p, q in pairs])
    assert _same(means_ms(top, bottom), [mean_ms(p, q) for p, q in pairs])
    assert _same(scores(bottom, top, top, satisfaction="top2"), [percent(p, q) for p, q in pairs])
    want = [None if q == 0 else 100.0 * (p / q) / 5 for p, q in pairs]
    assert _same(scores(bottom, top, top, satisfaction="mean"), want)


def _day() -> AgentDay:
    def a(*values: int) -> npt.NDArray[np.int64]:
        return np.asarray(values, dtype=np.int64)

    # agent 0: 4 discussions, 3 ended lasting 90 s in all, 1 won; sales 1500 EUR + 2000 USD;
    # 3 answers, 2 of them 4-5, summing 12. Agent 1: nothing. Index 2: not on the roster.
    return AgentDay(
        contacts=a(4, 0, 0),
        ended=a(3, 0, 0),
        handled_ms=a(90_000, 0, 0),
        won=a(1, 0, 0),
        transactions=a(2, 0, 0),
        sale_count=np.asarray([[1, 1], [0, 0], [0, 0]], dtype=np.int64),
        sale_sum=np.asarray([[1500, 2000], [0, 0], [0, 0]], dtype=np.int64),
        answered=a(3, 0, 0),
        good=a(2, 0, 0),
        csat_sum=a(12, 0, 0),
        site_surveys=[],
    )


def test_rows_by_hand() -> None:
    """Agent 0 over 2 h of presence: aht 90000 / 3 = 30000 ms, 4 / 2 h = 2.0 contacts per
    hour, conversion 1 / 4 = 25 %, turnover null across two currencies, satisfaction
    2 / 3 = 66.67 %; agent 1 has no presence: no rate, and every average null. Keys in the
    contract's column order."""
    metrics = agent_metrics(
        _day(),
        np.asarray([0, 1]),
        currencies=("EUR", "USD"),
        conversion_rate="contacts",
        satisfaction="top2",
    )
    rows = agent_rows(
        metrics,
        agent_id=[10, 11],
        name=["Ann", "Bob"],
        state=["busy", "available"],
        presence_ms=np.asarray([7_200_000, 0], dtype=np.int64),
        in_progress=[1, 0],
        ongoing_all_sites=[2, 0],
        signal=[True, False],
    )
    assert [list(r) for r in rows] == [list(SUPERVISION_AGENT_COLUMNS)] * 2
    assert rows[0] == {
        "agent_id": 10,
        "name": "Ann",
        "state": "busy",
        "presence_ms": 7_200_000,
        "contacts": 4,
        "aht": 30_000,
        "contacts_per_hour": 2.0,
        "turnover_minor": None,
        "turnover_by_currency": {"EUR": 1500, "USD": 2000},
        "conversion_rate": 25.0,
        "transactions": 2,
        "satisfaction": 100.0 * 2 / 3,
        "satisfaction_answered": 3,
        "in_progress": 1,
        "ongoing_all_sites": 2,
        "signal": True,
    }
    assert (rows[1]["aht"], rows[1]["contacts_per_hour"], rows[1]["conversion_rate"]) == (
        None,
        None,
        None,
    )
    assert (rows[1]["turnover_minor"], rows[1]["turnover_by_currency"]) == (0, {})


def test_transactions_rate_and_mean_score() -> None:
    """Options: conversion 2 transactions / 3 ended = 66.67 %; mean score 100 * (12 / 3) / 5
    = 80 %."""
    metrics = agent_metrics(
        _day(),
        np.asarray([0]),
        currencies=("EUR", "USD"),
        conversion_rate="transactions",
        satisfaction="mean",
    )
    assert metrics.conversion_rate == [100.0 * 2 / 3]
    assert metrics.satisfaction == [80.0]
