"""Query parameters of the real-time dashboard (seed 003): parsing and validation.

The HTTP encoding of docs/backend.md ("Dashboard"): integers as decimal
strings, choices as strings, id lists comma-separated, thresholds as
repeatable ``threshold=<section>.<kpi>:<number>``. The rules and defaults are
docs/metrics.md section 3.1. Every problem raises :class:`ccbench.ParameterError`
naming the parameter; the app answers 400.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass

from ccbench import ParameterError

__all__ = [
    "AGENT_TABLE_COLUMNS",
    "DASHBOARD_PARAMETERS",
    "KPIS",
    "SKILL_TABLE_COLUMNS",
    "DashboardQuery",
    "closed_window",
    "parse_dashboard_query",
]

HOUR_MS = 3_600_000
_MAX_INT = 2**63 - 1
_DIGITS = re.compile(r"^[0-9]{1,19}$")
_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$")

#: Agents-table columns in output order (each is a valid ``agent_sort``).
AGENT_TABLE_COLUMNS = (
    "agent_id", "name", "status", "status_time_ms", "open", "active", "load", "closed",
    "avg_resolution_time", "csat", "csat_answered",
)  # fmt: skip
#: Skills-table columns in output order (each is a valid ``skill_sort``).
SKILL_TABLE_COLUMNS = (
    "skill_id", "name", "open", "unassigned", "assigned", "load", "online", "away",
    "back_soon", "max_slots", "closed", "avg_resolution_time", "csat", "csat_answered",
)  # fmt: skip
_CURRENT_KPIS = (
    "open", "unassigned", "assigned", "active", "load", "load_online", "load_other",
    "response_time", "response_time_consumer", "ttfr_all_assign", "ttfr", "ttfr_consumer",
    "ttfr_first_assign", "wait_time", "time_to_first_assign",
)  # fmt: skip
_CHAT_KPIS = (
    "in_queue", "entered", "abandoned", "abandon_rate", "avg_time_to_abandon", "connected",
    "service_level", "occupancy", "avg_time_to_answer", "aht",
)  # fmt: skip
_CLOSED_KPIS = (
    "closed", "csat", "avg_resolution_time", "response_time", "ttfr_all_assign", "ttfr",
    "ttfr_first_assign", "wait_time", "time_to_first_assign",
)  # fmt: skip
#: KPIs a threshold may name, in alert order ("section.key").
KPIS: tuple[str, ...] = (
    tuple(f"current.{k}" for k in _CURRENT_KPIS)
    + tuple(f"chat.{k}" for k in _CHAT_KPIS)
    + tuple(f"closed.{k}" for k in _CLOSED_KPIS)
)

_CHOICES: dict[str, tuple[str, ...]] = {
    "abandon_rate": ("entered", "handled"),
    "load": ("weighted", "active"),
    "agent_sort": AGENT_TABLE_COLUMNS,
    "agent_order": ("asc", "desc"),
    "skill_sort": SKILL_TABLE_COLUMNS,
    "skill_order": ("asc", "desc"),
}
# name -> (lowest, highest or None)
_INTEGERS: dict[str, tuple[int, int | None]] = {
    "from_hour": (0, 23),
    "last_hours": (1, 24),
    "opened_within_ms": (1, None),
    "sl_threshold_ms": (0, None),
    "inactivity_timeout_ms": (1, None),
    "agent_page": (1, None),
    "agent_page_size": (1, 30),
    "skill_page": (1, None),
    "skill_page_size": (1, 100),
}
#: Every accepted query parameter name.
DASHBOARD_PARAMETERS: tuple[str, ...] = (
    *_INTEGERS,
    *_CHOICES,
    "skill_ids",
    "group_ids",
    "threshold",
)


@dataclass(frozen=True, slots=True)
class DashboardQuery:
    """A validated dashboard request (durations in ms, ids as sorted unique tuples).

    ``from_hour``/``last_hours``: the closed-section window (at most one; both
    None means the last 24 hours). ``skill_ids``/``group_ids`` None mean all.
    ``inactivity_timeout_ms`` None means the roster's. ``thresholds`` are
    ``(kpi, limit)`` pairs in KPI order.
    """

    from_hour: int | None = None
    last_hours: int | None = None
    skill_ids: tuple[int, ...] | None = None
    group_ids: tuple[int, ...] | None = None
    opened_within_ms: int | None = None
    sl_threshold_ms: int = 30_000
    inactivity_timeout_ms: int | None = None
    abandon_rate: str = "entered"
    load: str = "weighted"
    agent_sort: str = "agent_id"
    agent_order: str = "asc"
    agent_page: int = 1
    agent_page_size: int = 18
    skill_sort: str = "skill_id"
    skill_order: str = "asc"
    skill_page: int = 1
    skill_page_size: int = 25
    thresholds: tuple[tuple[str, float], ...] = ()


def _integer(name: str, raw: str) -> int:
    low, high = _INTEGERS[name]
    if not _DIGITS.match(raw) or int(raw) > _MAX_INT:
        raise ParameterError(name, f"expected a whole number >= {low}, got {raw!r}")
    value = int(raw)
    if value < low or (high is not None and value > high):
        bound = f"from {low} to {high}" if high is not None else f">= {low}"
        raise ParameterError(name, f"expected a whole number {bound}, got {value}")
    return value


def _ids(name: str, raw: str) -> tuple[int, ...]:
    out = set()
    for item in raw.split(","):
        text = item.strip()
        if not _DIGITS.match(text) or int(text) > _MAX_INT:
            raise ParameterError(
                name, f"expected comma-separated non-negative integer ids, got {raw!r} "
                f"(bad item {item!r})"
            )  # fmt: skip
        out.add(int(text))
    return tuple(sorted(out))


def _threshold(raw: str) -> tuple[str, float]:
    kpi, sep, number = raw.partition(":")
    kpi, number = kpi.strip(), number.strip()
    if not sep:
        raise ParameterError("threshold", f"expected <kpi>:<number>, got {raw!r}")
    if kpi not in KPIS:
        raise ParameterError("threshold", f"unknown KPI {kpi!r}; expected one of {', '.join(KPIS)}")
    value = float(number) if _NUMBER.match(number) else math.nan
    # Why finite only: a NaN or infinite limit cannot be written back as JSON.
    if not math.isfinite(value):
        raise ParameterError("threshold", f"{kpi}: expected a finite number, got {number!r}")
    return kpi, value


def parse_dashboard_query(items: Iterable[tuple[str, str]]) -> DashboardQuery:
    """Validate the query string's (name, value) pairs (values trimmed of white space).

    Unknown names, a parameter other than ``threshold`` given twice, or two
    thresholds on one KPI are errors, as is every invalid value.
    """
    raw: dict[str, str] = {}
    limits: dict[str, float] = {}
    for name, value in items:
        if name not in DASHBOARD_PARAMETERS:
            raise ParameterError(
                name, f"unknown parameter; expected one of {', '.join(DASHBOARD_PARAMETERS)}"
            )
        text = value.strip()
        if name == "threshold":
            kpi, limit = _threshold(text)
            if kpi in limits:
                raise ParameterError("threshold", f"{kpi}: given more than once")
            limits[kpi] = limit
            continue
        if name in raw:
            raise ParameterError(name, "given more than once; expected at most one value")
        raw[name] = text
    if "from_hour" in raw and "last_hours" in raw:
        raise ParameterError("last_hours", "give from_hour or last_hours, not both")
    ints = {name: _integer(name, raw[name]) for name in _INTEGERS if name in raw}
    choices: dict[str, str] = {}
    for name, allowed in _CHOICES.items():
        if name in raw:
            if raw[name] not in allowed:
                raise ParameterError(
                    name, f"expected one of {', '.join(allowed)}, got {raw[name]!r}"
                )
            choices[name] = raw[name]
    return DashboardQuery(
        skill_ids=_ids("skill_ids", raw["skill_ids"]) if "skill_ids" in raw else None,
        group_ids=_ids("group_ids", raw["group_ids"]) if "group_ids" in raw else None,
        thresholds=tuple((k, limits[k]) for k in KPIS if k in limits),
        **ints,  # type: ignore[arg-type]
        **choices,  # type: ignore[arg-type]
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
            "X-Clock-Now", f"now ({now_ms} ms) is outside the calendar range (year 1-9999)"
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
