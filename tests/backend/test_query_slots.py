"""Tests of backend/_query_slots.py: bounded query computations, round robin per account."""

from __future__ import annotations

import asyncio

import pytest

from backend._query_slots import QuerySlots


async def _run_all(slots: QuerySlots, accounts: list[str]) -> list[str]:
    """Start one waiter per entry of ``accounts`` in that order, while a blocker holds every
    slot; returns the order in which they got a slot."""
    order: list[str] = []
    gate = asyncio.Event()

    async def blocker() -> None:
        async with slots.slot("blocker"):
            await gate.wait()

    async def query(account: str) -> None:
        async with slots.slot(account):
            order.append(account)
            await asyncio.sleep(0)

    hold = asyncio.create_task(blocker())
    await asyncio.sleep(0)
    tasks = []
    for account in accounts:
        tasks.append(asyncio.create_task(query(account)))
        await asyncio.sleep(0)  # queued in this order
    assert slots.waiting == len(accounts)
    gate.set()
    await asyncio.gather(hold, *tasks)
    return order


def test_a_backlog_of_one_account_does_not_delay_another_by_more_than_a_turn() -> None:
    """Account a queues 5 queries before b and c queue one each: with one slot, b and c are
    served right after a's first (round robin: a, b, c, then a's rest), not after a's 5."""
    slots = QuerySlots(slots=1)
    order = asyncio.run(_run_all(slots, ["a", "a", "a", "a", "a", "b", "c"]))
    assert order == ["a", "b", "c", "a", "a", "a", "a"]


def test_one_account_is_served_in_arrival_order() -> None:
    """Within an account the oldest waiter goes first (tagged waiters keep their order)."""
    slots = QuerySlots(slots=1)
    order: list[int] = []

    async def main() -> None:
        gate = asyncio.Event()

        async def blocker() -> None:
            async with slots.slot("x"):
                await gate.wait()

        async def query(i: int) -> None:
            async with slots.slot("x"):
                order.append(i)

        hold = asyncio.create_task(blocker())
        await asyncio.sleep(0)
        tasks = []
        for i in range(6):
            tasks.append(asyncio.create_task(query(i)))
            await asyncio.sleep(0)
        gate.set()
        await asyncio.gather(hold, *tasks)

    asyncio.run(main())
    assert order == [0, 1, 2, 3, 4, 5]


def test_never_more_than_slots_computations_at_once() -> None:
    """30 queries of 3 accounts through 2 slots: at most 2 run at once, and all 30 run."""
    slots = QuerySlots(slots=2)
    running = peak = done = 0

    async def query(account: str) -> None:
        nonlocal running, peak, done
        async with slots.slot(account):
            running += 1
            peak = max(peak, running)
            await asyncio.sleep(0.001)
            running -= 1
            done += 1

    async def main() -> None:
        await asyncio.gather(*(query("abc"[i % 3]) for i in range(30)))

    asyncio.run(main())
    assert (peak, done, slots.waiting) == (2, 30, 0)


def test_a_cancelled_waiter_gives_up_its_place_and_the_slot_is_not_lost() -> None:
    """A waiter cancelled while queued leaves the queue; the slot then goes to the next
    waiter, and afterwards a new query gets a slot at once (none leaked)."""
    slots = QuerySlots(slots=1)
    order: list[str] = []

    async def main() -> None:
        gate = asyncio.Event()

        async def blocker() -> None:
            async with slots.slot("a"):
                await gate.wait()

        async def query(account: str) -> None:
            async with slots.slot(account):
                order.append(account)

        hold = asyncio.create_task(blocker())
        await asyncio.sleep(0)
        gone = asyncio.create_task(query("b"))
        await asyncio.sleep(0)
        stays = asyncio.create_task(query("c"))
        await asyncio.sleep(0)
        gone.cancel()
        await asyncio.sleep(0)
        assert slots.waiting == 1
        gate.set()
        await asyncio.gather(hold, stays)
        with pytest.raises(asyncio.CancelledError):
            await gone
        await asyncio.wait_for(query("d"), timeout=1)

    asyncio.run(main())
    assert order == ["c", "d"]


def test_a_waiter_cancelled_after_its_grant_passes_the_slot_on() -> None:
    """A waiter granted the slot but cancelled before it resumed hands the slot to the next
    waiter instead of keeping it forever."""
    slots = QuerySlots(slots=1)
    order: list[str] = []

    async def main() -> None:
        async def query(account: str) -> None:
            async with slots.slot(account):
                order.append(account)

        held = slots.slot("a")
        await held.__aenter__()
        first = asyncio.create_task(query("b"))
        await asyncio.sleep(0)
        second = asyncio.create_task(query("c"))
        await asyncio.sleep(0)
        await held.__aexit__(None, None, None)  # grants b's waiter; b has not resumed
        first.cancel()  # before it resumes
        await asyncio.wait_for(second, timeout=1)
        with pytest.raises(asyncio.CancelledError):
            await first

    asyncio.run(main())
    assert order == ["c"]


def test_slots_below_one_are_refused() -> None:
    """0 slots would never run a query: refused, naming the bound."""
    with pytest.raises(ValueError, match="expected an integer >= 1, got 0"):
        QuerySlots(slots=0)
