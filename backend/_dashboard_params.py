"""Query parameters of the real-time dashboard (seed 003) as the backend's query value.

The rules, defaults and encoding are the API contract's
(:data:`ccbench.api.DASHBOARD`, docs/metrics.md section 3.1 and docs/backend.md
"Dashboard"): integers as decimal strings, choices as strings, id lists
comma-separated, alert thresholds as repeatable ``threshold=<section>.<kpi>:<number>``.
Every problem raises :class:`ccbench.ParameterError` naming the parameter;
the app answers 400.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass

from ccbench import ParameterError
from ccbench.api import CLOCK_HEADER, DASHBOARD, parse_query

__all__ = ["DashboardQuery", "closed_window", "parse_dashboard_query"]

HOUR_MS = 3_600_000


@dataclass(frozen=True, slots=True)
class DashboardQuery:
    """A validated dashboard request (durations in ms, ids as sorted unique tuples).

    ``mode``: the dashboard type (messaging or chat), whose channel every section counts.
    ``from_hour``/``last_hours``: the closed-section window (at most one; both
    None means the last 24 hours). ``skill_ids``/``group_ids`` None mean all.
    ``inactivity_timeout_ms`` None means the roster's. ``threshold`` holds
    ``(kpi, limit)`` pairs in KPI order.
    """

    mode: str = "messaging"
    from_hour: int | None = None
    last_hours: int | None = None
    skill_ids: tuple[int, ...] | None = None
    group_ids: tuple[int, ...] | None = None
    opened_within_ms: int | None = None
    sl_threshold_ms: int = 30_000
    inactivity_timeout_ms: int | None = None
    abandon_rate: str = "entered"
    load: str = "weighted"
    csat: str = "top2"
    agent_sort: str = "agent_id"
    agent_order: str = "asc"
    agent_page: int = 1
    agent_page_size: int = 18
    skill_sort: str = "skill_id"
    skill_order: str = "asc"
    skill_page: int = 1
    skill_page_size: int = 25
    threshold: tuple[tuple[str, float], ...] = ()


def _ids(ids: tuple[int, ...] | str | None) -> tuple[int, ...] | None:
    return None if ids is None or isinstance(ids, str) else ids


def parse_dashboard_query(items: Iterable[tuple[str, str]]) -> DashboardQuery:
    """Validate the query string's (name, value) pairs (values trimmed of white space).

    Unknown names, a parameter other than ``threshold`` given twice, two
    thresholds on one KPI and every invalid value are errors, named by the
    contract's rule (docs/metrics.md "Errors of every query API").
    """
    q = parse_query(DASHBOARD, items)

    return DashboardQuery(
        mode=q.text_value("mode"),
        from_hour=q.integer("from_hour"),
        last_hours=q.integer("last_hours"),
        skill_ids=_ids(q.ids("skill_ids")),
        group_ids=_ids(q.ids("group_ids")),
        opened_within_ms=q.integer("opened_within_ms"),
        sl_threshold_ms=q.integer_value("sl_threshold_ms"),
        inactivity_timeout_ms=q.integer("inactivity_timeout_ms"),
        abandon_rate=q.text_value("abandon_rate"),
        load=q.text_value("load"),
        csat=q.text_value("csat"),
        agent_sort=q.text_value("agent_sort"),
        agent_order=q.text_value("agent_order"),
        agent_page=q.integer_value("agent_page"),
        agent_page_size=q.integer_value("agent_page_size"),
        skill_sort=q.text_value("skill_sort"),
        skill_order=q.text_value("skill_order"),
        skill_page=q.integer_value("skill_page"),
        skill_page_size=q.integer_value("skill_page_size"),
        threshold=q.thresholds("threshold"),
    )


def closed_window(query: DashboardQuery, *, now_ms: int, timezone: str) -> tuple[int, int]:
    """The closed-section window ``[start, now)`` in epoch ms.

    ``from_hour`` H: H:00 of now's local date in ``timezone`` (an error when
    that is after now); ``last_hours`` N: ``now - N h``; neither: 24 hours.
    """
    if query.from_hour is None:
        return now_ms - (query.last_hours or 24) * HOUR_MS, now_ms
    zone = zoneinfo.ZoneInfo(timezone)
    try:
        today = dt.datetime.fromtimestamp(now_ms // 1000, zone).date()
    except (OverflowError, ValueError, OSError) as exc:
        # Only a test clock can set such a now; from_hour needs a calendar date.
        raise ParameterError(
            CLOCK_HEADER, f"now ({now_ms} ms) is outside the calendar range (year 1-9999)"
        ) from exc
    local = dt.datetime.combine(today, dt.time(query.from_hour), tzinfo=zone)
    start = int(local.timestamp()) * 1000
    if start > now_ms:
        raise ParameterError(
            "from_hour",
            f"today from {query.from_hour}:00 ({timezone}) starts after now ({now_ms}); "
            "expected an hour not later than the current local hour",
        )
    return start, now_ms
