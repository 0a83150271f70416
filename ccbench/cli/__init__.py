"""The ``ccbench`` command line: a thin layer over the packages' Python APIs."""

from ._main import main

__all__ = ["main"]
