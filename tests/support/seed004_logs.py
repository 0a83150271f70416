"""Hand-built golden logs that reproduce seed 004's example responses (docs/metrics.md).

Every event carries a ``why``: the reason it is in the log. ``python
tests/support/seed004_logs.py`` rewrites tests/data/seed004_*.ndjson and their .md
event tables from this module; test_agent_segments_golden.py checks the
files still match, so the NDJSON (usable by any implementation, e.g. the
reference backend) and this description never drift apart.

Arithmetic (metric-catalog.md section 1):

* TIMEFRAME log, agentIds=12,13, timeframe=180 at NOW_1. Agent 12: five
  segments, all started by a transfer (one of them by back_to_queue, one by a
  bot handoff), skill 333, 7 counted messages, durations 10+12+13+14+16 s =
  65 s (avg 13000), first messages 1000+1500+2000+2000+2500 = 9000 (avg 1800),
  responses 9000 + two later responses 3000+5000 = 17000 over 7 (avg 2428).
  Agent 13: three new segments, skill 444, one message each, durations
  10+14+18 s (avg 14000), first messages 3000+4000+5000 (avg 4000), one
  response each. Every one of the eight segments is interactive.
* INTERVAL log, agentIds=12,13, interval=5, timeframe=60 at NOW_2, so the
  first interval starts at 1556798050118 as in the seed. Interval 1: agent
  12 three transfer segments each answered after 1000 ms; agent 13 one new
  segment answered after 8000 ms. Interval 2: agent 12 two transfer
  segments, first messages 2000 and 4000, later responses 5000 and 3000;
  agent 13 two new segments answered after 1000 and 3000 ms.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[1] / "data"
NOW_1 = 1_556_800_000_000
NOW_2 = 1_556_798_050_118 + 60 * 60_000  # first of 12 five-minute intervals = seed timestamp
SEC = 1000
MIN = 60 * SEC

ROSTER: dict[str, Any] = {
    "account": "acme",
    "sites": [{"id": "paris", "name": "Paris"}],
    "groups": [{"id": 1, "name": "Support"}, {"id": 2, "name": "Sales"}],
    "skills": [
        {"id": 333, "name": "billing"},
        {"id": 444, "name": "sales"},
        {"id": 900, "name": "bot-front"},
    ],
    "agents": [
        {
            "id": 12,
            "name": "Alice",
            "group_id": 1,
            "skills": [333, 444],
            "sites": ["paris"],
            "max_slots": 5,
        },
        {
            "id": 13,
            "name": "Bruno",
            "group_id": 1,
            "skills": [444],
            "sites": ["paris"],
            "max_slots": 5,
        },
        {
            "id": 14,
            "name": "Chloe",
            "group_id": 2,
            "skills": [333, 444],
            "sites": ["paris"],
            "max_slots": 5,
        },
        {
            "id": 90,
            "name": "Botty",
            "user_type": "bot",
            "group_id": 1,
            "skills": [900],
            "sites": ["paris"],
            "max_slots": 50,
        },
    ],
    "bots": [{"agent_id": 90, "flows": ["welcome"]}],
}


class _Builder:
    def __init__(self) -> None:
        self.events: list[tuple[int, dict[str, Any], str]] = []

    def ev(self, ts: int, kind: str, why: str, **fields: Any) -> None:
        self.events.append((ts, {"kind": kind, **fields}, why))

    def login(self, ts: int) -> None:
        for agent in (12, 13, 14, 90):
            self.ev(
                ts,
                "agent.login",
                f"agent {agent} must be logged in (online) to accept",
                agent_id=agent,
                site="paris",
            )

    def open(self, ts: int, cid: str, skill: int, why: str) -> None:
        self.ev(
            ts,
            "conversation.opened",
            why,
            conversation_id=cid,
            site="paris",
            channel="messaging",
            source="APP",
            consumer_id="u-" + cid,
        )
        self.ev(
            ts + 100,
            "message.sent",
            "the consumer's opening message (before any segment: belongs to none)",
            conversation_id=cid,
            sender_role="consumer",
        )
        self.ev(
            ts + 200,
            "conversation.queued",
            f"routing to skill {skill}",
            conversation_id=cid,
            skill_id=skill,
        )

    def assign(
        self, ts: int, cid: str, agent: int, skill: int, reason: str, why: str, offer: bool = True
    ) -> None:
        if offer:
            self.ev(
                ts - 100,
                "assignment.offered",
                "routing offers before the accept",
                conversation_id=cid,
                agent_id=agent,
                skill_id=skill,
                reason=reason,
            )
        self.ev(
            ts,
            "assignment.accepted",
            why,
            conversation_id=cid,
            agent_id=agent,
            skill_id=skill,
            reason=reason,
        )

    def msg(self, ts: int, cid: str, role: str, why: str, agent: int | None = None) -> None:
        fields: dict[str, Any] = {"conversation_id": cid, "sender_role": role}
        if agent is not None:
            fields["agent_id"] = agent
        self.ev(ts, "message.sent", why, **fields)

    def close(self, ts: int, cid: str, by: str, why: str, agent: int | None = None) -> None:
        fields: dict[str, Any] = {"conversation_id": cid, "closed_by": by, "reason": "done"}
        if agent is not None:
            fields["agent_id"] = agent
        self.ev(ts, "conversation.closed", why, **fields)

    def records(self) -> list[tuple[dict[str, Any], str]]:
        ordered = sorted(self.events, key=lambda e: e[0])  # stable: ties keep build order
        out = []
        for seq, (ts, fields, why) in enumerate(ordered, start=1):
            out.append(
                (
                    {"event_id": f"e{seq:03d}", "ts": ts, "seq": seq, **fields, "account": "acme"},
                    why,
                )
            )
        return out


def _transfer_in(b: _Builder, s: int, cid: str, how: str) -> None:
    """Make the conversation reach agent 12 at ``s`` by a transfer of kind ``how``."""
    if how == "bot":
        b.open(s - 20 * SEC, cid, 900, "a bot conversation handed off to a human")
        b.assign(s - 19 * SEC, cid, 90, 900, "new", "bot 90 takes it (not a requested agent)")
        b.msg(s - 18 * SEC, cid, "bot", "the bot answers (bot 90's segment)", 90)
        b.ev(
            s - 15 * SEC,
            "conversation.transferred",
            "bot handoff = transfer to skill 333",
            conversation_id=cid,
            agent_id=90,
            to_skill_id=333,
        )
        b.ev(
            s - 14 * SEC,
            "conversation.queued",
            "waits in skill 333",
            conversation_id=cid,
            skill_id=333,
        )
        b.assign(s, cid, 12, 333, "transfer", "agent 12's segment starts: kind transfer")
        return
    b.open(s - 20 * SEC, cid, 333, "a conversation agent 14 handles first")
    b.assign(s - 19 * SEC, cid, 14, 333, "new", "agent 14 (not requested) takes it")
    b.msg(s - 18 * SEC, cid, "agent", "agent 14 answers in its own segment", 14)
    if how == "back_to_queue":
        b.ev(
            s - 15 * SEC,
            "conversation.back_to_queue",
            "14 returns it to the queue",
            conversation_id=cid,
            agent_id=14,
        )
        b.ev(
            s - 14 * SEC,
            "conversation.queued",
            "queued again to 333",
            conversation_id=cid,
            skill_id=333,
        )
        b.assign(
            s,
            cid,
            12,
            333,
            "back_to_queue",
            "agent 12's segment starts: back_to_queue counts as a transfer start",
        )
    elif how == "agent":
        b.ev(
            s - 15 * SEC,
            "conversation.transferred",
            "14 transfers to agent 12 directly",
            conversation_id=cid,
            agent_id=14,
            to_agent_id=12,
        )
        b.assign(s, cid, 12, 333, "transfer", "agent 12's segment starts: kind transfer")
    else:
        b.ev(
            s - 15 * SEC,
            "conversation.transferred",
            "14 transfers to skill 333",
            conversation_id=cid,
            agent_id=14,
            to_skill_id=333,
        )
        b.ev(
            s - 14 * SEC,
            "conversation.queued",
            "waits in skill 333",
            conversation_id=cid,
            skill_id=333,
        )
        b.assign(s, cid, 12, 333, "transfer", "agent 12's segment starts: kind transfer")


def _new_13(b: _Builder, s: int, cid: str, first: int) -> None:
    """A new conversation accepted by agent 13 at ``s``; the caller adds what follows."""
    b.open(s - 5 * SEC, cid, 444, "a new conversation for skill 444")
    b.assign(s, cid, 13, 444, "new", "agent 13's segment starts: kind new")
    b.msg(s + first, cid, "agent", f"13's first message: first response {first} ms", 13)


def timeframe_log() -> _Builder:
    """Log for the seed's first two responses (timeframe=180 at NOW_1)."""
    b = _Builder()
    now = NOW_1
    b.login(now - 4 * 60 * MIN)
    # Before the window: agent 12's segment starts at now - 181 min and ends inside the
    # window; attribution is by start, so it must not count.
    s = now - 181 * MIN
    b.open(s - 5 * SEC, "c00", 333, "conversation whose segment starts before the window")
    b.assign(s, "c00", 12, 333, "new", "starts 181 min before now: outside the 180 min window")
    b.msg(s + 1000, "c00", "agent", "would change 12's numbers if it were counted", 12)
    b.close(s + 2 * MIN, "c00", "agent", "ends inside the window; still not counted", 12)

    base = now - 120 * MIN
    # c21: transfer from 14 via skill; 2 messages, responses 1000 and 3000, 10 s.
    s = base
    _transfer_in(b, s, "c21", "skill")
    b.msg(s + 1000, "c21", "agent", "12's first message: first response 1000 ms", 12)
    b.msg(s + 4000, "c21", "consumer", "consumer replies: segment is interactive")
    b.msg(s + 7000, "c21", "agent", "answers the reply of +4000: response 3000 ms", 12)
    b.msg(s + 8000, "c21", "consumer", "a last consumer message, never answered")
    b.close(s + 10 * SEC, "c21", "consumer", "consumer closes: duration 10000 ms")
    # c22: bot handoff; 1 counted message (system and participant messages excluded), 12 s.
    s = base + 5 * MIN
    _transfer_in(b, s, "c22", "bot")
    b.msg(s + 500, "c22", "consumer", "consumer writes before 12 answers")
    b.msg(s + 1000, "c22", "system", "controller bot message: excluded")
    b.msg(s + 1500, "c22", "agent", "12's first message: first response 1500 ms", 12)
    b.msg(s + 3000, "c22", "consumer", "consumer replies: interactive")
    b.msg(s + 4000, "c22", "participant", "agent 14 as a non-assigned participant: excluded", 14)
    b.close(s + 12 * SEC, "c22", "agent", "agent 12 closes: duration 12000 ms", 12)
    # c23: back to queue then 12; 2 messages, responses 2000 and 5000, 13 s.
    s = base + 10 * MIN
    _transfer_in(b, s, "c23", "back_to_queue")
    b.msg(s + 2000, "c23", "agent", "12's first message: first response 2000 ms", 12)
    b.msg(s + 2500, "c23", "consumer", "consumer replies: opens an unanswered run")
    b.msg(s + 3000, "c23", "consumer", "second message of the same run")
    b.msg(s + 7500, "c23", "agent", "answers the run started at +2500: response 5000 ms", 12)
    b.msg(s + 9000, "c23", "consumer", "consumer writes again, never answered")
    b.close(s + 13 * SEC, "c23", "system", "auto close by the system: duration 13000 ms")
    # c24: direct transfer to agent 12; 1 message; 12 then transfers to 14 after 14 s.
    s = base + 15 * MIN
    _transfer_in(b, s, "c24", "agent")
    b.msg(s + 2000, "c24", "agent", "12's first message: first response 2000 ms", 12)
    b.msg(s + 5000, "c24", "consumer", "consumer replies: interactive")
    b.ev(
        s + 14 * SEC,
        "conversation.transferred",
        "12 transfers to 14: duration 14000 ms",
        conversation_id="c24",
        agent_id=12,
        to_agent_id=14,
    )
    b.assign(s + 15 * SEC, "c24", 14, 333, "transfer", "agent 14's segment (not requested)")
    b.close(s + 20 * SEC, "c24", "agent", "14 closes its own segment", 14)
    # c25: transfer via skill; 1 message, 16 s.
    s = base + 20 * MIN
    _transfer_in(b, s, "c25", "skill")
    b.msg(s + 2500, "c25", "agent", "12's first message: first response 2500 ms", 12)
    b.msg(s + 6000, "c25", "consumer", "consumer replies: interactive")
    b.close(s + 16 * SEC, "c25", "consumer", "consumer closes: duration 16000 ms")

    # Agent 13: three new segments.
    s = base + 30 * MIN
    _new_13(b, s, "c31", 3000)
    b.msg(s + 5000, "c31", "consumer", "consumer replies: interactive")
    b.close(s + 10 * SEC, "c31", "consumer", "consumer closes: duration 10000 ms")
    s = base + 35 * MIN
    _new_13(b, s, "c32", 4000)
    b.msg(s + 6000, "c32", "consumer", "consumer replies: interactive")
    b.close(s + 14 * SEC, "c32", "agent", "13 closes: duration 14000 ms", 13)
    s = base + 40 * MIN
    _new_13(b, s, "c33", 5000)
    b.msg(s + 7000, "c33", "consumer", "consumer replies: interactive")
    b.close(s + 18 * SEC, "c33", "system", "auto close: duration 18000 ms")

    # At now exactly: not visible to a query answering at now (ts < now only).
    b.open(now - 5 * SEC, "c99", 444, "a conversation accepted exactly at now")
    b.assign(now, "c99", 13, 444, "new", "ts == now: outside [now - 180 min, now)")
    return b


