"""Instants on the command line: epoch milliseconds or ISO 8601, one parser for every option.

Accepted (README "Instants on the command line"):

* ASCII digits: epoch milliseconds, UTC (``1767600000000``);
* an ISO 8601 date and time with ``Z`` or an offset (``2026-01-05T08:30:00Z``,
  ``2026-01-05T09:30+01:00``): that instant;
* an ISO 8601 date and time without offset (``2026-01-05T09:30``): local time in the
  log's time zone (the roster's ``timezone``); a time a clock change skips or repeats
  takes the offset before the change (``fold=0``);
* an ISO 8601 date (``2026-01-05``): that day's midnight in the log's time zone.

Every instant must lie in the range of an event's ``ts``, from 0 (1970-01-01T00:00Z) to
the last millisecond of year 9999, and hold whole milliseconds. Anything else is a
:class:`ccbench.ParameterError` naming the option.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import zoneinfo
from typing import overload

from .._errors import ParameterError

__all__ = ["MAX_INSTANT_MS", "format_instant", "parse_instant"]

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MS = dt.timedelta(milliseconds=1)
#: The last millisecond of year 9999 (UTC): the largest ``ts`` of the event-log contract.
MAX_INSTANT_MS = (dt.datetime(9999, 12, 31, 23, 59, 59, 999000, tzinfo=dt.UTC) - _EPOCH) // _MS
_DIGITS = re.compile(r"[0-9]+")
_EXPECTED = (
    "expected epoch milliseconds or an ISO 8601 date or date-time "
    "(e.g. 2026-01-05, 2026-01-05T09:30, 2026-01-05T08:30:00Z)"
)


@overload
def parse_instant(option: str, text: str, *, timezone: str) -> int: ...
@overload
def parse_instant(option: str, text: str, *, timezone: None) -> int | None: ...


def parse_instant(option: str, text: str, *, timezone: str | None) -> int | None:
    """Epoch ms of ``text`` (see the module docstring); naive times are in ``timezone``.

    With ``timezone=None`` (the log not read yet) a text that needs the time zone gives
    None after its syntax was checked; the caller parses it again once it knows the zone.
    """
    value = text.strip()
    if _DIGITS.fullmatch(value):
        digits = value.lstrip("0")
        # compare the length first: int() of a 5000-digit text is refused or slow
        ms = MAX_INSTANT_MS + 1 if len(digits) > len(str(MAX_INSTANT_MS)) else int(digits or "0")
    else:
        found = _iso(option, value, timezone)
        if found is None:
            return None
        ms = found
    if not 0 <= ms <= MAX_INSTANT_MS:
        shown = value if len(value) <= 40 else value[:37] + "..."
        raise ParameterError(
            option,
            f"expected an instant from 0 (1970-01-01T00:00:00Z) to {MAX_INSTANT_MS} "
            f"(9999-12-31T23:59:59.999Z), got {shown!r}",
        )
    return ms


def _iso(option: str, value: str, timezone: str | None) -> int | None:
    try:
        if "T" in value.upper() or " " in value:
            moment = dt.datetime.fromisoformat(value)
        else:
            moment = dt.datetime.combine(dt.date.fromisoformat(value), dt.time())
    except ValueError:
        shown = value if len(value) <= 40 else value[:37] + "..."
        raise ParameterError(option, f"{_EXPECTED}, got {shown!r}") from None
    if moment.microsecond % 1000:
        raise ParameterError(
            option, f"expected whole milliseconds, got {value!r} (a fraction of a millisecond)"
        )
    if moment.tzinfo is None:
        if timezone is None:
            return None
        moment = moment.replace(tzinfo=zoneinfo.ZoneInfo(timezone))
    try:
        return (moment - _EPOCH) // _MS
    except OverflowError:  # an offset pushing year 1 or 9999 past the calendar
        return -1 if moment.year == 1 else MAX_INSTANT_MS + 1


def format_instant(ms: int, timezone: str) -> str:
    """``ms`` as ISO 8601 local time in ``timezone`` with its offset, to the millisecond
    (``2026-01-05T09:30:00.000+01:00``); in UTC when the local date would pass year 9999."""
    moment = _EPOCH + ms * _MS
    with contextlib.suppress(OverflowError):
        moment = moment.astimezone(zoneinfo.ZoneInfo(timezone))
    return moment.isoformat(timespec="milliseconds")
