"""One conversation record -> its events (docs/formats.md, "Reading a record").

:func:`read_conversation` reads ``info``, the participants and the MAIN dialogs (the
conversation's lives), replays the lifecycle (:mod:`._timeline`), merges the messages
(:mod:`._messages`) and adds surveys, scores, sales and intents (:mod:`._extras`). It
returns the events in the conversation's order (the importer numbers them), or raises
:class:`Refused` when the record cannot stand for a conversation at all (no id, no
start): the caller reports it, never drops it silently.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping
from typing import Any

from ._extras import read_extras
from ._facts import UNASSIGNED, Facts, Ids
from ._fields import Fields
from ._messages import merge_messages, read_messages
from ._timeline import Life, Lifecycle, Participant, closed_by_of
from ._vocab import CHANNEL_OF

__all__ = ["LANGUAGE_TAG", "Refused", "conversation_id", "read_conversation", "source_name"]

Event = dict[str, Any]
_SOURCE_CHARS = re.compile(r"[^A-Z0-9_]+")
#: what info.language must look like to be kept (en, fr-FR...)
LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


class Refused(Exception):
    """The record cannot stand for a conversation: ``field``, ``value``, why."""

    def __init__(self, field: str, value: Any, message: str) -> None:
        super().__init__(message)
        self.field, self.value, self.message = field, value, message


def conversation_id(record: Any) -> str | None:
    """The record's info.conversationId, when it has a usable one."""
    if type(record) is dict or isinstance(record, Mapping):  # JSON gives dicts: no ABC check
        info = record.get("info")
        if (type(info) is dict or isinstance(info, Mapping)) and isinstance(
            info.get("conversationId"), str
        ):
            cid: str = info["conversationId"].strip()
            return cid or None
    return None


def read_conversation(
    record: Mapping[str, Any], *, fields: Fields, facts: Facts, ids: Ids, site: str
) -> list[Event]:
    """The events of one record (conversation order), all at site ``site``."""
    cid = conversation_id(record)
    if cid is None:
        raise Refused("info.conversationId", _get(record, "info"), "expected a non-empty string")
    info = record["info"]
    p = fields.problems
    start = fields.fast_time(info, "startTime", "info")
    if start is None:
        raise Refused("info.startTimeL", info.get("startTimeL"), "expected epoch ms >= 0")
    if info.get("isPartial") is True:
        p.add("info.isPartial", True, "the API truncated this record; imported as given")
    brand = fields.text(info, "brandId", "info.brandId")
    if brand is not None:
        if facts.brand is None:
            facts.brand = brand
        elif brand != facts.brand:
            p.add(
                "info.brandId",
                brand,
                f"differs from the first record's {facts.brand!r}; read into that account",
            )
    participants = _participants(record, fields, facts, ids)
    main, surveys = _dialogs(record, fields, facts)
    lives = _lives(info, fields, facts, start, main)
    kind = main[0][1].get("dialogChannelType", "MESSAGING") if main else None
    channel = CHANNEL_OF.get(kind) if isinstance(kind, str) else None
    if channel is None:
        channel = "messaging"
        if main:
            p.add(
                f"{main[0][0]}.dialogChannelType",
                kind,
                "expected MESSAGING, CHAT or VOICE; read as MESSAGING",
            )
    opened = {
        "kind": "conversation.opened",
        "ts": start,
        "site": site,
        "channel": channel,
        "source": _source(info, fields),
        "consumer_id": _consumer(record, fields, cid),
    }
    language = fields.text(info, "language", "info.language")
    if language is not None:
        if LANGUAGE_TAG.match(language):
            opened["language"] = language
        else:
            p.add("info.language", language, "expected a language tag such as en or fr-FR; dropped")
    life_cycle = Lifecycle(cid, fields=fields, facts=facts, ids=ids, channel=channel)
    alive = True
    for kind, at, index, path, item in _points(record, fields, lives):
        if kind == "start":
            alive = life_cycle.start(item, first=index == 0, opened=opened)
        elif not alive:
            p.add(path, at, "inside a MAIN dialog that could not start; skipped")
        elif kind == "end":
            life_cycle.end(item)
        elif kind == "transfer":
            life_cycle.transfer(at, item, path)
        else:
            life_cycle.interaction(at, ids.agent(item, path, p), path)
    messages = read_messages(record, fields, participants, ids, facts)
    merged = merge_messages(life_cycle.events, messages, fields, call=channel == "call")
    accepts = [(e["ts"], e["agent_id"]) for e in merged if e["kind"] == "assignment.accepted"]
    ends = [life.end for life in lives if life.end is not None]
    end_ms = ends[-1] if ends else max((e["ts"] for e in merged), default=start)
    merged += read_extras(
        record,
        fields,
        info=info,
        end_ms=end_ms,
        dialog_starts=surveys,
        accepts=accepts,
        messages=[e for e in merged if "_intents" in e],
    )
    for e in merged:
        e["conversation_id"] = cid
        e.pop("_intents", None)
    return merged


