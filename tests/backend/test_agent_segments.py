"""msgagentsegments end to end: seed 004's examples as a golden test, the example log by hand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ccbench.eventlog import EventLog, Roster, validate
from tests.support.backend import backend, load, read_ndjson, segments

# --- seed 004 golden log ----------------------------------------------------
# T0 is the first interval timestamp of seed 004's interval example; with
# timeframe=60 and interval=5 the response has 12 intervals, the first two of
# which are the seed's, so now = T0 + 60 min.
T0 = 1556798050118
NOW = T0 + 3_600_000
SEED_ROSTER: dict[str, Any] = {
    "account": "acme",
    "sites": [{"id": "s1"}],
    "groups": [{"id": 1}],
    "skills": [{"id": 333}, {"id": 444}, {"id": 900}],
    "agents": [
        {"id": 12, "group_id": 1, "skills": [333], "sites": ["s1"], "max_slots": 10},
        {"id": 13, "group_id": 1, "skills": [444], "sites": ["s1"], "max_slots": 10},
        {
            "id": 90,
            "user_type": "bot",
            "group_id": 1,
            "skills": [900],
            "sites": ["s1"],
            "max_slots": 100,
        },
    ],
    "bots": [{"agent_id": 90, "flows": ["welcome"]}],
}


def _seed_log() -> list[dict[str, Any]]:
    """Conversations whose agent segments reproduce seed 004's numbers exactly.

    Agent 12 (skill 333): 5 segments, each after a bot-to-human transfer, each
    13 s long (avg duration 13000) and closed by the consumer after answering:
      interval 1, 3 segments: agent replies at +1 s  -> first 1000, response 1000
      interval 2, segment a: agent +2 s, consumer +3 s, agent +7 s (first 2000;
                 responses 2000 and 4000); segment b: agent +4 s, consumer +5 s,
                 agent +9 s (first 4000; responses 4000 and 4000)
      -> 7 messages / 5 = 1.4; first 9000/5 = 1800; responses 17000/7 = 2428.
    Agent 13 (skill 444): 3 new conversations, 14 s each, closed by the agent:
      interval 1: agent +8 s -> 8000; interval 2 (x2): agent +2 s -> 2000
      -> 3 messages / 3 = 1; first and responses 12000/3 = 4000.
    Every segment has a consumer message after the first agent message and ends
    by a close: all interactive.
    """
    events: list[tuple[int, dict[str, Any]]] = []

    def add(ts: int, kind: str, **fields: Any) -> None:
        events.append((ts, {"ts": ts, "kind": kind, "account": "acme", **fields}))

    for agent in (12, 13, 90):
        add(T0 - 600_000, "agent.login", agent_id=agent, site="s1")
    scripts_12 = [(T0 + k * 60_000, [(1000, "a"), (5000, "c")]) for k in range(3)]
    scripts_12 += [
        (T0 + 300_000, [(2000, "a"), (3000, "c"), (7000, "a")]),
        (T0 + 360_000, [(4000, "a"), (5000, "c"), (9000, "a")]),
    ]
    for n, (a, script) in enumerate(scripts_12):
        cid = f"t{n}"
        add(
            a - 10_000,
            "conversation.opened",
            conversation_id=cid,
            site="s1",
            channel="messaging",
            source="APP",
            consumer_id=f"u{n}",
            bot_flow="welcome",
        )
        add(a - 9_000, "conversation.queued", conversation_id=cid, skill_id=900)
        add(
            a - 8_000,
            "assignment.offered",
            conversation_id=cid,
            agent_id=90,
            skill_id=900,
            reason="new",
        )
        add(
            a - 7_000,
            "assignment.accepted",
            conversation_id=cid,
            agent_id=90,
            skill_id=900,
            reason="new",
        )
        add(a - 6_000, "message.sent", conversation_id=cid, sender_role="bot", agent_id=90)
        add(a - 5_000, "message.sent", conversation_id=cid, sender_role="consumer")
        add(
            a - 3_000, "conversation.transferred", conversation_id=cid, agent_id=90, to_skill_id=333
        )
        add(a - 3_000, "conversation.queued", conversation_id=cid, skill_id=333)
        add(
            a - 2_000,
            "assignment.offered",
            conversation_id=cid,
            agent_id=12,
            skill_id=333,
            reason="transfer",
        )
        add(
            a,
            "assignment.accepted",
            conversation_id=cid,
            agent_id=12,
            skill_id=333,
            reason="transfer",
        )
        for offset, who in script:
            if who == "a":
                add(
                    a + offset,
                    "message.sent",
                    conversation_id=cid,
                    sender_role="agent",
                    agent_id=12,
                )
            else:
                add(a + offset, "message.sent", conversation_id=cid, sender_role="consumer")
        add(
            a + 13_000,
            "conversation.closed",
            conversation_id=cid,
            closed_by="consumer",
            reason="done",
        )
    for n, (a, reply) in enumerate(
        [(T0 + 200_000, 8000), (T0 + 450_000, 2000), (T0 + 510_000, 2000)]
    ):
        cid = f"n{n}"
        add(
            a - 3_000,
            "conversation.opened",
            conversation_id=cid,
            site="s1",
            channel="messaging",
            source="WEB",
            consumer_id=f"v{n}",
        )
        add(a - 2_000, "conversation.queued", conversation_id=cid, skill_id=444)
        add(
            a - 1_000,
            "assignment.offered",
            conversation_id=cid,
            agent_id=13,
            skill_id=444,
            reason="new",
        )
        add(a, "assignment.accepted", conversation_id=cid, agent_id=13, skill_id=444, reason="new")
        add(a + reply, "message.sent", conversation_id=cid, sender_role="agent", agent_id=13)
        add(a + reply + 1000, "message.sent", conversation_id=cid, sender_role="consumer")
        add(
            a + 14_000,
            "conversation.closed",
            conversation_id=cid,
            closed_by="agent",
            reason="done",
            agent_id=13,
        )
    events.sort(key=lambda pair: pair[0])  # stable: same-ts events keep insertion order
    return [{"event_id": f"g{i:04d}", "seq": i, **e} for i, (_, e) in enumerate(events)]


def _full(
    total: int, msgs: float, duration: int, first: int, after_transfer: int, new: int, response: int
) -> dict[str, Any]:
    return {
        "totalAgentConversationSegments": total,
        "avgAgentMessagesinAgentSegment": msgs,
        "avgAgentSegmentDuration": duration,
        "interactiveAgentSegments": total,
        "agentSegmentsAbandonedByConsumers": 0,
        "agentSegmentsWithNonResponsiveConsumers": 0,
        "agentSegmentsWithNonResponsiveAgents": 0,
        "avgTimetoFirstAgentMessageFromAgentAssignment": first,
        "avgTimetoFirstAgentMessageFromAgentAssignment_AfterTransfer": after_transfer,
        "avgTimetoFirstAgentMessageFromAgentAssignment_NewConversation": new,
        "avgTimeToResponseFromAgentAssignment": response,
    }


# Seed 004, first response (agentIds=12,13, timeframe=180); totals from raw sums:
# duration (65000+42000)/8 = 13375, first (9000+12000)/8 = 2625, responses
# (17000+12000)/10 = 2900, messages 10/8 = 1.25.
AGENT_12 = _full(5, 1.4, 13000, 1800, 1800, -1, 2428)
AGENT_13 = _full(3, 1, 14000, 4000, -1, 4000, 4000)
TOTAL = _full(8, 1.25, 13375, 2625, 1800, 4000, 2900)
SEED_FIRST = {
    "agentsMetrics": {"metricsPerAgent": {"12": AGENT_12, "13": AGENT_13}},
    "metricsTotal": TOTAL,
}

_PICK = (
    "totalAgentConversationSegments",
    "avgTimetoFirstAgentMessageFromAgentAssignment_AfterTransfer",
    "avgTimetoFirstAgentMessageFromAgentAssignment_NewConversation",
    "avgTimeToResponseFromAgentAssignment",
)


def _pick(total: int, after_transfer: int, new: int, response: int) -> dict[str, int]:
    return dict(zip(_PICK, (total, after_transfer, new, response), strict=True))


def test_seed_log_is_valid() -> None:
    """The golden log obeys the whole event-log contract (so the numbers are legitimate)."""
    log = EventLog.from_records(_seed_log(), roster=Roster.from_dict(SEED_ROSTER))
    assert validate(log) == []


def test_seed_004_examples() -> None:
    """The golden log reproduces seed 004's three example responses exactly."""
    with backend() as client:
        load(client, SEED_ROSTER, _seed_log())
        first = segments(client, now=NOW, timeframe=180, agentIds="12,13")
        assert first.status_code == 200
        assert first.json() == SEED_FIRST

        # Example 2: grouping by skills 333 and 444 adds metricsPerSkill; agent 12
        # only works skill 333 and agent 13 only 444 (as in the seed's example).
        second = segments(
            client, now=NOW, timeframe=180, agentIds="12,13", skillIds="333,444"
        ).json()
        assert second == {
            "metricsPerSkill": {
                "333": {"metricsPerAgent": {"12": AGENT_12}},
                "444": {"metricsPerAgent": {"13": AGENT_13}},
            },
            **SEED_FIRST,
        }

        # Example 3: interval=5, timeframe=60 and three metrics (+ the segment count).
        third = segments(
            client,
            now=NOW,
            timeframe=60,
            interval=5,
            agentIds="12,13",
            skillIds="333,444",
            metrics=",".join(_PICK[1:]),
        ).json()
    intervals = third["metricsByIntervals"]
    assert [i["timestamp"] for i in intervals] == [T0 + k * 300_000 for k in range(12)]
    a12, a13 = _pick(3, 1000, -1, 1000), _pick(1, -1, 8000, 8000)
    assert intervals[0]["metricsData"] == {
        "metricsPerSkill": {
            "333": {"metricsPerAgent": {"12": a12}},
            "444": {"metricsPerAgent": {"13": a13}},
        },
        "agentsMetrics": {"metricsPerAgent": {"12": a12, "13": a13}},
        # responses (3000 + 8000) / 4 = 2750
        "metricsTotal": _pick(4, 1000, 8000, 2750),
    }
    b12, b13 = _pick(2, 3000, -1, 3500), _pick(2, -1, 2000, 2000)
    assert intervals[1]["metricsData"]["agentsMetrics"] == {
        "metricsPerAgent": {"12": b12, "13": b13}
    }
    # responses (14000 + 4000) / 6 = 3000
    assert intervals[1]["metricsData"]["metricsTotal"] == _pick(4, 3000, 2000, 3000)
    for later in intervals[2:]:  # no data: empty maps, every metric 0
        assert later["metricsData"] == {
            "metricsPerSkill": {},
            "agentsMetrics": {"metricsPerAgent": {}},
            "metricsTotal": dict.fromkeys(_PICK, 0),
        }
    summary = third["timeframeSummary"]
    assert summary["agentsMetrics"]["metricsPerAgent"] == {
        "12": _pick(5, 1800, -1, 2428),
        "13": _pick(3, -1, 4000, 4000),
    }
    assert summary["metricsTotal"] == _pick(8, 1800, 4000, 2900)


