"""The event-log contract: the one thing sim, oracle, backend and loadtest share.

An event log is a flat, ordered table of events (docs/eventlog.md) plus a
roster. This package defines the schema, reads and writes Parquet and NDJSON,
and validates logs (schema, order, references, lifecycle state machine).
It imports nothing from the other ccbench packages.
"""

from ._conversation_checks import ConversationState
from ._io import convert_log, log_format, read_log, write_log
from ._log import EventLog
from ._records import Violation, conform_table, records_from_table, table_from_records
from ._roster import (
    AGENT_ROLES,
    BUSINESS_DAYS,
    OBJECTIVE_METRICS,
    SLA_CLOCKS,
    USER_TYPES,
    Agent,
    Bot,
    BusinessHours,
    Group,
    LoadWeights,
    Objective,
    Roster,
    Signals,
    Site,
    Skill,
    SlaPolicy,
)
from ._rules import RULES
from ._schema import (
    ASSIGN_REASONS,
    CHANNELS,
    CLOSED_BY,
    COMMON_FIELDS,
    DIRECTIONS,
    FIELDS,
    FORMAT_VERSION,
    KINDS,
    MAX_SEQ,
    MAX_TEXT_LENGTH,
    MAX_TS_MS,
    SCHEMA,
    SENDER_ROLES,
    STATUSES,
    VISIBILITIES,
    EventKind,
    FieldSpec,
    KindSpec,
)
from ._summary import LogSummary, summarize
from ._table_checks import check_table
from ._validate import validate

__all__ = [
    "AGENT_ROLES",
    "ASSIGN_REASONS",
    "BUSINESS_DAYS",
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
    "OBJECTIVE_METRICS",
    "RULES",
    "SCHEMA",
    "SENDER_ROLES",
    "SLA_CLOCKS",
    "STATUSES",
    "USER_TYPES",
    "VISIBILITIES",
    "Agent",
    "Bot",
    "BusinessHours",
    "ConversationState",
    "EventKind",
    "EventLog",
    "FieldSpec",
    "Group",
    "KindSpec",
    "LoadWeights",
    "LogSummary",
    "Objective",
    "Roster",
    "Signals",
    "Site",
    "Skill",
    "SlaPolicy",
    "Violation",
    "check_table",
    "conform_table",
    "convert_log",
    "log_format",
    "read_log",
    "records_from_table",
    "summarize",
    "table_from_records",
    "validate",
    "write_log",
]
