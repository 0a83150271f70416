"""What the planning commands (``plan``, ``requirement``) share: the service-target
options (their progress bar is :func:`._progress.progress_bar`)."""

from __future__ import annotations

import argparse
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
