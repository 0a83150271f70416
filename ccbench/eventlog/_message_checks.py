"""The message rules of the lifecycle: who may write, as which role, and what a note is.

:class:`EventChecker` (ccbench/eventlog/_conversation_checks.py) hands every
``message.sent`` of a live conversation to :func:`check_message` with what the
conversation's state machine knows: its channel, its assigned agent and whether
it is an outbound conversation nobody has written in yet. docs/eventlog.md
("Lifecycle", Messages) is the specification.
"""

from __future__ import annotations

from ._agent_checks import Fail
from ._lifecycle_event import LifecycleEvent
from ._roster import Roster

__all__ = ["check_message"]

#: Roles that never carry an agent_id; a note is never theirs (notes are company-side).
_NO_AGENT_ROLES = ("consumer", "system")


def check_message(
    roster: Roster,
    fail: Fail,
    e: LifecycleEvent,
    *,
    cid: str,
    channel: str,
    assigned: int | None,
    outbound_unwritten: bool,
) -> None:
    """Check one message (or internal note) of a conversation that has not ended.

    ``cid`` and ``channel`` are the conversation's, ``assigned`` its assigned agent (None
    when nobody is assigned), ``outbound_unwritten`` whether it is outbound and nobody has
    written a public message yet. Plain keywords rather than a context object: this runs
    for every message of a log, and building a frozen dataclass per message cost more
    than the checks.
    """
    role, agent = e.sender_role, e.agent_id
    note = e.visibility == "internal"
    if channel == "call" and not note:
        fail("lifecycle.call-message", f"message in call {cid!r}")
    if note and role in _NO_AGENT_ROLES:
        fail(
            "message.note-sender",
            f"internal note in {cid!r} from sender_role {role!r}; expected a company user "
            "(agent, bot, manager or participant)",
            sender_role=role,
            visibility="internal",
        )
    if outbound_unwritten and not note and role == "consumer":
        fail(
            "message.outbound-first",
            f"outbound {cid!r} starts with a consumer message; expected the company "
            "to write first (an agent, bot, manager, participant or the system)",
            sender_role=role,
        )
    if role in _NO_AGENT_ROLES:
        if agent is not None:
            fail(
                "message.sender",
                f"{role} message with agent_id {agent}",
                sender_role=role,
                agent_id=agent,
            )
        return
    if agent is None:
        fail("message.sender", f"{role} message without agent_id", sender_role=role)
        return
    a = roster.agent(agent)
    if a is None:
        return
    is_assigned = assigned == agent
    problem = None
    if role in ("agent", "bot") and not is_assigned:
        problem = f"{role} {agent} is not the assigned agent ({assigned})"
    elif role == "agent" and a.user_type != "human":
        problem = f"agent {agent} has user_type {a.user_type}"
    elif role == "bot" and a.user_type != "bot":
        problem = f"bot {agent} has user_type {a.user_type}"
    elif role == "manager" and a.role != "manager":
        problem = f"manager {agent} has role {a.role}"
    elif role == "participant" and is_assigned:
        problem = f"participant {agent} is the assigned agent"
    if problem:
        fail("message.role", f"message in {cid!r}: {problem}", sender_role=role, agent_id=agent)
