"""msgagentsegments parameters: every rule of seed 004, as parsed values and as HTTP 400s."""

from __future__ import annotations

import pytest

from backend import METRICS, parse_segment_query
from ccbench import ParameterError
from tests.support.backend import ACCOUNT, SEGMENTS, auth, backend


def _parse(**params: str) -> object:
    return parse_segment_query({"v": "1", **params}.items())


def test_defaults() -> None:
    """Only timeframe and v: all agents, groups, user types and sources; every metric."""
    q = parse_segment_query([("timeframe", "60"), ("v", "1")])
    assert (
        q.timeframe_min,
        q.interval_min,
        q.agent_ids,
        q.group_ids,
        q.skill_ids,
        q.by_skill,
        q.user_type,
        q.source,
        q.metrics,
    ) == (60, None, None, None, None, False, None, None, METRICS)


def test_values() -> None:
    """Lists are parsed, de-duplicated and sorted; 'all' means no filter; values trimmed."""
    q = _parse(
        timeframe="1440",
        interval="5",
        agentIds="13,12,13",
        groupIds="all",
        skillIds="all",
        userType="bot",
        source="FACEBOOK",
        metrics="avgTimeToResponseFromAgentAssignment",
    )
    assert q.agent_ids == (12, 13)
    assert q.group_ids is None
    assert q.skills_all
    assert q.skill_ids is None
    assert q.by_skill
    assert (q.user_type, q.source, q.interval_min) == ("bot", "FACEBOOK", 5)
    # totalAgentConversationSegments is always returned, first.
    assert q.metrics == ("totalAgentConversationSegments", "avgTimeToResponseFromAgentAssignment")
    assert _parse(timeframe="60", skillIds=" 444, 333 ").skill_ids == (333, 444)
    # leading zeros are allowed; 'all' inside a metrics list means every metric
    assert parse_segment_query([("timeframe", "060"), ("v", "01")]).timeframe_min == 60
    assert _parse(timeframe="60", metrics="all,avgAgentSegmentDuration").metrics == METRICS


BAD = [
    ({"v": "1"}, "timeframe"),
    ({"timeframe": "60"}, "v"),
    ({"timeframe": "60", "v": "2"}, "v"),
    ({"timeframe": "0", "v": "1"}, "timeframe"),
    ({"timeframe": "1441", "v": "1"}, "timeframe"),
    ({"timeframe": "6O", "v": "1"}, "timeframe"),
    ({"timeframe": "-5", "v": "1"}, "timeframe"),
    ({"timeframe": "60.0", "v": "1"}, "timeframe"),
    ({"timeframe": "60", "v": "1", "interval": "61"}, "interval"),  # seed: bad request
    ({"timeframe": "60", "v": "1", "interval": "31"}, "interval"),  # seed: bad request
    ({"timeframe": "60", "v": "1", "interval": "4"}, "interval"),
    ({"timeframe": "4", "v": "1", "interval": "4"}, "interval"),
    ({"timeframe": "60", "v": "1", "agentIds": "12,x"}, "agentIds"),
    ({"timeframe": "60", "v": "1", "agentIds": ""}, "agentIds"),
    ({"timeframe": "60", "v": "1", "agentIds": "12,,13"}, "agentIds"),
    ({"timeframe": "60", "v": "1", "skillIds": "-1"}, "skillIds"),
    ({"timeframe": "60", "v": "1", "groupIds": "99999999999999999999"}, "groupIds"),
    ({"timeframe": "60", "v": "1", "userType": "robot"}, "userType"),
    ({"timeframe": "60", "v": "1", "source": "we b"}, "source"),
    ({"timeframe": "60", "v": "1", "source": "web"}, "source"),  # compared exactly
    ({"timeframe": "60", "v": "0"}, "v"),
    ({"timeframe": "60", "v": "1", "metrics": "avgagentsegmentduration"}, "metrics"),
    ({"timeframe": "60", "v": "1", "colour": "red"}, "colour"),
]


@pytest.mark.parametrize(("params", "parameter"), BAD)
def test_bad_values_name_the_parameter(params: dict[str, str], parameter: str) -> None:
    """Each invalid request raises ParameterError naming the offending parameter."""
    with pytest.raises(ParameterError) as info:
        parse_segment_query(params.items())
    assert info.value.parameter == parameter


def test_first_invalid_parameter_in_documented_order() -> None:
    """With several bad parameters, the first in docs/metrics.md 2.4 order is named."""
    with pytest.raises(ParameterError) as info:
        parse_segment_query([("metrics", "x"), ("userType", "x"), ("v", "2"), ("timeframe", "0")])
    assert info.value.parameter == "timeframe"
    with pytest.raises(ParameterError) as info:
        parse_segment_query([("metrics", "x"), ("agentIds", "x"), ("timeframe", "5"), ("v", "1")])
    assert info.value.parameter == "agentIds"


def test_repeated_parameter() -> None:
    """A parameter given twice is rejected rather than silently picking one value."""
    with pytest.raises(ParameterError) as info:
        parse_segment_query([("timeframe", "60"), ("v", "1"), ("timeframe", "30")])
    assert info.value.parameter == "timeframe"


def test_http_400_shape() -> None:
    """Over HTTP every bad request is a 400 with {"error": {"parameter", "message"}}."""
    with backend() as client:
        for params, parameter in BAD:
            r = client.get(SEGMENTS.format(account=ACCOUNT), params=params, headers=auth())
            assert r.status_code == 400, (params, r.text)
            error = r.json()["error"]
            assert error["parameter"] == parameter
            assert parameter in error["message"]
