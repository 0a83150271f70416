"""The dashboard's closes summed per scope by running sums (backend/_dashboard_closes.py)
equal the SQL reading (backend/_dashboard_summary.close_sums) on the smoke log.

At random instants, modes and skill/group filters: the closed window's sums (every
field: closes, closers, resolution, CSAT, the response-time family and MCS) and, per
agent, per skill over 12 hours and per skill over the window, the close fields the
tables show. A key without closes is absent from the SQL's answer and a row of zeros
here.
"""

from __future__ import annotations

from dataclasses import astuple

from backend import Store
from backend._dashboard_closes import ClosedSums, close_sums
from backend._dashboard_data import dashboard_data
from backend._dashboard_facts import CLOSE_FIELDS
from backend._dashboard_summary import CloseSums
from backend._dashboard_summary import close_sums as sql_close_sums
from ccbench.eventlog import EventLog
from tests.support.dashboard_pieces import HOUR_MS, requests

INSTANTS = 60


def _as_dict(s: ClosedSums) -> dict[tuple[str, int | None], tuple[int, ...]]:
    """The sums of ``s`` keyed as the SQL's, keys without closes left out."""
    out: dict[tuple[str, int | None], tuple[int, ...]] = {}
    if s.window[0]:
        out[("w", None)] = tuple(s.window.tolist())
    for scope, ids, rows in (("a", s.agent_ids, s.by_agent), ("s", s.skill_ids, s.by_skill),
                             ("r", s.skill_ids, s.by_skill_window)):  # fmt: skip
        for key, row in zip(ids.tolist(), rows.tolist(), strict=True):
            if row[0]:
                out[(scope, key)] = tuple(row)
    return out


def _fields(key: tuple[str, int | None], sums: CloseSums) -> tuple[int, ...]:
    flat = (*astuple(sums)[:CLOSE_FIELDS], *astuple(sums.family))
    return flat if key[0] == "w" else flat[:CLOSE_FIELDS]


def test_close_sums_equal_the_sql(dashboard_smoke: tuple[Store, EventLog]) -> None:
    """60 random instants and filters: every scope and key, every field it carries."""
    store, log = dashboard_smoke
    account = log.roster.account
    d = dashboard_data(store, account=account)
    assert d is not None
    closed = 0
    for q, now, start in requests(log, count=INSTANTS, seed=20260413):
        lo = now - 12 * HOUR_MS
        with store.snapshot() as cur:
            want = sql_close_sums(cur, account=account, query=q, now=now, start=start,
                                  skills_lo=lo)  # fmt: skip
        got = _as_dict(close_sums(d.index, d.closes, query=q, now=now, start=start, skills_lo=lo))
        assert got == {k: _fields(k, v) for k, v in want.items()}, now
        closed += got.get(("w", None), (0,))[0]
    assert closed > 100  # they saw real traffic
