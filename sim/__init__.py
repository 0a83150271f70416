"""The ccbench simulator: scenario files in, ground-truth event logs out.

:func:`load_scenario` reads and validates a TOML scenario (docs/scenarios.md);
:func:`simulate` runs it with a seed and returns a :class:`SimResult` (the
event log plus per-conversation queue facts and agent segments);
:func:`write_result` writes the log and its manifest. :mod:`sim.erlang` holds
the queueing formulas the simulator is validated against.
"""

from ._run import SimResult, manifest_path, simulate, write_result
from ._scenario import SEGMENT_ENDINGS, Scenario, load_scenario

__all__ = [
    "SEGMENT_ENDINGS",
    "Scenario",
    "SimResult",
    "load_scenario",
    "manifest_path",
    "simulate",
    "write_result",
]
