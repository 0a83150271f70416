"""Records decoded straight into typed structs: the importer's fast path (docs/formats.md).

A conversation record whose values all have the types the vendor's tables give (times
and ids as numbers, names as strings...) decodes with msgspec straight from the file's
bytes into the structs below, about three times faster than orjson into dicts, and
:mod:`._fast` reads it without a type check per field. A value of another type makes
the decode fail: the page, then the record, goes to the tolerant reader, so a decode
never has to report anything. The structs declare the fields the tolerant reader reads
(:mod:`._conversation` and the modules it calls); JSON null and a missing key both read
as None, as ``dict.get`` reads them. The sections read by the tolerant reader's own
code (transfers, scores, surveys, sdes) stay lists of dicts. A record declares every
top-level section it may hold (a version's size counts them all, :func:`._read.rank`),
so one with another section goes to the tolerant reader. Integers stop at 64 bits,
beyond which orjson, whose dicts the tolerant reader gets, gives floats.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from msgspec import UNSET, Struct, UnsetType

__all__ = [
    "TypedPage",
    "TypedRecord",
    "decode_page",
    "typed_record",
]

Int = Annotated[int, msgspec.Meta(ge=-(2**63), le=2**63 - 1)]


class _Item(Struct, gc=False):
    """A record section's entry (no reference cycles: the collector need not track it)."""


class Info(_Item, gc=False):
    conversationId: str | None = None
    brandId: str | None = None
    status: str | None = None
    startTime: str | None = None
    startTimeL: Int | None = None
    endTime: str | None = None
    endTimeL: Int | None = None
    closeReason: str | None = None
    closeReasonDescription: str | None = None
    latestSkillId: Int | None = None
    latestSkillName: str | None = None
    source: str | None = None
    language: str | None = None
    csat: Int | None = None
    csatRate: Int | None = None
    mcs: Int | None = None
    alertedMCS: Int | None = None
    isPartial: bool | None = None


class Message(_Item, gc=False):
    """A messageRecords entry. :func:`._fast._messages` reads the fields by position:
    their order is part of the fast path (tests/records/test_fast.py)."""

    time: str | None = None
    timeL: Int | None = None
    seq: Int | None = None
    sentBy: str | None = None
    participantId: str | None = None
    contextData: Any = None


class AgentParticipant(_Item, gc=False):
    """An agentParticipants entry; its fields, in order, key a cache in
    :func:`._fast._participants`."""

    agentId: str | None = None
    userType: str | None = None
    userTypeName: str | None = None
    agentFullName: str | None = None
    agentNickname: str | None = None
    agentLoginName: str | None = None
    role: str | None = None
    agentGroupId: Int | None = None
    agentGroupName: str | None = None


class ConsumerParticipant(_Item, gc=False):
    participantId: str | None = None


class Interaction(_Item, gc=False):
    interactionTime: str | None = None
    interactionTimeL: Int | None = None
    assignedAgentId: str | None = None
    agentId: str | None = None
    interactiveSequence: Int | None = None


class Dialog(_Item, gc=False):
    dialogId: str | None = None
    status: str | None = None
    dialogType: str | None = None
    dialogChannelType: str | UnsetType | None = UNSET  # absent reads as MESSAGING
    startTime: str | None = None
    startTimeL: Int | None = None
    endTime: str | None = None
    endTimeL: Int | None = None
    skillId: Int | None = None
    skillName: str | None = None
    closeReason: str | None = None
    closeReasonDescription: str | None = None


class TypedRecord(Struct, forbid_unknown_fields=True, gc=False):
    """A conversation record; a section under one of the examples' names (UNSET when
    absent) is left to the tolerant reader, which reports two names of one section."""

    info: Info
    messageRecords: list[Message] | None = None
    agentParticipants: list[AgentParticipant] | None = None
    consumerParticipants: list[ConsumerParticipant] | None = None
    transfers: list[dict[str, Any]] | None = None
    interactions: list[Interaction] | None = None
    messageScores: list[dict[str, Any]] | None = None
    dialogs: list[Dialog] | None = None
    conversationSurveys: list[dict[str, Any]] | None = None
    sdes: Any = None
    messagesRecords: Any = UNSET
    consumerParticipant: Any = UNSET
    messageScore: Any = UNSET
    # documented sections the importer does not read (a version's size counts them)
    campaign: Any = None
    monitoring: Any = None
    messageStatuses: Any = None
    coBrowseSessions: Any = None
    summary: Any = None
    responseTime: Any = None
    unAuthSdes: Any = None
    intents: Any = None
    skillChanges: Any = None
    latestAgentSurvey: Any = None
    previouslySubmittedAgentSurveys: Any = None


class TypedPage(Struct, gc=False):
    """A conversations-search page."""

    conversationHistoryRecords: list[TypedRecord]
    _metadata: Any = None


_PAGE = msgspec.json.Decoder(TypedPage)


def decode_page(raw: bytes) -> TypedPage | None:
    """The page in ``raw`` with every record typed, or None (anything else: another
    document, a value of another type, not JSON)."""
    try:
        return _PAGE.decode(raw)
    except (msgspec.ValidationError, msgspec.DecodeError):
        return None


def typed_record(record: Any) -> TypedRecord | None:
    """The typed form of an already parsed record, or None when it has none."""
    if type(record) is not dict:
        return None
    try:
        return msgspec.convert(record, TypedRecord)
    except msgspec.ValidationError:
        return None
