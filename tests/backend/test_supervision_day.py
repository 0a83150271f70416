"""backend/_supervision_day.py: today's per-agent sums of a site as items below now, on a
hand-built site whose answers are worked out below, and against the definitions read
directly (docs/metrics.md 6.3, 6.7) on random sites (Hypothesis)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from backend._frame import NEVER
from backend._supervision_day import DayTable, ItemsBelow
from backend._supervision_index import SiteFacts

I64 = np.int64


def _arr(values: Sequence[object]) -> np.ndarray[Any, np.dtype[np.int64]]:
    return np.asarray(values, dtype=I64)


def _facts(
    segs: Sequence[tuple[int, int, int, int, int]],
    sales: Sequence[tuple[int, int, int, int]] = (),
    surveys: Sequence[tuple[int, int, int, tuple[int, int, int, int]]] = (),
) -> SiteFacts:
    """Segments (start, end, pair, agent, first sale ts), sales (ts, agent, currency,
    amount), surveys (ts, next survey ts, agent, csat columns), each in ts order."""
    return SiteFacts(
        seg_start=_arr([s[0] for s in segs]),
        seg_end=_arr([s[1] for s in segs]),
        seg_pair=_arr([s[2] for s in segs]),
        seg_agent=_arr([s[3] for s in segs]),
        seg_won_ts=_arr([s[4] for s in segs]),
        sale_ts=_arr([s[0] for s in sales]),
        sale_agent=_arr([s[1] for s in sales]),
        sale_currency=_arr([s[2] for s in sales]),
        sale_amount=_arr([s[3] for s in sales]),
        survey_ts=_arr([v[0] for v in surveys]),
        survey_next_ts=_arr([v[1] for v in surveys]),
        survey_agent=_arr([v[2] for v in surveys]),
        survey_csat=_arr([list(v[3]) for v in surveys]).reshape(-1, 4).T.copy(),
    )


def test_items_below_by_hand() -> None:
    """Owner 0 has items at 5 (+1) and 9 (+2), owner 1 at 5 (+4): below 5 nothing, below 6
    owner 0 has 1 and owner 1 has 4, below 10 owner 0 has 3 (any block size)."""
    for block in (1, 2, 512):
        items = ItemsBelow(
            _arr([0, 1, 0]), _arr([5, 5, 9]), _arr([[1], [4], [2]]), owners=2, block=block
        )
        assert items.below(5).tolist() == [[0], [0]]
        assert items.below(6).tolist() == [[1], [4]]
        assert items.below(10).tolist() == [[3], [4]]


def test_discussions_by_hand() -> None:
    """Agent 0's discussion A has segments [10, 20) and [30, 50), a sale at 40 in the second;
    agent 1's discussion B, [15, open). Midnight 0.
    now 25: A counts, ended (its only started segment ended at 20), 10 ms, no sale yet;
    now 35: A's second segment is open: not ended; now 55: ended, 10 + 20 = 30 ms, won.
    B counts from 16 and never ends."""
    facts = _facts([(10, 20, 7, 0, NEVER), (15, NEVER, 8, 1, NEVER), (30, 50, 7, 0, 40)])
    table = DayTable(facts, agents=2, currencies=0, midnight=0, bound=1000)
    got = {now: table.at(now) for now in (10, 25, 35, 55)}
    assert got[10].contacts.tolist() == [0, 0, 0]
    assert got[25].contacts.tolist() == [1, 1, 0]
    assert (got[25].ended.tolist(), got[25].handled_ms.tolist()) == ([1, 0, 0], [10, 0, 0])
    assert (got[35].ended.tolist(), got[35].won.tolist()) == ([0, 0, 0], [0, 0, 0])
    assert got[55].ended.tolist() == [1, 0, 0]
    assert got[55].handled_ms.tolist() == [30, 0, 0]
    assert got[55].won.tolist() == [1, 0, 0]


def test_sales_and_surveys_by_hand() -> None:
    """Sales of agent 0: 100 EUR at 5, 50 USD at 7; agent 1 (index 1 of 1 roster agent: not
    on the roster) 10 EUR at 6. Surveys: conversation X answered 5 at 3, then 2 at 8 (the
    second replaces the first from 9 on); Y answered 4 at 4 rating only welcome (3)."""
    facts = _facts(
        [],
        sales=[(5, 0, 0, 100), (6, 1, 0, 10), (7, 0, 1, 50)],
        surveys=[
            (3, 8, 0, (5, -1, -1, -1)),
            (4, NEVER, 0, (4, 3, -1, -1)),
            (8, NEVER, 0, (2, -1, -1, -1)),
        ],
    )
    table = DayTable(facts, agents=1, currencies=2, midnight=0, bound=1000)
    at7, at9 = table.at(7), table.at(9)
    assert at7.sale_count.tolist() == [[1, 0], [1, 0]]
    assert at7.sale_sum.tolist() == [[100, 0], [10, 0]]
    assert at9.transactions.tolist() == [2, 1]
    assert at9.sale_sum.tolist() == [[100, 50], [10, 0]]
    # at 7: X's 5 and Y's 4; at 9: X's 2 and Y's 4
    assert (at7.answered[0], at7.good[0], at7.csat_sum[0]) == (2, 2, 9)
    assert (at9.answered[0], at9.good[0], at9.csat_sum[0]) == (2, 1, 6)
    assert at9.site_surveys == [(2, 1, 6), (1, 0, 3), (0, 0, 0), (0, 0, 0)]


def _direct(
    facts: SiteFacts, agents: int, currencies: int, midnight: int, now: int
) -> dict[str, Any]:
    """The definitions, segment by segment."""
    size = agents + 1
    out: dict[str, Any] = {
        k: [0] * size for k in ("contacts", "ended", "handled", "won", "answered", "good", "total")
    }
    out["count"] = [[0] * currencies for _ in range(size)]
    out["sum"] = [[0] * currencies for _ in range(size)]
    pairs: dict[int, list[int]] = {}
    for i, start in enumerate(facts.seg_start.tolist()):
        if midnight <= start < now:
            pairs.setdefault(int(facts.seg_pair[i]), []).append(i)
    for segs in pairs.values():
        a = int(facts.seg_agent[segs[0]])
        out["contacts"][a] += 1
        if all(facts.seg_end[i] < now for i in segs):
            out["ended"][a] += 1
            out["handled"][a] += sum(int(facts.seg_end[i] - facts.seg_start[i]) for i in segs)
        out["won"][a] += any(facts.seg_won_ts[i] < now for i in segs)
    for ts, a, c, amount in zip(
        *(
            x.tolist()
            for x in (facts.sale_ts, facts.sale_agent, facts.sale_currency, facts.sale_amount)
        ),
        strict=True,
    ):
        if midnight <= ts < now:
            out["count"][a][c] += 1
            out["sum"][a][c] += amount
    site = [[0, 0, 0] for _ in range(4)]
    for k, (ts, later, a) in enumerate(
        zip(
            facts.survey_ts.tolist(),
            facts.survey_next_ts.tolist(),
            facts.survey_agent.tolist(),
            strict=True,
        )
    ):
        if midnight <= ts < now <= later:
            csat = int(facts.survey_csat[0, k])
            out["answered"][a] += 1
            out["good"][a] += csat >= 4
            out["total"][a] += csat
            for j, value in enumerate(facts.survey_csat[:, k].tolist()):
                if j == 0 or value > 0:  # a criterion's answers: the surveys rating it
                    site[j] = [site[j][0] + 1, site[j][1] + (value >= 4), site[j][2] + value]
    out["site"] = [tuple(x) for x in site]
    return out


@st.composite
def _sites(draw: st.DrawFn) -> tuple[SiteFacts, int]:
    agents = draw(st.integers(1, 3))
    times = st.integers(0, 60)
    segs = []
    for start in sorted(draw(st.lists(times, max_size=14))):
        end = draw(st.one_of(st.just(int(NEVER)), st.integers(start, 80)))
        pair = draw(st.integers(0, 4))
        won = draw(st.one_of(st.just(int(NEVER)), st.integers(start, 90)))
        segs.append((start, end, pair, pair % (agents + 1), won))
    sales = [
        (ts, draw(st.integers(0, agents)), draw(st.integers(0, 1)), draw(st.integers(0, 99)))
        for ts in sorted(draw(st.lists(times, max_size=6)))
    ]
    surveys = []
    for ts in sorted(draw(st.lists(times, max_size=6))):
        later = draw(st.one_of(st.just(int(NEVER)), st.integers(ts, 90)))
        csat = (draw(st.integers(1, 5)), *draw(st.tuples(*[st.sampled_from([-1, 1, 3, 4, 5])] * 3)))
        surveys.append((ts, later, draw(st.integers(0, agents)), csat))
    return _facts(segs, sales, surveys), agents


@settings(max_examples=300, deadline=None)
@given(_sites(), st.integers(0, 30), st.integers(0, 100), st.sampled_from([1, 3, 512]))
def test_equals_the_definitions(
    site: tuple[SiteFacts, int], midnight: int, later: int, block: int
) -> None:
    """Random sites, days and instants: every per-agent sum equals the definitions read
    segment by segment, sale by sale, survey by survey."""
    facts, agents = site
    now = midnight + later
    table = DayTable(
        facts, agents=agents, currencies=2, midnight=midnight, bound=midnight + 1000, block=block
    )
    day = table.at(now)
    want = _direct(facts, agents, 2, midnight, now)
    assert day.contacts.tolist() == want["contacts"]
    assert day.ended.tolist() == want["ended"]
    assert day.handled_ms.tolist() == want["handled"]
    assert day.won.tolist() == want["won"]
    assert day.sale_count.tolist() == want["count"]
    assert day.sale_sum.tolist() == want["sum"]
    assert day.answered.tolist() == want["answered"]
    assert day.good.tolist() == want["good"]
    assert day.csat_sum.tolist() == want["total"]
    assert day.site_surveys == want["site"]
