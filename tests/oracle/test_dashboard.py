"""Seed 003 dashboard on one hand-built log; every expected number is worked out below.

Roster (Europe/Paris): skill 1 (intensity 1), skill 2 (intensity 2); agents 1 (human,
group 1, skills [1], 4 slots), 2 (human, group 2, skills [1, 2], 2 slots), 3 (human,
group 1, skills [2], 3 slots), 100 (bot, group 1, skills [1], 10 slots). Times are
seconds after T0 (2023-11-14 22:13:20 UTC); the snapshot is at now = 1000 s, in the
messaging mode (the default: A..D) or the chat mode (E..G).

    all four log in at 0 (online); agent 3 goes away at 10.
    A messaging: opened 100, consumer 100, queued(1) 110, accepted by 1 at 120, agent 150,
      consumer 170, consumer 175, agent 200, consumer 900, mcs 60 (alert 0) at 910. Open.
    B messaging: opened 200, queued(2) 200, accepted by 2 at 210, consumer 220, agent 260,
      closed by agent 2 at 300, survey csat 5 at 310, mcs 80 (alert +1) at 310.
    C messaging: opened 300, consumer 305, queued(1) 305. Open, unassigned.
    D messaging: opened 400, queued(2) 401, accepted by 2 at 410, consumer 420, agent 430.
    E chat: opened 500, queued(1) 500, abandoned 530.
    F chat: opened 600, queued(1) 600, accepted by 1 at 640, consumer 650, agent 660,
      consumer 700, closed by consumer 720, survey csat 3 at 730, mcs 20 (alert -1) at 730.
    G chat: opened 800, queued(1) 800. Still queued at now.
"""

from __future__ import annotations

from typing import Any

import pytest

from ccbench import ParameterError
from ccbench.cli import main
from ccbench.eventlog import EventLog, Roster, write_log
from oracle import Oracle, table_csv
from tests.support.hand_logs import HandLog, valid_oracle

T0 = 1_700_000_000_000
NOW = T0 + 1_000_000
S = 1000  # ms per second

ROSTER = Roster.from_dict(
    {
        "account": "a",
        "timezone": "Europe/Paris",
        "sites": [{"id": "s"}],
        "groups": [{"id": 1}, {"id": 2}],
        "skills": [{"id": 1, "name": "care"}, {"id": 2, "name": "sales", "intensity": 2}],
        "agents": [
            {"id": 1, "name": "Ann", "group_id": 1, "skills": [1], "sites": ["s"], "max_slots": 4},
            {"id": 2, "name": "Bob", "group_id": 2, "skills": [1, 2], "sites": ["s"],
             "max_slots": 2},
            {"id": 3, "name": "Cid", "group_id": 1, "skills": [2], "sites": ["s"], "max_slots": 3},
            {"id": 100, "name": "Bot", "user_type": "bot", "group_id": 1, "skills": [1],
             "sites": ["s"], "max_slots": 10},
        ],
        "bots": [{"agent_id": 100, "flows": ["welcome"]}],
    }
)  # fmt: skip


