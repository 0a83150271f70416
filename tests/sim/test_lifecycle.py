"""sim/_lifecycle.py: a conversation's story (bot, queues, hand-offs, closes, restarts)
and the import rule that keeps it independent of the engine class."""

from __future__ import annotations

import ast
from pathlib import Path

from ccbench.eventlog import CLOSED_BY, validate
from tests.support.sim_engine import arrivals, run_engine, scenario, timeline

SIM = Path(__file__).resolve().parents[2] / "sim"
BOT = {
    "agent_id": 90,
    "group": 1,
    "skill": 9,
    "flows": ["hello"],
    "sites": ["main"],
    "handle": {"kind": "constant", "mean_s": 30.0},
}
SKILLS = [{"id": 1}, {"id": 2}, {"id": 9}]
STREAM = {
    "name": "s",
    "channel": "chat",
    "site": "main",
    "rate_per_hour": 0.0,
    "skill": 1,
    "bot_flow": "hello",
}


def test_no_conversation_module_imports_the_engine() -> None:
    """The processes use the ContactCenter Protocol: no module they are made of imports
    sim._engine, not even under TYPE_CHECKING (so no import cycle can form)."""
    for name in ("_lifecycle", "_session", "_messaging", "_handoffs", "_center"):
        tree = ast.parse((SIM / f"{name}.py").read_text())
        imported = {
            node.module
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module is not None
        }
        assert "_engine" not in imported and "sim._engine" not in imported, name


def test_bot_containment_closes_without_a_human() -> None:
    """A bot that contains everything closes the conversation after its 30 s handle time,
    by the consumer with reason bot_resolved; nothing is queued to a human."""
    s = scenario(skills=SKILLS, streams=[STREAM], bots=[{**BOT, "containment": 1.0}])
    engine, log = run_engine(s, arrivals([0.0], bot=0))
    kinds = [(t, k) for t, k, r in timeline(log, s.start_ms) if r.get("conversation_id")]
    kinds = [x for x in kinds if x[1] != "message.sent"]
    assert kinds == [
        (0.0, "conversation.opened"),
        (0.0, "conversation.queued"),
        (0.0, "assignment.offered"),
        (0.0, "assignment.accepted"),
        (30.0, "conversation.closed"),
    ]
    closed = next(r for _, k, r in timeline(log, s.start_ms) if k == "conversation.closed")
    assert (closed["closed_by"], closed["reason"]) == ("consumer", "bot_resolved")
    assert engine.service.closed_by[0] == CLOSED_BY.index("consumer")
    assert bool(engine.service.resolved[0])


def test_bot_escalation_queues_to_the_human_skill() -> None:
    """A bot that contains nothing transfers at 30 s (reason escalation); the human skill's
    agent accepts with reason transfer and closes after the 100 s handle time."""
    s = scenario(skills=SKILLS, streams=[STREAM], bots=[{**BOT, "containment": 0.0}])
    _, log = run_engine(s, arrivals([0.0], bot=0, handle=100.0))
    got = [
        (t, k, r.get("reason"), r.get("agent_id"))
        for t, k, r in timeline(log, s.start_ms)
        if k in ("conversation.transferred", "assignment.accepted", "conversation.closed")
    ]
    assert got[:3] == [
        (0.0, "assignment.accepted", "new", 90),
        (30.0, "conversation.transferred", "escalation", 90),
        (30.0, "assignment.accepted", "transfer", 1),
    ]
    assert got[3][:2] == (130.0, "conversation.closed")


def test_takeover_hands_the_conversation_to_a_manager() -> None:
    """With takeover = 1 a manager takes the call over during its handle time, is
    accepted with reason takeover (no slot), and closes it; one transfer is counted."""
    manager = {
        "name": "m",
        "count": 1,
        "first_id": 50,
        "role": "manager",
        "group": 1,
        "sites": ["main"],
    }
    agent = {"name": "a", "count": 1, "first_id": 1, "group": 1, "skills": [1], "sites": ["main"]}
    stream = {"name": "v", "channel": "call", "site": "main", "rate_per_hour": 0.0, "skill": 1}
    s = scenario(pools=[agent, manager], streams=[stream], behaviour={"takeover": 1.0})
    engine, log = run_engine(s, arrivals([0.0], channel="call", handle=100.0))
    assert validate(log) == []
    tl = timeline(log, s.start_ms)
    taken = next(t for t, k, _ in tl if k == "conversation.taken_over")
    assert 20.0 <= taken <= 60.0  # handle x U(0.2, 0.6)
    accepts = [(r["agent_id"], r["reason"]) for _, k, r in tl if k == "assignment.accepted"]
    assert accepts == [(1, "new"), (50, "takeover")]
    closed = next(r for _, k, r in tl if k == "conversation.closed")
    assert (closed["agent_id"], closed["closed_by"]) == (50, "agent")
    assert engine.service.transfers[0] == 1


def test_a_logout_sends_the_conversation_back_to_the_queue() -> None:
    """An agent whose shift ends at 30 min (no grace) holding a 10,000 s chat sends it back
    to the queue at 1,800 s (conversation.back_to_queue), then logs out."""
    pool = {
        "name": "a",
        "count": 1,
        "first_id": 1,
        "group": 1,
        "skills": [1],
        "sites": ["main"],
        "shift_hours": 0.5,
        "logout_grace_s": 0.0,
    }
    s = scenario(pools=[pool])
    engine, log = run_engine(s, arrivals([0.0], handle=10_000.0))
    tl = [(t, k) for t, k, _ in timeline(log, s.start_ms)]
    assert (1800.0, "conversation.back_to_queue") in tl
    assert tl.index((1800.0, "conversation.back_to_queue")) < tl.index((1800.0, "agent.logout"))
    assert (1800.0, "conversation.queued") in tl
    assert engine.service.transfers[0] == 1


def test_resume_after_close_queues_again_once() -> None:
    """With resume = 1 a closed chat is resumed within resume_window_s and queued again
    with reason resume; it is resumed only once, then closed for good."""
    s = scenario(behaviour={"resume": 1.0, "resume_window_s": 100.0})
    engine, log = run_engine(s, arrivals([0.0], handle=50.0))
    tl = timeline(log, s.start_ms)
    resumed = [t for t, k, _ in tl if k == "conversation.resumed"]
    assert len(resumed) == 1 and 50.0 <= resumed[0] <= 150.0
    reasons = [r["reason"] for _, k, r in tl if k == "assignment.accepted"]
    assert reasons == ["new", "resume"]
    assert [c.conv for c in engine.closes] == [0]


def test_a_returning_consumers_conversation_is_merged_into_the_earlier_one() -> None:
    """Two conversations of the same consumer, merge = 1: the second one, once closed,
    is merged into the first (conversation.merged 1-60 s after its close)."""
    s = scenario(behaviour={"merge": 1.0})
    _, log = run_engine(s, arrivals([0.0, 500.0], handle=50.0, consumers=[7, 7]))
    tl = timeline(log, s.start_ms)
    merged = [
        (t, r["conversation_id"], r["into_conversation_id"])
        for t, k, r in tl
        if k == "conversation.merged"
    ]
    assert len(merged) == 1 and merged[0][1:] == ("c1", "c0")
    assert 551.0 <= merged[0][0] <= 610.0
