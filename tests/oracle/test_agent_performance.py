"""Seed 000 agent performance on a hand-built log; expected numbers worked out below.

Agents 1 and 2 (humans, skill 1); SLA policy "std" for messaging: first response 60 s,
resolution 600 s. Times are seconds after T0; range [0, 1000 s), now = 1000 s.

    P messaging: opened 10, consumer 10, queued 10, accepted by 1 at 20, agent 1 views
      20..100, agent 1 50, consumer 60, agent 1 80, closed by agent 1 at 100, survey 4
      at 110, agent 1 views again 150..170.
    Q chat: opened 200, consumer 200, queued 200, accepted by 1 at 210, agent 1 at 300,
      snoozed by 1 at 310.
    R messaging: opened 400, consumer 400, queued 400, accepted by 1 at 410, agent 1
      views from 420 (still viewing at now). No reply.
    S messaging: opened 500, queued 500, accepted by 2 at 510, agent 2 at 520, closed by
      agent 2 at 530 (not agent 1's).
"""

from __future__ import annotations

from typing import Any

import pytest

from ccbench import ParameterError
from ccbench.cli import main
from ccbench.eventlog import EventLog, Roster, validate, write_log
from oracle import Oracle
from tests.support.hand_logs import HandLog

T0 = 1_700_000_000_000
NOW = T0 + 1_000_000
ROSTER = Roster.from_dict(
    {
        "account": "a",
        "sites": [{"id": "s"}],
        "groups": [{"id": 1}],
        "skills": [{"id": 1}],
        "agents": [
            {"id": 1, "group_id": 1, "skills": [1], "sites": ["s"], "max_slots": 5},
            {"id": 2, "group_id": 1, "skills": [1], "sites": ["s"], "max_slots": 5},
        ],
        "sla_policies": [
            {"id": "std", "channels": ["messaging"], "first_response_ms": 60_000,
             "resolution_ms": 600_000}
        ],
    }
)  # fmt: skip


def _events() -> list[dict[str, Any]]:
    log = HandLog(T0)
    add = log.add

    def start(sec: int, cid: str, agent: int, channel: str = "messaging", msg: bool = True) -> None:
        add(sec, "conversation.opened", cid, site="s", channel=channel, source="WEB",
            consumer_id="u")  # fmt: skip
        if msg:
            add(sec, "message.sent", cid, sender_role="consumer")
        add(sec, "conversation.queued", cid, skill_id=1)
        a = {"agent_id": agent, "skill_id": 1, "reason": "new"}
        add(sec + 10, "assignment.offered", cid, **a)
        add(sec + 10, "assignment.accepted", cid, **a)

    def said(sec: int, cid: str, agent: int) -> None:
        add(sec, "message.sent", cid, sender_role="agent", agent_id=agent)

    for a in (1, 2):
        add(0, "agent.login", agent_id=a, site="s")
    start(10, "P", 1)
    add(20, "view.started", "P", agent_id=1)
    said(50, "P", 1)
    add(60, "message.sent", "P", sender_role="consumer")
    said(80, "P", 1)
    add(100, "view.ended", "P", agent_id=1)
    add(100, "conversation.closed", "P", closed_by="agent", reason="done", agent_id=1)
    add(110, "survey.answered", "P", csat=4)
    add(150, "view.started", "P", agent_id=1)
    add(170, "view.ended", "P", agent_id=1)
    start(200, "Q", 1, channel="chat")
    said(300, "Q", 1)
    add(310, "conversation.snoozed", "Q", agent_id=1)
    start(400, "R", 1)
    add(420, "view.started", "R", agent_id=1)
    start(500, "S", 2, msg=False)
    said(520, "S", 2)
    add(530, "conversation.closed", "S", closed_by="agent", reason="done", agent_id=2)
    return log.records()


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    log = EventLog.from_records(_events(), roster=ROSTER)
    assert validate(log) == []
    return Oracle(log).agent_performance(agent_id=1, now_ms=NOW, start_ms=T0, bucket_ms=600_000)