def test_filters_on_seed_log() -> None:
    """userType, groupIds, source and agentIds select segments as documented."""
    with backend() as client:
        load(client, SEED_ROSTER, _seed_log())

        def agents(**params: Any) -> dict[str, int]:
            body = segments(client, now=NOW, timeframe=180, **params).json()
            return {
                a: m["totalAgentConversationSegments"]
                for a, m in body["agentsMetrics"]["metricsPerAgent"].items()
            }

        # Bot 90 has one segment (accepted 7 s before agent 12's) per transferred
        # conversation: 5, all inside the 180-minute window.
        assert agents() == {"12": 5, "13": 3, "90": 5}
        assert agents(userType="bot") == {"90": 5}
        assert agents(userType="human") == {"12": 5, "13": 3}
        assert agents(groupIds="1") == {"12": 5, "13": 3, "90": 5}
        assert agents(groupIds="2") == {}
        assert agents(source="APP") == {"12": 5, "90": 5}  # the transferred ones
        assert agents(source="WEB") == {"13": 3}
        assert agents(agentIds="13,99") == {"13": 3}
        # a skill list restricts agentsMetrics and metricsTotal too (docs/metrics.md 2.1)
        assert agents(skillIds="444") == {"13": 3}
        assert agents(skillIds="all") == {"12": 5, "13": 3, "90": 5}
        empty = segments(client, now=NOW, timeframe=180, agentIds="99").json()
        assert empty["metricsTotal"]["avgAgentSegmentDuration"] == 0
        assert empty["agentsMetrics"] == {"metricsPerAgent": {}}


