"""Parameter validation and response shaping of msgagentsegments (docs/metrics.md 2.3-2.4)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import tests.support.seed004_logs as golden
from ccbench import ParameterError
from ccbench.cli import main
from ccbench.eventlog import read_log
from oracle import AGENT_SEGMENT_METRICS, AgentSegmentsParams, Oracle, parse_agent_segments_query

LOG = golden.DATA / "seed004_timeframe.ndjson"


@pytest.fixture(scope="module")
def oracle() -> Oracle:
    return Oracle(read_log(LOG))


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"v": "1"}, "timeframe"),  # required
        ({"timeframe": "60"}, "v"),  # required
        ({"timeframe": "0", "v": "1"}, "timeframe"),  # below 1
        ({"timeframe": "1441", "v": "1"}, "timeframe"),  # above 24 h
        ({"timeframe": "-5", "v": "1"}, "timeframe"),  # digits only
        ({"timeframe": "6.0", "v": "1"}, "timeframe"),
        ({"timeframe": "60", "v": "2"}, "v"),
        ({"timeframe": "60", "v": "1", "interval": "61"}, "interval"),  # seed: > timeframe
        ({"timeframe": "60", "v": "1", "interval": "31"}, "interval"),  # seed: not a divisor
        ({"timeframe": "60", "v": "1", "interval": "4"}, "interval"),  # below 5
        ({"timeframe": "60", "v": "1", "agentIds": "12,,13"}, "agentIds"),
        ({"timeframe": "60", "v": "1", "agentIds": ""}, "agentIds"),
        ({"timeframe": "60", "v": "1", "skillIds": "x"}, "skillIds"),
        ({"timeframe": "60", "v": "1", "groupIds": "1,"}, "groupIds"),
        ({"timeframe": "60", "v": "1", "userType": "Human"}, "userType"),
        ({"timeframe": "60", "v": "1", "source": "app"}, "source"),
        ({"timeframe": "60", "v": "1", "metrics": "avgFoo"}, "metrics"),
        ({"timeframe": "60", "v": "1", "agentId": "12"}, "agentId"),  # unknown name
        ({"timeframe": ["60", "30"], "v": "1"}, "timeframe"),  # given twice
        # several invalid: the first in validation order is reported
        ({"timeframe": "60", "v": "1", "interval": "7", "agentIds": "x"}, "interval"),
    ],
)
def test_invalid_query_names_the_parameter(query: dict[str, str], parameter: str) -> None:
    """Each invalid raw query raises ParameterError naming the offending parameter."""
    with pytest.raises(ParameterError) as info:
        parse_agent_segments_query(query)
    assert info.value.parameter == parameter


def test_valid_query_is_normalised() -> None:
    """Spaces are trimmed, all means no filter, metrics keep the response order."""
    p = parse_agent_segments_query(
        {
            "timeframe": "060",
            "v": "1",
            "interval": "30",
            "agentIds": " 12, 13 ,12",
            "skillIds": "all",
            "groupIds": "all",
            "userType": "bot",
            "source": "APP",
            "metrics": "avgTimeToResponseFromAgentAssignment, interactiveAgentSegments",
        }
    )
    assert p == AgentSegmentsParams(
        timeframe=60,
        interval=30,
        agent_ids=frozenset({12, 13}),
        skill_ids="all",
        group_ids=None,
        user_type="bot",
        source="APP",
        metrics=(
            "totalAgentConversationSegments",
            "interactiveAgentSegments",
            "avgTimeToResponseFromAgentAssignment",
        ),
    )


def test_typed_api_validates_like_the_query(oracle: Oracle) -> None:
    """The keyword API rejects the same values, naming the parameter."""
    for kwargs, parameter in (
        ({"timeframe": 1441}, "timeframe"),
        ({"timeframe": True}, "timeframe"),
        ({"timeframe": 60, "interval": 31}, "interval"),
        ({"timeframe": 60, "agent_ids": ["12"]}, "agentIds"),
        ({"timeframe": 60, "user_type": "robot"}, "userType"),
    ):
        with pytest.raises(ParameterError) as info:
            oracle.agent_segments(now_ms=golden.NOW_1, **kwargs)  # type: ignore[arg-type]
        assert info.value.parameter == parameter
    with pytest.raises(ParameterError) as info:
        oracle.agent_segments(now_ms=-1, timeframe=60)
    assert info.value.parameter == "now_ms"


def test_metrics_filter_keeps_named_keys_and_the_total(oracle: Oracle) -> None:
    """metrics=X shows totalAgentConversationSegments and X, in every metrics object."""
    got = oracle.agent_segments(
        now_ms=golden.NOW_1,
        timeframe=180,
        agent_ids=[12],
        skill_ids="all",
        metrics=["avgAgentSegmentDuration"],
    )
    keys = ["totalAgentConversationSegments", "avgAgentSegmentDuration"]
    assert list(got["metricsTotal"]) == keys
    assert list(got["agentsMetrics"]["metricsPerAgent"]["12"]) == keys
    assert list(got["metricsPerSkill"]["333"]["metricsPerAgent"]["12"]) == keys
    # skillIds=all: every skill with data; agent 12 only worked on 333 in the window.
    assert list(got["metricsPerSkill"]) == ["333"]


def test_no_data_gives_empty_agents_and_zero_totals(oracle: Oracle) -> None:
    """An agent without segments is omitted; with no data every total is 0."""
    got = oracle.agent_segments(now_ms=golden.NOW_1, timeframe=180, agent_ids=[77], skill_ids=[333])
    assert got == {
        "metricsPerSkill": {},
        "agentsMetrics": {"metricsPerAgent": {}},
        "metricsTotal": dict.fromkeys(AGENT_SEGMENT_METRICS, 0),
    }
    # A source no conversation has behaves the same way.
    assert oracle.agent_segments(now_ms=golden.NOW_1, timeframe=180, source="SMS")[
        "metricsTotal"
    ] == dict.fromkeys(AGENT_SEGMENT_METRICS, 0)


def test_group_filter(oracle: Oracle) -> None:
    """groupIds=2 keeps only agent 14's segments (the roster puts 14 alone in group 2)."""
    got = oracle.agent_segments(now_ms=golden.NOW_1, timeframe=180, group_ids=[2])
    assert list(got["agentsMetrics"]["metricsPerAgent"]) == ["14"]


def test_cli_prints_the_response() -> None:
    """The CLI prints the same JSON as the API and exits 2 on a bad parameter."""
    args = [
        "oracle",
        "agent-segments",
        str(LOG),
        "--now",
        str(golden.NOW_1),
        "--timeframe",
        "180",
        "--agent-ids",
        "12,13",
        "--compact",
    ]
    out = subprocess.run(
        [sys.executable, "-m", "ccbench", *args],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    expected = json.loads((golden.DATA / "seed004_expected.json").read_text())["timeframe"]
    assert json.loads(out) == expected
    assert (
        main(
            [
                "oracle",
                "agent-segments",
                str(LOG),
                "--now",
                "1",
                "--timeframe",
                "60",
                "--interval",
                "31",
            ]
        )
        == 2
    )
