"""Hand-worked edge cases of agent segments (docs/metrics.md, "Agent segments").

Each test builds one tiny valid log; comments give every event's reason and
the expected numbers. Agents: 1 and 2 humans (groups 1, 2), 100 a bot,
200 a manager. Times are ms after T0.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ccbench.eventlog import EventLog, Roster, validate
from oracle import END_KINDS, START_KINDS, Feature, Oracle

T0 = 1_700_000_000_000
ROSTER = Roster.from_dict(
    {
        "account": "a",
        "sites": [{"id": "s"}],
        "groups": [{"id": 1}, {"id": 2}, {"id": 3}],
        "skills": [{"id": 1}, {"id": 9}],
        "agents": [
            {"id": 1, "group_id": 1, "skills": [1], "sites": ["s"], "max_slots": 9},
            {"id": 2, "group_id": 2, "skills": [1], "sites": ["s"], "max_slots": 9},
            {
                "id": 100,
                "user_type": "bot",
                "group_id": 1,
                "skills": [9],
                "sites": ["s"],
                "max_slots": 9,
            },
            {
                "id": 200,
                "role": "manager",
                "group_id": 3,
                "skills": [1],
                "sites": ["s"],
                "max_slots": 9,
            },
        ],
        "bots": [{"agent_id": 100, "flows": ["welcome"]}],
    }
)


def build(*events: tuple[int, str, dict[str, Any]]) -> Oracle:
    """Logins at T0, conversation c opened at T0 + 1, then ``events`` (offset, kind, fields)."""
    records: list[dict[str, Any]] = [
        {"ts": T0, "kind": "agent.login", "agent_id": a, "site": "s"} for a in (1, 2, 100, 200)
    ]
    records.append(
        {
            "ts": T0 + 1,
            "kind": "conversation.opened",
            "conversation_id": "c",
            "site": "s",
            "channel": "messaging",
            "source": "APP",
            "consumer_id": "u",
        }
    )
    for offset, kind, fields in events:
        records.append({"ts": T0 + offset, "kind": kind, "conversation_id": "c", **fields})
    for i, r in enumerate(records):
        r.update(event_id=f"e{i}", seq=i, account="a")
    log = EventLog.from_records(records, roster=ROSTER)
    assert validate(log) == []
    return Oracle(log)


def assign(
    offset: int, agent: int, reason: str = "new", skill: int = 1, queue: bool = True
) -> list[tuple[int, str, dict[str, Any]]]:
    """queued (if ``queue``), offered, accepted: the accept is at ``offset``."""
    out: list[tuple[int, str, dict[str, Any]]] = []
    if queue:
        out.append((offset, "conversation.queued", {"skill_id": skill}))
    a = {"agent_id": agent, "skill_id": skill, "reason": reason}
    out += [(offset, "assignment.offered", a), (offset, "assignment.accepted", a)]
    return out


def consumer(offset: int) -> tuple[int, str, dict[str, Any]]:
    return (offset, "message.sent", {"sender_role": "consumer"})


def said(offset: int, agent: int, role: str = "agent") -> tuple[int, str, dict[str, Any]]:
    return (offset, "message.sent", {"sender_role": role, "agent_id": agent})


def close(offset: int, by: str, agent: int | None = None) -> tuple[int, str, dict[str, Any]]:
    fields: dict[str, Any] = {"closed_by": by, "reason": "done"}
    if agent is not None:
        fields["agent_id"] = agent
    return (offset, "conversation.closed", fields)


def rows(oracle: Oracle, now: int = T0 + 10**7) -> list[dict[str, Any]]:
    """Every segment seen at ``now``: agent, kinds and the features that are not zero."""
    s = oracle.segments
    idx = np.flatnonzero(s.start_ts < now)
    out = []
    for i, f in zip(idx, s.features_at(idx, now), strict=True):
        ended = s.end_ts[i] < now
        out.append(
            {
                "agent": int(s.agent[i]),
                "start": START_KINDS[s.start_kind[i]],
                "end": END_KINDS[s.end_kind[i]] if ended else "open",
                **{
                    feat.name.lower(): int(f[feat])
                    for feat in Feature
                    if f[feat] and feat is not Feature.SEGMENTS
                },
            }
        )
    return out


def test_transfer_and_back_to_the_same_agent() -> None:
    """A transfer away and back gives agent 1 two segments (new, then transfer)."""
    o = build(
        *assign(10, 1),  # 1's first segment starts at +10
        said(20, 1),  # first message: 10 ms after the start
        (30, "conversation.transferred", {"agent_id": 1, "to_agent_id": 2}),
        *assign(40, 2, "transfer", queue=False),  # 2's segment, transfer start
        (50, "conversation.transferred", {"agent_id": 2, "to_agent_id": 1}),
        *assign(60, 1, "transfer", queue=False),  # back to 1: a new segment
        said(65, 1),
        close(70, "agent", 1),
    )
    assert rows(o) == [
        # M = {+20}, no consumer message after it: non-responsive consumer; 20 ms long.
        {
            "agent": 1,
            "start": "new",
            "end": "transfer",
            "messages": 1,
            "duration_sum": 20,
            "duration_n": 1,
            "nonresponsive_consumer": 1,
            "first_sum": 10,
            "first_n": 1,
            "first_new_sum": 10,
            "first_new_n": 1,
            "response_sum": 10,
            "response_n": 1,
        },
        # 2 never wrote: ended by transfer with no message = non-responsive agent.
        {
            "agent": 2,
            "start": "transfer",
            "end": "transfer",
            "duration_sum": 10,
            "duration_n": 1,
            "nonresponsive_agent": 1,
        },
        {
            "agent": 1,
            "start": "transfer",
            "end": "close_agent",
            "messages": 1,
            "duration_sum": 10,
            "duration_n": 1,
            "nonresponsive_consumer": 1,
            "first_sum": 5,
            "first_n": 1,
            "first_transfer_sum": 5,
            "first_transfer_n": 1,
            "response_sum": 5,
            "response_n": 1,
        },
    ]
    got = o.agent_segments(now_ms=T0 + 60_000, timeframe=5, agent_ids=[1])
    assert got["agentsMetrics"]["metricsPerAgent"]["1"]["totalAgentConversationSegments"] == 2


def test_takeover() -> None:
    """The manager's first message after a takeover is omitted; the next is a response."""
    o = build(
        *assign(10, 1),
        consumer(15),
        (20, "conversation.taken_over", {"agent_id": 200, "from_agent_id": 1}),
        (21, "assignment.accepted", {"agent_id": 200, "skill_id": 1, "reason": "takeover"}),
        said(30, 200, "manager"),  # omitted: first manager message after takeover
        consumer(40),  # opens a run
        said(55, 200, "manager"),  # counted; response 55 - 40 = 15
        consumer(60),  # a reply after first(s) = +55: interactive
        close(70, "consumer"),
    )
    assert rows(o) == [
        # 1 was taken over before writing: non-responsive agent (takeover end).
        {
            "agent": 1,
            "start": "new",
            "end": "takeover",
            "duration_sum": 10,
            "duration_n": 1,
            "nonresponsive_agent": 1,
        },
        # No first-response metric after a takeover; one message counted.
        {
            "agent": 200,
            "start": "takeover",
            "end": "close_consumer",
            "messages": 1,
            "duration_sum": 49,
            "duration_n": 1,
            "interactive": 1,
            "response_sum": 15,
            "response_n": 1,
        },
    ]


