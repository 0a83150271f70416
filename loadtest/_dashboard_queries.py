"""Dashboard (seed 003) requests of the mix: its seeded draws and the expected answer.

The HTTP encoding and every rule are the API contract's
(:data:`ccbench.api.DASHBOARD`; docs/loadtest.md "Dashboard queries"):
integers as decimal strings, choices as strings, ``skill_ids``/``group_ids``
comma-separated, thresholds as repeatable ``threshold=<kpi>:<number>``.
:func:`dashboard_answer` is the oracle's answer to such a query;
:func:`draw_dashboard_query` and :func:`draw_invalid_dashboard_query` are the
mix's seeded draws (the RNG is the caller's).
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from collections.abc import Mapping, Sequence
from typing import Any

from ccbench.api import DASHBOARD, DASHBOARD_KPIS, DASHBOARD_MODE_SECTIONS

from ._draws import InvalidQuery, draw_integer
from ._recording import QueryValue, multi_query

__all__ = [
    "DASHBOARD_ENDPOINT",
    "dashboard_answer",
    "draw_dashboard_query",
    "draw_invalid_dashboard_query",
    "multi_query",
]

#: The mapping's endpoint name for the dashboard.
DASHBOARD_ENDPOINT = "dashboard"
# small limits so that alerts fire on quiet logs too; halves exercise decimals
_LIMITS = (0, 1, 2, 4, 10, 50, 0.5, 12.5)


def dashboard_answer(oracle: Any, query: Mapping[str, QueryValue], *, now_ms: int) -> Any:
    """The oracle's answer to a dashboard query at ``now_ms`` (epoch ms).

    Raises ParameterError naming the query parameter when the request must
    get 400. ``oracle`` is an :class:`oracle.Oracle` (typed loosely: this
    module never builds one).
    """
    return oracle.dashboard_query(query, now_ms=now_ms)


def _local_hour(now_ms: int, timezone: str) -> int:
    return dt.datetime.fromtimestamp(now_ms / 1000, zoneinfo.ZoneInfo(timezone)).hour


def _subset(rng: random.Random, pool: Sequence[int]) -> str:
    k = rng.randint(1, min(3, len(pool)))
    return ",".join(str(i) for i in sorted(rng.sample(list(pool), k)))


def draw_dashboard_query(
    rng: random.Random,
    *,
    skill_ids: Sequence[int],
    group_ids: Sequence[int],
    clock_ms: int | None,
    timezone: str,
) -> dict[str, QueryValue]:
    """A random valid dashboard query; each parameter is present with some probability,
    integers and choices drawn over their whole range in the contract. ``mode`` (the
    dashboard type) is drawn in most queries, each mode equally often, and the
    thresholds mostly name KPIs of the sections that mode shows.

    ``clock_ms``: the instant the request will carry (deterministic mode),
    so ``from_hour`` can be drawn not later than its local hour in
    ``timezone`` (the contract's clock rule); None (live mode) never draws
    ``from_hour``, whose window start would depend on the backend's clock at
    a day boundary.
    """
    q: dict[str, QueryValue] = {}
    mode = DASHBOARD.parameter("mode")
    shown = str(mode.default)
    if rng.random() < 0.8:
        shown = rng.choice(mode.choices)
        q["mode"] = shown
    window = rng.random()
    if window < 0.3 and clock_ms is not None:
        hour = _local_hour(clock_ms, timezone)
        q["from_hour"] = str(draw_integer(rng, DASHBOARD.parameter("from_hour"), high=hour))
    elif window < 0.7:
        q["last_hours"] = str(draw_integer(rng, DASHBOARD.parameter("last_hours")))
    if skill_ids and rng.random() < 0.25:
        q["skill_ids"] = _subset(rng, skill_ids)
    if group_ids and rng.random() < 0.2:
        q["group_ids"] = _subset(rng, group_ids)
    for p in DASHBOARD.parameters:
        if p.name in ("mode", "from_hour", "last_hours") or rng.random() >= 0.25:
            continue
        if p.kind == "integer":
            q[p.name] = str(draw_integer(rng, p))
        elif p.kind == "choice":
            q[p.name] = rng.choice(p.choices)
    if rng.random() < 0.3:
        pool = DASHBOARD_KPIS
        if rng.random() < 0.9:  # an alert on the other mode's section never fires
            hidden = {f"{s}." for m, s in DASHBOARD_MODE_SECTIONS.items() if m != shown}
            pool = tuple(k for k in DASHBOARD_KPIS if k[: k.index(".") + 1] not in hidden)
        kpis = rng.sample(pool, rng.randint(1, 3))
        q["threshold"] = [f"{kpi}:{rng.choice(_LIMITS)}" for kpi in kpis]
    return q


def draw_invalid_dashboard_query(
    rng: random.Random,
    pool: Sequence[InvalidQuery],
    *,
    clock_ms: int | None,
    timezone: str,
) -> InvalidQuery:
    """(parameter, query) of a request that must get 400: one of ``pool`` (the contract's
    static conformance cases, :func:`loadtest._draws.invalid_pool`), or, with a clock whose
    local hour is before 23, in one draw of ``len(pool) + 1`` "today from" an hour that has
    not begun (the contract's clock rule on ``from_hour``)."""
    pick = rng.randrange(len(pool) + 1)
    if pick == len(pool):
        hour = None if clock_ms is None else _local_hour(clock_ms, timezone)
        if hour is not None and hour < 23:
            return "from_hour", {"from_hour": str(rng.randint(hour + 1, 23))}
        pick = 0
    parameter, query = pool[pick]
    return parameter, {k: list(v) if isinstance(v, list) else v for k, v in query.items()}
