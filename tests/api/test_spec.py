"""The contract's data types and every family's invariants (ccbench/api/_spec.py)."""

from __future__ import annotations

import pytest

from ccbench.api import (
    DASHBOARD,
    FAMILIES,
    MAX_INTEGER,
    MSGAGENTSEGMENTS,
    SUPERVISION,
    Family,
)
from ccbench.api._decode import check_value


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.name)
def test_family_is_well_formed(family: Family) -> None:
    """Unique names; each kind has what it needs; required parameters have no default;
    every default passes its own check; response paths are declared once."""
    assert len(set(family.names)) == len(family.names)
    for p in family.parameters:
        if p.kind in ("choice", "names", "threshold"):
            assert p.choices, p.name
        if p.kind == "pattern":
            assert p.pattern, p.name
        assert not (p.required and p.default is not None), p.name
        if p.default is not None:
            check_value(p, p.default)
    paths = [path for path, _ in family.response_keys]
    assert len(set(paths)) == len(paths)


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.name)
def test_rules_name_a_parameter_whose_partner_comes_earlier(family: Family) -> None:
    """A rule is checked at its parameter's place in the declared order, so the other
    parameter it reads must come earlier (already checked when the rule runs)."""
    order = {name: i for i, name in enumerate(family.names)}
    for rule in family.rules:
        assert rule.parameter in order, rule
        if rule.other is not None:
            assert order[rule.other] < order[rule.parameter], rule
        assert rule.text


def test_expectation_states_kind_bounds_and_unit() -> None:
    """The words every error, help line and OpenAPI description use."""
    timeframe = MSGAGENTSEGMENTS.parameter("timeframe")
    assert timeframe.expectation() == "an integer in 1..1440 (minutes)"
    assert MSGAGENTSEGMENTS.parameter("v").expectation() == "an integer equal to 1"
    assert DASHBOARD.parameter("sl_threshold_ms").expectation() == "an integer >= 0 (ms)"
    assert DASHBOARD.parameter("load").expectation() == "one of weighted, active"
    ids = MSGAGENTSEGMENTS.parameter("agentIds").expectation()
    assert ids == f"all or comma-separated integer ids in 0..{MAX_INTEGER}"
    good = SUPERVISION.parameter("satisfaction_good_pct").expectation()
    assert good == "a finite decimal number in 0..100 (percent)"


def test_lookups() -> None:
    """parameter(), rules_of(), keys() and python_name; unknown names raise KeyError."""
    assert MSGAGENTSEGMENTS.parameter("agentIds").python_name == "agent_ids"
    assert MSGAGENTSEGMENTS.parameter("timeframe").python_name == "timeframe"
    assert [r.kind for r in MSGAGENTSEGMENTS.rules_of("interval")] == ["divides"]
    assert DASHBOARD.keys("window") == ("start", "end")
    with pytest.raises(KeyError):
        DASHBOARD.parameter("thresholds")
    with pytest.raises(KeyError):
        DASHBOARD.keys("nowhere")
