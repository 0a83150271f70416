"""Query slots: how many query computations run at once, and whose turn is next.

A query's answer is computed in a worker thread, but the computation holds the
GIL for most of its time, so threads beyond a few only contend for it (at 100
requests/s on retail_day the default 40 threads nearly doubled the server's
CPU time per request, docs/backend.md "Query threads"). :class:`QuerySlots`
lets ``slots`` computations run at once; the others wait. When a slot frees it
goes to the account after the one served last, round robin over the accounts
that are waiting, and within an account to its oldest request: an account with
many queries in flight delays another account's query by at most one
computation per slot, never by its whole backlog.

Used from the event loop only (asyncio, single-threaded), so it needs no lock.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict, deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

__all__ = ["QuerySlots"]


class QuerySlots:
    """``slots`` concurrent query computations, handed out round robin per account."""

    def __init__(self, *, slots: int) -> None:
        if slots < 1:
            raise ValueError(f"slots: expected an integer >= 1, got {slots}")
        self._free = slots
        # account -> its waiters, oldest first; the accounts in turn order (the next
        # account to serve first, an account served moves to the end)
        self._waiting: OrderedDict[str, deque[asyncio.Future[None]]] = OrderedDict()

    @property
    def waiting(self) -> int:
        """Queries waiting for a slot, all accounts."""
        return sum(len(q) for q in self._waiting.values())

    @asynccontextmanager
    async def slot(self, account: str) -> AsyncIterator[None]:
        """Hold a slot for ``account``'s computation while the block runs."""
        await self._acquire(account)
        try:
            yield
        finally:
            self._release()

    async def _acquire(self, account: str) -> None:
        if self._free > 0 and not self._waiting:
            self._free -= 1
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(account, deque()).append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._release()  # granted, then cancelled before it ran: pass it on
            else:
                self._forget(account, waiter)
            raise

    def _forget(self, account: str, waiter: asyncio.Future[None]) -> None:
        queue = self._waiting.get(account)
        if queue is not None and waiter in queue:
            queue.remove(waiter)
            if not queue:
                del self._waiting[account]

    def _release(self) -> None:
        while self._waiting:
            account, queue = next(iter(self._waiting.items()))
            waiter = queue.popleft()
            # the account goes to the end of the turn order (or out, with nothing left)
            del self._waiting[account]
            if queue:
                self._waiting[account] = queue
            if not waiter.done():
                waiter.set_result(None)  # the slot passes straight to it
                return
        self._free += 1
