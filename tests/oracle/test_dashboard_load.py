"""Seed 003 LOAD sums weights exactly (docs/metrics.md 3.3): a hand-built log whose six
inactive conversations weigh 0.1 each."""

from __future__ import annotations

import math
from typing import Any

from ccbench.eventlog import EventLog, Roster, validate
from oracle import Oracle

T0 = 1_700_000_000_000
S = 1000  # ms per second


def _six_inactive_log() -> EventLog:
    """One human agent (6 slots) holding six conversations with no message (all inactive)."""
    roster = Roster.from_dict(
        {
            "account": "a",
            "sites": [{"id": "s"}],
            "groups": [{"id": 1}],
            "skills": [{"id": 1}],
            "agents": [{"id": 1, "group_id": 1, "skills": [1], "sites": ["s"], "max_slots": 6}],
        }
    )
    ev: list[dict[str, Any]] = [{"ts": T0, "kind": "agent.login", "agent_id": 1, "site": "s"}]
    for n in range(6):
        cid, t = f"c{n}", T0 + (n + 1) * S
        ev += [
            {"ts": t, "kind": "conversation.opened", "conversation_id": cid, "site": "s",
             "channel": "messaging", "source": "APP", "consumer_id": f"u{n}"},
            {"ts": t, "kind": "conversation.queued", "conversation_id": cid, "skill_id": 1},
            {"ts": t, "kind": "assignment.offered", "conversation_id": cid, "agent_id": 1,
             "skill_id": 1, "reason": "new"},
            {"ts": t, "kind": "assignment.accepted", "conversation_id": cid, "agent_id": 1,
             "skill_id": 1, "reason": "new"},
        ]  # fmt: skip
    for i, e in enumerate(ev):
        e.update(event_id=f"e{i}", seq=i, account="a")
    return EventLog.from_records(ev, roster=roster)


def test_load_sums_weights_exactly() -> None:
    """Regression: LOAD sums weights correctly rounded (math.fsum), not in numpy's order;
    and a log without any message no longer crashes the activity lookup."""
    log = _six_inactive_log()
    assert validate(log) == []
    d = Oracle(log).dashboard(now_ms=T0 + 60 * S)
    # Six inactive conversations weigh 0.1 each over 6 slots. The exact sum of six doubles
    # 0.1 rounds to fsum's value; numpy's pairwise sum and a left-to-right sum both give
    # a different double, so the figure would depend on the summation order.
    exact = math.fsum([0.1] * 6)
    assert exact != sum([0.1] * 6)
    assert d["current"]["load"] == 100.0 * exact / 6
    assert d["agents"]["rows"][0]["load"] == 100.0 * exact / 6
    assert d["skills"]["rows"][0]["load"] == 100.0 * exact / 6
