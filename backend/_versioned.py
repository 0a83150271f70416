"""Derived data kept in memory per account and store version (the frame, the dashboard index).

A family's arrays are made from the stored events on the first request after a
committed write (:meth:`Store.version` changed) and reused by every later request
of the account until the next write.
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
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[int, T]] = {}

    def get(self, store: Store, *, account: str) -> T:
        version = store.version(account=account)
        with self._lock:
            entry = self._entries.get(account)
            if entry is None or entry[0] != version:
                # the version is read before the data: a write in between makes the next
                # request rebuild, never newer data labelled with an old version
                entry = (version, self._load(store, account))
                self._entries[account] = entry
            return entry[1]
