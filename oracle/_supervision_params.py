"""Parameters of the supervision page (seed 002) and their validation.

docs/metrics.md section 6.1 lists them with their defaults. Defaults that
the roster configures (objectives, signal maxima) are taken from it when the
parameter is omitted. Every check raises ParameterError naming the parameter.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ccbench import ParameterError, RosterError
from ccbench.eventlog import CHANNELS, Objective, Roster

__all__ = ["SUPERVISION_AGENT_COLUMNS", "SupervisionParams", "local_midnight"]

#: Columns of the per-agent table, in output order (also the CSV header).
SUPERVISION_AGENT_COLUMNS = (
    "agent_id",
    "name",
    "state",
    "presence_ms",
    "contacts",
    "aht",
    "contacts_per_hour",
    "turnover_minor",
    "conversion_rate",
    "transactions",
    "satisfaction",
    "satisfaction_answered",
    "in_progress",
    "ongoing_all_sites",
    "signal",
)


def _int(name: str, value: Any, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ParameterError(name, f"expected an integer >= {low}, got {value!r}")
    return value


def _pct(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
        raise ParameterError(name, f"expected a number in 0..100, got {value!r}")
    return float(value)


def _choice(name: str, value: Any, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise ParameterError(name, f"expected one of {', '.join(choices)}, got {value!r}")
    return str(value)


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
        channels: Iterable[str] = ("chat", "call"),
        satisfaction_good_pct: float = 80.0,
        satisfaction_poor_pct: float = 60.0,
        satisfaction: str = "top2",
        conversion_rate: str = "contacts",
    ) -> SupervisionParams:
        """Validate every parameter against ``roster`` (docs/metrics.md section 6.1)."""
        _int("now_ms", now_ms, 0)
        sites = [s.id for s in roster.sites]
        if site_id not in sites:
            raise ParameterError(
                "site_id", f"expected a site id of the roster ({', '.join(sites)}), got {site_id!r}"
            )
        objs = (
            roster.objectives
            if objectives is None
            else tuple(_objective(o, i) for i, o in enumerate(objectives))
        )
        for o in objs:
            if o.agent_id is not None and roster.agent(o.agent_id) is None:
                raise ParameterError(
                    "objectives", f"{o.id}: expected an agent id of the roster, got {o.agent_id!r}"
                )
        handling = roster.signals.max_handling_ms if max_handling_ms is None else max_handling_ms
        response = roster.signals.max_response_ms if max_response_ms is None else max_response_ms
        chans = frozenset(channels)
        if not chans or not chans <= set(CHANNELS):
            raise ParameterError(
                "channels",
                f"expected a non-empty subset of {', '.join(CHANNELS)}, got {channels!r}",
            )
        good = _pct("satisfaction_good_pct", satisfaction_good_pct)
        poor = _pct("satisfaction_poor_pct", satisfaction_poor_pct)
        if poor > good:
            raise ParameterError(
                "satisfaction_poor_pct",
                f"expected a value <= satisfaction_good_pct ({good}), got {poor}",
            )
        return cls(
            now_ms=now_ms,
            site_id=site_id,
            objectives=tuple(objs),
            max_handling_ms=_int("max_handling_ms", handling, 1),
            max_response_ms=_int("max_response_ms", response, 1),
            channels=chans,
            satisfaction_good_pct=good,
            satisfaction_poor_pct=poor,
            satisfaction=_choice("satisfaction", satisfaction, ("top2", "mean")),
            conversion_rate=_choice(
                "conversion_rate", conversion_rate, ("contacts", "transactions")
            ),
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
    local = dt.datetime.fromtimestamp(now_ms // 1000, tz)  # whole seconds: same local date
    return int(dt.datetime(local.year, local.month, local.day, tzinfo=tz).timestamp() * 1000)
