"""Seed 002 supervision page on one hand-built log; every expected number is worked out below.

Roster (Europe/Paris): sites p (supervised) and l; skill 1; agents 1 Ann (human, sites
p and l, 3 slots), 2 Bob (human, p, 1 slot), 3 Cid (human, p, 3 slots), 4 Dan (human, l,
2 slots), 100 Bot (bot, p, 10 slots). Objectives: o1 team contacts 4, o2 Ann turnover
10000, o3 team satisfaction 80. Signals: handling 600 s, response 60 s. Times are seconds
after M = local midnight of 2023-11-15 (2023-11-14 23:00 UTC); now = M + 3600 s.

    Ann logs in to p at -1000 (yesterday) and to l at 100; Dan to l at 0; Bot to p at 0;
      Bob to p at 200, out of p at 2000, in again at 2500; Cid to p at 300, away at 3500.
    Y (p, chat): queued -900, Ann accepts -890, Ann closes -800, survey csat 1 at -700.
    X (p, chat): queued -500, Ann accepts -400, Ann msg -390, Ann closes at 50, sale by
      Ann 1000 at 55, survey csat 5 at 60.
    A (p, chat): consumer 400, queued 400, Ann accepts 410, Ann 420, consumer 430, Ann
      440, Ann transfers to Bob 500, Bob accepts 510, Bob 520, consumer 530, Bob 540, Bob
      closes 700, sale by Bob 2500 at 700, survey at 800: csat 4, welcome 5, response
      time 3, quality 4.
    Z (l, chat): queued 100, Dan accepts 110, Dan closes 200, sale by Dan 999 at 200,
      survey csat 1 at 300.
    B (p, chat): consumer 1000, queued 1000, Cid accepts 1010, Cid 1020, consumer 1030,
      consumer closes 1100, survey csat 2 with welcome 2 at 1200.
    F (l, chat): queued 1500, Ann accepts 1510. Open.
    C (p, call): queued 2800, Cid accepts 2810. Open.
    E (p, messaging): consumer 3000, queued 3000, Ann accepts 3005, consumer 3010. Open.
    H (p, chat): queued 3300. Still queued.
    D (p, chat): consumer 3400, queued 3400, Ann accepts 3410, Ann 3420, consumer 3500,
      consumer 3510. Open.
    G (p, chat): queued 3550, Bot accepts 3555, bot message 3556, consumer 3560. Open.
"""

from __future__ import annotations

from typing import Any

import pytest

from ccbench import ParameterError
from ccbench.cli import main
from ccbench.eventlog import EventLog, Roster, write_log
from oracle import Oracle, supervision_csv
from tests.support.hand_logs import HandLog, valid_oracle

M = 1_700_002_800_000  # 2023-11-15 00:00 Europe/Paris
NOW = M + 3_600_000
S = 1000

ROSTER = Roster.from_dict(
    {
        "account": "a",
        "timezone": "Europe/Paris",
        "sites": [{"id": "p"}, {"id": "l"}],
        "groups": [{"id": 1}],
        "skills": [{"id": 1}],
        "agents": [
            {"id": 1, "name": "Ann", "group_id": 1, "skills": [1], "sites": ["p", "l"],
             "max_slots": 3},
            {"id": 2, "name": "Bob", "group_id": 1, "skills": [1], "sites": ["p"],
             "max_slots": 1},
            {"id": 3, "name": "Cid", "group_id": 1, "skills": [1], "sites": ["p"],
             "max_slots": 3},
            {"id": 4, "name": "Dan", "group_id": 1, "skills": [1], "sites": ["l"],
             "max_slots": 2},
            {"id": 100, "name": "Bot", "user_type": "bot", "group_id": 1, "skills": [1],
             "sites": ["p"], "max_slots": 10},
        ],
        "bots": [{"agent_id": 100, "flows": ["welcome"]}],
        "objectives": [
            {"id": "o1", "metric": "contacts", "target": 4},
            {"id": "o2", "metric": "turnover_minor", "target": 10000, "agent_id": 1},
            {"id": "o3", "metric": "satisfaction_pct", "target": 80},
        ],
        "signals": {"max_handling_ms": 600_000, "max_response_ms": 60_000},
    }
)  # fmt: skip


