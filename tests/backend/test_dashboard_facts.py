"""The dashboard's in-memory facts (backend/_dashboard_facts.py, over the index of
backend/_dashboard_index.py) equal the SQL reading they replace (backend/_dashboard_sql.py,
backend/_dashboard_summary.py), piece by piece.

The smoke log (both channels of the dashboard, transfers, surveys, MCS, presence) is
stored once; at random instants (before the first event, inside the day and after the
last one) with random modes and skill/group filters, each piece (open conversations and
their facts, closes summed per scope, chat queue stays, chat segments, presence
events) must be the SQL's exactly, and the chat occupancy (busy and online ms) the
interval walk's of backend/_dashboard.occupancy. The SQL is the direct statement of docs/metrics.md
3.3-3.7, so any difference is a bug of the faster path. The end-to-end answers are
checked against the oracle in tests/e2e/test_differential_dashboard.py.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from backend import Store
from backend import _dashboard_facts as fast
from backend._dashboard import _kept_agents, occupancy
from backend._dashboard_closes import close_sums as close_sums_fast
from backend._dashboard_core import Context, presence_at
from backend._dashboard_index import dashboard_index
from backend._dashboard_params import DashboardQuery, closed_window, parse_dashboard_query
from backend._dashboard_sql import agent_events, chat_segments, open_conversations
from backend._dashboard_summary import chat_sums, close_sums
from ccbench.eventlog import EventLog
from sim import load_scenario, simulate

ROOT = Path(__file__).resolve().parents[2]
INSTANTS = 60
HOUR_MS = 3_600_000


@pytest.fixture(scope="module")
def smoke() -> Iterator[tuple[Store, EventLog]]:
    log = simulate(scenario=load_scenario(ROOT / "scenarios" / "smoke.toml"), seed=3).log
    store = Store(path=":memory:")
    store.put_roster(roster=log.roster)
    for start in range(0, log.table.num_rows, 3000):
        store.ingest(account=log.roster.account, table=log.table.slice(start, 3000))
    yield store, log
    store.close()


def _query(rng: random.Random, log: EventLog) -> DashboardQuery:
    items = [("mode", rng.choice(["messaging", "chat"]))]
    skills = [s.id for s in log.roster.skills]
    groups = [g.id for g in log.roster.groups]
    if rng.random() < 0.4:
        items.append(("skill_ids", ",".join(map(str, rng.sample(skills, rng.randint(1, 2))))))
    if rng.random() < 0.3:
        items.append(("group_ids", ",".join(map(str, rng.sample(groups, 1)))))
    return parse_dashboard_query(items)


def test_every_piece_equals_the_sql(smoke: tuple[Store, EventLog]) -> None:
    """60 random instants and filters: open conversations, close sums, chat stays, chat
    segments and presence events from the index are the SQL's, and the chat occupancy
    sweep is the interval walk's."""
    store, log = smoke
    account = log.roster.account
    x = dashboard_index(store, account=account)
    assert x is not None
    first, last = log.time_range()  # type: ignore[misc]
    rng = random.Random(20260412)
    seen_open = seen_closed = busy = 0
    for i in range(INSTANTS):
        now = first - 1 if i == 0 else rng.randint(first, last + 2 * HOUR_MS)
        q = _query(rng, log)
        start, _ = closed_window(q, now_ms=now, timezone=log.roster.timezone)
        lo = now - 12 * HOUR_MS
        with store.snapshot() as cur:
            want_open = {c.cid: c for c in open_conversations(cur, account=account, now=now)}
            want_closes = close_sums(
                cur, account=account, query=q, now=now, start=start, skills_lo=lo
            )
            want_stays = chat_sums(cur, account=account, query=q, now=now, start=start)
            want_segs = chat_segments(cur, account=account, now=now, start=start)
            want_events = agent_events(cur, account=account, now=now)
        got_open = {c.cid: c for c in fast.open_conversations(x, now=now)}
        assert got_open == want_open, now
        assert close_sums_fast(x, query=q, now=now, start=start, skills_lo=lo) == want_closes
        assert fast.chat_sums(x, query=q, now=now, start=start) == want_stays, now
        got_segs = fast.chat_segments(x, now=now, start=start)
        assert sorted(got_segs, key=repr) == sorted(want_segs, key=repr), now
        assert fast.agent_events(x, now=now) == want_events, now
        _, online = presence_at(want_events, roster=log.roster, now=now, start=start)
        ctx = Context(
            query=q, roster=log.roster, now=now, start=start, convs={}, closes={},
            presence={}, kept_agents=_kept_agents(log.roster, q),
        )  # fmt: skip
        humans = [a for a in ctx.kept_agents if ctx.is_human(a)]
        got = fast.chat_occupancy(x, query=q, now=now, start=start, online=online, agents=humans)
        assert got == occupancy(ctx, want_segs, online), now
        busy += got[0]
        seen_open += len(want_open)
        seen_closed += sum(s.closed for k, s in want_closes.items() if k[0] == "w")
    assert seen_open > 100 and seen_closed > 100 and busy > 0  # they saw real traffic


def test_the_index_follows_the_store_version(smoke: tuple[Store, EventLog]) -> None:
    """The index is reused while nothing is written and remade after a write."""
    store, log = smoke
    account = log.roster.account
    x = dashboard_index(store, account=account)
    assert dashboard_index(store, account=account) is x
    store.put_roster(roster=log.roster)  # a write: the version moves
    assert dashboard_index(store, account=account) is not x
    assert dashboard_index(store, account="nobody") is None  # no roster stored