def interval_log() -> _Builder:
    """Log for the seed's interval example (interval=5, timeframe=60 at NOW_2)."""
    b = _Builder()
    now = NOW_2
    w = now - 60 * MIN  # 1556798050118, the seed's first interval timestamp
    b.login(w - 30 * MIN)
    # Interval 1, [w, w + 5 min): three transfer segments of 12, one new segment of 13.
    for i, (cid, how) in enumerate((("c41", "skill"), ("c42", "agent"), ("c43", "bot"))):
        s = w + 30 * SEC + i * 60 * SEC
        _transfer_in(b, s, cid, how)
        b.msg(s + 1000, cid, "agent", "12's first message: response 1000 ms", 12)
        b.msg(s + 3000, cid, "consumer", "consumer replies")
        b.close(s + 10 * SEC, cid, "consumer", "consumer closes")
    s = w + 4 * MIN
    _new_13(b, s, "c51", 8000)
    b.msg(s + 9000, "c51", "consumer", "consumer replies")
    b.close(s + 20 * SEC, "c51", "agent", "13 closes", 13)
    # Interval 2, [w + 5 min, w + 10 min): two transfer segments of 12, two new of 13.
    s = w + 5 * MIN + 30 * SEC
    _transfer_in(b, s, "c44", "skill")
    b.msg(s + 2000, "c44", "agent", "12's first message: first response 2000 ms", 12)
    b.msg(s + 3000, "c44", "consumer", "consumer asks again")
    b.msg(s + 8000, "c44", "agent", "answers the message of +3000: response 5000 ms", 12)
    b.close(s + 12 * SEC, "c44", "consumer", "consumer closes")
    s = w + 7 * MIN
    _transfer_in(b, s, "c45", "back_to_queue")
    b.msg(s + 4000, "c45", "agent", "12's first message: first response 4000 ms", 12)
    b.msg(s + 5000, "c45", "consumer", "consumer asks again")
    b.msg(s + 8000, "c45", "agent", "answers the message of +5000: response 3000 ms", 12)
    b.close(s + 12 * SEC, "c45", "agent", "12 closes", 12)
    s = w + 8 * MIN
    _new_13(b, s, "c52", 1000)
    b.close(s + 20 * SEC, "c52", "consumer", "consumer closes")
    s = w + 9 * MIN
    _new_13(b, s, "c53", 3000)
    b.close(s + 20 * SEC, "c53", "system", "auto close")
    return b


