"""plan._time_of_day_plot: three panels per interval with bands and target lines."""

from __future__ import annotations

import math

from plan import Estimate, ServiceTargets
from plan._time_of_day_plot import Series, time_of_day_figure


def test_panels_draw_each_interval_at_its_midpoint() -> None:
    """Four 6 h intervals are drawn at 3, 9, 15, 21 h; the targets appear as lines."""
    est = [Estimate(0.8 + i / 100, 0.01, 0.78, 0.9, 5) for i in range(4)]
    nan = [Estimate(math.nan, None, None, None, 0)] * 4
    fig = time_of_day_figure(
        series=[Series("x", {"service_level": est, "asa_s": nan, "occupancy": est})],
        interval_s=6 * 3600,
        targets=ServiceTargets(max_asa_s=30, max_occupancy=0.9),
        title="t",
    )
    sl, asa, occ = fig.axes
    assert list(sl.get_lines()[0].get_xdata()) == [3.0, 9.0, 15.0, 21.0]
    assert list(sl.get_lines()[0].get_ydata()) == [e.mean for e in est]
    assert [
        line.get_ydata()[0] for line in (sl.get_lines()[1], asa.get_lines()[1], occ.get_lines()[1])
    ] == [0.8, 30, 0.9]
