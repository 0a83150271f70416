"""The real-time messaging dashboard family (seed 003): parameters, KPIs, columns, shape.

docs/metrics.md section 3.1 states the parameters in words, 3.8 the response.
"""

from __future__ import annotations

from ._spec import Family, Parameter, Rule

__all__ = [
    "DASHBOARD",
    "DASHBOARD_AGENT_COLUMNS",
    "DASHBOARD_KPIS",
    "DASHBOARD_MODE_SECTIONS",
    "DASHBOARD_SKILL_COLUMNS",
]

#: The KPI section each dashboard mode (seed 003: "select the dashboard type: Messaging
#: or Chat") shows; the other mode's section is null in its snapshot.
DASHBOARD_MODE_SECTIONS: dict[str, str] = {"messaging": "current", "chat": "chat"}

#: Columns of the agents table, in output order (each is a valid ``agent_sort``).
DASHBOARD_AGENT_COLUMNS: tuple[str, ...] = (
    "agent_id", "name", "status", "status_time_ms", "open", "active", "load", "closed",
    "avg_resolution_time", "csat", "csat_answered",
)  # fmt: skip
#: Columns of the skills table, in output order (each is a valid ``skill_sort``).
DASHBOARD_SKILL_COLUMNS: tuple[str, ...] = (
    "skill_id", "name", "open", "unassigned", "assigned", "load", "online", "away",
    "back_soon", "max_slots", "closed", "avg_resolution_time", "csat", "csat_answered",
)  # fmt: skip
_RESPONSE_FAMILY = (
    "response_time", "response_time_consumer", "ttfr_all_assign", "ttfr", "ttfr_consumer",
    "ttfr_first_assign", "wait_time", "time_to_first_assign",
)  # fmt: skip
_CURRENT = (
    "open", "unassigned", "assigned", "active", "load", "load_online", "load_other",
    *_RESPONSE_FAMILY,
)  # fmt: skip
_CHAT = (
    "in_queue", "entered", "abandoned", "abandon_rate", "avg_time_to_abandon", "connected",
    "service_level", "occupancy", "avg_time_to_answer", "aht",
)  # fmt: skip
_CLOSED_KPIS = (
    "closed", "csat", "avg_resolution_time", "response_time", "ttfr_all_assign", "ttfr",
    "ttfr_first_assign", "wait_time", "time_to_first_assign",
)  # fmt: skip
#: KPIs a threshold may name ("section.key" paths into the snapshot), in alert order.
DASHBOARD_KPIS: tuple[str, ...] = (
    tuple(f"current.{k}" for k in _CURRENT)
    + tuple(f"chat.{k}" for k in _CHAT)
    + tuple(f"closed.{k}" for k in _CLOSED_KPIS)
)
_TOP = (
    "now", "mode", "window", "filters", "current", "chat", "closed", "agents", "skills",
    "alerts",
)  # fmt: skip
_TABLE_KEYS = ("total", "page", "page_size", "pages", "sort", "order", "rows")
_ORDERS = ("asc", "desc")


def _int(
    name: str,
    summary: str,
    low: int,
    high: int | None = None,
    *,
    default: int | None = None,
    unit: str = "",
) -> Parameter:
    return Parameter(name, "integer", summary, default=default, low=low, high=high, unit=unit)


def _table(
    prefix: str, title: str, columns: tuple[str, ...], *, max_size: int, size: int
) -> tuple[Parameter, ...]:
    """Sort column, order, page and page size of one table (seed 003: agents up to 30 rows a
    page, 18 by default; skills up to 100, 25 by default)."""
    return (
        Parameter(f"{prefix}_sort", "choice", f"{title}-table sort column.",
                  default=columns[0], choices=columns),
        Parameter(f"{prefix}_order", "choice", f"{title}-table order.", default="asc",
                  choices=_ORDERS),
        _int(f"{prefix}_page", f"{title}-table page (1-based).", 1, default=1),
        _int(f"{prefix}_page_size", f"{title}-table rows per page.", 1, max_size, default=size),
    )  # fmt: skip


DASHBOARD = Family(
    name="dashboard",
    seed="003",
    summary="Real-time messaging dashboard: one snapshot at now",
    path="/api/v1/accounts/{account}/dashboard",
    operation_id="getDashboard",
    parameters=(
        Parameter(
            "mode",
            "choice",
            "Dashboard type (seed 003): every section counts that channel's conversations.",
            default="messaging",
            choices=tuple(DASHBOARD_MODE_SECTIONS),
        ),
        _int(
            "from_hour",
            "Closed window: today from this hour (roster time zone).",
            0,
            23,
            unit="hour",
        ),
        _int(
            "last_hours",
            "Closed window: the last N hours (neither given: the last 24 hours).",
            1,
            24,
            unit="hours",
        ),
        Parameter("skill_ids", "ids", "Only these skills (absent: all)."),
        Parameter("group_ids", "ids", "Only agents of these groups (absent: all)."),
        _int(
            "opened_within_ms",
            "Current response times: only conversations opened in [now - x, now).",
            1,
            unit="ms",
        ),
        _int(
            "sl_threshold_ms",
            "Chat service-level threshold (inclusive).",
            0,
            default=30_000,
            unit="ms",
        ),
        _int(
            "inactivity_timeout_ms",
            "Activity rule (absent: the roster's load.inactivity_timeout_ms).",
            1,
            unit="ms",
        ),
        Parameter(
            "abandon_rate",
            "choice",
            "Denominator of the abandon rate.",
            default="entered",
            choices=("entered", "handled"),
        ),
        Parameter(
            "load",
            "choice",
            "Load as conversation weights or active conversations.",
            default="weighted",
            choices=("weighted", "active"),
        ),
        Parameter(
            "csat",
            "choice",
            "CSAT as the share of answers 4-5 (top2, the vendor's score) or 100 * mean / 5.",
            default="top2",
            choices=("top2", "mean"),
        ),
        *_table("agent", "Agents", DASHBOARD_AGENT_COLUMNS, max_size=30, size=18),
        *_table("skill", "Skills", DASHBOARD_SKILL_COLUMNS, max_size=100, size=25),
        Parameter(
            "threshold",
            "threshold",
            "Alert when the KPI's value >= the number; repeatable, one per KPI.",
            choices=DASHBOARD_KPIS,
            repeatable=True,
        ),
    ),
    rules=(
        Rule("excludes", "last_hours", "from_hour or last_hours, not both", other="from_hour"),
        Rule(
            "clock",
            "from_hour",
            "an hour not later than now's local hour (roster time zone): today from H:00 "
            "must not start after now",
        ),
    ),
    response_keys=(
        (
            "",
            _TOP,
        ),
        ("window", ("start", "end")),
        ("filters", ("skill_ids", "group_ids")),
        ("current", (*_CURRENT, "mcs")),
        ("chat", _CHAT),
        (
            "closed",
            (
                "closed",
                "closed_by",
                "csat",
                "csat_answered",
                "avg_resolution_time",
                *_RESPONSE_FAMILY,
                "mcs",
            ),
        ),
        ("closed.closed_by", ("consumer", "agent", "system")),
        ("current.mcs", ("average", "scored", "positive", "negative")),
        ("closed.mcs", ("average", "scored", "positive", "negative")),
        ("agents", _TABLE_KEYS),
        ("agents.rows[]", DASHBOARD_AGENT_COLUMNS),
        ("skills", _TABLE_KEYS),
        ("skills.rows[]", DASHBOARD_SKILL_COLUMNS),
        ("alerts[]", ("kpi", "value", "threshold")),
    ),
)
