"""A typed record read without a problem: the importer's fast path (docs/formats.md).

:func:`read_typed` gives the events :func:`._conversation.read_conversation` gives for
the same record, for the records that reader reads without reporting anything, the
common case by far; at the first thing it would report, it raises :class:`Unclean` and
the caller hands the record to that reader, which reports it (:mod:`._strict`). The
sections a record has most of (messages, participants, dialogs, interactions) are read here from the
typed structs of :mod:`._typed` with the same rules, in the same order, without the
per-field checks and paths of the tolerant accessors; the rest is the tolerant code
itself, given a :class:`Fields` whose problems raise: the lifecycle
(:class:`._timeline.Lifecycle`, transfers included), the merge of the messages, the
extras, and every less common form of a value ("undefined", -1, a readable time
without its twin). The facts this path writes before it raises are those the
tolerant reader writes first too, and writing them again changes nothing, so a
record read twice reads as once. tests/records/test_fast.py holds both paths to the
same log and roster.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any, Final, NamedTuple

from msgspec import UNSET
from msgspec.structs import astuple

from ._conversation import LANGUAGE_TAG, source_name
from ._extras import read_extras
from ._facts import UNASSIGNED, Facts, decimal_id
from ._fields import ABSENT, Fields
from ._messages import intents_of, plan_merge
from ._strict import StrictFields, Unclean, read_id, read_ms, read_text
from ._timeline import Life, Lifecycle, Participant, closed_by_of
from ._typed import Dialog, Info, TypedRecord
from ._vocab import CHANNEL_OF

__all__ = ["CONSUMER", "SYSTEM", "FastRead", "MessageRows", "read_typed"]

Event = dict[str, Any]
#: where a message is, in a problem: messages raise rather than report here
_MESSAGES: Final = "messageRecords"
#: a message sender that is no agent (:class:`MessageRows`)
CONSUMER: Final = -1
SYSTEM: Final = -2


class MessageRows(NamedTuple):
    """A record's message events as columns: time (epoch ms), sender (an agent's id, or
    :data:`CONSUMER` or :data:`SYSTEM`), whether the sender held the conversation then,
    and the position in the conversation."""

    ts: list[int]
    sender: list[int]
    holds: list[bool]
    at: list[int]


class FastRead(NamedTuple):
    """A record read by the fast path: its conversation id, its other events (lifecycle,
    then extras; their ``conversation_id`` and ``_intents`` as they fall) with each
    one's position in the conversation, and its messages as columns."""

    cid: str
    events: list[Event]
    at: list[int]
    messages: MessageRows


