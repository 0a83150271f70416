"""ccbench: ground truth, exact metrics and load tests for contact-center metrics backends.

The core package holds the event-log contract (:mod:`ccbench.eventlog`), the
exception tree and the CLI. The simulator (``sim``), oracle (``oracle``),
reference backend (``backend``) and load harness (``loadtest``) are sibling
packages that depend on the contract and not on each other's internals.
"""

from ._errors import (
    CCBenchError,
    EventSchemaError,
    InputError,
    LogFormatError,
    OutputError,
    ParameterError,
    RosterError,
    shown,
    shown_with_type,
)

__version__ = "0.1.0"

__all__ = [
    "CCBenchError",
    "EventSchemaError",
    "InputError",
    "LogFormatError",
    "OutputError",
    "ParameterError",
    "RosterError",
    "__version__",
    "shown",
    "shown_with_type",
]
