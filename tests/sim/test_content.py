"""sim/_content.py: bulk events stay strictly inside their segments; messaging segments
get only extras (their messages are the event loop's turns); chat answers are recorded."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from ccbench.eventlog import SENDER_ROLES
from sim._agents import build_workforce
from sim._content import draw_content
from sim._facts import END_KINDS, NEW, ROLE_AGENT, ROLE_BOT, ServiceFacts
from sim._record import KINDS
from tests.support.sim_engine import arrivals, scenario

EVERYTHING = {
    "view": 1.0,
    "snooze": 1.0,
    "manager_message": 1.0,
    "participant_message": 1.0,
    "system_message": 1.0,
}


def _segments(rows: list[tuple[int, int, int, float, float]]) -> dict[str, np.ndarray]:
    """Segments (conversation, agent, role, start s, end s), all new and closed by the agent."""
    conv, agent, role, start, end = (np.asarray(x) for x in zip(*rows, strict=True))
    n = len(rows)
    return {
        "conv": conv.astype(np.int64),
        "agent": agent.astype(np.int64),
        "skill": np.ones(n, dtype=np.int64),
        "reason": np.full(n, NEW, dtype=np.int64),
        "role": role.astype(np.int64),
        "start": start.astype(float),
        "end": end.astype(float),
        "end_kind": np.full(n, END_KINDS.index("closed_agent"), dtype=np.int64),
        "style": np.zeros(n, dtype=np.int64),
        "param": np.zeros(n),
    }


def _draw(  # type: ignore[no-untyped-def]
    channel: str, rows: list[tuple[int, int, int, float, float]], intent: int = -1, **sc: Any
):
    s = scenario(behaviour=EVERYTHING, **sc)
    a = arrivals([0.0] * (1 + max(r[0] for r in rows)), channel=channel)
    a = dataclasses.replace(a, intent=np.full(len(a), intent, dtype=np.int64))
    workforce = build_workforce(s, np.random.default_rng(0))
    service = ServiceFacts.empty(len(a))
    chunk = draw_content(
        s, a, _segments(rows), workforce, service, start_ms=0, content=np.random.default_rng(1)
    )
    events = [
        (int(ts), KINDS[k], int(c), int(ag))
        for ts, k, c, ag in zip(chunk.ts, chunk.kind, chunk.conv, chunk.agent, strict=True)
    ]
    roles: dict[int, str] = {}
    if "sender_role" in chunk.extra:
        rows_, values = chunk.extra["sender_role"]
        roles = dict(zip(rows_.tolist(), values.tolist(), strict=True))
    return events, roles, service


def test_events_fall_strictly_inside_their_segment() -> None:
    """Every bulk event of a segment [100 s, 400 s) has 100,000 < ts < 400,000 ms."""
    events, _, _ = _draw("chat", [(0, 1, ROLE_AGENT, 100.0, 400.0)])
    assert events
    assert all(100_000 < ts < 400_000 for ts, *_ in events)


def test_messaging_segments_get_only_the_extras() -> None:
    """A messaging segment gets views, a snooze and manager, participant and system
    messages, but no agent or consumer message: those are the event loop's turns."""
    events, roles, _ = _draw("messaging", [(0, 1, ROLE_AGENT, 100.0, 4000.0)])
    senders = {roles[i] for i, e in enumerate(events) if e[1] == "message.sent"}
    assert senders <= {"manager", "participant", "system"}
    assert {e[1] for e in events} >= {"view.started", "conversation.snoozed"}


def test_chat_answers_go_to_the_service_facts() -> None:
    """A chat segment's agent messages are counted in replies, and the first one, minus
    the arrival (0 s), is the first response (to the millisecond)."""
    events, roles, service = _draw("chat", [(0, 1, ROLE_AGENT, 100.0, 2000.0)])
    agent = [
        ts for i, (ts, k, *_) in enumerate(events) if k == "message.sent" and roles[i] == "agent"
    ]
    assert service.replies[0] == len(agent) > 0
    assert abs(service.first_response[0] * 1000.0 - agent[0]) <= 1.0


def test_bot_segments_detect_the_intent_halfway() -> None:
    """A bot segment [0, 60 s) gets bot and consumer messages and intent.detected halfway
    through its open interval (0.001 s, 59.999 s): at 29.999 s; a bot's answers are not a
    human's, so the service facts stay empty."""
    bots = [{"agent_id": 90, "group": 1, "skill": 2, "flows": ["f"], "sites": ["main"]}]
    intents = [{"name": "ask", "skill": 1}]
    events, roles, service = _draw(
        "chat", [(0, 90, ROLE_BOT, 0.0, 60.0)], intent=0, bots=bots, intents=intents
    )
    assert service.replies[0] == 0
    senders = {roles[i] for i, e in enumerate(events) if e[1] == "message.sent"}
    assert senders == {"bot", "consumer"}
    assert [(ts, a) for ts, k, _, a in events if k == "intent.detected"] == [(29_999, 90)]
    assert SENDER_ROLES[ROLE_BOT] == "bot"
