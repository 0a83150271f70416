"""A record's lifecycle: opened, queued, segments, transfers, closes (docs/formats.md).

The record says when the conversation started and ended (``info``, one MAIN dialog per
life), when each agent's interaction started (``interactions``) and every transfer
(``transfers``); no section says when a segment ends. :class:`Lifecycle` replays those
points in time order through the conversation state machine of docs/eventlog.md and
writes the events they stand for:

* a life starts with ``conversation.opened`` (the first) or ``conversation.resumed``
  (a later MAIN dialog: records have no reopen), then ``conversation.queued`` to the
  dialog's skill when it has one (without dialogs, info.latestSkillId's);
* an interaction is an ``assignment.accepted`` of its agent on the current skill, with
  the reason the last boundary gave (new, resume, transfer, back_to_queue, takeover);
* a transfer ends the segment: ``Agent``/``Skill`` -> ``conversation.transferred`` (then
  queued to the target skill), ``back2Q`` and ``SuggestedAgentTimeout`` ->
  ``conversation.back_to_queue`` and queued, ``TakeOver`` -> ``conversation.taken_over``
  and the manager's takeover accept;
* a life ends with ``conversation.closed`` (closeReason, closeReasonDescription), or
  ``conversation.abandoned`` when the description is ABANDONED and it was waiting.

Points at the same millisecond keep this order: the previous life's close, the life's
start, transfers, interactions (by interactiveSequence), the life's close. What the
state machine cannot accept is reported and skipped, or repaired and reported (an
interaction of another agent with no transfer reads as a transfer).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from ._facts import Facts, Ids
from ._fields import Fields, listed
from ._vocab import ABANDONED, BACK2Q, CLOSED_BY_OF, SUGGESTED_TIMEOUT, TAKEOVER

__all__ = ["Life", "Lifecycle", "Participant"]

Event = dict[str, Any]


class Life(NamedTuple):
    """One MAIN dialog: ``start``/``end`` epoch ms (``end`` None while open), how it
    closed (``closed_by`` consumer/agent/system, the description) and its skill. A
    named tuple, as :class:`Participant`: built for every record, several times faster
    than a frozen dataclass."""

    path: str
    start: int
    end: int | None
    closed_by: str | None
    description: str | None
    skill: int | None


class Participant(NamedTuple):
    """An agentParticipants entry: ``agent`` None for the system (user type 0)."""

    agent: int | None
    bot: bool
    manager: bool


class Lifecycle:
    """Writes the lifecycle events of one record into ``events`` (see the module doc)."""

    def __init__(self, cid: str, *, fields: Fields, facts: Facts, ids: Ids, channel: str) -> None:
        self.cid = cid
        self.f = fields
        self.p = fields.problems
        self.facts = facts
        self.ids = ids
        self.channel = channel
        self.events: list[Event] = []
        self.state = "new"  # new, open, queued, assigned, closed, abandoned
        self.assigned: int | None = None
        self.latest: int | None = None  # the last agent assigned
        self.skill: int | None = None
        self.reason = "new"  # the reason the next accept takes
        self.takeover: int | None = None  # manager whose takeover accept is pending
        self.takeover_ts = 0
        self.held: set[int] = set()

    # -- emitting -----------------------------------------------------------
    def _emit(self, ts: int, kind: str, **fields: Any) -> None:
        fields["kind"], fields["ts"], fields["conversation_id"] = kind, ts, self.cid
        self.events.append(fields)

    def _queue(self, ts: int, skill: int | None) -> None:
        self.skill = self.facts.skill(skill if skill is not None else self.skill)
        self._emit(ts, "conversation.queued", skill_id=self.skill)
        self.state = "queued"

    def _accept(self, ts: int, agent: int, reason: str) -> None:
        skill = self.facts.skill(self.skill)
        self._emit(ts, "assignment.accepted", agent_id=agent, skill_id=skill, reason=reason)
        self.state, self.assigned, self.latest, self.skill = "assigned", agent, agent, skill
        fact = self.facts.agent(agent)
        fact.skills.add(skill)
        fact.most_held = max(fact.most_held, 1)

    def _leave(self) -> None:
        self.state, self.assigned = "open", None

    # -- points -------------------------------------------------------------
    def start(self, life: Life, *, first: bool, opened: Event) -> bool:
        """Open the life; False when it cannot be (after an abandon, reported)."""
        if first:
            self.events.append(opened)
            self.reason = "new"
        else:
            if self.state == "abandoned":
                self.p.add(
                    life.path,
                    life.start,
                    "a MAIN dialog after the conversation was "
                    "abandoned; skipped with everything in it",
                )
                return False
            if self.state != "closed":
                self.p.add(
                    life.path,
                    life.start,
                    "a later MAIN dialog starts while the "
                    "conversation is not closed; the earlier one read as closed by "
                    "the system",
                )
                self._settle_takeover()
                self._close(life.start, "system", "dialog_restarted", life.path)
            self._emit(life.start, "conversation.resumed")
            self.reason = "resume"
        self.state = "open"
        if life.skill is not None:  # the dialog's skill: it starts in that queue
            self._queue(life.start, life.skill)
        return True

    def _settle_takeover(self) -> None:
        """A takeover whose manager has no interaction (yet): accept it at the takeover."""
        if self.takeover is not None:
            self._accept(self.takeover_ts, self.takeover, "takeover")
            self.takeover = None

    def interaction(self, ts: int, agent: int, path: str) -> None:
        if self.state in ("closed", "abandoned", "new"):
            self.p.add(path, ts, "an interaction outside the conversation's span; skipped")
            return
        if self.takeover is not None:
            if agent == self.takeover:
                self._accept(ts, agent, "takeover")
                self.takeover = None
                return
            self.p.add(
                path,
                agent,
                f"expected the taking-over manager {self.takeover}; "
                "read as a transfer from the manager",
            )
            self._settle_takeover()
        if self.state == "assigned":
            if self.assigned == agent:
                self.p.add(path, agent, "the agent is already assigned; interaction skipped")
                return
            self.p.add(
                path,
                agent,
                f"agent {agent} starts while {self.assigned} is assigned "
                "and no transfer says so; read as a transfer to that agent",
            )
            self._emit(ts, "conversation.transferred", agent_id=self.assigned, to_agent_id=agent)
            self.facts.agent(agent)
            self._leave()
            self.reason = "transfer"
        self._accept(ts, agent, self.reason)

    def transfer(self, ts: int, item: Mapping[str, Any], path: str) -> None:
        f = self.f
        reason = (f.text(item, "reason", f"{path}.reason") or "").lower()
        target = f.ident(item, "targetSkillId", f"{path}.targetSkillId", string_ok=False)
        if target is not None:
            self.facts.skill(target, f.text(item, "targetSkillName", f"{path}.targetSkillName"))
        source = self._agent(item, "sourceAgentId", path)
        self._settle_takeover()
        if self.state in ("closed", "abandoned", "new"):
            self.p.add(path, ts, "a transfer outside the conversation's span; skipped")
            return
        if self.state != "assigned":
            if target is not None and reason not in (TAKEOVER.lower(),):
                self._queue(ts, target)  # a waiting conversation moves to another queue
            else:
                self.p.add(
                    f"{path}.reason",
                    reason,
                    "a transfer of a conversation no agent holds, with no target skill; skipped",
                )
            return
        if source is not None and source != self.assigned:
            self.p.add(
                f"{path}.sourceAgentId",
                source,
                f"expected the assigned agent {self.assigned}; read as that agent",
            )
        held = self.assigned
        if reason == TAKEOVER.lower():
            manager = self._agent(item, "by", path) or self._agent(item, "assignedAgentId", path)
            if manager is None or manager == held:
                self.p.add(f"{path}.by", manager, "a takeover names no other manager; skipped")
                return
            self.facts.agent(manager).manager = True
            self._emit(ts, "conversation.taken_over", agent_id=manager, from_agent_id=held)
            self._leave()
            self.takeover, self.takeover_ts = manager, ts
            return
        if reason in (BACK2Q.lower(), SUGGESTED_TIMEOUT.lower()):
            self._emit(ts, "conversation.back_to_queue", agent_id=held)
            self._leave()
            self.reason = "back_to_queue"
            self._queue(ts, target)
            return
        if reason not in ("agent", "skill"):
            self.p.add(
                f"{path}.reason",
                reason,
                "expected back2Q, Agent, Skill, TakeOver or "
                "SuggestedAgentTimeout; read by its targets",
            )
        to_agent = self._agent(item, "assignedAgentId", path)
        if target is None and to_agent is None:
            self.p.add(
                path,
                None,
                "a transfer with neither targetSkillId nor assignedAgentId; "
                "read as a transfer to the current skill",
            )
            target = self.facts.skill(self.skill)
        fields: dict[str, Any] = {"agent_id": held}
        if target is not None:
            fields["to_skill_id"] = target
        if to_agent is not None:
            fields["to_agent_id"] = to_agent
            self.facts.agent(to_agent)
        note = _action_reason(item.get("contextData"))
        if note is not None:
            fields["reason"] = note
        self._emit(ts, "conversation.transferred", **fields)
        self._leave()
        self.reason = "transfer"
        if target is not None:
            self._queue(ts, target)

    def end(self, life: Life) -> None:
        self._settle_takeover()
        if life.end is None:
            return
        by = life.closed_by or "system"
        if life.description == ABANDONED and self.state == "queued":
            self._emit(life.end, "conversation.abandoned")
            self.state, self.assigned = "abandoned", None
            return
        reason = (life.description or by).lower()
        self._close(life.end, by, reason, life.path)

    def _close(self, ts: int, by: str, reason: str, path: str) -> None:
        fields: dict[str, Any] = {"closed_by": by, "reason": reason}
        if by == "agent":
            closer = self.assigned if self.assigned is not None else self.latest
            if closer is None:
                self.p.add(
                    f"{path}.closeReason",
                    "AGENT",
                    "closed by an agent, but no agent ever held it; read as SYSTEM",
                )
                fields["closed_by"] = "system"
            else:
                fields["agent_id"] = closer
        self._emit(ts, "conversation.closed", **fields)
        self.state, self.assigned = "closed", None

    # -- reading ------------------------------------------------------------
    def _agent(self, item: Mapping[str, Any], key: str, path: str) -> int | None:
        text = self.f.text(item, key, f"{path}.{key}")
        return None if text is None else self.ids.agent(text, f"{path}.{key}", self.p)


def _action_reason(context: Any) -> str | None:
    """The free-text transfer reason ccbench keeps in contextData's actionReason."""
    if not isinstance(context, Mapping):
        return None
    for entry in listed(context.get("structuredMetadata")):
        if isinstance(entry, Mapping):
            action = entry.get("actionReason")
            if isinstance(action, Mapping) and isinstance(action.get("reason"), str):
                reason: str = action["reason"].strip()
                return reason or None
    return None


def closed_by_of(value: str | None) -> str | None:
    """closed_by of a closeReason (AGENT, CONSUMER, SYSTEM, TIMEOUT), any case."""
    return None if value is None else CLOSED_BY_OF.get(value.upper())
