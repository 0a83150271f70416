"""Dashboard (seed 003) requests: the URL encoding of the contract, and the mix's draws.

The HTTP contract (docs/loadtest.md, "Dashboard queries") encodes the keyword
parameters of :meth:`oracle.DashboardParams.create` (except ``now_ms``, which
is the request's clock) as query strings: integers as decimal strings,
choices as strings, ``skill_ids``/``group_ids`` comma-separated, thresholds
as repeatable ``threshold=<kpi>:<number>``. Unknown names and invalid values
are rejected with 400 naming the parameter.

:func:`parse_dashboard_query` turns such a query back into keyword arguments
(expected answers are computed from exactly what was sent);
:func:`draw_dashboard_query` and :func:`draw_invalid_dashboard_query` are the
mix's seeded draws (the RNG is the caller's).
"""

from __future__ import annotations

import datetime as dt
import math
import random
import re
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ccbench import ParameterError
from oracle import AGENT_COLUMNS, DASHBOARD_KPIS, SKILL_COLUMNS

from ._recording import QueryValue

__all__ = [
    "DASHBOARD_ENDPOINT",
    "DASHBOARD_PARAMETERS",
    "dashboard_answer",
    "draw_dashboard_query",
    "draw_invalid_dashboard_query",
    "multi_query",
    "parse_dashboard_query",
]

#: The mapping's endpoint name for the dashboard.
DASHBOARD_ENDPOINT = "dashboard"

_INT_PARAMETERS = (
    "from_hour",
    "last_hours",
    "opened_within_ms",
    "sl_threshold_ms",
    "inactivity_timeout_ms",
    "agent_page",
    "agent_page_size",
    "skill_page",
    "skill_page_size",
)
_CHOICE_PARAMETERS = (
    "abandon_rate",
    "load",
    "agent_sort",
    "agent_order",
    "skill_sort",
    "skill_order",
)
_ID_PARAMETERS = ("skill_ids", "group_ids")
#: Every query parameter name of the dashboard contract.
DASHBOARD_PARAMETERS: tuple[str, ...] = (
    *_INT_PARAMETERS,
    *_CHOICE_PARAMETERS,
    *_ID_PARAMETERS,
    "threshold",
)
_INTEGER = re.compile(r"^-?[0-9]+$")
_ID = re.compile(r"^[0-9]+$")
_MINUTE_MS = 60_000


