"""plan._metrics: per-replication metrics from hand-built runs, including warm-up deletion."""

from __future__ import annotations

import pyarrow as pa
import pytest

from ccbench.eventlog import EventLog, Roster
from plan import Window, apply_point, replication_metrics
from plan._metrics import agent_time
from sim import Scenario, SimResult, load_scenario


def _run() -> SimResult:
    """erlang_c cut to 1 h with 2 agents, and six hand-written conversations.

    Times are s after the horizon start S. Agents 1 and 2 log in at 0; agent 2 is away
    1800-2400. c0 queues at 100 (answered 200); c1 at 700 (answered 710, first agent
    message 715, closed 1000); c2 at 800 (answered 830, message 850, closed 1030); c3
    at 900 (abandons 960); c4 at 3590 and c5 at 3500 still wait at the horizon end 3600.
    """
    doc = apply_point(load_scenario("erlang_c").to_dict(), {"pools.agent.count": 2})
    doc["scenario"]["hours"] = 1.0
    scenario = Scenario.from_dict(doc)
    s = scenario.start_ms

    def ms(seconds: float | None) -> int | None:
        return None if seconds is None else s + int(seconds * 1000)

    convs = [  # queued, answered, abandoned, agent
        (100, 200, None, 1),
        (700, 710, None, 1),
        (800, 830, None, 2),
        (900, None, 960, None),
        (3590, None, None, None),
        (3500, None, None, None),
    ]
    queue = pa.table(
        {
            "conversation_id": [f"c{i}" for i in range(len(convs))],
            "channel": ["chat"] * len(convs),
            "skill_id": pa.array([1] * len(convs), type=pa.int64()),
            "arrival_ms": [ms(q) for q, *_ in convs],
            "queued_ms": [ms(q) for q, *_ in convs],
            "answered_ms": pa.array([ms(a) for _, a, _, _ in convs], type=pa.int64()),
            "abandoned_ms": pa.array([ms(b) for _, _, b, _ in convs], type=pa.int64()),
            "agent_id": pa.array([g for *_, g in convs], type=pa.int64()),
        }
    )
    segments = pa.table(
        {
            "conversation_id": ["c0", "c1", "c2", "c9"],
            "agent_id": pa.array([1, 1, 2, 2], type=pa.int64()),
            "skill_id": pa.array([1, 1, 1, 1], type=pa.int64()),
            "role": ["agent"] * 4,
            "reason": ["new"] * 4,
            # c9: a segment agent 2 holds while away (1900-2000): busy but not online.
            "start_ms": [ms(200), ms(710), ms(830), ms(1900)],
            "end_ms": [ms(500), ms(1000), ms(1030), ms(2000)],
            "end": ["closed_agent"] * 4,
        }
    )
    events = [
        ("agent.login", 0, {"agent_id": 1, "site": "main"}),
        ("agent.login", 0, {"agent_id": 2, "site": "main"}),
        ("message.sent", 705, {"conversation_id": "c1", "sender_role": "consumer"}),
        ("message.sent", 715, {"conversation_id": "c1", "sender_role": "agent", "agent_id": 1}),
        ("message.sent", 850, {"conversation_id": "c2", "sender_role": "agent", "agent_id": 2}),
        ("conversation.closed", 500, {"conversation_id": "c0", "closed_by": "consumer"}),
        ("conversation.closed", 1000, {"conversation_id": "c1", "closed_by": "consumer"}),
        ("conversation.closed", 1030, {"conversation_id": "c2", "closed_by": "consumer"}),
        ("agent.status", 1800, {"agent_id": 2, "status": "away"}),
        ("agent.status", 2400, {"agent_id": 2, "status": "online"}),
    ]
    records = [
        {"event_id": f"e{i}", "ts": ms(t), "seq": i, "kind": k, "account": "erlang", **extra}
        for i, (k, t, extra) in enumerate(events)
    ]
    log = EventLog.from_records(records, roster=Roster.from_dict({"account": "erlang"}))
    return SimResult(log, queue, segments, scenario, seed=0, engine="fast", wall_s=0.0)


