"""The rules a log can break: the id every :class:`Violation` carries, with its meaning.

docs/eventlog.md lists the same ids ("Validation"); ``ccbench validate
--json`` reports them.
"""

from __future__ import annotations

__all__ = ["RULES"]

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
    "ref.sla_policy": "a conversation's sla_policy not in roster.sla_policies",
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
    "lifecycle.call-message": "a public message in a call (voice has no messages; notes may be)",
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
    "message.note-sender": "an internal note from the consumer or the system",
    "message.outbound-first": "an outbound conversation whose first public message is the "
    "consumer's",
    "view.nested": "a view start while the same agent already views the conversation",
    "view.unmatched": "a view end without a matching start",
    "unrecorded": "an event of a kind the roster lists in unrecorded_kinds",
}
