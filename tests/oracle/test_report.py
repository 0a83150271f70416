"""Seed 001 automated performance report on a hand-built log; expected numbers worked out below.

Roster time zone Europe/Paris (UTC+1 in January). T0 = 2026-01-05 00:00 local
(2026-01-04T23:00Z); the period is two local days [T0, T0 + 172800 s): day 0
[0, 86400 s), day 1 [86400, 172800 s). Times are seconds after T0.
Agents: 1 (human, support), 2 (human, tech), 3 (human manager), 100 (bot,
flow "welcome", skill 9). Skill 1 is human, skill 9 bot-only.

Logins (site s): agent 1 [-3600, 3600) and [84600, 88200); agent 2 [1000, 2800)
and [86400, 93600); manager 3 [0, 172900); bot 100 from -7200 on.

    H (consumer "old", before the period): opened -1000, consumer -990, closed by
      consumer -900; resumed 5000, consumer 5000, closed by consumer 5100.
    A (u1, messaging, fr, flow welcome): opened 100, consumer 100, queued 9, bot
      offered+accepted 100, bot 110, consumer 115, intent billing 120, consumer 130,
      system 150; bot transfers to skill 1 at 140 (queued 140); agent 1 offered and
      accepted 200 (transfer); agent 1 260, consumer 300, agent 1 320; closed by
      agent 1 at 500 "resolved".
    B (u2, chat, en): opened 1000, consumer 1000, queued 1 at 1000, offered 2 at 1100,
      declined 1110, offered+accepted 1 at 1200; agent 1 1230, consumer 1240; agent 1
      transfers to agent 2 at 1300 (offered 1300, accepted 1360); agent 2 1400;
      manager 3 takes over at 1500 (accept 1500); manager 1550, participant (agent 1)
      1560; closed by consumer at 1700 "consumer_closed".
    C (u1 again, messaging, no language): opened 2000, consumer 2000, queued 1,
      intent billing (language es) 2010, abandoned 2100.
    D (u3, messaging, en): opened 3000, consumer 3000, queued 1, closed by system 3500
      "inactivity" while queued.
    E (u4, messaging, fr, flow welcome): opened 86500, consumer 86500, queued 9, bot
      accepted 86500; intents shipping 86510, shipping 86520, billing 86530; bot 86540;
      closed by consumer 86600 "bot_resolved".
    F (u5, chat, en): opened 87000, consumer 87000, queued 1, offered 1 at 87000,
      accepted 87060; agent 1 87100, consumer 87110, agent 1 87115; back to queue by
      agent 1 at 87200 (queued 87200); agent 2 offered+accepted 87300; agent 2 87400;
      closed by agent 2 87500 "resolved"; resumed 87600, consumer 87600, queued 1
      (still waiting at the end of the log).
    G (u6, messaging, fr): opened 172700, consumer 172700, queued 1, manager 3
      offered+accepted 172760, manager 172790; closed by agent 3 at 172900 (after the
      period) "resolved".
"""

from __future__ import annotations

import functools
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccbench import ParameterError
from ccbench.cli import main
from ccbench.eventlog import EventLog, Roster, validate, write_log
from oracle import Oracle, report_csv
from oracle._report import local_days
from tests.support.hand_logs import HandLog

T0 = 1_767_567_600_000  # 2026-01-05T00:00+01:00
DAY = 86_400_000
END = T0 + 2 * DAY
ROSTER = Roster.from_dict(
    {
        "account": "a",
        "timezone": "Europe/Paris",
        "sites": [{"id": "s"}],
        "groups": [{"id": 1}],
        "skills": [{"id": 1}, {"id": 9}],
        "agents": [
            {"id": 1, "role": "support", "group_id": 1, "skills": [1], "sites": ["s"],
             "max_slots": 5},
            {"id": 2, "role": "tech", "group_id": 1, "skills": [1], "sites": ["s"],
             "max_slots": 5},
            {"id": 3, "role": "manager", "group_id": 1, "skills": [1], "sites": ["s"],
             "max_slots": 5},
            {"id": 100, "user_type": "bot", "group_id": 1, "skills": [9], "sites": ["s"],
             "max_slots": 50},
        ],
        "bots": [{"agent_id": 100, "flows": ["welcome"]}],
    }
)  # fmt: skip


