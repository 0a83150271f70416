"""Business time of an interval under roster.business_hours (oracle/_business_time.py)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from ccbench.eventlog import Roster
from oracle._business_time import BusinessClock

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]


def _ms(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> int:
    """Epoch ms of a Paris wall time."""
    return int(dt.datetime(y, mo, d, h, mi, tzinfo=PARIS).timestamp()) * 1000


def _clock(*windows: dict[str, object]) -> BusinessClock:
    return BusinessClock(
        Roster.from_dict(
            {"account": "a", "timezone": "Europe/Paris", "business_hours": list(windows)}
        )
    )


OFFICE = {"days": WEEKDAYS, "start": "09:00", "end": "18:00"}


@pytest.mark.parametrize(
    ("start", "end", "minutes"),
    [
        # Friday 17:50 to Monday 09:05: 10 min on Friday, 5 on Monday
        (_ms(2026, 1, 9, 17, 50), _ms(2026, 1, 12, 9, 5), 15),
        # inside one window: all of it
        (_ms(2026, 1, 7, 10), _ms(2026, 1, 7, 11, 30), 90),
        # the night and the weekend only: nothing
        (_ms(2026, 1, 9, 18), _ms(2026, 1, 12, 9), 0),
        # Wednesday 08:00 to Thursday 20:00: two full days of 9 h
        (_ms(2026, 1, 7, 8), _ms(2026, 1, 8, 20), 18 * 60),
        # an empty or reversed interval
        (_ms(2026, 1, 7, 10), _ms(2026, 1, 7, 10), 0),
        (_ms(2026, 1, 7, 11), _ms(2026, 1, 7, 10), 0),
    ],
)
def test_office_hours(start: int, end: int, minutes: int) -> None:
    """Hand-counted business minutes of intervals under 09:00-18:00 Monday to Friday."""
    assert _clock(OFFICE).elapsed_ms(start, end) == minutes * 60_000


def test_windows_add_and_24_00_ends_the_day() -> None:
    """Saturday 20:00-24:00 plus the weekday hours: Friday 17:00 to Monday 10:00 is
    60 min (Friday) + 240 min (Saturday evening) + 60 min (Monday) = 360 min."""
    clock = _clock(OFFICE, {"days": ["sat"], "start": "20:00", "end": "24:00"})
    assert clock.elapsed_ms(_ms(2026, 1, 9, 17), _ms(2026, 1, 12, 10)) == 360 * 60_000


def test_a_day_across_a_clock_change_is_as_long_as_the_wall_clock() -> None:
    """Sunday 2026-03-29 in Paris has 23 hours: a 00:00-24:00 window holds 23 h of it;
    Sunday 2026-10-25 has 25."""
    clock = _clock({"days": ["sun"], "start": "00:00", "end": "24:00"})
    assert clock.elapsed_ms(_ms(2026, 3, 28), _ms(2026, 3, 31)) == 23 * 3_600_000
    assert clock.elapsed_ms(_ms(2026, 10, 24), _ms(2026, 10, 27)) == 25 * 3_600_000
