"""Latency per endpoint in HdrHistograms, mergeable across processes.

Values are recorded in microseconds (1 us .. 1 h, 3 significant digits, so a
reported percentile is within 0.1 % of the true sample); percentiles are
returned in milliseconds. Two histograms per endpoint: ``response`` (from the
intended start: what a user of an open system sees, free of coordinated
omission) and ``lag`` (intended start to actual send: the generator's own
delay, used to detect a generator that cannot keep its rate). The exact
maximum is kept beside each histogram because HdrHistogram rounds it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from hdrh.histogram import HdrHistogram

from ._recording import Record

__all__ = ["PERCENTILES", "LatencyBook", "Percentiles"]

#: The percentiles reported for every endpoint.
PERCENTILES: tuple[float, ...] = (50.0, 90.0, 99.0, 99.9)
_LOWEST_US = 1
_HIGHEST_US = 3_600_000_000
_DIGITS = 3


def _histogram() -> HdrHistogram:
    return HdrHistogram(_LOWEST_US, _HIGHEST_US, _DIGITS)


@dataclass(frozen=True, slots=True)
class Percentiles:
    """Latency summary of one endpoint in ms: count, p50, p90, p99, p99.9, exact max, mean."""

    count: int
    p50: float
    p90: float
    p99: float
    p999: float
    max: float
    mean: float

    def as_dict(self) -> dict[str, float]:
        """JSON-ready form, keys count/p50/p90/p99/p99.9/max/mean."""
        return {
            "count": self.count,
            "p50": self.p50,
            "p90": self.p90,
            "p99": self.p99,
            "p99.9": self.p999,
            "max": self.max,
            "mean": self.mean,
        }


@dataclass
class LatencyBook:
    """Per-endpoint response and schedule-lag histograms of one or more processes."""

    response: dict[str, HdrHistogram] = field(default_factory=dict)
    lag: dict[str, HdrHistogram] = field(default_factory=dict)
    max_us: dict[str, int] = field(default_factory=dict)

    def record(self, *, endpoint: str, latency_ns: int, lag_ns: int) -> None:
        """Add one request: ``latency_ns`` from intended start, ``lag_ns`` intended->sent."""
        us = max(_LOWEST_US, min(_HIGHEST_US, latency_ns // 1000))
        lag_us = max(_LOWEST_US, min(_HIGHEST_US, lag_ns // 1000))
        if endpoint not in self.response:
            self.response[endpoint] = _histogram()
            self.lag[endpoint] = _histogram()
            self.max_us[endpoint] = 0
        self.response[endpoint].record_value(us)
        self.lag[endpoint].record_value(lag_us)
        if us > self.max_us[endpoint]:
            self.max_us[endpoint] = us

    @classmethod
    def from_records(cls, records: Iterable[Record]) -> LatencyBook:
        """A book holding every record (all endpoints, errors included)."""
        book = cls()
        for r in records:
            book.record(endpoint=r.endpoint, latency_ns=r.latency_ns, lag_ns=r.schedule_lag_ns)
        return book

    def encode(self) -> dict[str, Any]:
        """JSON-ready form (HdrHistogram's compressed encoding, base64 text)."""
        return {
            name: {
                "response": self.response[name].encode().decode("ascii"),
                "lag": self.lag[name].encode().decode("ascii"),
                "max_us": self.max_us[name],
            }
            for name in self.response
        }

    def merge_encoded(self, data: Mapping[str, Any]) -> None:
        """Add another process's :meth:`encode` output to this book."""
        for name, parts in data.items():
            if name not in self.response:
                self.response[name] = _histogram()
                self.lag[name] = _histogram()
                self.max_us[name] = 0
            self.response[name].decode_and_add(parts["response"].encode("ascii"))
            self.lag[name].decode_and_add(parts["lag"].encode("ascii"))
            self.max_us[name] = max(self.max_us[name], int(parts["max_us"]))

    def endpoints(self) -> list[str]:
        """Endpoint names, sorted."""
        return sorted(self.response)

    def percentiles(self, endpoint: str, *, which: str = "response") -> Percentiles:
        """Summary of ``endpoint`` in ms (``which``: response or lag)."""
        hist = (self.response if which == "response" else self.lag)[endpoint]
        top = self.max_us[endpoint] / 1000.0 if which == "response" else hist.get_max_value() / 1e3
        # HdrHistogram answers a bucket's upper edge (up to 0.1 % high): no sample exceeds
        # the exact maximum, so neither may a percentile
        ms = [min(hist.get_value_at_percentile(p) / 1000.0, top) for p in PERCENTILES]
        return Percentiles(
            count=int(hist.get_total_count()),
            p50=ms[0],
            p90=ms[1],
            p99=ms[2],
            p999=ms[3],
            max=top,
            mean=float(hist.get_mean_value()) / 1000.0,
        )
