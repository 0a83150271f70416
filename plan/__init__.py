"""Capacity planning: what-if sweeps over scenario parameters with replications.

:func:`parse_vary` reads ``KEY=START:STOP:STEP`` grid specs; :func:`run_sweep` runs
every grid point R times on any ``concurrent.futures.Executor`` (:func:`make_executor`:
a local process pool, in-process, or a Dask cluster) and summarises each metric per
skill and overall with a Student t interval; :func:`recommend` picks the smallest
staffing meeting the scenario's targets; :func:`write_outputs` and :func:`write_plots`
write CSV/JSON and PNG files. docs/plan.md documents the command and the metrics.
"""

from ._analytic import analytic_metrics, erlang_model
from ._executor import SerialExecutor, make_executor
from ._grid import SCALES, Vary, apply_point, expand_grid, parse_vary
from ._metrics import CAPACITY_METRICS, OVERALL, Window, replication_metrics
from ._outputs import write_outputs
from ._plots import Plot, plot_metric, write_plots
from ._recommend import Recommendation, meets_targets, recommend
from ._service_targets import ServiceTargets
from ._stats import Estimate, estimate
from ._sweep import SweepResult, auto_warmup_s, replication_seeds, run_sweep

__all__ = [
    "CAPACITY_METRICS",
    "OVERALL",
    "SCALES",
    "Estimate",
    "Plot",
    "Recommendation",
    "SerialExecutor",
    "ServiceTargets",
    "SweepResult",
    "Vary",
    "Window",
    "analytic_metrics",
    "apply_point",
    "auto_warmup_s",
    "erlang_model",
    "estimate",
    "expand_grid",
    "make_executor",
    "meets_targets",
    "parse_vary",
    "plot_metric",
    "recommend",
    "replication_metrics",
    "replication_seeds",
    "run_sweep",
    "write_outputs",
    "write_plots",
]
