"""Random valid logs, degenerate ones included, for the never-crash tests of every family.

:func:`valid_logs` draws a *profile* and builds a small log on the example log's roster
(two sites, humans, a manager, a bot, an SLA policy, objectives; Europe/Paris, around a
DST change): ``full`` (every event kind), ``no_accepts``, ``no_messages``,
``only_logins``, ``only_bots`` (every assignment a bot's), ``never_ended`` (no segment
ever ends), ``no_conversations`` (agents only), ``single_event``, ``empty``. Events are
drawn liberally (an accept may find its agent away, a message may follow a close); then
:func:`repaired` drops the events ``ccbench validate`` rejects until the log is valid, so
every drawn log is valid by construction and still degenerate in the drawn way.
:func:`without_kinds` does the same after removing whole event kinds (the removal test).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import orjson
from hypothesis import strategies as st

from ccbench.eventlog import EventLog, Roster, validate

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "example.ndjson"
PROFILES = (
    "full",
    "no_accepts",
    "no_messages",
    "only_logins",
    "only_bots",
    "never_ended",
    "no_conversations",
    "single_event",
    "empty",
)
#: Instants logs start at: an ordinary day, the night before the spring DST change in
#: Paris (a 23-hour day), and the autumn one (25 hours).
ORIGINS = (1_795_165_200_000, 1_774_738_800_000, 1_792_882_800_000)
_HUMAN_SKILLS = (333, 444)
_BOT_SKILL = 900


def example_roster(account: str = "acme") -> Roster:
    """The roster of examples/example.ndjson under ``account``."""
    doc = orjson.loads(EXAMPLE.read_bytes().split(b"\n", 1)[0])["roster"]
    return Roster.from_dict({**doc, "account": account})


def example_records() -> list[dict[str, Any]]:
    """The events of examples/example.ndjson, in log order."""
    lines = EXAMPLE.read_bytes().splitlines()[1:]
    return [orjson.loads(line) for line in lines if line.strip()]


def repaired(records: Iterable[dict[str, Any]], roster: Roster) -> EventLog:
    """The log of ``records`` (any order) minus every event validation rejects, repeated
    until nothing is rejected (each pass removes at least one event, so it ends)."""
    rows = sorted(records, key=lambda r: (r["ts"], r["seq"]))
    for r in rows:
        r["account"] = roster.account
    while True:
        log = EventLog.from_records(rows, roster=roster)
        bad = {v.row for v in validate(log)}
        if not bad:
            return log
        rows = [r for i, r in enumerate(log.records()) if i not in bad]


def without_kinds(kinds: Iterable[str], *, account: str = "acme") -> EventLog:
    """The example log without the events of ``kinds``, repaired to a valid log."""
    drop = set(kinds)
    roster = example_roster(account)
    return repaired((r for r in example_records() if r["kind"] not in drop), roster)


class _Draw:
    """Event drafts of one log; ``ts`` in ms, ``seq`` assigned in draft order."""

    def __init__(self, rng: random.Random, roster: Roster, profile: str, t0: int) -> None:
        self.rng, self.roster, self.profile, self.t = rng, roster, profile, t0
        self.events: list[dict[str, Any]] = []
        agents = roster.agents
        self.bots = [a.id for a in agents if a.user_type == "bot"]
        self.managers = [a.id for a in agents if a.role == "manager"]
        # the roster's first SLA policy, named by some conversations (format 2)
        self.policy = roster.sla_policies[0].id
        self.humans = [a.id for a in agents if a.user_type == "human" and a.role != "manager"]
        self.by_skill = {
            s.id: [a.id for a in agents if s.id in a.skills and a.role != "manager"]
            for s in roster.skills
        }
        self.sites = [s.id for s in roster.sites]

    def add(self, kind: str, **fields: Any) -> None:
        self.events.append({"event_id": f"e{len(self.events)}", "seq": len(self.events),
                            "ts": self.t, "kind": kind, **fields})  # fmt: skip

    def step(self) -> None:
        """Advance the clock: often not at all (equal timestamps), sometimes minutes."""
        self.t += self.rng.choice((0, 0, 1, 1000, 15_000, 60_000, 300_000, 1_800_000))

    def presence(self) -> None:
        """Logins of most agents to their sites, then a few status changes."""
        rng = self.rng
        for a in self.roster.agents:
            if rng.random() < 0.85:
                for site in a.sites:
                    if rng.random() < 0.8:
                        self.add("agent.login", agent_id=a.id, site=site)
        for _ in range(0 if self.profile == "only_logins" else rng.randrange(4)):
            a = rng.choice(self.roster.agents)
            self.step()
            status = rng.choice(("online", "online", "away", "back_soon", "busy"))
            self.add("agent.status", agent_id=a.id, status=status)

    def logouts(self) -> None:
        for a in self.roster.agents:
            if self.rng.random() < 0.2:
                self.step()
                self.add("agent.logout", agent_id=a.id, site=self.rng.choice(a.sites))

    def messages(self, cid: str, agent: int | None, *, call: bool) -> None:
        """A few messages of every role, the assigned agent's among them."""
        rng = self.rng
        if call or self.profile == "no_messages":
            return
        for _ in range(rng.randrange(5)):
            self.step()
            r = rng.random()
            if r < 0.4 or agent is None:
                self.add("message.sent", conversation_id=cid, sender_role="consumer")
            elif r < 0.75:
                role = "bot" if agent in self.bots else "agent"
                role = "manager" if agent in self.managers else role
                note = {"visibility": "internal"} if rng.random() < 0.2 else {}
                self.add("message.sent", conversation_id=cid, sender_role=role, agent_id=agent,
                         **note)  # fmt: skip
            elif r < 0.82:
                self.add("message.sent", conversation_id=cid, sender_role="system")
            elif r < 0.9:
                self.add("message.sent", conversation_id=cid, sender_role="manager",
                         agent_id=rng.choice(self.managers))  # fmt: skip
            else:
                self.add("message.sent", conversation_id=cid, sender_role="participant",
                         agent_id=rng.choice(self.humans))  # fmt: skip

    def extras(self, cid: str, agent: int | None) -> None:
        """Surveys, MCS, intents, sales, views and snoozes, each sometimes."""
        rng = self.rng
        if rng.random() < 0.3:
            self.add("survey.sent", conversation_id=cid)
        if rng.random() < 0.3:
            self.step()
            answer = {k: rng.randint(1, 5) for k in ("csat_welcome", "csat_quality")
                      if rng.random() < 0.5}  # fmt: skip
            self.add("survey.answered", conversation_id=cid, csat=rng.randint(1, 5), **answer)
        if rng.random() < 0.2:
            self.add("mcs.scored", conversation_id=cid, mcs=rng.randint(0, 100),
                     mcs_alerted=rng.choice((-1, 0, 1)))  # fmt: skip
        if rng.random() < 0.2:
            self.add("intent.detected", conversation_id=cid,
                     intent=rng.choice(("billing", "order_status")), language="fr")  # fmt: skip
        if agent is None:
            return
        if rng.random() < 0.2:
            self.add(
                "sale.recorded",
                conversation_id=cid,
                agent_id=agent,
                amount_minor=rng.randrange(100_000),
                currency=rng.choice(("EUR", "USD")),
            )
        if rng.random() < 0.2:
            self.add("view.started", conversation_id=cid, agent_id=agent)
            self.step()
            if rng.random() < 0.7:
                self.add("view.ended", conversation_id=cid, agent_id=agent)
        if rng.random() < 0.15:
            self.add("conversation.snoozed", conversation_id=cid, agent_id=agent,
                     snooze_until=self.t + 600_000)  # fmt: skip
            self.step()
            if rng.random() < 0.6:
                self.add("conversation.unsnoozed", conversation_id=cid)

    def conversation(self, cid: str) -> None:
        rng, profile = self.rng, self.profile
        channel = rng.choice(("messaging", "messaging", "chat", "call"))
        bot_first = profile == "only_bots" or rng.random() < 0.3
        self.add("conversation.opened", conversation_id=cid, site=rng.choice(self.sites),
                 channel=channel, source=rng.choice(("APP", "WEB")),
                 consumer_id=f"u{rng.randrange(4)}", language="fr",
                 **({"bot_flow": "welcome"} if bot_first else {}),
                 **({"direction": "outbound"} if rng.random() < 0.2 else {}),
                 **({"sla_policy": self.policy} if rng.random() < 0.3 else {}))  # fmt: skip
        self.messages(cid, None, call=channel == "call")
        skill, reason = (_BOT_SKILL if bot_first else rng.choice(_HUMAN_SKILLS)), "new"
        for _ in range(rng.randrange(1, 4)):
            self.step()
            self.add("conversation.queued", conversation_id=cid, skill_id=skill)
            if skill != _BOT_SKILL and rng.random() < 0.2:  # moved to another queue
                self.step()
                skill = rng.choice(_HUMAN_SKILLS)
                self.add("conversation.queued", conversation_id=cid, skill_id=skill)
            if profile == "no_accepts" or rng.random() < 0.15:
                self.step()
                if rng.random() < 0.5:
                    self.add("conversation.abandoned", conversation_id=cid)
                elif rng.random() < 0.5:
                    self.add(
                        "conversation.closed",
                        conversation_id=cid,
                        closed_by=rng.choice(("consumer", "system")),
                        reason="left",
                    )
                self.extras(cid, None)
                return
            pool = self.bots if profile == "only_bots" else self.by_skill[skill]
            agent = rng.choice(pool)
            self.step()
            self.add("assignment.offered", conversation_id=cid, agent_id=agent, skill_id=skill,
                     reason=reason)  # fmt: skip
            self.step()
            self.add("assignment.accepted", conversation_id=cid, agent_id=agent, skill_id=skill,
                     reason=reason)  # fmt: skip
            self.messages(cid, agent, call=channel == "call")
            self.extras(cid, agent)
            if profile == "never_ended" or rng.random() < 0.15:
                return  # the segment never ends
            self.step()
            r = rng.random()
            if r < 0.25 and profile != "only_bots":
                skill, reason = rng.choice(_HUMAN_SKILLS), "transfer"
                self.add("conversation.transferred", conversation_id=cid, agent_id=agent,
                         to_skill_id=skill)  # fmt: skip
            elif r < 0.35:
                reason = "back_to_queue"
                self.add("conversation.back_to_queue", conversation_id=cid, agent_id=agent)
            elif r < 0.45 and agent not in self.bots:
                manager = rng.choice(self.managers)
                self.add("conversation.taken_over", conversation_id=cid, agent_id=manager,
                         from_agent_id=agent)  # fmt: skip
                self.step()
                self.add("assignment.accepted", conversation_id=cid, agent_id=manager,
                         skill_id=skill, reason="takeover")  # fmt: skip
                self.messages(cid, manager, call=channel == "call")
                return
            else:
                by = rng.choice(("consumer", "agent", "system"))
                self.add(
                    "conversation.closed",
                    conversation_id=cid,
                    closed_by=by,
                    reason="done",
                    **({"agent_id": agent} if by == "agent" else {}),
                )
                self.extras(cid, None)
                if rng.random() < 0.7:
                    return
                self.step()
                self.add(rng.choice(("conversation.resumed", "conversation.reopened")),
                         conversation_id=cid)  # fmt: skip
                self.messages(cid, None, call=channel == "call")
                reason = "resume"


def draw_log(rng: random.Random, profile: str, *, account: str = "acme") -> EventLog:
    """A valid log of ``profile`` (one of :data:`PROFILES`) drawn with ``rng``."""
    roster = example_roster(account)
    d = _Draw(rng, roster, profile, rng.choice(ORIGINS) + rng.randrange(3_600_000))
    if profile == "empty":
        return EventLog.from_records([], roster=roster)
    if profile != "no_accepts" or rng.random() < 0.5:
        d.presence()
    if profile not in ("only_logins", "no_conversations"):
        for i in range(rng.randrange(1, 7)):
            d.step()
            d.conversation(f"c{i}")
        if profile == "full":
            d.step()
            d.add("conversation.merged", conversation_id="c0", into_conversation_id="c1")
    if profile != "only_logins":
        d.logouts()
    log = repaired(d.events, roster)
    if profile == "single_event":
        return EventLog.from_records(list(log.records())[:1], roster=roster)
    return log


@st.composite
def valid_logs(draw: st.DrawFn, profiles: Sequence[str] = PROFILES) -> EventLog:
    """A random valid log of a random profile (:data:`PROFILES`)."""
    profile = draw(st.sampled_from(profiles))
    return draw_log(draw(st.randoms(use_true_random=False)), profile)