def test_open_snoozed_done(report: dict[str, Any]) -> None:
    """Open = R, snoozed = Q, marked done = P (S was closed by agent 2)."""
    assert (report["open"], report["snoozed"], report["marked_done"]) == (1, 1, 1)


def test_average_handle_time(report: dict[str, Any]) -> None:
    """Views: P 80 s + 20 s, R 420 s..now = 580 s -> 680 s over 2 conversations = 340 s."""
    assert report["average_handle_time"] == 340_000


def test_response_times_by_channel(report: dict[str, Any]) -> None:
    """First routed and average response time per channel."""
    # messaging: first routed P 50 - 20 = 30 s (R has no reply); responses P 50 - 10 = 40,
    # 80 - 60 = 20 -> 30 s. chat: Q 300 - 210 = 90 s; response 300 - 200 = 100 s.
    assert report["response_times"] == {
        "chat": {"first_routed_response_time": 90_000, "average_response_time": 100_000,
                 "responses": 1},
        "messaging": {"first_routed_response_time": 30_000, "average_response_time": 30_000,
                      "responses": 2},
    }  # fmt: skip


def test_messages_sent_buckets(report: dict[str, Any]) -> None:
    """Agent 1's messages at 50, 80, 300 s fall in the first 600 s bucket."""
    assert report["messages_sent"] == [
        {"start": T0, "count": 3},
        {"start": T0 + 600_000, "count": 0},
    ]


def test_resolution(report: dict[str, Any]) -> None:
    """FCR = P / (P, Q, R); first resolution P 100 - 10 = 90 s."""
    # Q is snoozed and open, R open: only P is resolved on first contact.
    assert (report["fcr_resolved"], report["fcr_conversations"]) == (1, 3)
    assert report["first_contact_resolution"] == pytest.approx(100 / 3)
    assert report["average_first_resolution"] == 90_000


def test_sla(report: dict[str, Any]) -> None:
    """P met both targets (40 s reply, 90 s resolution); R has no reply after 600 s."""
    # Q is chat: no policy. sla_achieved = 1 of 2 conversations with a policy.
    assert report["breached_conversations"] == 1
    assert (report["sla_achieved"], report["sla_conversations"]) == (50.0, 2)


def test_satisfaction(report: dict[str, Any]) -> None:
    """P's survey (4) belongs to agent 1: 100 * 4 / 5 = 80 %."""
    assert report["satisfaction"] == {"score": 80.0, "surveys": 1}


def test_invalid_parameters() -> None:
    """start after now, unknown agent and tiny buckets raise ParameterError naming them."""
    oracle = Oracle(EventLog.from_records(_events(), roster=ROSTER))
    for kwargs, name in (
        ({"agent_id": 1, "now_ms": NOW, "start_ms": NOW}, "start_ms"),
        ({"agent_id": 9, "now_ms": NOW, "start_ms": T0}, "agent_id"),
        ({"agent_id": 1, "now_ms": NOW, "start_ms": T0, "bucket_ms": 10}, "bucket_ms"),
    ):
        with pytest.raises(ParameterError) as err:
            oracle.agent_performance(**kwargs)
        assert err.value.parameter == name


def test_cli(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    """`ccbench oracle agent-performance` prints the same report as JSON."""
    import json

    path = tmp_path / "p.ndjson"
    write_log(EventLog.from_records(_events(), roster=ROSTER), path)
    argv = ["oracle", "agent-performance", str(path), "--agent-id", "1", "--now", str(NOW),
            "--start", str(T0), "--bucket-ms", "600000", "--compact"]  # fmt: skip
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out)["marked_done"] == 1


