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
