"""Time-of-day figures: service level, waits and occupancy per interval with 95% bands.

Shared by the sweep (``time_of_day.png`` of the recommended points) and the requirement
(one figure per day and agent group). Figures use matplotlib's object API on an Agg
canvas (no pyplot state, no display).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ._service_targets import ServiceTargets
from ._stats import Estimate

__all__ = ["PANELS", "Series", "band", "time_of_day_figure"]

# metric -> panel title with unit
PANELS = {
    "service_level": "service level (fraction within {threshold:g} s)",
    "asa_s": "average speed of answer (s)",
    "occupancy": "occupancy (fraction of online time)",
}


@dataclass(frozen=True)
class Series:
    """One line per panel: ``values[metric][i]`` is the estimate of interval i."""

    label: str
    values: dict[str, list[Estimate]]


def band(ax: Axes, xs: Sequence[float], estimates: Sequence[Estimate], **style: object) -> None:
    """Draw the means as a line and the 95% interval as a shaded band of the same colour."""
    mean = [e.mean for e in estimates]
    low = [math.nan if e.low is None else e.low for e in estimates]
    high = [math.nan if e.high is None else e.high for e in estimates]
    (line,) = ax.plot(xs, mean, **style)  # type: ignore[arg-type]
    ax.fill_between(xs, low, high, color=line.get_color(), alpha=0.2, linewidth=0)


def time_of_day_figure(
    *,
    series: Sequence[Series],
    interval_s: int,
    targets: ServiceTargets,
    title: str,
) -> Figure:
    """Three panels (service level, ASA, occupancy) against the interval's start (h)."""
    fig = Figure(figsize=(8.0, 8.0), dpi=100)
    FigureCanvasAgg(fig)
    axes = fig.subplots(len(PANELS), 1, sharex=True)
    for ax, (metric, label) in zip(axes, PANELS.items(), strict=True):
        for s in series:
            values = s.values[metric]
            # Each interval drawn at its midpoint, in hours of the day.
            xs = [(i + 0.5) * interval_s / 3600.0 for i in range(len(values))]
            band(ax, xs, values, marker=".", label=s.label)
        if metric == "service_level":
            ax.axhline(targets.service_level, linestyle=":", color="red", label="target")
        elif metric == "asa_s" and targets.max_asa_s is not None:
            ax.axhline(targets.max_asa_s, linestyle=":", color="red", label="max")
        elif metric == "occupancy" and targets.max_occupancy < 1:
            ax.axhline(targets.max_occupancy, linestyle=":", color="red", label="max")
        ax.set_ylabel(label.format(threshold=targets.threshold_s), fontsize="small")
        ax.grid(True, alpha=0.3)
    axes[0].legend(fontsize="small")
    axes[0].set_title(f"{title} (mean, 95% CI per interval)")
    axes[-1].set_xlabel("time of day (h, interval midpoints)")
    axes[-1].set_xlim(0, 24)
    axes[-1].set_xticks(range(0, 25, 3))
    fig.tight_layout()
    return fig
