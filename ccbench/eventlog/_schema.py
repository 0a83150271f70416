"""Event kinds, fields and the columnar (Arrow) schema of the event log.

The log is one flat table: one row per event, one column per field. Every
event has the five common fields; each kind lists the other fields it
requires and allows, and every field a kind does not list must be null.
docs/eventlog.md is the prose version of the tables in this module.

Units: every timestamp is an integer count of milliseconds since the Unix
epoch, UTC, from 0 to :data:`MAX_TS_MS` (the last millisecond of year 9999);
``seq`` runs from 0 to :data:`MAX_SEQ` (2**53 - 1, exact in any JSON parser);
money is an integer amount of the currency's minor unit. Free-text strings
(ids, names, reasons) hold 1 to :data:`MAX_TEXT_LENGTH` characters, no control
characters and no surrounding whitespace. docs/eventlog.md states these
ranges; consumers (the backend's rollup) rely on them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

import pyarrow as pa

__all__ = [
    "ASSIGN_REASONS",
    "CHANNELS",
    "CLOSED_BY",
    "COMMON_FIELDS",
    "DIRECTIONS",
    "FIELDS",
    "FORMAT_VERSION",
    "KINDS",
    "MAX_SEQ",
    "MAX_TEXT_LENGTH",
    "MAX_TS_MS",
    "READABLE_FORMAT_VERSIONS",
    "SCHEMA",
    "SENDER_ROLES",
    "STATUSES",
    "VISIBILITIES",
    "EventKind",
    "FieldSpec",
    "KindSpec",
]

#: Version written to every log (NDJSON header, Parquet metadata). Version 2 added the
#: fields direction, visibility and sla_policy, the kind survey.sent and the status busy.
FORMAT_VERSION = 2
#: Versions a reader accepts: a version-1 log reads as version 2 with the new fields
#: absent (their documented defaults: inbound, public, no policy named).
READABLE_FORMAT_VERSIONS = (1, 2)

CHANNELS = ("messaging", "chat", "call")
ASSIGN_REASONS = ("new", "transfer", "back_to_queue", "takeover", "resume")
CLOSED_BY = ("consumer", "agent", "system")
SENDER_ROLES = ("consumer", "agent", "bot", "system", "manager", "participant")
STATUSES = ("online", "away", "back_soon", "busy")
#: Who started a conversation: the consumer (inbound) or an agent or the brand (outbound).
DIRECTIONS = ("inbound", "outbound")
#: Who sees a message: everyone (public) or only the company's users (internal note).
VISIBILITIES = ("public", "internal")

_IDENT = re.compile(r"^[a-z][a-z0-9_]*$")
_SOURCE = re.compile(r"^[A-Z][A-Z0-9_]*$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
#: Latest accepted ``ts`` (and ``snooze_until``): 9999-12-31T23:59:59.999Z in epoch ms.
MAX_TS_MS = 253_402_300_799_999
#: Largest accepted ``seq``: 2**53 - 1, the largest integer every JSON parser reads exactly.
MAX_SEQ = 2**53 - 1
#: Most characters (code points) a free-text field (ids, sites, reasons...) may hold.
MAX_TEXT_LENGTH = 256
# Free text: no control characters (C0, DEL, C1) anywhere, no space or control at either
# end. Written for RE2 (check_table's engine) and Python alike: no \s, whose meaning differs.
_TEXT = re.compile(r"^[^\x00-\x20\x7f-\x9f](?:[^\x00-\x1f\x7f-\x9f]*[^\x00-\x20\x7f-\x9f])?$")


class EventKind(StrEnum):
    """Every kind of event the log can hold (the ``kind`` column)."""

    CONVERSATION_OPENED = "conversation.opened"
    CONVERSATION_QUEUED = "conversation.queued"
    ASSIGNMENT_OFFERED = "assignment.offered"
    ASSIGNMENT_DECLINED = "assignment.declined"
    ASSIGNMENT_ACCEPTED = "assignment.accepted"
    CONVERSATION_TRANSFERRED = "conversation.transferred"
    CONVERSATION_BACK_TO_QUEUE = "conversation.back_to_queue"
    CONVERSATION_TAKEN_OVER = "conversation.taken_over"
    CONVERSATION_SNOOZED = "conversation.snoozed"
    CONVERSATION_UNSNOOZED = "conversation.unsnoozed"
    CONVERSATION_CLOSED = "conversation.closed"
    CONVERSATION_RESUMED = "conversation.resumed"
    CONVERSATION_REOPENED = "conversation.reopened"
    CONVERSATION_MERGED = "conversation.merged"
    CONVERSATION_ABANDONED = "conversation.abandoned"
    MESSAGE_SENT = "message.sent"
    VIEW_STARTED = "view.started"
    VIEW_ENDED = "view.ended"
    SURVEY_SENT = "survey.sent"
    SURVEY_ANSWERED = "survey.answered"
    MCS_SCORED = "mcs.scored"
    INTENT_DETECTED = "intent.detected"
    SALE_RECORDED = "sale.recorded"
    AGENT_LOGIN = "agent.login"
    AGENT_LOGOUT = "agent.logout"
    AGENT_STATUS = "agent.status"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One column of the log.

    ``type`` is ``"str"`` or ``"int"``; ``choices`` restricts strings to a set,
    ``pattern`` to a regular expression (matched by RE2, whole string),
    ``max_length`` their length in characters; ``low``/``high`` bound integers
    (inclusive).
    """

    name: str
    type: str
    arrow: pa.DataType
    doc: str
    choices: tuple[str, ...] | None = None
    pattern: re.Pattern[str] | None = None
    low: int | None = None
    high: int | None = None
    max_length: int | None = None

    @property
    def free_text(self) -> bool:
        """True for free-text fields (ids, sites, reasons): the contract's text rule."""
        return self.pattern is _TEXT

    def expectation(self) -> str:
        """Human phrase for what a valid value looks like, for error messages."""
        if self.choices is not None:
            return "one of " + ", ".join(self.choices)
        if self.type == "int":
            bounds = []
            if self.low is not None:
                bounds.append(f">= {self.low}")
            if self.high is not None:
                bounds.append(f"<= {self.high}")
            return "an integer" + (" " + " and ".join(bounds) if bounds else "")
        if self.free_text:
            return (
                f"a string of 1 to {self.max_length} characters without control "
                "characters or surrounding whitespace"
            )
        if self.pattern is not None:
            return f"a string matching {self.pattern.pattern}"
        return "a string"


