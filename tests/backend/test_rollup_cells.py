"""backend/_rollup_cells.py: a query's (interval, agent, skill) sums are the same by the
running totals and by the window's segments, and equal the segments counted one by one at
now (base and delta, with small snapshot blocks so that every path is crossed)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from backend import Store
from backend._rollup_cells import Cells, cells
from backend._rollup_view import Filters, RollupBase, RollupDelta, RollupView
from ccbench.eventlog import EventLog
from tests.support.oracle_logs import random_log


@pytest.fixture(scope="module")
def views() -> Iterator[tuple[EventLog, list[RollupView]]]:
    """The log's rollup as one base, and as a base of its first tenth plus a delta of the
    rest (with pairs the base has not seen); snapshots every 3 segments."""
    log = random_log(seed=23, conversations=50, span_ms=3_600_000)
    account = log.roster.account
    table = log.table
    cut = table.num_rows // 10
    head, tail = table.slice(0, cut), table.slice(cut)
    store = Store(path=":memory:")
    try:
        store.put_roster(roster=log.roster)
        store.ingest(account=account, table=head)
        with store.snapshot() as cur:
            early = RollupBase.read(cur, account=account, version=1, block=3)
        store.ingest(account=account, table=tail)
        with store.snapshot() as cur:
            (version,) = cur.execute(
                "SELECT max(version) FROM projection_changes WHERE account = $account",
                {"account": account},
            ).fetchall()[0]
            whole = RollupBase.read(cur, account=account, version=int(version), block=3)
            delta = RollupDelta.read(cur, account=account, base=early, version=int(version))
            empty = RollupDelta.read(cur, account=account, base=whole, version=int(version))
        assert delta.stale is not None and delta.stale.any() and len(delta.segs.start)
        assert len(delta.pairs) > len(early.pairs)
        yield log, [RollupView(base=whole, delta=empty), RollupView(base=early, delta=delta)]
    finally:
        store.close()


def _one_by_one(
    view: RollupView, *, lo: int, now: int, step: int, filters: Filters
) -> dict[tuple[int, int, int], list[int]]:
    """Every current segment starting in the window, counted at now, added up per cell."""
    out: dict[tuple[int, int, int], list[int]] = {}
    stale = view.delta.stale
    for segs, skip in ((view.base.segs, stale), (view.delta.segs, None)):
        keep = (segs.start >= lo) & (segs.start < now)
        keep &= filters.match(segs.agent, segs.skill, segs.source, segs.group, segs.user_type)
        if skip is not None:
            keep &= ~skip
        idx = np.flatnonzero(keep)
        if not len(idx):
            continue
        for k, row in zip(idx.tolist(), segs.at_now(idx, now).tolist(), strict=True):
            cell = (
                (int(segs.start[k]) - lo) // step,
                int(segs.agent[k]),
                int(segs.skill[k]),
            )
            out[cell] = [a + b for a, b in zip(out.get(cell, [0] * len(row)), row, strict=True)]
    return {c: v for c, v in out.items() if v[0] > 0}


def _as_dict(c: Cells) -> dict[tuple[int, int, int], list[int]]:
    keys = list(zip(c.interval.tolist(), c.agent.tolist(), c.skill.tolist(), strict=True))
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert (c.sums[:, 0] > 0).all()
    assert [tuple(p) for p in c.pairs[c.pair].tolist()] == [(a, s) for _, a, s in keys]
    return dict(zip(keys, c.sums.tolist(), strict=True))


def _filters(rng: random.Random, log: EventLog) -> Filters:
    agents = [a.id for a in log.roster.agents]
    pick: dict[str, Any] = {}
    if rng.random() < 0.3:
        pick["agents"] = tuple(sorted(rng.sample(agents, k=rng.randint(1, len(agents)))))
    if rng.random() < 0.3:
        pick["skills"] = tuple(sorted({s.id for s in log.roster.skills}))[:1]
    if rng.random() < 0.3:
        pick["source"] = rng.choice(["APP", "WEB", "SMS"])
    if rng.random() < 0.2:
        pick["groups"] = tuple(sorted({a.group_id for a in log.roster.agents}))[:1]
    if rng.random() < 0.2:
        pick["user_type"] = rng.choice(["human", "bot"])
    return Filters(**pick)


def test_both_ways_equal_the_segments_one_by_one(
    views: tuple[EventLog, list[RollupView]],
) -> None:
    """120 random windows, intervals, instants (inside the log, at and after its end) and
    filters: the prefix way, the scan way and the segments counted one by one agree."""
    log, both = views
    first, last = log.time_range()  # type: ignore[misc]
    rng = random.Random(8)
    for _ in range(120):
        view = rng.choice(both)
        now = rng.choice([rng.randint(first, last), last + 1, rng.randint(first, last) + 1])
        n = rng.choice([1, 1, 2, 5, 12])
        step = rng.choice([60_000, 300_000, 1_200_000])
        lo = now - n * step
        filters = _filters(rng, log)
        want = _one_by_one(view, lo=lo, now=now, step=step, filters=filters)
        for way in ("prefix", "scan"):
            got = cells(view, lo=lo, now=now, step=step, n=n, filters=filters, way=way)
            assert _as_dict(got) == want, (way, now, n, step, filters)


def test_an_empty_window() -> None:
    """A window before every segment: no cell either way."""
    store = Store(path=":memory:")
    log = random_log(seed=2, conversations=5)
    try:
        store.put_roster(roster=log.roster)
        store.ingest(account=log.roster.account, table=log.table)
        with store.snapshot() as cur:
            base = RollupBase.read(cur, account=log.roster.account, version=1)
            delta = RollupDelta.read(cur, account=log.roster.account, base=base, version=1)
        first, _ = log.time_range()  # type: ignore[misc]
        for way in ("prefix", "scan"):
            got = cells(
                RollupView(base=base, delta=delta),
                lo=first - 600_000,
                now=first - 1,
                step=599_999,
                n=1,
                filters=Filters(),
                way=way,
            )
            assert got.sums.shape == (0, 16)
    finally:
        store.close()