def _events() -> list[dict[str, Any]]:
    log = HandLog(T0)
    add = log.add

    def opened(sec: int, cid: str, user: str, channel: str = "messaging", **f: Any) -> None:
        add(sec, "conversation.opened", cid, site="s", channel=channel, source="WEB",
            consumer_id=user, **f)  # fmt: skip
        add(sec, "message.sent", cid, sender_role="consumer")

    def said(sec: int, cid: str, role: str = "consumer", agent: int | None = None) -> None:
        add(sec, "message.sent", cid, sender_role=role,
            **({} if agent is None else {"agent_id": agent}))  # fmt: skip

    def assign(sec: int, cid: str, agent: int, skill: int = 1, reason: str = "new",
               accept: int | None = None) -> None:  # fmt: skip
        a = {"agent_id": agent, "skill_id": skill, "reason": reason}
        add(sec, "assignment.offered", cid, **a)
        add(sec if accept is None else accept, "assignment.accepted", cid, **a)

    def close(sec: int, cid: str, by: str, reason: str, agent: int | None = None) -> None:
        add(sec, "conversation.closed", cid, closed_by=by, reason=reason,
            **({} if agent is None else {"agent_id": agent}))  # fmt: skip

    for sec, kind, agent in (
        (-7200, "agent.login", 100), (-3600, "agent.login", 1), (0, "agent.login", 3),
        (1000, "agent.login", 2), (2800, "agent.logout", 2), (3600, "agent.logout", 1),
        (84600, "agent.login", 1), (86400, "agent.login", 2), (88200, "agent.logout", 1),
        (93600, "agent.logout", 2), (172900, "agent.logout", 3),
    ):  # fmt: skip
        add(sec, kind, agent_id=agent, site="s")
    opened(-1000, "H", "old")
    close(-900, "H", "consumer", "consumer_closed")
    add(5000, "conversation.resumed", "H")
    said(5000, "H")
    close(5100, "H", "consumer", "consumer_closed")

    opened(100, "A", "u1", language="fr", bot_flow="welcome")
    add(100, "conversation.queued", "A", skill_id=9)
    assign(100, "A", 100, skill=9)
    said(110, "A", "bot", 100)
    said(115, "A")
    add(120, "intent.detected", "A", intent="billing", agent_id=100)
    said(130, "A")
    add(140, "conversation.transferred", "A", agent_id=100, to_skill_id=1)
    add(140, "conversation.queued", "A", skill_id=1)
    said(150, "A", "system")
    assign(200, "A", 1, reason="transfer")
    said(260, "A", "agent", 1)
    said(300, "A")
    said(320, "A", "agent", 1)
    close(500, "A", "agent", "resolved", 1)

    opened(1000, "B", "u2", channel="chat", language="en")
    add(1000, "conversation.queued", "B", skill_id=1)
    add(1100, "assignment.offered", "B", agent_id=2, skill_id=1, reason="new")
    add(1110, "assignment.declined", "B", agent_id=2, skill_id=1)
    assign(1200, "B", 1)
    said(1230, "B", "agent", 1)
    said(1240, "B")
    add(1300, "conversation.transferred", "B", agent_id=1, to_agent_id=2)
    assign(1300, "B", 2, reason="transfer", accept=1360)
    said(1400, "B", "agent", 2)
    add(1500, "conversation.taken_over", "B", agent_id=3, from_agent_id=2)
    add(1500, "assignment.accepted", "B", agent_id=3, skill_id=1, reason="takeover")
    said(1550, "B", "manager", 3)
    said(1560, "B", "participant", 1)
    close(1700, "B", "consumer", "consumer_closed")

    opened(2000, "C", "u1")
    add(2000, "conversation.queued", "C", skill_id=1)
    add(2010, "intent.detected", "C", intent="billing", language="es")
    add(2100, "conversation.abandoned", "C")

    opened(3000, "D", "u3", language="en")
    add(3000, "conversation.queued", "D", skill_id=1)
    close(3500, "D", "system", "inactivity")

    opened(86500, "E", "u4", language="fr", bot_flow="welcome")
    add(86500, "conversation.queued", "E", skill_id=9)
    assign(86500, "E", 100, skill=9)
    for sec, intent in ((86510, "shipping"), (86520, "shipping"), (86530, "billing")):
        add(sec, "intent.detected", "E", intent=intent, language="fr", agent_id=100)
    said(86540, "E", "bot", 100)
    close(86600, "E", "consumer", "bot_resolved")

    opened(87000, "F", "u5", channel="chat", language="en")
    add(87000, "conversation.queued", "F", skill_id=1)
    assign(87000, "F", 1, accept=87060)
    said(87100, "F", "agent", 1)
    said(87110, "F")
    said(87115, "F", "agent", 1)
    add(87200, "conversation.back_to_queue", "F", agent_id=1)
    add(87200, "conversation.queued", "F", skill_id=1)
    assign(87300, "F", 2, reason="back_to_queue")
    said(87400, "F", "agent", 2)
    close(87500, "F", "agent", "resolved", 2)
    add(87600, "conversation.resumed", "F")
    said(87600, "F")
    add(87600, "conversation.queued", "F", skill_id=1)

    opened(172700, "G", "u6", language="fr")
    add(172700, "conversation.queued", "G", skill_id=1)
    assign(172760, "G", 3)
    said(172790, "G", "manager", 3)
    close(172900, "G", "agent", "resolved", 3)

    return log.records()


