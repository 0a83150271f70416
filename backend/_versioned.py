"""Derived data kept in memory per account and store version (the frame, the dashboard index).

A family's arrays are made from the stored events on the first request after a
committed write (:meth:`Store.version` changed) and reused by every later request
of the account until the next write. Each account has its own lock: one account's
rebuild (seconds on a large log) never holds up another account's requests.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from ._store import Store

__all__ = ["PerVersion"]

T = TypeVar("T")


class PerVersion(Generic[T]):
    """Per account, ``load(store, account)`` made at the store version it reflects."""

    def __init__(self, load: Callable[[Store, str], T]) -> None:
        self._load = load
        self._guard = threading.Lock()  # only around making an account's lock
        self._locks: dict[str, threading.Lock] = {}
        # (version, data) per account; a whole tuple is replaced, so a reader without
        # the lock sees an old or a new entry, never half of one
        self._entries: dict[str, tuple[int, T]] = {}

    def ready(self, store: Store, *, account: str) -> bool:
        """Whether :meth:`get` would answer at once (made at the store's current version);
        no lock and no database access, so the event loop may ask."""
        entry = self._entries.get(account)
        return entry is not None and entry[0] == store.version(account=account)

    def get(self, store: Store, *, account: str) -> T:
        entry = self._entries.get(account)
        if entry is not None and entry[0] == store.version(account=account):
            return entry[1]
        with self._guard:
            lock = self._locks.setdefault(account, threading.Lock())
        with lock:
            version = store.version(account=account)
            entry = self._entries.get(account)
            if entry is None or entry[0] != version:
                # the version is read before the data: a write in between makes the next
                # request rebuild, never newer data labelled with an old version
                entry = (version, self._load(store, account))
                self._entries[account] = entry
            return entry[1]