def _events() -> list[dict[str, Any]]:
    log = HandLog(M)
    add = log.add

    def start(sec: int, cid: str, site: str = "p", channel: str = "chat") -> None:
        add(sec, "conversation.opened", cid, site=site, channel=channel, source="WEB",
            consumer_id="u" + cid)  # fmt: skip
        add(sec, "conversation.queued", cid, skill_id=1)

    def accept(sec: int, cid: str, agent: int, reason: str = "new") -> None:
        f = {"agent_id": agent, "skill_id": 1, "reason": reason}
        add(sec, "assignment.offered", cid, **f)
        add(sec, "assignment.accepted", cid, **f)

    def consumer(sec: int, cid: str) -> None:
        add(sec, "message.sent", cid, sender_role="consumer")

    def agent(sec: int, cid: str, a: int, role: str = "agent") -> None:
        add(sec, "message.sent", cid, sender_role=role, agent_id=a)

    def close(sec: int, cid: str, a: int | None) -> None:
        if a is None:
            add(sec, "conversation.closed", cid, closed_by="consumer", reason="left")
        else:
            add(sec, "conversation.closed", cid, closed_by="agent", reason="done", agent_id=a)

    def sale(sec: int, cid: str, a: int, amount: int) -> None:
        add(sec, "sale.recorded", cid, agent_id=a, amount_minor=amount, currency="EUR")

    add(-1000, "agent.login", agent_id=1, site="p")
    start(-900, "Y")
    accept(-890, "Y", 1)
    close(-800, "Y", 1)
    add(-700, "survey.answered", "Y", csat=1)
    start(-500, "X")
    accept(-400, "X", 1)
    agent(-390, "X", 1)
    add(0, "agent.login", agent_id=4, site="l")
    add(0, "agent.login", agent_id=100, site="p")
    close(50, "X", 1)
    sale(55, "X", 1, 1000)
    add(60, "survey.answered", "X", csat=5)
    add(100, "agent.login", agent_id=1, site="l")
    start(100, "Z", site="l")
    accept(110, "Z", 4)
    close(200, "Z", 4)
    sale(200, "Z", 4, 999)
    add(200, "agent.login", agent_id=2, site="p")
    add(300, "survey.answered", "Z", csat=1)
    add(300, "agent.login", agent_id=3, site="p")
    start(400, "A")
    consumer(400, "A")
    accept(410, "A", 1)
    agent(420, "A", 1)
    consumer(430, "A")
    agent(440, "A", 1)
    add(500, "conversation.transferred", "A", agent_id=1, to_agent_id=2)
    accept(510, "A", 2, "transfer")
    agent(520, "A", 2)
    consumer(530, "A")
    agent(540, "A", 2)
    close(700, "A", 2)
    sale(700, "A", 2, 2500)
    add(800, "survey.answered", "A", csat=4, csat_welcome=5, csat_response_time=3,
        csat_quality=4)  # fmt: skip
    start(1000, "B")
    consumer(1000, "B")
    accept(1010, "B", 3)
    agent(1020, "B", 3)
    consumer(1030, "B")
    close(1100, "B", None)
    add(1200, "survey.answered", "B", csat=2, csat_welcome=2)
    start(1500, "F", site="l")
    accept(1510, "F", 1)
    add(2000, "agent.logout", agent_id=2, site="p")
    add(2500, "agent.login", agent_id=2, site="p")
    start(2800, "C", channel="call")
    accept(2810, "C", 3)
    start(3000, "E", channel="messaging")
    consumer(3000, "E")
    accept(3005, "E", 1)
    consumer(3010, "E")
    start(3300, "H")
    start(3400, "D")
    consumer(3400, "D")
    accept(3410, "D", 1)
    agent(3420, "D", 1)
    add(3500, "agent.status", agent_id=3, status="away")
    consumer(3500, "D")
    consumer(3510, "D")
    start(3550, "G")
    accept(3555, "G", 100)
    agent(3556, "G", 100, role="bot")
    consumer(3560, "G")
    return log.records()