@pytest.fixture(scope="module")
def log() -> EventLog:
    log = EventLog.from_records(_events(), roster=ROSTER)
    assert validate(log) == []
    return log


@pytest.fixture(scope="module")
def rep(log: EventLog) -> dict[str, Any]:
    return Oracle(log).report(start_ms=T0, end_ms=END)


def test_period_and_local_days(rep: dict[str, Any]) -> None:
    """Two local Paris days; the daily rows carry their date and [start, end)."""
    assert rep["period"] == {"start": T0, "end": END, "timezone": "Europe/Paris",
                             "days": ["2026-01-05", "2026-01-06"]}  # fmt: skip
    days = rep["activity"]["daily"]
    assert [(d["date"], d["start"], d["end"]) for d in days] == [
        ("2026-01-05", T0, T0 + DAY),
        ("2026-01-06", T0 + DAY, END),
    ]


def test_new_and_active_users(rep: dict[str, Any]) -> None:
    """New: u1..u6 first open in the period ("old" opened before); active adds "old"."""
    # u1 opens A (day 0) and C; u2, u3 day 0; u4, u5, u6 day 1 -> 6 new, [3, 3] per day.
    # Active: the six plus "old", who resumed H and wrote at 5000 -> 7.
    a = rep["activity"]
    assert (a["new_users"], a["active_users"]) == (6, 7)
    assert [d["new_users"] for d in a["daily"]] == [3, 3]


def test_messages_and_incoming(rep: dict[str, Any]) -> None:
    """Messages of every role in the period, and the consumer ones, per day."""
    # Day 0: A 8 (consumer 100, bot 110, consumer 115, consumer 130, system 150, agent
    # 260, consumer 300, agent 320), B 6, C 1, D 1, H 1 (5000; H's -1000 is before the
    # period) = 17.
    # Day 1: E 2, F 6 (87000, 87100, 87110, 87115, 87400, 87600), G 2 = 10.
    # Consumer: day 0 A 4 + B 2 + C 1 + D 1 + H 1 = 9; day 1 E 1 + F 3 + G 1 = 5.
    a = rep["activity"]
    assert (a["total_messages"], a["incoming_messages"]) == (27, 14)
    assert [d["messages"] for d in a["daily"]] == [17, 10]
    assert [d["incoming_messages"] for d in a["daily"]] == [9, 5]


