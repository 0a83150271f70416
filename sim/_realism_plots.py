"""The realism report's figures (PNG), one per question a planner asks of the traffic.

Figures are built with matplotlib's object API on an Agg canvas (no pyplot
state, no display). Each function takes the report and returns a Figure;
:data:`FIGURES` names them in the order the HTML page shows them.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ._realism import HIST_EDGES_S, Distribution, RealismReport
from ._realism_capacity import CapacityRow

__all__ = ["FIGURES"]


def _figure(rows: int = 1, cols: int = 1, height: float = 3.6) -> tuple[Figure, list[Axes]]:
    fig = Figure(figsize=(9.0, height * rows), layout="tight")
    FigureCanvasAgg(fig)
    axes = fig.subplots(rows, cols, squeeze=False)
    return fig, [ax for row in axes for ax in row]


def _hours(report: RealismReport) -> np.ndarray:
    return np.arange(report.hours) + 0.5


def arrivals(report: RealismReport) -> Figure:
    """Arrivals per hour and channel, against the scenario's expected profile."""
    fig, (ax,) = _figure()
    x = _hours(report)
    for c in report.channels:
        line = ax.step(x - 0.5, c.arrivals_by_hour, where="post", label=f"{c.channel} (observed)")
        if c.expected_by_hour is not None:
            ax.plot(
                x,
                c.expected_by_hour,
                "o--",
                ms=3,
                color=line[0].get_color(),
                alpha=0.7,
                label=f"{c.channel} (expected by the profile)",
            )
    ax.set(
        xlabel="hour from the horizon start",
        ylabel="conversations opened per hour",
        title="Arrivals against the profile",
    )
    ax.legend(fontsize=7)
    return fig


def _histograms(ax: Axes, dists: list[tuple[str, Distribution]], xlabel: str) -> None:
    edges = np.asarray(HIST_EDGES_S[1:])
    for label, d in dists:
        counts = np.asarray(d.histogram[1:], dtype=float)
        if d.count:
            ax.step(edges[:-1], counts / d.count, where="post", label=f"{label} (n={d.count})")
    ax.set_xscale("log")
    ax.set(xlabel=xlabel, ylabel="share per bin (4 bins per decade)")
    ax.legend(fontsize=7)


def waits_and_handle(report: RealismReport) -> Figure:
    """Wait (first human queue to answer) and handle (human segment) distributions."""
    fig, (left, right) = _figure(1, 2)
    _histograms(left, [(c.channel, c.wait) for c in report.channels], "wait (s, log scale)")
    left.set_title("Waits of answered conversations")
    _histograms(right, [(c.channel, c.handle) for c in report.channels], "handle (s, log scale)")
    right.set_title("Human segment lengths")
    return fig


def _capacity(ax: Axes, rows: list[CapacityRow], field: str, title: str) -> None:
    x = np.arange(len(rows[0].occupancy)) + 0.5 if rows else np.zeros(0)
    for r in rows:
        y = [np.nan if v is None else v for v in getattr(r, field)]
        ax.plot(x, y, marker=".", label=r.name)
    ax.set(xlabel="hour from the horizon start", title=title, ylim=(0, None))
    ax.legend(fontsize=7)


def capacity(report: RealismReport) -> Figure:
    """Occupancy and concurrency per pool, time at max slots per pool and per skill."""
    fig, axes = _figure(2, 2)
    _capacity(axes[0], report.pools_capacity, "occupancy", "Occupancy per pool (held / slots)")
    _capacity(axes[1], report.pools_capacity, "concurrency", "Concurrency per pool (held / agent)")
    _capacity(axes[2], report.pools_capacity, "at_max", "Time at max slots per pool")
    _capacity(axes[3], report.skills_capacity, "at_max", "Time at max slots per skill's agents")
    return fig


def abandonment(report: RealismReport) -> Figure:
    """Abandonment rate by hour of first human queue entry, per channel."""
    fig, (ax,) = _figure()
    x = _hours(report)
    for c in report.channels:
        ax.plot(
            x, [np.nan if v is None else v for v in c.abandon_by_hour], marker=".", label=c.channel
        )
    ax.set(
        xlabel="hour of queue entry",
        ylabel="abandoned / queued",
        ylim=(0, None),
        title="Abandonment by hour",
    )
    ax.legend(fontsize=7)
    return fig


def _ccdf(ax: Axes, d: Distribution, label: str) -> None:
    """Share of the sample above each histogram edge (log-log survival curve)."""
    if not d.count:
        return
    above = 1.0 - np.cumsum(np.asarray(d.histogram, dtype=float)) / d.count
    x = np.asarray(HIST_EDGES_S[1:])
    keep = above > 0
    ax.plot(x[keep], above[keep], marker=".", label=label)


def messaging(report: RealismReport) -> Figure:
    """Messaging conversation durations and consumer answer gaps (survival curves)."""
    m = report.messaging
    fig, (left, right) = _figure(1, 2)
    _ccdf(left, m.duration, f"duration (n={m.duration.count})")
    left.axvline(3600, ls=":", color="grey")
    left.set(
        xscale="log",
        yscale="log",
        xlabel="opened to last close (s)",
        ylabel="share longer",
        title="Messaging durations",
    )
    _ccdf(right, m.consumer_gap, f"consumer gap (n={m.consumer_gap.count})")
    right.axvline(900, ls=":", color="grey")
    right.set(
        xscale="log",
        yscale="log",
        xlabel="agent message to consumer answer (s)",
        ylabel="share longer",
        title="Consumer gaps",
    )
    for ax in (left, right):
        ax.legend(fontsize=7)
    return fig


def csat_wait(report: RealismReport) -> Figure:
    """Mean CSAT by wait bin and by number of transfers."""
    o = report.outcomes
    fig, (left, right) = _figure(1, 2)
    for ax, rows, xlabel in (
        (left, o.csat_by_wait, "wait before the first answer"),
        (right, o.csat_by_transfers, "transfers"),
    ):
        labels = [f"{label}\n(n={count})" for label, count, _ in rows]
        ax.bar(labels, [np.nan if m is None else m for _, _, m in rows])
        ax.set(xlabel=xlabel, ylabel="mean CSAT (1-5)", ylim=(1, 5))
        ax.tick_params(axis="x", labelsize=7)
    rho = "n/a" if o.spearman_csat_wait is None else f"{o.spearman_csat_wait:.2f}"
    left.set_title(f"CSAT against wait (Spearman {rho})")
    right.set_title("CSAT against transfers")
    return fig


FIGURES: dict[str, Callable[[RealismReport], Figure]] = {
    "arrivals": arrivals,
    "waits_handle": waits_and_handle,
    "capacity": capacity,
    "abandonment": abandonment,
    "messaging": messaging,
    "csat_wait": csat_wait,
}