def test_resume() -> None:
    """After a resume the first agent message is omitted and no first response is taken."""
    o = build(
        *assign(10, 1),
        said(12, 1),
        consumer(14),
        close(20, "consumer"),
        (30, "conversation.resumed", {}),
        consumer(31),
        *assign(40, 1, "resume"),
        said(50, 1),  # omitted (first after resume); still answers +31
        said(52, 1),  # no consumer message since +50: not a response
        consumer(60),
        consumer(61),
        said(70, 1),  # response to the run from +60: 10 ms
        close(80, "system"),
    )
    assert rows(o)[1] == {
        "agent": 1,
        "start": "resume",
        "end": "close_system",
        "messages": 2,
        "duration_sum": 40,
        "duration_n": 1,
        "interactive": 1,
        "response_sum": 10,
        "response_n": 1,
    }


def test_controller_messages() -> None:
    """System messages neither count nor interrupt a consumer run."""
    o = build(
        *assign(10, 1),
        said(11, 1),
        consumer(20),
        (25, "message.sent", {"sender_role": "system"}),
        consumer(27),
        said(40, 1),  # response from the run start +20: 20 ms
        (45, "message.sent", {"sender_role": "system"}),
        close(50, "agent", 1),
    )
    r = rows(o)[0]
    # responses: first message 11 - 10 = 1, then 40 - 20 = 20; messages: 2 (system out).
    assert (r["messages"], r["response_sum"], r["response_n"]) == (2, 21, 2)
    # the only message after first(s) = +11 that counts is the consumer's: interactive.
    assert r["interactive"] == 1


