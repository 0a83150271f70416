"""sim/_outcomes.py: the service penalty, and surveys, MCS and sales that follow it."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ccbench.eventlog import CLOSED_BY
from sim._facts import ServiceFacts
from sim._outcomes import draw_outcomes, service_penalty
from sim._record import KINDS
from tests.support.sim_engine import scenario


def _facts(n: int, **values: Any) -> ServiceFacts:
    facts = ServiceFacts.empty(n)
    facts.resolved[:] = True
    facts.closed_by[:] = CLOSED_BY.index("agent")
    facts.last_skill[:] = 1
    for name, value in values.items():
        getattr(facts, name)[:] = value
    return facts


def _draw(
    facts: ServiceFacts, seed: int = 0, **outcomes: Any
) -> list[tuple[str, int, dict[str, Any]]]:
    """Outcomes of every conversation closed at 0 s by agent 1 (horizon 2 h)."""
    n = len(facts.resolved)
    closes = (np.arange(n), np.zeros(n), np.ones(n, dtype=np.int64))
    chunk = draw_outcomes(
        scenario(outcomes=outcomes), closes, facts, start_ms=0, rng=np.random.default_rng(seed)
    )
    extra: dict[int, dict[str, Any]] = {}
    for name, (rows, values) in chunk.extra.items():
        for r, v in zip(rows.tolist(), values.tolist(), strict=True):
            extra.setdefault(r, {})[name] = v
    return [
        (KINDS[k], int(c), extra.get(i, {}))
        for i, (k, c) in enumerate(zip(chunk.kind, chunk.conv, strict=True))
    ]


def test_penalty_adds_the_documented_effects() -> None:
    """By hand: a 60 s wait (log2 2 = 1) x 0.4 + a 180 s mean answer delay (log2 4 = 2) x 0.4
    + 2 transfers x 0.35 + unresolved 1.5 + 3 held conversations ((3 - 1) x 0.15) = 3.7;
    ideal service (no wait, no answer, resolved, alone) is 0."""
    facts = _facts(2)
    facts.queue_wait[0], facts.reply_sum[0], facts.replies[0] = 60.0, 360.0, 2
    facts.transfers[0], facts.resolved[0] = 2, False
    facts.load_sum[0], facts.load_count[0] = 6.0, 2
    p = service_penalty(scenario(), facts)
    assert math.isclose(p[0, 0], 3.7)
    assert np.allclose(p[0, 1:], [0.4, 0.8, 2.5])  # wait, response, quality parts
    assert p[1, 0] == 0.0


def test_ideal_service_answers_follow_csat_shares() -> None:
    """With penalty 0 the answers 1..5 follow csat_shares (0.03, 0.03, 0.08, 0.31, 0.55):
    over 40,000 answers each share is within 4 binomial standard deviations."""
    n = 40_000
    answers = [e["csat"] for k, _, e in _draw(_facts(n), survey=1.0) if k == "survey.answered"]
    assert len(answers) == n
    for value, share in enumerate((0.03, 0.03, 0.08, 0.31, 0.55), start=1):
        got = answers.count(value) / n
        assert abs(got - share) < 4 * math.sqrt(share * (1 - share) / n)


def test_a_unit_of_penalty_shifts_the_odds_by_e() -> None:
    """Unresolved with unresolved_effect 1 (P = 1): P(answer 5) = 1 - sigma(logit(0.45) + 1)
    = 1 - 0.45e / (0.45e + 0.55) = 0.3102 (0.45 = share of answers up to 4)."""
    n = 40_000
    facts = _facts(n, resolved=False)
    answers = [
        e["csat"]
        for k, _, e in _draw(facts, survey=1.0, unresolved_effect=1.0)
        if k == "survey.answered"
    ]
    expected = 1 - 0.45 * math.e / (0.45 * math.e + 0.55)
    assert abs(answers.count(5) / n - expected) < 4 * math.sqrt(expected * (1 - expected) / n)


def test_system_closes_get_the_auto_close_survey_rate() -> None:
    """survey = 1 but survey_after_auto_close = 0: conversations closed by the system get no
    answer, the others all do."""
    facts = _facts(10)
    facts.closed_by[:5] = CLOSED_BY.index("system")
    surveyed = {c for k, c, _ in _draw(facts, survey=1.0) if k == "survey.answered"}
    assert surveyed == set(range(5, 10))


def test_mcs_falls_by_its_points_per_penalty() -> None:
    """mcs_sd 0: MCS = 70 - 10 x P exactly; P = 3.7 (first test) gives 33, alerted -1."""
    facts = _facts(1, queue_wait=60.0, transfers=2, resolved=False)
    facts.reply_sum[0], facts.replies[0], facts.load_sum[0], facts.load_count[0] = 360.0, 2, 6.0, 2
    mcs = [e for k, _, e in _draw(facts, mcs=1.0, mcs_sd=0.0) if k == "mcs.scored"]
    assert mcs == [{"mcs": 33, "mcs_alerted": -1}]


def test_sales_come_from_the_skill_that_sells() -> None:
    """Skill 1 sells with probability 1 (sale_sensitivity 0), skill 2 falls back to
    outcomes.sale = 0: only skill 1's conversations record a sale, by the last agent."""
    facts = _facts(6)
    facts.last_skill[3:] = 2
    s = scenario(skills=[{"id": 1, "sale": 1.0}, {"id": 2}], outcomes={"sale_sensitivity": 0.0})
    chunk = draw_outcomes(
        s,
        (np.arange(6), np.zeros(6), np.ones(6, dtype=np.int64)),
        facts,
        start_ms=0,
        rng=np.random.default_rng(0),
    )
    sales = [
        (int(c), int(a))
        for k, c, a in zip(chunk.kind, chunk.conv, chunk.agent, strict=True)
        if KINDS[k] == "sale.recorded"
    ]
    assert sales == [(0, 1), (1, 1), (2, 1)]


