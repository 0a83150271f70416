"""Golden tests: hand-built logs reproduce seed 004's example responses exactly."""

from __future__ import annotations

import json
from typing import Any

import pytest

import tests.support.seed004_logs as golden
from ccbench.eventlog import read_log
from oracle import Oracle

EXPECTED: dict[str, Any] = json.loads((golden.DATA / "seed004_expected.json").read_text())
INTERVAL_METRICS = (
    "avgTimeToResponseFromAgentAssignment,"
    "avgTimetoFirstAgentMessageFromAgentAssignment_AfterTransfer,"
    "avgTimetoFirstAgentMessageFromAgentAssignment_NewConversation"
)


@pytest.fixture(scope="module")
def timeframe_oracle() -> Oracle:
    return Oracle(read_log(golden.DATA / "seed004_timeframe.ndjson"))


@pytest.fixture(scope="module")
def interval_oracle() -> Oracle:
    return Oracle(read_log(golden.DATA / "seed004_interval.ndjson"))


@pytest.mark.parametrize("name", ["seed004_timeframe", "seed004_interval"])
def test_data_files_match_their_builder(name: str) -> None:
    """The checked-in NDJSON and .md are exactly what tests/support/seed004_logs.py describes."""
    builder = golden.timeframe_log() if name == "seed004_timeframe" else golden.interval_log()
    lines = (golden.DATA / f"{name}.ndjson").read_text().splitlines()
    assert [json.loads(line) for line in lines[1:]] == [r for r, _ in builder.records()]
    assert json.loads(lines[0])["roster"] == golden.ROSTER


def test_first_example(timeframe_oracle: Oracle) -> None:
    """agentIds=12,13, timeframe=180 gives the seed's first response, key order included."""
    got = timeframe_oracle.agent_segments_query(
        {"timeframe": "180", "agentIds": "12,13", "v": "1"}, now_ms=golden.NOW_1
    )
    assert json.dumps(got) == json.dumps(EXPECTED["timeframe"])


def test_skill_grouped_example(timeframe_oracle: Oracle) -> None:
    """Adding skillIds=333,444 gives the seed's skill-grouped response exactly."""
    got = timeframe_oracle.agent_segments_query(
        {"timeframe": "180", "agentIds": "12,13", "skillIds": "333,444", "v": "1"},
        now_ms=golden.NOW_1,
    )
    assert json.dumps(got) == json.dumps(EXPECTED["timeframe_skills"])


def test_other_agents_and_the_window_edges(timeframe_oracle: Oracle) -> None:
    """Without agentIds agent 14 and bot 90 appear; c00 (before) and c99 (at now) never do."""
    got = timeframe_oracle.agent_segments(now_ms=golden.NOW_1, timeframe=180)
    per_agent = got["agentsMetrics"]["metricsPerAgent"]
    assert list(per_agent) == ["12", "13", "14", "90"]
    # 14: c21, c23, c24 (its first segment), c24 (after 12's transfer), c25 = 5 segments;
    # 90: c22 = 1 segment. 12 and 13 are unchanged by the extra agents.
    assert per_agent["14"]["totalAgentConversationSegments"] == 5
    assert per_agent["90"]["totalAgentConversationSegments"] == 1
    assert per_agent["12"] == EXPECTED["timeframe"]["agentsMetrics"]["metricsPerAgent"]["12"]
    assert got["metricsTotal"]["totalAgentConversationSegments"] == 14


def _shown(response: dict[str, Any]) -> dict[str, Any]:
    """The agent-level parts the seed shows consistently (see test_interval_skills)."""
    return {"agentsMetrics": response["agentsMetrics"], "metricsTotal": response["metricsTotal"]}


def test_interval_example(interval_oracle: Oracle) -> None:
    """interval=5, timeframe=60: the seed's two intervals and timeframeSummary exactly.

    agentsMetrics and metricsTotal are compared verbatim. The seed lists both
    agents under both skills with identical numbers, which no segment
    partition can produce and which contradicts its first skill example
    (metric-catalog.md section 1); metricsPerSkill is checked in the next test.
    """
    got = interval_oracle.agent_segments_query(
        {
            "timeframe": "60",
            "interval": "5",
            "agentIds": "12,13",
            "skillIds": "333,444",
            "metrics": INTERVAL_METRICS,
            "v": "1",
        },
        now_ms=golden.NOW_2,
    )
    want = EXPECTED["interval"]
    assert list(got) == ["metricsByIntervals", "timeframeSummary"]
    intervals = got["metricsByIntervals"]
    # 60 / 5 = 12 intervals, oldest first, 300000 ms apart from now - 60 min.
    assert [i["timestamp"] for i in intervals] == [1556798050118 + k * 300_000 for k in range(12)]
    for k in (0, 1):
        assert intervals[k]["timestamp"] == want["metricsByIntervals"][k]["timestamp"]
        assert json.dumps(_shown(intervals[k]["metricsData"])) == json.dumps(
            _shown(want["metricsByIntervals"][k]["metricsData"])
        )
    for empty in intervals[2:]:
        assert empty["metricsData"] == {
            "metricsPerSkill": {},
            "agentsMetrics": {"metricsPerAgent": {}},
            "metricsTotal": dict.fromkeys(want["timeframeSummary"]["metricsTotal"], 0),
        }
    assert json.dumps(_shown(got["timeframeSummary"])) == json.dumps(
        _shown(want["timeframeSummary"])
    )


def test_interval_skills(interval_oracle: Oracle) -> None:
    """Per skill, each segment counts once under its own skill (12 on 333, 13 on 444)."""
    got = interval_oracle.agent_segments_query(
        {
            "timeframe": "60",
            "interval": "5",
            "agentIds": "12,13",
            "skillIds": "333,444",
            "metrics": INTERVAL_METRICS,
            "v": "1",
        },
        now_ms=golden.NOW_2,
    )
    want = EXPECTED["interval"]
    for part, expected in (
        (got["metricsByIntervals"][0]["metricsData"], want["metricsByIntervals"][0]["metricsData"]),
        (got["metricsByIntervals"][1]["metricsData"], want["metricsByIntervals"][1]["metricsData"]),
        (got["timeframeSummary"], want["timeframeSummary"]),
    ):
        agents = expected["agentsMetrics"]["metricsPerAgent"]
        assert part["metricsPerSkill"] == {
            "333": {"metricsPerAgent": {"12": agents["12"]}},
            "444": {"metricsPerAgent": {"13": agents["13"]}},
        }
