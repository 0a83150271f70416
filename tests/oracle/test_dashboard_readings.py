"""Seed 003 sentences the dashboard follows, on a second hand-built log; every expected
number is worked out below (docs/metrics.md section 3 cites each sentence).

Roster (Europe/Paris): skills 1 and 2; agent 1 (human, group 1, skills [1, 2], 5 slots)
and 100 (bot, group 1, skill 1, 10 slots), both logged in at 0. Times are seconds after
T0; now = 10000 s.

    P chat: opened 100, queued(1) 100, moved to queue 2 at 130, agent 1 accepts (skill 2)
      at 160, consumer 170, agent 180, consumer 190, agent 1 closes at 300.
    Q chat: opened 400, queued(1) 400, abandoned 450.
    R messaging: opened 1000 with a consumer message, queued(1), agent 1 accepts 1010,
      agent 1020, consumer closes 1100, survey 2 at 1110; resumed 1200 with a consumer
      message, queued(1), agent 1 accepts (resume) 1210, agent 1220, agent 1 closes
      1300, survey 4 at 1310.
    S messaging: opened 2000 with a consumer message, queued(1), the bot accepts 2010,
      bot 2020, consumer 2050, bot 2060, consumer 2100. Open at now.
    T messaging: opened 9000, queued(1), agent 1 accepts 9010, agent 9020, agent 1
      closes 9100.
"""

from __future__ import annotations

from typing import Any

import pytest

from ccbench.eventlog import Roster
from oracle import Oracle
from tests.support.hand_logs import HandLog, valid_oracle

T0 = 1_700_000_000_000
NOW = T0 + 10_000_000

ROSTER = Roster.from_dict(
    {
        "account": "r",
        "timezone": "Europe/Paris",
        "sites": [{"id": "s"}],
        "groups": [{"id": 1}],
        "skills": [{"id": 1}, {"id": 2}],
        "agents": [
            {"id": 1, "group_id": 1, "skills": [1, 2], "sites": ["s"], "max_slots": 5},
            {"id": 100, "user_type": "bot", "group_id": 1, "skills": [1], "sites": ["s"],
             "max_slots": 10},
        ],
        "bots": [{"agent_id": 100, "flows": ["welcome"]}],
    }
)  # fmt: skip


def _events() -> list[dict[str, Any]]:
    log = HandLog(T0, account="r")
    add = log.add

    def opened(sec: int, cid: str, channel: str, consumer: bool = False) -> None:
        add(sec, "conversation.opened", cid, site="s", channel=channel, source="WEB",
            consumer_id="u" + cid)  # fmt: skip
        if consumer:
            say(sec, cid, "consumer")

    def accept(sec: int, cid: str, agent: int, skill: int = 1, reason: str = "new") -> None:
        f = {"agent_id": agent, "skill_id": skill, "reason": reason}
        add(sec, "assignment.offered", cid, **f)
        add(sec, "assignment.accepted", cid, **f)

    def say(sec: int, cid: str, role: str, agent: int | None = None) -> None:
        add(sec, "message.sent", cid, sender_role=role,
            **({} if agent is None else {"agent_id": agent}))  # fmt: skip

    def queued(sec: int, cid: str, skill: int = 1) -> None:
        add(sec, "conversation.queued", cid, skill_id=skill)

    for a in (1, 100):
        add(0, "agent.login", agent_id=a, site="s")
    opened(100, "P", "chat")
    queued(100, "P", 1)
    queued(130, "P", 2)
    accept(160, "P", 1, skill=2)
    say(170, "P", "consumer")
    say(180, "P", "agent", 1)
    say(190, "P", "consumer")
    add(300, "conversation.closed", "P", closed_by="agent", reason="done", agent_id=1)
    opened(400, "Q", "chat")
    queued(400, "Q")
    add(450, "conversation.abandoned", "Q")
    opened(1000, "R", "messaging", consumer=True)
    queued(1000, "R")
    accept(1010, "R", 1)
    say(1020, "R", "agent", 1)
    add(1100, "conversation.closed", "R", closed_by="consumer", reason="left")
    add(1110, "survey.answered", "R", csat=2)
    add(1200, "conversation.resumed", "R")
    say(1200, "R", "consumer")
    queued(1200, "R")
    accept(1210, "R", 1, reason="resume")
    say(1220, "R", "agent", 1)
    add(1300, "conversation.closed", "R", closed_by="agent", reason="done", agent_id=1)
    add(1310, "survey.answered", "R", csat=4)
    opened(2000, "S", "messaging", consumer=True)
    queued(2000, "S")
    accept(2010, "S", 100)
    for sec, role in ((2020, "bot"), (2050, "consumer"), (2060, "bot"), (2100, "consumer")):
        say(sec, "S", role, 100 if role == "bot" else None)
    opened(9000, "T", "messaging")
    queued(9000, "T")
    accept(9010, "T", 1)
    say(9020, "T", "agent", 1)
    add(9100, "conversation.closed", "T", closed_by="agent", reason="done", agent_id=1)
    return log.records()


