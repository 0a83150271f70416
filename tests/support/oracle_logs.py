"""Test helpers for the oracle: a fast random valid-log generator and a naive reference.

``random_log`` writes valid logs (``ccbench validate`` accepts them; a test
checks) that exercise every segment rule: transfers to skills and agents,
back to queue, bot handoffs, takeovers, close by each side, resume/reopen,
closes while queued, system/manager/participant messages, open segments at
the end of the log and many equal timestamps. It appends tuples per event
(no per-field dicts) so a million events take a few seconds.

``reference_features`` recomputes the per-segment features of
docs/metrics.md with a plain Python walk over the records, one event at a
time, as literally as the spec reads; tests compare it with the vectorised
oracle.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any

import numpy as np
import pyarrow as pa

from ccbench.eventlog import SCHEMA, EventLog, Roster

ACCOUNT = "acct"
SITE = "s1"
HUMAN_SKILLS = (1, 2, 3)
BOT_SKILL = 9
SOURCES = ("APP", "WEB", "SMS")

# Per-event tuple layout used by the generator.
_COLS = (
    "ts",
    "kind",
    "conversation_id",
    "agent_id",
    "skill_id",
    "reason",
    "closed_by",
    "sender_role",
    "from_agent_id",
    "to_skill_id",
    "to_agent_id",
)


def make_roster(*, humans: int = 6, bots: int = 1, managers: int = 1) -> Roster:
    """Humans 1..humans (groups 1/2 alternating), bots 100.., managers 200.. (group 3)."""
    agents: list[dict[str, Any]] = []
    for i in range(1, humans + 1):
        skills = [s for s in HUMAN_SKILLS if (i + s) % 3 != 0] or [1]
        agents.append(
            {
                "id": i,
                "user_type": "human",
                "role": "support",
                "group_id": 1 + i % 2,
                "skills": skills,
                "sites": [SITE],
                "max_slots": 100_000,
            }
        )
    for i in range(bots):
        agents.append(
            {
                "id": 100 + i,
                "user_type": "bot",
                "role": "support",
                "group_id": 1,
                "skills": [BOT_SKILL],
                "sites": [SITE],
                "max_slots": 100_000,
            }
        )
    for i in range(managers):
        agents.append(
            {
                "id": 200 + i,
                "user_type": "human",
                "role": "manager",
                "group_id": 3,
                "skills": list(HUMAN_SKILLS),
                "sites": [SITE],
                "max_slots": 100_000,
            }
        )
    return Roster.from_dict(
        {
            "account": ACCOUNT,
            "sites": [{"id": SITE}],
            "groups": [{"id": 1}, {"id": 2}, {"id": 3}],
            "skills": [{"id": s} for s in (*HUMAN_SKILLS, BOT_SKILL)],
            "agents": agents,
            "bots": [{"agent_id": 100 + i, "flows": ["welcome"]} for i in range(bots)],
        }
    )


class _Gen:
    def __init__(self, rng: random.Random, roster: Roster) -> None:
        self.rng = rng
        self.humans = [a for a in roster.agents if a.user_type == "human" and a.role != "manager"]
        self.bots = [a for a in roster.agents if a.user_type == "bot"]
        self.managers = [a for a in roster.agents if a.role == "manager"]
        self.by_skill = {
            s: [a.id for a in roster.agents if s in a.skills and a.role != "manager"]
            for s in (*HUMAN_SKILLS, BOT_SKILL)
        }
        self.user_type = {a.id: a.user_type for a in roster.agents}
        self.events: list[tuple[Any, ...]] = []

    def add(
        self,
        ts: int,
        kind: str,
        cid: str,
        agent: int | None = None,
        skill: int | None = None,
        reason: str | None = None,
        closed_by: str | None = None,
        role: str | None = None,
        from_agent: int | None = None,
        to_skill: int | None = None,
        to_agent: int | None = None,
    ) -> None:
        self.events.append(
            (ts, kind, cid, agent, skill, reason, closed_by, role, from_agent, to_skill, to_agent)
        )

    def step(self, t: int) -> int:
        # 30% of steps keep the same millisecond: equal timestamps everywhere.
        r = self.rng.random()
        return t if r < 0.3 else t + self.rng.choice((1, 500, 1000, 3000, 20000))

    def messages(self, t: int, cid: str, agent: int, assigned_by_takeover: bool) -> int:
        rng = self.rng
        bot = self.user_type[agent] == "bot"
        for _ in range(rng.randrange(0, 6)):
            t = self.step(t)
            r = rng.random()
            if r < 0.4:
                self.add(t, "message.sent", cid, role="consumer")
            elif r < 0.8:
                role = (
                    "bot"
                    if bot
                    else (rng.choice(("manager", "agent")) if assigned_by_takeover else "agent")
                )
                self.add(t, "message.sent", cid, agent=agent, role=role)
            elif r < 0.87:
                self.add(t, "message.sent", cid, role="system")
            elif r < 0.94 and self.managers:
                m = rng.choice(self.managers).id
                if m != agent:
                    self.add(t, "message.sent", cid, agent=m, role="manager")
            else:
                other = rng.choice(self.humans).id
                if other != agent:
                    self.add(t, "message.sent", cid, agent=other, role="participant")
        return t

    def conversation(self, cid: str, t: int) -> None:
        rng = self.rng
        self.add(t, "conversation.opened", cid)
        if rng.random() < 0.5:
            t = self.step(t)
            self.add(t, "message.sent", cid, role="consumer")
        skill = BOT_SKILL if self.bots and rng.random() < 0.25 else rng.choice(HUMAN_SKILLS)
        reason = "new"
        route: tuple[str, int] | None = ("queue", skill)
        for _ in range(rng.randrange(1, 5)):
            if route is None:
                return
            t = self.step(t)
            if route[0] == "queue":
                skill = route[1]
                self.add(t, "conversation.queued", cid, skill=skill)
                if rng.random() < 0.05:
                    t = self.step(t)
                    self.add(t, "conversation.abandoned", cid)
                    return
                agent = rng.choice(self.by_skill[skill])
                if rng.random() < 0.1:
                    t = self.step(t)
                    self.add(t, "assignment.offered", cid, agent=agent, skill=skill, reason=reason)
                    t = self.step(t)
                    self.add(t, "assignment.declined", cid, agent=agent, skill=skill)
                    agent = rng.choice(self.by_skill[skill])
            else:
                agent = route[1]
            t = self.step(t)
            if reason != "takeover":
                self.add(t, "assignment.offered", cid, agent=agent, skill=skill, reason=reason)
                t = self.step(t)
            self.add(t, "assignment.accepted", cid, agent=agent, skill=skill, reason=reason)
            t = self.messages(t, cid, agent, reason == "takeover")
            t = self.step(t)
            r = rng.random()
            if r < 0.08:
                return  # still assigned when the log ends: an open segment
            if r < 0.3:
                if self.user_type[agent] == "bot" or rng.random() < 0.5:
                    target = rng.choice(HUMAN_SKILLS)
                    self.add(t, "conversation.transferred", cid, agent=agent, to_skill=target)
                    route, reason = ("queue", target), "transfer"
                else:
                    target_agent = rng.choice(self.humans).id
                    self.add(t, "conversation.transferred", cid, agent=agent, to_agent=target_agent)
                    route, reason = ("agent", target_agent), "transfer"
            elif r < 0.4:
                self.add(t, "conversation.back_to_queue", cid, agent=agent)
                route, reason = ("queue", skill), "back_to_queue"
                if rng.random() < 0.2:  # consumer leaves while waiting again
                    t = self.step(t)
                    self.add(t, "conversation.queued", cid, skill=skill)
                    t = self.step(t)
                    self.add(t, "conversation.closed", cid, closed_by="consumer", reason="left")
                    return
            elif r < 0.5 and self.managers and self.user_type[agent] == "human":
                manager = rng.choice(self.managers).id
                if manager == agent:
                    return
                self.add(t, "conversation.taken_over", cid, agent=manager, from_agent=agent)
                route, reason = ("agent", manager), "takeover"
            else:
                by = rng.choice(("consumer", "agent", "system"))
                self.add(
                    t,
                    "conversation.closed",
                    cid,
                    closed_by=by,
                    reason="done",
                    agent=agent if by == "agent" else None,
                )
                if rng.random() < 0.3:
                    t = self.step(t)
                    self.add(t, rng.choice(("conversation.resumed", "conversation.reopened")), cid)
                    if rng.random() < 0.5:
                        t = self.step(t)
                        self.add(t, "message.sent", cid, role="consumer")
                    route, reason = ("queue", rng.choice(HUMAN_SKILLS)), "resume"
                else:
                    route = None


def random_table(
    *,
    seed: int,
    conversations: int,
    span_ms: int = 3_600_000,
    t0: int = 1_700_000_000_000,
    roster: Roster | None = None,
) -> pa.Table:
    """A valid log table of ``conversations`` random conversations starting in [t0, t0+span)."""
    roster = roster or make_roster()
    rng = random.Random(seed)
    gen = _Gen(rng, roster)
    for a in roster.agents:
        gen.add(t0, "agent.login", "", agent=a.id)
    starts = sorted(rng.randrange(t0 + 1, t0 + span_ms) for _ in range(conversations))
    for i, t in enumerate(starts):
        gen.conversation(f"c{i}", t)
    events = gen.events
    n = len(events)
    cols = list(zip(*events, strict=True)) if n else [[] for _ in _COLS]
    data = dict(zip(_COLS, cols, strict=True))
    ts = np.asarray(data["ts"], dtype=np.int64)
    # Stable sort by ts keeps each conversation's causal order among equal timestamps.
    order = np.argsort(ts, kind="stable")
    kind = np.asarray(data["kind"], dtype=object)[order]
    cid = np.asarray(data["conversation_id"], dtype=object)[order]
    is_login = kind == "agent.login"
    is_open = kind == "conversation.opened"
    conv_num = np.array([int(c[1:]) if c else 0 for c in cid.tolist()], dtype=np.int64)
    src = np.asarray(SOURCES, dtype=object)[conv_num % len(SOURCES)]

    def obj(name: str) -> list[Any]:
        return np.asarray(data[name], dtype=object)[order].tolist()

    arrays = {
        "event_id": [f"e{i}" for i in range(n)],
        "ts": ts[order],
        "seq": np.arange(n, dtype=np.int64),
        "kind": kind.tolist(),
        "account": [ACCOUNT] * n,
        "conversation_id": np.where(is_login, None, cid).tolist(),
        "site": np.where(is_login | is_open, SITE, None).tolist(),
        "channel": np.where(is_open, "messaging", None).tolist(),
        "source": np.where(is_open, src, None).tolist(),
        "consumer_id": np.where(is_open, cid, None).tolist(),
    }
    for name in ("agent_id", "skill_id", "from_agent_id", "to_skill_id", "to_agent_id"):
        arrays[name] = pa.array(obj(name), type=pa.int64())
    for name in ("reason", "closed_by", "sender_role"):
        arrays[name] = obj(name)
    fields = [SCHEMA.field(k) for k in arrays]
    return pa.Table.from_arrays(
        [pa.array(v, type=f.type) for v, f in zip(arrays.values(), fields, strict=True)],
        schema=pa.schema(fields),
    )


def random_log(
    *, seed: int, conversations: int, span_ms: int = 3_600_000, t0: int = 1_700_000_000_000
) -> EventLog:
    """:func:`random_table` wrapped as an EventLog with its roster."""
    roster = make_roster()
    table = random_table(
        seed=seed, conversations=conversations, span_ms=span_ms, t0=t0, roster=roster
    )
    return EventLog.from_table(table, roster=roster)


def reference_features(records: Iterable[dict[str, Any]], now: int) -> list[dict[str, Any]]:
    """Per-segment values by a literal walk over events with ts < now (docs/metrics.md).

    Returns one dict per segment in start (ts, seq) order with the agent,
    skill, start, start kind, end kind and every feature.
    """
    segs: list[dict[str, Any]] = []
    current: dict[str, dict[str, Any]] = {}  # conversation -> its open segment
    start_kind = {
        "new": "new",
        "transfer": "transfer",
        "back_to_queue": "transfer",
        "takeover": "takeover",
        "resume": "resume",
    }
    ends = {
        "conversation.transferred": "transfer",
        "conversation.back_to_queue": "back_to_queue",
        "conversation.taken_over": "takeover",
    }
    for e in records:
        if e["ts"] >= now:
            break
        cid, kind = e.get("conversation_id"), e["kind"]
        if kind == "assignment.accepted":
            seg = {
                "agent": e["agent_id"],
                "skill": e["skill_id"],
                "start": e["ts"],
                "start_kind": start_kind[e["reason"]],
                "end_kind": "open",
                "end": None,
                "stream": [],
            }
            segs.append(seg)
            current[cid] = seg
        elif cid in current and (kind in ends or kind == "conversation.closed"):
            seg = current.pop(cid)
            seg["end"] = e["ts"]
            seg["end_kind"] = ends.get(kind) or "close_" + e["closed_by"]
        elif kind == "message.sent" and cid in current:
            seg = current[cid]
            if e["sender_role"] == "consumer":
                seg["stream"].append(("C", e["ts"]))
            elif e["sender_role"] in ("agent", "bot", "manager") and e["agent_id"] == seg["agent"]:
                seg["stream"].append(("A", e["ts"]))
    return [_reference_one(s) for s in segs]


def _reference_one(seg: dict[str, Any]) -> dict[str, Any]:
    skips = seg["start_kind"] in ("takeover", "resume")
    stream = seg["stream"]
    agent_idx = [i for i, (who, _) in enumerate(stream) if who == "A"]
    counted = agent_idx[1:] if skips else agent_idx
    ended = seg["end_kind"] != "open"
    out: dict[str, Any] = {k: seg[k] for k in ("agent", "skill", "start", "start_kind", "end_kind")}
    out["messages"] = len(counted)
    out["duration"] = seg["end"] - seg["start"] if ended else None
    replied = bool(counted) and any(who == "C" for who, _ in stream[counted[0] + 1 :])
    outcome = None
    if ended:
        if counted:
            outcome = "interactive" if replied else "nonresponsive_consumer"
        else:
            outcome = "abandoned" if seg["end_kind"] == "close_consumer" else "nonresponsive_agent"
    out["outcome"] = outcome
    first = None
    if agent_idx and not skips:
        first = stream[agent_idx[0]][1] - seg["start"]
    out["first"] = first
    responses = [] if first is None else [first]
    run_start = None
    last_agent_seen = False
    for who, ts in stream:
        if who == "C":
            if run_start is None:
                run_start = ts
        else:
            if last_agent_seen and run_start is not None:
                responses.append(ts - run_start)
            last_agent_seen = True
            run_start = None
    out["responses"] = responses
    return out
