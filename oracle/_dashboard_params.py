"""Parameters of the real-time messaging dashboard (seed 003) as the oracle's value.

The rules are the API contract's (:data:`ccbench.api.DASHBOARD`, docs/metrics.md
section 3.1); every check raises ParameterError naming the parameter.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ccbench import ParameterError
from ccbench.api import (
    DASHBOARD,
    DASHBOARD_AGENT_COLUMNS,
    DASHBOARD_KPIS,
    DASHBOARD_SKILL_COLUMNS,
    Query,
    check_now,
    check_values,
    parse_query,
)

__all__ = [
    "AGENT_COLUMNS",
    "DASHBOARD_KPIS",
    "SKILL_COLUMNS",
    "DashboardParams",
    "dashboard_window",
]

HOUR_MS = 3_600_000

#: Sortable columns of the agents table, in output order (the contract's).
AGENT_COLUMNS = DASHBOARD_AGENT_COLUMNS
#: Columns of the skills table, in output order (the contract's).
SKILL_COLUMNS = DASHBOARD_SKILL_COLUMNS


def _ids(query: Query, name: str) -> frozenset[int] | None:
    ids = query.ids(name)
    return None if ids is None or ids == "all" else frozenset(ids)


@dataclass(frozen=True, slots=True)
class DashboardParams:
    """Validated dashboard request; build with :meth:`create` (keyword-only) or :meth:`parse`.

    ``mode`` (messaging or chat) is the dashboard type: every section counts the
    conversations of that channel, and the other mode's section is null.
    The closed-section window is "today from hour ``from_hour``" in the
    roster time zone, or "last ``last_hours`` hours" (exactly one; default
    last 24 hours). Durations are ms. ``threshold`` maps KPIs to limits, in
    KPI order.
    """

    now_ms: int
    mode: str = "messaging"
    from_hour: int | None = None
    last_hours: int | None = None
    skill_ids: frozenset[int] | None = None
    group_ids: frozenset[int] | None = None
    opened_within_ms: int | None = None
    sl_threshold_ms: int = 30_000
    inactivity_timeout_ms: int | None = None
    abandon_rate: str = "entered"
    load: str = "weighted"
    csat: str = "top2"
    skills_window_ms: int = 12 * HOUR_MS
    agent_sort: str = "agent_id"
    agent_order: str = "asc"
    agent_page: int = 1
    agent_page_size: int = 18
    skill_sort: str = "skill_id"
    skill_order: str = "asc"
    skill_page: int = 1
    skill_page_size: int = 25
    threshold: Mapping[str, float] = field(default_factory=dict)

    @classmethod
    def create(
        cls,
        *,
        now_ms: int,
        mode: str | None = None,
        from_hour: int | None = None,
        last_hours: int | None = None,
        skill_ids: Iterable[int] | None = None,
        group_ids: Iterable[int] | None = None,
        opened_within_ms: int | None = None,
        sl_threshold_ms: int | None = None,
        inactivity_timeout_ms: int | None = None,
        abandon_rate: str | None = None,
        load: str | None = None,
        csat: str | None = None,
        agent_sort: str | None = None,
        agent_order: str | None = None,
        agent_page: int | None = None,
        agent_page_size: int | None = None,
        skill_sort: str | None = None,
        skill_order: str | None = None,
        skill_page: int | None = None,
        skill_page_size: int | None = None,
        threshold: Mapping[str, float] | None = None,
    ) -> DashboardParams:
        """Validate every parameter (docs/metrics.md section 3.1); None means the default."""
        values = {
            "mode": mode,
            "from_hour": from_hour,
            "last_hours": last_hours,
            "skill_ids": skill_ids,
            "group_ids": group_ids,
            "opened_within_ms": opened_within_ms,
            "sl_threshold_ms": sl_threshold_ms,
            "inactivity_timeout_ms": inactivity_timeout_ms,
            "abandon_rate": abandon_rate,
            "load": load,
            "csat": csat,
            "agent_sort": agent_sort,
            "agent_order": agent_order,
            "agent_page": agent_page,
            "agent_page_size": agent_page_size,
            "skill_sort": skill_sort,
            "skill_order": skill_order,
            "skill_page": skill_page,
            "skill_page_size": skill_page_size,
            "threshold": threshold,
        }
        now = check_now(now_ms)
        return cls.from_query(check_values(DASHBOARD, values), now_ms=now)

    @classmethod
    def parse(
        cls, query: Mapping[str, str | Sequence[str]] | Iterable[tuple[str, str]], *, now_ms: int
    ) -> DashboardParams:
        """Validate a URL query (strings as they arrive; ``threshold`` repeatable) at ``now_ms``."""
        now = check_now(now_ms)
        return cls.from_query(parse_query(DASHBOARD, query), now_ms=now)

    @classmethod
    def from_query(cls, query: Query, *, now_ms: int) -> DashboardParams:
        """The params of a request the contract has checked, at ``now_ms`` (epoch ms)."""
        return cls(
            now_ms=now_ms,
            mode=query.text_value("mode"),
            from_hour=query.integer("from_hour"),
            last_hours=query.integer("last_hours"),
            skill_ids=_ids(query, "skill_ids"),
            group_ids=_ids(query, "group_ids"),
            opened_within_ms=query.integer("opened_within_ms"),
            sl_threshold_ms=query.integer_value("sl_threshold_ms"),
            inactivity_timeout_ms=query.integer("inactivity_timeout_ms"),
            abandon_rate=query.text_value("abandon_rate"),
            load=query.text_value("load"),
            csat=query.text_value("csat"),
            agent_sort=query.text_value("agent_sort"),
            agent_order=query.text_value("agent_order"),
            agent_page=query.integer_value("agent_page"),
            agent_page_size=query.integer_value("agent_page_size"),
            skill_sort=query.text_value("skill_sort"),
            skill_order=query.text_value("skill_order"),
            skill_page=query.integer_value("skill_page"),
            skill_page_size=query.integer_value("skill_page_size"),
            threshold=dict(query.thresholds("threshold")),
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
    try:
        local = dt.datetime.fromtimestamp(now / 1000, tz)
    except (OverflowError, ValueError, OSError) as exc:
        # from_hour needs now's calendar date; Python's calendar ends with year 9999.
        raise ParameterError(
            "now_ms", f"now ({now} ms) is outside the calendar range (year 1-9999)"
        ) from exc
    start_local = dt.datetime(local.year, local.month, local.day, params.from_hour, tzinfo=tz)
    start = int(start_local.timestamp() * 1000)
    if start > now:
        raise ParameterError(
            "from_hour",
            f"today from {params.from_hour}:00 ({timezone}) starts after now ({now}); "
            "expected an hour not later than the current local hour",
        )
    return start, now
