"""sim/_realism.py, sim/_log_view.py and sim/_realism_capacity.py on a hand-built log whose
every figure is worked out by hand below."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ccbench.eventlog import EventLog, Roster, validate
from sim import realism_report
from sim._realism_capacity import hourly_integral
from tests.support.hand_logs import HandLog

T0 = 1_767_571_200_000  # 2026-01-05T00:00:00Z, a whole hour
ROSTER = {
    "account": "a",
    "sites": [{"id": "main", "name": "Main"}],
    "groups": [{"id": 1, "name": "Care"}],
    "skills": [{"id": 1, "name": "one"}],
    "agents": [
        {"id": 1, "name": "Ann", "group_id": 1, "skills": [1], "sites": ["main"], "max_slots": 2}
    ],
}


def _log() -> EventLog:
    """Agent 1 (2 slots) logged in from 0 s to the end (2 h: the last event is at 5,100 s).

    c1 chat: queued 0, accepted 10 (wait 10), closed by the agent 100, CSAT 5.
    c2 chat: queued 60, accepted 90 (wait 30), closed by the consumer 400, CSAT 3, a sale.
    c3 messaging: queued 120, abandoned 180.
    c4 messaging: queued and accepted 1,000 (wait 0); agent 1,010, consumer 1,100, agent
    1,120; auto-closed 2,200; resumed 5,000 (consumer writes), accepted 5,000, agent 5,010,
    closed by the agent 5,100.
    """
    h = HandLog(T0)
    h.add(0, "agent.login", agent_id=1, site="main")
    for cid, t, channel in (
        ("c1", 0, "chat"),
        ("c2", 60, "chat"),
        ("c3", 120, "messaging"),
        ("c4", 1000, "messaging"),
    ):
        h.add(
            t,
            "conversation.opened",
            cid,
            site="main",
            channel=channel,
            source="WEB",
            consumer_id=f"u{cid}",
        )
        h.add(t, "message.sent", cid, sender_role="consumer")
        h.add(t, "conversation.queued", cid, skill_id=1)

    def accept(t: int, cid: str, reason: str = "new") -> None:
        h.add(t, "assignment.offered", cid, agent_id=1, skill_id=1, reason=reason)
        h.add(t, "assignment.accepted", cid, agent_id=1, skill_id=1, reason=reason)

    def msg(t: int, cid: str, role: str) -> None:
        h.add(
            t, "message.sent", cid, sender_role=role, **({"agent_id": 1} if role == "agent" else {})
        )

    accept(10, "c1")
    msg(20, "c1", "agent")
    h.add(100, "conversation.closed", "c1", agent_id=1, closed_by="agent", reason="resolved")
    h.add(200, "survey.answered", "c1", csat=5)
    accept(90, "c2")
    h.add(400, "conversation.closed", "c2", closed_by="consumer", reason="consumer_closed")
    h.add(400, "sale.recorded", "c2", agent_id=1, amount_minor=100, currency="EUR")
    h.add(500, "survey.answered", "c2", csat=3)
    h.add(180, "conversation.abandoned", "c3")
    accept(1000, "c4")
    msg(1010, "c4", "agent")
    msg(1100, "c4", "consumer")
    msg(1120, "c4", "agent")
    h.add(2200, "conversation.closed", "c4", closed_by="system", reason="inactivity")
    h.add(5000, "conversation.resumed", "c4")
    msg(5000, "c4", "consumer")
    h.add(5000, "conversation.queued", "c4", skill_id=1)
    accept(5000, "c4", "resume")
    msg(5010, "c4", "agent")
    h.add(5100, "conversation.closed", "c4", agent_id=1, closed_by="agent", reason="resolved")
    log = EventLog.from_records(h.records(), roster=Roster.from_dict(ROSTER))
    assert validate(log) == []
    return log


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    return realism_report(_log())


def test_hourly_integral_splits_steps_at_hour_edges() -> None:
    """f = 1 on [10, 100) and [3,500, 3,700) s: 90 + 100 = 190 s in hour 0, 100 s in hour 1."""
    edges = np.array([0.0, 3600.0, 7200.0])
    got = hourly_integral(np.array([10.0, 100.0, 3500.0, 3700.0]), np.array([1, -1, 1, -1]), edges)
    assert got.tolist() == [190.0, 100.0]


def test_horizon_arrivals_waits_and_abandonment(report) -> None:  # type: ignore[no-untyped-def]
    """Two whole hours from T0; chats wait 10 and 30 s (median 20), none abandons; of the
    two messaging conversations one abandons (rate 0.5, in hour 0) and one waits 0 s."""
    assert (report.start_ms, report.hours, report.conversations) == (T0, 2, 4)
    chat = next(c for c in report.channels if c.channel == "chat")
    messaging = next(c for c in report.channels if c.channel == "messaging")
    assert chat.arrivals_by_hour == [2, 0] and messaging.arrivals_by_hour == [2, 0]
    assert (chat.wait.count, chat.wait.p50, chat.abandon_rate) == (2, 20.0, 0.0)
    assert (messaging.wait.count, messaging.wait.p50, messaging.abandon_rate) == (1, 0.0, 0.5)
    assert messaging.abandon_by_hour == [0.5, None]
    assert chat.expected_by_hour is None  # no scenario
    assert sorted([chat.handle.mean, messaging.handle.mean]) == [200.0, 650.0]  # 90+310, 1200+100


def test_messaging_durations_gaps_and_auto_closes(report) -> None:  # type: ignore[no-untyped-def]
    """c4 lasts 5,100 - 1,000 = 4,100 s (over 1 h), was auto-closed and resumed; its consumer
    gaps are 1,100 - 1,010 = 90 s and 5,000 - 1,120 = 3,880 s (one over 15 min). c3
    abandoned: neither closed nor still open."""
    m = report.messaging
    assert (m.closed, m.still_open, m.duration.p50, m.over_1h_share) == (1, 0, 4100.0, 1.0)
    assert (m.auto_closed_share, m.resumed_share) == (0.5, 0.5)
    assert (m.consumer_gap.count, m.consumer_gap.p50, m.gap_over_15min_share) == (2, 1985.0, 0.5)


def test_pool_occupancy_concurrency_and_time_at_max(report) -> None:  # type: ignore[no-untyped-def]
    """Hour 0: held c1 90 s + c2 310 s + c4 1,200 s = 1,600 s over 3,600 s logged in with 2
    slots: occupancy 1,600/7,200, concurrency 1,600/3,600, at max only on [90, 100): 10 s.
    Hour 1: c4 again 100 s."""
    (pool,) = report.pools_capacity
    assert (pool.name, pool.agents, pool.logged_in) == ("Care", 1, [1.0, 1.0])
    assert pool.occupancy == pytest.approx([1600 / 7200, 100 / 7200])
    assert pool.concurrency == pytest.approx([1600 / 3600, 100 / 3600])
    assert pool.at_max == pytest.approx([10 / 3600, 0.0])
    assert math.isclose(pool.occupancy_total or 0, 1700 / 14400)
    (skill,) = report.skills_capacity
    assert skill.occupancy == pool.occupancy


def test_outcomes_against_the_service(report) -> None:  # type: ignore[no-untyped-def]
    """CSAT 5 after a 10 s wait and 3 after 30 s: one answer in each of the first two bins,
    mean 4; two points are too few for a rank correlation; the sale counts for skill one."""
    o = report.outcomes
    assert (o.surveys, o.csat_mean, o.spearman_csat_wait) == (2, 4.0, None)
    assert o.csat_by_wait[:2] == [("0-20 s", 1, 5.0), ("20-60 s", 1, 3.0)]
    assert o.csat_by_transfers[0] == ("0", 2, 4.0)
    assert (o.sales, o.sales_by_skill) == (1, [("one", 1)])
