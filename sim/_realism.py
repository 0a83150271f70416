"""The realism report: statistics of an event log that a planner judges traffic by.

:func:`realism_report` works on any log, simulated or imported (with the
scenario of a simulated log it also gives the arrivals its profile expects).
Definitions, all from the log (docs/scenarios.md, "Realism report"):

- hour h covers [start + h x 1 h, start + (h + 1) x 1 h) from the horizon
  start (the scenario's, else the first event's whole hour, UTC);
- a *human queue* is a ``conversation.queued`` to a skill some human serves;
  *wait* = first human accept - first human queue entry (answered
  conversations), *abandonment* = abandoned / entered a human queue, by the
  hour of that first entry;
- *handle* = length of an ended human agent segment (:mod:`._log_view`);
- *messaging duration* = opened to last close, for messaging conversations
  whose last lifecycle event is a close (or a merge after it); *still open* =
  neither closed, merged nor abandoned at the end; *auto-closed* = closed by the system
  at least once; *consumer gap* = time from an assigned agent's message to the
  consumer's next message when no other agent or consumer message comes
  between (the consumer's answer time, across an auto-close);
- *transfers* = transfers by a human, back-to-queues and takeovers;
  CSAT is the conversation's last answer; a sale counts for the skill of the
  conversation's last human accept.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from ccbench.eventlog import CHANNELS, CLOSED_BY, SENDER_ROLES, EventLog

from ._arrivals import expected_arrivals
from ._log_view import LogView, first_rows, last_rows
from ._realism_capacity import CapacityRow, capacity_rows
from ._record import KIND
from ._scenario import Scenario

__all__ = [
    "WAIT_BINS_S",
    "ChannelStats",
    "Distribution",
    "MessagingStats",
    "OutcomeStats",
    "RealismReport",
    "SkillStats",
    "realism_report",
]

# Histogram edges (s): 4 per decade from 1 s to 10 days, plus 0 (durations under 1 s).
HIST_EDGES_S = [0.0, *(float(x) for x in np.round(np.logspace(0, 6, 25), 3))]
WAIT_BINS_S = (0.0, 20.0, 60.0, 300.0, 900.0, math.inf)
_AGENT, _CONSUMER = SENDER_ROLES.index("agent"), SENDER_ROLES.index("consumer")
_MESSAGING, _CALL = CHANNELS.index("messaging"), CHANNELS.index("call")


@dataclass(frozen=True)
class Distribution:
    """A sample of durations (s): size, mean, quantiles and a histogram on HIST_EDGES_S."""

    count: int
    mean: float | None
    p10: float | None
    p50: float | None
    p90: float | None
    p99: float | None
    histogram: list[int]

    @classmethod
    def of(cls, seconds: np.ndarray) -> Distribution:
        x = np.asarray(seconds, dtype=float)
        counts = np.histogram(np.minimum(x, HIST_EDGES_S[-1]), bins=HIST_EDGES_S)[0]
        if len(x) == 0:
            return cls(0, None, None, None, None, None, [0] * (len(HIST_EDGES_S) - 1))
        p10, p50, p90, p99 = (float(v) for v in np.quantile(x, [0.1, 0.5, 0.9, 0.99]))
        return cls(len(x), float(x.mean()), p10, p50, p90, p99, [int(c) for c in counts])


@dataclass(frozen=True)
class ChannelStats:
    """Arrivals, waits, abandonment and handle times of one channel."""

    channel: str
    conversations: int
    arrivals_by_hour: list[int]
    expected_by_hour: list[float] | None  # from the scenario's streams, when known
    wait: Distribution
    abandon_rate: float | None
    abandon_by_hour: list[float | None]
    handle: Distribution
    handle_log_mean: float | None  # of ln(handle / 1 s), ended segments closing the conversation
    handle_log_sd: float | None
    handle_lognormal_ks: float | None  # KS distance of ln(handle) to its fitted normal


@dataclass(frozen=True)
class SkillStats:
    """Queueing of one human skill (by the skill of the first human queue)."""

    skill: str
    queued: int
    wait_p50: float | None
    wait_p90: float | None
    abandon_rate: float | None


@dataclass(frozen=True)
class MessagingStats:
    """The time structure of messaging conversations."""

    closed: int
    still_open: int
    duration: Distribution
    over_1h_share: float | None
    auto_closed_share: float | None
    resumed_share: float | None
    consumer_gap: Distribution
    gap_over_15min_share: float | None


@dataclass(frozen=True)
class OutcomeStats:
    """How surveys and sales relate to the service."""

    surveys: int
    csat_mean: float | None
    spearman_csat_wait: float | None
    csat_by_wait: list[tuple[str, int, float | None]]  # (wait bin, answers, mean CSAT)
    csat_by_transfers: list[tuple[str, int, float | None]]
    sales: int
    sales_by_skill: list[tuple[str, int]]  # most first


@dataclass(frozen=True)
class RealismReport:
    """Everything :func:`realism_report` measures (module docstring)."""

    events: int
    conversations: int
    start_ms: int
    hours: int
    channels: list[ChannelStats]
    skills: list[SkillStats]
    messaging: MessagingStats
    pools_capacity: list[CapacityRow]
    skills_capacity: list[CapacityRow]
    outcomes: OutcomeStats


def _rate(num: float, den: float) -> float | None:
    return float(num / den) if den > 0 else None


def _spearman(x: np.ndarray, y: np.ndarray) -> float | None:
    if len(x) < 3 or np.all(x == x[0]) or np.all(y == y[0]):
        return None
    return float(stats.spearmanr(x, y).statistic)


def _mean_by(
    labels: list[str], bins: np.ndarray, values: np.ndarray
) -> list[tuple[str, int, float | None]]:
    out = []
    for k, label in enumerate(labels):
        v = values[bins == k]
        out.append((label, len(v), float(v.mean()) if len(v) else None))
    return out


def realism_report(log: EventLog, *, scenario: Scenario | None = None) -> RealismReport:
    """The realism statistics of ``log`` (module docstring); ``scenario`` (the one that
    simulated it) sets the horizon and gives the expected arrivals per hour."""
    if scenario is not None:
        view = LogView.of(
            log,
            start_ms=scenario.start_ms,
            end_ms=scenario.start_ms + int(scenario.horizon_s * 1000.0),
        )
    else:
        view = LogView.of(log)
    n, hours = len(view.conv_ids), view.hours
    segments = view.segments()
    ts, conv = view.ts, view.conv

    def per_conv(rows: np.ndarray, values: np.ndarray, *, last: bool = False) -> np.ndarray:
        out = np.full(n, -1, dtype=np.int64)
        keys, at = (last_rows if last else first_rows)(conv, rows)
        out[keys] = values[at]
        return out

    def hour_of(ms: np.ndarray) -> np.ndarray:
        hour: np.ndarray = np.clip((ms - view.start_ms) // 3_600_000, 0, hours - 1)
        return hour

    opened = view.rows("conversation.opened")
    opened_at = per_conv(opened, ts)
    queued = view.rows("conversation.queued")
    human_queued = queued[~np.isin(view.skill[queued], list(view.bot_skills))]
    queued_at = per_conv(human_queued, ts)
    queued_skill = per_conv(human_queued, view.skill)
    accepted = view.rows("assignment.accepted")
    human_accepted = accepted[~view.is_bot(view.agent[accepted])]
    answered_at = per_conv(human_accepted, ts)
    last_skill = per_conv(human_accepted, view.skill, last=True)
    abandoned_at = per_conv(view.rows("conversation.abandoned"), ts)
    answered = (queued_at >= 0) & (answered_at >= queued_at)
    wait_s = np.where(answered, (answered_at - queued_at) / 1000.0, np.nan)

    transferred = view.rows("conversation.transferred")
    moves = np.concatenate(
        [
            transferred[~view.is_bot(view.agent[transferred])],
            view.rows("conversation.back_to_queue"),
            view.rows("conversation.taken_over"),
        ]
    )
    transfers = np.bincount(conv[moves], minlength=n)

    channels = []
    expected = expected_arrivals(scenario, hours) if scenario is not None else None
    for c, name in enumerate(CHANNELS):
        mine = view.channel == c
        entered = mine & (queued_at >= 0)
        gone = entered & (abandoned_at >= 0)
        by_hour_in = np.bincount(hour_of(queued_at[entered]), minlength=hours)
        by_hour_gone = np.bincount(hour_of(queued_at[gone]), minlength=hours)
        seg = segments.human & segments.ended & (view.channel[segments.conv] == c)
        handle = (segments.end[seg] - segments.start[seg]) / 1000.0
        closing = seg & (segments.end_kind == KIND["conversation.closed"])
        logs = np.log(np.maximum((segments.end[closing] - segments.start[closing]) / 1000.0, 1e-3))
        ks = mu = sd = None
        if len(logs) >= 20 and logs.std() > 0:
            mu, sd = float(logs.mean()), float(logs.std(ddof=1))
            ks = float(stats.kstest(logs, "norm", args=(mu, sd)).statistic)
        channels.append(
            ChannelStats(
                channel=name,
                conversations=int(mine.sum()),
                arrivals_by_hour=[
                    int(x) for x in np.bincount(hour_of(opened_at[mine]), minlength=hours)
                ],
                expected_by_hour=None if expected is None else [float(x) for x in expected[name]],
                wait=Distribution.of(wait_s[mine & answered]),
                abandon_rate=_rate(gone.sum(), entered.sum()),
                abandon_by_hour=[
                    _rate(g, e) for g, e in zip(by_hour_gone, by_hour_in, strict=True)
                ],
                handle=Distribution.of(handle),
                handle_log_mean=mu,
                handle_log_sd=sd,
                handle_lognormal_ks=ks,
            )
        )

    skills = []
    for k in view.roster.skills:
        if k.id in view.bot_skills:
            continue
        entered = queued_skill == k.id
        waits = wait_s[entered & answered]
        skills.append(
            SkillStats(
                skill=k.name or f"skill {k.id}",
                queued=int(entered.sum()),
                wait_p50=float(np.quantile(waits, 0.5)) if len(waits) else None,
                wait_p90=float(np.quantile(waits, 0.9)) if len(waits) else None,
                abandon_rate=_rate((entered & (abandoned_at >= 0)).sum(), entered.sum()),
            )
        )

    pools_capacity, skills_capacity = capacity_rows(view, segments)
    return RealismReport(
        events=len(view.ts),
        conversations=n,
        start_ms=view.start_ms,
        hours=hours,
        channels=channels,
        skills=skills,
        messaging=_messaging(view, opened_at),
        pools_capacity=pools_capacity,
        skills_capacity=skills_capacity,
        outcomes=_outcomes(view, wait_s, transfers, last_skill),
    )


def _messaging(view: LogView, opened_at: np.ndarray) -> MessagingStats:
    n, conv, ts = len(view.conv_ids), view.conv, view.ts
    lifecycle = np.nonzero(
        (conv >= 0) & np.isin(view.kind, [KIND[k] for k in KIND if k.startswith("conversation.")])
    )[0]
    keys, last = last_rows(conv, lifecycle)
    final_kind = np.full(n, -1, dtype=np.int64)
    final_kind[keys] = view.kind[last]
    closed = view.rows("conversation.closed")
    keys, last = last_rows(conv, closed)
    closed_at = np.full(n, -1, dtype=np.int64)
    closed_at[keys] = ts[last]
    system = closed[view.closed_by[closed] == CLOSED_BY.index("system")]
    auto = np.bincount(conv[system], minlength=n) > 0
    resumed = np.bincount(conv[view.rows("conversation.resumed")], minlength=n) > 0
    messaging = view.channel == _MESSAGING
    ended = np.isin(final_kind, [KIND["conversation.closed"], KIND["conversation.merged"]])
    done = messaging & ended & (closed_at >= 0)
    over = np.isin(final_kind, [KIND["conversation.abandoned"]]) | ended
    duration = (closed_at[done] - opened_at[done]) / 1000.0
    msgs = view.rows("message.sent")
    msgs = msgs[np.isin(view.sender[msgs], [_AGENT, _CONSUMER]) & messaging[conv[msgs]]]
    msgs = msgs[np.argsort(conv[msgs], kind="stable")]
    pair = (conv[msgs[1:]] == conv[msgs[:-1]]) & (view.sender[msgs[:-1]] == _AGENT)
    pair &= view.sender[msgs[1:]] == _CONSUMER
    gaps = (ts[msgs[1:]][pair] - ts[msgs[:-1]][pair]) / 1000.0
    return MessagingStats(
        closed=int(done.sum()),
        still_open=int((messaging & ~over & (final_kind >= 0)).sum()),
        duration=Distribution.of(duration),
        over_1h_share=float((duration > 3600).mean()) if len(duration) else None,
        auto_closed_share=_rate((auto & messaging).sum(), messaging.sum()),
        resumed_share=_rate((resumed & messaging).sum(), messaging.sum()),
        consumer_gap=Distribution.of(gaps),
        gap_over_15min_share=float((gaps > 900).mean()) if len(gaps) else None,
    )


def _outcomes(
    view: LogView, wait_s: np.ndarray, transfers: np.ndarray, last_skill: np.ndarray
) -> OutcomeStats:
    surveys = view.rows("survey.answered")
    keys, last = last_rows(view.conv, surveys)
    csat = view.csat[last].astype(float)
    waited = ~np.isnan(wait_s[keys])
    labels = [
        f"{int(a)}-{int(b)} s" if math.isfinite(b) else f">= {int(a)} s"
        for a, b in itertools.pairwise(WAIT_BINS_S)
    ]
    wait_bin = np.digitize(wait_s[keys][waited], WAIT_BINS_S[1:-1])
    moved = np.minimum(transfers[keys], 2)
    sales = view.rows("sale.recorded")
    names = {k.id: k.name or f"skill {k.id}" for k in view.roster.skills}
    by_skill: dict[str, int] = {}
    for k in last_skill[view.conv[sales]].tolist():
        name = names.get(k, "none") if k >= 0 else "none"
        by_skill[name] = by_skill.get(name, 0) + 1
    return OutcomeStats(
        surveys=len(keys),
        csat_mean=float(csat.mean()) if len(csat) else None,
        spearman_csat_wait=_spearman(csat[waited], wait_s[keys][waited]),
        csat_by_wait=_mean_by(labels, wait_bin, csat[waited]),
        csat_by_transfers=_mean_by(["0", "1", "2 or more"], moved, csat),
        sales=len(sales),
        sales_by_skill=sorted(by_skill.items(), key=lambda kv: (-kv[1], kv[0])),
    )
