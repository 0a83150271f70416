"""The ccbench simulator: scenario files in, ground-truth event logs out.

:func:`load_scenario` reads and validates a TOML scenario (docs/scenarios.md);
:func:`simulate` runs it with a seed and returns a :class:`SimResult` (the
event log plus per-conversation queue facts and agent segments);
:func:`write_result` writes the log and its manifest. :func:`realism_report`
measures any log the way a planner judges traffic (arrivals against the
profile, waits, occupancy, messaging in time, outcomes against service) and
:func:`write_realism_report` writes it as HTML, JSON and plots.
:mod:`sim.erlang` holds the queueing formulas the simulator is validated
against.
"""

from ._realism import RealismReport, realism_report
from ._realism_page import write_realism_report
from ._run import SimResult, manifest_path, manifest_scenario, simulate, write_result
from ._scenario import SEGMENT_ENDINGS, Scenario, load_scenario

__all__ = [
    "SEGMENT_ENDINGS",
    "RealismReport",
    "Scenario",
    "SimResult",
    "load_scenario",
    "manifest_path",
    "manifest_scenario",
    "realism_report",
    "simulate",
    "write_realism_report",
    "write_result",
]
