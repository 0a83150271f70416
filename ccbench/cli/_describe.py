"""``ccbench describe LOG``: the realism report of a log (HTML, JSON and plots)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..eventlog import read_log


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "describe",
        help="write the realism report of an event log",
        description="Statistics a planner judges traffic by, from any event log (simulated or "
        "imported): arrivals per hour and channel (against the scenario's profile when the "
        "log has a simulator manifest next to it), waits, handle times, occupancy and "
        "concurrency by hour per pool and skill, abandonment by hour, messaging durations and "
        "consumer gaps, CSAT against wait, sales by skill. Writes realism.html, realism.json "
        "and plots/*.png (docs/scenarios.md, Realism report).",
    )
    p.add_argument("log", help="event log (.parquet or .ndjson)")
    p.add_argument("--out", help="output directory (default: <log name>-realism next to the log)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # Imported here: the simulator is a sibling package; the CLI only loads it when used.
    from sim import manifest_scenario, realism_report, write_realism_report

    path = Path(args.log)
    log = read_log(path)
    report = realism_report(log, scenario=manifest_scenario(path))
    out = Path(args.out) if args.out else path.with_name(f"{path.stem}-realism")
    paths = write_realism_report(report, out, title=f"Realism report: {path.name}")
    for c in report.channels:
        print(
            f"{c.channel}: {c.conversations} conversations, wait p50 {c.wait.p50 or 0:.0f} s, "
            f"abandoned {100 * (c.abandon_rate or 0):.1f} %, handle p50 {c.handle.p50 or 0:.0f} s"
        )
    m, o = report.messaging, report.outcomes
    if m.over_1h_share is not None:
        print(
            f"messaging: {100 * m.over_1h_share:.1f} % last over 1 h, "
            f"{100 * (m.auto_closed_share or 0):.1f} % auto-closed, "
            f"{100 * (m.gap_over_15min_share or 0):.1f} % of consumer gaps over 15 min"
        )
    if o.spearman_csat_wait is not None:
        print(f"outcomes: {o.surveys} surveys, Spearman(CSAT, wait) {o.spearman_csat_wait:.3f}")
    print(f"{out}: {len(paths)} files (realism.html, realism.json, plots/)", file=sys.stderr)
    return 0
