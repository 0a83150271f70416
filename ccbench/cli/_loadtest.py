"""``ccbench loadtest``: replay a log into a backend, query it under load, verify, judge.

Exit codes are the load harness's bit flags (docs/loadtest.md): 0 pass,
1 harness failure, 4 latency, 8 errors, 16 mismatches, 32 freshness,
64 rate; combinations add up. 2 is bad usage or input (or a target the
pre-run check refuses); 128 + the signal (130 SIGINT, 143 SIGTERM) a run
stopped by a signal, after writing its reports.
"""

from __future__ import annotations

import argparse
import signal
import sys
from typing import Any, TypeVar

from ..progress import Phases, on_terminal

T = TypeVar("T")


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "loadtest",
        help="measure a metrics backend's accuracy and latency under load",
        description="Ingest an event log into a backend, query it with Locust (closed or open "
        "workload), verify every answer against the oracle and apply the thresholds of the "
        "config's [loadtest] table. Writes summary.json, junit.xml and report.html.",
    )
    p.add_argument("--log", required=True, help="event log (.parquet or .ndjson)")
    p.add_argument("--target", help="base URL (overrides the mapping's)")
    p.add_argument("--mapping", help="target mapping TOML (default: the reference backend's)")
    p.add_argument("--config", help="TOML file with a [loadtest] table (settings, thresholds)")
    p.add_argument("--out", default="loadtest-out", help="output directory (default %(default)s)")
    p.add_argument("--processes", type=int, default=1, help="Locust processes (default 1)")
    p.add_argument("--mode", choices=("deterministic", "live"), help="override loadtest.mode")
    p.add_argument("--workload", choices=("closed", "open"), help="override loadtest.workload")
    p.add_argument("--arrival", choices=("constant", "poisson"), help="override loadtest.arrival")
    p.add_argument("--rate", type=float, help="open model: requests/s in total")
    p.add_argument("--users", type=int, help="closed model users / open model streams")
    p.add_argument("--duration", type=float, dest="duration_s", help="query phase seconds")
    p.add_argument("--seed", type=int, help="query mix seed")
    p.add_argument(
        "--dashboard-share",
        type=float,
        help="share of queries to the dashboard endpoint (0 = msgagentsegments only)",
    )
    for family, seed in (("agent-performance", "000"), ("report", "001"), ("supervision", "002")):
        p.add_argument(
            f"--{family}-share",
            type=float,
            help=f"share of queries to the seed {seed} {family} endpoint (default 0)",
        )
    p.add_argument(
        "--no-ingest", action="store_true", help="the backend already holds the log: only query"
    )
    p.add_argument("--json", action="store_true", help="print the JSON summary instead of tables")
    p.add_argument(
        "--master",
        action="store_true",
        help="run a Locust master for workers on other hosts (ccbench loadtest-worker)",
    )
    p.add_argument("--expect-workers", type=int, help="--master: workers to wait for (default 2)")
    p.add_argument("--master-bind-host", help="--master: interface to listen on (default all)")
    p.add_argument("--master-bind-port", type=int, help="--master: port (default 5557)")
    p.add_argument(
        "--verify-workers",
        type=int,
        help="processes verifying the recorded answers (default: every core)",
    )
    p.set_defaults(func=run)
    w: argparse.ArgumentParser = sub.add_parser(
        "loadtest-worker",
        help="take part in a `ccbench loadtest --master` run from another host",
        description="Run a Locust worker for a ccbench load test master. LOG must hold the "
        "same events as the master's log (checked by digest); the master sends everything "
        "else. Stops when the master ends the run.",
    )
    w.add_argument("--master-host", required=True, help="host name or address of the master")
    w.add_argument("--master-port", type=int, default=5557, help="master port (default 5557)")
    w.add_argument("--log", required=True, help="this host's copy of the master's event log")
    w.add_argument(
        "--out", default="loadtest-worker-out", help="where locust.log goes (default %(default)s)"
    )
    w.set_defaults(func=run_worker_command)


def run(args: argparse.Namespace) -> int:
    import orjson

    from ccbench import InputError
    from loadtest import load_config, print_summary, run_loadtest

    if not args.master:
        for flag in ("expect_workers", "master_bind_host", "master_bind_port"):
            if getattr(args, flag) is not None:
                name = "--" + flag.replace("_", "-")
                raise InputError(f"{name}: only a --master run uses it; add --master or drop it")
    elif args.expect_workers is not None and args.expect_workers < 1:
        raise InputError(f"--expect-workers: expected an integer >= 1, got {args.expect_workers}")

    config = load_config(
        args.config,
        mode=args.mode,
        workload=args.workload,
        arrival=args.arrival,
        rate=args.rate,
        users=args.users,
        duration_s=args.duration_s,
        seed=args.seed,
        dashboard_share=args.dashboard_share,
        agent_performance_share=args.agent_performance_share,
        report_share=args.report_share,
        supervision_share=args.supervision_share,
    )
    with Phases(enabled=on_terminal()) as phases:
        result = run_loadtest(
            log=args.log,
            out_dir=args.out,
            target=args.target,
            mapping=args.mapping,
            config=config,
            processes=args.processes,
            ingest=not args.no_ingest,
            progress=phases.update if phases.enabled else None,
            verify_workers=args.verify_workers,
            expect_workers=_given(args.expect_workers, 2) if args.master else 0,
            master_bind_host=_given(args.master_bind_host, "*"),
            master_bind_port=_given(args.master_bind_port, 5557),
        )
    if args.json:
        sys.stdout.write(orjson.dumps(result.summary, option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        print_summary(result.summary)
        print(f"reports: {', '.join(str(p) for p in result.outputs.values())}", file=sys.stderr)
    if result.interrupted:
        return 128 + signal.Signals[result.interrupted].value
    return result.exit_code


def _given(value: T | None, default: T) -> T:
    return default if value is None else value


def run_worker_command(args: argparse.Namespace) -> int:
    from loadtest import run_worker

    code = run_worker(
        master_host=args.master_host, master_port=args.master_port, log=args.log, out_dir=args.out
    )
    if code:
        print(
            f"ccbench loadtest-worker: the Locust worker exited with code {code}; see "
            f"{args.out}/locust.log",
            file=sys.stderr,
        )
    return code
