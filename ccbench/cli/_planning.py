"""What the planning commands (``plan``, ``requirement``) share: the service-target
options and a replication progress bar on stderr (rich, transient)."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

# option dest -> ServiceTargets field
_TARGET_OPTIONS = {
    "sl_target": "service_level",
    "threshold_s": "threshold_s",
    "confidence": "confidence",
    "max_abandon": "max_abandon_rate",
    "max_asa_s": "max_asa_s",
    "max_occupancy": "max_occupancy",
}


def target_overrides(args: argparse.Namespace) -> dict[str, Any]:
    """The ServiceTargets fields the command line sets (options left out are not set)."""
    return {
        field: getattr(args, dest)
        for dest, field in _TARGET_OPTIONS.items()
        if getattr(args, dest) is not None
    }


@contextmanager
def progress_bar(enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    """Yield ``progress(done, total)`` drawing a bar, or None when ``enabled`` is false."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    bar = Progress(
        "replications",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = bar.add_task("replications", total=None)
    with bar:
        yield lambda done, total: bar.update(task, completed=done, total=total)
