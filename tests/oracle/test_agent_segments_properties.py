"""Properties of the agent-segment oracle on random valid logs (Hypothesis).

Logs come from tests/support/oracle_logs.py (every segment rule, equal timestamps,
open segments); ``now`` and the window are drawn too.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ccbench.eventlog import read_log
from oracle import END_KINDS, START_KINDS, Feature, Oracle
from tests.support.oracle_logs import random_log, reference_features

SPAN = 20 * 60_000
OUTCOMES = (
    "interactiveAgentSegments",
    "agentSegmentsAbandonedByConsumers",
    "agentSegmentsWithNonResponsiveConsumers",
    "agentSegmentsWithNonResponsiveAgents",
)
COUNTS = ("totalAgentConversationSegments", *OUTCOMES)

cases = st.tuples(
    st.integers(0, 10**6),
    st.integers(1, 25),
    st.integers(0, SPAN + 120_000),
    st.sampled_from([5, 10, 20, 30, 60]),
)


def _oracle(seed: int, n: int) -> Oracle:
    return Oracle(random_log(seed=seed, conversations=n, span_ms=SPAN))


def _now(o: Oracle, offset: int) -> int:
    start = o.log.time_range()
    assert start is not None
    return start[0] + offset


@settings(max_examples=40, deadline=None)
@given(cases)
def test_features_match_the_literal_reference(case: tuple[int, int, int, int]) -> None:
    """Vectorised per-segment features equal a plain event-by-event walk, at any now."""
    seed, n, offset, _ = case
    o = _oracle(seed, n)
    now = _now(o, offset)
    s = o.segments
    idx = np.flatnonzero(s.start_ts < now)
    got = s.features_at(idx, now)
    ref = reference_features(o.log.records(), now)
    assert len(ref) == idx.shape[0]
    outcome_of = {
        Feature.INTERACTIVE: "interactive",
        Feature.ABANDONED: "abandoned",
        Feature.NONRESPONSIVE_CONSUMER: "nonresponsive_consumer",
        Feature.NONRESPONSIVE_AGENT: "nonresponsive_agent",
    }
    for r, i, f in zip(ref, idx, got, strict=True):
        ended = bool(s.end_ts[i] < now)
        assert (
            int(s.agent[i]),
            int(s.skill[i]),
            int(s.start_ts[i]),
            START_KINDS[s.start_kind[i]],
            END_KINDS[s.end_kind[i]] if ended else "open",
        ) == (r["agent"], r["skill"], r["start"], r["start_kind"], r["end_kind"])
        assert f[Feature.MESSAGES] == r["messages"]
        assert f[Feature.DURATION_SUM] == (r["duration"] or 0)
        assert [k for k, name in outcome_of.items() if f[k]] == [
            k for k, name in outcome_of.items() if name == r["outcome"]
        ]
        assert f[Feature.FIRST_N] == (r["first"] is not None)
        assert (f[Feature.RESPONSE_N], f[Feature.RESPONSE_SUM]) == (
            len(r["responses"]),
            sum(r["responses"]),
        )


def _check_counts(response: dict[str, Any]) -> None:
    per_agent = response["agentsMetrics"]["metricsPerAgent"].values()
    for name in COUNTS:
        assert sum(m[name] for m in per_agent) == response["metricsTotal"][name]


@settings(max_examples=30, deadline=None)
@given(cases)
def test_partition_and_sums(case: tuple[int, int, int, int]) -> None:
    """Outcomes partition ended segments; agents, skills and intervals add up to totals."""
    seed, n, offset, interval = case
    o = _oracle(seed, n)
    now = _now(o, offset)
    got = o.agent_segments(now_ms=now, timeframe=60, interval=interval, skill_ids="all")
    summary = got["timeframeSummary"]
    _check_counts(summary)
    for item in got["metricsByIntervals"]:
        _check_counts(item["metricsData"])
    for name in COUNTS:
        assert (
            sum(i["metricsData"]["metricsTotal"][name] for i in got["metricsByIntervals"])
            == summary["metricsTotal"][name]
        )
    # Each segment has one skill: per-skill agent counts add up to the agent counts.
    for agent, m in summary["agentsMetrics"]["metricsPerAgent"].items():
        for name in COUNTS:
            assert (
                sum(
                    sk["metricsPerAgent"].get(agent, {}).get(name, 0)
                    for sk in summary["metricsPerSkill"].values()
                )
                == m[name]
            )
    # Partition: the four outcomes add up to the ended segments of the window.
    s = o.segments
    idx = np.flatnonzero((s.start_ts >= now - 3_600_000) & (s.start_ts < now))
    ended = int(o.segments.features_at(idx, now)[:, Feature.DURATION_N].sum())
    assert sum(summary["metricsTotal"][name] for name in OUTCOMES) == ended


@settings(max_examples=30, deadline=None)
@given(cases, st.sampled_from([(1, 2), (3, 100), (4, 200), (5, 6)]))
def test_filters_commute(case: tuple[int, int, int, int], pair: tuple[int, int]) -> None:
    """agentIds=a,b shows exactly the entries of agentIds=a and agentIds=b."""
    seed, n, offset, _ = case
    o = _oracle(seed, n)
    now = _now(o, offset)
    a, b = pair

    def per_agent(ids: list[int]) -> dict[str, Any]:
        got = o.agent_segments(now_ms=now, timeframe=60, agent_ids=ids)
        return got["agentsMetrics"]["metricsPerAgent"]  # type: ignore[no-any-return]

    both = per_agent([a, b])
    assert both == {**per_agent([a]), **per_agent([b])}
    # userType and groupIds partition the agents too.
    everyone = per_agent([a, b, 1, 2, 3, 4, 5, 6, 100, 200])
    humans = o.agent_segments(now_ms=now, timeframe=60, user_type="human")
    bots = o.agent_segments(now_ms=now, timeframe=60, user_type="bot")
    assert {
        **humans["agentsMetrics"]["metricsPerAgent"],
        **bots["agentsMetrics"]["metricsPerAgent"],
    } == everyone


def test_example_log(example_path: Any) -> None:
    """The hand-written example log: every segment found as its story says, and answered."""
    o = Oracle(read_log(example_path))
    s = o.segments
    story = [
        (
            o.columns.conversation_ids[s.conv[i]],
            int(s.agent[i]),
            START_KINDS[s.start_kind[i]],
            END_KINDS[s.end_kind[i]],
        )
        for i in range(len(s))
    ]
    # c04: 12 -> 13 -> back to 12 (two segments of 12); c05: takeover by manager 20;
    # c06: closed by the system, resumed by the consumer, then agent 12 (resume);
    # c11: back to queue (a transfer start for 12); c02: bot 90 hands off to 13.
    for expected in [
        ("c04", 12, "new", "transfer"),
        ("c04", 13, "transfer", "transfer"),
        ("c04", 12, "transfer", "close_consumer"),
        ("c05", 12, "new", "takeover"),
        ("c05", 20, "takeover", "close_agent"),
        ("c06", 13, "new", "close_system"),
        ("c06", 12, "resume", "close_consumer"),
        ("c11", 13, "new", "back_to_queue"),
        ("c11", 12, "transfer", "close_agent"),
        ("c02", 90, "new", "transfer"),
        ("c02", 13, "transfer", "close_agent"),
    ]:
        assert expected in story
    span = o.log.time_range()
    assert span is not None
    got = o.agent_segments(now_ms=span[1] + 1, timeframe=1440, interval=60, skill_ids="all")
    _check_counts(got["timeframeSummary"])
    assert got["timeframeSummary"]["metricsTotal"]["totalAgentConversationSegments"] == len(s)