def test_peak_rpm_and_daily_max(rep: dict[str, Any]) -> None:
    """Peak minute: 3 messages in [60 s, 120 s) and in [87060 s, 87120 s); the earliest wins."""
    # Day 0 minute 1 holds 100, 110, 115 (130 is minute 2); day 1 minute 1451 holds 87100,
    # 87110, 87115. Both reach 3: overall peak time is the earlier one.
    a = rep["activity"]
    assert (a["peak_rpm"], a["peak_time"]) == (3, T0 + 60_000)
    assert [(d["max_messages_per_minute"], d["max_minute"]) for d in a["daily"]] == [
        (3, T0 + 60_000),
        (3, T0 + 87_060_000),
    ]


def test_conversations_and_depth(rep: dict[str, Any]) -> None:
    """A..G open in the period (H before): 7, [4, 3]; their 26 messages / 7."""
    a = rep["activity"]
    assert a["conversations"] == 7
    assert [d["conversations"] for d in a["daily"]] == [4, 3]
    # 27 messages in the period minus H's one at 5000.
    assert a["avg_messages_per_conversation"] == pytest.approx(26 / 7)


def test_intents(rep: dict[str, Any]) -> None:
    """billing in A, C, E (3 conversations); shipping twice in E (1 conversation)."""
    assert rep["chatbot"]["intents"] == [
        {"intent": "billing", "conversations": 3, "detections": 3},
        {"intent": "shipping", "conversations": 1, "detections": 2},
    ]


def test_top_intents(log: EventLog) -> None:
    """top_intents keeps the first N of the ranking."""
    rep = Oracle(log).report(start_ms=T0, end_ms=END, top_intents=1)
    assert [r["intent"] for r in rep["chatbot"]["intents"]] == ["billing"]


def test_languages(rep: dict[str, Any]) -> None:
    """Opened language, else the first intent's (C -> es): en B, D, F; fr A, E, G; es C."""
    assert rep["chatbot"]["languages"] == [
        {"language": "en", "conversations": 3, "percent": pytest.approx(300 / 7)},
        {"language": "fr", "conversations": 3, "percent": pytest.approx(300 / 7)},
        {"language": "es", "conversations": 1, "percent": pytest.approx(100 / 7)},
    ]


def test_start_flows(rep: dict[str, Any]) -> None:
    """A and E start at the welcome flow; the five others at none (null)."""
    assert rep["chatbot"]["start_flows"] == [
        {"flow": None, "conversations": 5, "percent": pytest.approx(500 / 7)},
        {"flow": "welcome", "conversations": 2, "percent": pytest.approx(200 / 7)},
    ]


def test_total_handled_missed(rep: dict[str, Any]) -> None:
    """12 assignments: 9 handled (2 by the bot), C abandoned, D closed while queued, F waiting.

    Seed 001: Total Conversations "represents every conversation initiated, transferred,
    or unanswered"; "many conversations are resolved by the bot ... without ever being
    assigned to a human agent" explains why agents' sums fall short of it: so the bot's
    waits count (A 100 and E 86500, both accepted by the bot)."""
    # A 100 (bot), A 140 (after the bot's transfer), B 1000 (decline inside the same
    # wait), B 1300 (transfer to agent 2), B 1500 (takeover), C 2000, D 3000 | E 86500
    # (bot), F 87000, F 87200, F 87600, G 172700.
    cc = rep["contact_center"]
    assert (cc["total_conversations"], cc["handled"], cc["missed"]) == (12, 9, 3)
    assert cc["handled_by_bot"] == 2
    assert cc["missed_by_outcome"] == {"abandoned": 1, "closed": 1, "waiting": 1}
    assert [(d["handled"], d["missed"]) for d in cc["daily"]] == [(5, 2), (4, 1)]


