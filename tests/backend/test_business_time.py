"""The backend's vectorised business time (backend/_business_time.py)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from backend._business_time import business_elapsed
from ccbench.eventlog import BUSINESS_DAYS, Roster
from oracle._business_time import BusinessClock

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
ROSTER = Roster.from_dict(
    {
        "account": "a",
        "timezone": "Europe/Paris",
        "business_hours": [
            {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "18:00"},
            {"days": ["sat"], "start": "20:00", "end": "24:00"},
        ],
    }
)


def _ms(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> int:
    return int(dt.datetime(y, mo, d, h, mi, tzinfo=PARIS).timestamp()) * 1000


def test_hand_counted_intervals_at_once() -> None:
    """Friday 17:50 -> Monday 09:05 is 10 + 240 (Saturday 20:00-24:00) + 5 = 255 min;
    Wednesday 10:00-11:30 is 90 min; Friday 18:00 -> Saturday 20:00 nothing; a reversed
    interval 0."""
    start = np.array([_ms(2026, 1, 9, 17, 50), _ms(2026, 1, 7, 10), _ms(2026, 1, 9, 18),
                      _ms(2026, 1, 7, 11)], dtype=np.int64)  # fmt: skip
    end = np.array([_ms(2026, 1, 12, 9, 5), _ms(2026, 1, 7, 11, 30), _ms(2026, 1, 10, 20),
                    _ms(2026, 1, 7, 10)], dtype=np.int64)  # fmt: skip
    got = business_elapsed(ROSTER, start, end)
    assert got.tolist() == [255 * 60_000, 90 * 60_000, 0, 0]


def test_no_business_hours_and_no_intervals() -> None:
    """Without windows every interval has no business time; no interval, no answer."""
    bare = Roster.from_dict({"account": "a"})
    one = np.array([0], dtype=np.int64)
    assert business_elapsed(bare, one, one + 10**9).tolist() == [0]
    empty = np.array([], dtype=np.int64)
    assert business_elapsed(ROSTER, empty, empty).tolist() == []


_BASE = _ms(2026, 3, 20)  # a spring clock change falls within the drawn range


@settings(max_examples=60, deadline=None)
@given(
    days=st.lists(st.sampled_from(BUSINESS_DAYS), min_size=1, max_size=7, unique=True),
    start_minute=st.integers(0, 23 * 60),
    length=st.integers(1, 60),
    pairs=st.lists(
        st.tuples(st.integers(0, 20 * 86_400_000), st.integers(0, 5 * 86_400_000)),
        min_size=1,
        max_size=8,
    ),
)
def test_agrees_with_the_oracles_day_walk(
    days: list[str], start_minute: int, length: int, pairs: list[tuple[int, int]]
) -> None:
    """On random windows and intervals (across a daylight-saving change) the backend's
    cumulative search equals the oracle's day-by-day overlap sum."""
    end_minute = min(start_minute + length * 10, 1440)
    roster = Roster.from_dict(
        {
            "account": "a",
            "timezone": "Europe/Paris",
            "business_hours": [
                {"days": days, "start": f"{start_minute // 60:02d}:{start_minute % 60:02d}",
                 "end": f"{end_minute // 60:02d}:{end_minute % 60:02d}"}
            ],
        }
    )  # fmt: skip
    start = np.array([_BASE + a for a, _ in pairs], dtype=np.int64)
    end = start + np.array([b for _, b in pairs], dtype=np.int64)
    clock = BusinessClock(roster)
    expected = [clock.elapsed_ms(int(a), int(b)) for a, b in zip(start, end, strict=True)]
    assert business_elapsed(roster, start, end).tolist() == expected