def test_unanswered_surveys_are_sent_and_answered_ones_too() -> None:
    """survey 0.5 and survey_unanswered 0.5 over agent closes: every conversation is sent a
    survey at the close (the two slices of one uniform cover [0, 1)); the answered ones are
    exactly those whose answer comes, the rest never do; system closes get nothing."""
    facts = _facts(40)
    facts.closed_by[30:] = CLOSED_BY.index("system")
    events = _draw(facts, survey=0.5, survey_unanswered=0.5)
    sent = {c for k, c, _ in events if k == "survey.sent"}
    answered = {c for k, c, _ in events if k == "survey.answered"}
    assert sent == set(range(30))
    assert answered < sent and 0 < len(answered) < 30


def test_without_unanswered_surveys_nothing_is_sent() -> None:
    """survey_unanswered 0 (the default): answers only, no survey.sent, as format 1 wrote."""
    kinds = {k for k, _, _ in _draw(_facts(20), survey=1.0)}
    assert "survey.answered" in kinds and "survey.sent" not in kinds


def test_sales_take_their_currencies_by_weight() -> None:
    """currencies {EUR 1, USD 1}: both appear among 200 sales; without the table every sale
    is in scenario.currency (EUR)."""
    facts = _facts(200)
    s = scenario(
        skills=[{"id": 1, "sale": 1.0}],
        outcomes={"sale_sensitivity": 0.0, "currencies": {"EUR": 1.0, "USD": 1.0}},
    )
    chunk = draw_outcomes(
        s, (np.arange(200), np.zeros(200), np.ones(200, dtype=np.int64)), facts,
        start_ms=0, rng=np.random.default_rng(1),
    )  # fmt: skip
    assert set(chunk.extra["currency"][1].tolist()) == {"EUR", "USD"}
    plain = scenario(skills=[{"id": 1, "sale": 1.0}], outcomes={"sale_sensitivity": 0.0})
    chunk = draw_outcomes(
        plain, (np.arange(20), np.zeros(20), np.ones(20, dtype=np.int64)), _facts(20),
        start_ms=0, rng=np.random.default_rng(1),
    )  # fmt: skip
    assert set(chunk.extra["currency"][1].tolist()) == {"EUR"}