@pytest.fixture(scope="module")
def oracle() -> Oracle:
    return valid_oracle(_events(), ROSTER)


@pytest.fixture(scope="module")
def page(oracle: Oracle) -> dict[str, Any]:
    return oracle.supervision(now_ms=NOW, site_id="p")


def _row(page: dict[str, Any], agent_id: int) -> dict[str, Any]:
    return next(r for r in page["agents"] if r["agent_id"] == agent_id)


def test_day_is_local_midnight_to_now(page: dict[str, Any]) -> None:
    """Today starts at 00:00 Europe/Paris (23:00 UTC the day before) and ends at now."""
    assert page["day"] == {"start": M, "end": NOW, "timezone": "Europe/Paris"}


def test_agents_by_status(page: dict[str, Any]) -> None:
    """Humans logged in to p by state: available, busy (slots full), unavailable."""
    # Ann: online, open D, E (p) and F (l) = 3 >= 3 slots -> busy. Bob: online, 0 of 1
    # -> available. Cid: away since 3500 -> unavailable. Dan is on l only; Bot is a bot.
    assert page["agents_by_status"] == {"available": 1, "busy": 1, "unavailable": 1, "total": 3}
    assert [(r["agent_id"], r["state"]) for r in page["agents"]] == [
        (1, "busy"), (2, "available"), (3, "unavailable")
    ]  # fmt: skip


def test_satisfaction_overall_and_bands(page: dict[str, Any]) -> None:
    """Today's p surveys: X 5, A 4, B 2 (Y was yesterday, Z is on l) -> 2/3 top-2-box."""
    sat = page["satisfaction"]
    assert sat["score"] == pytest.approx(200 / 3)
    assert sat["answered"] == 3
    assert sat["band"] == "average"  # 60 <= 66.7 < 80
    assert sat["bands"] == {"good_pct": 80.0, "poor_pct": 60.0}


def test_satisfaction_criteria(page: dict[str, Any]) -> None:
    """Per criterion, over the surveys that rate it: welcome A 5, B 2; response A 3; quality A 4."""
    c = page["satisfaction"]["criteria"]
    assert c["welcome"] == {"score": 50.0, "answered": 2, "band": "poor"}
    assert c["response_time"] == {"score": 0.0, "answered": 1, "band": "poor"}
    assert c["quality"] == {"score": 100.0, "answered": 1, "band": "good"}


def test_satisfaction_mean_option_and_custom_bands(oracle: Oracle) -> None:
    """satisfaction=mean gives 100 * mean / 5; the band limits are parameters."""
    # (5 + 4 + 2) / 3 = 11/3 -> 100 * 11/3 / 5 = 73.33; good from 70 -> good.
    sat = oracle.supervision(
        now_ms=NOW, site_id="p", satisfaction="mean", satisfaction_good_pct=70
    )["satisfaction"]
    assert sat["score"] == pytest.approx(220 / 3)
    assert sat["band"] == "good"


def test_objectives(page: dict[str, Any]) -> None:
    """Team contacts 6 of 4; Ann's turnover 1000 of 10000; team satisfaction 66.7 of 80."""
    # Team contacts (humans, p, started today): Ann 3 + Bob 1 + Cid 2 = 6.
    o1, o2, o3 = page["objectives"]
    assert o1 == {"id": "o1", "metric": "contacts", "agent_id": None, "target": 4.0,
                  "actual": 6, "progress": 150.0, "achieved": True}  # fmt: skip
    assert (o2["actual"], o2["progress"], o2["achieved"]) == (1000, 10.0, False)
    assert o3["actual"] == pytest.approx(200 / 3)
    assert o3["progress"] == pytest.approx(100 * (200 / 3) / 80)
    assert o3["achieved"] is False


