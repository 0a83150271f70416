"""oracle._supervision_params: the page's local midnight, and its limit at the calendar's end."""

from __future__ import annotations

import pytest

from ccbench import ParameterError
from oracle._supervision_params import local_midnight


def test_local_midnight_by_hand() -> None:
    """2026-01-05T08:30Z is 09:30 in Paris (UTC+1): midnight = 2026-01-04T23:00Z."""
    assert local_midnight(1767601800000, "Europe/Paris") == 1767567600000


def test_now_past_the_local_calendar_is_a_parameter_error() -> None:
    """An instant whose local date is past year 9999 names now_ms instead of overflowing."""
    # 9999-12-31T23:00Z is 10000-01-01T00:00 in Paris (UTC+1)
    with pytest.raises(ParameterError, match="outside the calendar range") as info:
        local_midnight(253402297200000, "Europe/Paris")
    assert info.value.parameter == "now_ms"
    # the same instant in UTC still has a date: midnight of 9999-12-31 = end - 1 day
    assert local_midnight(253402297200000, "UTC") == 253402300800000 - 86_400_000
