"""The resolved configuration of a sweep, as the TOML ``ccbench plan --config`` re-runs.

An output folder's ``config.toml`` holds the resolved base scenario (the TOML after
``extends``, as ``[scenario]``), the grid (``[[vary]]`` key and values), replications,
root seed, horizon, warm-up, cool-down, targets and the time-of-day interval: re-running
it gives the same numbers (replication seeds are spawned from the root seed; the
``replication_seeds`` written beside them are for reading, not read back).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ccbench import InputError, ParameterError
from sim import Scenario

from ._grid import Vary
from ._service_targets import ServiceTargets
from ._stats import CI_LEVEL
from ._sweep import SweepResult
from ._toml_config import check_keys, read_toml, typed

__all__ = ["SweepConfig"]

_KEYS = (
    "ccbench_version",
    "command",
    "replications",
    "seed",
    "days",
    "warmup_s",
    "cooldown_s",
    "interval_min",
    "ci_level",
    "replication_seeds",
    "targets",
    "vary",
    "scenario",
)


@dataclass(frozen=True, kw_only=True)
class SweepConfig:
    """Everything a sweep needs besides the executor. None = the command's default (the
    scenario's horizon, automatic warm-up, the scenario's targets)."""

    scenario: Scenario
    varies: tuple[Vary, ...] = ()
    replications: int = 10
    seed: int = 0
    days: float | None = None
    warmup_s: float | None = None
    cooldown_s: float | None = None
    targets: ServiceTargets | None = None
    interval_min: float = 60.0

    @property
    def interval_s(self) -> int:
        seconds = self.interval_min * 60
        if seconds != int(seconds):
            raise ParameterError(
                "interval_min", f"expected whole seconds, got {self.interval_min!r} min"
            )
        return int(seconds)

    def with_overrides(self, **values: Any) -> SweepConfig:
        """A copy with the non-None ``values`` replacing fields."""
        return dataclasses.replace(self, **{k: v for k, v in values.items() if v is not None})

    @classmethod
    def of_result(cls, result: SweepResult) -> SweepConfig:
        """The configuration that reproduces ``result``."""
        varies = tuple(
            Vary(key, tuple(dict.fromkeys(p[key] for p in result.points))) for key in result.keys
        )
        return cls(
            scenario=result.scenario,
            varies=varies,
            replications=len(result.seeds),
            seed=result.root_seed,
            days=result.days,
            warmup_s=result.warmup_s,
            cooldown_s=result.cooldown_s,
            targets=result.targets,
            interval_min=result.interval_s / 60,
        )

    def document(self, *, version: str, seeds: list[int]) -> dict[str, Any]:
        """The TOML-ready resolved configuration (module docstring)."""
        return {
            "ccbench_version": version,
            "command": "plan",
            "replications": self.replications,
            "seed": self.seed,
            "days": self.days,
            "warmup_s": self.warmup_s,
            "cooldown_s": self.cooldown_s,
            "interval_min": self.interval_min,
            "ci_level": CI_LEVEL,
            "replication_seeds": [str(s) for s in seeds],  # TOML integers stop at 2**63 - 1
            "targets": None if self.targets is None else self.targets.to_dict(),
            "vary": [{"key": v.key, "values": list(v.values)} for v in self.varies],
            "scenario": self.scenario.to_dict(),
        }

    @classmethod
    def read(cls, path: str | Path) -> SweepConfig:
        """Read a config written by ``ccbench plan``; ParameterError names a bad key."""
        doc = read_toml(path, what="config")
        where = "config "
        if doc.get("command") != "plan":
            raise ParameterError(
                "config command",
                f"got {doc.get('command')!r}; expected a config written by ccbench plan",
            )
        check_keys(doc, _KEYS, where=where)
        if "scenario" not in doc:
            raise ParameterError("config scenario", "missing; expected the resolved scenario")
        try:
            scenario = Scenario.from_dict(typed(doc, "scenario", dict, where=where))
        except InputError as exc:
            raise InputError(f"config {path}: {exc}") from exc
        values: dict[str, Any] = {"scenario": scenario}
        for key, kind in (
            ("replications", int),
            ("seed", int),
            ("days", (int, float)),
            ("warmup_s", (int, float)),
            ("cooldown_s", (int, float)),
            ("interval_min", (int, float)),
        ):
            if key in doc:
                values[key] = typed(doc, key, kind, where=where)
        if "targets" in doc:
            table = typed(doc, "targets", dict, where=where)
            values["targets"] = ServiceTargets.from_dict(table, where="config targets")
        varies = []
        for i, item in enumerate(typed(doc, "vary", list, where=where) if "vary" in doc else []):
            at = f"config vary[{i}]."
            if not isinstance(item, dict) or set(item) != {"key", "values"}:
                raise ParameterError(f"config vary[{i}]", "expected a table with key and values")
            values_ = typed(item, "values", list, where=at)
            for v in values_:
                if isinstance(v, bool) or not isinstance(v, int | float):
                    raise ParameterError(f"{at}values", f"expected numbers, got {v!r}")
            varies.append(Vary(typed(item, "key", str, where=at), tuple(values_)))
        values["varies"] = tuple(varies)
        return cls(**values)
