"""``ccbench requirement FORECAST``: staff required per interval, Erlang and simulated."""

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
        "requirement",
        help="staff required per interval from a forecast: Erlang C/A and simulated",
        description="Read a forecast CSV (volume and AHT per interval and skill) and give, "
        "per interval, the Erlang C/A agents, the simulated requirement (slots, abandonment, "
        "pooling across skills) with 95%% confidence intervals from replications, and the "
        "headcount after shrinkage. Writes requirement.csv, intervals.csv, results.json, "
        "config.toml, forecast.csv and plots/*.png; --config re-runs a config.toml "
        "(docs/plan.md).",
    )
    p.add_argument("forecast", nargs="?", help="forecast CSV (docs/plan.md, Forecast file)")
    p.add_argument(
        "--config", metavar="FILE", help="a requirement config TOML (or one a run wrote)"
    )
    p.add_argument(
        "--channel",
        action="append",
        metavar="SKILL=CHANNEL",
        help="channel of a skill: call, chat or messaging (default: the skill's name if it "
        "is a channel, else call)",
    )
    p.add_argument(
        "--slots", action="append", metavar="SKILL=N", help="concurrent conversations per agent"
    )
    p.add_argument(
        "--pool",
        action="append",
        metavar="GROUP=SKILL,SKILL",
        help="skills whose agents are shared (one group serving all of them)",
    )
    p.add_argument("--interval-min", type=float, help="interval length (default: inferred)")
    p.add_argument("--sl-target", type=float, help="service level target (default 0.8)")
    p.add_argument("--threshold-s", type=float, help="service level threshold, s (default 20)")
    p.add_argument("--max-asa-s", type=float, help="largest ASA, s (default: none)")
    p.add_argument("--max-abandon", type=float, help="largest abandon rate (default 1: none)")
    p.add_argument("--max-occupancy", type=float, help="largest occupancy (default 1: none)")
    p.add_argument(
        "--confidence",
        type=float,
        help="one-sided confidence the simulated targets are met with (default 0.5: means)",
    )
    p.add_argument("--shrinkage", type=float, help="share of paid time off the floor, [0, 1)")
    p.add_argument("--replications", "-r", type=int, help="replications per round (default 10)")
    p.add_argument("--seed", type=int, help="root seed (default 0)")
    p.add_argument("--warmup-h", type=float, help="hours simulated before midnight (default 2)")
    p.add_argument("--cooldown-h", type=float, help="hours simulated after the day (default 1)")
    p.add_argument(
        "--jobs", "-j", type=int, help="local worker processes (default: CPU count; 1 = serial)"
    )
    p.add_argument("--cluster", metavar="ADDRESS", help="Dask scheduler, e.g. tcp://host:8786")
    p.add_argument("--out", help="output directory (default runs/requirement-<forecast name>)")
    p.add_argument("--no-plots", action="store_true", help="skip the PNG plots")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def _pairs(option: str, specs: list[str] | None) -> dict[str, str]:
    from ccbench import ParameterError

    out: dict[str, str] = {}
    for spec in specs or []:
        name, sep, value = spec.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise ParameterError(option, f"expected NAME=VALUE, got {spec!r}")
        out[name.strip()] = value.strip()
    return out


