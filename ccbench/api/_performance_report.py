"""The automated performance report family (seed 001): the period ``[start_ms, end_ms)``.

docs/metrics.md section 5 states the rules in words. The oracle answers it
(``Oracle.report``); the reference backend serves it at ``path``.
"""

from __future__ import annotations

from ._spec import Family, Parameter, Rule

__all__ = ["REPORT"]

#: Longest report period, in days (one year, leap day included).
MAX_REPORT_DAYS = 366
_DAY_MS = 86_400_000

REPORT = Family(
    name="report",
    seed="001",
    summary="Automated performance report over [start_ms, end_ms), seen at end_ms",
    parameters=(
        Parameter(
            "start_ms", "integer", "Period start, epoch ms.", required=True, low=0, unit="ms"
        ),
        Parameter(
            "end_ms",
            "integer",
            "Period end (exclusive), epoch ms.",
            required=True,
            low=0,
            unit="ms",
        ),
        Parameter(
            "top_intents", "integer", "Keep the N most frequent intents (absent: all).", low=1
        ),
    ),
    rules=(
        Rule("after", "end_ms", "an end after start_ms", other="start_ms"),
        Rule(
            "span_at_most",
            "end_ms",
            f"a period of at most {MAX_REPORT_DAYS} days ({MAX_REPORT_DAYS * _DAY_MS} ms)",
            other="start_ms",
            limit=MAX_REPORT_DAYS * _DAY_MS,
        ),
    ),
    path="/api/v1/accounts/{account}/report",
    operation_id="getReport",
    response_keys=(
        ("", ("period", "activity", "chatbot", "contact_center", "agents")),
        ("period", ("start", "end", "timezone", "days")),
    ),
)
