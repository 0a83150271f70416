"""The configuration of a requirement run, as a TOML file ``ccbench requirement --config`` reads.

A planner writes one (docs/plan.md, "Configuration file"; examples/requirement.toml) or
takes the resolved one a run writes to its output folder, which names the forecast copy
beside it and its SHA-256, so re-running it gives identical numbers::

    forecast = "forecast.csv"      # path relative to this file
    interval_min = 30              # optional: default inferred from the forecast
    shrinkage = 0.3                # fraction of paid time not on the phones, [0, 1)
    replications = 10              # per round, >= 2
    seed = 0
    warmup_h = 2.0                 # rounded up to whole intervals
    cooldown_h = 1.0
    [targets]                      # as the scenario [targets] table
    service_level = 0.8
    [[skills]]                     # optional, one per forecast skill to set up
    name = "chat"
    channel = "chat"
    max_slots = 3
    group = ""                     # skills with the same group share agents
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ccbench import InputError, ParameterError

from ._forecast_scenario import SkillSetup
from ._service_targets import ServiceTargets
from ._toml_config import check_keys, read_toml, typed

__all__ = ["REQUIREMENT_TARGETS", "RequirementConfig", "file_sha256"]

# The requirement compares means unless asked for a margin (docs/plan.md, "Confidence").
REQUIREMENT_TARGETS = ServiceTargets(confidence=0.5)

_KEYS = (
    "ccbench_version",
    "command",
    "forecast",
    "forecast_sha256",
    "interval_min",
    "shrinkage",
    "replications",
    "seed",
    "warmup_h",
    "cooldown_h",
    "targets",
    "skills",
)
_SKILL_KEYS = ("name", "channel", "max_slots", "group")


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True, kw_only=True)
class RequirementConfig:
    """Everything a requirement run needs besides the executor (units in the field names)."""

    forecast: Path
    forecast_sha256: str | None = None
    interval_min: float | None = None
    skills: tuple[SkillSetup, ...] = ()
    targets: ServiceTargets = REQUIREMENT_TARGETS
    shrinkage: float = 0.0
    replications: int = 10
    seed: int = 0
    warmup_h: float = 2.0
    cooldown_h: float = 1.0

    @property
    def interval_s(self) -> int | None:
        """The pinned interval length (s), or None to infer it from the forecast."""
        if self.interval_min is None:
            return None
        seconds = self.interval_min * 60
        if not seconds > 0 or seconds != math.floor(seconds):
            raise ParameterError(
                "interval_min", f"expected whole seconds > 0, got {self.interval_min!r} min"
            )
        return int(seconds)

    def with_overrides(self, **values: Any) -> RequirementConfig:
        """A copy with the non-None ``values`` replacing fields."""
        return dataclasses.replace(self, **{k: v for k, v in values.items() if v is not None})

    def check_forecast(self) -> None:
        """InputError when the forecast file changed since the config was written."""
        if self.forecast_sha256 is None:
            return
        try:
            digest = file_sha256(self.forecast)
        except OSError as exc:
            raise InputError(f"forecast {self.forecast}: cannot read file: {exc}") from exc
        if digest != self.forecast_sha256:
            raise InputError(
                f"forecast {self.forecast}: its SHA-256 is {digest}, the config names "
                f"{self.forecast_sha256}; expected the forecast the config was written with"
            )

    @classmethod
    def read(cls, path: str | Path) -> RequirementConfig:
        """Read a config file (module docstring); ParameterError names a bad key."""
        doc = read_toml(path, what="config")
        if doc.get("command", "requirement") != "requirement":
            raise ParameterError(
                "config command",
                f"this is a {doc['command']!r} config; expected one written by ccbench requirement",
            )
        check_keys(doc, _KEYS, where="config ")
        if "forecast" not in doc:
            raise ParameterError("config forecast", "missing; expected the forecast CSV path")
        where = "config "
        values: dict[str, Any] = {
            "forecast": Path(path).parent / typed(doc, "forecast", str, where=where)
        }
        for key, kind in (
            ("forecast_sha256", str),
            ("interval_min", (int, float)),
            ("shrinkage", (int, float)),
            ("replications", int),
            ("seed", int),
            ("warmup_h", (int, float)),
            ("cooldown_h", (int, float)),
        ):
            if key in doc:
                values[key] = typed(doc, key, kind, where=where)
        if "targets" in doc:
            table = {**REQUIREMENT_TARGETS.to_dict()}
            table = {k: v for k, v in table.items() if v is not None}
            given = typed(doc, "targets", dict, where=where)
            values["targets"] = ServiceTargets.from_dict({**table, **given}, where="config targets")
        skills = []
        for i, item in enumerate(
            typed(doc, "skills", list, where=where) if "skills" in doc else []
        ):
            at = f"config skills[{i}]."
            if not isinstance(item, dict) or "name" not in item:
                raise ParameterError(f"config skills[{i}]", "expected a table with a name")
            check_keys(item, _SKILL_KEYS, where=at)
            kinds = {"name": str, "channel": str, "max_slots": int, "group": str}
            skills.append(SkillSetup(**{k: typed(item, k, kinds[k], where=at) for k in item}))
        values["skills"] = tuple(skills)
        return cls(**values)

    def document(self, *, forecast_name: str, forecast_sha256: str, version: str) -> dict[str, Any]:
        """The resolved config as a TOML-ready dict naming the forecast copy ``forecast_name``."""
        return {
            "ccbench_version": version,
            "command": "requirement",
            "forecast": forecast_name,
            "forecast_sha256": forecast_sha256,
            "interval_min": self.interval_min,
            "shrinkage": self.shrinkage,
            "replications": self.replications,
            "seed": self.seed,
            "warmup_h": self.warmup_h,
            "cooldown_h": self.cooldown_h,
            "targets": self.targets.to_dict(),
            "skills": [
                {"name": s.name, "channel": s.channel, "max_slots": s.max_slots, "group": s.group}
                for s in self.skills
            ],
        }
