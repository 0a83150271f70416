"""backend/_versioned.py: derived data is made once per account and store version."""

from __future__ import annotations

import threading

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


def test_ready_says_whether_get_would_answer_at_once() -> None:
    """ready() is false before the first load and after a write, true once loaded at the
    store's current version."""
    roster = read_log(ROOT / "examples" / "example.ndjson").roster
    store = Store(path=":memory:")
    cache: PerVersion[int] = PerVersion(lambda s, a: s.version(account=a))
    try:
        assert not cache.ready(store, account=roster.account)
        cache.get(store, account=roster.account)
        assert cache.ready(store, account=roster.account)
        store.put_roster(roster=roster)
        assert not cache.ready(store, account=roster.account)
        assert cache.get(store, account=roster.account) == 1
        assert cache.ready(store, account=roster.account)
        assert not cache.ready(store, account="other")
    finally:
        store.close()


def test_one_accounts_rebuild_does_not_hold_up_another_account() -> None:
    """While account a's load is blocked (a long rebuild), account b's get loads and
    returns; a's request then completes with its own data."""
    store = Store(path=":memory:")
    release = threading.Event()
    started = threading.Event()

    def load(s: Store, account: str) -> str:
        if account == "a":
            started.set()
            assert release.wait(timeout=30)
        return account

    cache = PerVersion(load)
    got: list[str] = []
    try:
        slow = threading.Thread(target=lambda: got.append(cache.get(store, account="a")))
        slow.start()
        assert started.wait(timeout=30)
        other = threading.Thread(target=lambda: got.append(cache.get(store, account="b")))
        other.start()
        other.join(timeout=30)
        assert not other.is_alive() and got == ["b"]  # served during a's rebuild
        release.set()
        slow.join(timeout=30)
        assert got == ["b", "a"]
    finally:
        release.set()
        store.close()