_I64 = pa.int64()
_STR = pa.string()
_MAX_I64 = 2**63 - 1


def _int(
    name: str, doc: str, low: int | None = None, high: int | None = None, arrow: pa.DataType = _I64
) -> FieldSpec:
    return FieldSpec(name, "int", arrow, doc, low=low, high=high)


def _str(
    name: str,
    doc: str,
    *,
    choices: tuple[str, ...] | None = None,
    pattern: re.Pattern[str] | None = _TEXT,
) -> FieldSpec:
    text = pattern is _TEXT and choices is None
    return FieldSpec(
        name,
        "str",
        _STR,
        doc,
        choices=choices,
        pattern=None if choices else pattern,
        max_length=MAX_TEXT_LENGTH if text else None,
    )


_FIELD_LIST: tuple[FieldSpec, ...] = (
    _str("event_id", "Unique id of the event; ingestion is idempotent on it."),
    _int("ts", "When the event happened: ms since the Unix epoch, UTC.", 0, MAX_TS_MS),
    _int("seq", "Tie-breaker: the log's total order is (ts, seq); unique per log.", 0, MAX_SEQ),
    _str("kind", "The event kind (see KINDS).", choices=tuple(k.value for k in EventKind)),
    _str("account", "Account (tenant) the event belongs to; one account per log."),
    _str("conversation_id", "Conversation the event belongs to."),
    _str("site", "Site (sub-account, iAdvize-style) of a conversation or a login."),
    _str("channel", "Mode of the conversation.", choices=CHANNELS),
    _str(
        "source",
        "Integration source the conversation started from (APP, WEB, SMS...).",
        pattern=_SOURCE,
    ),
    _str("consumer_id", "The consumer (end user) who opened the conversation."),
    _str("language", "Language tag such as en or fr-FR.", pattern=_LANGUAGE),
    _str("bot_flow", "Bot flow the conversation starts at (roster bots[].flows)."),
    _int("skill_id", "Skill (queue) id from the roster.", 0, _MAX_I64),
    _int("agent_id", "Agent (human or bot user) id from the roster.", 0, _MAX_I64),
    _int("from_agent_id", "Agent a conversation was taken from (takeover).", 0, _MAX_I64),
    _int("to_skill_id", "Transfer target skill.", 0, _MAX_I64),
    _int("to_agent_id", "Transfer target agent.", 0, _MAX_I64),
    _str("reason", "Assignment reason, close reason or transfer reason (per kind)."),
    _str("closed_by", "Who closed the conversation.", choices=CLOSED_BY),
    _str("sender_role", "Role of a message's sender.", choices=SENDER_ROLES),
    _str("status", "Agent status.", choices=STATUSES),
    _str("into_conversation_id", "Conversation a merged conversation was merged into."),
    _int("snooze_until", "When a snooze ends by itself, ms since epoch UTC.", 0, MAX_TS_MS),
    _int("csat", "Overall satisfaction answer, 1 (worst) to 5 (best).", 1, 5, pa.int8()),
    _int("csat_welcome", "Satisfaction with the welcome, 1 to 5.", 1, 5, pa.int8()),
    _int("csat_response_time", "Satisfaction with the response time, 1 to 5.", 1, 5, pa.int8()),
    _int("csat_quality", "Satisfaction with the quality of responses, 1 to 5.", 1, 5, pa.int8()),
    _int("mcs", "Meaningful Connection Score, 0 to 100.", 0, 100, pa.int16()),
    _int("mcs_alerted", "MCS alert: -1 negative, 0 neutral, 1 positive.", -1, 1, pa.int8()),
    _str("intent", "Intent detected by a bot (identifier).", pattern=_IDENT),
    _int("amount_minor", "Sale amount in the currency's minor unit (cents).", 0, _MAX_I64),
    _str("currency", "ISO 4217 currency code.", pattern=_CURRENCY),
    # format 2: appended, so a format-1 table's columns are a prefix of the schema
    _str(
        "direction",
        "Who started the conversation: inbound (absent) or outbound (agent or brand).",
        choices=DIRECTIONS,
    ),
    _str(
        "visibility",
        "Who sees a message: public (absent) or internal (a note).",
        choices=VISIBILITIES,
    ),
    _str("sla_policy", "SLA policy of the conversation (roster sla_policies[].id)."),
)

