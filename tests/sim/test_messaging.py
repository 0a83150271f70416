"""sim/_messaging.py: messaging conversations driven by turns, with hand-computed
timelines (constant delays make every message time exact)."""

from __future__ import annotations

import math
from typing import Any

import pytest

from ccbench.eventlog import CLOSED_BY, validate
from sim._dists import MessagingTimes
from tests.support.sim_engine import arrivals, run_engine, scenario, timeline

STREAM = {"name": "m", "channel": "messaging", "site": "main", "rate_per_hour": 0.0, "skill": 1}
POOL = {
    "name": "a",
    "count": 1,
    "first_id": 1,
    "group": 1,
    "skills": [1],
    "sites": ["main"],
    "max_slots": 2,
}
NEVER_DONE = 1e9  # turns_mean so large that the conversation never gets resolved


def _const(seconds: float) -> dict[str, Any]:
    return {"kind": "constant", "mean_s": seconds}


def _messaging(**keys: Any) -> dict[str, Any]:
    """Constant timings: first response 10 s, answer 20 s, consumer think 30 s, no silence,
    no walk-away, elasticity 0.5, auto-close after 600 s pending the consumer."""
    mode = {
        "turns_mean": 1.0,
        "first_response": _const(10.0),
        "agent_reply": _const(20.0),
        "consumer_reply": _const(30.0),
        "silence_share": 0.0,
        "walk_away": 0.0,
        "reply_elasticity": 0.5,
        "auto_close_s": 600.0,
    }
    mode.update(keys)
    return {"messaging": mode}


def _run(agent_close: float, times: list[float] | None = None, pools: Any = None, **keys: Any):  # type: ignore[no-untyped-def]
    s = scenario(
        streams=[STREAM],
        pools=pools or [POOL],
        modes=_messaging(**keys),
        behaviour={"agent_close_share": agent_close},
    )
    engine, log = run_engine(s, arrivals(times or [0.0], channel="messaging"))
    assert validate(log) == []
    return s, engine, timeline(log, s.start_ms)


def _messages(
    tl: list[tuple[float, str, dict[str, Any]]], conv: str = "c0"
) -> list[tuple[float, str]]:
    return [
        (t, r["sender_role"])
        for t, k, r in tl
        if k == "message.sent" and r["conversation_id"] == conv
    ]


def _closes(tl: list[tuple[float, str, dict[str, Any]]]) -> list[tuple[float, str, str]]:
    return [(t, r["closed_by"], r["reason"]) for t, k, r in tl if k == "conversation.closed"]


def test_one_question_answered_then_marked_done() -> None:
    """One question (turns_mean 1): the consumer writes at 0, the agent answers after its
    10 s first response and marks the conversation done one 20 s answer delay later."""
    _, engine, tl = _run(agent_close=1.0)
    assert _messages(tl) == [(0.0, "consumer"), (10.0, "agent")]
    assert _closes(tl) == [(30.0, "agent", "resolved")]
    assert engine.service.first_response[0] == 10.0
    assert bool(engine.service.resolved[0])


def test_the_consumer_closes_after_the_answer() -> None:
    """With agent_close_share 0 the consumer closes after its 30 s think time."""
    _, engine, tl = _run(agent_close=0.0)
    assert _closes(tl) == [(40.0, "consumer", "consumer_closed")]
    assert engine.service.closed_by[0] == CLOSED_BY.index("consumer")


def test_turns_alternate_with_constant_delays() -> None:
    """With several questions the agent answers each consumer message 20 s later and the
    consumer writes 30 s after each answer, until the last answer is marked done 20 s on."""
    _, _, tl = _run(agent_close=1.0, turns_mean=4.0)
    msgs = _messages(tl)
    agent = [t for t, who in msgs if who == "agent"]
    consumer = [t for t, who in msgs if who == "consumer"]
    assert agent == [10.0 + 50.0 * k for k in range(len(agent))]
    assert consumer == [0.0] + [40.0 + 50.0 * k for k in range(len(agent) - 1)]
    assert _closes(tl) == [(agent[-1] + 20.0, "agent", "resolved")]


def test_agent_delays_grow_with_the_conversations_held() -> None:
    """Two conversations at 0 and 1 s on one agent (elasticity 0.5): the second's first
    answer takes 10 x 2 ** 0.5 = 14.142 s (held 2); each wrap-up then takes 20 x 2 ** 0.5
    = 28.284 s since the agent still holds both."""
    _, engine, tl = _run(agent_close=1.0, times=[0.0, 1.0])
    assert _messages(tl, "c0") == [(0.0, "consumer"), (10.0, "agent")]
    assert _messages(tl, "c1") == [(1.0, "consumer"), (15.142, "agent")]
    assert [t for t, _, _ in _closes(tl)] == [38.284, 43.426]
    assert list(engine.service.load_sum) == [1.0, 2.0]  # held at each answer (not the wrap-up)


