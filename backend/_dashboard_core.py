"""Shared arithmetic of the backend's dashboards (docs/metrics.md 3.3-3.7): means of ms
are integer sums over counts truncated toward zero; percentages are
``(100.0 * part) / whole`` as unrounded doubles, null when ``whole`` is 0.
"""

from __future__ import annotations

from typing import Any

from ._dashboard_summary import CloseSums

__all__ = ["close_stats", "mean_ms", "percent"]


def mean_ms(total: int, n: int) -> int | None:
    """Mean in ms truncated toward zero; None without samples."""
    if n == 0:
        return None
    q = abs(total) // n
    return q if total >= 0 else -q


def percent(part: float, whole: float) -> float | None:
    """``(100.0 * part) / whole``; None when whole is 0."""
    return None if whole == 0 else 100.0 * part / whole


def close_stats(sums: CloseSums | None, csat: str) -> dict[str, Any]:
    """Closed conversations, CSAT (latest answer of each closed conversation: ``top2`` the
    share of 4-5 answers, ``mean`` 100 * mean / 5) and resolution time."""
    x = CloseSums() if sums is None else sums
    score = percent(x.csat_sum, 5 * x.csat_answered) if csat == "mean" else None
    return {
        "closed": x.closed,
        "closed_by": {"consumer": x.by_consumer, "agent": x.by_agent, "system": x.by_system},
        "csat": score if csat == "mean" else percent(x.csat_good, x.csat_answered),
        "csat_answered": x.csat_answered,
        "avg_resolution_time": mean_ms(x.resolution_sum, x.closed),
    }