@pytest.fixture(scope="module")
def oracle() -> Oracle:
    return valid_oracle(_events(), ROSTER)


def test_a_conversation_closed_twice_is_one_closed_conversation(oracle: Oracle) -> None:
    """Seed 003: "how many conversations were closed by the consumer, agent or system".

    Last 24 h, messaging: R (closed by the consumer at 1100, then by agent 1 at 1300) and
    T (agent, 9100) are 2 closed conversations, both by the agent (R's last closer);
    counting closes would give 3 (1 consumer, 2 agent). Resolution: R 1300 - 1000 = 300 s,
    T 9100 - 9000 = 100 s -> 200 s. CSAT: R's latest answer 4 -> 100 %, 1 answered."""
    c = oracle.dashboard(now_ms=NOW)["closed"]
    assert (c["closed"], c["closed_by"]) == (2, {"consumer": 0, "agent": 2, "system": 0})
    assert (c["avg_resolution_time"], c["csat"], c["csat_answered"]) == (200_000, 100.0, 1)
    # Seen at 1250 s R's second close has not happened: R counts once, by the consumer.
    c = oracle.dashboard(now_ms=T0 + 1_250_000)["closed"]
    assert (c["closed"], c["closed_by"]["consumer"]) == (1, 1)


def test_csat_mean_option(oracle: Oracle) -> None:
    """csat=mean, the seed's literal "average CSAT": 100 * 4 / 5 = 80 % (top2: 100 %)."""
    c = oracle.dashboard(now_ms=NOW, csat="mean")["closed"]
    assert (c["csat"], c["csat_answered"]) == (80.0, 1)


def test_skills_resolution_time_covers_the_selected_period(oracle: Oracle) -> None:
    """Seed 003 skills table: "Closed: ... within the last 12 hours", "CSAT: ... closed in
    last 12 hours", "Average resolution time for the time period selected".

    Last 1 hour = [6400 s, 10000 s): skill 1 (current skill of R and T at their close)
    has closed R and T in 12 hours (2, CSAT 100 %), but only T in the selected hour:
    resolution 100 s (over 12 h it would be 200 s)."""
    row = oracle.dashboard(now_ms=NOW, last_hours=1)["skills"]["rows"][0]
    assert (row["skill_id"], row["closed"], row["csat"]) == (1, 2, 100.0)
    assert row["avg_resolution_time"] == 100_000


def test_chat_counts_visitors(oracle: Oracle) -> None:
    """Seed 003 chat mode: ENTERED QUEUE "the number of visitors that entered the queue",
    AVG. TIME TO ANSWER "the average time that a visitor spent in the queue".

    P moved from queue 1 to queue 2 while waiting: one visitor, one entry (not 2), who
    waited 160 - 100 = 60 s (not the 30 s since the move). Q abandoned after 50 s.
    Entered 2, abandoned 1, connected 1, abandon rate 50 %, service level at 30 s: 0 %."""
    c = oracle.dashboard(now_ms=NOW, mode="chat")["chat"]
    assert (c["in_queue"], c["entered"], c["abandoned"], c["connected"]) == (0, 2, 1, 1)
    assert (c["abandon_rate"], c["avg_time_to_abandon"]) == (50.0, 50_000)
    assert (c["avg_time_to_answer"], c["service_level"]) == (60_000, 0.0)
    # P's wait belongs to the queue it entered: skill 1 (queue 2 sees no entry).
    one = oracle.dashboard(now_ms=NOW, mode="chat", skill_ids=[1])["chat"]
    two = oracle.dashboard(now_ms=NOW, mode="chat", skill_ids=[2])["chat"]
    assert (one["entered"], one["connected"], two["entered"], two["connected"]) == (2, 1, 0, 0)
    # Seen at 140 s P is still waiting, once: in queue 1.
    early = oracle.dashboard(now_ms=T0 + 140_000, mode="chat")["chat"]
    assert (early["in_queue"], early["entered"]) == (1, 1)


def test_consumer_side_kpis_count_bot_messages(oracle: Oracle) -> None:
    """Seed 003 marks RESPONSE TIME and the TTFR KPIs "exc. bots", but not RESPONSE TIME -
    Consumer nor TTFR - Consumer: the consumer's replies to the bot count.

    Open messaging: S only. Consumer responses: 2050 - 2020 = 30 s, 2100 - 2060 = 40 s
    -> 35 s; TTFR - Consumer: 2050 - 2020 = 30 s. The agent-side KPIs exclude the bot:
    no human message, so RESPONSE TIME and TTFR are null."""
    c = oracle.dashboard(now_ms=NOW)["current"]
    assert (c["open"], c["assigned"], c["active"]) == (1, 1, 1)
    assert (c["response_time_consumer"], c["ttfr_consumer"]) == (35_000, 30_000)
    assert (c["response_time"], c["ttfr"]) == (None, None)
