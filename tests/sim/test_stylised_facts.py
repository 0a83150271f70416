"""Stylised facts of contact-center traffic that retail_day (seed 1) must reproduce (slow):
lognormal call handle times, the intraday profile, the configured consumer gaps, messaging
conversations that live in time, CSAT falling with the wait, channel-true routing and
staffing that fits the load. Each expected value is derived from the scenario below."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from scipy import stats

from ccbench.eventlog import CHANNELS
from sim import RealismReport, Scenario, SimResult, load_scenario, realism_report, simulate
from sim._sections import DistSpec

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def retail() -> tuple[Scenario, SimResult, RealismReport]:
    scenario = load_scenario("retail_day")
    result = simulate(scenario=scenario, seed=1)
    return scenario, result, realism_report(result.log, scenario=scenario)


def _lognormal(d: DistSpec) -> stats.rv_continuous:
    """The scenario's lognormal by its own mean and sd (docs/scenarios.md)."""
    sigma2 = math.log1p((d.sd_s / d.mean_s) ** 2)
    return stats.lognorm(s=math.sqrt(sigma2), scale=math.exp(math.log(d.mean_s) - sigma2 / 2))


def test_call_handle_times_are_lognormal(retail) -> None:  # type: ignore[no-untyped-def]
    """Call segments that end in a close last their drawn handle time, lognormal with mean
    300 s and sd 180 s: ln(handle) has mean ln 300 - s2/2 = 5.550 and sd sqrt(s2) = 0.5545
    (s2 = ln 1.36); fitted values within 0.02 and a KS distance under 0.02 (n ~ 8,000)."""
    _, _, report = retail
    call = next(c for c in report.channels if c.channel == "call")
    sigma2 = math.log(1.36)
    assert call.handle_log_mean == pytest.approx(math.log(300.0) - sigma2 / 2, abs=0.02)
    assert call.handle_log_sd == pytest.approx(math.sqrt(sigma2), abs=0.02)
    assert call.handle_lognormal_ks is not None and call.handle_lognormal_ks < 0.02


def test_arrivals_follow_the_intraday_profile(retail) -> None:  # type: ignore[no-untyped-def]
    """Opened conversations per hour and channel against the profile's expectation:
    Poisson counts, so the chi-square over the 72 (hour, channel) cells with at least 5
    expected has a p-value above 0.001."""
    _, _, report = retail
    observed, expected = [], []
    for c in report.channels:
        assert c.expected_by_hour is not None
        for o, e in zip(c.arrivals_by_hour, c.expected_by_hour, strict=True):
            if e >= 5:
                observed.append(o)
                expected.append(e)
    o, e = np.asarray(observed, float), np.asarray(expected)
    chi2 = float(((o - e) ** 2 / e).sum())
    assert stats.chi2.sf(chi2, len(o)) > 1e-3


def test_consumer_gaps_match_the_scenario(retail) -> None:  # type: ignore[no-untyped-def]
    """A consumer's gap G after an agent's answer at t is observed when G < the horizon - t;
    walk-aways never are. So among gaps after answers in the first 12 h, the expected share
    over 15 min is sum P(900 < G < W) / sum P(G < W) over those answers (W = 24 h - t), with
    G the mixture (silence_share: silence, else think time). Gaps across a close by the
    agent or the consumer are left out: the consumer then comes back with a new question
    (behaviour.resume), not an answer. Observed within 0.01 (about 6 sd); the same for gaps
    under 1 min."""
    scenario, result, report = retail
    m = scenario.modes.messaging
    think, silence, s = _lognormal(m.consumer_reply), _lognormal(m.silence), m.silence_share

    def cdf(x: np.ndarray) -> np.ndarray:
        return (1 - s) * think.cdf(x) + s * silence.cdf(x)

    t = result.log.table
    opened = t.filter(pc.equal(t["kind"], "conversation.opened"))
    messaging = pc.filter(opened["conversation_id"], pc.equal(opened["channel"], "messaging"))
    talk = pc.and_(
        pc.equal(t["kind"], "message.sent"),
        pc.is_in(t["sender_role"], pa.array(["agent", "consumer"])),
    )
    closes = pc.and_(
        pc.equal(t["kind"], "conversation.closed"), pc.not_equal(t["closed_by"], "system")
    )
    rows = t.filter(
        pc.and_(
            pc.or_(talk, pc.fill_null(closes, False)), pc.is_in(t["conversation_id"], messaging)
        )
    )
    rows = rows.sort_by(
        [("conversation_id", "ascending"), ("ts", "ascending"), ("seq", "ascending")]
    )
    conv = rows["conversation_id"].combine_chunks().dictionary_encode().indices.to_numpy()
    role = np.asarray(pc.fill_null(rows["sender_role"], "close").to_pylist(), dtype=object)
    ts = (rows["ts"].to_numpy() - scenario.start_ms) / 1000.0
    agent = role == "agent"
    answered = np.append((conv[1:] == conv[:-1]) & (role[1:] == "consumer"), False) & agent
    gaps = (np.roll(ts, -1) - ts)[answered]
    early = ts[answered] < 12 * 3600
    w = scenario.horizon_s - ts[agent & (ts < 12 * 3600)]
    for lo, hi, observed in (
        (900.0, None, (gaps[early] > 900).mean()),
        (0.0, 60.0, (gaps[early] <= 60).mean()),
    ):
        upper = w if hi is None else np.minimum(w, hi)
        expected = (cdf(upper) - cdf(np.minimum(lo, upper))).sum() / cdf(w).sum()
        assert observed == pytest.approx(expected, abs=0.01)
    assert report.messaging.gap_over_15min_share is not None


