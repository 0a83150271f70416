"""PNG plots of a sweep: each metric against the first varied key with 95% bands, and the
time of day of the recommended points.

Figures are built with matplotlib's object API on an Agg canvas (no pyplot state, no
display needed). The x axis is the first varied key, or the agents (non-manager staff)
when that key is a staffing key (``pools.<pool>.count``, ``scale.staff``); one line per
combination of the other keys, or, with a single key, one line overall plus one per skill.
Scenarios that are M/M/c(+M) queues get the Erlang C/A curve dashed on top. Metrics the
recommendation checks draw the overall one-sided bound it uses (dash-dot) and the target
(dotted); recommended points carry a star. With no varied key only ``time_of_day.png``
is drawn.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ._analytic import analytic_metrics, erlang_model
from ._files import save_figure
from ._metrics import OVERALL
from ._recommend import Recommendation, is_staffing_key
from ._service_targets import ServiceTargets
from ._sweep import SweepResult
from ._time_of_day_plot import Series, band, time_of_day_figure

__all__ = ["LABELS", "Plot", "plot_metric", "time_of_day", "write_plots"]

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


def _x(result: SweepResult, index: int) -> float:
    """Where point ``index`` sits on the x axis: agents when the first key is a staffing key."""
    if is_staffing_key(result.keys[0]):
        return float(result.staff[index])
    return float(result.points[index][result.keys[0]])


# metric -> (the one-sided bound the recommendation checks, the target it is checked against)
def _bound_rule(metric: str, t: ServiceTargets) -> tuple[str, float] | None:
    if metric == "service_level":
        return "lower", t.service_level
    if metric == "abandon_rate" and t.max_abandon_rate < 1:
        return "upper", t.max_abandon_rate
    if metric == "asa_s" and t.max_asa_s is not None:
        return "upper", t.max_asa_s
    if metric == "occupancy" and t.max_occupancy < 1:
        return "upper", t.max_occupancy
    return None


def plot_metric(
    result: SweepResult, metric: str, recommendations: Sequence[Recommendation] = ()
) -> Figure:
    """One metric's figure: x = the first varied key (agents for a staffing key), y = the
    metric with its 95% bands; the overall one-sided bound the recommendation uses
    (dash-dot), the target (dotted) and each recommended point (a star)."""
    fig = Figure(figsize=(7.0, 4.5), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    x_key = result.keys[0]
    horizon = result.scenario.horizon_s if result.days is None else result.days * 86400.0
    t = result.targets
    rule = _bound_rule(metric, t)
    for label, scope, idx in _series(result):
        xs = [_x(result, i) for i in idx]
        est = [result.estimates[i][scope][metric] for i in idx]
        band(ax, xs, est, marker="o", label=label)
        if scope != OVERALL and label != "all skills":
            continue
        if rule is not None:
            side, _ = rule
            bounds = [
                e.lower_bound(t.confidence) if side == "lower" else e.upper_bound(t.confidence)
                for e in est
            ]
            ax.plot(
                xs,
                [math.nan if b is None else b for b in bounds],
                linestyle="-.",
                linewidth=1,
                color="gray",
                label=f"{side} bound at {t.confidence:g} ({label})",
            )
        docs = [result.document(i) for i in idx]
        model = erlang_model(docs[0], horizon_s=horizon)
        if model is None:
            continue
        values = [analytic_metrics(d, horizon_s=horizon, threshold_s=t.threshold_s) for d in docs]
        ys = [v.get(metric, math.nan) if v else math.nan for v in values]
        if any(math.isfinite(y) for y in ys):
            ax.plot(xs, ys, linestyle="--", color="black", label=f"{model} ({label})")
    for rec in recommendations:
        if rec.index is not None:
            e = result.estimates[rec.index][OVERALL][metric]
            cond = ", ".join(f"{k}={v}" for k, v in rec.condition.items())
            ax.plot(
                [_x(result, rec.index)],
                [e.mean],
                marker="*",
                markersize=16,
                color="gold",
                markeredgecolor="black",
                linestyle="none",
                label=f"recommended{' at ' + cond if cond else ''}: {rec.staff} agents",
            )
    if rule is not None:
        ax.axhline(
            rule[1], linestyle=":", color="red", label="target" if rule[0] == "lower" else "max"
        )
    if is_staffing_key(x_key):
        ax.set_xlabel(f"agents (non-manager; varied by {x_key})")
    else:
        ax.set_xlabel(x_key)
    if is_staffing_key(x_key) or all(isinstance(p[x_key], int) for p in result.points):
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


def time_of_day(result: SweepResult, recommendations: Sequence[Recommendation] = ()) -> Figure:
    """Service level, ASA and occupancy per interval of the day (overall) for each
    recommended point, or for the last grid point when nothing is recommended."""
    chosen: list[tuple[int, Recommendation | None]] = [
        (r.index, r) for r in recommendations if r.index is not None
    ]
    if not chosen:
        last = len(result.points) - 1
        chosen = [(last, None)]
    series = []
    for index, rec in chosen:
        point = ", ".join(f"{k}={v}" for k, v in result.points[index].items())
        what = "recommended" if rec is not None else "largest grid point"
        label = f"{what}: {point}" if point else "the scenario"
        series.append(
            Series(f"{label} ({result.staff[index]} agents)", result.time_of_day[index][OVERALL])
        )
    return time_of_day_figure(
        series=series,
        interval_s=result.interval_s,
        targets=result.targets,
        title=f"{result.scenario.scenario.name}: time of day",
    )


def write_plots(
    result: SweepResult, directory: Path, recommendations: Sequence[Recommendation] = ()
) -> list[Plot]:
    """``<metric>.png`` per metric (with a varied key) and ``time_of_day.png`` in
    ``directory`` (created)."""
    out = []
    if result.keys:
        for metric in LABELS:
            fig = plot_metric(result, metric, recommendations)
            out.append(Plot(metric, save_figure(directory / f"{metric}.png", fig), fig))
    fig = time_of_day(result, recommendations)
    out.append(Plot("time_of_day", save_figure(directory / "time_of_day.png", fig), fig))
    return out
