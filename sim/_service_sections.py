"""Service-level sections of a scenario, written to the roster: SLA policies, business hours.

``[[sla_policies]]`` become ``roster.sla_policies`` (targets in seconds here, in ms
there) and ``[[business_hours]]`` ``roster.business_hours`` (docs/eventlog.md, "SLA
policies and business hours"); a stream's ``sla_policy`` names the policy its
conversations follow. docs/scenarios.md documents the keys.
"""

# key() returns dataclasses.field(...), which RUF009 cannot see through.
# ruff: noqa: RUF009
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._spec import key

__all__ = ["BusinessHoursSpec", "SlaPolicySpec"]


def _ms(seconds: float | None) -> int | None:
    return None if seconds is None else round(seconds * 1000.0)


@dataclass(frozen=True, kw_only=True)
class SlaPolicySpec:
    """One SLA policy: targets in seconds (none = no target), on a calendar or business clock."""

    id: str = key(doc="policy id (a stream's sla_policy names it)")
    name: str = key("", doc="display name")
    channels: list[str] = key(
        [], doc="channels whose conversations naming no policy follow this one; empty = all"
    )
    first_response_s: float | None = key(
        None, unit="s", check="pos", doc="first human reply within this time of the opening"
    )
    next_response_s: float | None = key(
        None, unit="s", check="pos", doc="every later reply within this time of the message"
    )
    resolution_s: float | None = key(
        None, unit="s", check="pos", doc="first close within this time of the opening"
    )
    clock: str = key("calendar", doc="calendar (every second) or business ([[business_hours]])")

    def to_roster(self) -> dict[str, Any]:
        """The roster's ``sla_policies[]`` entry (targets in ms)."""
        out: dict[str, Any] = {"id": self.id, "name": self.name or self.id}
        if self.channels:
            out["channels"] = list(self.channels)
        for name, value in (
            ("first_response_ms", self.first_response_s),
            ("next_response_ms", self.next_response_s),
            ("resolution_ms", self.resolution_s),
        ):
            if value is not None:
                out[name] = _ms(value)
        if self.clock != "calendar":
            out["clock"] = self.clock
        return out


@dataclass(frozen=True, kw_only=True)
class BusinessHoursSpec:
    """A weekly business-hours window, wall time of scenario.timezone."""

    days: list[str] = key(doc="days it applies to: mon, tue, wed, thu, fri, sat, sun")
    start: str = key(doc="opening time HH:MM")
    end: str = key(doc="closing time HH:MM (24:00 = midnight at the day's end)")

    def to_roster(self) -> dict[str, Any]:
        """The roster's ``business_hours[]`` entry."""
        return {"days": list(self.days), "start": self.start, "end": self.end}