def test_messaging_lasts_hours_and_is_auto_closed_as_configured(retail) -> None:  # type: ignore[no-untyped-def]
    """Per consumer turn the conversation is auto-closed when the consumer walks away or
    answers after auto_close_s: p = w + (1 - w)(s P(S > a) + (1 - s) P(T > a)). A human
    conversation has K - 1 turns before its last answer (K geometric, mean 4, q = 0.75),
    then the consumer closes with probability 1 - agent_close_share, auto-closed with p:
    P(never) = E[(1-p)^(K-1)] (share + (1 - share)(1 - p)), E[x^(K-1)] = (1-q) / (1-qx).
    Bot-contained WhatsApp conversations (rate share x containment) never reach a human.
    The observed auto-closed share is within 0.03 of that; the share over 1 h is within
    [0.75, 1.35] x the share with a resume after a silence over 1 h (same formula with
    p1 = (1 - w) s P(S > 3600)), censoring by the horizon making it a rough estimate."""
    scenario, _, report = retail
    m, b = scenario.modes.messaging, scenario.behaviour
    silence, think = _lognormal(m.silence), _lognormal(m.consumer_reply)
    a, w, s = m.auto_close_s, m.walk_away, m.silence_share
    q = 1 - 1 / m.turns_mean
    p = w + (1 - w) * (s * silence.sf(a) + (1 - s) * think.sf(a))
    never = (
        (1 - q) / (1 - q * (1 - p)) * (b.agent_close_share + (1 - b.agent_close_share) * (1 - p))
    )
    streams = [x for x in scenario.streams if x.channel == "messaging"]
    contained = sum(
        x.rate_per_hour * (scenario.bots[0].containment if x.bot_flow else 0.0) for x in streams
    ) / sum(x.rate_per_hour for x in streams)
    assert report.messaging.auto_closed_share == pytest.approx(
        (1 - never) * (1 - contained), abs=0.03
    )
    p1 = (1 - w) * s * silence.sf(3600.0)
    long_share = (1 - (1 - q) / (1 - q * (1 - p1))) * (1 - contained)
    over = report.messaging.over_1h_share
    assert over is not None and 0.75 * long_share <= over <= 1.35 * long_share


def test_csat_falls_with_the_wait(retail) -> None:  # type: ignore[no-untyped-def]
    """Spearman(CSAT, wait) is negative and at least 3 of its standard errors (1/sqrt(n))
    from 0, and mean CSAT after waits over a minute is at least 0.2 below the mean after
    waits under 20 s."""
    _, _, report = retail
    o = report.outcomes
    n = sum(count for _, count, _ in o.csat_by_wait)
    assert o.spearman_csat_wait is not None and o.spearman_csat_wait * math.sqrt(n) < -3
    fast = o.csat_by_wait[0][2]
    slow = [(count, mean) for _, count, mean in o.csat_by_wait[2:] if mean is not None]
    slow_mean = sum(c * m for c, m in slow) / sum(c for c, _ in slow)
    assert fast is not None and slow_mean < fast - 0.2


def test_no_conversation_holds_a_slot_of_another_channels_pool(retail) -> None:  # type: ignore[no-untyped-def]
    """Every human segment is in a skill that takes its conversation's channel (transfers
    stay in the channel), and calls are held only by agents whose skills all take calls,
    chats and messaging only by agents with no call skill."""
    scenario, result, _ = retail
    channels = scenario.skill_channels()
    channel_of = dict(
        zip(
            result.queue["conversation_id"].to_pylist(),
            result.queue["channel"].to_pylist(),
            strict=True,
        )
    )
    roster = result.log.roster
    for seg in result.segments.filter(pc.not_equal(result.segments["role"], "bot")).to_pylist():
        channel = channel_of[seg["conversation_id"]]
        assert channel in channels[seg["skill_id"]], seg
        if seg["role"] == "manager":
            continue
        skills = roster.agent(seg["agent_id"]).skills  # type: ignore[union-attr]
        takes_calls = [channels[k] == {"call"} for k in skills]
        assert all(takes_calls) if channel == "call" else not any(takes_calls), seg


def test_no_skill_is_saturated_all_day(retail) -> None:  # type: ignore[no-untyped-def]
    """For every skill, the hours in which its agents spent at least 90 % of their logged-in
    time at max slots are fewer than a third of the hours they were logged in, and fewer
    than 10 % of the conversations queued to it abandoned."""
    _, _, report = retail
    for row in report.skills_capacity:
        staffed = [x for x in row.at_max if x is not None]
        assert sum(x >= 0.9 for x in staffed) < len(staffed) / 3, row.name
    for skill in report.skills:
        assert skill.abandon_rate is not None and skill.abandon_rate < 0.1, skill.skill
    assert set(CHANNELS) == {c.channel for c in report.channels}
