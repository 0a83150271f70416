"""backend/_versioned.py: derived data is made once per account and store version."""

from __future__ import annotations

from backend import Store
from backend._versioned import PerVersion
from ccbench.eventlog import read_log
from tests.conftest import ROOT


def test_made_once_per_version_and_account() -> None:
    """Requests between writes reuse one load; a write to the account makes the next
    request load again; another account has its own entry."""
    roster = read_log(ROOT / "examples" / "example.ndjson").roster
    store = Store(path=":memory:")
    loads: list[tuple[str, int]] = []

    def load(s: Store, account: str) -> int:
        loads.append((account, s.version(account=account)))
        return len(loads)

    cache = PerVersion(load)
    try:
        first = cache.get(store, account=roster.account)
        assert cache.get(store, account=roster.account) == first  # no write: reused
        store.put_roster(roster=roster)  # a committed write moves the version
        assert cache.get(store, account=roster.account) == first + 1
        assert cache.get(store, account="other") == first + 2
        assert cache.get(store, account=roster.account) == first + 1
        assert loads == [(roster.account, 0), (roster.account, 1), ("other", 0)]
    finally:
        store.close()