def test_manager_message_in_someone_elses_segment() -> None:
    """A reader/manager (or participant) message in 1's segment is not 1's message."""
    o = build(
        *assign(10, 1),
        consumer(12),
        said(15, 200, "manager"),  # manager, not assigned: excluded
        said(16, 2, "participant"),  # another agent as participant: excluded
        consumer(18),
        said(30, 1),  # 1's first message, 20 ms after the start
        close(40, "consumer"),
    )
    # M = {+30}; no consumer message after it: non-responsive consumer.
    assert rows(o) == [
        {
            "agent": 1,
            "start": "new",
            "end": "close_consumer",
            "messages": 1,
            "duration_sum": 30,
            "duration_n": 1,
            "nonresponsive_consumer": 1,
            "first_sum": 20,
            "first_n": 1,
            "first_new_sum": 20,
            "first_new_n": 1,
            "response_sum": 20,
            "response_n": 1,
        }
    ]
    per_agent = o.agent_segments(now_ms=T0 + 60_000, timeframe=5)["agentsMetrics"]
    assert list(per_agent["metricsPerAgent"]) == ["1"]  # 200 and 2 have no segment


def test_bot_under_user_type() -> None:
    """The bot's segment is reported under userType=bot and all, never under human."""
    o = build(
        *assign(10, 100, skill=9),
        said(11, 100, "bot"),
        consumer(12),
        (20, "conversation.transferred", {"agent_id": 100, "to_skill_id": 1}),
        *assign(30, 1, "transfer"),
        said(31, 1),
        close(40, "agent", 1),
    )
    now = T0 + 60_000

    def agents(user_type: str) -> list[str]:
        got = o.agent_segments(now_ms=now, timeframe=5, user_type=user_type)
        return list(got["agentsMetrics"]["metricsPerAgent"])

    assert agents("bot") == ["100"]
    assert agents("human") == ["1"]
    assert agents("all") == ["1", "100"]


def test_consumer_closes_with_no_agent_message() -> None:
    """Closed by the consumer with M(s) empty: abandoned by consumer."""
    o = build(*assign(10, 1), consumer(11), close(30, "consumer"))
    total = o.agent_segments(now_ms=T0 + 60_000, timeframe=5)["metricsTotal"]
    assert total["agentSegmentsAbandonedByConsumers"] == 1
    assert total["agentSegmentsWithNonResponsiveAgents"] == 0
    assert total["avgTimetoFirstAgentMessageFromAgentAssignment"] == -1  # no sample
    assert total["avgAgentMessagesinAgentSegment"] == 0


def test_agent_never_answers_before_a_transfer() -> None:
    """Ended by transfer with M(s) empty: non-responsive agent."""
    o = build(
        *assign(10, 1),
        consumer(11),
        (30, "conversation.transferred", {"agent_id": 1, "to_skill_id": 1}),
        *assign(40, 2, "transfer"),
        said(45, 2),
        consumer(46),
        close(50, "agent", 2),
    )
    m = o.agent_segments(now_ms=T0 + 60_000, timeframe=5)["agentsMetrics"]["metricsPerAgent"]
    assert m["1"]["agentSegmentsWithNonResponsiveAgents"] == 1
    assert m["1"]["interactiveAgentSegments"] == 0
    assert m["2"]["interactiveAgentSegments"] == 1  # consumer wrote at +46 after +45


