"""Fixtures shared by the dashboard's piece tests (tests/backend/test_dashboard_*.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from backend import Store
from ccbench.eventlog import EventLog
from sim import load_scenario, simulate

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def dashboard_smoke() -> Iterator[tuple[Store, EventLog]]:
    """The smoke log (both dashboard channels, transfers, surveys, MCS, presence) stored
    in 3000-event batches: the dashboard pieces are checked on it against the SQL."""
    log = simulate(scenario=load_scenario(ROOT / "scenarios" / "smoke.toml"), seed=3).log
    store = Store(path=":memory:")
    store.put_roster(roster=log.roster)
    for start in range(0, log.table.num_rows, 3000):
        store.ingest(account=log.roster.account, table=log.table.slice(start, 3000))
    yield store, log
    store.close()