def test_silence_auto_closes_and_the_consumer_resumes() -> None:
    """An unresolvable conversation whose consumer is silent 2,000 s after each answer:
    auto-closed 600 s after each answer (10 s after each resume), resumed 2,000 s after
    it, until the next comeback (8,030 s) would be after the 2 h horizon."""
    _, engine, tl = _run(
        agent_close=1.0, turns_mean=NEVER_DONE, silence_share=1.0, silence=_const(2000.0)
    )
    assert _closes(tl) == [(t, "system", "inactivity") for t in (610.0, 2620.0, 4630.0, 6640.0)]
    assert [t for t, k, _ in tl if k == "conversation.resumed"] == [2010.0, 4020.0, 6030.0]
    reasons = [r["reason"] for _, k, r in tl if k == "assignment.accepted"]
    assert reasons == ["new", "resume", "resume", "resume"]
    assert [c.t for c in engine.closes] == [6640.0]
    assert not bool(engine.service.resolved[0])


def test_a_walked_away_consumer_is_auto_closed_for_good() -> None:
    """walk_away 1: the consumer never answers; the system closes 600 s after the answer
    and nobody comes back."""
    _, engine, tl = _run(agent_close=1.0, turns_mean=NEVER_DONE, walk_away=1.0)
    assert _closes(tl) == [(610.0, "system", "inactivity")]
    assert not any(k == "conversation.resumed" for _, k, _ in tl)
    assert engine.service.closed_by[0] == CLOSED_BY.index("system")


def test_a_silent_resolved_conversation_is_auto_closed_without_resume() -> None:
    """After the last answer a silent consumer (2,000 s) gets the conversation auto-closed
    at 610 s; it was resolved, so the consumer does not come back."""
    _, engine, tl = _run(agent_close=0.0, silence_share=1.0, silence=_const(2000.0))
    assert _closes(tl) == [(610.0, "system", "inactivity")]
    assert bool(engine.service.resolved[0])


def test_the_consumer_writes_while_queued_after_a_logout() -> None:
    """The agent's shift ends at 1,800 s while the consumer is thinking (answers every 170 s:
    agent at 1,710 s, consumer due at 1,860 s): the conversation goes back to the queue and
    the consumer's message arrives there at 1,860 s; nobody is left to answer it."""
    pool = {**POOL, "shift_hours": 0.5, "logout_grace_s": 0.0}
    _, _, tl = _run(
        agent_close=1.0, pools=[pool], turns_mean=NEVER_DONE, consumer_reply=_const(150.0)
    )
    assert (1800.0, "conversation.back_to_queue") in [(t, k) for t, k, _ in tl]
    assert _messages(tl)[-2:] == [(1710.0, "agent"), (1860.0, "consumer")]


def test_auto_close_in_the_queue_then_resume() -> None:
    """Answered at 10 s, the consumer is silent 5,000 s; the logout at 1,800 s requeues it
    and restarts the auto-close clock: closed by the system at 1,800 + 3,000 = 4,800 s
    while queued, then resumed at 5,010 s."""
    pool = {**POOL, "shift_hours": 0.5, "logout_grace_s": 0.0}
    _, _, tl = _run(
        agent_close=1.0,
        pools=[pool],
        turns_mean=NEVER_DONE,
        auto_close_s=3000.0,
        silence_share=1.0,
        silence=_const(5000.0),
    )
    assert _closes(tl) == [(4800.0, "system", "inactivity")]
    assert [t for t, k, _ in tl if k == "conversation.resumed"] == [5010.0]
    assert math.isclose(_messages(tl)[-1][0], 5010.0)


def test_a_logout_during_the_wrap_up_lets_the_next_agent_mark_it_done(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two questions (turns forced to 2): answers at 1,745 and 1,795 s, the consumer's at
    1,775 s; agent 1's shift ends at 1,800 s during its wrap-up (done due at 1,815 s), so
    the conversation waits in the queue until agent 2 logs in at 1,836 s and marks it done
    20 s later. The consumer writes nothing more meanwhile."""
    monkeypatch.setattr(MessagingTimes, "turns", lambda self: 2)
    early = {**POOL, "shift_hours": 0.5, "logout_grace_s": 0.0}
    late = {**POOL, "name": "b", "first_id": 2, "shift_starts_h": [0.51], "shift_hours": 1.0}
    _, _, tl = _run(agent_close=1.0, times=[1735.0], pools=[early, late])
    assert _messages(tl) == [
        (1735.0, "consumer"),
        (1745.0, "agent"),
        (1775.0, "consumer"),
        (1795.0, "agent"),
    ]
    closed = [(t, r["agent_id"]) for t, k, r in tl if k == "conversation.closed"]
    assert closed == [(1856.0, 2)]
