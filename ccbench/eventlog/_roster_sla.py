"""SLA policies and the business hours their clocks may run on (roster keys).

``roster.sla_policies[]`` holds targets in ms; ``roster.business_hours[]`` the
weekly windows, local time of roster.timezone, that a policy with ``clock``
``business`` counts (docs/eventlog.md, "SLA policies and business hours").
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from .._errors import RosterError, shown_with_type
from ._roster_fields import FieldReader, choice_item
from ._schema import CHANNELS

__all__ = ["BUSINESS_DAYS", "SLA_CLOCKS", "BusinessHours", "SlaPolicy", "check_business_hours"]

#: Days of a business-hours window, Monday first (Python's ``date.weekday()`` order).
BUSINESS_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: How an SLA policy's clock runs: always (calendar) or within roster.business_hours only.
SLA_CLOCKS = ("calendar", "business")


def _minute_of_day(value: Any, path: str, *, end: bool) -> int:
    """``"HH:MM"`` as minutes since midnight; ``"24:00"`` only as an end."""
    last = "24:00" if end else "23:59"
    ok = isinstance(value, str) and len(value) == 5 and value[2] == ":"
    ok = ok and value[:2].isdigit() and value[3:].isdigit()
    minutes = int(value[:2]) * 60 + int(value[3:]) if ok else -1
    if not ok or int(value[3:]) > 59 or not 0 <= minutes <= (1440 if end else 1439):
        raise RosterError(
            f"{path}: expected a time HH:MM from 00:00 to {last}, got {shown_with_type(value)}"
        )
    return minutes


@dataclass(frozen=True, slots=True)
class BusinessHours:
    """One weekly window of business time: on each of ``days``, ``[start, end)`` local
    time of roster.timezone, as minutes since midnight (``end`` up to 1440)."""

    days: tuple[str, ...]
    start_minute: int
    end_minute: int

    @classmethod
    def parse(cls, data: Any, path: str) -> BusinessHours:
        r = FieldReader(data, path)
        days = tuple(r.items("days", choice_item(BUSINESS_DAYS), required=True))
        start = _minute_of_day(r._get("start", True), f"{path}.start", end=False)
        end = _minute_of_day(r._get("end", True), f"{path}.end", end=True)
        r.done()
        if not days:
            raise RosterError(f"{path}.days: expected at least one day, got []")
        if end <= start:
            raise RosterError(f"{path}.end: expected a time after start, got {data['end']!r}")
        return cls(days=days, start_minute=start, end_minute=end)

    def to_dict(self) -> dict[str, Any]:
        """The roster document form (``HH:MM`` times)."""
        return {
            "days": list(self.days),
            "start": f"{self.start_minute // 60:02d}:{self.start_minute % 60:02d}",
            "end": f"{self.end_minute // 60:02d}:{self.end_minute % 60:02d}",
        }


@dataclass(frozen=True, slots=True)
class SlaPolicy:
    """Targets (ms) a conversation must meet; None = no target.

    A conversation follows the policy its ``conversation.opened`` names (``sla_policy``),
    else the first policy listing its channel. ``clock`` ``business`` counts only the
    time inside roster.business_hours (docs/eventlog.md, "SLA policies").
    """

    id: str
    name: str
    channels: tuple[str, ...]
    first_response_ms: int | None = None
    next_response_ms: int | None = None
    resolution_ms: int | None = None
    clock: str = "calendar"

    @classmethod
    def parse(cls, data: Any, path: str) -> SlaPolicy:
        r = FieldReader(data, path)
        policy = cls(
            id=r.string("id"),
            name=r.name(),
            channels=tuple(r.items("channels", choice_item(CHANNELS))) or CHANNELS,
            first_response_ms=r.opt_int("first_response_ms", low=1),
            next_response_ms=r.opt_int("next_response_ms", low=1),
            resolution_ms=r.opt_int("resolution_ms", low=1),
            clock=r.string("clock", default="calendar", choices=SLA_CLOCKS),
        )
        r.done()
        if None is policy.first_response_ms is policy.next_response_ms is policy.resolution_ms:
            raise RosterError(
                f"{path}: expected at least one of first_response_ms, "
                "next_response_ms, resolution_ms"
            )
        return policy


def check_business_hours(
    business_hours: tuple[BusinessHours, ...], sla_policies: tuple[SlaPolicy, ...]
) -> None:
    """Windows of one day must not overlap; a business clock needs business hours."""
    for day in BUSINESS_DAYS:
        windows = sorted(
            (w.start_minute, w.end_minute, i) for i, w in enumerate(business_hours) if day in w.days
        )
        for (_, end, _), (start, _, i) in pairwise(windows):
            if start < end:
                raise RosterError(
                    f"roster.business_hours[{i}]: expected windows that do not overlap "
                    f"on {day}, got one starting before the previous one ends"
                )
    for i, p in enumerate(sla_policies):
        if p.clock == "business" and not business_hours:
            raise RosterError(
                f"roster.sla_policies[{i}].clock: expected calendar while "
                "roster.business_hours is empty, got 'business'"
            )
