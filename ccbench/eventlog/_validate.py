"""Validation of a whole log: schema, order, referential integrity, lifecycle.

The lifecycle is an explicit state machine per conversation and per agent,
documented in docs/eventlog.md ("Lifecycle"). :func:`validate` never stops at
the first problem: it returns every violation, each naming the event, the
rule (an id from :data:`RULES`) and the values involved.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import numpy as np

from ._log import EventLog
from ._records import Violation, check_table
from ._schema import FIELDS

__all__ = ["RULES", "ConversationState", "validate"]

RULES: dict[str, str] = {
    "schema.<field>": "a field's value breaks its type, choices, pattern or range",
    "schema.kind": "unknown event kind",
    "schema.required": "a field the kind requires is missing",
    "schema.forbidden": "a field the kind does not take is present",
    "schema.reason": "an assignment reason outside new, transfer, back_to_queue, takeover, resume",
    "order": "events are not sorted by (ts, seq)",
    "unique.event_id": "an event id appears more than once",
    "unique.seq": "a seq value appears more than once",
    "account": "the event's account differs from the roster's",
    "ref.agent": "an agent id not in the roster",
    "ref.skill": "a skill id not in the roster",
    "ref.site": "a site not in the roster, or not one of the agent's sites",
    "ref.bot_flow": "a bot flow no roster bot has",
    "ref.conversation": "an event for a conversation that was never opened (or merge into one)",
    "lifecycle.duplicate-open": "a conversation opened twice",
    "lifecycle.queue-state": "queued while assigned or ended",
    "lifecycle.offer-state": "an offer for a conversation that is assigned or ended",
    "lifecycle.decline-without-offer": "a decline with no pending offer to that agent",
    "lifecycle.accept-without-offer": "an accept with no pending offer to that agent and skill",
    "lifecycle.assign-state": "an assignment of a conversation that is assigned or ended",
    "lifecycle.takeover-accept": "a takeover accept not preceded by that manager's takeover",
    "lifecycle.not-assigned": "a transfer, back-to-queue, takeover or snooze by an agent who "
    "is not the assigned one, or of an unassigned conversation",
    "lifecycle.transfer-target": "a transfer with neither to_skill_id nor to_agent_id",
    "lifecycle.snooze-state": "snooze of a snoozed conversation, or unsnooze of one not snoozed",
    "lifecycle.close-state": "closing a conversation that already ended",
    "lifecycle.close-agent": "closed_by agent without the closing agent_id",
    "lifecycle.resume-state": "resume or reopen of a conversation that is not closed",
    "lifecycle.merge-state": "merge of a conversation that is not closed, or into itself",
    "lifecycle.abandon-state": "abandon of a conversation that is not waiting in a queue",
    "lifecycle.message-ended": "a message in a closed, abandoned or merged conversation",
    "lifecycle.call-message": "a message in a call (voice has no messages)",
    "routing.offer-skill": "an offer for a skill other than the one the conversation is queued to",
    "routing.agent-skill": "a queue offer to an agent who lacks the skill",
    "agent.logged-out": "an assignment to an agent not logged in to the conversation's site",
    "agent.unavailable": "an assignment to an agent whose status is not online",
    "agent.max-slots": "an assignment beyond the agent's max_slots",
    "agent.double-login": "a login to a site the agent is already logged in to",
    "agent.logout-without-login": "a logout from a site the agent is not logged in to",
    "agent.status-logged-out": "a status change of an agent logged in nowhere",
    "message.sender": "sender fields that do not fit the role (consumer/system have no "
    "agent_id, the others need one)",
    "message.role": "a role that contradicts the roster or the assignment",
    "view.nested": "a view start while the same agent already views the conversation",
    "view.unmatched": "a view end without a matching start",
    "unrecorded": "an event of a kind the roster lists in unrecorded_kinds",
}


class ConversationState(Enum):
    """Where a conversation is in its lifecycle (docs/eventlog.md, Lifecycle)."""

    OPEN = "open"  # opened, resumed or reopened, or left by an agent; not in a queue
    QUEUED = "queued"
    ASSIGNED = "assigned"
    CLOSED = "closed"
    ABANDONED = "abandoned"
    MERGED = "merged"


_WAITING = (ConversationState.OPEN, ConversationState.QUEUED)
_ENDED = (ConversationState.CLOSED, ConversationState.ABANDONED, ConversationState.MERGED)


@dataclass(slots=True)
class _Conv:
    site: str
    channel: str
    state: ConversationState = ConversationState.OPEN
    queued_skill: int | None = None
    offer: tuple[int, int] | None = None  # (agent, skill)
    assigned: int | None = None
    takeover_by: int | None = None
    snoozed: bool = False
    counts_slot: bool = False


@dataclass(slots=True)
class _AgentState:
    sites: set[str] = field(default_factory=set)
    status: str | None = None
    holding: set[str] = field(default_factory=set)  # conversations counted against max_slots


class _Checker:
    def __init__(self, log: EventLog, out: list[Violation]) -> None:
        self.roster = log.roster
        self.out = out
        self.convs: dict[str, _Conv] = {}
        self.agents: dict[int, _AgentState] = defaultdict(_AgentState)
        self.views: set[tuple[str, int]] = set()
        self.flows = log.roster.bot_flows()
        self.sites = {s.id for s in log.roster.sites}
        # a source that records no offers or no agent states cannot be held to their rules
        unrecorded = set(log.roster.unrecorded_kinds)
        self.check_offers = "assignment.offered" not in unrecorded
        self.check_agents = not unrecorded & {"agent.login", "agent.logout", "agent.status"}
        self.unrecorded = unrecorded
        self.row = 0
        self.event_id: str | None = None

    def fail(self, rule: str, message: str, **values: Any) -> None:
        self.out.append(Violation(rule, self.row, self.event_id, message, values))

    # -- referential checks -------------------------------------------------
    def known_agent(self, agent: int | None, what: str = "agent_id") -> bool:
        if agent is None:
            return False
        if self.roster.agent(agent) is None:
            self.fail("ref.agent", f"{what} {agent} is not in roster.agents", **{what: agent})
            return False
        return True

    def known_skill(self, skill: int | None, what: str = "skill_id") -> None:
        if skill is not None and self.roster.skill(skill) is None:
            self.fail("ref.skill", f"{what} {skill} is not in roster.skills", **{what: skill})

    # -- dispatch -----------------------------------------------------------
    def event(self, e: dict[str, Any]) -> None:
        kind: str = e["kind"]
        if e["account"] != self.roster.account:
            self.fail(
                "account",
                f"account {e['account']!r} differs from the roster's {self.roster.account!r}",
                account=e["account"],
            )
        for name in ("agent_id", "from_agent_id", "to_agent_id"):
            if e[name] is not None:
                self.known_agent(e[name], name)
        for name in ("skill_id", "to_skill_id"):
            self.known_skill(e[name], name)
        if kind in self.unrecorded:
            self.fail(
                "unrecorded",
                f"{kind} event, but roster.unrecorded_kinds says the source records none",
                kind=kind,
            )
        if kind.startswith("agent."):
            self.agent_event(kind, e)
            return
        cid = e["conversation_id"]
        if kind == "conversation.opened":
            self.opened(cid, e)
            return
        conv = self.convs.get(cid)
        if conv is None:
            self.fail(
                "ref.conversation",
                f"{kind} for conversation {cid!r}, which was never opened",
                conversation_id=cid,
            )
            return
        handler = getattr(self, "on_" + kind.replace(".", "_"))
        handler(cid, conv, e)

    def opened(self, cid: str, e: dict[str, Any]) -> None:
        if cid in self.convs:
            self.fail(
                "lifecycle.duplicate-open",
                f"conversation {cid!r} opened twice",
                conversation_id=cid,
            )
            return
        if e["site"] not in self.sites:
            self.fail("ref.site", f"site {e['site']!r} is not in roster.sites", site=e["site"])
        if e["bot_flow"] is not None and e["bot_flow"] not in self.flows:
            self.fail(
                "ref.bot_flow",
                f"bot_flow {e['bot_flow']!r} is not a flow of any roster bot",
                bot_flow=e["bot_flow"],
            )
        self.convs[cid] = _Conv(site=e["site"], channel=e["channel"])

    # -- routing ------------------------------------------------------------
    def on_conversation_queued(self, cid: str, conv: _Conv, e: dict[str, Any]) -> None:
        if conv.state not in _WAITING:
            self.fail(
                "lifecycle.queue-state",
                f"{cid!r} queued while {conv.state.value}",
                state=conv.state.value,
            )
            return
        conv.state, conv.queued_skill, conv.offer = ConversationState.QUEUED, e["skill_id"], None

    def on_assignment_offered(self, cid: str, conv: _Conv, e: dict[str, Any]) -> None:
        agent, skill = e["agent_id"], e["skill_id"]
        if conv.state not in _WAITING or conv.takeover_by is not None:
            self.fail(
                "lifecycle.offer-state",
                f"offer of {cid!r} while {conv.state.value}",
                state=conv.state.value,
            )
            return
        if conv.state is ConversationState.QUEUED:
            if skill != conv.queued_skill:
                self.fail(
                    "routing.offer-skill",
                    f"offer for skill {skill} but {cid!r} is queued to skill {conv.queued_skill}",
                    skill_id=skill,
                    queued_skill=conv.queued_skill,
                )
            a = self.roster.agent(agent)
            if a is not None and skill not in a.skills:
                self.fail(
                    "routing.agent-skill",
                    f"agent {agent} lacks skill {skill}",
                    agent_id=agent,
                    skill_id=skill,
                )
        conv.offer = (agent, skill)

    def on_assignment_declined(self, cid: str, conv: _Conv, e: dict[str, Any]) -> None:
        if conv.offer != (e["agent_id"], e["skill_id"]):
            self.fail(
                "lifecycle.decline-without-offer",
                f"agent {e['agent_id']} declined {cid!r} with no pending offer",
                agent_id=e["agent_id"],
                offer=conv.offer,
            )
            return
        conv.offer = None

    def on_assignment_accepted(self, cid: str, conv: _Conv, e: dict[str, Any]) -> None:
        agent, skill, reason = e["agent_id"], e["skill_id"], e["reason"]
        takeover = reason == "takeover"
        if takeover:
            if conv.takeover_by != agent:
                self.fail(
                    "lifecycle.takeover-accept",
                    f"takeover accept of {cid!r} by {agent} without a takeover by that manager",
                    agent_id=agent,
                    takeover_by=conv.takeover_by,
                )
                return
        elif conv.state not in _WAITING:
            self.fail(
                "lifecycle.assign-state",
                f"assignment of {cid!r} while {conv.state.value}",
                agent_id=agent,
                state=conv.state.value,
            )
            return
        elif self.check_offers and conv.offer != (agent, skill):
            self.fail(
                "lifecycle.accept-without-offer",
                f"agent {agent} accepted {cid!r} (skill {skill}) with no such pending offer",
                agent_id=agent,
                skill_id=skill,
                offer=conv.offer,
            )
        state = self.agents[agent]
        if self.check_agents:
            self.agent_may_take(cid, conv, agent, takeover=takeover)
        conv.state, conv.assigned, conv.offer, conv.takeover_by = (
            ConversationState.ASSIGNED,
            agent,
            None,
            None,
        )
        conv.queued_skill, conv.snoozed, conv.counts_slot = None, False, not takeover
        if not takeover:
            state.holding.add(cid)

    def agent_may_take(self, cid: str, conv: _Conv, agent: int, *, takeover: bool) -> None:
        """The agent-state rules of an accept: logged in to the site, online, a free slot."""
        state = self.agents[agent]
        a = self.roster.agent(agent)
        if conv.site not in state.sites:
            self.fail(
                "agent.logged-out",
                f"agent {agent} assigned {cid!r} while not logged in to site {conv.site!r}",
                agent_id=agent,
                site=conv.site,
            )
        elif not takeover and state.status != "online":
            self.fail(
                "agent.unavailable",
                f"agent {agent} assigned {cid!r} while {state.status}",
                agent_id=agent,
                status=state.status,
            )
        if not takeover and a is not None and len(state.holding) >= a.max_slots:
            self.fail(
                "agent.max-slots",
                f"agent {agent} assigned {cid!r} holding "
                f"{len(state.holding)} of max_slots {a.max_slots}",
                agent_id=agent,
                holding=len(state.holding),
                max_slots=a.max_slots,
            )

    def release(self, cid: str, conv: _Conv) -> None:
        if conv.assigned is not None:
            self.agents[conv.assigned].holding.discard(cid)
        conv.assigned, conv.snoozed, conv.counts_slot = None, False, False

    def by_assigned(self, cid: str, conv: _Conv, agent: int, kind: str) -> bool:
        if conv.state is not ConversationState.ASSIGNED or conv.assigned != agent:
            self.fail(
                "lifecycle.not-assigned",
                f"{kind} of {cid!r} by agent {agent}, but the assigned agent is {conv.assigned}",
                agent_id=agent,
                assigned=conv.assigned,
            )
            return False
        return True

    def on_conversation_transferred(self, cid: str, conv: _Conv, e: dict[str, Any]) -> None:
        if e["to_skill_id"] is None and e["to_agent_id"] is None:
            self.fail("lifecycle.transfer-target", f"transfer of {cid!r} names no target")
        if self.by_assigned(cid, conv, e["agent_id"], "transfer"):
            self.release(cid, conv)
            conv.state = ConversationState.OPEN

    def on_conversation_back_to_queue(self, cid: str, conv: _Conv, e: dict[str, Any]) -> None:
        if self.by_assigned(cid, conv, e["agent_id"], "back-to-queue"):
            self.release(cid, conv)
            conv.state = ConversationState.OPEN

    def on_conversation_taken_over(self, cid: str, conv: _Conv, e: dict[str, Any]) -> None:
        if self.by_assigned(cid, conv, e["from_agent_id"], "takeover"):
            self.release(cid, conv)
            conv.state, conv.takeover_by = ConversationState.OPEN, e["agent_id"]

    def on_conversation_snoozed(self, cid: str, conv: _Conv, e: dict[str, Any]) -> None:
        if not self.by_assigned(cid, conv, e["agent_id"], "snooze"):
            return
        if conv.snoozed:
            self.fail("lifecycle.snooze-state", f"{cid!r} snoozed twice")
        conv.snoozed = True

    def on_conversation_unsnoozed(self, cid: str, conv: _Conv, e: dict[str, Any]) -> None:
        if not conv.snoozed:
            self.fail("lifecycle.snooze-state", f"unsnooze of {cid!r}, which is not snoozed")
        conv.snoozed = False

    # -- ends and restarts --------------------------------------------------
    def on_conversation_closed(self, cid: str, conv: _Conv, e: dict[str, Any]) -> None:
        if conv.state in _ENDED:
            self.fail(
                "lifecycle.close-state",
                f"close of {cid!r} while {conv.state.value}",
                state=conv.state.value,
            )
            return
        if e["closed_by"] == "agent" and e["agent_id"] is None:
            self.fail("lifecycle.close-agent", f"{cid!r} closed_by agent without agent_id")
        self.release(cid, conv)
        conv.state, conv.offer, conv.takeover_by = ConversationState.CLOSED, None, None

    def restart(self, cid: str, conv: _Conv, kind: str) -> None:
        if conv.state is not ConversationState.CLOSED:
            self.fail(
                "lifecycle.resume-state",
                f"{kind} of {cid!r} while {conv.state.value}",
                state=conv.state.value,
            )
            return
        conv.state = ConversationState.OPEN

    def on_conversation_resumed(self, cid: str, conv: _Conv, e: dict[str, Any]) -> None:
        self.restart(cid, conv, "resume")

    def on_conversation_reopened(self, cid: str, conv: _Conv, e: dict[str, Any]) -> None:
        self.restart(cid, conv, "reopen")

    def on_conversation_merged(self, cid: str, conv: _Conv, e: dict[str, Any]) -> None:
        into = e["into_conversation_id"]
        if into not in self.convs:
            self.fail(
                "ref.conversation",
                f"{cid!r} merged into {into!r}, which was never opened",
                into_conversation_id=into,
            )
        if conv.state is not ConversationState.CLOSED or into == cid:
            self.fail(
                "lifecycle.merge-state",
                f"merge of {cid!r} ({conv.state.value}) into {into!r}",
                state=conv.state.value,
                into_conversation_id=into,
            )
            return
        conv.state = ConversationState.MERGED

    def on_conversation_abandoned(self, cid: str, conv: _Conv, e: dict[str, Any]) -> None:
        if conv.state is not ConversationState.QUEUED:
            self.fail(
                "lifecycle.abandon-state",
                f"abandon of {cid!r} while {conv.state.value}",
                state=conv.state.value,
            )
            return
        conv.state, conv.offer = ConversationState.ABANDONED, None

    # -- content ------------------------------------------------------------
    def on_message_sent(self, cid: str, conv: _Conv, e: dict[str, Any]) -> None:
        role, agent = e["sender_role"], e["agent_id"]
        if conv.state in _ENDED:
            self.fail(
                "lifecycle.message-ended",
                f"{role} message in {cid!r} while {conv.state.value} (not resumed)",
                sender_role=role,
                state=conv.state.value,
            )
            return  # nobody is assigned in an ended conversation: role checks would cascade
        if conv.channel == "call":
            self.fail("lifecycle.call-message", f"message in call {cid!r}")
        if role in ("consumer", "system"):
            if agent is not None:
                self.fail(
                    "message.sender",
                    f"{role} message with agent_id {agent}",
                    sender_role=role,
                    agent_id=agent,
                )
            return
        if agent is None:
            self.fail("message.sender", f"{role} message without agent_id", sender_role=role)
            return
        a = self.roster.agent(agent)
        if a is None:
            return
        assigned = conv.state is ConversationState.ASSIGNED and conv.assigned == agent
        problem = None
        if role in ("agent", "bot") and not assigned:
            problem = f"{role} {agent} is not the assigned agent ({conv.assigned})"
        elif role == "agent" and a.user_type != "human":
            problem = f"agent {agent} has user_type {a.user_type}"
        elif role == "bot" and a.user_type != "bot":
            problem = f"bot {agent} has user_type {a.user_type}"
        elif role == "manager" and a.role != "manager":
            problem = f"manager {agent} has role {a.role}"
        elif role == "participant" and assigned:
            problem = f"participant {agent} is the assigned agent"
        if problem:
            self.fail(
                "message.role", f"message in {cid!r}: {problem}", sender_role=role, agent_id=agent
            )

    def on_view_started(self, cid: str, conv: _Conv, e: dict[str, Any]) -> None:
        key = (cid, e["agent_id"])
        if key in self.views:
            self.fail("view.nested", f"agent {e['agent_id']} already views {cid!r}")
        self.views.add(key)

    def on_view_ended(self, cid: str, conv: _Conv, e: dict[str, Any]) -> None:
        key = (cid, e["agent_id"])
        if key not in self.views:
            self.fail(
                "view.unmatched", f"agent {e['agent_id']} ends a view of {cid!r} never started"
            )
        self.views.discard(key)

    def _no_rule(self, cid: str, conv: _Conv, e: dict[str, Any]) -> None:
        """Surveys, MCS, intents and sales only need an opened conversation."""

    on_survey_answered = on_mcs_scored = on_intent_detected = on_sale_recorded = _no_rule

    # -- agents -------------------------------------------------------------
    def agent_event(self, kind: str, e: dict[str, Any]) -> None:
        agent = e["agent_id"]
        if agent is None:
            return
        state = self.agents[agent]
        a = self.roster.agent(agent)
        site = e["site"]
        if kind == "agent.login":
            if a is not None and site not in a.sites:
                self.fail(
                    "ref.site",
                    f"agent {agent} logs in to site {site!r}, not one of its sites {list(a.sites)}",
                    agent_id=agent,
                    site=site,
                )
            if site in state.sites:
                self.fail(
                    "agent.double-login",
                    f"agent {agent} already logged in to {site!r}",
                    agent_id=agent,
                    site=site,
                )
            if not state.sites:
                state.status = "online"
            state.sites.add(site)
        elif kind == "agent.logout":
            if site not in state.sites:
                self.fail(
                    "agent.logout-without-login",
                    f"agent {agent} logs out of {site!r} without being logged in",
                    agent_id=agent,
                    site=site,
                )
            state.sites.discard(site)
            if not state.sites:
                state.status = None
        elif kind == "agent.status":
            if not state.sites:
                self.fail(
                    "agent.status-logged-out",
                    f"agent {agent} changes status to {e['status']!r} while logged in nowhere",
                    agent_id=agent,
                )
            state.status = e["status"]


def validate(log: EventLog) -> list[Violation]:
    """Every violation of the contract in ``log``: schema, order, uniqueness, references
    and lifecycle. Rows are 0-based positions in ``log.table`` (the file order when the
    log was read with ``sort=False``). An empty list means the log is valid."""
    table = log.table
    out = check_table(table)
    ids = table.column("event_id").to_pylist()
    ts = table.column("ts").to_numpy()
    seq = table.column("seq").to_numpy()
    order = np.lexsort((seq, ts))
    if len(order) > 1:
        dts, dseq = np.diff(ts), np.diff(seq)
        for before in np.nonzero((dts < 0) | ((dts == 0) & (dseq < 0)))[0]:
            r = int(before) + 1
            out.append(
                Violation(
                    "order",
                    r,
                    ids[r],
                    f"(ts, seq) = ({ts[r]}, {seq[r]}) comes after ({ts[r - 1]}, {seq[r - 1]})",
                    {"ts": int(ts[r])},
                )
            )
    for name, values in (("event_id", ids), ("seq", seq.tolist())):
        seen: set[Any] = set()
        for row, value in enumerate(values):
            if value in seen:
                out.append(
                    Violation(
                        f"unique.{name}",
                        row,
                        ids[row],
                        f"{name} {value!r} appears more than once",
                        {name: value},
                    )
                )
            seen.add(value)
    broken_rows = {v.row for v in out if v.rule.startswith("schema.")}
    columns = {name: table.column(name).to_pylist() for name in FIELDS}
    checker = _Checker(log, out)
    for row in order.tolist():
        if row in broken_rows:
            continue  # a malformed event would only cascade into confusing lifecycle errors
        event = {name: values[row] for name, values in columns.items()}
        checker.row, checker.event_id = row, event["event_id"]
        checker.event(event)
    out.sort(key=lambda v: v.row if v.row is not None else -1)
    return out