def _skills(args: argparse.Namespace, given: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """The config's skill setups with --channel, --slots and --pool applied (None: none given)."""
    from ccbench import ParameterError
    from plan import SkillSetup

    channels = _pairs("channel", args.channel)
    slots = _pairs("slots", args.slots)
    groups: dict[str, str] = {}
    for group, members in _pairs("pool", args.pool).items():
        for skill in (m.strip() for m in members.split(",")):
            if skill in groups:
                raise ParameterError("pool", f"skill {skill!r} is in two pools; expected one")
            groups[skill] = group
    if not (channels or slots or groups):
        return None
    setups = {s.name: s for s in given}
    for name in [*channels, *slots, *groups]:
        setups.setdefault(name, SkillSetup.default(name))
    for name, setup in setups.items():
        changes: dict[str, Any] = {}
        if name in channels:
            changes["channel"] = channels[name]
        if name in slots:
            try:
                changes["max_slots"] = int(slots[name])
            except ValueError:
                raise ParameterError(
                    "slots", f"{name}={slots[name]!r}: expected an integer >= 1"
                ) from None
        if name in groups:
            changes["group"] = groups[name]
        setups[name] = dataclasses.replace(setup, **changes)
    return tuple(setups.values())


def _config(args: argparse.Namespace) -> tuple[Any, tuple[str, ...] | None]:
    """The run's configuration, and the skills a config file limits the forecast to."""
    from ccbench import ParameterError
    from plan import REQUIREMENT_TARGETS, RequirementConfig

    known: tuple[str, ...] | None = None
    if args.config is not None:
        config = RequirementConfig.read(args.config)
        if config.skills:  # a config that sets skills up names all the forecast may hold
            known = tuple(s.name for s in config.skills)
        if args.forecast is not None:
            config = dataclasses.replace(config, forecast=Path(args.forecast), forecast_sha256=None)
    elif args.forecast is None:
        raise ParameterError("forecast", "expected a FORECAST csv or --config FILE")
    else:
        config = RequirementConfig(forecast=Path(args.forecast))
    targets = dataclasses.replace(config.targets or REQUIREMENT_TARGETS, **target_overrides(args))
    config = config.with_overrides(
        skills=_skills(args, config.skills),
        targets=targets,
        interval_min=args.interval_min,
        shrinkage=args.shrinkage,
        replications=args.replications,
        seed=args.seed,
        warmup_h=args.warmup_h,
        cooldown_h=args.cooldown_h,
    )
    return config, known


def run(args: argparse.Namespace) -> int:
    # Imported here: the planner and simulator load only when this command runs.
    from plan import (
        make_executor,
        read_forecast,
        run_requirement,
        write_requirement,
        write_requirement_plots,
    )

    config, known = _config(args)
    config.check_forecast()
    forecast = read_forecast(config.forecast, interval_s=config.interval_s, skills=known)
    out = Path(args.out) if args.out else Path("runs") / f"requirement-{config.forecast.stem}"
    writable_folder(out)  # refused now, not after every replication ran
    began = time.perf_counter()
    with (
        make_executor(jobs=args.jobs, cluster=args.cluster) as executor,
        Phases(enabled=on_terminal() and not args.quiet) as phases,
    ):
        result = run_requirement(
            forecast=forecast,
            targets=config.targets,
            executor=executor,
            setups=config.skills,
            shrinkage=config.shrinkage,
            replications=config.replications,
            seed=config.seed,
            warmup_s=config.warmup_h * 3600.0,
            cooldown_s=config.cooldown_h * 3600.0,
            progress=lambda done, total: phases.update("replications", done, total),
        )
    files = write_requirement(result, config, out)
    if not args.no_plots:
        files += [p.path for p in write_requirement_plots(result, out / "plots")]
    wall = time.perf_counter() - began
    _print_summary(result)
    rounds = sum(g.rounds for g in result.groups)
    print(
        f"{rounds} rounds of {len(result.seeds)} replications in {wall:.1f} s; "
        f"wrote {len(files)} files to {out}",
        file=sys.stderr,
    )
    return 0


def _print_summary(result: Any) -> None:
    """Per day and group: agent-hours Erlang vs simulated, the largest differences."""
    hours = result.forecast.interval_s / 3600.0
    print("date\tgroup\tskills\terlang_agent_h\tsimulated_agent_h\theadcount_h\tlargest_difference")
    for g in result.groups:
        diffs = [s - a for s, a in zip(g.staffing, g.analytic, strict=True)]
        worst = max(range(len(diffs)), key=lambda i: abs(diffs[i]))
        label = result.forecast.interval_label(g.day, worst)[11:]
        print(
            "\t".join(
                [
                    str(result.forecast.days[g.day]),
                    g.group,
                    "+".join(g.skills),
                    f"{sum(g.analytic) * hours:g}",
                    f"{sum(g.staffing) * hours:g}",
                    f"{sum(result.headcount(n) for n in g.staffing) * hours:g}",
                    f"{diffs[worst]:+d} agents at {label}",
                ]
            )
        )
