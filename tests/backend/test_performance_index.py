"""backend/_performance_index.py: the agent performance index's per-agent slices, survey
attribution and open periods, on a hand log whose answers are worked out below."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from backend import Store
from backend._frame import Frame, frame_of
from backend._performance_index import PerformanceIndex
from ccbench.eventlog import EventLog, Roster, validate
from tests.support.hand_logs import HandLog

T0 = 1_767_600_000_000
S = 1000
ROSTER = Roster.from_dict(
    {
        "account": "a",
        "sites": [{"id": "s"}],
        "groups": [{"id": 1}],
        "skills": [{"id": 1}],
        "agents": [
            {"id": a, "group_id": 1, "skills": [1], "sites": ["s"], "max_slots": 3} for a in (1, 2)
        ],
    }
)


def _records() -> list[dict[str, Any]]:
    """Q: opened 15 s, accepted by agent 2 at 16, closed by agent 2 at 18.
    P: opened 10, accepted by agent 1 at 20, survey 4 at 30, transferred to agent 2 at 40, accepted
    by agent 2 at 50, closed by agent 2 at 60, survey 5 at 70, resumed at 80 (still open).
    Segments in start order: 0 = Q by 2 (16 s), 1 = P by 1 (20 s), 2 = P by 2 (50 s)."""
    log = HandLog(T0)
    add = log.add
    for a in (1, 2):
        add(0, "agent.login", agent_id=a, site="s")
    for cid, sec in (("P", 10), ("Q", 15)):
        add(sec, "conversation.opened", cid, site="s", channel="chat", source="WEB",
            consumer_id=cid)  # fmt: skip
        add(sec, "message.sent", cid, sender_role="consumer")
        add(sec, "conversation.queued", cid, skill_id=1)
    q = {"agent_id": 2, "skill_id": 1, "reason": "new"}
    add(16, "assignment.offered", "Q", **q)
    add(16, "assignment.accepted", "Q", **q)
    add(18, "conversation.closed", "Q", closed_by="agent", reason="done", agent_id=2)
    p = {"agent_id": 1, "skill_id": 1, "reason": "new"}
    add(20, "assignment.offered", "P", **p)
    add(20, "assignment.accepted", "P", **p)
    add(25, "message.sent", "P", sender_role="agent", agent_id=1)
    add(30, "survey.answered", "P", csat=4)
    add(40, "conversation.transferred", "P", agent_id=1, to_agent_id=2)
    t = {"agent_id": 2, "skill_id": 1, "reason": "transfer"}
    add(50, "assignment.offered", "P", **t)
    add(50, "assignment.accepted", "P", **t)
    add(60, "conversation.closed", "P", closed_by="agent", reason="done", agent_id=2)
    add(70, "survey.answered", "P", csat=5)
    add(80, "conversation.resumed", "P")
    return log.records()


@pytest.fixture(scope="module")
def index() -> PerformanceIndex:
    log = EventLog.from_records(_records(), roster=ROSTER)
    assert validate(log) == []
    store = Store(path=":memory:")
    store.put_roster(roster=log.roster)
    store.ingest(account="a", table=log.table)
    frame: Frame | None = frame_of(store, account="a")
    store.close()
    assert frame is not None
    return PerformanceIndex(frame)


def test_agent_segments_started_before_now(index: PerformanceIndex) -> None:
    """Agent 2 before 17 s: Q's segment (0); at 100 s also P's second (2); agent 1 at 20 s:
    none (its segment starts at 20, not before), at 21 s P's first (1)."""
    assert index.agent_segments(2, T0 + 17 * S).tolist() == [0]
    assert index.agent_segments(2, T0 + 100 * S).tolist() == [0, 2]
    assert index.agent_segments(1, T0 + 20 * S).tolist() == []
    assert index.agent_segments(1, T0 + 21 * S).tolist() == [1]


def test_surveys_go_to_the_last_accept_before_them(index: PerformanceIndex) -> None:
    """The 4 at 30 s goes to agent 1 (accepted at 20), its next answer is the 5 at 70 s;
    the 5 goes to agent 2 (accepted at 50) and has no next answer."""
    f = index.frame
    assert index.survey_agent.tolist() == [1, 2]
    assert index.survey_csat.tolist() == [4, 5]
    assert (f.ts[index.survey_row] - T0).tolist() == [30 * S, 70 * S]
    assert (f.ts[index.survey_next[:1]] - T0).tolist() == [70 * S]
    assert index.survey_next[1] == f.ts.shape[0]


def test_agent_closes_in_row_order(index: PerformanceIndex) -> None:
    """Both closes are agent 2's, at 18 s (Q) and 60 s (P)."""
    assert index.close_agent.tolist() == [2, 2]
    assert (index.close_ts - T0).tolist() == [18 * S, 60 * S]


def test_open_periods_hold_now(index: PerformanceIndex) -> None:
    """P is open from 10 s to its close at 60 s (inclusive) and again from 80 s; Q from 15 s
    to 18 s: at 60 s only P, at 65 s neither, at 85 s P again, at 17 s both."""
    codes = {c: i for i, c in enumerate(index.frame.conv_ids)}
    convs = np.array([codes["P"], codes["Q"]])
    for sec, want in ((60, [True, False]), (65, [False, False]), (85, [True, False]),
                      (17, [True, True])):  # fmt: skip
        assert index.open_at(convs, T0 + sec * S).tolist() == want
