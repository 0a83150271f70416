"""Parameters of the supervision page (seed 002) as the oracle's value.

The rules are the API contract's (:data:`ccbench.api.SUPERVISION`,
docs/metrics.md section 6.1). Defaults that the roster configures
(objectives, signal maxima) are taken from it when the parameter is omitted.
Every check raises ParameterError naming the parameter.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ccbench import ParameterError, RosterError
from ccbench.api import SUPERVISION, SUPERVISION_AGENT_COLUMNS, Query, check_now, check_values
from ccbench.eventlog import Objective, Roster

__all__ = ["SUPERVISION_AGENT_COLUMNS", "SupervisionParams", "local_midnight"]


def _objective(value: Any, i: int) -> Objective:
    if isinstance(value, Objective):
        return value
    try:
        return Objective.parse(value, f"objectives[{i}]")
    except RosterError as exc:
        raise ParameterError("objectives", str(exc)) from exc


@dataclass(frozen=True, slots=True)
class SupervisionParams:
    """Validated supervision request; build with :meth:`create` (keyword-only).

    ``now_ms`` is epoch ms; "today" is ``[local midnight of now, now)`` in the
    roster time zone. Signal maxima are ms, compared strictly (exceeded).
    Satisfaction bands: ``good`` when score >= ``satisfaction_good_pct``,
    ``poor`` when score < ``satisfaction_poor_pct``, else ``average``.
    """

    now_ms: int
    site_id: str
    objectives: tuple[Objective, ...]
    max_handling_ms: int
    max_response_ms: int
    channels: frozenset[str]
    satisfaction_good_pct: float = 80.0
    satisfaction_poor_pct: float = 60.0
    satisfaction: str = "top2"
    conversion_rate: str = "contacts"

    @classmethod
    def create(
        cls,
        roster: Roster,
        *,
        now_ms: int,
        site_id: str,
        objectives: Iterable[Objective | Mapping[str, Any]] | None = None,
        max_handling_ms: int | None = None,
        max_response_ms: int | None = None,
        channels: Iterable[str] | None = None,
        satisfaction_good_pct: float | None = None,
        satisfaction_poor_pct: float | None = None,
        satisfaction: str | None = None,
        conversion_rate: str | None = None,
    ) -> SupervisionParams:
        """Validate every parameter against ``roster`` (docs/metrics.md section 6.1).

        None means the default: the roster's objectives and signal maxima, the
        contract's (:data:`ccbench.api.SUPERVISION`) for the others.
        """
        values = {
            "site_id": site_id,
            "objectives": None if objectives is None else list(objectives),
            "max_handling_ms": max_handling_ms,
            "max_response_ms": max_response_ms,
            "channels": channels,
            "satisfaction_good_pct": satisfaction_good_pct,
            "satisfaction_poor_pct": satisfaction_poor_pct,
            "satisfaction": satisfaction,
            "conversion_rate": conversion_rate,
        }
        now = check_now(now_ms)
        return cls.from_query(check_values(SUPERVISION, values), roster, now_ms=now)

    @classmethod
    def from_query(cls, query: Query, roster: Roster, *, now_ms: int) -> SupervisionParams:
        """The params of a request the contract has checked; then the rules about ``roster``
        (the site, the objectives' agents), in declared order."""
        site_id = query.text_value("site_id")
        sites = [s.id for s in roster.sites]
        if site_id not in sites:
            raise ParameterError(
                "site_id", f"expected a site id of the roster ({', '.join(sites)}), got {site_id!r}"
            )
        items = query.items("objectives")
        objs = (
            roster.objectives
            if items is None
            else tuple(_objective(o, i) for i, o in enumerate(items))
        )
        for o in objs:
            if o.agent_id is not None and roster.agent(o.agent_id) is None:
                raise ParameterError(
                    "objectives", f"{o.id}: expected an agent id of the roster, got {o.agent_id!r}"
                )
        handling = query.integer("max_handling_ms")
        response = query.integer("max_response_ms")
        return cls(
            now_ms=now_ms,
            site_id=site_id,
            objectives=tuple(objs),
            max_handling_ms=roster.signals.max_handling_ms if handling is None else handling,
            max_response_ms=roster.signals.max_response_ms if response is None else response,
            channels=frozenset(query.names("channels") or ()),
            satisfaction_good_pct=query.number("satisfaction_good_pct") or 0.0,
            satisfaction_poor_pct=query.number("satisfaction_poor_pct") or 0.0,
            satisfaction=query.text_value("satisfaction"),
            conversion_rate=query.text_value("conversion_rate"),
        )

    def band(self, score: float | None) -> str | None:
        """good / average / poor for a satisfaction score; None without a score."""
        if score is None:
            return None
        if score >= self.satisfaction_good_pct:
            return "good"
        return "poor" if score < self.satisfaction_poor_pct else "average"


def local_midnight(now_ms: int, timezone: str) -> int:
    """Epoch ms of 00:00 local time (``timezone``) on the local date of ``now_ms``."""
    tz = zoneinfo.ZoneInfo(timezone)
    try:
        local = dt.datetime.fromtimestamp(now_ms // 1000, tz)  # whole seconds: same local date
    except (OverflowError, ValueError, OSError) as exc:
        # the page needs now's local date; Python's calendar ends with year 9999
        raise ParameterError(
            "now_ms", f"now ({now_ms} ms) is outside the calendar range (year 1-9999) in {timezone}"
        ) from exc
    return int(dt.datetime(local.year, local.month, local.day, tzinfo=tz).timestamp() * 1000)
