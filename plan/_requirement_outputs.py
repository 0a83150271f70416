"""Writing a requirement run: per-interval CSVs, a JSON document, the resolved config.

Files in the output directory (docs/plan.md, "Requirement outputs"):

- ``requirement.csv``: one row per day, interval and agent group: volume, Erlang and
  simulated agents, their difference (simulated - Erlang), headcounts after shrinkage,
  and the simulated service level, ASA, abandon rate and occupancy (mean, 95% low/high)
  at the simulated requirement, plus the simulated service level at the Erlang staffing;
- ``intervals.csv``: one row per day, interval and skill: the forecast, the Erlang answer
  with its analytic values, and the simulated values (mean, low, high) at the group's
  Erlang staffing (``at_erlang_*``) and at the simulated requirement (``at_requirement_*``);
- ``results.json``: the same, nested, at full precision;
- ``config.toml`` and ``forecast.csv``: the resolved configuration and the forecast it
  names; ``ccbench requirement --config config.toml`` re-runs to identical numbers.

CSV numbers are rounded as :mod:`._files` documents; every file is written atomically.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import ccbench

from ._files import csv_number, csv_text, write_text
from ._requirement import GroupDay, RequirementResult
from ._requirement_config import RequirementConfig, file_sha256
from ._stats import Estimate
from ._toml_config import dump_toml

__all__ = ["intervals_csv", "requirement_csv", "requirement_document", "write_requirement"]

_GROUP_METRICS = ("service_level", "asa_s", "abandon_rate", "occupancy")
_SKILL_METRICS = ("offered", "service_level", "asa_s", "abandon_rate")
_ERLANG = ("service_level", "asa_s", "abandon_rate", "occupancy")


def _cells(metric: str, e: Estimate) -> list[str]:
    return [csv_number(metric, e.mean), csv_number(metric, e.low), csv_number(metric, e.high)]


def _json(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def _estimate(e: Estimate) -> dict[str, Any]:
    return {"mean": _json(e.mean), "low": _json(e.low), "high": _json(e.high), "n": e.n}


def _group_rows(
    result: RequirementResult,
) -> list[tuple[int, str, tuple[str, ...], GroupDay | None]]:
    """Every (day, group) of the run, simulated or not (a group without volume that day)."""
    found = {(g.day, g.group): g for g in result.groups}
    groups: dict[str, tuple[str, ...]] = {}
    for s in result.setups:
        groups[s.group_name] = (*groups.get(s.group_name, ()), s.name)
    return [
        (d, group, skills, found.get((d, group)))
        for d in range(len(result.forecast.days))
        for group, skills in groups.items()
    ]


def requirement_csv(result: RequirementResult) -> str:
    """One row per day, interval and group (module docstring)."""
    f = result.forecast
    header = ["date", "interval_start", "group", "skills", "volume"]
    header += ["erlang_agents", "simulated_agents", "difference", "erlang_headcount", "headcount"]
    for m in _GROUP_METRICS:
        header += [f"{m}_mean", f"{m}_low", f"{m}_high"]
    header += ["at_erlang_service_level_mean", "at_erlang_service_level_low"]
    header += ["at_erlang_service_level_high"]
    rows = []
    for d, group, skills, g in _group_rows(result):
        ks = [f.skills.index(s) for s in skills]
        for i in range(f.intervals_per_day):
            erlang = g.analytic[i] if g else 0
            simulated = g.staffing[i] if g else 0
            row = [str(f.days[d]), f.interval_label(d, i)[11:], group, "+".join(skills)]
            row.append(csv_number("volume", float(f.volume[d, ks, i].sum())))
            row += [str(erlang), str(simulated), str(simulated - erlang)]
            row += [str(result.headcount(erlang)), str(result.headcount(simulated))]
            empty = Estimate(math.nan, None, None, None, 0)
            for m in _GROUP_METRICS:
                row += _cells(m, g.at_staffing["all"][m][i] if g else empty)
            row += _cells("service_level", g.at_analytic["all"]["service_level"][i] if g else empty)
            rows.append(row)
    return csv_text(header, rows)


def intervals_csv(result: RequirementResult) -> str:
    """One row per day, interval and skill (module docstring)."""
    f = result.forecast
    header = ["date", "interval_start", "skill", "group", "channel", "max_slots"]
    header += ["volume", "aht_s", "patience_s", "erlang_model", "erlang_agents"]
    header += [f"erlang_{m}" for m in _ERLANG]
    for at in ("at_erlang", "at_requirement"):
        for m in _SKILL_METRICS:
            header += [f"{at}_{m}_mean", f"{at}_{m}_low", f"{at}_{m}_high"]
    found = {(g.day, g.group): g for g in result.groups}
    rows = []
    for d in range(len(f.days)):
        for i in range(f.intervals_per_day):
            for k, setup in enumerate(result.setups):
                e = result.erlang[d][k][i]
                g = found.get((d, setup.group_name))
                row = [str(f.days[d]), f.interval_label(d, i)[11:], setup.name]
                row += [setup.group_name, setup.channel, str(setup.max_slots)]
                row += [csv_number("volume", float(f.volume[d, k, i]))]
                row += [csv_number("aht_s", float(f.aht_s[d, k, i]))]
                row += [csv_number("patience_s", float(f.patience_s[d, k, i]))]
                row += [e.model, str(e.agents)] + [csv_number(m, getattr(e, m)) for m in _ERLANG]
                for est in (g.at_analytic, g.at_staffing) if g else (None, None):
                    for m in _SKILL_METRICS:
                        value = est[setup.name][m][i] if est else None
                        row += _cells(m, value) if value else ["", "", ""]
                rows.append(row)
    return csv_text(header, rows)


def requirement_document(result: RequirementResult) -> dict[str, Any]:
    """The run's results as a JSON-ready dict (module docstring), full precision."""
    f = result.forecast
    groups = []
    for d, group, skills, g in _group_rows(result):
        intervals = []
        for i in range(f.intervals_per_day):
            erlang = g.analytic[i] if g else 0
            simulated = g.staffing[i] if g else 0
            per_skill = {}
            for s in skills:
                k = f.skills.index(s)
                e = result.erlang[d][k][i]
                per_skill[s] = {
                    "volume": float(f.volume[d, k, i]),
                    "aht_s": _json(float(f.aht_s[d, k, i])),
                    "patience_s": _json(float(f.patience_s[d, k, i])),
                    "erlang": {"model": e.model, "agents": e.agents}
                    | {m: _json(getattr(e, m)) for m in _ERLANG},
                    "at_erlang": {m: _estimate(g.at_analytic[s][m][i]) for m in _SKILL_METRICS}
                    if g
                    else None,
                    "at_requirement": {m: _estimate(g.at_staffing[s][m][i]) for m in _SKILL_METRICS}
                    if g
                    else None,
                }
            intervals.append(
                {
                    "start": f.interval_label(d, i),
                    "erlang_agents": erlang,
                    "simulated_agents": simulated,
                    "difference": simulated - erlang,
                    "erlang_headcount": result.headcount(erlang),
                    "headcount": result.headcount(simulated),
                    "at_requirement": {
                        m: _estimate(g.at_staffing["all"][m][i]) for m in _GROUP_METRICS
                    }
                    if g
                    else None,
                    "skills": per_skill,
                }
            )
        groups.append(
            {
                "date": str(f.days[d]),
                "group": group,
                "skills": list(skills),
                "rounds": g.rounds if g else 0,
                "intervals": intervals,
            }
        )
    return {
        "forecast": {
            "source": f.source,
            "interval_min": f.interval_s / 60,
            "days": [str(x) for x in f.days],
            "skills": list(f.skills),
        },
        "targets": result.targets.to_dict(),
        "shrinkage": result.shrinkage,
        "replications": len(result.seeds),
        "root_seed": result.root_seed,
        "warmup_s": result.warmup_s,
        "cooldown_s": result.cooldown_s,
        "groups": groups,
    }


def write_requirement(
    result: RequirementResult, config: RequirementConfig, directory: Path
) -> list[Path]:
    """Write the files of the module docstring into ``directory`` (created); their paths.

    ``config`` is the run's configuration; its forecast file is copied beside it."""
    data = config.forecast.read_bytes()
    forecast = write_text(directory / "forecast.csv", data.decode("utf-8-sig"))
    resolved = config.with_overrides(
        skills=result.setups, interval_min=result.forecast.interval_s / 60
    )
    doc = resolved.document(
        forecast_name="forecast.csv",
        forecast_sha256=file_sha256(forecast),
        version=ccbench.__version__,
    )
    text = dump_toml(doc, comment="ccbench requirement --config THIS_FILE re-runs this run")
    files = {
        "requirement.csv": requirement_csv(result),
        "intervals.csv": intervals_csv(result),
        "results.json": json.dumps(requirement_document(result), indent=2) + "\n",
        "config.toml": text,
    }
    return [forecast] + [write_text(directory / n, t) for n, t in files.items()]