def read_typed(record: TypedRecord, *, f: StrictFields, facts: Facts, site: str) -> FastRead:
    """The events of a record (:class:`FastRead`), all at site ``site``."""
    if not (
        record.messagesRecords is UNSET
        and record.consumerParticipant is UNSET
        and record.messageScore is UNSET
    ):
        raise Unclean("messagesRecords")  # the examples' section names: left to the other
    info = record.info
    cid = info.conversationId.strip() if info.conversationId is not None else ""
    start = read_ms(f, info.startTimeL, info.startTime, "startTime", "info")
    if not cid or start is None or info.isPartial is True:
        raise Unclean("info")
    brand = read_text(info.brandId)
    if brand is not None:
        if facts.brand is None:
            facts.brand = brand
        elif brand != facts.brand:
            raise Unclean("info.brandId")
    participants = _participants(record, f, facts)
    main, surveys = _dialogs(record, f, facts)
    lives = _lives(info, f, facts, start, main)
    channel = "messaging"
    if main:
        kind = main[0][1].dialogChannelType
        kind = "MESSAGING" if kind is UNSET else kind  # absent reads as MESSAGING
        found = CHANNEL_OF.get(kind) if isinstance(kind, str) else None
        if found is None:
            raise Unclean(f"{main[0][0]}.dialogChannelType")
        channel = found
    text, source = read_text(info.source), None
    if text is not None:
        if text not in f.sources:
            f.sources[text] = source_name(text)
        source = f.sources[text]
    if source is None:
        raise Unclean("info.source")
    opened = {
        "kind": "conversation.opened",
        "ts": start,
        "site": site,
        "channel": channel,
        "source": source,
        "consumer_id": _consumer(record),
    }
    language = read_text(info.language)
    if language is not None:
        tag = f.languages.get(language)
        if tag is None:
            tag = f.languages[language] = LANGUAGE_TAG.match(language) is not None
        if not tag:
            raise Unclean("info.language")
        opened["language"] = language
    cycle = Lifecycle(cid, fields=f, facts=facts, ids=f.ids, channel=channel)
    for kind, at, index, path, item in _points(record, f, lives):
        if kind == "start":
            cycle.start(item, first=index == 0, opened=opened)  # a later start cannot fail
        elif kind == "end":
            cycle.end(item)
        elif kind == "transfer":
            cycle.transfer(at, item, path)
        else:
            cycle.interaction(at, f.ids.agent(item, path, f.problems), path)
    stamps, senders, intents = _messages(record, f, participants)
    plan = plan_merge(
        cycle.events, stamps, senders, f, call=channel == "call", path_of=_message_path
    )  # a message it would skip raises: every one is kept
    events, places = cycle.events, plan.events_at  # then the extras'
    rows = MessageRows(stamps, senders, plan.holds, plan.at)
    talks: list[Event] = [  # the messages that carry intents, for read_extras
        {"ts": stamps[j], "agent_id": senders[j] if senders[j] >= 0 else None, "_intents": names}
        for j, names in intents
    ]
    extras = _extras_view(record)
    if (
        extras  # otherwise read_extras would read nothing but what info says
        or talks
        or info.csat is not None
        or info.csatRate is not None
        or info.mcs is not None
        or info.alertedMCS is not None
    ):
        accepts = [(e["ts"], e["agent_id"]) for e in events if e["kind"] == "assignment.accepted"]
        ends = [life.end for life in lives if life.end is not None]
        last = max(max(e["ts"] for e in events), max(rows.ts, default=start))
        extra = read_extras(
            extras,
            f,
            info={
                "csat": info.csat,
                "csatRate": info.csatRate,
                "mcs": info.mcs,
                "alertedMCS": info.alertedMCS,
            },
            end_ms=ends[-1] if ends else last,
            dialog_starts=surveys,
            accepts=accepts,
            messages=talks,
        )
        count = len(events) + len(stamps)
        events += extra
        places += range(count, count + len(extra))
    return FastRead(cid, events, places, rows)


def _extras_view(record: TypedRecord) -> dict[str, Any]:
    view: dict[str, Any] = {}
    if record.conversationSurveys is not None:
        view["conversationSurveys"] = record.conversationSurveys
    if record.messageScores is not None:
        view["messageScores"] = record.messageScores
    if record.sdes is not None:
        view["sdes"] = record.sdes
    return view


def _participants(record: TypedRecord, f: StrictFields, facts: Facts) -> dict[str, Participant]:
    """The record's agentParticipants by id. An entry like one already read (the same
    agent in conversation after conversation) is not read again: what it wrote in the
    facts is there already, but for its group, which a later entry may have changed
    (``f.participants``: its values -> id, agent, group)."""
    out: dict[str, Participant] = {}
    seen = f.participants
    for item in record.agentParticipants or ():
        key = astuple(item)  # every field the entry is read from
        if (hit := seen.get(key)) is not None:
            as_read, known, known_group = hit
            if known is None:
                out[as_read] = _SYSTEM
                continue
            fact = facts.agent(known)
            if known_group is not None:
                fact.group_id = known_group
            out[as_read] = Participant(known, bot=fact.user_type == "bot", manager=fact.manager)
            continue
        text = read_text(item.agentId)
        if text is None:
            raise Unclean("agentParticipants.agentId")
        user_type = read_text(item.userType)
        type_name = (read_text(item.userTypeName) or "").lower()
        if user_type == "0" or type_name == "system":
            out[text] = _SYSTEM
            seen[key] = (text, None, None)
            continue
        agent = decimal_id(text)
        if agent is None:
            raise Unclean("agentParticipants.agentId")
        fact = facts.agent(agent)
        fact.name = fact.name or next(
            (
                n
                for v in (item.agentFullName, item.agentNickname, item.agentLoginName)
                if (n := read_text(v)) is not None
            ),
            "",
        )
        if user_type == "2" or type_name == "bot":
            fact.user_type = "bot"
        fact.manager = fact.manager or (read_text(item.role) or "").upper() == "MANAGER"
        group = read_id(item.agentGroupId, "agentParticipants.agentGroupId")
        if group is not None:
            fact.group_id = group
            facts.groups[group] = facts.groups.get(group) or read_text(item.agentGroupName) or ""
        else:
            facts.groups.setdefault(UNASSIGNED, "Unassigned")
        out[text] = Participant(agent=agent, bot=fact.user_type == "bot", manager=fact.manager)
        seen[key] = (text, agent, group)
    return out


