"""The conversation side of the lifecycle: an explicit state machine per conversation.

:class:`EventChecker` takes the events of a log in (ts, seq) order and
checks each against the roster (references), the state of its conversation
(:class:`ConversationState`: routing, assignment, ends and restarts,
messages, views) and, through :class:`AgentChecks`, the agents' sessions.
docs/eventlog.md ("Lifecycle") is the specification; every violation names
a rule of :data:`RULES`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from ._agent_checks import AgentChecks
from ._event_refs import check_event_refs, suspect_rows
from ._lifecycle_event import LifecycleEvent
from ._log import EventLog
from ._message_checks import check_message
from ._records import Violation
from ._schema import KINDS

__all__ = ["ConversationState", "EventChecker"]


class ConversationState(Enum):
    """Where a conversation is in its lifecycle (docs/eventlog.md, Lifecycle)."""

    OPEN = "open"  # opened, resumed or reopened, or left by an agent; not in a queue
    QUEUED = "queued"
    ASSIGNED = "assigned"
    CLOSED = "closed"
    ABANDONED = "abandoned"
    MERGED = "merged"


_AGENT_KINDS = frozenset(kind for kind in KINDS if kind.startswith("agent."))
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
    outbound_unwritten: bool = False  # outbound, and no public message yet


class EventChecker:
    """Checks each event, in log order, against the conversation and agent state machines.

    Set ``row`` and ``event_id`` before :meth:`event`: every violation names them.
    """

    def __init__(self, log: EventLog, out: list[Violation]) -> None:
        self.roster = log.roster
        self.out = out
        self.convs: dict[str, _Conv] = {}
        self.agents = AgentChecks(log.roster, self.fail)
        self.views: set[tuple[str, int]] = set()
        self.flows = log.roster.bot_flows()
        self.sites = {s.id for s in log.roster.sites}
        # a source that records no offers or no agent states cannot be held to their rules
        self.unrecorded = set(log.roster.unrecorded_kinds)
        self.check_offers = "assignment.offered" not in self.unrecorded
        self.check_agents = not self.unrecorded & {"agent.login", "agent.logout", "agent.status"}
        self.row = 0
        self.event_id: str | None = None
        # rows whose account, agents, skills or kind may break a rule by themselves
        self.suspects = suspect_rows(log.table, log.roster)
        # kind -> its on_<kind> method, looked up once rather than per event by name
        self.handlers: dict[str, Callable[[str, _Conv, LifecycleEvent], None]] = {
            kind: getattr(self, "on_" + kind.replace(".", "_"))
            for kind in KINDS
            if kind not in _AGENT_KINDS and kind != "conversation.opened"
        }

    def fail(self, rule: str, message: str, **values: Any) -> None:
        self.out.append(Violation(rule, self.row, self.event_id, message, values))

    # -- dispatch -----------------------------------------------------------
    def event(self, e: LifecycleEvent) -> None:
        kind = e.kind
        if self.row in self.suspects:
            check_event_refs(self.roster, self.fail, e)
        if kind in _AGENT_KINDS:
            self.agents.event(kind, e)
            return
        cid = e.conversation_id
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
        self.handlers[kind](cid, conv, e)

    def opened(self, cid: str, e: LifecycleEvent) -> None:
        if cid in self.convs:
            self.fail(
                "lifecycle.duplicate-open",
                f"conversation {cid!r} opened twice",
                conversation_id=cid,
            )
            return
        if e.site not in self.sites:
            self.fail("ref.site", f"site {e.site!r} is not in roster.sites", site=e.site)
        if e.bot_flow is not None and e.bot_flow not in self.flows:
            self.fail(
                "ref.bot_flow",
                f"bot_flow {e.bot_flow!r} is not a flow of any roster bot",
                bot_flow=e.bot_flow,
            )
        policy = e.sla_policy
        if policy is not None and self.roster.sla_policy(policy) is None:
            self.fail(
                "ref.sla_policy",
                f"sla_policy {policy!r} is not in roster.sla_policies",
                sla_policy=policy,
            )
        self.convs[cid] = _Conv(
            site=e.site, channel=e.channel, outbound_unwritten=e.direction == "outbound"
        )

    # -- routing ------------------------------------------------------------
    def on_conversation_queued(self, cid: str, conv: _Conv, e: LifecycleEvent) -> None:
        if conv.state not in _WAITING:
            self.fail(
                "lifecycle.queue-state",
                f"{cid!r} queued while {conv.state.value}",
                state=conv.state.value,
            )
            return
        conv.state, conv.queued_skill, conv.offer = ConversationState.QUEUED, e.skill_id, None

    def on_assignment_offered(self, cid: str, conv: _Conv, e: LifecycleEvent) -> None:
        agent, skill = e.agent_id, e.skill_id
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

    def on_assignment_declined(self, cid: str, conv: _Conv, e: LifecycleEvent) -> None:
        if conv.offer != (e.agent_id, e.skill_id):
            self.fail(
                "lifecycle.decline-without-offer",
                f"agent {e.agent_id} declined {cid!r} with no pending offer",
                agent_id=e.agent_id,
                offer=conv.offer,
            )
            return
        conv.offer = None

    def on_assignment_accepted(self, cid: str, conv: _Conv, e: LifecycleEvent) -> None:
        agent, skill, reason = e.agent_id, e.skill_id, e.reason
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
        state = self.agents.sessions[agent]
        if self.check_agents:
            self.agent_may_take(cid, conv, agent, takeover=takeover)
        conv.state, conv.assigned, conv.offer, conv.takeover_by = (
            ConversationState.ASSIGNED,
            agent,
            None,
            None,
        )
        conv.queued_skill, conv.snoozed = None, False
        if not takeover:
            state.holding.add(cid)

    def agent_may_take(self, cid: str, conv: _Conv, agent: int, *, takeover: bool) -> None:
        """The agent-state rules of an accept: logged in to the site, online, a free slot."""
        state = self.agents.sessions[agent]
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
            self.agents.sessions[conv.assigned].holding.discard(cid)
        conv.assigned, conv.snoozed = None, False

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

    def on_conversation_transferred(self, cid: str, conv: _Conv, e: LifecycleEvent) -> None:
        if e.to_skill_id is None and e.to_agent_id is None:
            self.fail("lifecycle.transfer-target", f"transfer of {cid!r} names no target")
        if self.by_assigned(cid, conv, e.agent_id, "transfer"):
            self.release(cid, conv)
            conv.state = ConversationState.OPEN

    def on_conversation_back_to_queue(self, cid: str, conv: _Conv, e: LifecycleEvent) -> None:
        if self.by_assigned(cid, conv, e.agent_id, "back-to-queue"):
            self.release(cid, conv)
            conv.state = ConversationState.OPEN

    def on_conversation_taken_over(self, cid: str, conv: _Conv, e: LifecycleEvent) -> None:
        if self.by_assigned(cid, conv, e.from_agent_id, "takeover"):
            self.release(cid, conv)
            conv.state, conv.takeover_by = ConversationState.OPEN, e.agent_id

    def on_conversation_snoozed(self, cid: str, conv: _Conv, e: LifecycleEvent) -> None:
        if not self.by_assigned(cid, conv, e.agent_id, "snooze"):
            return
        if conv.snoozed:
            self.fail("lifecycle.snooze-state", f"{cid!r} snoozed twice")
        conv.snoozed = True

    def on_conversation_unsnoozed(self, cid: str, conv: _Conv, e: LifecycleEvent) -> None:
        if not conv.snoozed:
            self.fail("lifecycle.snooze-state", f"unsnooze of {cid!r}, which is not snoozed")
        conv.snoozed = False

    # -- ends and restarts --------------------------------------------------
    def on_conversation_closed(self, cid: str, conv: _Conv, e: LifecycleEvent) -> None:
        if conv.state in _ENDED:
            self.fail(
                "lifecycle.close-state",
                f"close of {cid!r} while {conv.state.value}",
                state=conv.state.value,
            )
            return
        if e.closed_by == "agent" and e.agent_id is None:
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

    def on_conversation_resumed(self, cid: str, conv: _Conv, e: LifecycleEvent) -> None:
        self.restart(cid, conv, "resume")

    def on_conversation_reopened(self, cid: str, conv: _Conv, e: LifecycleEvent) -> None:
        self.restart(cid, conv, "reopen")

    def on_conversation_merged(self, cid: str, conv: _Conv, e: LifecycleEvent) -> None:
        into = e.into_conversation_id
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

    def on_conversation_abandoned(self, cid: str, conv: _Conv, e: LifecycleEvent) -> None:
        if conv.state is not ConversationState.QUEUED:
            self.fail(
                "lifecycle.abandon-state",
                f"abandon of {cid!r} while {conv.state.value}",
                state=conv.state.value,
            )
            return
        conv.state, conv.offer = ConversationState.ABANDONED, None

    # -- content ------------------------------------------------------------
    def on_message_sent(self, cid: str, conv: _Conv, e: LifecycleEvent) -> None:
        role = e.sender_role
        if conv.state in _ENDED:
            self.fail(
                "lifecycle.message-ended",
                f"{role} message in {cid!r} while {conv.state.value} (not resumed)",
                sender_role=role,
                state=conv.state.value,
            )
            return  # nobody is assigned in an ended conversation: role checks would cascade
        check_message(
            self.roster,
            self.fail,
            e,
            cid=cid,
            channel=conv.channel,
            assigned=conv.assigned if conv.state is ConversationState.ASSIGNED else None,
            outbound_unwritten=conv.outbound_unwritten,
        )
        if e.visibility != "internal":
            conv.outbound_unwritten = False

    def on_view_started(self, cid: str, conv: _Conv, e: LifecycleEvent) -> None:
        key = (cid, e.agent_id)
        if key in self.views:
            self.fail("view.nested", f"agent {e.agent_id} already views {cid!r}")
        self.views.add(key)

    def on_view_ended(self, cid: str, conv: _Conv, e: LifecycleEvent) -> None:
        key = (cid, e.agent_id)
        if key not in self.views:
            self.fail("view.unmatched", f"agent {e.agent_id} ends a view of {cid!r} never started")
        self.views.discard(key)

    def _no_rule(self, cid: str, conv: _Conv, e: LifecycleEvent) -> None:
        """Surveys, MCS, intents and sales only need an opened conversation."""

    on_survey_sent = on_survey_answered = _no_rule
    on_mcs_scored = on_intent_detected = on_sale_recorded = _no_rule
