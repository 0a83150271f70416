"""plan._plots: a surge what-if over (a scaled-down) retail_day gives plots with the right axes."""

from __future__ import annotations

from pathlib import Path

import pytest

from plan import SerialExecutor, SweepResult, apply_point, parse_vary, run_sweep, write_plots
from sim import Scenario, load_scenario


@pytest.fixture(scope="module")
def surge_sweep() -> SweepResult:
    # surge.toml = retail_day + a x2.5 spike 11:00-13:00. Scaled to 5% of the arrivals and
    # staff and cut at 14:00 so a replication takes about a second: ~1.2k conversations.
    doc = apply_point(
        load_scenario("surge").to_dict(), {"scale.arrivals": 0.05, "scale.staff": 0.05}
    )
    doc["scenario"]["hours"] = 14.0
    return run_sweep(
        scenario=Scenario.from_dict(doc),
        varies=[parse_vary("surges.0.multiplier=1:2.5:1.5")],
        replications=2,
        executor=SerialExecutor(),
    )


def test_surge_plots_are_pngs_with_expected_axes(surge_sweep: SweepResult, tmp_path: Path) -> None:
    """Each metric's PNG is a real PNG; its axes name the varied key and the metric's unit."""
    plots = write_plots(surge_sweep, tmp_path)
    assert [p.metric for p in plots] == [
        "offered", "service_level", "asa_s", "abandon_rate",
        "occupancy", "load", "ttfr_s", "resolution_s", "time_of_day",
    ]  # fmt: skip
    by_metric = {p.metric: p for p in plots}
    for plot in plots:
        assert plot.path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        if plot.metric != "time_of_day":
            (ax,) = plot.figure.axes
            assert ax.get_xlabel() == "surges.0.multiplier"
    sl_ax = by_metric["service_level"].figure.axes[0]
    # retail_day's [targets]: 80% within 60 s.
    assert sl_ax.get_ylabel() == "service level (fraction answered within 60 s)"
    assert by_metric["asa_s"].figure.axes[0].get_ylabel() == "average speed of answer (s)"
    labels = [t.get_text() for t in sl_ax.get_legend().get_texts()]
    # One skill line per human skill of retail_day (10, 11, 12, 13, 15), the one-sided
    # bound the recommendation checks (overall), no Erlang overlay (multi-skill, lognormal
    # times), and the target line.
    assert labels == [
        "all skills",
        "lower bound at 0.95 (all skills)",
        "skill 10",
        "skill 11",
        "skill 12",
        "skill 13",
        "skill 15",
        "target",
    ]
    # The overall line is drawn at the two multipliers with the means as y values.
    xs, ys = sl_ax.get_lines()[0].get_data()
    assert list(xs) == [1.0, 2.5]
    assert list(ys) == [e["all"]["service_level"].mean for e in surge_sweep.estimates]


def test_surge_lowers_service_level_and_raises_waits(surge_sweep: SweepResult) -> None:
    """With the same staff, x2.5 arrivals for two hours answer fewer in time and wait longer."""
    calm, spike = (e["all"] for e in surge_sweep.estimates)
    assert spike["offered"].mean > calm["offered"].mean
    assert spike["service_level"].mean < calm["service_level"].mean
    assert spike["asa_s"].mean > calm["asa_s"].mean


def test_staffing_sweep_shows_agents_bound_and_recommendation(tmp_path: Path) -> None:
    """scale.staff 1.0-1.3 on erlang_c (10 agents), 5 replications of 12 h: x is agents
    (10, 11, 12, 13), the
    service level plot draws the lower bound the recommendation checks and a star at the
    recommended point; time_of_day.png has the three panels."""
    from plan import recommend

    result = run_sweep(
        scenario=load_scenario("erlang_c"),
        varies=[parse_vary("scale.staff=1:1.3:0.1")],
        replications=5,
        executor=SerialExecutor(),
        days=0.5,
    )
    recs = recommend(result)
    plots = {p.metric: p for p in write_plots(result, tmp_path, recs)}
    (ax,) = plots["service_level"].figure.axes
    assert ax.get_xlabel() == "agents (non-manager; varied by scale.staff)"
    assert list(ax.get_lines()[0].get_xdata()) == [10.0, 11.0, 12.0, 13.0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "lower bound at 0.95 (all skills)" in labels
    (rec,) = recs  # 13 agents with seed 0 (12 give a lower bound of 0.73)
    assert rec.staff == 13
    star = next(line for line in ax.get_lines() if line.get_marker() == "*")
    assert list(star.get_xdata()) == [13.0]
    assert "recommended: 13 agents" in labels
    bound = next(line for line in ax.get_lines() if line.get_linestyle() == "-.")
    sl = [e["all"]["service_level"] for e in result.estimates]
    assert list(bound.get_ydata()) == [e.lower_bound(0.95) for e in sl]
    tod = plots["time_of_day"].figure
    assert [a.get_ylabel() for a in tod.axes] == [
        "service level (fraction within 20 s)",
        "average speed of answer (s)",
        "occupancy (fraction of online time)",
    ]
