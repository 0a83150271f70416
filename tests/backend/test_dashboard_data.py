"""The dashboard data (backend/_dashboard_data.py): made once per store version."""

from __future__ import annotations

from backend import Store
from backend._dashboard_data import dashboard_data, dashboard_data_ready
from ccbench.eventlog import EventLog


def test_the_data_follows_the_store_version(dashboard_smoke: tuple[Store, EventLog]) -> None:
    """The data is reused while nothing is written and remade after a write; it is ready
    once made, not after a write; an account without a roster has none."""
    store, log = dashboard_smoke
    account = log.roster.account
    d = dashboard_data(store, account=account)
    assert d is not None and dashboard_data_ready(store, account=account)
    assert dashboard_data(store, account=account) is d
    store.put_roster(roster=log.roster)  # a write: the version moves
    assert not dashboard_data_ready(store, account=account)
    assert dashboard_data(store, account=account) is not d
    assert dashboard_data(store, account="nobody") is None  # no roster stored


def test_the_derived_structures_are_the_index_s(dashboard_smoke: tuple[Store, EventLog]) -> None:
    """Every structure is made from the data's own index (roster arrays of its roster,
    one cell per close)."""
    store, log = dashboard_smoke
    d = dashboard_data(store, account=log.roster.account)
    assert d is not None
    assert d.roster.agent_ids.tolist() == sorted(a.id for a in d.index.roster.agents)
    assert d.closes.cell.shape == d.index.close_ts.shape
