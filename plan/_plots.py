"""PNG plots: each metric against the first varied key, with 95% confidence bands.

Figures are built with matplotlib's object API on an Agg canvas (no pyplot state, no
display needed). The x axis is the first varied key; one line per combination of the
other keys, or, with a single key, one line overall plus one per skill. Scenarios that
are M/M/c(+M) queues get the Erlang C/A curve dashed on top; the service level and
abandon rate plots draw the target as a dotted horizontal line.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ._analytic import analytic_metrics, erlang_model
from ._metrics import OVERALL
from ._sweep import SweepResult

__all__ = ["LABELS", "Plot", "plot_metric", "write_plots"]

# metric -> y axis label (with its unit)
LABELS = {
    "offered": "conversations queued in the window (count)",
    "service_level": "service level (fraction answered within threshold)",
    "asa_s": "average speed of answer (s)",
    "abandon_rate": "abandon rate (fraction)",
    "occupancy": "occupancy (fraction of online time)",
    "load": "load (weighted slots / max slots)",
    "ttfr_s": "time to first response (s)",
    "resolution_s": "resolution time (s)",
}


@dataclass(frozen=True)
class Plot:
    """A written plot: its file and the Figure it came from (for inspection in tests)."""

    metric: str
    path: Path
    figure: Figure


def _series(result: SweepResult) -> list[tuple[str, str, list[int]]]:
    """(label, scope, point indices in x order) for every line to draw."""
    x_key, others = result.keys[0], result.keys[1:]
    if not others:
        order = list(range(len(result.points)))
        scopes = result.scopes if len(result.scopes) > 2 else [OVERALL]
        return [(f"skill {s}" if s != OVERALL else "all skills", s, order) for s in scopes]
    groups: dict[tuple[object, ...], list[int]] = {}
    for i, p in enumerate(result.points):
        groups.setdefault(tuple(p[k] for k in others), []).append(i)
    return [
        (
            ", ".join(f"{k}={v}" for k, v in zip(others, values, strict=True)),
            OVERALL,
            sorted(idx, key=lambda j: result.points[j][x_key]),
        )
        for values, idx in groups.items()
    ]


def plot_metric(result: SweepResult, metric: str) -> Figure:
    """One metric's figure (x = first varied key, y = the metric with its CI bands)."""
    fig = Figure(figsize=(7.0, 4.5), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    x_key = result.keys[0]
    horizon = result.scenario.horizon_s if result.days is None else result.days * 86400.0
    for label, scope, idx in _series(result):
        xs = [float(result.points[i][x_key]) for i in idx]
        est = [result.estimates[i][scope][metric] for i in idx]
        mean = [e.mean for e in est]
        low = [math.nan if e.low is None else e.low for e in est]
        high = [math.nan if e.high is None else e.high for e in est]
        (line,) = ax.plot(xs, mean, marker="o", label=label)
        ax.fill_between(xs, low, high, color=line.get_color(), alpha=0.2, linewidth=0)
        if scope != OVERALL and label != "all skills":
            continue
        docs = [result.document(i) for i in idx]
        model = erlang_model(docs[0], horizon_s=horizon)
        if model is None:
            continue
        values = [
            analytic_metrics(d, horizon_s=horizon, threshold_s=result.targets.threshold_s)
            for d in docs
        ]
        ys = [v.get(metric, math.nan) if v else math.nan for v in values]
        if any(math.isfinite(y) for y in ys):
            ax.plot(xs, ys, linestyle="--", color="black", label=f"{model} ({label})")
    t = result.targets
    if metric == "service_level":
        ax.axhline(t.service_level, linestyle=":", color="red", label="target")
    elif metric == "abandon_rate" and t.max_abandon_rate < 1:
        ax.axhline(t.max_abandon_rate, linestyle=":", color="red", label="max")
    elif metric == "asa_s" and t.max_asa_s is not None:
        ax.axhline(t.max_asa_s, linestyle=":", color="red", label="max")
    ax.set_xlabel(x_key)
    if all(isinstance(p[x_key], int) for p in result.points):
        # staffing and other counts: no ticks at 10.5 agents
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    label = LABELS[metric]
    if metric == "service_level":
        label = f"service level (fraction answered within {t.threshold_s:g} s)"
    ax.set_ylabel(label)
    ax.set_title(f"{result.scenario.scenario.name}: {metric} (mean, 95% CI)")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small")
    fig.tight_layout()
    return fig


def write_plots(result: SweepResult, directory: Path) -> list[Plot]:
    """One PNG per metric in ``directory`` (created), named ``<metric>.png``."""
    directory.mkdir(parents=True, exist_ok=True)
    out = []
    for metric in LABELS:
        fig = plot_metric(result, metric)
        path = directory / f"{metric}.png"
        fig.savefig(path, format="png")
        out.append(Plot(metric, path, fig))
    return out
