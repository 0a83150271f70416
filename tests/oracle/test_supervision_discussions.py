"""Seed 002 readings on a second hand-built log: contacts are discussions, and a manager's
takeover takes none of its slots. Every expected number is worked out below.

Roster (Europe/Paris): site p, skill 1; agents 1 Ann (human, support, 2 slots) and 5 Mia
(human, manager, 1 slot). Times are seconds after M = local midnight of 2023-11-15;
now = M + 3600 s. Ann and Mia log in to p at 0.

    K (chat): consumer 100, queued 100, Ann accepts 110, Ann 120, Ann sends K back to the
      queue at 200, queued 200, Ann accepts again at 300 (reason back_to_queue), Ann 310,
      sale by Ann 500 EUR-cents at 320, Ann closes at 400.
    L (chat): queued 1000, Ann accepts 1010, Mia takes over from Ann at 1100 and accepts
      (takeover) at 1110. Open at now.

Ann's discussions: K (segments 110-200 and 300-400: 90 + 100 = 190 s) and L (1010-1100:
90 s), both ended. Mia's: L (open).
"""

from __future__ import annotations

from typing import Any

import pytest

from ccbench.eventlog import Roster
from oracle import Oracle
from tests.support.hand_logs import HandLog, valid_oracle

M = 1_700_002_800_000  # 2023-11-15 00:00 Europe/Paris
NOW = M + 3_600_000

ROSTER = Roster.from_dict(
    {
        "account": "a",
        "timezone": "Europe/Paris",
        "sites": [{"id": "p"}],
        "groups": [{"id": 1}],
        "skills": [{"id": 1}],
        "agents": [
            {"id": 1, "name": "Ann", "group_id": 1, "skills": [1], "sites": ["p"],
             "max_slots": 2},
            {"id": 5, "name": "Mia", "role": "manager", "group_id": 1, "skills": [1],
             "sites": ["p"], "max_slots": 1},
        ],
    }
)  # fmt: skip


def _events() -> list[dict[str, Any]]:
    log = HandLog(M)
    add = log.add

    def accept(sec: int, cid: str, agent: int, reason: str) -> None:
        f = {"agent_id": agent, "skill_id": 1, "reason": reason}
        add(sec, "assignment.offered", cid, **f)
        add(sec, "assignment.accepted", cid, **f)

    for a in (1, 5):
        add(0, "agent.login", agent_id=a, site="p")
    for cid, sec in (("K", 100), ("L", 1000)):
        add(sec, "conversation.opened", cid, site="p", channel="chat", source="WEB",
            consumer_id="u" + cid)  # fmt: skip
    add(100, "message.sent", "K", sender_role="consumer")
    add(100, "conversation.queued", "K", skill_id=1)
    accept(110, "K", 1, "new")
    add(120, "message.sent", "K", sender_role="agent", agent_id=1)
    add(200, "conversation.back_to_queue", "K", agent_id=1)
    add(200, "conversation.queued", "K", skill_id=1)
    accept(300, "K", 1, "back_to_queue")
    add(310, "message.sent", "K", sender_role="agent", agent_id=1)
    add(320, "sale.recorded", "K", agent_id=1, amount_minor=500, currency="EUR")
    add(400, "conversation.closed", "K", closed_by="agent", reason="done", agent_id=1)
    add(1000, "conversation.queued", "L", skill_id=1)
    accept(1010, "L", 1, "new")
    add(1100, "conversation.taken_over", "L", agent_id=5, from_agent_id=1)
    add(1110, "assignment.accepted", "L", agent_id=5, skill_id=1, reason="takeover")
    return log.records()


@pytest.fixture(scope="module")
def oracle() -> Oracle:
    return valid_oracle(_events(), ROSTER)


def _row(page: dict[str, Any], agent: int) -> dict[str, Any]:
    return next(r for r in page["agents"] if r["agent_id"] == agent)


def test_a_discussion_back_from_the_queue_is_one_contact(oracle: Oracle) -> None:
    """Seed 002, Contacts: "Number of discussions handled by the agent over the day".

    Ann: K (two segments) and L are 2 contacts (counting segments would give 3). AHT
    "Average discussion duration": (190 + 90) / 2 = 140 s (per segment: 280 / 3 = 93.3 s).
    Contacts/H: 2 contacts / 1 h of presence = 2.0. Conv. Rate "discussions which
    generated a sale per total discussions": K's sale (at 320, in its second segment)
    converts K: 1 / 2 = 50 % (per segment: 1 / 3)."""
    ann = _row(oracle.supervision(now_ms=NOW, site_id="p"), 1)
    assert (ann["contacts"], ann["aht"], ann["contacts_per_hour"]) == (2, 140_000, 2.0)
    assert (ann["conversion_rate"], ann["transactions"]) == (50.0, 1)


def test_conversion_transactions_option_counts_ended_discussions(oracle: Oracle) -> None:
    """Option ``transactions``: 1 transaction / 2 ended discussions = 50 %."""
    page = oracle.supervision(now_ms=NOW, site_id="p", conversion_rate="transactions")
    assert _row(page, 1)["conversion_rate"] == 50.0


def test_an_open_discussion_has_no_duration_yet(oracle: Oracle) -> None:
    """At 350 s K's second segment is open: K is a contact but not an ended discussion, so
    AHT has no sample (null), though its first segment (90 s) has ended."""
    ann = _row(oracle.supervision(now_ms=M + 350_000, site_id="p"), 1)
    assert (ann["contacts"], ann["aht"]) == (1, None)


def test_a_takeover_takes_no_slot(oracle: Oracle) -> None:
    """docs/eventlog.md: a takeover assignment neither needs nor takes a slot. Mia (1 slot)
    holds only L's takeover: she is available with 1 free slot (not busy with 0); Ann
    holds nothing: 2 free. Available slots 1 + 2 = 3. Mia still handles L: in progress 1."""
    page = oracle.supervision(now_ms=NOW, site_id="p")
    assert page["agents_by_status"] == {"available": 2, "busy": 0, "unavailable": 0, "total": 2}
    assert page["available_slots"] == {"total": 3, "agents": 3, "bots": 0}
    mia = _row(page, 5)
    assert (mia["state"], mia["contacts"], mia["in_progress"], mia["ongoing_all_sites"]) == (
        "available", 1, 1, 1,
    )  # fmt: skip