def _events() -> list[dict[str, Any]]:
    log = HandLog(T0)
    add = log.add

    def opened(sec: int, cid: str, channel: str = "messaging") -> None:
        add(sec, "conversation.opened", cid, site="s", channel=channel, source="WEB",
            consumer_id="u" + cid)  # fmt: skip

    def accept(sec: int, cid: str, agent: int, skill: int) -> None:
        f = {"agent_id": agent, "skill_id": skill, "reason": "new"}
        add(sec, "assignment.offered", cid, **f)
        add(sec, "assignment.accepted", cid, **f)

    def consumer(sec: int, cid: str) -> None:
        add(sec, "message.sent", cid, sender_role="consumer")

    def agent(sec: int, cid: str, a: int) -> None:
        add(sec, "message.sent", cid, sender_role="agent", agent_id=a)

    for a in (1, 2, 3, 100):
        add(0, "agent.login", agent_id=a, site="s")
    add(10, "agent.status", agent_id=3, status="away")
    opened(100, "A")
    consumer(100, "A")
    add(110, "conversation.queued", "A", skill_id=1)
    accept(120, "A", 1, 1)
    agent(150, "A", 1)
    opened(200, "B")
    add(200, "conversation.queued", "B", skill_id=2)
    consumer(170, "A")
    consumer(175, "A")
    agent(200, "A", 1)
    accept(210, "B", 2, 2)
    consumer(220, "B")
    agent(260, "B", 2)
    add(300, "conversation.closed", "B", closed_by="agent", reason="done", agent_id=2)
    opened(300, "C")
    consumer(305, "C")
    add(305, "conversation.queued", "C", skill_id=1)
    add(310, "survey.answered", "B", csat=5)
    add(310, "mcs.scored", "B", mcs=80, mcs_alerted=1)
    opened(400, "D")
    add(401, "conversation.queued", "D", skill_id=2)
    accept(410, "D", 2, 2)
    consumer(420, "D")
    agent(430, "D", 2)
    opened(500, "E", "chat")
    add(500, "conversation.queued", "E", skill_id=1)
    add(530, "conversation.abandoned", "E")
    opened(600, "F", "chat")
    add(600, "conversation.queued", "F", skill_id=1)
    accept(640, "F", 1, 1)
    consumer(650, "F")
    agent(660, "F", 1)
    consumer(700, "F")
    add(720, "conversation.closed", "F", closed_by="consumer", reason="left")
    add(730, "survey.answered", "F", csat=3)
    add(730, "mcs.scored", "F", mcs=20, mcs_alerted=-1)
    opened(800, "G", "chat")
    add(800, "conversation.queued", "G", skill_id=1)
    consumer(900, "A")
    add(910, "mcs.scored", "A", mcs=60, mcs_alerted=0)
    return log.records()


@pytest.fixture(scope="module")
def oracle() -> Oracle:
    return valid_oracle(_events(), ROSTER)


@pytest.fixture(scope="module")
def snap(oracle: Oracle) -> dict[str, Any]:
    return oracle.dashboard(now_ms=NOW, last_hours=1)


@pytest.fixture(scope="module")
def chat_snap(oracle: Oracle) -> dict[str, Any]:
    return oracle.dashboard(now_ms=NOW, last_hours=1, mode="chat")


def test_current_counts(snap: dict[str, Any]) -> None:
    """OPEN/UNASSIGNED/ASSIGNED/ACTIVE at now, messaging conversations only."""
    # Open messaging: A, C, D (B closed; G is open but a chat). Assigned: A (agent 1), D
    # (agent 2). Active: A's last non-system message is the consumer's (900); D's last is
    # agent 2's at 430, 570 s ago >= the 240 s inactivity timeout -> inactive.
    c = snap["current"]
    assert (c["open"], c["unassigned"], c["assigned"], c["active"]) == (3, 1, 2, 1)


def test_modes_show_their_own_sections(snap: dict[str, Any], chat_snap: dict[str, Any]) -> None:
    """Seed 003: "Before login, select the dashboard type: Messaging or Chat": the messaging
    mode has the current section and no chat section, the chat mode the reverse."""
    assert (snap["mode"], snap["chat"]) == ("messaging", None)
    assert (chat_snap["mode"], chat_snap["current"]) == ("chat", None)


def test_current_load(snap: dict[str, Any]) -> None:
    """LOAD, LOAD - online, LOAD - other: weighted sums over max slots."""
    # Weights: A active 1.0 x intensity 1 = 1.0; D inactive 0.1 x intensity 2 = 0.2.
    # Logged-in slots 4 + 2 + 3 + 10 = 19 -> 100 * 1.2 / 19. Online (1, 2, 100): 16 slots
    # carrying both -> 7.5. Other (agent 3, away): 0 / 3 -> 0.0.
    c = snap["current"]
    assert c["load"] == pytest.approx(100 * 1.2 / 19)
    assert c["load_online"] == pytest.approx(7.5)
    assert c["load_other"] == 0.0


def test_current_load_active_option(oracle: Oracle) -> None:
    """load=active counts active conversations instead of weights."""
    # Only A is active: 100 * 1 / 19.
    c = oracle.dashboard(now_ms=NOW, load="active")["current"]
    assert c["load"] == pytest.approx(100 / 19)


