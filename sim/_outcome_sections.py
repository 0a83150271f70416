"""The outcome and target sections of a scenario: what the service yields, what it must meet.

``[outcomes]`` draws surveys, MCS and sales after each close (:mod:`._outcomes`);
``[targets]`` holds the capacity planner's goals. docs/scenarios.md documents the same
keys (a test keeps them in step).
"""

# key() returns dataclasses.field(...), which RUF009 cannot see through.
# ruff: noqa: RUF009
from __future__ import annotations

from dataclasses import dataclass

from ._spec import key

__all__ = ["OutcomeSpec", "TargetsSpec"]


@dataclass(frozen=True, kw_only=True)
class OutcomeSpec:
    """Surveys, MCS and sales after each final close, following the service received.

    The service penalty of a conversation (logit units) adds the effects below;
    docs/scenarios.md ("Outcomes") gives the model and its references.
    """

    survey: float = key(
        0.0, check="prob", doc="conversations closed by the consumer or an agent with a CSAT answer"
    )
    survey_after_auto_close: float = key(
        0.0,
        check="prob",
        doc="conversations closed by the system with a CSAT answer (vendors send none)",
    )
    survey_criteria: float = key(0.5, check="prob", doc="surveys that also rate the criteria")
    survey_unanswered: float = key(
        0.0,
        check="prob",
        doc="conversations closed by the consumer or an agent sent a survey never answered; "
        "when > 0 every answered survey is sent too (survey.sent at the close)",
    )
    csat_shares: list[float] = key(
        [0.03, 0.03, 0.08, 0.31, 0.55],
        check="nonneg",
        doc="shares of the answers 1..5 after ideal service (penalty 0)",
    )
    wait_effect: float = key(
        0.4, check="nonneg", doc="penalty per doubling of 1 + queue wait / 60 s"
    )
    response_effect: float = key(
        0.4, check="nonneg", doc="penalty per doubling of 1 + mean agent response time / 60 s"
    )
    transfer_effect: float = key(0.35, check="nonneg", doc="penalty per transfer")
    unresolved_effect: float = key(
        1.5, check="nonneg", doc="penalty when the conversation ends unresolved"
    )
    multitask_effect: float = key(
        0.15,
        check="nonneg",
        doc="penalty per extra conversation the agent held while answering (mean)",
    )
    mcs: float = key(0.0, check="prob", doc="closed conversations with an MCS")
    mcs_best: float = key(70.0, check="nonneg", doc="mean MCS after ideal service (0-100)")
    mcs_sd: float = key(18.0, check="nonneg", doc="standard deviation of the MCS around its mean")
    mcs_per_penalty: float = key(
        10.0, check="nonneg", doc="MCS points lost per unit of service penalty"
    )
    sale: float = key(
        0.0,
        check="prob",
        doc="chance of a sale after ideal service, for skills without their own skills[].sale",
    )
    sale_sensitivity: float = key(
        0.5, check="nonneg", doc="the sale chance is multiplied by exp(-sale_sensitivity x penalty)"
    )
    sale_mean_minor: float = key(
        5000.0, unit="minor units", check="pos", doc="mean sale amount (exponential)"
    )
    currencies: dict[str, float] = key(
        {},
        check="nonneg",
        doc="ISO 4217 code -> weight of sales in it; empty = all in scenario.currency",
    )


@dataclass(frozen=True, kw_only=True)
class TargetsSpec:
    """Capacity-planning targets (``ccbench plan``); the simulator itself ignores them."""

    service_level: float = key(
        0.8, check="prob", doc="share of queued conversations to answer within threshold_s"
    )
    threshold_s: float = key(20.0, unit="s", check="pos", doc="service level threshold")
    confidence: float = key(
        0.95, check="prob", doc="confidence the targets must be met with, in (0, 1)"
    )
    max_abandon_rate: float = key(
        1.0, check="prob", doc="largest acceptable abandon rate (1 = no target)"
    )
    max_asa_s: float | None = key(
        None,
        unit="s",
        check="pos",
        doc="largest acceptable average speed of answer (none = no target)",
    )
    max_occupancy: float = key(
        1.0, check="prob", doc="largest acceptable agent occupancy (1 = no cap)"
    )