#: the participant a system entry (user type 0) stands for
_SYSTEM: Final = Participant(agent=None, bot=False, manager=False)


def _dialogs(
    record: TypedRecord, f: Fields, facts: Facts
) -> tuple[list[tuple[str, Dialog, int | None]], dict[str, int]]:
    main, surveys = [], {}
    path = "dialogs"  # a path is only named in a problem, and problems raise here
    for item in record.dialogs or ():
        kind = (read_text(item.dialogType) or "MAIN").upper()
        if kind == "POST_SURVEY":
            start = read_ms(f, item.startTimeL, item.startTime, "startTime", path)
            dialog = read_text(item.dialogId)
            if start is not None and dialog is not None:
                surveys[dialog] = start
        skill = read_id(item.skillId, path)
        if kind == "MAIN":
            main.append((path, item, skill))
        if skill is not None:
            facts.skill(skill, read_text(item.skillName))
    return main, surveys


def _lives(
    info: Info, f: Fields, facts: Facts, start: int, main: list[tuple[str, Dialog, int | None]]
) -> list[Life]:
    status = (read_text(info.status) or "").upper()
    end = read_ms(f, info.endTimeL, info.endTime, "endTime", "info")
    if status not in ("OPEN", "CLOSE") or (status == "CLOSE") != (end is not None):
        raise Unclean("info.status")
    reason = closed_by_of(read_text(info.closeReason))
    if status == "OPEN" and reason is not None:
        raise Unclean("info.closeReason")
    description = read_text(info.closeReasonDescription)
    latest = read_id(info.latestSkillId, "info.latestSkillId")
    if latest is not None:
        facts.skill(latest, read_text(info.latestSkillName))
    if not main:
        return [Life("info", start, end, reason, description, latest)]
    starts = [read_ms(f, d.startTimeL, d.startTime, "startTime", path) for path, d, _ in main]
    pairs = list(zip(main, starts, strict=True))
    if len(pairs) > 1:
        pairs.sort(key=lambda pair: start if pair[1] is None else pair[1])
    lives = []
    for (path, d, skill), d_start in pairs:
        d_end = read_ms(f, d.endTimeL, d.endTime, "endTime", path)
        if (read_text(d.status) or "").upper() == "OPEN":
            d_end = None
        lives.append(
            Life(
                path,
                d_start if d_start is not None else start,
                d_end,
                closed_by_of(read_text(d.closeReason)),
                read_text(d.closeReasonDescription),
                skill,
            )
        )
    first, last = lives[0], lives[-1]
    if first.start != start or (end is None and last.end is not None):
        raise Unclean(first.path)
    if end is not None and last.end is None:
        lives[-1] = Life(last.path, last.start, end, reason, description, last.skill)
    return lives


