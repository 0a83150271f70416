"""Capacity planning: what-if sweeps and per-interval staff requirements from a forecast.

Sweeps: :func:`parse_vary` reads ``KEY=START:STOP:STEP`` grid specs; :func:`run_sweep`
runs every grid point R times on any ``concurrent.futures.Executor`` (:func:`make_executor`:
a local process pool, in-process, or a Dask cluster) and summarises each metric per skill
and overall with a Student t interval; :func:`recommend` picks the smallest staffing
meeting the :class:`ServiceTargets`; :func:`write_outputs` and :func:`write_plots` write
CSV/JSON/TOML and PNG files; :class:`SweepConfig` re-reads the resolved config.

Requirements: :func:`read_forecast` checks a planner's forecast CSV; :func:`run_requirement`
gives per interval the Erlang C/A answer (:func:`erlang_staffing`), the simulated
requirement with confidence intervals and the headcount after shrinkage;
:func:`write_requirement` and :func:`write_requirement_plots` write it;
:class:`RequirementConfig` is its TOML configuration. docs/plan.md documents both.
"""

from ._analytic import analytic_metrics, erlang_model
from ._erlang_staffing import ErlangStaffing, erlang_staffing
from ._executor import SerialExecutor, make_executor
from ._forecast import Forecast, parse_forecast, read_forecast
from ._forecast_scenario import SkillSetup
from ._grid import SCALES, Vary, apply_point, expand_grid, parse_vary
from ._interval_metrics import INTERVAL_METRICS, IntervalGrid, interval_metrics
from ._metrics import CAPACITY_METRICS, OVERALL, Window, replication_metrics
from ._outputs import write_outputs
from ._plots import Plot, plot_metric, write_plots
from ._recommend import Recommendation, meets_targets, recommend
from ._requirement import GroupDay, RequirementResult, headcount, run_requirement
from ._requirement_config import REQUIREMENT_TARGETS, RequirementConfig
from ._requirement_outputs import write_requirement
from ._requirement_plots import write_requirement_plots
from ._service_targets import ServiceTargets
from ._stats import Estimate, estimate
from ._sweep import SweepResult, auto_warmup_s, replication_seeds, run_sweep
from ._sweep_config import SweepConfig

__all__ = [
    "CAPACITY_METRICS",
    "INTERVAL_METRICS",
    "OVERALL",
    "REQUIREMENT_TARGETS",
    "SCALES",
    "ErlangStaffing",
    "Estimate",
    "Forecast",
    "GroupDay",
    "IntervalGrid",
    "Plot",
    "Recommendation",
    "RequirementConfig",
    "RequirementResult",
    "SerialExecutor",
    "ServiceTargets",
    "SkillSetup",
    "SweepConfig",
    "SweepResult",
    "Vary",
    "Window",
    "analytic_metrics",
    "apply_point",
    "auto_warmup_s",
    "erlang_model",
    "erlang_staffing",
    "estimate",
    "expand_grid",
    "headcount",
    "interval_metrics",
    "make_executor",
    "meets_targets",
    "parse_forecast",
    "parse_vary",
    "plot_metric",
    "read_forecast",
    "recommend",
    "replication_metrics",
    "replication_seeds",
    "run_requirement",
    "run_sweep",
    "write_outputs",
    "write_plots",
    "write_requirement",
    "write_requirement_plots",
]