def _write(name: str, builder: _Builder, title: str) -> None:
    records = builder.records()
    lines = [json.dumps({"ccbench_eventlog": 1, "roster": ROSTER})]
    lines += [json.dumps(r) for r, _ in records]
    (DATA / f"{name}.ndjson").write_text("\n".join(lines) + "\n")
    md = [
        f"# {name}.ndjson",
        "",
        title,
        "",
        "Generated by tests/support/seed004_logs.py (the arithmetic is in its docstring); one row "
        "per event, in log order.",
        "",
        "| event | ts | kind | conversation | agent | why |",
        "|---|---|---|---|---|---|",
    ]
    for r, why in records:
        md.append(
            f"| {r['event_id']} | {r['ts']} | {r['kind']} | {r.get('conversation_id', '')}"
            f" | {r.get('agent_id', '')} | {why} |"
        )
    (DATA / f"{name}.md").write_text("\n".join(md) + "\n")


def write_all() -> None:
    """Rewrite tests/data/seed004_*.ndjson and .md from the builders."""
    DATA.mkdir(exist_ok=True)
    _write(
        "seed004_timeframe",
        timeframe_log(),
        f"Seed 004's first example (agentIds=12,13, timeframe=180) and its skill-grouped "
        f"variant (skillIds=333,444), answered at now = {NOW_1}.",
    )
    _write(
        "seed004_interval",
        interval_log(),
        f"Seed 004's interval example (agentIds=12,13, skillIds=333,444, interval=5, "
        f"timeframe=60), answered at now = {NOW_2}.",
    )


if __name__ == "__main__":
    write_all()
