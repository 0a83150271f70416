"""ccbench.progress: phases and bars on a terminal, nothing anywhere else."""

from __future__ import annotations

import io
import re

from rich.console import Console

from ccbench.progress import Phases


def _terminal() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=True, width=140, color_system=None), out


def test_enabled_phases_show_steps_bars_and_eta() -> None:
    """A step shows its label; a bar its done/total, percentage and time remaining."""
    console, out = _terminal()
    with Phases(enabled=True, console=console) as phases:
        with phases.step("reading log.parquet"):
            pass
        phases.update("ingest", 250, 1000)
        phases.update("query", 3, 10)
    text = out.getvalue()
    assert "reading log.parquet" in text
    assert re.search(r"ingest .* 250/1000 .* 25%", text)
    assert re.search(r"query .* 3/10 .* 30%.* eta", text)


def test_disabled_phases_draw_nothing() -> None:
    """Disabled (stderr not a terminal), nothing is written, and the calls still work."""
    console, out = _terminal()
    with Phases(enabled=False, console=console) as phases:
        with phases.step("reading"):
            pass
        phases.update("ingest", 1, 2)
        assert not phases.enabled
    assert out.getvalue() == ""
