"""The cores this process may run on: the default number of worker processes.

One rule for every command that shares work among processes (``ccbench export`` and
``ccbench import``'s ``--jobs``, the load harness's verification pool): all the cores the
operating system lets this process use, which an affinity mask (``taskset``, a
container's cpuset) may make fewer than the machine has.
"""

from __future__ import annotations

import os

__all__ = ["usable_cores"]


def usable_cores() -> int:
    """How many cores this process may run on (at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # no affinity masks outside Linux
        return max(1, os.cpu_count() or 1)
