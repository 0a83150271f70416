"""The agent performance dashboard family (seed 000): one agent over ``[start_ms, now)``.

docs/metrics.md section 4 states the rules in words. The oracle answers it
(``Oracle.agent_performance``); the reference backend serves it at ``path``.
"""

from __future__ import annotations

from ._spec import Family, Parameter, Rule

__all__ = ["AGENT_PERFORMANCE"]

#: Most messages-sent buckets one request may ask for.
MAX_BUCKETS = 10_000

AGENT_PERFORMANCE = Family(
    name="agent_performance",
    seed="000",
    summary="Agent performance dashboard: one agent over [start_ms, now)",
    parameters=(
        Parameter("agent_id", "integer", "The agent (an id of the roster).", required=True, low=0),
        Parameter(
            "start_ms",
            "integer",
            "Start of the range [start_ms, now), epoch ms.",
            required=True,
            low=0,
            unit="ms",
        ),
        Parameter(
            "bucket_ms",
            "integer",
            "Width of the messages-sent buckets.",
            default=3_600_000,
            low=60_000,
            unit="ms",
        ),
    ),
    rules=(
        Rule("before_now", "start_ms", "a start before now"),
        Rule(
            "buckets_at_most",
            "bucket_ms",
            f"a width making at most {MAX_BUCKETS} buckets of [start_ms, now)",
            other="start_ms",
            limit=MAX_BUCKETS,
        ),
        Rule("data", "agent_id", "an agent id of the roster"),
    ),
    path="/api/v1/accounts/{account}/agent-performance",
    operation_id="getAgentPerformance",
    response_keys=(
        (
            "",
            (
                "agent_id",
                "now",
                "range",
                "open",
                "snoozed",
                "marked_done",
                "average_handle_time",
                "response_times",
                "messages_sent",
                "first_contact_resolution",
                "fcr_resolved",
                "fcr_conversations",
                "average_first_resolution",
                "breached_conversations",
                "sla_achieved",
                "sla_conversations",
                "satisfaction",
            ),
        ),
        ("range", ("start", "end")),
        ("messages_sent[]", ("start", "count")),
        ("satisfaction", ("score", "surveys")),
    ),
)
