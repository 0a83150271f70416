"""``ccbench simulate SCENARIO``: run the simulator, write the log and its manifest."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..eventlog import log_format
from ..files import writable_file
from ..progress import Phases, on_terminal


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "simulate",
        help="simulate a scenario into an event log",
        description="Run a scenario (a TOML file, or a name from scenarios/) and write the "
        "event log (Parquet or NDJSON by suffix) plus a manifest JSON next to it with the "
        "resolved scenario, seed, version, wall time and event counts by kind. The same "
        "scenario and seed give a byte-identical log.",
    )
    p.add_argument("scenario", help="scenario file or name (e.g. smoke, retail_day)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--out", help="output log path (default runs/<name>-<seed>.parquet)")
    p.add_argument("--days", type=float, help="override the horizon with this many days")
    p.add_argument(
        "--engine",
        choices=("auto", "general", "fast"),
        default="auto",
        help="event loop: auto picks the fast path when the scenario allows it",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # Imported here: the simulator is a sibling package; the CLI only loads it when used.
    from sim import load_scenario, simulate, write_result

    scenario = load_scenario(args.scenario)
    out = (
        Path(args.out)
        if args.out
        else Path("runs") / f"{scenario.scenario.name}-{args.seed}.parquet"
    )
    # Refuse an output that cannot be written before the simulation, not after it.
    log_format(out)
    writable_file(out)
    hours = 24.0 * args.days if args.days is not None else scenario.scenario.hours
    with Phases(enabled=on_terminal()) as phases:
        label = f"simulating {scenario.scenario.name} (hours)"
        result = simulate(
            scenario=scenario,
            seed=args.seed,
            days=args.days,
            engine=args.engine,
            progress=(lambda f: phases.update(label, f * hours, hours)) if phases.enabled else None,
        )
        with phases.step(f"writing {out}"):
            log_path, manifest = write_result(result, out)
    print(
        f"{log_path}: {len(result.log)} events, {result.queue.num_rows} conversations "
        f"in {result.wall_s:.2f} s ({result.engine} engine); manifest {manifest}",
        file=sys.stderr,
    )
    return 0