def test_warmup_deletion_hand_worked() -> None:
    """A 600 s warm-up drops c0; the remaining numbers are worked out in the comments."""
    result = _run()
    window = Window.of(result.scenario, warmup_s=600.0, cooldown_s=0.0)
    m = replication_metrics(result=result, window=window, threshold_s=20.0)
    assert list(m) == ["all", "1"] and m["all"] == m["1"]
    got = m["all"]
    assert got["offered"] == 5  # c1..c5
    # SL: c1 within 20 s out of c1, c2 (answered), c3 (abandoned) and c5 (waiting 100 s
    # > 20 s at the end); c4 has waited only 10 s: its outcome is unknown.
    assert got["service_level"] == pytest.approx(1 / 4)
    assert got["asa_s"] == pytest.approx((10 + 30) / 2)
    assert got["abandon_rate"] == pytest.approx(1 / 3)  # c3 out of c1, c2, c3
    assert got["ttfr_s"] == pytest.approx((15 + 50) / 2)  # consumer messages do not count
    assert got["resolution_s"] == pytest.approx((300 + 230) / 2)
    # Window [600, 3600): agent 1 online 3000 s, busy 710-1000 = 290 s; agent 2 online
    # 3000 - 600 away = 2400 s, busy 830-1030 = 200 s (1900-2000 is while away).
    assert got["occupancy"] == pytest.approx((290 + 200) / (3000 + 2400))
    assert got["load"] == pytest.approx(got["occupancy"])  # one slot, intensity 1


def test_without_warmup_everything_counts() -> None:
    """With no warm-up c0 (wait 100 s, agent 1 busy 200-500) is measured too."""
    result = _run()
    window = Window.of(result.scenario, warmup_s=0.0, cooldown_s=0.0)
    got = replication_metrics(result=result, window=window, threshold_s=20.0)["all"]
    assert got["offered"] == 6
    assert got["service_level"] == pytest.approx(1 / 5)
    assert got["asa_s"] == pytest.approx((100 + 10 + 30) / 3)
    assert got["abandon_rate"] == pytest.approx(1 / 4)
    assert got["resolution_s"] == pytest.approx((400 + 300 + 230) / 3)
    # Agent 1: 3600 s online, busy 300 + 290; agent 2: 3000 s online, busy 200.
    assert got["occupancy"] == pytest.approx((300 + 290 + 200) / (3600 + 3000))


def test_cooldown_drops_late_arrivals() -> None:
    """A 200 s cool-down leaves c4 (3590) and c5 (3500) out of the window [600, 3400)."""
    result = _run()
    window = Window.of(result.scenario, warmup_s=600.0, cooldown_s=200.0)
    got = replication_metrics(result=result, window=window, threshold_s=20.0)["all"]
    assert got["offered"] == 3
    assert got["service_level"] == pytest.approx(1 / 3)


def test_agent_time_weights_and_slots() -> None:
    """Two overlapping segments on a 2-slot agent, integrated over the window [20, 80) ms.

    Online [0, 100); segments [10, 50) weight 1 and [30, 70) weight 1.5. Busy in the window:
    [20, 70) = 50. Load integral: [20, 30) x 1 + [30, 50) x 2.5 + [50, 70) x 1.5 = 90,
    over 2 slots = 45.
    """
    segments = pa.table(
        {
            "agent_id": pa.array([7, 7], type=pa.int64()),
            "skill_id": pa.array([1, 2], type=pa.int64()),
            "start_ms": pa.array([10, 30], type=pa.int64()),
            "end_ms": pa.array([50, 70], type=pa.int64()),
        }
    )
    got = agent_time(
        online={7: [(0.0, 100.0)]},
        segments=segments,
        weights={1: 1.0, 2: 1.5},
        slots={7: 2, 8: 1},
        window=Window(20, 80),
    )
    assert got[7] == pytest.approx((60.0, 50.0, 45.0))
    assert got[8] == (0.0, 0.0, 0.0)  # never logged in


def test_open_segment_counts_until_window_end() -> None:
    """A segment still open at the horizon (null end) keeps the agent busy to the window end."""
    segments = pa.table(
        {
            "agent_id": pa.array([7], type=pa.int64()),
            "skill_id": pa.array([1], type=pa.int64()),
            "start_ms": pa.array([40], type=pa.int64()),
            "end_ms": pa.array([None], type=pa.int64()),
        }
    )
    got = agent_time(
        online={7: [(0.0, float("inf"))]},
        segments=segments,
        weights={},
        slots={7: 1},
        window=Window(0, 100),
    )
    assert got[7] == pytest.approx((100.0, 60.0, 60.0))