def test_agent_answers_consumer_never_replies() -> None:
    """M(s) non-empty, no consumer message after first(s): non-responsive consumer."""
    o = build(*assign(10, 1), consumer(11), said(20, 1), said(25, 1), close(90, "system"))
    total = o.agent_segments(now_ms=T0 + 60_000, timeframe=5)["metricsTotal"]
    assert total["agentSegmentsWithNonResponsiveConsumers"] == 1
    # +25 follows an agent message, not a consumer one: only the first is a response (10 ms).
    assert total["avgTimeToResponseFromAgentAssignment"] == 10
    assert total["avgAgentMessagesinAgentSegment"] == 2


def test_segment_crossing_the_window_edges() -> None:
    """Attribution is by start; a segment still running at now is open and seen up to now."""
    minute = 60_000
    o = build(
        *assign(10, 1),
        said(20, 1),
        consumer(30),
        (5 * minute, "conversation.transferred", {"agent_id": 1, "to_agent_id": 2}),
        *assign(5 * minute + 10, 2, "transfer", queue=False),
        said(5 * minute + 20, 2),
        consumer(9 * minute),  # after now below: invisible
        close(10 * minute, "agent", 2),
    )
    now = T0 + 6 * minute  # window of 5 min: [T0 + 1 min, T0 + 6 min)
    got = o.agent_segments(now_ms=now, timeframe=5)["agentsMetrics"]["metricsPerAgent"]
    # 1's segment starts at T0 + 10 ms, before the window: not counted although it ends
    # inside it. 2's starts inside; its close is after now, so it is open: no duration,
    # no outcome; its first message (+10 ms) is visible.
    assert list(got) == ["2"]
    assert got["2"]["avgAgentSegmentDuration"] == -1
    assert got["2"]["interactiveAgentSegments"] == 0
    assert got["2"]["agentSegmentsWithNonResponsiveConsumers"] == 0
    assert got["2"]["avgTimetoFirstAgentMessageFromAgentAssignment_AfterTransfer"] == 10
    # Seen later, the same segment is closed and interactive (consumer at +9 min).
    later = o.agent_segments(now_ms=T0 + 11 * minute, timeframe=10)["agentsMetrics"]
    assert later["metricsPerAgent"]["2"]["interactiveAgentSegments"] == 1


def test_equal_timestamps() -> None:
    """At equal ts the seq order decides what is inside a segment and what is a reply."""
    o = build(
        (10, "conversation.queued", {"skill_id": 1}),
        consumer(10),  # same ms as the accept, before it: outside
        (10, "assignment.offered", {"agent_id": 1, "skill_id": 1, "reason": "new"}),
        (10, "assignment.accepted", {"agent_id": 1, "skill_id": 1, "reason": "new"}),
        said(10, 1),  # same ms, after the accept: response 0 ms
        consumer(20),
        said(20, 1),  # reply then answer at the same ms: 0 ms
        consumer(30),  # same ms as the close, before it: inside
        close(30, "consumer"),
    )
    assert rows(o) == [
        {
            "agent": 1,
            "start": "new",
            "end": "close_consumer",
            "messages": 2,
            "duration_sum": 20,
            "duration_n": 1,
            "interactive": 1,
            "first_n": 1,
            "first_new_n": 1,
            "response_n": 2,
        }
    ]
    # A query at now = T0 + 10 sees nothing: the accept at T0 + 10 is not before now.
    empty = o.agent_segments(now_ms=T0 + 10, timeframe=1)
    assert empty["agentsMetrics"]["metricsPerAgent"] == {}


def test_log_without_assignments() -> None:
    """A log with messages but no accepted assignment has no segment and zero totals."""
    o = build(
        (5, "conversation.queued", {"skill_id": 1}), consumer(6), (7, "conversation.abandoned", {})
    )
    assert len(o.segments) == 0
    got = o.agent_segments(now_ms=T0 + 60_000, timeframe=5, interval=5)
    assert got["timeframeSummary"]["agentsMetrics"] == {"metricsPerAgent": {}}
    assert set(got["timeframeSummary"]["metricsTotal"].values()) == {0}