def test_contact_center_messages_and_users(rep: dict[str, Any]) -> None:
    """Messages inside human segments: A 3, B 5, F 4, G 1; users u1, u2, u5, u6."""
    # A 260, 300, 320; B 1230, 1240 | 1400 | 1550, 1560 (participant counts); F 87100,
    # 87110, 87115 | 87400 (87600 is after the close and resume: unassigned); G 172790.
    cc = rep["contact_center"]
    assert cc["total_messages"] == 13
    assert [d["messages"] for d in cc["daily"]] == [8, 5]
    assert cc["unique_users"] == 4


def test_closing_reasons(rep: dict[str, Any]) -> None:
    """Closes of conversations a human had: A, F resolved; B consumer_closed."""
    # D (never assigned), H and E (bot only) are the chatbot's; G closes after the period.
    assert rep["contact_center"]["closing_reasons"] == [
        {"reason": "resolved", "count": 2},
        {"reason": "consumer_closed", "count": 1},
    ]


def test_average_conversation_time(rep: dict[str, Any]) -> None:
    """Ended human segments: 300 + 100 + 140 + 200 + 140 + 200 s over 6 = 180 s."""
    # A 200-500, B 1200-1300, 1360-1500, 1500-1700, F 87060-87200, 87300-87500; G's
    # segment is still open at the end of the period.
    assert rep["contact_center"]["avg_conversation_time"] == 180_000


def test_average_wait_time(rep: dict[str, Any]) -> None:
    """Queue entry to the first reply: 120, 230, 100, 100, 200, 90 s -> 140 s."""
    # A 260-140; B 1230-1000, 1400-1300; F 87100-87000, 87400-87200; G 172790-172700.
    # The takeover has no wait; missed assignments have no reply.
    cc = rep["contact_center"]
    assert (cc["avg_wait_time"], cc["wait_samples"]) == (140_000, 6)


def test_agents_totals_and_daily(rep: dict[str, Any]) -> None:
    """Per human agent: segments started, segment minutes and logged-in hours, per day."""
    # Agent 1: A 200, B 1200 | F 87060; 300 + 100 s | 140 s; logged in 3600 + 1800 s
    # | 1800 s. Agent 2: B 1360 | F 87300; 140 | 200 s; 1800 | 7200 s. Manager 3: B 1500
    # | G 172760; 200 | 40 s (cut at the end); 24 h each day. The bot is not listed.
    rows = {r["agent_id"]: r for r in rep["agents"]}
    assert sorted(rows) == [1, 2, 3]
    expected = {
        1: ([2, 1], [400 / 60, 140 / 60], [1.5, 0.5]),
        2: ([1, 1], [140 / 60, 200 / 60], [0.5, 2.0]),
        3: ([1, 1], [200 / 60, 40 / 60], [24.0, 24.0]),
    }
    for agent, (conv, minutes, hours) in expected.items():
        r = rows[agent]
        assert r["conversations"] == sum(conv)
        assert r["conversation_minutes"] == pytest.approx(sum(minutes))
        assert r["connection_hours"] == pytest.approx(sum(hours))
        assert [d["conversations"] for d in r["daily"]] == conv
        assert [d["conversation_minutes"] for d in r["daily"]] == pytest.approx(minutes)
        assert [d["connection_hours"] for d in r["daily"]] == pytest.approx(hours)
        assert [d["date"] for d in r["daily"]] == ["2026-01-05", "2026-01-06"]
    assert (rows[2]["role"], rows[3]["role"]) == ("tech", "manager")


def test_empty_period(log: EventLog) -> None:
    """A period with no event: counts 0, averages and peak time null, no agent rows."""
    rep = Oracle(log).report(start_ms=T0 + 10 * DAY, end_ms=T0 + 10 * DAY + 3_600_000)
    a, cc = rep["activity"], rep["contact_center"]
    assert (a["total_messages"], a["peak_rpm"], a["peak_time"]) == (0, 0, None)
    assert a["avg_messages_per_conversation"] is None
    assert (cc["total_conversations"], cc["avg_conversation_time"], cc["avg_wait_time"]) == (
        0, None, None,
    )  # fmt: skip
    assert rep["chatbot"] == {"intents": [], "languages": [], "start_flows": []}
    # Manager 3 logged out at 172900 s; no one is logged in on day 10.
    assert rep["agents"] == []