# --- the checked-in example log, by hand -----------------------------------
EX_T = 1795165200000  # 2026-11-20 05:00 UTC, the example log's first event


def _example(example_path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    return read_ndjson(example_path)


def test_example_log_agents_by_hand(example_path: Path) -> None:
    """examples/example.ndjson: every agent and the total, worked out event by event."""
    roster, records = _example(example_path)
    with backend() as client:
        load(client, roster, records)
        body = segments(client, now=EX_T + 7_200_000, timeframe=180).json()
    per_agent = body["agentsMetrics"]["metricsPerAgent"]
    # Segments of every channel (docs/metrics.md 1.1); times below in s from EX_T.
    assert sorted(per_agent) == ["12", "13", "14", "20", "90"]
    # Agent 12: c01, c04 (new), c04 (back from 13: transfer), c05 (new, taken
    # over), c06 (resume), c08 (a call, no messages), c10 (new, no agent
    # message), c11 (back_to_queue).
    # messages 2+1+1+1+1+0+0+1 = 7 (c06: the first reply after the resume,
    # +3710, is omitted) -> 7/8; durations 96+21+47+26+96+300+96+88 = 770 s.
    # Outcomes: c01, c04, c04', c11 interactive; c05 (the consumer writes after
    # the takeover) and c06 (no consumer message after +3730) non-responsive
    # consumer; c08 closed by the agent without a message: non-responsive agent;
    # c10 closed by the consumer without one: abandoned.
    # first: c01 16, c04 6, c04' 7, c05 16, c11 8 s (resume excluded) = 53/5;
    # after transfer (c04', c11) 15/2; new (c01, c04, c05) 38/3.
    # responses: a1 from the assignment (c01 16, c04 6, c04' 7, c05 16, c11 8),
    # c01 +350 answers +340 (10), c06 +3730 answers +3720 (10) = 73 s over 7.
    assert per_agent["12"] == {
        "totalAgentConversationSegments": 8,
        "avgAgentMessagesinAgentSegment": 7 / 8,
        "avgAgentSegmentDuration": 96250,
        "interactiveAgentSegments": 4,
        "agentSegmentsAbandonedByConsumers": 1,
        "agentSegmentsWithNonResponsiveConsumers": 2,
        "agentSegmentsWithNonResponsiveAgents": 1,
        "avgTimetoFirstAgentMessageFromAgentAssignment": 10600,
        "avgTimetoFirstAgentMessageFromAgentAssignment_AfterTransfer": 7500,
        "avgTimetoFirstAgentMessageFromAgentAssignment_NewConversation": 12666,
        "avgTimeToResponseFromAgentAssignment": 10428,
    }
    # Agent 13: c02 (transfer from the bot), c04 (transfer), c06 (new, auto-closed),
    # c09 (new, snoozed), c11 (new, back to queue without a message).
    # messages 2+1+1+2+0 = 6/5; durations 78+22+316+696+96 = 1208 s / 5.
    # c02 interactive; c04, c06, c09 no consumer message after the first reply;
    # c11 no agent message, ended by back_to_queue -> non-responsive agent.
    # first 8, 12, 16, 6 s -> 42/4; transfer 20/2; new 22/2.
    # responses: a1 8, 12, 16, 6 plus c02 +950 answering +945 (5) = 47/5;
    # c09's +5410 follows no consumer message: not a response.
    assert per_agent["13"] == {
        "totalAgentConversationSegments": 5,
        "avgAgentMessagesinAgentSegment": 1.2,
        "avgAgentSegmentDuration": 241600,
        "interactiveAgentSegments": 1,
        "agentSegmentsAbandonedByConsumers": 0,
        "agentSegmentsWithNonResponsiveConsumers": 3,
        "agentSegmentsWithNonResponsiveAgents": 1,
        "avgTimetoFirstAgentMessageFromAgentAssignment": 10500,
        "avgTimetoFirstAgentMessageFromAgentAssignment_AfterTransfer": 10000,
        "avgTimetoFirstAgentMessageFromAgentAssignment_NewConversation": 11000,
        "avgTimeToResponseFromAgentAssignment": 9400,
    }
    # Agent 14 (c12, chat): new segment +6622..+6700, replies +6625 (first, 3 s)
    # and +6640 (answers +6630: 10 s), interactive; resume segment +6804..+6900
    # whose only reply (+6810) is omitted: M empty, closed by the agent ->
    # non-responsive agent. 2 messages / 2 = 1; durations (78 + 96) / 2.
    assert per_agent["14"] == {
        "totalAgentConversationSegments": 2,
        "avgAgentMessagesinAgentSegment": 1,
        "avgAgentSegmentDuration": 87000,
        "interactiveAgentSegments": 1,
        "agentSegmentsAbandonedByConsumers": 0,
        "agentSegmentsWithNonResponsiveConsumers": 0,
        "agentSegmentsWithNonResponsiveAgents": 1,
        "avgTimetoFirstAgentMessageFromAgentAssignment": 3000,
        "avgTimetoFirstAgentMessageFromAgentAssignment_AfterTransfer": -1,
        "avgTimetoFirstAgentMessageFromAgentAssignment_NewConversation": 3000,
        "avgTimeToResponseFromAgentAssignment": 6500,
    }
    # Manager 20 (c05 takeover, +2731..+2800): replies +2740 (omitted) and +2760
    # (answers +2750: 10 s); no consumer message after +2760 -> non-responsive
    # consumer; 1 message, 69 s, no first-response sample.
    assert per_agent["20"]["avgAgentMessagesinAgentSegment"] == 1
    assert per_agent["20"]["agentSegmentsWithNonResponsiveConsumers"] == 1
    assert per_agent["20"]["avgTimeToResponseFromAgentAssignment"] == 10000
    assert per_agent["20"]["avgTimetoFirstAgentMessageFromAgentAssignment"] == -1
    # Bot 90 (c02, c03): 2+2 messages, 14+36 s, both interactive, first 1 s
    # each (new), responses 1, 2, 1, 2 s.
    # Total: 8+5+2+1+2 = 18 segments; 7+6+2+1+4 = 20 messages;
    # 770+1208+174+69+50 = 2271 s; outcomes 8 / 1 / 6 / 3 (sum 18, all ended);
    # first 53+42+3+2 = 100 s / 12; transfer 35/4; new 38+22+3+2 = 65/8;
    # responses 73+47+13+10+6 = 149 s / 19.
    assert body["metricsTotal"] == {
        "totalAgentConversationSegments": 18,
        "avgAgentMessagesinAgentSegment": 20 / 18,
        "avgAgentSegmentDuration": 126166,
        "interactiveAgentSegments": 8,
        "agentSegmentsAbandonedByConsumers": 1,
        "agentSegmentsWithNonResponsiveConsumers": 6,
        "agentSegmentsWithNonResponsiveAgents": 3,
        "avgTimetoFirstAgentMessageFromAgentAssignment": 8333,
        "avgTimetoFirstAgentMessageFromAgentAssignment_AfterTransfer": 8750,
        "avgTimetoFirstAgentMessageFromAgentAssignment_NewConversation": 8125,
        "avgTimeToResponseFromAgentAssignment": 7842,
    }


def test_now_cuts_open_segments(example_path: Path) -> None:
    """Only events before now count: an open segment has no duration or end class."""
    roster, records = _example(example_path)
    with backend() as client:
        load(client, roster, records)
        # now = +940 s: agent 13's c02 segment (accepted +922 s) has one reply
        # (+930 s) before now; the consumer (+945 s), the reply (+950 s) and the
        # close (+1000 s) are in the future.
        at_940 = segments(client, now=EX_T + 940_000, timeframe=60, agentIds=13).json()
        # now = +2145 s: c02 has ended (78 s, interactive); c04 (accepted +2128 s,
        # reply +2140 s) is open until its transfer at +2150 s.
        at_2145 = segments(client, now=EX_T + 2_145_000, timeframe=60, agentIds=13).json()
    assert at_940["metricsTotal"] == {
        "totalAgentConversationSegments": 1,
        "avgAgentMessagesinAgentSegment": 1.0,
        "avgAgentSegmentDuration": -1,
        "interactiveAgentSegments": 0,
        "agentSegmentsAbandonedByConsumers": 0,
        "agentSegmentsWithNonResponsiveConsumers": 0,
        "agentSegmentsWithNonResponsiveAgents": 0,
        "avgTimetoFirstAgentMessageFromAgentAssignment": 8000,
        "avgTimetoFirstAgentMessageFromAgentAssignment_AfterTransfer": 8000,
        "avgTimetoFirstAgentMessageFromAgentAssignment_NewConversation": -1,
        "avgTimeToResponseFromAgentAssignment": 8000,
    }
    assert at_2145["metricsTotal"] == {
        "totalAgentConversationSegments": 2,
        "avgAgentMessagesinAgentSegment": 1.5,  # (2 + 1) / 2
        "avgAgentSegmentDuration": 78000,
        "interactiveAgentSegments": 1,
        "agentSegmentsAbandonedByConsumers": 0,
        "agentSegmentsWithNonResponsiveConsumers": 0,
        "agentSegmentsWithNonResponsiveAgents": 0,
        "avgTimetoFirstAgentMessageFromAgentAssignment": 10000,  # (8 + 12) / 2
        "avgTimetoFirstAgentMessageFromAgentAssignment_AfterTransfer": 10000,
        "avgTimetoFirstAgentMessageFromAgentAssignment_NewConversation": -1,
        "avgTimeToResponseFromAgentAssignment": 8333,  # (8 + 5 + 12) / 3
    }


def test_window_is_half_open(example_path: Path) -> None:
    """A segment starting exactly at now is out; one starting at now - timeframe is in."""
    roster, records = _example(example_path)
    accept_c01 = EX_T + 304_000  # agent 12 accepts c01
    with backend() as client:
        load(client, roster, records)
        at_start = segments(client, now=accept_c01, timeframe=5, agentIds=12).json()
        edge = segments(client, now=accept_c01 + 300_000, timeframe=5, agentIds=12).json()
        after = segments(client, now=accept_c01 + 300_001, timeframe=5, agentIds=12).json()
    assert at_start["agentsMetrics"]["metricsPerAgent"] == {}
    assert edge["metricsTotal"]["totalAgentConversationSegments"] == 1
    assert after["agentsMetrics"]["metricsPerAgent"] == {}
