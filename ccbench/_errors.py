"""The ccbench exception tree.

Every error ccbench raises on purpose derives from :class:`CCBenchError`, and
each also subclasses the builtin a caller would naturally catch::

    CCBenchError(Exception)
    ├── InputError(CCBenchError, ValueError)      bad input named by field/value/expectation
    │   ├── EventSchemaError                      an event record or column breaks the contract
    │   ├── RosterError                           the roster/configuration document is invalid
    │   └── ParameterError                        a query or command parameter is invalid
    ├── LogFormatError(CCBenchError, OSError)     a file is not a readable ccbench log
    └── OutputError(CCBenchError, OSError)        an output file or folder cannot be written

Messages say what was expected and what arrived, e.g.
``line 7: field 'ts': expected an integer (epoch ms), got '12:00' (str)``.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "CCBenchError",
    "EventSchemaError",
    "InputError",
    "LogFormatError",
    "OutputError",
    "ParameterError",
    "RosterError",
    "shown",
    "shown_with_type",
]


class CCBenchError(Exception):
    """Base class of every error ccbench raises deliberately."""


class InputError(CCBenchError, ValueError):
    """Input that breaks a documented rule; the message names field, value and expectation."""


class EventSchemaError(InputError):
    """An event record (or a column of events) breaks the event-log contract.

    ``line`` is the 1-based line (NDJSON) or row+1 (tables) when known, ``field``
    the offending field.
    """

    def __init__(self, message: str, *, line: int | None = None, field: str | None = None) -> None:
        prefix = f"line {line}: " if line is not None else ""
        super().__init__(prefix + message)
        self.line = line
        self.field = field


class RosterError(InputError):
    """The roster/configuration document is invalid."""


class ParameterError(InputError):
    """A query or command parameter is invalid; ``parameter`` names it."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"parameter {parameter!r}: {message}")
        self.parameter = parameter


class LogFormatError(CCBenchError, OSError):
    """A file could not be read or written as a ccbench event log."""


def shown(value: Any) -> str:
    """A received value for an error message: its repr, cut to 80 characters."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def shown_with_type(value: Any) -> str:
    """Render a received value for an error message: repr (cut) plus its type name."""
    return f"{shown(value)} ({type(value).__name__})"


class OutputError(CCBenchError, OSError):
    """An output file or folder cannot be written: a folder where a file goes, a file
    where a folder goes, no permission, a file system that takes no files."""