def test_objectives_as_parameter(oracle: Oracle) -> None:
    """Objectives passed in replace the roster's; team conversion = won contacts / contacts."""
    # Team: 1 contact with a sale (Bob's A) of 6 -> 16.67 %. Bob's transactions: 1.
    objs = oracle.supervision(
        now_ms=NOW, site_id="p",
        objectives=[{"id": "c", "metric": "conversion_rate_pct", "target": 50},
                    {"id": "t", "metric": "transactions", "target": 1, "agent_id": 2}],
    )["objectives"]  # fmt: skip
    assert objs[0]["actual"] == pytest.approx(100 / 6)
    assert (objs[1]["actual"], objs[1]["achieved"]) == (1, True)


def test_visitors_and_signals(page: dict[str, Any]) -> None:
    """Chat/call conversations of p with an open segment: C, D, G; red when over a maximum."""
    # C (call, Cid since 2810): handling 790 s > 600 s. D (Ann since 3410): handling 190 s;
    # last company message 3420, then consumer 3500 -> waiting 100 s > 60 s. G (Bot since
    # 3555): bot message 3556, consumer 3560 -> waiting 40 s. E is messaging, H unassigned.
    v = page["visitors"]
    assert (v["total"], v["signalled"], v["by_channel"]) == (3, 2, {"call": 1, "chat": 2})
    assert v["rows"] == [
        {"conversation_id": "C", "channel": "call", "agent_id": 3, "handling_ms": 790_000,
         "waiting_ms": None, "signals": ["handling_duration"]},
        {"conversation_id": "D", "channel": "chat", "agent_id": 1, "handling_ms": 190_000,
         "waiting_ms": 100_000, "signals": ["response_time"]},
        {"conversation_id": "G", "channel": "chat", "agent_id": 100, "handling_ms": 45_000,
         "waiting_ms": 40_000, "signals": []},
    ]  # fmt: skip


def test_visitor_wait_starts_at_assignment(oracle: Oracle) -> None:
    """With messaging included, E's wait runs from the accept (3005), not the 3000 message."""
    # E: consumer 3000 while queued, accepted 3005, consumer 3010, no company message
    # -> waiting since max(3000, 3005) = 3005 -> 595 s; handling 595 s < 600 s.
    v = oracle.supervision(now_ms=NOW, site_id="p", channels=["messaging"])["visitors"]
    assert v["rows"] == [
        {"conversation_id": "E", "channel": "messaging", "agent_id": 1, "handling_ms": 595_000,
         "waiting_ms": 595_000, "signals": ["response_time"]}
    ]  # fmt: skip


def test_signal_maxima_are_parameters(oracle: Oracle) -> None:
    """Raising both maxima clears every signal; the table's red marks follow."""
    page = oracle.supervision(now_ms=NOW, site_id="p", max_handling_ms=800_000,
                              max_response_ms=100_000)  # fmt: skip
    # 790 s <= 800 s and 100 s is not > 100 s: nothing exceeded.
    assert page["visitors"]["signalled"] == 0
    assert not any(r["signal"] for r in page["agents"])


def test_available_slots(page: dict[str, Any]) -> None:
    """Online agents and bots on p: Ann 3-3=0, Bob 1-0=1, Bot 10-1=9; Cid is away."""
    assert page["available_slots"] == {"total": 10, "agents": 1, "bots": 9}


def test_presence(page: dict[str, Any]) -> None:
    """Time logged in to p since midnight."""
    # Ann: since -1000, clipped to midnight -> 3600 s. Bob: 200-2000 and 2500-3600 ->
    # 1800 + 1100 = 2900 s. Cid: 300-3600 = 3300 s (away still counts as present).
    assert [r["presence_ms"] for r in page["agents"]] == [3_600_000, 2_900_000, 3_300_000]


