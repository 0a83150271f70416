"""Locks each package's public ``__all__``: changing the API must change this test."""

from __future__ import annotations

import importlib

import pytest

EXPECTED: dict[str, list[str]] = {
    "ccbench": [
        "CCBenchError",
        "EventSchemaError",
        "InputError",
        "LogFormatError",
        "ParameterError",
        "RosterError",
        "__version__",
    ],
    "ccbench.eventlog": [
        "AGENT_ROLES",
        "ASSIGN_REASONS",
        "CHANNELS",
        "CLOSED_BY",
        "COMMON_FIELDS",
        "FIELDS",
        "KINDS",
        "OBJECTIVE_METRICS",
        "RULES",
        "SCHEMA",
        "SENDER_ROLES",
        "STATUSES",
        "USER_TYPES",
        "Agent",
        "Bot",
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
    ],
    "ccbench.cli": ["main"],
    "sim": [],
    "oracle": [],
    "backend": [
        "METRICS", "IngestResult", "SegmentQuery", "ServerConfig", "Store",
        "agent_segment_metrics", "create_app", "openapi_document", "parse_segment_query", "serve",
    ],
    "loadtest": [],
}


@pytest.mark.parametrize("package", sorted(EXPECTED))
def test_all_is_locked(package: str) -> None:
    """The package exports exactly the expected names, and each of them exists."""
    module = importlib.import_module(package)
    assert sorted(module.__all__) == sorted(EXPECTED[package])
    for name in module.__all__:
        assert hasattr(module, name), f"{package}.__all__ names missing {name}"