def test_current_response_family(snap: dict[str, Any]) -> None:
    """The response-time family over the open messaging conversations A, C, D."""
    # Agent responses: A 150-100=50 s, A 200-170=30 s (run 170,175), D 430-420=10 s
    # -> 30 s. Consumer responses: A 170-150=20 s, A 900-200=700 s -> 360 s.
    # TTFR FROM ALL ASSIGN: A 150-120=30, D 430-410=20 -> 25 s. TTFR: A 150-100=50,
    # D 430-420=10 -> 30 s. TTFR - Consumer: A 170-150=20 (D has none) -> 20 s.
    # FROM FIRST ASSIGN: A 30, D 20 -> 25 s. WAIT = 30 - 25 = 5 s.
    # TIME TO FIRST ASSIGN: A 120-100=20, D 410-400=10 -> 15 s (C, G unassigned).
    c = snap["current"]
    assert c["response_time"] == 30_000
    assert c["response_time_consumer"] == 360_000
    assert c["ttfr_all_assign"] == 25_000
    assert c["ttfr"] == 30_000
    assert c["ttfr_consumer"] == 20_000
    assert c["ttfr_first_assign"] == 25_000
    assert c["wait_time"] == 5_000
    assert c["time_to_first_assign"] == 15_000


def test_current_mcs(snap: dict[str, Any]) -> None:
    """MCS over open conversations: only A is scored (60, neutral)."""
    assert snap["current"]["mcs"] == {"average": 60.0, "scored": 1, "positive": 0, "negative": 0}


def test_opened_within_sample(oracle: Oracle) -> None:
    """opened_within_ms keeps conversations opened in [now - x, now) for response times."""
    # 650 s keeps D (opened 400 >= 350), drops A (100) and C (300): response time =
    # D's 10 s; counts are not sampled (open stays 3).
    c = oracle.dashboard(now_ms=NOW, opened_within_ms=650_000)["current"]
    assert (c["response_time"], c["open"], c["time_to_first_assign"]) == (10_000, 3, 10_000)


def test_closed_section(snap: dict[str, Any], chat_snap: dict[str, Any]) -> None:
    """Closed-by counts, CSAT, resolution and response times: B (messaging), F (chat)."""
    # Messaging: B closed by agent at 300 (opened 200: 100 s); CSAT 5 -> 100 %, 1
    # answered. Response 260-220=40 s; no consumer response. ALL ASSIGN 260-210=50 s,
    # TTFR 40 s, FIRST ASSIGN 50 s, WAIT = 40 - 50 = -10 s (a difference of averages can
    # be negative), TIME TO FIRST ASSIGN 210-200=10 s. MCS 80 (+).
    c = snap["closed"]
    assert (c["closed"], c["closed_by"]) == (1, {"consumer": 0, "agent": 1, "system": 0})
    assert (c["csat"], c["csat_answered"], c["avg_resolution_time"]) == (100.0, 1, 100_000)
    assert (c["response_time"], c["response_time_consumer"]) == (40_000, None)
    assert (c["ttfr_all_assign"], c["ttfr"], c["ttfr_consumer"]) == (50_000, 40_000, None)
    assert (c["ttfr_first_assign"], c["wait_time"], c["time_to_first_assign"]) == (
        50_000, -10_000, 10_000,
    )  # fmt: skip
    assert c["mcs"] == {"average": 80.0, "scored": 1, "positive": 1, "negative": 0}
    # Chat: F closed by the consumer at 720 (opened 600: 120 s); CSAT 3 -> 0 %. Response
    # 660-650=10 s, consumer 700-660=40 s, ALL ASSIGN 660-640=20 s, TTFR 10 s, TTFR -
    # Consumer 40 s, FIRST ASSIGN 20 s, WAIT -10 s, TIME TO FIRST ASSIGN 40 s. MCS 20 (-).
    c = chat_snap["closed"]
    assert (c["closed"], c["closed_by"]) == (1, {"consumer": 1, "agent": 0, "system": 0})
    assert (c["csat"], c["csat_answered"], c["avg_resolution_time"]) == (0.0, 1, 120_000)
    assert (c["response_time"], c["response_time_consumer"]) == (10_000, 40_000)
    assert (c["ttfr_all_assign"], c["ttfr"], c["ttfr_consumer"]) == (20_000, 10_000, 40_000)
    assert (c["ttfr_first_assign"], c["wait_time"], c["time_to_first_assign"]) == (
        20_000, -10_000, 40_000,
    )  # fmt: skip
    assert c["mcs"] == {"average": 20.0, "scored": 1, "positive": 0, "negative": 1}