def multi_query(items: Iterable[tuple[str, str]]) -> dict[str, QueryValue]:
    """Query-string pairs in order -> one value per name, a list for a repeated name."""
    out: dict[str, QueryValue] = {}
    for name, value in items:
        if name not in out:
            out[name] = value
            continue
        previous = out[name]
        out[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
    return out


def _single(name: str, value: QueryValue) -> str:
    if isinstance(value, str):
        return value
    raise ParameterError(name, f"expected one value, got {len(value)}: {value!r}")


def _ids(name: str, text: str) -> list[int]:
    parts = text.split(",")
    if not all(_ID.match(p) for p in parts):
        raise ParameterError(
            name, f"expected comma-separated non-negative integer ids, got {text!r}"
        )
    return [int(p) for p in parts]


def _thresholds(value: QueryValue) -> dict[str, float]:
    out: dict[str, float] = {}
    for text in [value] if isinstance(value, str) else value:
        kpi, sep, number = text.partition(":")
        try:
            limit = float(number)
        except ValueError:
            limit = math.nan
        if not sep or not math.isfinite(limit):
            raise ParameterError(
                "threshold", f"expected <kpi>:<finite number> (e.g. current.open:4), got {text!r}"
            )
        out[kpi] = limit
    return out


def parse_dashboard_query(query: Mapping[str, QueryValue]) -> dict[str, Any]:
    """Keyword arguments of :meth:`DashboardParams.create` (without ``now_ms``) from a query.

    Checks the encoding only (names, integers, id lists, ``<kpi>:<number>``);
    the rules are the oracle's, applied by :func:`dashboard_answer`. Raises
    ParameterError naming the query parameter.
    """
    kwargs: dict[str, Any] = {}
    for name, value in query.items():
        if name == "threshold":
            kwargs["thresholds"] = _thresholds(value)
            continue
        text = _single(name, value)
        if name in _INT_PARAMETERS:
            if not _INTEGER.match(text):
                raise ParameterError(name, f"expected a decimal integer, got {text!r}")
            kwargs[name] = int(text)
        elif name in _CHOICE_PARAMETERS:
            kwargs[name] = text
        elif name in _ID_PARAMETERS:
            kwargs[name] = _ids(name, text)
        else:
            raise ParameterError(
                name, f"unknown parameter; expected one of {', '.join(DASHBOARD_PARAMETERS)}"
            )
    return kwargs


def dashboard_answer(oracle: Any, query: Mapping[str, QueryValue], *, now_ms: int) -> Any:
    """The oracle's answer to a dashboard query at ``now_ms`` (epoch ms).

    Raises ParameterError naming the query parameter when the request must
    get 400 (``threshold`` where the oracle names its keyword ``thresholds``).
    ``oracle`` is an :class:`oracle.Oracle` (typed loosely: this module never
    builds one).
    """
    kwargs = parse_dashboard_query(query)
    try:
        return oracle.dashboard(now_ms=now_ms, **kwargs)
    except ParameterError as exc:
        if exc.parameter == "thresholds":
            message = str(exc).split(": ", 1)[-1]  # drop "parameter 'thresholds': "
            raise ParameterError("threshold", message) from exc
        raise


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
    """A random valid dashboard query; each parameter is present with some probability.

    ``clock_ms``: the instant the request will carry (deterministic mode),
    so ``from_hour`` can be drawn not later than its local hour in
    ``timezone``; None (live mode) never draws ``from_hour``, whose window
    start would depend on the backend's clock at a day boundary.
    """
    q: dict[str, QueryValue] = {}
    window = rng.random()
    if window < 0.3 and clock_ms is not None:
        q["from_hour"] = str(rng.randint(0, _local_hour(clock_ms, timezone)))
    elif window < 0.7:
        q["last_hours"] = str(rng.randint(1, 24))
    if skill_ids and rng.random() < 0.25:
        q["skill_ids"] = _subset(rng, skill_ids)
    if group_ids and rng.random() < 0.2:
        q["group_ids"] = _subset(rng, group_ids)
    if rng.random() < 0.2:
        q["opened_within_ms"] = str(rng.choice((5, 15, 30, 60, 240)) * _MINUTE_MS)
    if rng.random() < 0.2:
        q["sl_threshold_ms"] = str(rng.choice((0, 10_000, 30_000, 60_000, 120_000)))
    if rng.random() < 0.2:
        q["inactivity_timeout_ms"] = str(rng.choice((1, 30_000, 240_000, 600_000)))
    if rng.random() < 0.3:
        q["abandon_rate"] = rng.choice(("entered", "handled"))
    if rng.random() < 0.3:
        q["load"] = rng.choice(("weighted", "active"))
    for table, columns, max_size in (("agent", AGENT_COLUMNS, 30), ("skill", SKILL_COLUMNS, 100)):
        if rng.random() < 0.4:
            q[f"{table}_sort"] = rng.choice(columns)
        if rng.random() < 0.3:
            q[f"{table}_order"] = rng.choice(("asc", "desc"))
        if rng.random() < 0.3:
            q[f"{table}_page_size"] = str(rng.randint(1, max_size))
        if rng.random() < 0.15:
            # page 2 or 3: usually past a small roster's last page, which must give no rows
            q[f"{table}_page"] = str(rng.randint(2, 3))
    if rng.random() < 0.3:
        kpis = rng.sample(DASHBOARD_KPIS, rng.randint(1, 3))
        # small limits so that alerts fire on quiet logs too; halves exercise decimals
        q["threshold"] = [f"{kpi}:{rng.choice((0, 1, 2, 4, 10, 50, 0.5, 12.5))}" for kpi in kpis]
    return q


# (broken parameter, query): each breaks exactly one rule of the contract.
_INVALID: tuple[tuple[str, dict[str, QueryValue]], ...] = (
    ("from_hour", {"from_hour": "24"}),
    ("from_hour", {"from_hour": "abc"}),
    ("last_hours", {"last_hours": "0"}),
    ("last_hours", {"last_hours": "25"}),
    ("last_hours", {"last_hours": "2", "from_hour": "0"}),
    ("skill_ids", {"skill_ids": "1,,3"}),
    ("skill_ids", {"skill_ids": ""}),
    ("group_ids", {"group_ids": "-1"}),
    ("opened_within_ms", {"opened_within_ms": "0"}),
    ("sl_threshold_ms", {"sl_threshold_ms": "-1"}),
    ("sl_threshold_ms", {"sl_threshold_ms": "1.5"}),
    ("inactivity_timeout_ms", {"inactivity_timeout_ms": "0"}),
    ("abandon_rate", {"abandon_rate": "queued"}),
    ("load", {"load": "heavy"}),
    ("agent_sort", {"agent_sort": "salary"}),
    ("agent_order", {"agent_order": "up"}),
    ("agent_page", {"agent_page": "0"}),
    ("agent_page_size", {"agent_page_size": "31"}),
    ("skill_sort", {"skill_sort": "agent_id"}),
    ("skill_order", {"skill_order": "DESC"}),
    ("skill_page", {"skill_page": "x"}),
    ("skill_page_size", {"skill_page_size": "101"}),
    ("threshold", {"threshold": "current.nothing:4"}),
    ("threshold", {"threshold": "current.open"}),
    ("threshold", {"threshold": ["current.open:4", "chat.aht:fast"]}),
    ("color", {"color": "blue"}),
)


def draw_invalid_dashboard_query(
    rng: random.Random, *, clock_ms: int | None, timezone: str
) -> tuple[str, dict[str, QueryValue]]:
    """(parameter, query) of a request breaking exactly one rule, which must get 400.

    With a clock whose local hour is before 23, one case in
    ``len(_INVALID) + 1`` asks for "today from" an hour that has not begun.
    """
    pick = rng.randrange(len(_INVALID) + 1)
    if pick == len(_INVALID):
        hour = None if clock_ms is None else _local_hour(clock_ms, timezone)
        if hour is not None and hour < 23:
            return "from_hour", {"from_hour": str(rng.randint(hour + 1, 23))}
        pick = 0
    parameter, query = _INVALID[pick]
    return parameter, {k: list(v) if isinstance(v, list) else v for k, v in query.items()}