def _seed_text_events() -> list[dict[str, Any]]:
    """A second log for the seed 000 sentences the readings follow (times in s after T0).

    U messaging: opened 10 with a consumer message, queued, offered and accepted by agent 1
      at 20; agent 2 writes at 30 as a participant (not assigned); agent 1 at 40; closed by
      agent 1 at 50; survey answered 2 at 60, answered again 5 at 80.
    V call: opened 100, queued, offered and accepted by agent 1 at 110, closed by the
      consumer at 200 (a call has no messages: no response-time sample).
    """
    log = HandLog(T0)
    add = log.add
    for a in (1, 2):
        add(0, "agent.login", agent_id=a, site="s")
    for cid, sec, channel in (("U", 10, "messaging"), ("V", 100, "call")):
        add(sec, "conversation.opened", cid, site="s", channel=channel, source="WEB",
            consumer_id=cid)  # fmt: skip
        if channel == "messaging":
            add(sec, "message.sent", cid, sender_role="consumer")
        add(sec, "conversation.queued", cid, skill_id=1)
        a = {"agent_id": 1, "skill_id": 1, "reason": "new"}
        add(sec + 10, "assignment.offered", cid, **a)
        add(sec + 10, "assignment.accepted", cid, **a)
    add(30, "message.sent", "U", sender_role="participant", agent_id=2)
    add(40, "message.sent", "U", sender_role="agent", agent_id=1)
    add(50, "conversation.closed", "U", closed_by="agent", reason="done", agent_id=1)
    add(60, "survey.answered", "U", csat=2)
    add(80, "survey.answered", "U", csat=5)
    add(200, "conversation.closed", "V", closed_by="consumer", reason="hung_up")
    return log.records()


@pytest.fixture(scope="module")
def seed_text() -> Oracle:
    log = EventLog.from_records(_seed_text_events(), roster=ROSTER)
    assert validate(log) == []
    return Oracle(log)


def test_messages_sent_counts_participant_messages(seed_text: Oracle) -> None:
    """Seed 000: "the number of outbound messages you sent": agent 2's one message in U,
    sent as a participant, counts for agent 2 (1, not 0); agent 1 sent one (at 40 s)."""
    for agent in (1, 2):
        rep = seed_text.agent_performance(agent_id=agent, now_ms=NOW, start_ms=T0,
                                          bucket_ms=1_000_000)  # fmt: skip
        assert rep["messages_sent"] == [{"start": T0, "count": 1}]


def test_response_times_list_only_channels_with_a_sample(seed_text: Oracle) -> None:
    """V (call) started a segment of agent 1 in the range but has no first reply and no
    response: "call" is not listed. messaging: first routed 40 - 20 = 20 s; the one
    response (agent 1 at 40 after the consumer at 10; the participant's message is not a
    human-agent reply) 40 - 10 = 30 s."""
    rep = seed_text.agent_performance(agent_id=1, now_ms=NOW, start_ms=T0)
    assert rep["response_times"] == {
        "messaging": {"first_routed_response_time": 20_000, "average_response_time": 30_000,
                      "responses": 1}
    }  # fmt: skip
    assert seed_text.agent_performance(agent_id=2, now_ms=NOW, start_ms=T0)["response_times"] == {}


def test_satisfaction_reads_the_latest_answer_of_a_conversation(seed_text: Oracle) -> None:
    """U was answered 2, then 5: one survey per conversation, its latest answer (docs/eventlog.md)
    -> 100 * 5 / 5 = 100 % over 1 survey (every answer would give 100 * 3.5 / 5 = 70 % over 2).
    Seen at 70 s only the first answer exists: 100 * 2 / 5 = 40 %."""
    rep = seed_text.agent_performance(agent_id=1, now_ms=NOW, start_ms=T0)
    assert rep["satisfaction"] == {"score": 100.0, "surveys": 1}
    early = seed_text.agent_performance(agent_id=1, now_ms=T0 + 70_000, start_ms=T0)
    assert early["satisfaction"] == {"score": 40.0, "surveys": 1}