def test_contacts_aht_and_rate(page: dict[str, Any]) -> None:
    """Contacts = segments on p started today; AHT over the ended ones; contacts per hour."""
    # Ann: A (410-500), E (3005), D (3410) -> 3 (X started yesterday, F is on l); ended A
    # only -> 90 s; 3 / 1 h. Bob: A (510-700) -> 1, 190 s; 1 / (2900/3600 h).
    # Cid: B (1010-1100), C (2810) -> 2, 90 s; 2 / (3300/3600 h).
    got = [(r["contacts"], r["aht"], r["contacts_per_hour"]) for r in page["agents"]]
    assert got == [
        (3, 90_000, 3.0),
        (1, 190_000, pytest.approx(3600 / 2900)),
        (2, 90_000, pytest.approx(7200 / 3300)),
    ]


def test_turnover_transactions_conversion(page: dict[str, Any]) -> None:
    """Sales today on p: Ann 1000 in X (its contact began yesterday), Bob 2500 in A."""
    # Conversion: Ann 0 of 3 contacts had her sale (X's segment started at -400);
    # Bob 1 of 1 (the sale at 700 follows his A segment); Cid 0 of 2. Dan's Z is on l.
    got = [(r["turnover_minor"], r["transactions"], r["conversion_rate"]) for r in page["agents"]]
    assert got == [(1000, 1, 0.0), (2500, 1, 100.0), (0, 0, 0.0)]
    assert page["currencies"] == ["EUR"]


def test_conversion_transactions_option(oracle: Oracle) -> None:
    """conversion_rate=transactions: transactions / ended contacts (vendor sales report)."""
    # Ann 1 / 1 ended, Bob 1 / 1, Cid 0 / 1.
    page = oracle.supervision(now_ms=NOW, site_id="p", conversion_rate="transactions")
    assert [r["conversion_rate"] for r in page["agents"]] == [100.0, 100.0, 0.0]


def test_agent_satisfaction(page: dict[str, Any]) -> None:
    """Each survey goes to the conversation's last accept before it: X Ann, A Bob, B Cid."""
    got = [(r["satisfaction"], r["satisfaction_answered"]) for r in page["agents"]]
    assert got == [(100.0, 1), (100.0, 1), (0.0, 1)]


def test_in_progress_and_all_sites(page: dict[str, Any]) -> None:
    """In progress counts open segments on p; the all-sites count adds Ann's F on l."""
    got = [(r["in_progress"], r["ongoing_all_sites"], r["signal"]) for r in page["agents"]]
    assert got == [(2, 3, True), (0, 0, False), (1, 1, True)]


def test_other_site(oracle: Oracle) -> None:
    """Site l: Ann and Dan connected; Dan's contact, sale and survey; Ann's open F."""
    page = oracle.supervision(now_ms=NOW, site_id="l")
    # Dan: Z 110-200 -> 1 contact, 90 s, sale 999 converted, csat 1 -> 0 %. Ann: F open.
    # Ann's presence on l: 100-3600 = 3500 s.
    ann, dan = page["agents"]
    assert (ann["contacts"], ann["in_progress"], ann["presence_ms"]) == (1, 1, 3_500_000)
    assert (dan["contacts"], dan["aht"], dan["turnover_minor"], dan["conversion_rate"],
            dan["satisfaction"]) == (1, 90_000, 999, 100.0, 0.0)  # fmt: skip
    assert page["satisfaction"]["band"] == "poor"
    assert page["visitors"]["total"] == 1  # F (chat, Ann)