def test_chat_section(chat_snap: dict[str, Any]) -> None:
    """Chat KPIs: E abandoned after 30 s, F connected after 40 s, G still queued."""
    # Entered 3 (E, F, G); abandon rate 1 / 3. Service level at 30 s: F waited 40 s > 30
    # -> 0 %. AHT: F's segment is interactive (consumer 700 after the agent's 660),
    # 720 - 640 = 80 s. Occupancy: online time 1000 s (agent 1) + 1000 s (agent 2) + 10 s
    # (agent 3, away after 10 s; the bot is not counted) = 2010 s, of which agent 1 is
    # busy with F during [640, 720): 80 s -> 100 * 80 / 2010.
    c = chat_snap["chat"]
    assert (c["in_queue"], c["entered"], c["abandoned"], c["connected"]) == (1, 3, 1, 1)
    assert c["abandon_rate"] == pytest.approx(100 / 3)
    assert c["avg_time_to_abandon"] == 30_000
    assert c["service_level"] == 0.0
    assert c["avg_time_to_answer"] == 40_000
    assert c["aht"] == 80_000
    assert c["occupancy"] == pytest.approx(100 * 80 / 2010)


def test_chat_options(oracle: Oracle) -> None:
    """abandon_rate=handled divides by abandoned + connected; SL threshold is inclusive."""
    # 1 / (1 + 1) = 50 %; F's 40 s wait is within a 40 s threshold (<=) -> 100 %.
    c = oracle.dashboard(now_ms=NOW, mode="chat", abandon_rate="handled",
                         sl_threshold_ms=40_000)["chat"]  # fmt: skip
    assert (c["abandon_rate"], c["service_level"]) == (50.0, 100.0)


def test_agents_table(snap: dict[str, Any], chat_snap: dict[str, Any]) -> None:
    """Agents table rows for the four logged-in agents (default sort: id ascending)."""
    # 1: online since login at 0 -> 1000 s; A open and active; load 100 * 1.0 / 4 = 25;
    #    no messaging close (F, the close of its segment, is a chat).
    # 2: D open, inactive; load 100 * 0.2 / 2 = 10; closed B: 100 s, csat 5 -> 100 %.
    # 3: away since 10 s -> 990 s; nothing. 100: online, nothing.
    t = snap["agents"]
    assert (t["total"], t["page"], t["page_size"], t["pages"]) == (4, 1, 18, 1)
    r = {row["agent_id"]: row for row in t["rows"]}
    assert r[1] == {
        "agent_id": 1, "name": "Ann", "status": "online", "status_time_ms": 1_000_000,
        "open": 1, "active": 1, "load": 25.0, "closed": 0, "avg_resolution_time": None,
        "csat": None, "csat_answered": 0,
    }  # fmt: skip
    # Chat mode: agent 1 holds no open chat (load 0 / 4), closed F: 120 s, csat 3 -> 0 %.
    chat = {row["agent_id"]: row for row in chat_snap["agents"]["rows"]}
    assert (chat[1]["open"], chat[1]["load"], chat[1]["closed"]) == (0, 0.0, 1)
    assert (chat[1]["avg_resolution_time"], chat[1]["csat"]) == (120_000, 0.0)
    assert (r[2]["load"], r[2]["open"], r[2]["active"], r[2]["csat"]) == (10.0, 1, 0, 100.0)
    assert (r[3]["status"], r[3]["status_time_ms"], r[3]["closed"]) == ("away", 990_000, 0)
    assert (r[3]["avg_resolution_time"], r[3]["csat"]) == (None, None)


def test_agents_sorting_and_paging(oracle: Oracle) -> None:
    """Sort by load descending, ties by id; page 2 of size 2; nulls sort last."""
    # Loads: 1 -> 25, 2 -> 10, 3 -> 0, 100 -> 0: order 1, 2, 3, 100; page 2 = [3, 100].
    t = oracle.dashboard(
        now_ms=NOW, agent_sort="load", agent_order="desc", agent_page=2, agent_page_size=2
    )["agents"]
    assert [r["agent_id"] for r in t["rows"]] == [3, 100]
    assert t["pages"] == 2
    # CSAT ascending in chat mode: 1 (0 %), then 2, 3 and 100 (null) last; closed
    # descending: 1 (F), then the ties 2, 3, 100 by ascending id.
    rows = oracle.dashboard_table("agents", now_ms=NOW, mode="chat", agent_sort="csat")
    assert [r["agent_id"] for r in rows] == [1, 2, 3, 100]
    rows = oracle.dashboard_table("agents", now_ms=NOW, mode="chat", agent_sort="closed",
                                  agent_order="desc")  # fmt: skip
    assert [r["agent_id"] for r in rows] == [1, 2, 3, 100]


