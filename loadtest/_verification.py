"""The outcome of verifying a run: wrong values (:class:`Mismatch`) and the tallies.

:class:`Verification` counts the values checked and found wrong per metric, keeps
up to ``detail_limit`` examples of wrong values and counts the answers that were
not judged by error class; :mod:`loadtest._verify` fills it (JSON answers and
CSV tables alike) and :mod:`loadtest._verify_pool` merges the parts verified on
several cores.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ._json_values import reportable
from ._recording import QueryValue, Record
from ._status import ErrorTally

__all__ = ["Mismatch", "Verification"]


@dataclass(frozen=True, slots=True)
class Mismatch:
    """One wrong value: where (endpoint, query, instant, JSON path) and what."""

    endpoint: str
    query: Mapping[str, QueryValue]
    clock_ms: int | None
    path: str
    metric: str
    expected: Any
    actual: Any

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "endpoint": self.endpoint,
            "query": dict(self.query),
            "clock_ms": self.clock_ms,
            "path": self.path,
            "metric": self.metric,
            "expected": self.expected,
            "actual": self.actual,
        }


@dataclass
class Verification:
    """Outcome of verifying a run's query records.

    ``by_metric`` maps a metric to [values checked, values wrong];
    ``mismatches`` holds up to ``detail_limit`` examples while
    ``mismatch_count`` counts every wrong value; ``wrong_responses`` counts
    responses with at least one. ``errors`` counts the answers that were not
    judged, by class and status code. ``freshness_ms`` lists live-mode lags.
    """

    responses: int = 0
    verified: int = 0
    wrong_responses: int = 0
    mismatch_count: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)
    by_metric: dict[str, list[int]] = field(default_factory=dict)
    errors: ErrorTally = field(default_factory=ErrorTally)
    freshness_ms: list[int] = field(default_factory=list)
    detail_limit: int = 200
    #: values the log cannot support (path -> reason), left out of every comparison
    unavailable: dict[str, str] = field(default_factory=dict)
    #: the translation plugin's failures (name, request, why), up to ``detail_limit``
    plugin_errors: list[str] = field(default_factory=list)

    def count(self, metric: str, wrong: bool) -> None:
        """One value of ``metric`` checked, and found wrong when ``wrong``."""
        row = self.by_metric.setdefault(metric, [0, 0])
        row[0] += 1
        row[1] += int(wrong)

    def add_mismatch(self, record: Record, path: str, metric: str, exp: Any, act: Any) -> None:
        """One wrong value of ``record`` at ``path`` (kept while under ``detail_limit``)."""
        self.mismatch_count += 1
        if len(self.mismatches) < self.detail_limit:
            self.mismatches.append(
                Mismatch(
                    record.endpoint,
                    dict(record.query),
                    record.clock_ms,
                    path,
                    metric,
                    reportable(exp),
                    reportable(act),
                )
            )

    def mismatched_metrics(self) -> list[str]:
        """Metrics with at least one wrong value, sorted."""
        return sorted(m for m, (_, wrong) in self.by_metric.items() if wrong)
