"""The vendor's vocabulary: section names, enum values, time formats, and what records lack.

LivePerson's Messaging Interactions API (method "Conversations") is the authority;
docs/formats.md maps every event kind onto these names. The field tables and the
example responses of the vendor's documentation disagree on some names; real exports
follow either, so the importer accepts both (:data:`SECTION_ALIASES`) and the exporter
writes the table's name.

Times: the readable form is ``yyyy-MM-dd HH:mm:ss.SSS+0000`` (UTC; a space, not a
``T``; a colon-less offset), each paired with an epoch-ms twin whose name ends in ``L``.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import numpy.typing as npt

__all__ = [
    "ABANDONED",
    "CHANNEL_TYPES",
    "CLOSE_REASONS",
    "CSAT_CRITERIA",
    "SECTION_ALIASES",
    "UNRECORDED_KINDS",
    "format_time",
    "format_times",
    "parse_time",
]

#: Event kinds a conversation record cannot carry in full (docs/formats.md): agent
#: logins and statuses, views and snoozes have no section; offers and declines leave
#: no trace but the accept; a reopen reads as a resume; merges are not recorded.
UNRECORDED_KINDS: tuple[str, ...] = (
    "agent.login",
    "agent.logout",
    "agent.status",
    "assignment.declined",
    "assignment.offered",
    "conversation.merged",
    "conversation.reopened",
    "conversation.snoozed",
    "conversation.unsnoozed",
    "view.ended",
    "view.started",
)

#: closed_by -> info.closeReason / dialogs[].closeReason (the raw data also says TIMEOUT,
#: read as a system close)
CLOSE_REASONS: dict[str, str] = {"consumer": "CONSUMER", "agent": "AGENT", "system": "SYSTEM"}
CLOSED_BY_OF: dict[str, str] = {v: k for k, v in CLOSE_REASONS.items()} | {"TIMEOUT": "system"}

#: closeReasonDescription of a conversation that left the queue without an agent
#: (conversation.abandoned); closeReason is CONSUMER
ABANDONED = "ABANDONED"

#: channel -> dialogs[].dialogChannelType
CHANNEL_TYPES: dict[str, str] = {"messaging": "MESSAGING", "chat": "CHAT", "call": "VOICE"}
CHANNEL_OF: dict[str, str] = {v: k for k, v in CHANNEL_TYPES.items()}

#: agentParticipants[].userType -> userTypeName
USER_TYPE_NAMES: dict[str, str] = {"0": "System", "1": "Human", "2": "Bot"}

#: survey.answered criteria fields, written as surveyData questionIds
CSAT_CRITERIA: tuple[str, ...] = ("csat_welcome", "csat_response_time", "csat_quality")

#: transfers[].reason values: a transfer to an agent or a skill, a return to the queue
#: (by the agent, or when a suggested agent let the offer time out), a manager's takeover
TRANSFER_AGENT, TRANSFER_SKILL, BACK2Q, TAKEOVER, SUGGESTED_TIMEOUT = (
    "Agent",
    "Skill",
    "back2Q",
    "TakeOver",
    "SuggestedAgentTimeout",
)

#: the exporter's name -> other names found in the documentation's examples and tables
SECTION_ALIASES: dict[str, tuple[str, ...]] = {
    "messageRecords": ("messagesRecords",),
    "consumerParticipants": ("consumerParticipant",),
    "messageScores": ("messageScore",),
}

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def format_time(ms: int) -> str:
    """The vendor's readable UTC time of epoch ``ms``: ``2016-08-29 14:30:24.565+0000``."""
    moment = _EPOCH + dt.timedelta(milliseconds=ms)
    return moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{ms % 1000:03d}+0000"


def format_times(ms: npt.NDArray[np.int64]) -> list[str]:
    """:func:`format_time` of every value; each distinct second is formatted once (a
    day's export has a million times but only 86,400 seconds)."""
    seconds, index = np.unique(ms // 1000, return_inverse=True)
    prefixes = [
        text.replace("T", " ")
        for text in np.datetime_as_string(seconds.astype("datetime64[s]")).tolist()
    ]
    return [
        f"{prefixes[i]}.{m:03d}+0000"
        for i, m in zip(index.tolist(), (ms % 1000).tolist(), strict=True)
    ]


def parse_time(text: str) -> int | None:
    """Epoch ms of a readable time (``2016-08-29 14:30:24.565+0000``; an ISO 8601 ``T``
    and other offsets are accepted too), or None when the text is not a time."""
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000
