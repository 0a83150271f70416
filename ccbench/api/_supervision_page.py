"""The supervision page family (seed 002): one site of the roster at now.

docs/metrics.md section 6.1 states the rules in words. The oracle answers it
(``Oracle.supervision``); the reference backend serves it at ``path``.
"""

from __future__ import annotations

from ._spec import Family, Parameter, Rule

__all__ = ["SUPERVISION", "SUPERVISION_AGENT_COLUMNS"]

#: Columns of the per-agent table, in output order (also the CSV header).
SUPERVISION_AGENT_COLUMNS: tuple[str, ...] = (
    "agent_id", "name", "state", "presence_ms", "contacts", "aht", "contacts_per_hour",
    "turnover_minor", "turnover_by_currency", "conversion_rate", "transactions", "satisfaction",
    "satisfaction_answered", "in_progress", "ongoing_all_sites", "signal",
)  # fmt: skip
# The event-log contract's channels (ccbench.eventlog.CHANNELS; a test checks they agree).
_CHANNELS = ("messaging", "chat", "call")

SUPERVISION = Family(
    name="supervision",
    seed="002",
    summary="Supervision page of one site at now",
    parameters=(
        Parameter("site_id", "text", "The site (an id of the roster's sites).", required=True),
        Parameter(
            "objectives",
            "json",
            "Objectives replacing the roster's: a JSON list of "
            '{"id", "metric", "target", "agent_id"} as in the roster.',
        ),
        Parameter(
            "max_handling_ms",
            "integer",
            "Handling signal (absent: the roster's signals.max_handling_ms).",
            low=1,
            unit="ms",
        ),
        Parameter(
            "max_response_ms",
            "integer",
            "Response-time signal (absent: the roster's signals.max_response_ms).",
            low=1,
            unit="ms",
        ),
        Parameter(
            "channels",
            "names",
            "Channels of the visitors graphic.",
            default=("chat", "call"),
            choices=_CHANNELS,
        ),
        Parameter(
            "satisfaction_good_pct",
            "number",
            "Band good when the score >= it.",
            default=80,
            low=0,
            high=100,
            unit="percent",
        ),
        Parameter(
            "satisfaction_poor_pct",
            "number",
            "Band poor when the score < it.",
            default=60,
            low=0,
            high=100,
            unit="percent",
        ),
        Parameter(
            "satisfaction",
            "choice",
            "Score: share of answers 4-5, or mean / 5.",
            default="top2",
            choices=("top2", "mean"),
        ),
        Parameter(
            "conversion_rate",
            "choice",
            "Conversion rate per contact or per transaction.",
            default="contacts",
            choices=("contacts", "transactions"),
        ),
    ),
    rules=(
        Rule(
            "not_above",
            "satisfaction_poor_pct",
            "a value <= satisfaction_good_pct",
            other="satisfaction_good_pct",
        ),
        Rule("data", "site_id", "a site id of the roster"),
        Rule("data", "objectives", "objectives as in the roster, agent ids of the roster"),
    ),
    path="/api/v1/accounts/{account}/supervision",
    operation_id="getSupervision",
    response_keys=(
        (
            "",
            (
                "now",
                "site_id",
                "day",
                "agents_by_status",
                "satisfaction",
                "objectives",
                "visitors",
                "available_slots",
                "currencies",
                "agents",
            ),
        ),
        ("day", ("start", "end", "timezone")),
        ("agents[]", SUPERVISION_AGENT_COLUMNS),
    ),
)
