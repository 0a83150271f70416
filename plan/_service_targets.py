"""Service targets a staffing must meet: the scenario's ``[targets]`` plus overrides.

Used by the sweep's recommendation and by the per-interval requirement alike.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from ccbench import ParameterError
from sim import Scenario

__all__ = ["ServiceTargets"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceTargets:
    """Service level target (fraction) within ``threshold_s`` (s), met with ``confidence``.

    ``max_abandon_rate`` (fraction, 1 = no target), ``max_asa_s`` (s, None = no target)
    and ``max_occupancy`` (fraction, 1 = no cap) add constraints. Bounds are one-sided
    Student t bounds at ``confidence`` (0.5 compares the means themselves).
    """

    service_level: float = 0.8
    threshold_s: float = 20.0
    confidence: float = 0.95
    max_abandon_rate: float = 1.0
    max_asa_s: float | None = None
    max_occupancy: float = 1.0

    def __post_init__(self) -> None:
        for name in ("service_level", "max_abandon_rate", "max_occupancy"):
            value = getattr(self, name)
            if not 0 <= value <= 1:
                raise ParameterError(name, f"expected a fraction in [0, 1], got {value!r}")
        if not 0 < self.confidence < 1:
            raise ParameterError(
                "confidence", f"expected a level strictly between 0 and 1, got {self.confidence!r}"
            )
        if not self.threshold_s > 0:
            raise ParameterError("threshold_s", f"expected seconds > 0, got {self.threshold_s!r}")
        if self.max_asa_s is not None and not self.max_asa_s > 0:
            raise ParameterError("max_asa_s", f"expected seconds > 0, got {self.max_asa_s!r}")

    @classmethod
    def of(cls, scenario: Scenario, **overrides: Any) -> ServiceTargets:
        """The scenario's targets with the non-None ``overrides`` replacing fields."""
        t = scenario.targets
        base = cls(
            service_level=t.service_level,
            threshold_s=t.threshold_s,
            confidence=t.confidence,
            max_abandon_rate=t.max_abandon_rate,
            max_asa_s=t.max_asa_s,
            max_occupancy=t.max_occupancy,
        )
        return dataclasses.replace(base, **{k: v for k, v in overrides.items() if v is not None})

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Any, *, where: str = "targets") -> ServiceTargets:
        """Targets from a config table; unknown keys and non-numbers are refused."""
        if not isinstance(data, dict):
            raise ParameterError(where, f"expected a table, got {data!r}")
        fields = {f.name for f in dataclasses.fields(cls)}
        for name, value in data.items():
            if name not in fields:
                raise ParameterError(
                    f"{where}.{name}", f"unknown key; expected one of {', '.join(sorted(fields))}"
                )
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ParameterError(f"{where}.{name}", f"expected a number, got {value!r}")
        return cls(**{k: float(v) for k, v in data.items()})
