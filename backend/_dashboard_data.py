"""Everything the dashboard reads, made once per store version: the index and what it
derives.

The index (backend/_dashboard_index.py) is read from the store in one transaction;
the structures requests read besides it are derived from it at once: roster arrays,
presence after each event, occupancy cells, close cells with their pending changes,
the chat section's rows and the stabbing queries of what is open at now. They are
made together on the first request after a committed write, before the request
takes a compute slot (backend/_app.py), and shared read-only by every request of the
version (no lazy parts, no locks at request time).
"""

from __future__ import annotations

from dataclasses import dataclass

from ._dashboard_chat import ChatRows
from ._dashboard_closes import CloseCells
from ._dashboard_facts import Openings
from ._dashboard_index import DashboardIndex, load_index
from ._dashboard_occupancy import Occupancy, occupancy_index
from ._dashboard_presence import PresenceLog, presence_log
from ._dashboard_roster import RosterArrays
from ._store import Store
from ._versioned import PerVersion

__all__ = ["DashboardData", "dashboard_data", "dashboard_data_ready"]


@dataclass(frozen=True, slots=True)
class DashboardData:
    """An account's dashboard index and the structures derived from it."""

    index: DashboardIndex
    roster: RosterArrays
    presence: PresenceLog
    occupancy: Occupancy
    closes: CloseCells
    chat: ChatRows
    openings: Openings

    @classmethod
    def of(cls, x: DashboardIndex) -> DashboardData:
        roster = RosterArrays.of(x.roster)
        presence = presence_log(x.presence_events, roster=roster)
        return cls(
            index=x,
            roster=roster,
            presence=presence,
            occupancy=occupancy_index(x, presence, roster),
            closes=CloseCells(x),
            chat=ChatRows(x),
            openings=Openings.of(x),
        )


def _load(store: Store, account: str) -> DashboardData | None:
    x = load_index(store, account)
    return None if x is None else DashboardData.of(x)


def _cache(store: Store) -> PerVersion[DashboardData | None]:
    return store.cached(name="dashboard_data", factory=lambda: PerVersion(_load))


def dashboard_data(store: Store, *, account: str) -> DashboardData | None:
    """The account's current dashboard data (None while it has no roster)."""
    return _cache(store).get(store, account=account)


def dashboard_data_ready(store: Store, *, account: str) -> bool:
    """Whether :func:`dashboard_data` would answer at once; never blocks."""
    return _cache(store).ready(store, account=account)
