"""messageRecords -> message events, merged into the lifecycle in log order.

A message at the same millisecond as lifecycle events goes after the opening ones
(opened, resumed) and before the others (queued, accepted, transferred, closed...): a
consumer's first message arrives with the conversation, before routing, and a message
written as a segment ends belongs to that segment (docs/formats.md, "Order"). Records
list a message's sender, not its role: the importer notes whether the sender was the
assigned agent when it wrote, and the role is settled against the final roster
(``_import._settle_roles``).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, NamedTuple

from ._facts import Facts, Ids
from ._fields import ABSENT, LAST_MS, Fields, listed
from ._timeline import Participant

__all__ = [
    "ASSIGNED",
    "SENDER",
    "MergePlan",
    "Message",
    "intents_of",
    "merge_messages",
    "plan_merge",
    "read_messages",
]

Event = dict[str, Any]
# Final: compiled (setup.py), a test against a Final tuple of strings is inlined
_OPENING: Final = ("conversation.opened", "conversation.resumed")
_ENDING: Final = ("conversation.closed", "conversation.abandoned")
_LEAVING: Final = (
    "conversation.transferred",
    "conversation.back_to_queue",
    "conversation.taken_over",
)

#: keys of a message event that are not contract fields, removed once the role is set
SENDER, ASSIGNED = "_sender", "_assigned"


class Message(NamedTuple):
    """One messageRecords entry: time, sequence, who sent it (None: the consumer;
    ``system``: the controller) and where it is in the record. A named tuple: a record
    is half messages, and a tuple is built several times faster than a frozen
    dataclass."""

    ts: int
    seq: int
    agent: int | None
    system: bool
    path: str
    intents: tuple[str, ...]


def read_messages(
    record: Mapping[str, Any],
    fields: Fields,
    participants: Mapping[str, Participant],
    ids: Ids,
    facts: Facts,
) -> list[Message]:
    """The record's messages sorted by (time, seq, position); unreadable ones reported.
    A message in the exporter's own form is read without the general accessors (half
    of a record is messages)."""
    out: list[tuple[int, int, int, Message]] = []
    p = fields.problems
    key, items = fields.entries(record, "messageRecords")
    for i, item in enumerate(items):
        path = f"{key}[{i}]"
        if type(item) is not dict and not isinstance(item, Mapping):
            p.add(path, item, "expected an object; skipped")
            continue
        ts, text = item.get("timeL"), item.get("time")  # fast_time inlined: the common form
        if not (
            type(ts) is int and 0 <= ts <= LAST_MS and (text is None or fields.same_time(ts, text))
        ):
            ts = fields.fast_time(item, "time", path)
        if ts is None:
            p.add(f"{path}.timeL", item.get("timeL"), "a message without a time; skipped")
            continue
        seq = item.get("seq")
        if type(seq) is not int:
            seq = fields.integer(item, "seq", f"{path}.seq", string_ok=True)
        by = item.get("sentBy")
        if by not in ("Consumer", "Agent"):
            by = (fields.text(item, "sentBy", f"{path}.sentBy") or "").capitalize()
            if by not in ("Consumer", "Agent"):
                p.add(f"{path}.sentBy", item.get("sentBy"), "expected Consumer or Agent; skipped")
                continue
        who: Any = item.get("participantId")
        if type(who) is not str or who in ABSENT:
            who = fields.text(item, "participantId", f"{path}.participantId")
        agent, system = None, False
        if by == "Agent":
            known = participants.get(who or "")
            if known is not None:
                agent, system = known.agent, known.agent is None
            elif who is None:
                p.add(f"{path}.participantId", who, "an agent message names no sender; skipped")
                continue
            else:
                p.add(
                    f"{path}.participantId",
                    who,
                    "no agentParticipants entry for this sender; read as a human agent",
                )
                agent = ids.agent(who, f"{path}.participantId", p)
                facts.agent(agent)
        elif who is not None and who in participants:
            p.add(
                f"{path}.sentBy",
                item.get("sentBy"),
                f"participant {who} is an agent; read as the consumer, as sentBy says",
            )
        intents = intents_of(item) if "contextData" in item else ()
        n = seq if seq is not None else i
        out.append((ts, n, i, Message(ts, n, agent, system, path, intents)))
    out.sort(key=lambda t: t[:3])
    return [m for *_, m in out]


def intents_of(item: Mapping[str, Any]) -> tuple[str, ...]:
    """The intent names a message's contextData carries (bot responses)."""
    context = item.get("contextData")
    if not isinstance(context, Mapping):
        return ()
    found: list[str] = []
    for entry in listed(context.get("structuredMetadata")):
        bot = entry.get("botResponse") if isinstance(entry, Mapping) else None
        if isinstance(bot, Mapping):
            for intent in listed(bot.get("intents")):
                if isinstance(intent, Mapping):
                    name = intent.get("name") or intent.get("id")
                    if isinstance(name, str) and name.strip():
                        found.append(name)
    return tuple(found)


