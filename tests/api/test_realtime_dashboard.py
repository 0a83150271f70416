"""The dashboard family (ccbench/api/_realtime_dashboard.py) matches what the oracle
answers and what oracle and backend build: key order, KPIs, columns, defaults."""

from __future__ import annotations

import dataclasses

import pytest

import backend
import oracle
from ccbench.api import (
    DASHBOARD,
    DASHBOARD_AGENT_COLUMNS,
    DASHBOARD_KPIS,
    DASHBOARD_SKILL_COLUMNS,
    load_conformance,
)
from tests.support.api_keys import assert_key_order

NOW = load_conformance().now_ms  # 11:50 Paris, during the example log


@pytest.fixture(scope="module")
def snapshot(example_oracle: oracle.Oracle) -> dict[str, object]:
    """The example log's dashboard with one alert (current.open >= 0 always fires)."""
    return example_oracle.dashboard(now_ms=NOW, threshold={"current.open": 0})


def test_snapshot_follows_the_declared_key_order(
    example_oracle: oracle.Oracle, snapshot: dict[str, object]
) -> None:
    """Every declared object of the oracle's snapshots in both modes (top, sections, mcs,
    tables, rows, alerts) has the contract's keys in its order."""
    chat = example_oracle.dashboard(now_ms=NOW, mode="chat", threshold={"chat.entered": 0})
    checked = assert_key_order(DASHBOARD, snapshot) + assert_key_order(DASHBOARD, chat)
    declared = {path for path, _ in DASHBOARD.response_keys}
    assert checked >= 2 * len(declared) - 2  # each mode lacks one section; rows add more


def test_kpis_are_numeric_keys_of_their_sections(snapshot: dict[str, object]) -> None:
    """Each KPI "section.key" names a key of that section in the declared key order."""
    for kpi in DASHBOARD_KPIS:
        section, key = kpi.split(".")
        assert key in DASHBOARD.keys(section), kpi


def test_sort_choices_are_the_table_columns() -> None:
    """agent_sort/skill_sort accept exactly the rows' columns, in output order."""
    assert DASHBOARD.parameter("agent_sort").choices == DASHBOARD_AGENT_COLUMNS
    assert DASHBOARD.parameter("skill_sort").choices == DASHBOARD_SKILL_COLUMNS
    assert DASHBOARD.keys("agents.rows[]") == DASHBOARD_AGENT_COLUMNS
    assert oracle.AGENT_COLUMNS is DASHBOARD_AGENT_COLUMNS
    assert oracle.DASHBOARD_KPIS is DASHBOARD_KPIS


def test_defaults_of_oracle_and_backend_values_are_the_contracts() -> None:
    """With no parameter, the oracle's DashboardParams and the backend's DashboardQuery
    hold the contract's defaults (and None where the contract has none)."""
    params = oracle.DashboardParams.create(now_ms=0)
    query = backend.parse_dashboard_query([])
    assert query == backend.DashboardQuery()
    for p in DASHBOARD.parameters:
        expected = p.default
        if p.kind == "threshold":
            assert dict(params.threshold) == {} and query.threshold == ()
            continue
        assert getattr(params, p.name) == expected, p.name
        assert getattr(query, p.name) == expected, p.name
    fields = {f.name for f in dataclasses.fields(backend.DashboardQuery)}
    assert fields == set(DASHBOARD.names)