def _get(record: Any, key: str) -> Any:
    return record.get(key) if isinstance(record, Mapping) else record


def _participants(
    record: Mapping[str, Any], fields: Fields, facts: Facts, ids: Ids
) -> dict[str, Participant]:
    out: dict[str, Participant] = {}
    for path, item in fields.section(record, "agentParticipants"):
        text = fields.text(item, "agentId", f"{path}.agentId")
        if text is None:
            fields.problems.add(f"{path}.agentId", item.get("agentId"), "no agent id; skipped")
            continue
        user_type = fields.text(item, "userType", f"{path}.userType")
        type_name = (fields.text(item, "userTypeName", f"{path}.userTypeName") or "").lower()
        if user_type == "0" or type_name == "system":
            out[text] = Participant(agent=None, bot=False, manager=False)
            continue
        agent = ids.agent(text, f"{path}.agentId", fields.problems)
        fact = facts.agent(agent)
        fact.name = fact.name or next(
            (
                n
                for k in ("agentFullName", "agentNickname", "agentLoginName")
                if (n := fields.text(item, k, f"{path}.{k}")) is not None
            ),
            "",
        )
        if user_type == "2" or type_name == "bot":
            fact.user_type = "bot"
        role = (fields.text(item, "role", f"{path}.role") or "").upper()
        fact.manager = fact.manager or role == "MANAGER"
        group = fields.ident(item, "agentGroupId", f"{path}.agentGroupId")
        if group is not None:
            fact.group_id = group
            name = fields.text(item, "agentGroupName", f"{path}.agentGroupName") or ""
            facts.groups[group] = facts.groups.get(group) or name
        else:
            facts.groups.setdefault(UNASSIGNED, "Unassigned")
        out[text] = Participant(agent=agent, bot=fact.user_type == "bot", manager=fact.manager)
    return out


def _dialogs(
    record: Mapping[str, Any], fields: Fields, facts: Facts
) -> tuple[list[tuple[str, Mapping[str, Any], int | None]], dict[str, int]]:
    """(MAIN dialogs as (path, dialog, skill), POST_SURVEY dialogId -> start ms)."""
    main, surveys = [], {}
    for path, item in fields.section(record, "dialogs"):
        kind = (fields.text(item, "dialogType", f"{path}.dialogType") or "MAIN").upper()
        if kind == "POST_SURVEY":
            start = fields.fast_time(item, "startTime", path)
            dialog = fields.text(item, "dialogId", f"{path}.dialogId")
            if start is not None and dialog is not None:
                surveys[dialog] = start
        skill = fields.ident(item, "skillId", f"{path}.skillId")
        if kind == "MAIN":
            main.append((path, item, skill))
        if skill is not None:
            facts.skill(skill, fields.text(item, "skillName", f"{path}.skillName"))
    return main, surveys


def _lives(
    info: Mapping[str, Any],
    fields: Fields,
    facts: Facts,
    start: int,
    main: list[tuple[str, Mapping[str, Any], int | None]],
) -> list[Life]:
    p = fields.problems
    status = (fields.text(info, "status", "info.status") or "").upper()
    end = fields.fast_time(info, "endTime", "info")
    if status not in ("OPEN", "CLOSE"):
        p.add("info.status", info.get("status"), "expected OPEN or CLOSE; read by endTimeL")
        status = "CLOSE" if end is not None else "OPEN"
    if status == "CLOSE" and end is None:
        p.add("info.endTimeL", info.get("endTimeL"), "status CLOSE without an end; read as open")
    if status == "OPEN" and end is not None:
        p.add("info.endTimeL", end, "an end on an OPEN conversation; read as open")
        end = None
    reason = closed_by_of(fields.text(info, "closeReason", "info.closeReason"))
    if status == "OPEN" and reason is not None:
        p.add(
            "info.closeReason",
            info.get("closeReason"),
            "a close reason on an OPEN "
            "conversation; ignored (a close needs status CLOSE and an end)",
        )
    description = fields.text(info, "closeReasonDescription", "info.closeReasonDescription")
    latest = fields.ident(info, "latestSkillId", "info.latestSkillId")
    if latest is not None:
        facts.skill(latest, fields.text(info, "latestSkillName", "info.latestSkillName"))
    if not main:
        return [Life("info", start, end, reason, description, latest)]
    lives = []
    starts = [fields.fast_time(d, "startTime", path) for path, d, _skill in main]
    for (path, d, skill), d_start in sorted(
        zip(main, starts, strict=True), key=lambda pair: start if pair[1] is None else pair[1]
    ):
        d_end = fields.fast_time(d, "endTime", path)
        d_status = (fields.text(d, "status", f"{path}.status") or "").upper()
        if d_status == "OPEN":
            d_end = None
        lives.append(
            Life(
                path,
                d_start if d_start is not None else start,
                d_end,
                closed_by_of(fields.text(d, "closeReason", f"{path}.closeReason")),
                fields.text(d, "closeReasonDescription", f"{path}.closeReasonDescription"),
                skill,
            )
        )
    first = lives[0]
    if first.start != start:
        p.add(
            f"{first.path}.startTimeL",
            first.start,
            f"differs from info.startTimeL {start}; info read",
        )
        lives[0] = Life(
            first.path, start, first.end, first.closed_by, first.description, first.skill
        )
    last = lives[-1]
    if end is not None and last.end is None:
        lives[-1] = Life(last.path, last.start, end, reason, description, last.skill)
    elif end is None and last.end is not None:
        p.add(f"{last.path}.endTimeL", last.end, "the conversation is open; dialog end ignored")
        lives[-1] = Life(last.path, last.start, None, None, None, last.skill)
    return lives


