"""plan._requirement_plots: agents and service level per interval, two PNGs per team and day."""

from __future__ import annotations

from pathlib import Path

from plan import RequirementConfig, RequirementResult, write_requirement_plots
from plan._requirement_plots import requirement_figure


def test_plots_draw_both_requirements(
    small_requirement: tuple[RequirementResult, RequirementConfig], tmp_path: Path
) -> None:
    """The requirement figure's top panel steps through the Erlang, simulated and headcount
    agents; two PNGs per team and day."""
    result, _ = small_requirement
    (g,) = result.groups
    fig = requirement_figure(result, g)
    top = fig.axes[0]
    assert [t.get_text() for t in top.get_legend().get_texts()] == [
        "Erlang C/A, one conversation per agent", "simulated requirement",
        "headcount at shrinkage 0.2",
    ]  # fmt: skip
    names = sorted(p.path.name for p in write_requirement_plots(result, tmp_path))
    assert names == ["requirement_2026-03-02_t.png", "time_of_day_2026-03-02_t.png"]
