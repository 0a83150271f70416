"""Outcomes that follow the service: survey answers, criterion scores, MCS and sales.

After each final close, a conversation's service penalty (logit units) adds
what it lived through (:class:`._facts.ServiceFacts`)::

    P = wait_effect       * log2(1 + queue wait / 60 s)
      + response_effect   * log2(1 + mean agent response / 60 s)
      + transfer_effect   * transfers
      + unresolved_effect * [not resolved]
      + multitask_effect  * max(0, mean conversations the agent held - 1)

- CSAT (1-5) is an ordered logit: latent z = -P + e with e ~ Logistic(0, 1),
  answer = 1 + #{k : z > c_k}, c_k = logit(F_k) with F the cumulative
  ``csat_shares``; so P = 0 gives ``csat_shares`` exactly and every unit of
  penalty shifts the odds of each "at least k" by a factor e.
- Criteria: welcome, response time and quality use the same model with their
  own part of P counted fully and the rest at half (welcome: the wait;
  response time: the response; quality: resolution, transfers and
  multitasking); each reuses the overall noise with probability 0.6, else an
  independent one (a mixture, so every answer keeps its logistic margin).
- MCS = clip(round(mcs_best - mcs_per_penalty x P + N(0, mcs_sd)), 0, 100).
- A survey is answered with probability ``survey`` after a close by the
  consumer or an agent, ``survey_after_auto_close`` after a system close.
  With ``survey_unanswered`` > 0, a further share of consumer or agent closes
  gets a survey that is never answered, and every survey (answered or not) is
  sent at the close (``survey.sent``): the answer, if any, comes later.
- A sale (human-handled conversations only, attributed to the last human)
  happens with the last skill's ``sale`` (default ``outcomes.sale``) times
  exp(-sale_sensitivity x P), in a currency drawn from ``currencies`` (weights;
  none given: ``scenario.currency``).

Surveys and MCS come 30-600 s after the close (uniform) and only inside the
horizon; sales at the close. docs/scenarios.md ("Outcomes") gives the
references the directions of these effects come from.
"""

from __future__ import annotations

import numpy as np

from ccbench.eventlog import CLOSED_BY

from ._facts import ServiceFacts
from ._record import KIND, Chunk, ChunkBuilder
from ._scenario import Scenario

__all__ = ["Closes", "draw_outcomes", "service_penalty"]

# Final closes: (conversation index, close time s, agent id of the last human or -1).
Closes = tuple[np.ndarray, np.ndarray, np.ndarray]

_K = KIND
_SYSTEM = CLOSED_BY.index("system")
_SHARED_NOISE = 0.6  # chance a criterion's noise is the overall answer's


def service_penalty(scenario: Scenario, service: ServiceFacts) -> np.ndarray:
    """Per conversation: (total P, wait part, response part, quality part), shape (n, 4)."""
    o = scenario.outcomes
    wait = o.wait_effect * np.log2(1.0 + service.queue_wait / 60.0)
    response = o.response_effect * np.log2(1.0 + service.mean_response() / 60.0)
    quality = (
        o.transfer_effect * service.transfers
        + o.unresolved_effect * ~service.resolved
        + o.multitask_effect * np.maximum(0.0, service.mean_load() - 1.0)
    )
    return np.column_stack([wait + response + quality, wait, response, quality])


def _answers(latent: np.ndarray, cuts: np.ndarray) -> np.ndarray:
    """1 + the number of cut points below each latent value (answers 1..5)."""
    return 1 + np.searchsorted(cuts, latent, side="left")