def _points(
    record: Mapping[str, Any], fields: Fields, lives: list[Life]
) -> list[tuple[str, int, int, str, Any]]:
    """Life starts and ends, transfers and interactions as (kind, ms, life index, path,
    payload) in replay order: by time, then life, then start < transfer < interaction <
    end (the module docstring of :mod:`._timeline`)."""
    p = fields.problems
    keyed: list[tuple[tuple[int, int, int, int], tuple[str, int, int, str, Any]]] = []
    starts = [life.start for life in lives]

    def life_of(ts: int) -> int:
        return max(0, bisect_right(starts, ts) - 1)

    for i, life in enumerate(lives):
        keyed.append(((life.start, i, 0, 0), ("start", life.start, i, life.path, life)))
        if life.end is not None:
            end = max(life.end, life.start)
            if end != life.end:
                p.add(f"{life.path}.endTimeL", life.end, "ends before it starts; read as its start")
            keyed.append(
                (
                    (end, i, 3, 0),
                    (
                        "end",
                        end,
                        i,
                        life.path,
                        Life(
                            life.path, life.start, end, life.closed_by, life.description, life.skill
                        ),
                    ),
                )
            )
    for n, (path, item) in enumerate(fields.section(record, "transfers")):
        ts = fields.fast_time(item, "time", path)
        if ts is None:
            p.add(f"{path}.timeL", item.get("timeL"), "a transfer without a time; skipped")
            continue
        keyed.append(((ts, life_of(ts), 1, n), ("transfer", ts, life_of(ts), path, item)))
    for n, (path, item) in enumerate(fields.section(record, "interactions")):
        ts = fields.fast_time(item, "interactionTime", path)
        agent = next(
            (
                t
                for k in ("assignedAgentId", "agentId")
                if (t := fields.text(item, k, f"{path}.{k}")) is not None
            ),
            None,
        )
        if ts is None or agent is None:
            p.add(
                path,
                item.get("interactionTimeL"),
                "an interaction without a time or an agent; skipped",
            )
            continue
        seq = fields.integer(item, "interactiveSequence", f"{path}.interactiveSequence") or n
        keyed.append(((ts, life_of(ts), 2, seq), ("interaction", ts, life_of(ts), path, agent)))
    keyed.sort(key=lambda kp: kp[0])
    return [point for _, point in keyed]


def _source(info: Mapping[str, Any], fields: Fields) -> str:
    text = fields.text(info, "source", "info.source")
    if text is None:
        fields.problems.add("info.source", info.get("source"), "no source; read as UNKNOWN")
        return "UNKNOWN"
    source = source_name(text)
    if source is None:
        fields.problems.add("info.source", text, "no letter to start a source; read as UNKNOWN")
        return "UNKNOWN"
    return source


def source_name(text: str) -> str | None:
    """The log's source of an info.source text (upper case, runs of other characters
    as ``_``), or None when no letter starts it."""
    source = _SOURCE_CHARS.sub("_", text.upper()).strip("_")
    return source if source and source[0].isalpha() else None


def _consumer(record: Mapping[str, Any], fields: Fields, cid: str) -> str:
    for path, item in fields.section(record, "consumerParticipants"):
        who = fields.text(item, "participantId", f"{path}.participantId")
        if who is not None:
            return who
    for path, item in fields.section(record, "messageRecords"):
        if (fields.text(item, "sentBy", f"{path}.sentBy") or "").lower() == "consumer":
            who = fields.text(item, "participantId", f"{path}.participantId")
            if who is not None:
                return who
    fields.problems.add("consumerParticipants", None, f"no consumer id; read as {cid}:consumer")
    return f"{cid}:consumer"