def test_seen_at_end(log: EventLog) -> None:
    """Cut at 172760 s: G's accept is not visible, so G's wait is missed (waiting); the
    other 8 handled are the 9 above minus G."""
    rep = Oracle(log).report(start_ms=T0, end_ms=T0 + 172_760_000)
    cc = rep["contact_center"]
    assert (cc["handled"], cc["missed_by_outcome"]["waiting"]) == (8, 2)


def test_local_days_across_dst() -> None:
    """Paris springs forward on 2026-03-29: that local day lasts 23 h."""
    start = 1_774_738_800_000  # 2026-03-29T00:00+01:00
    dates, bounds = local_days(start, start + 2 * DAY, "Europe/Paris")
    assert dates == ["2026-03-29", "2026-03-30", "2026-03-31"]
    assert (bounds[1] - bounds[0]) == 23 * 3_600_000
    assert bounds[-1] == start + 2 * DAY


def test_invalid_parameters(log: EventLog) -> None:
    """Bad periods and top_intents raise ParameterError naming the parameter."""
    oracle = Oracle(log)
    for kwargs, name in (
        ({"start_ms": T0, "end_ms": T0}, "end_ms"),
        ({"start_ms": -1, "end_ms": T0}, "start_ms"),
        ({"start_ms": T0, "end_ms": T0 + 367 * DAY}, "end_ms"),
        ({"start_ms": T0, "end_ms": END, "top_intents": 0}, "top_intents"),
    ):
        with pytest.raises(ParameterError) as err:
            oracle.report(**kwargs)
        assert err.value.parameter == name
    with pytest.raises(ParameterError):
        report_csv(oracle.report(start_ms=T0, end_ms=END), "skills")


def test_csv_exports(rep: dict[str, Any]) -> None:
    """The daily, agents and agents_daily CSVs hold the report's rows."""
    daily = report_csv(rep, "daily").splitlines()
    assert daily[0].startswith("date,start,end,new_users,messages,")
    assert "cc_handled" in daily[0] and len(daily) == 3
    assert report_csv(rep, "agents").splitlines()[1].startswith("1,,support,3,9.0,2.0")
    agents_daily = report_csv(rep, "agents_daily").splitlines()
    assert agents_daily[0] == "agent_id,date,conversations,conversation_minutes,connection_hours"
    assert len(agents_daily) == 1 + 3 * 2


