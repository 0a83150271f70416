"""Seed 000 agent performance with the format-2 log: inbound FCR, notes, SLA policies per
conversation and a business-hours clock. Every number is worked out below.

Roster (Europe/Paris, UTC+1 in January): site s, skill 1, agents 1 and 2. Business hours
Monday to Friday 09:00-18:00. Policies: "std" (messaging, calendar clock, first response
60 s) and "biz" (every channel, business clock, first response 30 min). Times are
seconds after T = Friday 2026-01-09 17:00 Paris (16:00 UTC); range [T, now) with now =
Monday 2026-01-12 10:00 Paris = T + 234000 s.

    P inbound messaging, names "biz": opened 17:50 (+3000) with a consumer message,
      queued, agent 1 accepts +3010, agent 1 writes an internal note +3060, agent 1
      replies Monday 09:05 (+230700). Still open at now.
    Q outbound messaging (agent 1's campaign), names no policy: opened +3300, agent 1
      is offered it and accepts at once (no queue), writes +3320, the consumer answers
      +3400, agent 1 writes +3420 and marks it done +3500.
    S inbound messaging, names "biz": opened 17:58 (+3480) with a consumer message,
      queued, agent 1 accepts +3490, replies Monday 09:40 (+232800), marks it done +232860.

FCR (seed 000: "inbound conversations created in the selected time period ... over total
inbound conversations assigned to you"): inbound, created in range, assigned to 1 = P, S
(Q is outbound). Resolved: S (a message, marked done by 1, done now, never snoozed,
reopened or merged); P is still open -> 1 / 2 = 50.0 %. Counting Q would give 2 / 3.

Messages Sent (seed 000: "outbound messages you sent"): P's reply, Q's two, S's reply = 4;
the note is no message (5 if it were).

SLA: P follows "biz": business time from Friday 17:50 to Monday 09:05 is 10 min (to
18:00) + 5 min (from 09:00) = 900 s <= 1800 s: achieved (on the calendar clock the wait is
227700 s: breached). S follows "biz": 2 min + 40 min = 2520 s > 1800 s: breached. Q names
none: the first policy for messaging, "std": first reply 20 s after opening <= 60 s:
achieved. Breached 1, achieved 2 of 3 = 66.66...%.
"""

from __future__ import annotations

from typing import Any

import pytest

from ccbench.api import AGENT_PERFORMANCE
from ccbench.eventlog import EventLog, Roster
from oracle import Oracle
from tests.support.differential import Outcome, compare, served
from tests.support.hand_logs import HandLog, valid_oracle

T = 1_767_974_400_000  # 2026-01-09T16:00:00Z, Friday 17:00 in Paris
NOW = T + 234_000_000
ROSTER = Roster.from_dict(
    {
        "account": "a",
        "timezone": "Europe/Paris",
        "sites": [{"id": "s"}],
        "groups": [{"id": 1}],
        "skills": [{"id": 1}],
        "agents": [
            {"id": 1, "group_id": 1, "skills": [1], "sites": ["s"], "max_slots": 5},
            {"id": 2, "group_id": 1, "skills": [1], "sites": ["s"], "max_slots": 5},
        ],
        "business_hours": [
            {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "18:00"}
        ],
        "sla_policies": [
            {"id": "std", "channels": ["messaging"], "first_response_ms": 60_000},
            {"id": "biz", "first_response_ms": 1_800_000, "clock": "business"},
        ],
    }
)


def _records(*, notes: bool = True) -> list[dict[str, Any]]:
    log = HandLog(T)
    add = log.add
    add(0, "agent.login", agent_id=1, site="s")

    def opened(sec: int, cid: str, **extra: Any) -> None:
        add(sec, "conversation.opened", cid, site="s", channel="messaging", source="WEB",
            consumer_id="u" + cid, **extra)  # fmt: skip

    def accept(sec: int, cid: str) -> None:
        f = {"agent_id": 1, "skill_id": 1, "reason": "new"}
        add(sec, "assignment.offered", cid, **f)
        add(sec, "assignment.accepted", cid, **f)

    def says(sec: int, cid: str, role: str = "agent", **extra: Any) -> None:
        who = {} if role == "consumer" else {"agent_id": 1}
        add(sec, "message.sent", cid, sender_role=role, **who, **extra)

    def done(sec: int, cid: str) -> None:
        add(sec, "conversation.closed", cid, closed_by="agent", reason="done", agent_id=1)

    opened(3000, "P", sla_policy="biz")
    says(3000, "P", "consumer")
    add(3000, "conversation.queued", "P", skill_id=1)
    accept(3010, "P")
    if notes:
        says(3060, "P", visibility="internal")
    opened(3300, "Q", direction="outbound")
    accept(3300, "Q")
    says(3320, "Q")
    says(3400, "Q", "consumer")
    says(3420, "Q")
    opened(3480, "S", sla_policy="biz")
    says(3480, "S", "consumer")
    add(3480, "conversation.queued", "S", skill_id=1)
    accept(3490, "S")
    done(3500, "Q")
    says(230_700, "P")
    says(232_800, "S")
    done(232_860, "S")
    return log.records()


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    oracle = valid_oracle(_records(), ROSTER)
    return oracle.agent_performance(agent_id=1, now_ms=NOW, start_ms=T, bucket_ms=234_000_000)


def test_fcr_counts_inbound_conversations_only(report: dict[str, Any]) -> None:
    """P and S are the inbound conversations; S is resolved: 50 %, Q (outbound) left out."""
    got = (report["first_contact_resolution"], report["fcr_resolved"], report["fcr_conversations"])
    assert got == (50.0, 1, 2)


def test_messages_sent_excludes_notes(report: dict[str, Any]) -> None:
    """Four messages by agent 1 in the one bucket; the internal note is not one."""
    assert report["messages_sent"] == [{"start": T, "count": 4}]


def test_sla_follows_each_conversations_policy_and_clock(report: dict[str, Any]) -> None:
    """P achieved on business time (900 s), S breached (2520 s), Q achieved under std."""
    got = (report["breached_conversations"], report["sla_achieved"], report["sla_conversations"])
    assert got == (1, 200 / 3, 3)


def test_a_note_changes_no_metric() -> None:
    """The same log without the note gives the same report, field for field."""
    with_note = valid_oracle(_records(), ROSTER)
    without = valid_oracle(_records(notes=False), ROSTER)
    for start in (T, T + 3_050_000, T + 3_100_000):
        for now in (T + 3_070_000, NOW):
            if start < now:
                a = with_note.agent_performance(agent_id=1, now_ms=now, start_ms=start)
                b = without.agent_performance(agent_id=1, now_ms=now, start_ms=start)
                assert a == b, (start, now)


def test_backend_answers_the_same() -> None:
    """The reference backend computes the same dashboard at several instants and ranges
    (before and after the weekend, while P waits over it)."""
    log = EventLog.from_records(_records(), roster=ROSTER)
    oracle = Oracle(log)
    path = str(AGENT_PERFORMANCE.path).format(account="a")
    outcome = Outcome()
    with served({"h": log}) as client:
        for now in (T + 3_600_000, T + 100_000_000, T + 230_800_000, NOW):
            for agent in (1, 2):
                query = [("agent_id", str(agent)), ("start_ms", str(T))]
                compare(client, path=path, name="h", query=query, now=now,
                        oracle=lambda q, t: oracle.agent_performance_query(q, now_ms=t),
                        outcome=outcome)  # fmt: skip
    assert outcome.valid == 8 and not outcome.mismatches, outcome.mismatches