def test_before_anything_is_empty(oracle: Oracle) -> None:
    """At midnight - 2000 s nobody is logged in: empty sets give 0, null or []."""
    page = oracle.supervision(now_ms=M - 2_000_000, site_id="p")
    assert page["agents"] == [] and page["visitors"]["total"] == 0
    assert page["satisfaction"]["score"] is None and page["satisfaction"]["band"] is None
    assert page["available_slots"]["total"] == 0
    o1 = page["objectives"][0]
    assert (o1["actual"], o1["progress"], o1["achieved"]) == (0, 0.0, False)


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"site_id": "nowhere"}, "site_id"),
        ({"now_ms": -1}, "now_ms"),
        ({"channels": ["fax"]}, "channels"),
        ({"satisfaction_good_pct": 50, "satisfaction_poor_pct": 70}, "satisfaction_poor_pct"),
        ({"satisfaction": "median"}, "satisfaction"),
        ({"conversion_rate": "x"}, "conversion_rate"),
        ({"max_handling_ms": 0}, "max_handling_ms"),
        ({"objectives": [{"id": "o", "metric": "speed", "target": 1}]}, "objectives"),
        ({"objectives": [{"id": "o", "metric": "contacts", "agent_id": 9}]}, "objectives"),
    ],
)
def test_invalid_parameters(oracle: Oracle, params: dict[str, Any], name: str) -> None:
    """Each invalid parameter raises ParameterError naming it."""
    request = {"now_ms": NOW, "site_id": "p", **params}
    with pytest.raises(ParameterError) as err:
        oracle.supervision(**request)
    assert err.value.parameter == name


def test_csv_of_agent_table(page: dict[str, Any]) -> None:
    """The CSV export has the column header and one line per agent; null is empty."""
    lines = supervision_csv(page["agents"]).splitlines()
    assert lines[0].startswith("agent_id,name,state,presence_ms,contacts,aht,")
    assert lines[2].split(",")[:5] == ["2", "Bob", "available", "2900000", "1"]
    assert len(lines) == 4


def test_cli_supervision(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    """`ccbench oracle supervision LOG --now MS --site p` prints the page; --csv the table."""
    import json

    path = tmp_path / "log.ndjson"
    write_log(EventLog.from_records(_events(), roster=ROSTER), path)
    assert main(["oracle", "supervision", str(path), "--now", str(NOW), "--site", "p",
                 "--max-response-ms", "200000"]) == 0  # fmt: skip
    out = json.loads(capsys.readouterr().out)
    assert out["visitors"]["signalled"] == 1  # only C's handling now
    assert main(["oracle", "supervision", str(path), "--now", str(NOW), "--site", "p",
                 "--csv"]) == 0  # fmt: skip
    assert capsys.readouterr().out.splitlines()[1].startswith("1,Ann,busy,3600000,3,90000,")


def test_registry_points_at_page_keys(page: dict[str, Any]) -> None:
    """Every seed 002 registry entry is computed and names a path present in the page."""
    from oracle import CATALOG

    entries = [m for m in CATALOG if m.family == "supervision"]
    assert len(entries) == 17
    for m in entries:
        assert (m.computed_by or "").startswith("Oracle.supervision -> "), m.name
        node: Any = page
        for key in (m.computed_by or "").split(" -> ")[1].split("."):
            if key.endswith("[]"):
                node = node[key[:-2]][0]
            elif key == "<criterion>":
                node = node["welcome"]
            else:
                assert key in node, m.name
                node = node[key]


def test_cli_objectives_and_errors(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    """--objectives replaces the roster's; a bad site or bad JSON exits non-zero naming it."""
    import json

    path = tmp_path / "log.ndjson"
    write_log(EventLog.from_records(_events(), roster=ROSTER), path)
    base = ["oracle", "supervision", str(path), "--now", str(NOW)]
    objectives = '[{"id": "t", "metric": "transactions", "target": 2}]'
    assert main([*base, "--site", "p", "--objectives", objectives, "--compact"]) == 0
    # Team transactions on p today: Ann 1 + Bob 1 = 2 of 2.
    (o,) = json.loads(capsys.readouterr().out)["objectives"]
    assert (o["actual"], o["achieved"]) == (2, True)
    assert main([*base, "--site", "nowhere"]) != 0
    assert "site_id" in capsys.readouterr().err
    assert main([*base, "--site", "p", "--objectives", "{oops"]) != 0
    assert "objectives" in capsys.readouterr().err
