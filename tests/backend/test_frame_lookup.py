"""backend/_frame_lookup.py: per-conversation lookups and section 3.4's response samples,
on a hand-built conversation whose answers are worked out below."""

from __future__ import annotations

import numpy as np

from backend import Store
from backend._frame import frame_of, kind_code
from backend._frame_lookup import PerConversation, human_responses
from ccbench.eventlog import EventKind, EventLog, Roster

T = 1_700_000_000_000
ROSTER = {
    "account": "acme",
    "sites": [{"id": "s1"}],
    "groups": [{"id": 1}],
    "skills": [{"id": 1}],
    "agents": [
        {"id": 1, "group_id": 1, "skills": [1], "sites": ["s1"], "max_slots": 3},
        {
            "id": 9,
            "group_id": 1,
            "skills": [1],
            "sites": ["s1"],
            "max_slots": 3,
            "user_type": "bot",
        },
    ],
}


def _events() -> list[dict[str, object]]:
    def ev(i: int, dt: int, kind: str, **f: object) -> dict[str, object]:
        return {"event_id": f"e{i}", "seq": i, "ts": T + dt, "kind": kind, "account": "acme",
                "conversation_id": "c", **f}  # fmt: skip

    return [
        {
            "event_id": "l1",
            "seq": 0,
            "ts": T - 1,
            "kind": "agent.login",
            "account": "acme",
            "agent_id": 1,
            "site": "s1",
        },
        ev(1, 0, "conversation.opened", site="s1", channel="chat", source="WEB", consumer_id="u"),
        ev(2, 1000, "message.sent", sender_role="consumer"),  # run 1 head
        ev(3, 2000, "message.sent", sender_role="consumer"),
        ev(4, 3000, "conversation.queued", skill_id=1),
        ev(5, 4000, "assignment.offered", agent_id=1, skill_id=1, reason="new"),
        ev(6, 5000, "assignment.accepted", agent_id=1, skill_id=1, reason="new"),
        ev(7, 9000, "message.sent", sender_role="agent", agent_id=1),  # answers run 1: 8000
        ev(8, 10000, "message.sent", sender_role="agent", agent_id=1),  # not a response
        ev(9, 12000, "message.sent", sender_role="consumer"),  # run 2 head
        ev(10, 13000, "message.sent", sender_role="participant", agent_id=9),  # ignored
        ev(11, 15000, "message.sent", sender_role="agent", agent_id=1),  # answers run 2: 3000
        ev(12, 20000, "conversation.closed", closed_by="agent", reason="done", agent_id=1),
    ]


def _frame():  # type: ignore[no-untyped-def]
    log = EventLog.from_records(_events(), roster=Roster.from_dict(ROSTER))
    store = Store(path=":memory:")
    store.put_roster(roster=log.roster)
    store.ingest(account="acme", table=log.table)
    frame = frame_of(store, account="acme")
    store.close()
    return frame


def test_human_responses_are_run_heads_answering_consumer_runs() -> None:
    """Two responses: 9000 - 1000 (from the first consumer message of run 1) and
    15000 - 12000; the second agent message and the participant message are not samples."""
    frame = _frame()
    r = human_responses(frame)
    assert r.value.tolist() == [8000, 3000]
    assert (r.ts - T).tolist() == [9000, 15000]
    assert r.agent.tolist() == [1, 1]


def test_last_before_and_first_after_use_log_rows() -> None:
    """Consumer messages are rows 2, 3, 9; the last before row 7 is 3, none before row 2;
    the first after row 7 is 9, none after row 9."""
    frame = _frame()
    consumer = (frame.kind == kind_code(EventKind.MESSAGE_SENT)) & (frame.role == 0)
    lookup = PerConversation(frame, consumer)
    conv = np.array([0, 0, 0], dtype=np.int64)
    assert lookup.last_before(conv, np.array([7, 2, 3])).tolist() == [3, -1, 2]
    assert lookup.first_after(conv, np.array([7, 9, -1])).tolist() == [9, -1, 2]
    assert lookup.first().tolist() == [2]
