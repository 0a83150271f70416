"""Load-test settings and thresholds, from the ``[loadtest]`` table of a config TOML file.

Every field has a default so an empty table is valid. See docs/loadtest.md
for the file format; :meth:`LoadTestConfig.from_dict` names the key, value
and expectation of anything invalid.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from ccbench import InputError, shown_with_type

__all__ = ["DEFAULT_LATENCY_MS", "LoadTestConfig", "Thresholds", "load_config"]

_MODES = ("deterministic", "live")
_WORKLOADS = ("closed", "open")
_ARRIVALS = ("constant", "poisson")
_PERCENTILE_KEYS = ("p50", "p90", "p99", "p99.9", "max")

#: Default latency limits (ms, from the intended start), docs/loadtest.md "Latency
#: thresholds": an interactive budget, 1 s for a query about chosen agents or metrics,
#: 2 s for a page built from the whole account.
DEFAULT_LATENCY_MS: Mapping[str, Mapping[str, float]] = {
    "msgagentsegments": {"p99": 1000.0},
    "agent_performance": {"p99": 1000.0},
    "dashboard": {"p99": 2000.0},
    "report": {"p99": 2000.0},
    "supervision": {"p99": 2000.0},
}


@dataclass(frozen=True)
class Thresholds:
    """Pass/fail limits; None disables a check.

    ``latency_ms``: endpoint -> {p50|p90|p99|p99.9|max: ms}, measured from the
    intended start (default :data:`DEFAULT_LATENCY_MS`; a table given replaces
    it as a whole, ``{}`` checks no latency). ``max_error_rate``: transport errors / requests sent.
    ``max_mismatches``: wrong values allowed. ``max_freshness_ms``: live-mode
    lag allowed (largest observed). ``min_rate_ratio``: achieved / target
    query rate in the open model. ``max_schedule_lag_ms``: p99 of the
    generator's own send delay; beyond it the generator could not keep the rate.
    """

    latency_ms: Mapping[str, Mapping[str, float]] = field(
        default_factory=lambda: {e: dict(limits) for e, limits in DEFAULT_LATENCY_MS.items()}
    )
    max_error_rate: float | None = 0.0
    max_mismatches: int | None = 0
    max_freshness_ms: float | None = None
    min_rate_ratio: float | None = 0.95
    max_schedule_lag_ms: float | None = 100.0


@dataclass(frozen=True)
class LoadTestConfig:
    """How to drive one run (all times in seconds unless the name says ms).

    ``mode``: deterministic (requests carry the clock header) or live.
    ``workload``: closed (``users`` looping with ``think_time_s``) or open
    (``rate`` requests/s in total, ``arrival`` constant or poisson, spread
    over ``users`` independent streams). ``duration_s``: query phase length.
    ``ingest_batch``: events per ingest request; ``ingest_speed``: simulated
    seconds per wall second, None for as fast as possible. ``ingest_budget_s``:
    how long the ingest phase may take beyond its paced replay; past it the
    ingest stops, no query runs and the run fails (docs/loadtest.md "Time
    bounds"). ``invalid_share``:
    probability of an invalid request. ``dashboard_share``: probability that
    a query goes to the dashboard endpoint instead of msgagentsegments (0
    disables dashboard queries; the mapping must map ``dashboard`` otherwise).
    ``agent_performance_share``, ``report_share``, ``supervision_share``: the
    same for the seed 000, 001 and 002 endpoints (deterministic mode only;
    the mapping must map ``agent_performance``, ``report``, ``supervision``);
    with ``dashboard_share`` they sum to at most 1, msgagentsegments gets the rest.
    ``staleness_ms``: live-mode allowance.
    ``tolerances``: metric -> absolute tolerance (exact when absent).
    ``max_in_flight``: open-model requests in flight per process before the
    generator counts itself saturated and skips sends (reported, never hidden).
    """

    mode: str = "deterministic"
    workload: str = "open"
    users: int = 4
    rate: float = 50.0
    arrival: str = "constant"
    duration_s: float = 10.0
    think_time_s: float = 0.0
    seed: int = 1
    invalid_share: float = 0.02
    dashboard_share: float = 0.2
    agent_performance_share: float = 0.0
    report_share: float = 0.0
    supervision_share: float = 0.0
    ingest_batch: int = 500
    ingest_speed: float | None = None
    ingest_budget_s: float = 120.0
    staleness_ms: int = 0
    max_in_flight: int = 1000
    tolerances: Mapping[str, float] = field(default_factory=dict)
    thresholds: Thresholds = field(default_factory=Thresholds)

    def __post_init__(self) -> None:
        _check_types(self, "loadtest")
        _check_types(self.thresholds, "loadtest.thresholds")
        checks: list[tuple[str, bool, str]] = [
            ("mode", self.mode in _MODES, f"one of {', '.join(_MODES)}"),
            ("workload", self.workload in _WORKLOADS, f"one of {', '.join(_WORKLOADS)}"),
            ("arrival", self.arrival in _ARRIVALS, f"one of {', '.join(_ARRIVALS)}"),
            ("users", self.users >= 1, "an integer >= 1"),
            ("rate", self.rate > 0, "requests/s > 0"),
            ("duration_s", self.duration_s > 0, "seconds > 0"),
            ("think_time_s", self.think_time_s >= 0, "seconds >= 0"),
            ("invalid_share", 0 <= self.invalid_share <= 1, "a probability in [0, 1]"),
            ("dashboard_share", 0 <= self.dashboard_share <= 1, "a probability in [0, 1]"),
            *(
                (f"{name}_share", 0 <= share <= 1, "a probability in [0, 1]")
                for name, share in self.family_shares.items()
            ),
            (
                "supervision_share",
                self.dashboard_share + sum(self.family_shares.values()) <= 1 + 1e-9,
                "shares (dashboard_share and the family shares) summing to at most 1",
            ),
            ("ingest_batch", self.ingest_batch >= 1, "events >= 1"),
            (
                "ingest_speed",
                self.ingest_speed is None or self.ingest_speed > 0,
                "a speed factor > 0 (or omit it for as fast as possible)",
            ),
            (
                "ingest_budget_s",
                self.ingest_budget_s > 0 and math.isfinite(self.ingest_budget_s),
                "seconds > 0",
            ),
            ("staleness_ms", self.staleness_ms >= 0, "ms >= 0"),
            ("max_in_flight", self.max_in_flight >= 1, "an integer >= 1"),
        ]
        for name, ok, expected in checks:
            if not ok:
                raise InputError(
                    f"loadtest.{name}: expected {expected}, "
                    f"got {shown_with_type(getattr(self, name))}"
                )
        for endpoint, limits in self.thresholds.latency_ms.items():
            where = f"loadtest.thresholds.latency_ms.{endpoint}"
            if not isinstance(limits, Mapping):
                raise InputError(
                    f"{where}: expected a table of percentiles, got {shown_with_type(limits)}"
                )
            for key, limit in limits.items():
                if key not in _PERCENTILE_KEYS:
                    raise InputError(
                        f"{where}: unknown percentile {key!r}; expected one of "
                        f"{', '.join(_PERCENTILE_KEYS)}"
                    )
                number = isinstance(limit, int | float) and not isinstance(limit, bool)
                if not (number and math.isfinite(limit) and limit > 0):
                    raise InputError(
                        f"{where}.{key}: expected ms > 0, got {shown_with_type(limit)}"
                    )

    @property
    def family_shares(self) -> dict[str, float]:
        """Mapping endpoint name -> share of the seed 000-002 families."""
        return {
            "agent_performance": self.agent_performance_share,
            "report": self.report_share,
            "supervision": self.supervision_share,
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (inverse of :meth:`from_dict`)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> LoadTestConfig:
        """Validate a ``[loadtest]`` table; unknown keys are errors."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(doc) - known)
        if unknown:
            raise InputError(
                f"loadtest: unknown key {unknown[0]!r}; expected {', '.join(sorted(known))}"
            )
        values = dict(doc)
        if values.get("ingest_speed") == "max":
            values["ingest_speed"] = None
        raw = values.pop("thresholds", {}) or {}
        tknown = {f.name for f in fields(Thresholds)}
        tunknown = sorted(set(raw) - tknown)
        if tunknown:
            raise InputError(
                f"loadtest.thresholds: unknown key {tunknown[0]!r}; expected "
                f"{', '.join(sorted(tknown))}"
            )
        try:
            return cls(**values, thresholds=Thresholds(**raw))
        except TypeError as exc:
            raise InputError(f"loadtest: {exc}") from exc


def _check_types(obj: Any, where: str) -> None:
    """Each plain field of the dataclass ``obj`` holds its declared type: TOML strings where
    numbers go (``rate = "100"``), booleans, NaN and infinities are named, not compared."""
    for f in fields(obj):
        kind = _KINDS.get(str(f.type))
        if kind is None:
            continue  # tables (tolerances, thresholds, latency_ms) are checked apart
        value = getattr(obj, f.name)
        expected, ok = kind
        if not ok(value):
            raise InputError(f"{where}.{f.name}: expected {expected}, got {shown_with_type(value)}")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return (_is_int(value) or isinstance(value, float)) and math.isfinite(value)  # type: ignore[arg-type]


#: Field annotation -> (phrase, check) for the plain fields of the config dataclasses.
_KINDS: dict[str, tuple[str, Any]] = {
    "str": ("a string", lambda v: isinstance(v, str)),
    "int": ("an integer", _is_int),
    "float": ("a finite number", _is_number),
    "int | None": ("an integer (or no key)", lambda v: v is None or _is_int(v)),
    "float | None": ("a finite number (or no key)", lambda v: v is None or _is_number(v)),
}
#: Keys that only one workload model uses: given with the other, they would be ignored.
_WORKLOAD_KEYS = {
    "rate": "open",
    "arrival": "open",
    "max_in_flight": "open",
    "think_time_s": "closed",
}


def load_config(path: str | Path | None = None, **overrides: Any) -> LoadTestConfig:
    """The ``[loadtest]`` table of a TOML file (or defaults), with keyword overrides.

    A key only the other workload model uses (``rate``, ``arrival``, ``max_in_flight``
    with the closed model, ``think_time_s`` with the open one) is refused.
    """
    doc: dict[str, Any] = {}
    if path is not None:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise InputError(f"loadtest config {path}: cannot read: {exc}") from exc
        doc = dict(data.get("loadtest", {}))
    doc.update({k: v for k, v in overrides.items() if v is not None})
    workload = doc.get("workload", LoadTestConfig.workload)
    for key, only in _WORKLOAD_KEYS.items():
        if key in doc and workload != only:
            # the other model would ignore it silently (e.g. --workload closed --rate 10)
            raise InputError(
                f"loadtest.{key}: only the {only} workload uses it, but workload is "
                f"{workload!r}; expected no {key} (or workload = {only!r})"
            )
    return LoadTestConfig.from_dict(doc)
