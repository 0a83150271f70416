"""``ccbench plan SCENARIO [--vary KEY=START:STOP:STEP]``: capacity-planning sweeps."""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path
from typing import Any

from ..files import writable_folder
from ..progress import Phases, on_terminal
from ._planning import target_overrides


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "plan",
        help="what-if sweep with replications, confidence intervals and a staffing pick",
        description="Simulate a grid of scenario variants R times each (or the scenario "
        "itself without --vary) and report, per point, the mean and 95%% Student t interval "
        "of service level, ASA, abandon rate, occupancy, load, time to first response and "
        "resolution time per skill and overall, and per interval of the day; recommend the "
        "smallest staffing meeting the scenario's [targets]. Writes summary.csv, "
        "replications.csv, time_of_day.csv, results.json, config.toml and plots/*.png; "
        "--config re-runs a config.toml (docs/plan.md).",
    )
    p.add_argument("scenario", nargs="?", help="scenario file or name (e.g. erlang_c, surge)")
    p.add_argument(
        "--vary",
        action="append",
        metavar="KEY=START:STOP:STEP",
        help="dotted scenario path and inclusive range, e.g. pools.agent.count=9:13:1, "
        "scale.arrivals=0.8:1.2:0.1, bots.0.containment=0.2:0.5:0.1; repeat for a grid; "
        "none = the scenario as it is",
    )
    p.add_argument("--config", metavar="FILE", help="re-run a config.toml a sweep wrote")
    p.add_argument("--replications", "-r", type=int, help="replications per point (default 10)")
    p.add_argument("--seed", type=int, help="root seed (default 0)")
    p.add_argument("--days", type=float, help="override the horizon with this many days")
    p.add_argument(
        "--jobs", "-j", type=int, help="local worker processes (default: CPU count; 1 = serial)"
    )
    p.add_argument("--cluster", metavar="ADDRESS", help="Dask scheduler, e.g. tcp://host:8786")
    p.add_argument("--out", help="output directory (default runs/plan-<scenario>)")
    p.add_argument("--warmup-h", type=float, help="hours deleted at the start (default: auto)")
    p.add_argument("--cooldown-h", type=float, help="hours deleted at the end (default: auto)")
    p.add_argument("--interval-min", type=float, help="time-of-day interval, minutes (default 60)")
    p.add_argument("--sl-target", type=float, help="override targets.service_level (fraction)")
    p.add_argument("--threshold-s", type=float, help="override targets.threshold_s (s)")
    p.add_argument("--confidence", type=float, help="override targets.confidence (0..1)")
    p.add_argument("--max-abandon", type=float, help="override targets.max_abandon_rate")
    p.add_argument("--max-asa-s", type=float, help="override targets.max_asa_s (s)")
    p.add_argument("--max-occupancy", type=float, help="override targets.max_occupancy")
    p.add_argument("--no-plots", action="store_true", help="skip the PNG plots")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def _config(args: argparse.Namespace) -> Any:
    """The sweep's configuration: the --config file or SCENARIO, with the options given."""
    from ccbench import ParameterError
    from plan import ServiceTargets, SweepConfig, parse_vary
    from sim import load_scenario

    if args.config is not None:
        if args.scenario is not None:
            raise ParameterError(
                "config", "the config holds its scenario; expected no SCENARIO with --config"
            )
        config = SweepConfig.read(args.config)
    elif args.scenario is None:
        raise ParameterError("scenario", "expected a SCENARIO (file or name) or --config FILE")
    else:
        config = SweepConfig(scenario=load_scenario(args.scenario))
    targets = dataclasses.replace(
        config.targets or ServiceTargets.of(config.scenario), **target_overrides(args)
    )
    return config.with_overrides(
        varies=None if args.vary is None else tuple(parse_vary(s) for s in args.vary),
        replications=args.replications,
        seed=args.seed,
        days=args.days,
        warmup_s=None if args.warmup_h is None else args.warmup_h * 3600.0,
        cooldown_s=None if args.cooldown_h is None else args.cooldown_h * 3600.0,
        targets=targets,
        interval_min=args.interval_min,
    )


def run(args: argparse.Namespace) -> int:
    # Imported here: the planner and simulator load only when this command runs.
    from plan import make_executor, recommend, run_sweep, write_outputs, write_plots

    config = _config(args)
    scenario = config.scenario
    out = Path(args.out) if args.out else Path("runs") / f"plan-{scenario.scenario.name}"
    writable_folder(out)  # refused now, not after every replication ran
    began = time.perf_counter()
    with (
        make_executor(jobs=args.jobs, cluster=args.cluster) as executor,
        Phases(enabled=on_terminal() and not args.quiet) as phases,
    ):
        result = run_sweep(
            scenario=scenario,
            varies=config.varies,
            replications=config.replications,
            executor=executor,
            seed=config.seed,
            days=config.days,
            warmup_s=config.warmup_s,
            cooldown_s=config.cooldown_s,
            targets=config.targets,
            interval_s=config.interval_s,
            progress=lambda done, total: phases.update("replications", done, total),
        )
    recommendations = recommend(result)
    files = write_outputs(result, recommendations, out)
    if not args.no_plots:
        files += [p.path for p in write_plots(result, out / "plots", recommendations)]
    wall = time.perf_counter() - began
    _print_table(result)
    for rec in recommendations:
        cond = ", ".join(f"{k}={v}" for k, v in rec.condition.items())
        where = f" at {cond}" if cond else ""
        if rec.point is None:
            print(f"recommendation{where}: none ({rec.reason})")
        else:
            chosen = ", ".join(f"{k}={v}" for k, v in rec.point.items()) or "the scenario"
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