def test_cli_dates_json_and_csv(
    log: EventLog, rep: dict[str, Any], tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """`ccbench oracle report LOG --start DATE --end DATE` = the period [T0, END)."""
    path = tmp_path / "r.ndjson"
    write_log(log, path)
    assert main(["oracle", "report", str(path), "--start", "2026-01-05", "--end",
                 "2026-01-07", "--compact"]) == 0  # fmt: skip
    assert json.loads(capsys.readouterr().out) == json.loads(json.dumps(rep))
    assert main(["oracle", "report", str(path), "--start", str(T0), "--end", str(END),
                 "--csv", "agents"]) == 0  # fmt: skip
    assert capsys.readouterr().out == report_csv(rep, "agents")
    assert main(["oracle", "report", str(path), "--start", "yesterday", "--end", "1"]) == 2


@functools.cache
def _oracle() -> Oracle:
    """One oracle over the hand-built log for the property test (built once)."""
    return Oracle(EventLog.from_records(_events(), roster=ROSTER))


@settings(max_examples=15, deadline=None)
@given(cut=st.integers(min_value=1, max_value=2 * 86_400 - 1))
def test_counts_add_up_over_a_split(cut: int) -> None:
    """Splitting the period at any second: additive counts of the halves sum to the whole."""
    oracle = _oracle()
    whole = oracle.report(start_ms=T0, end_ms=END)
    left = oracle.report(start_ms=T0, end_ms=T0 + cut * 1000)
    right = oracle.report(start_ms=T0 + cut * 1000, end_ms=END)
    for section, key in (("activity", "total_messages"), ("activity", "new_users"),
                         ("activity", "conversations"), ("contact_center", "total_messages"),
                         ("contact_center", "total_conversations")):  # fmt: skip
        assert left[section][key] + right[section][key] == whole[section][key], key
    # Minutes and hours are cut at the split, so they add up too.
    for key in ("conversation_minutes", "connection_hours"):
        total = {r["agent_id"]: r[key] for r in whole["agents"]}
        halves: dict[int, float] = {}
        for part in (left, right):
            for r in part["agents"]:
                halves[r["agent_id"]] = halves.get(r["agent_id"], 0.0) + r[key]
        assert halves == pytest.approx(total), key


def test_registry_points_at_report_keys(rep: dict[str, Any]) -> None:
    """Every seed 001 registry entry is computed and names a path present in the report."""
    from oracle import CATALOG

    for m in CATALOG:
        if m.family != "report":
            continue
        assert m.computed_by is not None and m.computed_by.startswith("Oracle.report -> ")
        node: Any = rep
        for part in m.computed_by.split(" -> ")[1].split("."):
            if part.endswith("[]"):
                node = node[part[:-2]][0]  # the first row stands for every row
            else:
                assert part in node, m.name
                node = node[part]


def test_only_waiting_and_empty_logs() -> None:
    """A log whose one conversation only waits: 1 assignment, missed (waiting); an empty log."""
    ev = [
        {"ts": T0, "kind": "conversation.opened", "conversation_id": "W", "site": "s",
         "channel": "chat", "source": "WEB", "consumer_id": "u"},
        {"ts": T0, "kind": "conversation.queued", "conversation_id": "W", "skill_id": 1},
    ]  # fmt: skip
    for i, e in enumerate(ev):
        e.update(event_id=f"w{i}", seq=i, account="a")
    rep = Oracle(EventLog.from_records(ev, roster=ROSTER)).report(start_ms=T0, end_ms=END)
    cc = rep["contact_center"]
    assert (cc["total_conversations"], cc["missed_by_outcome"]["waiting"]) == (1, 1)
    assert rep["activity"]["new_users"] == 1
    empty = Oracle(EventLog.from_records([], roster=ROSTER)).report(start_ms=T0, end_ms=END)
    assert empty["activity"]["total_messages"] == 0 and empty["agents"] == []


def _reference_assignments(log: EventLog, start: int, end: int) -> tuple[int, int]:
    """(total, handled) assignments by a literal walk over the events (section 5.4):
    every wait (for a human or a bot) and every takeover."""
    found: list[tuple[int, bool]] = []  # (start ts, handled as seen at end)
    waiting: dict[str, int] = {}  # conversation -> wait start
    for e in log.table.to_pylist():
        cid, kind = e["conversation_id"], e["kind"]
        if e["ts"] >= end:
            break
        if kind in ("conversation.queued", "assignment.offered", "assignment.declined"):
            waiting.setdefault(cid, e["ts"])
        elif kind == "assignment.accepted":
            if e["reason"] == "takeover":
                found.append((e["ts"], True))
            elif cid in waiting:
                found.append((waiting[cid], True))
            waiting.pop(cid, None)
        elif kind in ("conversation.closed", "conversation.abandoned") and cid in waiting:
            found.append((waiting.pop(cid), False))
    found += [(b, False) for b in waiting.values()]
    mine = [h for b, h in found if start <= b < end]
    return len(mine), sum(mine)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_assignments_match_a_literal_walk(seed: int) -> None:
    """Total and handled assignments equal a per-event walk on random logs, any cut."""
    from tests.support.oracle_logs import random_log

    log = random_log(seed=seed, conversations=300)
    oracle = Oracle(log)
    t0 = 1_700_000_000_000
    for start, end in ((t0, t0 + 3_600_000), (t0 + 600_000, t0 + 1_800_000)):
        cc = oracle.report(start_ms=start, end_ms=end)["contact_center"]
        assert (cc["total_conversations"], cc["handled"]) == _reference_assignments(log, start, end)
