"""PNG plots of a requirement run, one pair per forecast day and agent group.

- ``requirement_<date>_<group>.png``: agents per interval (the Erlang answer dashed, the
  simulated requirement solid, the headcount after shrinkage dotted, as steps over each
  interval) above the service level per interval (Erlang's analytic value at its staffing,
  and the simulated value with its 95% band at the Erlang staffing and at the simulated
  requirement, against the target);
- ``time_of_day_<date>_<group>.png``: service level, ASA and occupancy per interval with
  95% bands at the simulated requirement and at the Erlang staffing.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ._files import save_figure
from ._plots import Plot
from ._requirement import GroupDay, RequirementResult
from ._time_of_day_plot import Series, band, time_of_day_figure

__all__ = ["requirement_figure", "write_requirement_plots"]


def _erlang_service_level(result: RequirementResult, g: GroupDay) -> list[float]:
    """The volume-weighted analytic service level of the group's skills per interval."""
    f = result.forecast
    out = []
    for i in range(f.intervals_per_day):
        pairs = [
            (float(f.volume[g.day, k, i]), result.erlang[g.day][k][i].service_level)
            for k in (f.skills.index(s) for s in g.skills)
        ]
        total = sum(v for v, _ in pairs)
        out.append(sum(v * sl for v, sl in pairs) / total if total > 0 else math.nan)
    return out


def requirement_figure(result: RequirementResult, g: GroupDay) -> Figure:
    """Agents and service level per interval of one group on one day (module docstring)."""
    f = result.forecast
    hours = f.interval_s / 3600.0
    edges = np.arange(f.intervals_per_day + 1) * hours
    mids = ((edges[:-1] + edges[1:]) / 2).tolist()
    fig = Figure(figsize=(9.0, 7.0), dpi=100)
    FigureCanvasAgg(fig)
    top, bottom = fig.subplots(2, 1, sharex=True)
    for values, style, label in (
        (
            g.analytic,
            {"linestyle": "--", "color": "black"},
            "Erlang C/A, one conversation per agent",
        ),
        (g.staffing, {"color": "tab:blue"}, "simulated requirement"),
        (
            [result.headcount(n) for n in g.staffing],
            {"linestyle": ":", "color": "tab:green"},
            f"headcount at shrinkage {result.shrinkage:g}",
        ),
    ):
        top.stairs(values, edges, label=label, **style)
    top.set_ylabel("agents")
    top.set_title(f"{g.group} ({'+'.join(g.skills)}) on {f.days[g.day]}: requirement per interval")
    top.legend(fontsize="small")
    top.grid(True, alpha=0.3)
    bottom.plot(mids, _erlang_service_level(result, g), "k--", label="Erlang value at its staffing")
    band(
        bottom,
        mids,
        g.at_analytic["all"]["service_level"],
        marker=".",
        label="simulated at Erlang staffing",
    )
    band(
        bottom,
        mids,
        g.at_staffing["all"]["service_level"],
        marker=".",
        label="simulated at requirement",
    )
    bottom.axhline(result.targets.service_level, linestyle=":", color="red", label="target")
    bottom.set_ylabel(f"service level (within {result.targets.threshold_s:g} s)")
    bottom.set_xlabel("time of day (h)")
    bottom.set_xlim(0, 24)
    bottom.set_xticks(range(0, 25, 3))
    bottom.legend(fontsize="small")
    bottom.grid(True, alpha=0.3)
    fig.tight_layout()
    return fig


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "group"


def write_requirement_plots(result: RequirementResult, directory: Path) -> list[Plot]:
    """The two PNGs per simulated day and group (module docstring) in ``directory``."""
    out = []
    for g in result.groups:
        stem = f"{result.forecast.days[g.day]}_{_slug(g.group)}"
        fig = requirement_figure(result, g)
        out.append(
            Plot("requirement", save_figure(directory / f"requirement_{stem}.png", fig), fig)
        )
        fig = time_of_day_figure(
            series=[
                Series("at the simulated requirement", g.at_staffing["all"]),
                Series("at the Erlang staffing", g.at_analytic["all"]),
            ],
            interval_s=result.forecast.interval_s,
            targets=result.targets,
            title=f"{g.group} on {result.forecast.days[g.day]}",
        )
        out.append(
            Plot("time_of_day", save_figure(directory / f"time_of_day_{stem}.png", fig), fig)
        )
    return out
