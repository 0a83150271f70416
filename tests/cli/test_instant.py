"""The command line's one instant parser: epoch ms or ISO 8601, bounded, whole milliseconds."""

from __future__ import annotations

import pytest

from ccbench import ParameterError
from ccbench.cli._instant import MAX_INSTANT_MS, format_instant, parse_instant

PARIS = "Europe/Paris"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # digits are epoch ms whatever the zone (and a basic-format date is digits)
        ("1767600000000", 1767600000000),
        ("0", 0),
        ("20260105", 20260105),
        # 2026-01-05T08:30Z: 20458 days x 86,400,000 ms + 8.5 h = 1767601800000
        ("2026-01-05T08:30:00Z", 1767601800000),
        ("2026-01-05T09:30+01:00", 1767601800000),
        ("2026-01-05T09:30", 1767601800000),  # Paris is UTC+1 in January
        ("2026-01-05 09:30:00.123", 1767601800123),
        ("2026-01-05", 1767567600000),  # local midnight = 2026-01-04T23:00Z
        ("2026-07-05", 1783202400000),  # summer: UTC+2, midnight = 2026-07-04T22:00Z
        # 2026-03-29 02:30 does not exist in Paris (02:00 -> 03:00): fold=0 takes the
        # offset before the change, +01:00, so 01:30Z = 1774747800000
        ("2026-03-29T02:30", 1774747800000),
        ("9999-12-31T23:59:59.999Z", MAX_INSTANT_MS),
    ],
)
def test_accepted_forms(text: str, expected: int) -> None:
    """Epoch ms, ISO 8601 with Z/offset, local date-time and local date give the hand values."""
    assert parse_instant("now", text, timezone=PARIS) == expected


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("99999999999999999999", "expected an instant from 0"),
        ("9" * 5000, "expected an instant from 0"),
        (str(MAX_INSTANT_MS + 1), "to 253402300799999 (9999-12-31T23:59:59.999Z)"),
        ("1969-12-31T23:59:59.999Z", "expected an instant from 0"),
        ("9999-12-31T23:59:59-05:00", "expected an instant from 0"),
        ("-5", "expected epoch milliseconds or an ISO 8601 date"),
        ("yesterday", "expected epoch milliseconds or an ISO 8601 date"),
        ("", "expected epoch milliseconds or an ISO 8601 date"),
        ("2026-01-05T09:30:00.0005Z", "expected whole milliseconds"),
    ],
)
def test_refused_forms_name_the_option(text: str, needle: str) -> None:
    """Out of range, before 1970, malformed or sub-millisecond: ParameterError naming it."""
    with pytest.raises(ParameterError, match=r"parameter 'now': ") as info:
        parse_instant("now", text, timezone=PARIS)
    assert needle in str(info.value) and len(str(info.value)) < 300


def test_naive_text_waits_for_the_time_zone() -> None:
    """Without a zone, a naive text is checked and gives None; absolute ones give ms."""
    assert parse_instant("now", "2026-01-05T09:30", timezone=None) is None
    assert parse_instant("now", "2026-01-05T08:30Z", timezone=None) == 1767601800000
    with pytest.raises(ParameterError):
        parse_instant("now", "2026-13-05", timezone=None)


def test_format_round_trips() -> None:
    """format_instant gives local ISO with offset to the ms, which parses back to the ms."""
    for ms in (0, 1767601800123, 1783202400000, MAX_INSTANT_MS):
        text = format_instant(ms, PARIS)
        assert parse_instant("now", text, timezone="UTC") == ms
    assert format_instant(1767601800123, PARIS) == "2026-01-05T09:30:00.123+01:00"
    # the last ms is in year 10000 in Paris: shown in UTC instead
    assert format_instant(MAX_INSTANT_MS, PARIS) == "9999-12-31T23:59:59.999+00:00"
