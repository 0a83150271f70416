"""Shared arithmetic of the dashboard families: truncated ms means and percentages."""

from __future__ import annotations

__all__ = ["mean_ms", "percent"]


def mean_ms(total: int | float, n: int) -> int | None:
    """Mean in ms truncated toward zero; None without samples."""
    if n == 0:
        return None
    q = abs(int(total)) // n
    return q if total >= 0 else -q


def percent(part: int | float, whole: int | float) -> float | None:
    """100 * part / whole as an IEEE double, not rounded; None when whole is 0."""
    return None if whole == 0 else 100.0 * part / whole
