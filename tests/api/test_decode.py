"""The one set of value rules (ccbench/api/_decode.py): text decoding and typed checks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccbench import ParameterError
from ccbench.api import DASHBOARD, FAMILIES, MAX_INTEGER, MSGAGENTSEGMENTS, SUPERVISION, Parameter
from ccbench.api._decode import check_value, decode_text

TIMEFRAME = MSGAGENTSEGMENTS.parameter("timeframe")
AGENT_IDS = MSGAGENTSEGMENTS.parameter("agentIds")
METRICS = MSGAGENTSEGMENTS.parameter("metrics")
THRESHOLD = DASHBOARD.parameter("threshold")
SKILL_IDS = DASHBOARD.parameter("skill_ids")


def text(p: Parameter, *texts: str) -> object:
    return check_value(p, decode_text(p, list(texts)))


def error(p: Parameter, *texts: str) -> str:
    with pytest.raises(ParameterError) as info:
        text(p, *texts)
    assert info.value.parameter == p.name
    return str(info.value)


@pytest.mark.parametrize("value", ["\u0666\u0660", "\uff16\uff10", "6_0", " 60", "+60", "60.0"])
def test_integers_are_ascii_digits_only(value: str) -> None:
    """int() takes Arabic-Indic and full-width digits and underscores; the contract does not
    (decode_text gets trimmed values, so a space inside is a bad character too)."""
    if value.strip() not in ("+60", "60.0"):
        assert int(value) == 60
    error(TIMEFRAME, value)


def test_long_integers_never_reach_int() -> None:
    """5000 digits (over int()'s 4300-digit limit) give ParameterError with a short message;
    5000 leading zeros before 60 are the value 60."""
    message = error(TIMEFRAME, "7" * 5000)
    assert len(message) < 200 and "..." in message  # shown_with_type() cuts the value at 80 chars
    assert text(TIMEFRAME, "0" * 5000 + "60") == 60
    assert text(AGENT_IDS, str(MAX_INTEGER)) == (MAX_INTEGER,)
    error(AGENT_IDS, str(MAX_INTEGER + 1))
    error(AGENT_IDS, "1" * 5000)


def test_bounds_are_inclusive() -> None:
    """timeframe 1 and 1440 pass, 0 and 1441 fail with the expectation in the message."""
    assert (text(TIMEFRAME, "1"), text(TIMEFRAME, "1440")) == (1, 1440)
    assert "expected an integer in 1..1440 (minutes), got 0 (int)" in error(TIMEFRAME, "0")
    error(TIMEFRAME, "1441")


def test_ids_are_sorted_unique_and_all_only_where_declared() -> None:
    """Items are trimmed, repeats dropped, order sorted; `all` is the whole value where the
    family allows it (msgagentsegments) and an error where not (dashboard)."""
    assert text(AGENT_IDS, " 13, 12 ,12") == (12, 13)
    assert text(AGENT_IDS, "all") == "all"
    error(AGENT_IDS, "all,12")
    error(SKILL_IDS, "all")
    for bad in ("", ",", "12,", ",12", "1,,2", "-1", "x"):
        error(AGENT_IDS, bad)


def test_names_all_inside_a_list_and_unknown_names() -> None:
    """`all` anywhere selects every name; the always-included name is added; an unknown
    name is an error even beside `all` (the drift the oracle had)."""
    assert text(METRICS, "all,avgAgentSegmentDuration") == METRICS.choices
    assert text(METRICS, "avgAgentSegmentDuration") == (
        "totalAgentConversationSegments",
        "avgAgentSegmentDuration",
    )
    assert "'foo'" in error(METRICS, "foo,all")


def test_thresholds_kpi_number_pairs_in_kpi_order() -> None:
    """Repeated `<kpi>:<number>` values become pairs in KPI order; a KPI twice, an unknown
    KPI, a missing or non-finite number are errors; a typed mapping is checked the same."""
    assert text(THRESHOLD, "closed.csat:80.5", "current.open:4") == (
        ("current.open", 4.0),
        ("closed.csat", 80.5),
    )
    for bad in (("current.open:4", "current.open:5"), ("current.nothing:1",), ("current.open",),
                ("current.open:1e999",), ("current.open:nan",), ("current.open=4",)):  # fmt: skip
        error(THRESHOLD, *bad)
    assert check_value(THRESHOLD, {"chat.aht": 3}) == (("chat.aht", 3.0),)
    with pytest.raises(ParameterError):
        check_value(THRESHOLD, {"chat.aht": float("inf")})
    with pytest.raises(ParameterError):
        check_value(THRESHOLD, {"chat.aht": True})


def test_typed_values_follow_the_same_rules() -> None:
    """Typed integers: ints and numpy integers, not bools or strings; numbers: finite and
    in bounds; names: a single name or an iterable."""
    assert check_value(TIMEFRAME, np.int64(60)) == 60
    for bad in (True, "60", 60.0, None):
        with pytest.raises(ParameterError):
            check_value(TIMEFRAME, bad)
    good = SUPERVISION.parameter("satisfaction_good_pct")
    assert check_value(good, 72) == 72.0
    for bad_number in (float("nan"), 101, -1, "80"):
        with pytest.raises(ParameterError):
            check_value(good, bad_number)
    assert check_value(METRICS, "avgAgentSegmentDuration")[-1] == "avgAgentSegmentDuration"
    assert check_value(SUPERVISION.parameter("channels"), ["call", "chat"]) == ("chat", "call")


def test_json_values() -> None:
    """A JSON list decodes to its items; other JSON, bad JSON and JSON integers over
    int()'s limit are errors naming the parameter."""
    objectives = SUPERVISION.parameter("objectives")
    assert text(objectives, '[{"id": "x"}]') == ({"id": "x"},)
    for bad in ("{}", "{", "[" * 100_000, '[{"target": ' + "1" * 5000 + "}]"):
        error(objectives, bad)


_PARAMETERS = [p for f in FAMILIES for p in f.parameters]


@settings(max_examples=300, deadline=None)
@given(index=st.integers(0, len(_PARAMETERS) - 1), value=st.text(max_size=30))
def test_any_text_decodes_or_names_the_parameter(index: int, value: str) -> None:
    """For every parameter of every family, any text either decodes to a checked value or
    raises ParameterError naming that parameter: never another exception."""
    p = _PARAMETERS[index]
    named = p.name
    try:
        text(p, value.strip())
    except ParameterError as exc:
        named = exc.parameter
    assert named == p.name
