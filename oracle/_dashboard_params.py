"""Parameters of the real-time messaging dashboard (seed 003) and their validation.

docs/metrics.md section 3.1 lists them with their vendor defaults. Every
check raises ParameterError naming the parameter.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ccbench import ParameterError

__all__ = [
    "AGENT_COLUMNS",
    "DASHBOARD_KPIS",
    "SKILL_COLUMNS",
    "DashboardParams",
    "dashboard_window",
]

HOUR_MS = 3_600_000

#: Sortable columns of the agents table, in output order.
AGENT_COLUMNS = (
    "agent_id",
    "name",
    "status",
    "status_time_ms",
    "open",
    "active",
    "load",
    "closed",
    "avg_resolution_time",
    "csat",
    "csat_answered",
)
#: Columns of the skills table, in output order.
SKILL_COLUMNS = (
    "skill_id",
    "name",
    "open",
    "unassigned",
    "assigned",
    "load",
    "online",
    "away",
    "back_soon",
    "max_slots",
    "closed",
    "avg_resolution_time",
    "csat",
    "csat_answered",
)
#: KPIs a threshold can be set on ("section.key" paths into the snapshot).
DASHBOARD_KPIS = tuple(
    f"current.{k}"
    for k in (
        "open", "unassigned", "assigned", "active", "load", "load_online", "load_other",
        "response_time", "response_time_consumer", "ttfr_all_assign", "ttfr", "ttfr_consumer",
        "ttfr_first_assign", "wait_time", "time_to_first_assign",
    )
) + tuple(
    f"chat.{k}"
    for k in (
        "in_queue", "entered", "abandoned", "abandon_rate", "avg_time_to_abandon", "connected",
        "service_level", "occupancy", "avg_time_to_answer", "aht",
    )
) + tuple(
    f"closed.{k}"
    for k in (
        "closed", "csat", "avg_resolution_time", "response_time", "ttfr_all_assign", "ttfr",
        "ttfr_first_assign", "wait_time", "time_to_first_assign",
    )
)  # fmt: skip


def _ids(name: str, value: Iterable[int] | None) -> frozenset[int] | None:
    if value is None:
        return None
    out = set()
    for v in value:
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise ParameterError(name, f"expected non-negative integer ids, got {v!r}")
        out.add(v)
    if not out:
        raise ParameterError(name, "expected at least one id (omit the filter for all)")
    return frozenset(out)


def _int(name: str, value: int, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ParameterError(name, f"expected an integer >= {low}, got {value!r}")
    if high is not None and value > high:
        raise ParameterError(name, f"expected an integer <= {high}, got {value!r}")
    return value


@dataclass(frozen=True, slots=True)
class DashboardParams:
    """Validated dashboard request; build with :meth:`create` (keyword-only).

    The closed-section window is "today from hour ``from_hour``" in the
    roster time zone, or "last ``last_hours`` hours" (exactly one; default
    last 24 hours). Durations are ms.
    """

    now_ms: int
    from_hour: int | None = None
    last_hours: int | None = None
    skill_ids: frozenset[int] | None = None
    group_ids: frozenset[int] | None = None
    opened_within_ms: int | None = None
    sl_threshold_ms: int = 30_000
    inactivity_timeout_ms: int | None = None
    abandon_rate: str = "entered"
    load: str = "weighted"
    skills_window_ms: int = 12 * HOUR_MS
    agent_sort: str = "agent_id"
    agent_order: str = "asc"
    agent_page: int = 1
    agent_page_size: int = 18
    skill_sort: str = "skill_id"
    skill_order: str = "asc"
    skill_page: int = 1
    skill_page_size: int = 25
    thresholds: Mapping[str, float] = field(default_factory=dict)

    @classmethod
    def create(
        cls,
        *,
        now_ms: int,
        from_hour: int | None = None,
        last_hours: int | None = None,
        skill_ids: Iterable[int] | None = None,
        group_ids: Iterable[int] | None = None,
        opened_within_ms: int | None = None,
        sl_threshold_ms: int = 30_000,
        inactivity_timeout_ms: int | None = None,
        abandon_rate: str = "entered",
        load: str = "weighted",
        agent_sort: str = "agent_id",
        agent_order: str = "asc",
        agent_page: int = 1,
        agent_page_size: int = 18,
        skill_sort: str = "skill_id",
        skill_order: str = "asc",
        skill_page: int = 1,
        skill_page_size: int = 25,
        thresholds: Mapping[str, float] | None = None,
    ) -> DashboardParams:
        """Validate every parameter (docs/metrics.md section 3.1)."""
        _int("now_ms", now_ms, 0)
        if from_hour is not None and last_hours is not None:
            raise ParameterError("last_hours", "give from_hour or last_hours, not both")
        if from_hour is not None:
            _int("from_hour", from_hour, 0, 23)
        if last_hours is not None:
            _int("last_hours", last_hours, 1, 24)
        if opened_within_ms is not None:
            _int("opened_within_ms", opened_within_ms, 1)
        _int("sl_threshold_ms", sl_threshold_ms, 0)
        if inactivity_timeout_ms is not None:
            _int("inactivity_timeout_ms", inactivity_timeout_ms, 1)
        for name, value, choices in (
            ("abandon_rate", abandon_rate, ("entered", "handled")),
            ("load", load, ("weighted", "active")),
            ("agent_sort", agent_sort, AGENT_COLUMNS),
            ("skill_sort", skill_sort, SKILL_COLUMNS),
            ("agent_order", agent_order, ("asc", "desc")),
            ("skill_order", skill_order, ("asc", "desc")),
        ):
            if value not in choices:
                raise ParameterError(name, f"expected one of {', '.join(choices)}, got {value!r}")
        _int("agent_page", agent_page, 1)
        _int("agent_page_size", agent_page_size, 1, 30)
        _int("skill_page", skill_page, 1)
        _int("skill_page_size", skill_page_size, 1, 100)
        checked: dict[str, float] = {}
        for kpi, limit in (thresholds or {}).items():
            if kpi not in DASHBOARD_KPIS:
                raise ParameterError("thresholds", f"unknown KPI {kpi!r}; expected one of "
                                     + ", ".join(DASHBOARD_KPIS))  # fmt: skip
            if isinstance(limit, bool) or not isinstance(limit, int | float):
                raise ParameterError("thresholds", f"{kpi}: expected a number, got {limit!r}")
            checked[kpi] = float(limit)
        return cls(
            now_ms=now_ms,
            from_hour=from_hour,
            last_hours=last_hours,
            skill_ids=_ids("skill_ids", skill_ids),
            group_ids=_ids("group_ids", group_ids),
            opened_within_ms=opened_within_ms,
            sl_threshold_ms=sl_threshold_ms,
            inactivity_timeout_ms=inactivity_timeout_ms,
            abandon_rate=abandon_rate,
            load=load,
            agent_sort=agent_sort,
            agent_order=agent_order,
            agent_page=agent_page,
            agent_page_size=agent_page_size,
            skill_sort=skill_sort,
            skill_order=skill_order,
            skill_page=skill_page,
            skill_page_size=skill_page_size,
            thresholds=checked,
        )


def dashboard_window(params: DashboardParams, timezone: str) -> tuple[int, int]:
    """The closed-section window ``[start, now)`` in epoch ms.

    "Today from hour H": start is H:00 local time (``timezone``) on now's
    local date; it must not be after now. "Last N hours": now - N h. Neither:
    last 24 hours (the vendor default).
    """
    now = params.now_ms
    if params.from_hour is None:
        return now - (params.last_hours or 24) * HOUR_MS, now
    tz = zoneinfo.ZoneInfo(timezone)
    local = dt.datetime.fromtimestamp(now / 1000, tz)
    start_local = dt.datetime(local.year, local.month, local.day, params.from_hour, tzinfo=tz)
    start = int(start_local.timestamp() * 1000)
    if start > now:
        raise ParameterError(
            "from_hour",
            f"today from {params.from_hour}:00 ({timezone}) starts after now ({now}); "
            "expected an hour not later than the current local hour",
        )
    return start, now