def test_skills_table(snap: dict[str, Any]) -> None:
    """Skills table: current skill of open conversations, agents with the skill, 12 h closes."""
    # Skill 1: open messaging A, C -> unassigned C, assigned A. Agents with skill 1
    # logged in: 1 (25 %), 2 (10 %), 100 (0 %) -> mean 35 / 3; all online; slots
    # 4 + 2 + 10. No messaging close (F is a chat).
    # Skill 2: open D (assigned). Agents 2 (10 %, online), 3 (0 %, away) -> mean 5;
    # slots 2 + 3. Closes: B -> 1, 100 s, 100 %.
    r = {row["skill_id"]: row for row in snap["skills"]["rows"]}
    assert (r[1]["open"], r[1]["unassigned"], r[1]["assigned"]) == (2, 1, 1)
    assert r[1]["load"] == pytest.approx(35 / 3)
    assert (r[1]["online"], r[1]["away"], r[1]["back_soon"], r[1]["max_slots"]) == (3, 0, 0, 16)
    assert (r[1]["closed"], r[1]["avg_resolution_time"], r[1]["csat"]) == (0, None, None)
    assert (r[2]["open"], r[2]["unassigned"], r[2]["assigned"], r[2]["load"]) == (1, 0, 1, 5.0)
    assert (r[2]["online"], r[2]["away"], r[2]["max_slots"]) == (1, 1, 5)
    assert (r[2]["closed"], r[2]["avg_resolution_time"], r[2]["csat"]) == (1, 100_000, 100.0)


def test_skill_filter(oracle: Oracle) -> None:
    """skill_ids=[2] keeps conversations whose current skill is 2 and agents with skill 2."""
    # Open: D only. Load: agents 2 and 3 (5 slots) carry D's 0.2 -> 4 %; online (agent 2)
    # 0.2 / 2 -> 10 %; other (agent 3) 0 %. Closed: B only. Skills table: skill 2 only.
    d = oracle.dashboard(now_ms=NOW, skill_ids=[2])
    c = d["current"]
    assert (c["open"], c["unassigned"], c["assigned"], c["active"]) == (1, 0, 1, 0)
    assert (c["load"], c["load_online"], c["load_other"]) == (
        pytest.approx(4.0),
        pytest.approx(10.0),
        0.0,
    )
    assert d["closed"]["closed"] == 1 and d["closed"]["closed_by"]["agent"] == 1
    assert [r["skill_id"] for r in d["skills"]["rows"]] == [2]
    assert [r["agent_id"] for r in d["agents"]["rows"]] == [2, 3]


def test_group_filter(oracle: Oracle) -> None:
    """group_ids=[1] keeps conversations whose agent is in group 1 (unassigned drop out),
    except the chat queue KPIs, which the seed marks "(all Groups)"."""
    # Open: A (agent 1); C unassigned and D (agent 2, group 2) drop out. Closed: B was
    # agent 2's. Agents: 1, 3, 100. Chat mode: F (agent 1) closed. The queue KPIs are
    # "(all Groups)" in the seed: entered 3, connected 1, abandoned 1 as without the
    # filter. AHT (not so marked) keeps agent 1's F: 80 s; occupancy the group's human
    # agents 1 (1000 s online, 80 s with F) and 3 (10 s online): 100 * 80 / 1010.
    d = oracle.dashboard(now_ms=NOW, group_ids=[1])
    assert (d["current"]["open"], d["current"]["assigned"]) == (1, 1)
    assert d["closed"]["closed_by"] == {"consumer": 0, "agent": 0, "system": 0}
    assert [r["agent_id"] for r in d["agents"]["rows"]] == [1, 3, 100]
    d = oracle.dashboard(now_ms=NOW, group_ids=[1], mode="chat")
    assert d["closed"]["closed_by"] == {"consumer": 1, "agent": 0, "system": 0}
    c = d["chat"]
    assert (c["entered"], c["connected"], c["abandoned"], c["in_queue"]) == (3, 1, 1, 1)
    assert (c["aht"], c["occupancy"]) == (80_000, pytest.approx(100 * 80 / 1010))
    c = oracle.dashboard(now_ms=NOW, group_ids=[2], mode="chat")["chat"]
    assert (c["entered"], c["aht"], c["occupancy"]) == (3, None, 0.0)