def _points(
    record: TypedRecord, f: StrictFields, lives: list[Life]
) -> list[tuple[str, int, int, str, Any]]:
    """:func:`._conversation._points` of a typed record. Its sort key ends with the
    point's place in the list, so ties keep that order and points are never compared.
    Paths name sections, not entries: a problem here raises, it is never written."""
    keyed: list[tuple[int, int, int, int, int, tuple[str, int, int, str, Any]]] = []
    starts = [life.start for life in lives]
    for i, life in enumerate(lives):
        keyed.append((life.start, i, 0, 0, len(keyed), ("start", life.start, i, life.path, life)))
        if life.end is not None:
            if life.end < life.start:
                raise Unclean(f"{life.path}.endTimeL")
            keyed.append((life.end, i, 3, 0, len(keyed), ("end", life.end, i, life.path, life)))
    for n, item in enumerate(record.transfers or ()):
        ts = f.fast_time(item, "time", "transfers")
        if ts is None:
            raise Unclean("transfers")
        at = max(0, bisect_right(starts, ts) - 1)
        keyed.append((ts, at, 1, n, len(keyed), ("transfer", ts, at, "transfers", item)))
    for n, act in enumerate(record.interactions or ()):
        ts = read_ms(
            f, act.interactionTimeL, act.interactionTime, "interactionTime", "interactions"
        )
        agent = read_text(act.assignedAgentId)
        if agent is None:
            agent = read_text(act.agentId)
        if ts is None or agent is None:
            raise Unclean("interactions")
        seq = act.interactiveSequence
        at = max(0, bisect_right(starts, ts) - 1)
        seq = (seq if seq != -1 else None) or n
        keyed.append((ts, at, 2, seq, len(keyed), ("interaction", ts, at, "interactions", agent)))
    keyed.sort()
    return [point[5] for point in keyed]


def _messages(
    record: TypedRecord, f: Fields, participants: dict[str, Participant]
) -> tuple[list[int], list[int], list[tuple[int, tuple[str, ...]]]]:
    """:func:`._messages.read_messages` of a typed record, as columns: the messages'
    times, their senders (:class:`MessageRows`) and (index, names) of those carrying
    intents, in order of time, sequence and place (exported messages come in that
    order: they are sorted only when they do not)."""
    stamps: list[int] = []
    senders: list[int] = []
    seqs: list[int] = []
    intents: list[tuple[int, tuple[str, ...]]] = []
    for i, item in enumerate(record.messageRecords or ()):
        values = astuple(item)  # one call for the fields (compiled: not one lookup each)
        ts = read_ms(f, values[1], values[0], "time", _MESSAGES)
        if ts is None:
            raise Unclean(_MESSAGES)
        by: str | None = values[3]
        if by != "Consumer" and by != "Agent":
            by = (read_text(by) or "").capitalize()
            if by not in ("Consumer", "Agent"):
                raise Unclean(_MESSAGES)
        who: str | None = values[4]
        if who is None or who in ABSENT:
            who = read_text(who)
        if by == "Agent":
            known = participants.get(who or "")
            if known is None:
                raise Unclean(_MESSAGES)
            senders.append(SYSTEM if known.agent is None else known.agent)
        elif who is not None and who in participants:
            raise Unclean(_MESSAGES)
        else:
            senders.append(CONSUMER)
        if values[5]:
            names = intents_of({"contextData": values[5]})
            if names:
                intents.append((i, names))
        stamps.append(ts)
        seq: int | None = values[2]
        seqs.append(seq if seq is not None else i)
    if not _in_order(stamps, seqs):  # a stable sort: equal (time, sequence) keep their place
        keys = list(zip(stamps, seqs, strict=True))
        order = sorted(range(len(keys)), key=keys.__getitem__)
        where = {k: n for n, k in enumerate(order)}
        stamps, senders = [stamps[k] for k in order], [senders[k] for k in order]
        intents = sorted((where[k], names) for k, names in intents)
    return stamps, senders, intents


def _in_order(stamps: list[int], seqs: list[int]) -> bool:
    """Whether (time, sequence) never decreases from one message to the next."""
    for j in range(1, len(stamps)):
        now, before = stamps[j], stamps[j - 1]
        if now < before or (now == before and seqs[j] < seqs[j - 1]):
            return False
    return True


def _message_path(index: int) -> str:
    return _MESSAGES


def _consumer(record: TypedRecord) -> str:
    for item in record.consumerParticipants or ():
        who = read_text(item.participantId)
        if who is not None:
            return who
    for message in record.messageRecords or ():
        if (read_text(message.sentBy) or "").lower() == "consumer":
            who = read_text(message.participantId)
            if who is not None:
                return who
    raise Unclean("consumerParticipants")
