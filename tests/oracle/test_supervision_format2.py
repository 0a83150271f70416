"""Seed 002 supervision with the format-2 log: the busy status and sales in two currencies.

Hand-built log (UTC roster, site p, skill 1); times are seconds after M = 2026-01-05
00:00 UTC, now = M + 1000 s. Agents: 1 Ann (3 slots), 2 Bob (1 slot), 3 Cid (2 slots),
4 Dee (2 slots), all human on p. Objectives: o1 team turnover 5000, o2 Ann turnover
1000, o3 Bob turnover 1000.

    Ann, Bob, Cid, Dee log in at 0. Ann sets status busy at 100 (she works on what she
      holds: seed 002 "In orange: Agent online but busy").
    A: queued 10, Ann accepts 20 (before going busy), sale by Ann 1000 EUR at 30,
      sale by Ann 2000 USD at 40, sale by Ann 500 EUR at 50. Open at now.
    B: queued 60, Bob accepts 70 (his one slot: online and full). Sale by Bob 700 EUR
      at 80. Open at now.
    Cid is away from 200. Dee stays online with both slots free.

Expected at now:
    states: Ann busy (status busy, one of three slots taken: the status decides, not the
      slots), Bob busy (online, 1 of 1 slot: the slots reading kept), Cid unavailable
      (away), Dee available -> agents_by_status available 1, busy 2, unavailable 1.
    available slots: only online agents offer slots (routing cannot assign a busy or
      away agent): Bob 1 - 1 = 0, Dee 2 - 0 = 2 -> agents 2.
    Ann: turnover_by_currency {EUR: 1000 + 500 = 1500, USD: 2000}; turnover_minor null
      (EUR and USD minor units do not add: 1500 + 2000 = 3500 would mean nothing);
      transactions 3. Bob: {EUR: 700}, turnover_minor 700. Cid, Dee: {}, 0.
    currencies: [EUR, USD].
    o1 team: EUR and USD among the team's sales -> actual null, progress null, not
      achieved. o2 Ann: null likewise. o3 Bob: 700 of 1000 -> progress 70.0, not achieved.
"""

from __future__ import annotations

from typing import Any

import pytest

from ccbench.api import SUPERVISION
from ccbench.eventlog import EventLog, Roster
from oracle import Oracle, supervision_csv
from tests.support.differential import Outcome, compare, served
from tests.support.hand_logs import HandLog, valid_oracle

M = 1_767_571_200_000  # 2026-01-05 00:00 UTC, a Monday
NOW = M + 1_000_000

ROSTER = Roster.from_dict(
    {
        "account": "a",
        "sites": [{"id": "p"}],
        "groups": [{"id": 1}],
        "skills": [{"id": 1}],
        "agents": [
            {"id": i, "name": n, "group_id": 1, "skills": [1], "sites": ["p"], "max_slots": k}
            for i, n, k in ((1, "Ann", 3), (2, "Bob", 1), (3, "Cid", 2), (4, "Dee", 2))
        ],
        "objectives": [
            {"id": "o1", "metric": "turnover_minor", "target": 5000},
            {"id": "o2", "metric": "turnover_minor", "target": 1000, "agent_id": 1},
            {"id": "o3", "metric": "turnover_minor", "target": 1000, "agent_id": 2},
        ],
    }
)


def _records() -> list[dict[str, Any]]:
    log = HandLog(M)
    add = log.add
    for a in (1, 2, 3, 4):
        add(0, "agent.login", agent_id=a, site="p")

    def take(sec: int, cid: str, agent: int) -> None:
        add(sec - 5, "conversation.opened", cid, site="p", channel="chat", source="WEB",
            consumer_id="u" + cid)  # fmt: skip
        add(sec - 5, "conversation.queued", cid, skill_id=1)
        f = {"agent_id": agent, "skill_id": 1, "reason": "new"}
        add(sec, "assignment.offered", cid, **f)
        add(sec, "assignment.accepted", cid, **f)

    def sale(sec: int, cid: str, agent: int, amount: int, currency: str) -> None:
        add(sec, "sale.recorded", cid, agent_id=agent, amount_minor=amount, currency=currency)

    take(20, "A", 1)
    sale(30, "A", 1, 1000, "EUR")
    sale(40, "A", 1, 2000, "USD")
    sale(50, "A", 1, 500, "EUR")
    take(70, "B", 2)
    sale(80, "B", 2, 700, "EUR")
    add(100, "agent.status", agent_id=1, status="busy")
    add(200, "agent.status", agent_id=3, status="away")
    return log.records()


@pytest.fixture(scope="module")
def page() -> dict[str, Any]:
    return valid_oracle(_records(), ROSTER).supervision(now_ms=NOW, site_id="p")


def _row(page: dict[str, Any], agent_id: int) -> dict[str, Any]:
    return next(r for r in page["agents"] if r["agent_id"] == agent_id)


def test_busy_status_shows_busy_beside_full_slots(page: dict[str, Any]) -> None:
    """Ann (status busy, a free slot) and Bob (online, slots full) are both busy."""
    assert [(r["agent_id"], r["state"]) for r in page["agents"]] == [
        (1, "busy"), (2, "busy"), (3, "unavailable"), (4, "available"),
    ]  # fmt: skip
    assert page["agents_by_status"] == {"available": 1, "busy": 2, "unavailable": 1, "total": 4}
    assert page["available_slots"] == {"total": 2, "agents": 2, "bots": 0}


def test_turnover_is_per_currency(page: dict[str, Any]) -> None:
    """Ann's EUR and USD stay apart; her single total is unavailable (null), Bob's is 700."""
    got = [(r["turnover_by_currency"], r["turnover_minor"], r["transactions"])
           for r in page["agents"]]  # fmt: skip
    assert got == [({"EUR": 1500, "USD": 2000}, None, 3), ({"EUR": 700}, 700, 1),
                   ({}, 0, 0), ({}, 0, 0)]  # fmt: skip
    assert page["currencies"] == ["EUR", "USD"]


def test_turnover_objectives_across_currencies(page: dict[str, Any]) -> None:
    """The team's and Ann's turnover objectives are unavailable; Bob's is 70 %."""
    got = [(o["id"], o["actual"], o["progress"], o["achieved"]) for o in page["objectives"]]
    assert got == [("o1", None, None, False), ("o2", None, None, False),
                   ("o3", 700, 70.0, False)]  # fmt: skip


def test_csv_writes_the_currency_object_as_json(page: dict[str, Any]) -> None:
    """The CSV cell of turnover_by_currency is compact JSON; a null turnover is empty."""
    lines = supervision_csv(page["agents"]).splitlines()
    assert '"{""EUR"":1500,""USD"":2000}"' in lines[1]
    header = lines[0].split(",")
    assert lines[1].split(",")[header.index("turnover_minor")] == ""


def test_backend_answers_the_same() -> None:
    """The reference backend computes the same page for this log at now and at moments
    around the status changes and sales."""
    log = EventLog.from_records(_records(), roster=ROSTER)
    oracle = Oracle(log)
    path = str(SUPERVISION.path).format(account="a")
    outcome = Outcome()
    with served({"h": log}) as client:
        for now in (M + 45_000, M + 150_000, M + 250_000, NOW):
            compare(client, path=path, name="h", query=[("site_id", "p")], now=now,
                    oracle=lambda q, t: oracle.supervision_query(q, now_ms=t),
                    outcome=outcome)  # fmt: skip
    assert outcome.valid == 4 and not outcome.mismatches, outcome.mismatches
