"""sim/_engine.py: routing (least-loaded pick, FCFS queues, slots), transfer targets."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sim._engine import Engine
from tests.support.sim_engine import arrivals, run_engine, scenario, timeline


def _engine(pool: dict[str, Any], **sections: Any) -> Engine:
    """An engine over no arrivals: its agents exist but nobody is logged in yet."""
    engine, _ = run_engine(scenario(pools=[pool], **sections), arrivals([]))
    return engine


POOL = {
    "name": "a",
    "count": 4,
    "first_id": 10,
    "group": 1,
    "skills": [1],
    "sites": ["main"],
    "max_slots": 2,
}


def test_pick_orders_by_load_share_then_free_time_then_id() -> None:
    """pick() returns the smallest (load / max_slots, free_since, id) among available
    agents, skipping excluded ids and agents who are away or full."""
    engine = _engine(POOL)
    a10, a11, a12, a13 = engine.workforce.agents
    # By hand: a10 load 1/2, a11 0/2 free since 50 s, a12 0/2 free since 20 s, a13 away.
    for agent, load, free, status in (
        (a10, 1, 0.0, "online"),
        (a11, 0, 50.0, "online"),
        (a12, 0, 20.0, "online"),
        (a13, 0, 0.0, "away"),
    ):
        agent.logged, agent.status, agent.load, agent.free_since = True, status, load, free
        engine._touch(agent)
    assert engine.pick(1, 0, set()) is a12  # idle the longest among the idle ones
    assert engine.pick(1, 0, {12}) is a11
    assert engine.pick(1, 0, {11, 12}) is a10  # half loaded beats away
    a10.load = 2  # full now
    engine._touch(a10)
    assert engine.pick(1, 0, {11, 12}) is None
    assert engine.pick(2, 0, set()) is None  # nobody has skill 2


@settings(max_examples=60, deadline=None)
@given(
    changes=st.lists(
        st.tuples(
            st.integers(0, 3),  # agent
            st.integers(0, 2),  # load
            st.sampled_from([0.0, 10.0, 20.0]),  # free since
            st.sampled_from(["online", "online", "away"]),
        ),
        max_size=30,
    ),
    exclude=st.sets(st.integers(10, 13), max_size=2),
)
def test_pick_equals_a_scan_of_every_agent(
    changes: list[tuple[int, int, float, str]], exclude: set[int]
) -> None:
    """After any sequence of state changes, the lazy heap gives what a linear scan for the
    minimum (load / max_slots, free_since, id) over available agents gives."""
    engine = _engine(POOL)
    agents = engine.workforce.agents
    for a in agents:
        a.logged, a.status = True, "online"
        engine._touch(a)
    for k, load, free, status in changes:
        a = agents[k]
        a.load, a.free_since, a.status = load, free, status
        engine._touch(a)
        candidates = [x for x in agents if engine.available(x) and x.id not in exclude]
        expected = min(
            candidates, key=lambda x: (x.load / x.max_slots, x.free_since, x.id), default=None
        )
        assert engine.pick(1, 0, exclude) is expected


def test_transfer_targets_stay_in_the_conversations_channel() -> None:
    """Skills 1 and 2 take chats, skill 3 takes calls: a chat in skill 1 may go to 2 only,
    a call in skill 3 nowhere; skills[].transfer_to overrides that (here 1 -> 3)."""
    skills = [{"id": 1}, {"id": 2}, {"id": 3}]
    streams = [
        {"name": "c1", "channel": "chat", "site": "main", "rate_per_hour": 0.0, "skill": 1},
        {"name": "c2", "channel": "chat", "site": "main", "rate_per_hour": 0.0, "skill": 2},
        {"name": "v", "channel": "call", "site": "main", "rate_per_hour": 0.0, "skill": 3},
    ]
    pool = {**POOL, "skills": [1, 2, 3]}
    s = scenario(skills=skills, streams=streams, pools=[pool])
    engine, _ = run_engine(s, arrivals([0.0, 0.0], channel="chat"))
    assert engine.transfer_targets(0, 1) == [2]
    engine, _ = run_engine(s, arrivals([0.0], channel="call", skill=3))
    assert engine.transfer_targets(0, 3) == []
    listed = scenario(
        skills=[{"id": 1, "transfer_to": [3]}, {"id": 2}, {"id": 3}], streams=streams, pools=[pool]
    )
    engine, _ = run_engine(listed, arrivals([0.0], channel="chat"))
    assert engine.transfer_targets(0, 1) == [3]


def test_one_slot_serves_a_fifo_queue() -> None:
    """One agent with one slot, chats at 0, 1 and 2 s with 100 s handle times and instant
    accepts: they are accepted at 0, 100 and 200 s in arrival order and closed 100 s later."""
    s = scenario()
    engine, log = run_engine(s, arrivals([0.0, 1.0, 2.0], handle=100.0))
    got = [
        (t, r["conversation_id"])
        for t, k, r in timeline(log, s.start_ms)
        if k in ("assignment.accepted", "conversation.closed")
    ]
    assert got == [
        (0.0, "c0"),
        (100.0, "c0"),
        (100.0, "c1"),
        (200.0, "c1"),
        (200.0, "c2"),
        (300.0, "c2"),
    ]
    assert list(engine.service.queue_wait) == [0.0, 99.0, 198.0]


def test_patience_runs_out_in_the_first_queue() -> None:
    """With the only agent busy until 100 s, a chat arriving at 1 s with 50 s of patience
    abandons at 51 s; the queue facts record it."""
    s = scenario()
    a = arrivals([0.0, 1.0], handle=100.0, patience=50.0)
    engine, log = run_engine(s, a)
    abandoned = [
        (t, r["conversation_id"])
        for t, k, r in timeline(log, s.start_ms)
        if k == "conversation.abandoned"
    ]
    assert abandoned == [(51.0, "c1")]
    assert engine.queue_facts.abandon[1] == 51.0