def test_window_today_from_hour(oracle: Oracle) -> None:
    """from_hour is local (Europe/Paris, UTC+1 in November); a later hour is an error."""
    # now = 2023-11-14 22:30 UTC = 23:30 Paris. From 23:00 Paris = 22:00 UTC = T0 - 800 s.
    d = oracle.dashboard(now_ms=NOW, from_hour=23)
    assert d["window"] == {"start": T0 - 800_000, "end": NOW}
    with pytest.raises(ParameterError) as err:
        oracle.dashboard(now_ms=T0 - 1_000_000, from_hour=23)  # 22:56:40 Paris
    assert err.value.parameter == "from_hour"


def test_last_hours_window_excludes_older_closes(oracle: Oracle) -> None:
    """A window of the last N hours ends at now and starts N hours earlier (half-open)."""
    # now = T0 + 3900 s + 1 ms -> start = T0 + 300 s + 1 ms: B's close (300 s) is out,
    # F's (720 s) is in.
    d = oracle.dashboard(now_ms=T0 + 3_900_001, last_hours=1)
    assert d["closed"]["closed"] == 0
    d = oracle.dashboard(now_ms=T0 + 3_900_001, last_hours=1, mode="chat")
    assert d["closed"]["closed_by"] == {"consumer": 1, "agent": 0, "system": 0}


def test_visibility_at_now(oracle: Oracle) -> None:
    """An event at ts == now is not seen: at now = 720 s, F is still open."""
    d = oracle.dashboard(now_ms=T0 + 720_000, mode="chat")
    assert d["closed"]["closed"] == 0  # F's close at 720 is not seen
    assert d["agents"]["rows"][0]["open"] == 1  # agent 1 still holds F


def test_thresholds_flag_alerts(oracle: Oracle) -> None:
    """A KPI at or above its threshold is listed in alerts; others are not."""
    # open = 3 >= 3 alerts; closed CSAT 100 < 101 does not; the chat section is not shown
    # in the messaging mode, so its KPIs never alert there.
    thresholds = {"current.open": 3, "closed.csat": 101, "chat.entered": 0}
    d = oracle.dashboard(now_ms=NOW, threshold=thresholds)
    assert d["alerts"] == [{"kpi": "current.open", "value": 3, "threshold": 3.0}]
    d = oracle.dashboard(now_ms=NOW, threshold=thresholds, mode="chat")
    assert d["alerts"] == [{"kpi": "chat.entered", "value": 3, "threshold": 0.0}]


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"last_hours": 25}, "last_hours"),
        ({"last_hours": 2, "from_hour": 3}, "last_hours"),
        ({"agent_page_size": 31}, "agent_page_size"),
        ({"skill_page_size": 101}, "skill_page_size"),
        ({"agent_sort": "nope"}, "agent_sort"),
        ({"abandon_rate": "x"}, "abandon_rate"),
        ({"mode": "call"}, "mode"),
        ({"csat": "average"}, "csat"),
        ({"threshold": {"current.nope": 1}}, "threshold"),
        ({"skill_ids": []}, "skill_ids"),
    ],
)
def test_invalid_parameters(oracle: Oracle, params: dict[str, Any], name: str) -> None:
    """Each invalid parameter raises ParameterError naming it."""
    with pytest.raises(ParameterError) as err:
        oracle.dashboard(now_ms=NOW, **params)
    assert err.value.parameter == name


def test_csv_export(oracle: Oracle) -> None:
    """CSV of the agents table: the header is the columns, null is an empty cell."""
    text = table_csv(oracle.dashboard_table("agents", now_ms=NOW), "agents")
    lines = text.splitlines()
    assert lines[0].startswith("agent_id,name,status,status_time_ms,open,active,load")
    assert lines[3] == "3,Cid,away,990000,0,0,0.0,0,,,0"


def test_cli_dashboard(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    """`ccbench oracle dashboard` prints the snapshot JSON and the skills CSV."""
    import json

    path = tmp_path / "d.ndjson"
    write_log(EventLog.from_records(_events(), roster=ROSTER), path)
    assert main(["oracle", "dashboard", str(path), "--now", str(NOW), "--compact",
                 "--threshold", "current.open:3"]) == 0  # fmt: skip
    out = json.loads(capsys.readouterr().out)
    assert out["current"]["open"] == 3 and out["alerts"][0]["kpi"] == "current.open"
    assert main(["oracle", "dashboard", str(path), "--now", str(NOW), "--csv", "skills"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split(",")[:3] == ["skill_id", "name", "open"] and len(lines) == 3
