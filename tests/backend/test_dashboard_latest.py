"""Each conversation's latest facts per event (backend/_dashboard_latest.py), on a hand log.

Agents 1 (human) and 9 (bot); times are seconds after T0:

    A: opened 100, consumer 100, queued(skill 1) 110, accepted by 1 (skill 1) at 120,
       agent 150, consumer 170, consumer 175, bot 180, agent 200, system 210,
       consumer 900, mcs 60 (alert 0) at 910.
    B: opened 200, queued(skill 2) 200, consumer 220, closed 300, survey csat 5 at 310.

The agent side's response stream of A reads consumer and human agent messages:
c100 a150 c170 c175 a200 c900, run heads c100 a150 c170 a200 c900, so its
responses are a150 (50 s after c100) and a200 (30 s after c170). The consumer's
stream reads bots too: c100 a150 c170 c175 b180 a200 c900, heads c100 a150 c170
b180 c900, responses c170 (20 s after a150) and c900 (720 s after b180).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from backend._dashboard_facts import last_visible
from backend._dashboard_index import DashboardIndex
from backend._dashboard_latest import (
    A_SUM,
    C_SUM,
    COUNTS,
    MSG_TS,
    ROLES,
    SKILL,
    SMALL_FIELDS,
    small,
)  # fmt: skip
from ccbench.eventlog import EventLog, Roster
from tests.support.backend import stored_dashboard
from tests.support.hand_logs import HandLog

T0 = 1_700_000_000_000
S = 1000
ROSTER = Roster.from_dict(
    {
        "account": "a",
        "sites": [{"id": "s"}],
        "groups": [{"id": 1}],
        "skills": [{"id": 1, "name": "care"}, {"id": 2, "name": "sales"}],
        "agents": [
            {"id": 1, "name": "Ann", "group_id": 1, "skills": [1], "sites": ["s"], "max_slots": 4},
            {"id": 9, "name": "Bot", "user_type": "bot", "group_id": 1, "skills": [1],
             "sites": ["s"], "max_slots": 10},
        ],
        "bots": [{"agent_id": 9, "flows": ["welcome"]}],
    }
)  # fmt: skip


def _log() -> EventLog:
    log = HandLog(T0)
    add = log.add
    for cid, sec in (("A", 100), ("B", 200)):
        add(sec, "conversation.opened", cid, site="s", channel="messaging", source="WEB",
            consumer_id="u" + cid)  # fmt: skip
    add(100, "message.sent", "A", sender_role="consumer")
    add(110, "conversation.queued", "A", skill_id=1)
    for kind in ("assignment.offered", "assignment.accepted"):
        add(120, kind, "A", agent_id=1, skill_id=1, reason="new")
    add(150, "message.sent", "A", sender_role="agent", agent_id=1)
    add(170, "message.sent", "A", sender_role="consumer")
    add(175, "message.sent", "A", sender_role="consumer")
    add(180, "message.sent", "A", sender_role="bot", agent_id=9)
    add(200, "message.sent", "A", sender_role="agent", agent_id=1)
    add(210, "message.sent", "A", sender_role="system")
    add(900, "message.sent", "A", sender_role="consumer")
    add(910, "mcs.scored", "A", mcs=60, mcs_alerted=0)
    add(200, "conversation.queued", "B", skill_id=2)
    add(220, "message.sent", "B", sender_role="consumer")
    add(300, "conversation.closed", "B", closed_by="agent", reason="done")
    add(310, "survey.answered", "B", csat=5)
    return EventLog.from_records(log.records(), roster=ROSTER)


@pytest.fixture(scope="module")
def index() -> Iterator[DashboardIndex]:
    with stored_dashboard(_log(), account="a") as d:
        yield d.index


def _facts(x: DashboardIndex, cid: str, sec: int) -> dict[str, object]:
    """The latest facts of ``cid`` at now = T0 + sec s (none visible: {})."""
    latest = x.latest
    conv = x.conv_table[[x.conv_names.index(cid)]]
    at = int(last_visible(x, conv, T0 + sec * S)[0])
    row = latest.table[[at]]
    codes = {name: int(small(row, name)[0]) for name in SMALL_FIELDS}
    if at < 0:  # the last row: no facts
        assert row.tolist() == [[-1, -1, 0, 0, 0, 0]]
        assert codes == {"role": -1, "csat": 0, "mcs": -1, "alerted": -2}
        return {}
    r = row[0].tolist()
    return {
        "skill": None if r[SKILL] < 0 else r[SKILL],
        "msg": None if r[MSG_TS] < 0 else (r[MSG_TS], ROLES[codes["role"]]),
        "csat": codes["csat"] or None,
        "mcs": None if codes["mcs"] < 0 else codes["mcs"],
        "alerted": None if codes["alerted"] < -1 else codes["alerted"],
        "a": (r[A_SUM], r[COUNTS] & 0xFFFFFFFF),
        "c": (r[C_SUM], r[COUNTS] >> 32),
    }


def test_before_the_first_event_nothing_is_visible(index: DashboardIndex) -> None:
    """At A's first event's instant (half-open: ts < now) it has no visible event."""
    assert _facts(index, "A", 100) == {}


def test_facts_after_the_first_agent_answer(index: DashboardIndex) -> None:
    """At 160 s: skill 1 (the accept), last message a150, one agent response of 50 s."""
    assert _facts(index, "A", 160) == {
        "skill": 1, "msg": (T0 + 150 * S, "agent"), "csat": None, "mcs": None, "alerted": None,
        "a": (50 * S, 1), "c": (0, 0),
    }  # fmt: skip


def test_a_bot_message_answers_for_the_consumer_stream_only(index: DashboardIndex) -> None:
    """At 205 s: a200 is the second agent response (30 s after c170); the bot's b180
    is no agent response but a head of the consumer's stream; c170 answered a150."""
    assert _facts(index, "A", 205) == {
        "skill": 1, "msg": (T0 + 200 * S, "agent"), "csat": None, "mcs": None, "alerted": None,
        "a": (80 * S, 2), "c": (20 * S, 1),
    }  # fmt: skip


def test_a_system_message_is_no_last_message(index: DashboardIndex) -> None:
    """At 300 s the system message of 210 s is visible but a200 stays the last one."""
    assert _facts(index, "A", 300)["msg"] == (T0 + 200 * S, "agent")


def test_every_event_visible(index: DashboardIndex) -> None:
    """After the last event: c900 answered b180 (720 s), the MCS is 60 with alert 0."""
    assert _facts(index, "A", 2000) == {
        "skill": 1, "msg": (T0 + 900 * S, "consumer"), "csat": None, "mcs": 60, "alerted": 0,
        "a": (80 * S, 2), "c": (740 * S, 2),
    }  # fmt: skip


def test_conversations_do_not_share_facts(index: DashboardIndex) -> None:
    """B's facts are its own (skill 2, csat 5 after 310 s), none of A's carry over."""
    assert _facts(index, "B", 2000) == {
        "skill": 2, "msg": (T0 + 220 * S, "consumer"), "csat": 5, "mcs": None, "alerted": None,
        "a": (0, 0), "c": (0, 0),
    }  # fmt: skip
    assert _facts(index, "B", 305)["csat"] is None
