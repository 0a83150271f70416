"""The chat section's queue stays and handled segments (backend/_dashboard_chat.py)
equal the SQL reading (backend/_dashboard_summary.chat_sums) on the smoke log, at
random instants with random skill and group filters."""

from __future__ import annotations

from backend import Store
from backend._dashboard_chat import chat_sums
from backend._dashboard_data import dashboard_data
from backend._dashboard_summary import chat_sums as sql_chat_sums
from ccbench.eventlog import EventLog
from tests.support.dashboard_pieces import requests

INSTANTS = 80


def test_chat_sums_equal_the_sql(dashboard_smoke: tuple[Store, EventLog]) -> None:
    """80 random instants and filters: every count and sum of the chat section."""
    store, log = dashboard_smoke
    account = log.roster.account
    d = dashboard_data(store, account=account)
    assert d is not None
    entered = waiting = handled = 0
    for q, now, start in requests(log, count=INSTANTS, seed=20260414):
        with store.snapshot() as cur:
            want = sql_chat_sums(cur, account=account, query=q, now=now, start=start)
        assert chat_sums(d.chat, query=q, now=now, start=start) == want, now
        entered, waiting = entered + want.entered, waiting + want.in_queue
        handled += want.handled
    assert entered > 50 and waiting > 0 and handled > 20  # they saw real traffic