FIELDS: dict[str, FieldSpec] = {f.name: f for f in _FIELD_LIST}
COMMON_FIELDS: tuple[str, ...] = ("event_id", "ts", "seq", "kind", "account")

SCHEMA = pa.schema(
    [pa.field(f.name, f.arrow, nullable=f.name not in COMMON_FIELDS) for f in _FIELD_LIST],
    metadata={"ccbench.eventlog.format": str(FORMAT_VERSION)},
)


@dataclass(frozen=True, slots=True)
class KindSpec:
    """What a kind of event means and which fields it requires and allows."""

    kind: EventKind
    doc: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    reason_choices: tuple[str, ...] | None = None

    @property
    def allowed(self) -> frozenset[str]:
        return frozenset(COMMON_FIELDS + self.required + self.optional)


_C = ("conversation_id",)
_K = EventKind
_KIND_LIST: tuple[KindSpec, ...] = (
    KindSpec(
        _K.CONVERSATION_OPENED,
        "A conversation starts (inbound: the consumer; outbound: an agent or the brand).",
        _C + ("site", "channel", "source", "consumer_id"),
        ("language", "bot_flow", "direction", "sla_policy"),
    ),
    KindSpec(
        _K.CONVERSATION_QUEUED, "The conversation enters a skill's queue.", _C + ("skill_id",)
    ),
    KindSpec(
        _K.ASSIGNMENT_OFFERED,
        "Routing offers the conversation to an agent.",
        _C + ("agent_id", "skill_id", "reason"),
        reason_choices=ASSIGN_REASONS,
    ),
    KindSpec(
        _K.ASSIGNMENT_DECLINED,
        "The agent declined the offer, or it timed out.",
        _C + ("agent_id", "skill_id"),
    ),
    KindSpec(
        _K.ASSIGNMENT_ACCEPTED,
        "The agent accepts: an agent segment starts (reason = how it started).",
        _C + ("agent_id", "skill_id", "reason"),
        reason_choices=ASSIGN_REASONS,
    ),
    KindSpec(
        _K.CONVERSATION_TRANSFERRED,
        "The assigned agent transfers to a skill and/or an agent; the segment ends.",
        _C + ("agent_id",),
        ("to_skill_id", "to_agent_id", "reason"),
    ),
    KindSpec(
        _K.CONVERSATION_BACK_TO_QUEUE,
        "The assigned agent returns the conversation to a queue; the segment ends.",
        _C + ("agent_id",),
    ),
    KindSpec(
        _K.CONVERSATION_TAKEN_OVER,
        "A manager takes the conversation from the assigned agent; the segment ends.",
        _C + ("agent_id", "from_agent_id"),
    ),
    KindSpec(
        _K.CONVERSATION_SNOOZED,
        "The assigned agent snoozes the conversation.",
        _C + ("agent_id",),
        ("snooze_until",),
    ),
    KindSpec(_K.CONVERSATION_UNSNOOZED, "A snoozed conversation is open again.", _C, ("agent_id",)),
    KindSpec(
        _K.CONVERSATION_CLOSED,
        "The conversation closes (by consumer, agent or system).",
        _C + ("closed_by", "reason"),
        ("agent_id",),
    ),
    KindSpec(_K.CONVERSATION_RESUMED, "The consumer comes back to a closed conversation.", _C),
    KindSpec(
        _K.CONVERSATION_REOPENED,
        "An agent (or the system) reopens a closed conversation.",
        _C,
        ("agent_id",),
    ),
    KindSpec(
        _K.CONVERSATION_MERGED,
        "A closed conversation is merged into another one.",
        _C + ("into_conversation_id",),
    ),
    KindSpec(
        _K.CONVERSATION_ABANDONED,
        "The consumer leaves while waiting in a queue; the conversation ends.",
        _C,
    ),
    KindSpec(
        _K.MESSAGE_SENT,
        "A message in the conversation (or an internal note).",
        _C + ("sender_role",),
        ("agent_id", "visibility"),
    ),
    KindSpec(_K.VIEW_STARTED, "An agent starts viewing the conversation.", _C + ("agent_id",)),
    KindSpec(_K.VIEW_ENDED, "The agent stops viewing the conversation.", _C + ("agent_id",)),
    KindSpec(_K.SURVEY_SENT, "The satisfaction survey is sent to the consumer.", _C),
    KindSpec(
        _K.SURVEY_ANSWERED,
        "The consumer answers the satisfaction survey.",
        _C + ("csat",),
        ("csat_welcome", "csat_response_time", "csat_quality"),
    ),
    KindSpec(
        _K.MCS_SCORED,
        "The conversation's Meaningful Connection Score (latest wins).",
        _C + ("mcs", "mcs_alerted"),
    ),
    KindSpec(
        _K.INTENT_DETECTED,
        "A bot (or NLU) detects the consumer's intent.",
        _C + ("intent",),
        ("language", "agent_id"),
    ),
    KindSpec(
        _K.SALE_RECORDED,
        "A sale attributed to an agent in the conversation.",
        _C + ("agent_id", "amount_minor", "currency"),
    ),
    KindSpec(_K.AGENT_LOGIN, "An agent logs in to a site.", ("agent_id", "site")),
    KindSpec(_K.AGENT_LOGOUT, "An agent logs out of a site.", ("agent_id", "site")),
    KindSpec(_K.AGENT_STATUS, "An agent's status changes.", ("agent_id", "status")),
)

KINDS: dict[str, KindSpec] = {k.kind.value: k for k in _KIND_LIST}