def merge_messages(
    lifecycle: list[Event], messages: list[Message], fields: Fields, *, call: bool
) -> list[Event]:
    """The lifecycle events with the message events inserted (:func:`plan_merge`)."""
    plan = plan_merge(
        lifecycle,
        [m.ts for m in messages],
        [m.agent for m in messages],
        fields,
        call=call,
        path_of=lambda j: messages[j].path,
    )
    merged: list[Event] = [{}] * (len(lifecycle) + len(plan.kept))
    for e, at in zip(lifecycle, plan.events_at, strict=True):
        merged[at] = e
    for j, at, holds in zip(plan.kept, plan.at, plan.holds, strict=True):
        m = messages[j]
        event: Event = {"kind": "message.sent", "ts": m.ts, "conversation_id": None}
        if m.system:
            event["sender_role"] = "system"
        elif m.agent is None:
            event["sender_role"] = "consumer"
        else:
            event["agent_id"], event[SENDER], event[ASSIGNED] = m.agent, m.agent, holds
        event["_intents"] = m.intents
        merged[at] = event
    return merged


class MergePlan(NamedTuple):
    """Where a record's messages go among its lifecycle events: the messages kept (their
    indices), each one's position in the conversation and whether its sender held the
    conversation then, and each lifecycle event's position."""

    kept: list[int]
    at: list[int]
    holds: list[bool]
    events_at: list[int]


def plan_merge(
    lifecycle: list[Event],
    stamps: Sequence[int],
    senders: Sequence[int | None],
    fields: Fields,
    *,
    call: bool,
    path_of: Callable[[int], str],
) -> MergePlan:
    """The module docstring's order for messages sent at ``stamps`` (epoch ms, sorted) by
    ``senders`` (agent ids; anything else for the consumer or the system).

    A message goes after the longest run of leading lifecycle events that come before
    it (earlier, or opening at the same millisecond), so a bisection over the events'
    running largest key places it. A message outside the conversation's lives (before
    it opens, between a close and a resume, after the end) or in a call is reported
    (``path_of``: where message ``j`` is in the record) and skipped."""
    p = fields.problems
    reach: list[int] = []  # running largest key: 2 ms, plus 1 unless opening
    after: list[tuple[str, int | None]] = []  # the state and agent after each event
    top, state, assigned = -1, "new", None
    for e in lifecycle:  # the state after each event (inlined: this runs once per event)
        kind: str = e["kind"]
        ts: int = e["ts"]
        if kind in _OPENING:
            key, state, assigned = 2 * ts, "open", None
        else:
            key = 2 * ts + 1
            if kind == "assignment.accepted":
                state, assigned = "open", e["agent_id"]
            elif kind in _LEAVING:
                state, assigned = "open", None
            elif kind in _ENDING:
                state, assigned = "ended", None
        top = key if key > top else top
        reach.append(top)
        after.append((state, assigned))
    kept: list[int] = []
    before: list[int] = []  # lifecycle events before each message kept
    at: list[int] = []
    holds: list[bool] = []
    # stamps are sorted, so the bisection's answers never decrease: a pointer walks
    # them (compiled, setup.py, a comparison of two ints; a call to bisect was 14 times
    # that); a stamp out of order would be bisected
    count, last, steps = 0, -1, len(reach)
    for j, ts in enumerate(stamps):
        key = 2 * ts + 1
        if key < last:
            count = bisect_left(reach, key)
        else:
            while count < steps and reach[count] < key:
                count += 1
        last = key
        state, assigned = after[count - 1] if count else ("new", None)
        if state in ("new", "ended"):
            p.add(f"{path_of(j)}.timeL", ts, "a message outside the conversation's span; skipped")
            continue
        if call:
            p.add(path_of(j), ts, "a message in a voice conversation (calls have none); skipped")
            continue
        at.append(count + len(kept))
        kept.append(j)
        before.append(count)
        holds.append(assigned == senders[j])
    events_at: list[int] = []  # each event after the kept messages before it
    passed, messages = 0, len(before)
    for k in range(steps):
        while passed < messages and before[passed] <= k:
            passed += 1
        events_at.append(k + passed)
    return MergePlan(kept, at, holds, events_at)
