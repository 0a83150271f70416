"""SLA policies and business hours in the roster (ccbench/eventlog/_roster_sla.py)."""

from __future__ import annotations

from typing import Any

import pytest

from ccbench import RosterError
from ccbench.eventlog import BusinessHours, Roster


def _roster(**extra: Any) -> Roster:
    return Roster.from_dict({"account": "acme", **extra})


def test_business_hours_parse_to_minutes_and_back() -> None:
    """09:00-18:00 is minutes 540-1080; 24:00 ends a day; the document form round-trips."""
    r = _roster(
        business_hours=[
            {"days": ["mon", "tue"], "start": "09:00", "end": "18:00"},
            {"days": ["sat"], "start": "20:30", "end": "24:00"},
        ],
        sla_policies=[{"id": "p", "resolution_ms": 1, "clock": "business"}],
    )
    assert r.business_hours == (
        BusinessHours(("mon", "tue"), 540, 1080),
        BusinessHours(("sat",), 1230, 1440),
    )
    assert r.sla_policy("p") is not None and r.sla_policy("p").clock == "business"  # type: ignore[union-attr]
    assert r.sla_policy("q") is None
    assert Roster.from_dict(r.to_dict()) == r


def test_defaults_keep_format_1_roster_documents() -> None:
    """Without business hours and with calendar clocks, to_dict writes neither key."""
    r = _roster(sla_policies=[{"id": "p", "resolution_ms": 1}])
    doc = r.to_dict()
    assert "business_hours" not in doc and "clock" not in doc["sla_policies"][0]
    assert r.sla_policies[0].clock == "calendar"


@pytest.mark.parametrize(
    ("window", "message"),
    [
        ({"days": ["fri"], "start": "9:00", "end": "18:00"},
         r"business_hours\[0\]\.start: expected a time HH:MM from 00:00 to 23:59, got '9:00'"),
        ({"days": ["fri"], "start": "09:00", "end": "24:01"},
         r"business_hours\[0\]\.end: expected a time HH:MM from 00:00 to 24:00, got '24:01'"),
        ({"days": ["fri"], "start": "09:60", "end": "18:00"},
         r"\.start: expected a time HH:MM from 00:00 to 23:59, got '09:60'"),
        ({"days": ["fri"], "start": "18:00", "end": "09:00"},
         r"business_hours\[0\]\.end: expected a time after start, got '09:00'"),
        ({"days": ["friday"], "start": "09:00", "end": "18:00"},
         r"business_hours\[0\]\.days\[0\]: expected one of mon, tue, wed, thu, fri, sat, sun, "
         r"got 'friday'"),
        ({"days": [], "start": "09:00", "end": "18:00"},
         r"business_hours\[0\]\.days: expected at least one day, got \[\]"),
        ({"start": "09:00", "end": "18:00"},
         r"business_hours\[0\]\.days: required field is missing"),
    ],
)  # fmt: skip
def test_bad_window_gets_one_line(window: dict[str, Any], message: str) -> None:
    """Each malformed window is refused naming the path, what was expected and the value."""
    with pytest.raises(RosterError, match=message):
        _roster(business_hours=[window])


def test_overlapping_windows_are_refused() -> None:
    """Two windows of the same day that overlap are refused, naming the day."""
    with pytest.raises(RosterError, match=r"business_hours\[1\]: .* overlap on fri"):
        _roster(
            business_hours=[
                {"days": ["thu", "fri"], "start": "09:00", "end": "13:00"},
                {"days": ["fri"], "start": "12:00", "end": "18:00"},
            ]
        )
    # touching windows do not overlap ([09:00, 13:00) then [13:00, 18:00))
    _roster(
        business_hours=[
            {"days": ["fri"], "start": "09:00", "end": "13:00"},
            {"days": ["fri"], "start": "13:00", "end": "18:00"},
        ]
    )


def test_business_clock_needs_business_hours() -> None:
    """A policy with clock business in a roster without business hours is refused."""
    with pytest.raises(
        RosterError,
        match=r"sla_policies\[0\]\.clock: expected calendar while roster.business_hours is "
        r"empty, got 'business'",
    ):
        _roster(sla_policies=[{"id": "p", "resolution_ms": 1, "clock": "business"}])
    with pytest.raises(RosterError, match=r"sla_policies\[0\]\.clock: expected one of calendar"):
        _roster(sla_policies=[{"id": "p", "resolution_ms": 1, "clock": "wall"}])
