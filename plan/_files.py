"""Output files: atomic writes and CSV numbers rounded to the precision that means something.

Every file is written to a temporary name in its directory and renamed into place, so a
reader (or a crash) never leaves half a file. CSV numbers are rounded by what they
measure (docs/plan.md, "Outputs"): fractions (service level, abandon rate, occupancy,
load, shrinkage) to 4 decimals, times in seconds to 1 decimal, mean counts to 2
decimals; agents and replication counts are integers. An empty cell is a value without
a sample. JSON outputs keep full precision.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from pathlib import Path

from matplotlib.figure import Figure

from ccbench.files import replace_atomically

__all__ = ["csv_number", "csv_text", "save_figure", "write_text"]

_FRACTIONS = ("service_level", "abandon_rate", "occupancy", "load", "shrinkage")


def csv_number(metric: str, value: float | None) -> str:
    """``value`` of ``metric`` (a metric name, or a column named after one) for a CSV cell."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if isinstance(value, int):
        return str(value)
    if any(f in metric for f in _FRACTIONS):
        digits = 4
    elif metric.endswith("_s") or "_s_" in metric:
        digits = 1
    else:
        digits = 2
    text = f"{value:.{digits}f}"
    return "0" + text[2:] if text.startswith("-0") and float(text) == 0 else text


def csv_text(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A CSV document (``\\n`` line ends) with a header row."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def write_text(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically; returns the path."""
    return replace_atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def save_figure(path: Path, figure: Figure) -> Path:
    """Save ``figure`` as a PNG at ``path`` atomically; returns the path."""
    return replace_atomically(path, lambda tmp: figure.savefig(tmp, format="png"))
