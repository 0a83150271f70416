"""Writing a sweep: summary, replication and time-of-day CSVs, a JSON document, the config.

Files in the output directory:

- ``summary.csv``: one row per grid point and scope (all, then skill ids): the varied
  values, staff, then ``<metric>_mean``, ``<metric>_low``, ``<metric>_high``, ``<metric>_n``;
- ``replications.csv``: one row per grid point, replication and scope, raw values;
- ``time_of_day.csv``: one row per grid point, scope and interval of the day;
- ``results.json``: the estimates nested (full precision), plus the recommendations;
- ``config.toml``: the resolved configuration ``ccbench plan --config`` re-runs
  (:mod:`._sweep_config`).

CSV numbers are rounded as :mod:`._files` documents; every file is written atomically.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import ccbench

from ._files import csv_number, csv_text, write_text
from ._interval_metrics import INTERVAL_METRICS
from ._metrics import CAPACITY_METRICS
from ._recommend import Recommendation
from ._stats import Estimate
from ._sweep import SweepResult
from ._sweep_config import SweepConfig
from ._toml_config import dump_toml

__all__ = [
    "config_toml",
    "replications_csv",
    "results_document",
    "summary_csv",
    "time_of_day_csv",
    "write_outputs",
]


def _json_num(x: float | None) -> float | None:
    return None if x is None or math.isnan(x) else x


def summary_csv(result: SweepResult) -> str:
    """The summary table as CSV text (see the module docstring)."""
    header = [*result.keys, "staff", "scope"]
    for m in CAPACITY_METRICS:
        header += [f"{m}_mean", f"{m}_low", f"{m}_high", f"{m}_n"]
    rows = []
    for point, staff, est in zip(result.points, result.staff, result.estimates, strict=True):
        for scope, metrics in est.items():
            row = [str(point[k]) for k in result.keys] + [str(staff), scope]
            for m in CAPACITY_METRICS:
                e = metrics[m]
                row += [csv_number(m, e.mean), csv_number(m, e.low), csv_number(m, e.high)]
                row.append(str(e.n))
            rows.append(row)
    return csv_text(header, rows)


def replications_csv(result: SweepResult) -> str:
    """Every replication's metrics as CSV text."""
    header = [*result.keys, "replication", "seed", "scope", *CAPACITY_METRICS]
    rows = []
    for point, reps in zip(result.points, result.replications, strict=True):
        for r, (seed, metrics) in enumerate(zip(result.seeds, reps, strict=True)):
            for scope, values in metrics.items():
                rows.append(
                    [str(point[k]) for k in result.keys]
                    + [str(r), str(seed), scope]
                    + [csv_number(m, values[m]) for m in CAPACITY_METRICS]
                )
    return csv_text(header, rows)


def time_of_day_csv(result: SweepResult) -> str:
    """Per grid point, scope and interval of the day (local start HH:MM): each interval
    metric's mean, low and high (95%) and n."""
    header = [*result.keys, "staff", "scope", "interval_start"]
    for m in INTERVAL_METRICS:
        header += [f"{m}_mean", f"{m}_low", f"{m}_high", f"{m}_n"]
    rows = []
    for point, staff, tod in zip(result.points, result.staff, result.time_of_day, strict=True):
        for scope, metrics in tod.items():
            for i in range(len(metrics["offered"])):
                start = i * result.interval_s
                row = [str(point[k]) for k in result.keys] + [str(staff), scope]
                row.append(f"{start // 3600:02d}:{start % 3600 // 60:02d}")
                for m in INTERVAL_METRICS:
                    e = metrics[m][i]
                    row += [csv_number(m, e.mean), csv_number(m, e.low), csv_number(m, e.high)]
                    row.append(str(e.n))
                rows.append(row)
    return csv_text(header, rows)


def _estimate(e: Estimate) -> dict[str, Any]:
    return {
        "mean": _json_num(e.mean),
        "low": _json_num(e.low),
        "high": _json_num(e.high),
        "sem": _json_num(e.sem),
        "n": e.n,
    }


def config_toml(result: SweepResult) -> str:
    """The resolved configuration of a sweep as TOML (``ccbench plan --config`` re-runs it)."""
    doc = SweepConfig.of_result(result).document(version=ccbench.__version__, seeds=result.seeds)
    return dump_toml(doc, comment="ccbench plan --config THIS_FILE re-runs this sweep")


def results_document(
    result: SweepResult, recommendations: Sequence[Recommendation]
) -> dict[str, Any]:
    """Estimates per point and scope, plus the recommendations, as a JSON-ready dict."""
    return {
        "keys": list(result.keys),
        "points": [
            {
                "values": point,
                "staff": staff,
                "metrics": {
                    scope: {m: _estimate(e) for m, e in metrics.items()}
                    for scope, metrics in est.items()
                },
            }
            for point, staff, est in zip(result.points, result.staff, result.estimates, strict=True)
        ],
        "recommendations": [r.to_dict() for r in recommendations],
    }


def write_outputs(
    result: SweepResult, recommendations: Sequence[Recommendation], directory: Path
) -> list[Path]:
    """Write the five files (module docstring) into ``directory`` (created); their paths."""
    files = {
        "summary.csv": summary_csv(result),
        "replications.csv": replications_csv(result),
        "time_of_day.csv": time_of_day_csv(result),
        "results.json": json.dumps(results_document(result, recommendations), indent=2) + "\n",
        "config.toml": config_toml(result),
    }
    return [write_text(directory / name, text) for name, text in files.items()]
