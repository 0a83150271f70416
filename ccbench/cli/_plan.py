"""``ccbench plan SCENARIO --vary KEY=START:STOP:STEP``: capacity-planning sweeps."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "plan",
        help="what-if sweep with replications, confidence intervals and a staffing pick",
        description="Simulate a grid of scenario variants R times each and report, per point, "
        "the mean and 95%% Student t interval of service level, ASA, abandon rate, occupancy, "
        "load, time to first response and resolution time per skill and overall; recommend "
        "the smallest staffing meeting the scenario's [targets]. Writes summary.csv, "
        "replications.csv, results.json, config.json and plots/*.png (docs/plan.md).",
    )
    p.add_argument("scenario", help="scenario file or name (e.g. erlang_c, surge)")
    p.add_argument(
        "--vary",
        action="append",
        required=True,
        metavar="KEY=START:STOP:STEP",
        help="dotted scenario path and inclusive range, e.g. pools.agent.count=9:13:1, "
        "scale.arrivals=0.8:1.2:0.1, bots.0.containment=0.2:0.5:0.1; repeat for a grid",
    )
    p.add_argument(
        "--replications", "-r", type=int, default=10, help="replications per point (default 10)"
    )
    p.add_argument("--seed", type=int, default=0, help="root seed (default 0)")
    p.add_argument("--days", type=float, help="override the horizon with this many days")
    p.add_argument(
        "--jobs", "-j", type=int, help="local worker processes (default: CPU count; 1 = serial)"
    )
    p.add_argument("--cluster", metavar="ADDRESS", help="Dask scheduler, e.g. tcp://host:8786")
    p.add_argument("--out", help="output directory (default runs/plan-<scenario>)")
    p.add_argument("--warmup-h", type=float, help="hours deleted at the start (default: auto)")
    p.add_argument("--cooldown-h", type=float, help="hours deleted at the end (default: auto)")
    p.add_argument("--sl-target", type=float, help="override targets.service_level (fraction)")
    p.add_argument("--threshold-s", type=float, help="override targets.threshold_s (s)")
    p.add_argument("--confidence", type=float, help="override targets.confidence (0..1)")
    p.add_argument("--max-abandon", type=float, help="override targets.max_abandon_rate")
    p.add_argument("--max-asa-s", type=float, help="override targets.max_asa_s (s)")
    p.add_argument("--no-plots", action="store_true", help="skip the PNG plots")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    bar = Progress(
        "replications",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = bar.add_task("replications", total=None)
    with bar:
        yield lambda done, total: bar.update(task, completed=done, total=total)


def run(args: argparse.Namespace) -> int:
    # Imported here: the planner and simulator load only when this command runs.
    from plan import (
        ServiceTargets,
        make_executor,
        parse_vary,
        recommend,
        run_sweep,
        write_outputs,
        write_plots,
    )
    from sim import load_scenario

    scenario = load_scenario(args.scenario)
    varies = [parse_vary(spec) for spec in args.vary]
    targets = ServiceTargets.of(
        scenario,
        service_level=args.sl_target,
        threshold_s=args.threshold_s,
        confidence=args.confidence,
        max_abandon_rate=args.max_abandon,
        max_asa_s=args.max_asa_s,
    )
    out = Path(args.out) if args.out else Path("runs") / f"plan-{scenario.scenario.name}"
    began = time.perf_counter()
    with (
        make_executor(jobs=args.jobs, cluster=args.cluster) as executor,
        _progress(sys.stderr.isatty() and not args.quiet) as progress,
    ):
        result = run_sweep(
            scenario=scenario,
            varies=varies,
            replications=args.replications,
            executor=executor,
            seed=args.seed,
            days=args.days,
            warmup_s=None if args.warmup_h is None else args.warmup_h * 3600.0,
            cooldown_s=None if args.cooldown_h is None else args.cooldown_h * 3600.0,
            targets=targets,
            progress=progress,
        )
    recommendations = recommend(result)
    files = write_outputs(result, recommendations, out)
    if not args.no_plots:
        files += [p.path for p in write_plots(result, out / "plots")]
    wall = time.perf_counter() - began
    _print_table(result)
    for rec in recommendations:
        cond = ", ".join(f"{k}={v}" for k, v in rec.condition.items())
        where = f" at {cond}" if cond else ""
        if rec.point is None:
            print(f"recommendation{where}: none ({rec.reason})")
        else:
            chosen = ", ".join(f"{k}={v}" for k, v in rec.point.items())
            print(f"recommendation{where}: {chosen} ({rec.staff} agents; {rec.reason})")
    n = len(result.points) * len(result.seeds)
    print(f"{n} replications in {wall:.1f} s; wrote {len(files)} files to {out}", file=sys.stderr)
    return 0


def _print_table(result: Any) -> None:
    """Overall SL, ASA and abandon rate per point, mean [95% CI]."""
    from plan import OVERALL

    def cell(e: Any) -> str:
        if e.low is None:
            return f"{e.mean:.3g}"
        return f"{e.mean:.3g} [{e.low:.3g}, {e.high:.3g}]"

    print("\t".join([*result.keys, "staff", "service_level", "asa_s", "abandon_rate"]))
    for point, staff, est in zip(result.points, result.staff, result.estimates, strict=True):
        overall = est[OVERALL]
        print(
            "\t".join(
                [str(point[k]) for k in result.keys]
                + [str(staff)]
                + [cell(overall[m]) for m in ("service_level", "asa_s", "abandon_rate")]
            )
        )
