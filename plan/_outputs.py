"""Writing a sweep: summary and replication CSVs, a JSON document, the resolved config.

Files in the output directory:

- ``summary.csv``: one row per grid point and scope (all, then skill ids): the varied
  values, staff, then ``<metric>_mean``, ``<metric>_low``, ``<metric>_high``, ``<metric>_n``;
- ``replications.csv``: one row per grid point, replication and scope, raw values;
- ``results.json``: the same estimates nested, plus the recommendations;
- ``config.json``: everything needed to rerun: ccbench version, resolved scenario,
  grid, replications, root seed and per-replication seeds, days, warm-up, targets.

Floats are written with 17 significant digits, so equal results give equal files.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import ccbench

from ._metrics import CAPACITY_METRICS
from ._recommend import Recommendation
from ._stats import Estimate
from ._sweep import SweepResult

__all__ = [
    "config_document",
    "replications_csv",
    "results_document",
    "summary_csv",
    "write_outputs",
]


def _num(x: float | None) -> str:
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.17g}"


def _json_num(x: float | None) -> float | None:
    return None if x is None or math.isnan(x) else x


def _csv(header: list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


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
                row += [_num(e.mean), _num(e.low), _num(e.high), str(e.n)]
            rows.append(row)
    return _csv(header, rows)


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
                    + [_num(values[m]) for m in CAPACITY_METRICS]
                )
    return _csv(header, rows)


def _estimate(e: Estimate) -> dict[str, Any]:
    return {
        "mean": _json_num(e.mean),
        "low": _json_num(e.low),
        "high": _json_num(e.high),
        "sem": _json_num(e.sem),
        "n": e.n,
    }


def config_document(result: SweepResult) -> dict[str, Any]:
    """The resolved configuration of a sweep (enough to reproduce it)."""
    return {
        "ccbench_version": ccbench.__version__,
        "scenario": result.scenario.to_dict(),
        "grid": {k: sorted({p[k] for p in result.points}) for k in result.keys},
        "points": len(result.points),
        "replications": len(result.seeds),
        "root_seed": result.root_seed,
        "replication_seeds": result.seeds,
        "days": result.days,
        "warmup_s": result.warmup_s,
        "cooldown_s": result.cooldown_s,
        "targets": result.targets.to_dict(),
        "ci_level": 0.95,
    }


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
    """Write the four files (module docstring) into ``directory`` (created); their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    files = {
        "summary.csv": summary_csv(result),
        "replications.csv": replications_csv(result),
        "results.json": json.dumps(results_document(result, recommendations), indent=2) + "\n",
        "config.json": json.dumps(config_document(result), indent=2, sort_keys=True) + "\n",
    }
    paths = []
    for name, text in files.items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