def draw_outcomes(
    scenario: Scenario,
    closes: Closes,
    service: ServiceFacts,
    *,
    start_ms: int,
    rng: np.random.Generator,
) -> Chunk:
    """Surveys (overall and criteria), MCS and sales after each final close."""
    o = scenario.outcomes
    out = ChunkBuilder()
    conv, t, last = closes
    n = len(conv)
    horizon_ms = start_ms + int(scenario.horizon_s * 1000.0)
    parts = service_penalty(scenario, service)[conv]
    total = parts[:, 0]
    u = rng.random((n, 4))
    delay = rng.uniform(30.0, 600.0, n)
    noise = rng.logistic(size=n)
    own_noise = np.where(
        rng.random((n, 3)) < _SHARED_NOISE, noise[:, None], rng.logistic(size=(n, 3))
    )
    mcs = np.clip(
        np.round(o.mcs_best - o.mcs_per_penalty * total + rng.normal(0.0, o.mcs_sd, n)), 0, 100
    ).astype(np.int64)
    amount = np.maximum(1, rng.exponential(o.sale_mean_minor, n)).astype(np.int64)

    shares = np.asarray(o.csat_shares, dtype=float)
    cumulative = np.cumsum(shares / shares.sum())[:4]
    with np.errstate(divide="ignore"):
        cuts = np.log(cumulative) - np.log1p(-cumulative)  # logit; -inf where a share is 0
    csat = _answers(noise - total, cuts)
    criteria = [
        _answers(own_noise[:, k] - (parts[:, 1 + k] + 0.5 * (total - parts[:, 1 + k])), cuts)
        for k in range(3)
    ]
    by_system = service.closed_by[conv] == _SYSTEM
    p_survey = np.where(by_system, o.survey_after_auto_close, o.survey)
    # unanswered surveys: the next slice of the same uniform, after consumer or agent closes
    p_unanswered = np.where(by_system, 0.0, o.survey_unanswered)
    send = o.survey_unanswered > 0
    sale_of = {k.id: o.sale if k.sale is None else k.sale for k in scenario.skills}
    base_sale = np.asarray([sale_of.get(k, o.sale) for k in service.last_skill[conv].tolist()])
    p_sale = np.where(last >= 0, base_sale * np.exp(-o.sale_sensitivity * total), 0.0)
    currency = _currencies(scenario, n, rng)
    hit = (u[:, 0] < p_survey + p_unanswered) | (u[:, 2] < o.mcs) | (u[:, 3] < p_sale)
    for k in np.nonzero(hit)[0].tolist():
        c, close_ms = int(conv[k]), start_ms + int(float(t[k]) * 1000.0)
        after = close_ms + int(delay[k] * 1000.0)
        if send and u[k, 0] < p_survey[k] + p_unanswered[k] and close_ms < horizon_ms:
            out.put(close_ms, _K["survey.sent"], c)
        if u[k, 0] < p_survey[k] and after < horizon_ms:
            extra = {}
            if u[k, 1] < o.survey_criteria:
                extra = {
                    "csat_welcome": int(criteria[0][k]),
                    "csat_response_time": int(criteria[1][k]),
                    "csat_quality": int(criteria[2][k]),
                }
            out.put(after, _K["survey.answered"], c, csat=int(csat[k]), **extra)
        if u[k, 2] < o.mcs and after < horizon_ms:
            m = int(mcs[k])
            out.put(
                after,
                _K["mcs.scored"],
                c,
                mcs=m,
                mcs_alerted=1 if m >= 67 else (-1 if m <= 33 else 0),
            )
        if u[k, 3] < p_sale[k]:
            out.put(
                close_ms,
                _K["sale.recorded"],
                c,
                int(last[k]),
                amount_minor=int(amount[k]),
                currency=currency[k],
            )
    return out.chunk()


def _currencies(scenario: Scenario, n: int, rng: np.random.Generator) -> list[str]:
    """The currency of each conversation's sale: drawn from ``outcomes.currencies`` by
    weight, or ``scenario.currency`` for all (no draw, so such runs keep their draws)."""
    weights = scenario.outcomes.currencies
    if not weights:
        return [scenario.scenario.currency] * n
    codes = sorted(weights)
    p = np.asarray([weights[c] for c in codes], dtype=float)
    return [codes[i] for i in rng.choice(len(codes), size=n, p=p / p.sum()).tolist()]
