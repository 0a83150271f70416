"""OpenAPI parameters from the contract (backend/_openapi_params.py): every value a client
builds from a schema is one the contract accepts, and the descriptions state the rules."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend._openapi_params import clock_parameter, error_rule, query_parameters
from ccbench.api import CLOCK_HEADER, DASHBOARD, MSGAGENTSEGMENTS, Family, parse_clock, parse_query

_PATTERNED = [
    (family, p)
    for family in (MSGAGENTSEGMENTS, DASHBOARD)
    for p in query_parameters(family)
    if "pattern" in p["schema"] or "pattern" in p["schema"].get("items", {})
]


@pytest.mark.parametrize(
    ("family", "parameter"), _PATTERNED, ids=[f"{f.name}.{p['name']}" for f, p in _PATTERNED]
)
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_pattern_values_are_valid(
    family: Family, parameter: dict[str, Any], data: st.DataObject
) -> None:
    """Any string matching a parameter's schema pattern passes the contract's parser (the
    patterns are subsets, so a schema-driven client never builds a 400 by accident)."""
    schema = parameter["schema"]
    pattern = schema.get("pattern") or schema["items"]["pattern"]
    value = data.draw(st.from_regex(pattern, fullmatch=True))
    base = [("timeframe", "60"), ("v", "1")] if family is MSGAGENTSEGMENTS else []
    parse_query(family, [*base, (parameter["name"], value)])


def test_integer_schemas_carry_the_contracts_bounds() -> None:
    """timeframe 1..1440; interval 5..1440 with the divisor rule in words; v exactly 1."""
    by_name = {p["name"]: p for p in query_parameters(MSGAGENTSEGMENTS)}
    assert by_name["timeframe"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 1440}
    assert by_name["interval"]["schema"]["minimum"] == 5
    assert "timeframe % interval == 0" in by_name["interval"]["description"]
    assert by_name["v"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 1}
    dash = {p["name"]: p for p in query_parameters(DASHBOARD)}
    assert dash["agent_page_size"]["schema"]["default"] == 18
    assert "from_hour or last_hours, not both" in dash["last_hours"]["description"]
    assert (dash["threshold"]["style"], dash["threshold"]["explode"]) == ("form", True)


def test_clock_header_and_error_rule() -> None:
    """The header schema is the contract's bound; the error rule lists the clock rule."""
    header = clock_parameter()
    assert header["name"] == CLOCK_HEADER
    assert re.fullmatch(header["schema"]["pattern"][1:-1], "1" * 18)
    assert parse_clock("1" * 18) == int("1" * 18)
    assert "from_hour" in error_rule(DASHBOARD) and "from_hour" not in error_rule(MSGAGENTSEGMENTS)
