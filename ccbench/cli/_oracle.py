"""``ccbench oracle FAMILY ...``: exact metrics as JSON (docs/metrics.md).

``agent-segments`` (seed 004), ``dashboard`` (seed 003, JSON or CSV of its
tables), ``supervision`` (seed 002, JSON or CSV of its agent table) and
``catalog`` (the metric registry as Markdown or JSON).

The options are the vendor's query parameters; their strings go through the
same parser as HTTP requests (oracle.parse_agent_segments_query), so the
CLI validates exactly like the reference backend.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from oracle import (
    Oracle,
    catalog_json,
    catalog_markdown,
    parse_agent_segments_query,
    supervision_csv,
    table_csv,
)

from .._errors import ParameterError
from ..eventlog import read_log

# option dest -> vendor query parameter
_QUERY = {
    "timeframe": "timeframe",
    "v": "v",
    "interval": "interval",
    "agent_ids": "agentIds",
    "skill_ids": "skillIds",
    "group_ids": "groupIds",
    "user_type": "userType",
    "source": "source",
    "metrics": "metrics",
}


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "oracle",
        help="compute exact metrics from an event log",
        description="Exact metrics computed from an event log (docs/metrics.md).",
    )
    families = p.add_subparsers(dest="family", metavar="FAMILY", required=True)
    a: argparse.ArgumentParser = families.add_parser(
        "agent-segments",
        help="msgagentsegments (seed 004) as JSON",
        description="Agent-segment metrics over [now - timeframe, now), in the vendor's "
        "response shape. Option values are the vendor's query-string values.",
    )
    a.add_argument("log", help="event log (.parquet or .ndjson); must be valid")
    a.add_argument(
        "--now",
        type=int,
        required=True,
        metavar="MS",
        help="time the request is made, epoch ms UTC",
    )
    a.add_argument("--timeframe", required=True, metavar="MIN", help="minutes, 1..1440")
    a.add_argument("--v", default="1", help="API version (1)")
    a.add_argument("--interval", metavar="MIN", help=">= 5, <= timeframe, divides it")
    a.add_argument("--agent-ids", help="comma-separated ids or all")
    a.add_argument("--skill-ids", help="comma-separated ids or all (adds metricsPerSkill)")
    a.add_argument("--group-ids", help="comma-separated ids or all")
    a.add_argument("--user-type", help="human, bot or all")
    a.add_argument("--source", help="conversation source (APP, WEB, ...) or all")
    a.add_argument("--metrics", help="comma-separated metric names or all")
    a.add_argument("--compact", action="store_true", help="one line instead of indented JSON")
    a.set_defaults(func=run)
    _register_dashboard(families)
    ap: argparse.ArgumentParser = families.add_parser(
        "agent-performance",
        help="agent performance dashboard (seed 000) as JSON",
        description="One agent's performance over [start, now) (docs/metrics.md section 4).",
    )
    ap.add_argument("log", help="event log (.parquet or .ndjson); must be valid")
    ap.add_argument("--agent-id", type=int, required=True)
    ap.add_argument("--now", type=int, required=True, metavar="MS", help="epoch ms UTC")
    ap.add_argument("--start", type=int, required=True, metavar="MS", help="range start, ms")
    ap.add_argument("--bucket-ms", type=int, default=3_600_000, help="messages-sent bucket")
    ap.add_argument("--compact", action="store_true", help="one line instead of indented JSON")
    ap.set_defaults(func=run_agent_performance)
    _register_supervision(families)
    c: argparse.ArgumentParser = families.add_parser(
        "catalog",
        help="every registered metric (seeds 000-004)",
        description="The metric registry: name, seed, unit, definition, empty value, "
        "rounding and where the oracle computes it.",
    )
    c.add_argument("--format", choices=("markdown", "json"), default="markdown")
    c.set_defaults(func=run_catalog)


def _ids(text: str) -> list[int]:
    try:
        return [int(x) for x in text.split(",")]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated integer ids, got {text!r}"
        ) from exc


def _threshold(text: str) -> tuple[str, float]:
    kpi, sep, value = text.partition("=")
    try:
        return kpi, float(value) if sep else float("nan")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected KPI=NUMBER, got {text!r}") from exc


def _register_dashboard(families: Any) -> None:
    d: argparse.ArgumentParser = families.add_parser(
        "dashboard",
        help="real-time messaging dashboard (seed 003) as JSON or CSV",
        description="Dashboard snapshot at --now: current, chat, closed, agents and skills "
        "sections (docs/metrics.md section 3).",
    )
    d.add_argument("log", help="event log (.parquet or .ndjson); must be valid")
    d.add_argument("--now", type=int, required=True, metavar="MS", help="epoch ms UTC")
    w = d.add_mutually_exclusive_group()
    w.add_argument("--from-hour", type=int, metavar="H", help="closed window: today from H:00")
    w.add_argument("--last-hours", type=int, metavar="N", help="closed window: last N hours")
    d.add_argument("--skill-ids", type=_ids, help="comma-separated skill ids")
    d.add_argument("--group-ids", type=_ids, help="comma-separated group ids")
    d.add_argument("--opened-within-ms", type=int, help="response-time sample filter")
    d.add_argument("--sl-threshold-ms", type=int, default=30_000, help="service level threshold")
    d.add_argument("--inactivity-timeout-ms", type=int, help="overrides roster.load")
    d.add_argument("--abandon-rate", choices=("entered", "handled"), default="entered")
    d.add_argument("--load", choices=("weighted", "active"), default="weighted")
    for table, size in (("agent", 18), ("skill", 25)):
        d.add_argument(f"--{table}-sort", default=f"{table}_id")
        d.add_argument(f"--{table}-order", choices=("asc", "desc"), default="asc")
        d.add_argument(f"--{table}-page", type=int, default=1)
        d.add_argument(f"--{table}-page-size", type=int, default=size)
    d.add_argument(
        "--threshold",
        type=_threshold,
        action="append",
        default=[],
        metavar="KPI=N",
        help="alert when KPI (e.g. current.open) >= N; repeatable",
    )
    d.add_argument("--csv", choices=("agents", "skills"), help="print that table (all rows) as CSV")
    d.add_argument("--compact", action="store_true", help="one line instead of indented JSON")
    d.set_defaults(func=run_dashboard)


def run_dashboard(args: argparse.Namespace) -> int:
    params = {
        name: getattr(args, name)
        for name in (
            "from_hour", "last_hours", "skill_ids", "group_ids", "opened_within_ms",
            "sl_threshold_ms", "inactivity_timeout_ms", "abandon_rate", "load",
            "agent_sort", "agent_order", "agent_page", "agent_page_size",
            "skill_sort", "skill_order", "skill_page", "skill_page_size",
        )
    }  # fmt: skip
    oracle = Oracle(read_log(args.log))
    if args.csv:
        # The export holds every row of the table, sorted, not one page.
        rows = oracle.dashboard_table(args.csv, now_ms=args.now, **params)
        print(table_csv(rows, args.csv), end="")
        return 0
    snapshot = oracle.dashboard(now_ms=args.now, thresholds=dict(args.threshold), **params)
    print(json.dumps(snapshot, indent=None if args.compact else 2))
    return 0


def run_agent_performance(args: argparse.Namespace) -> int:
    oracle = Oracle(read_log(args.log))
    report = oracle.agent_performance(
        agent_id=args.agent_id, now_ms=args.now, start_ms=args.start, bucket_ms=args.bucket_ms
    )
    print(json.dumps(report, indent=None if args.compact else 2))
    return 0


def _register_supervision(families: Any) -> None:
    s: argparse.ArgumentParser = families.add_parser(
        "supervision",
        help="supervision page (seed 002) of one site as JSON or CSV",
        description="Supervision of --site at --now: agents by status, satisfaction, "
        "objectives, visitors and signals, slots, per-agent table (docs/metrics.md section 6).",
    )
    s.add_argument("log", help="event log (.parquet or .ndjson); must be valid")
    s.add_argument("--now", type=int, required=True, metavar="MS", help="epoch ms UTC")
    s.add_argument("--site", required=True, metavar="SITE", help="site id of the roster")
    s.add_argument("--max-handling-ms", type=int, help="handling signal (roster signals)")
    s.add_argument("--max-response-ms", type=int, help="response signal (roster signals)")
    s.add_argument(
        "--channels",
        type=lambda text: text.split(","),
        default=["chat", "call"],
        help="visitor channels, comma-separated (default chat,call)",
    )
    s.add_argument("--good-pct", type=float, default=80.0, help="satisfaction good from")
    s.add_argument("--poor-pct", type=float, default=60.0, help="satisfaction poor below")
    s.add_argument("--satisfaction", choices=("top2", "mean"), default="top2")
    s.add_argument("--conversion-rate", choices=("contacts", "transactions"), default="contacts")
    s.add_argument("--objectives", metavar="JSON", help="JSON list replacing roster objectives")
    s.add_argument("--csv", action="store_true", help="print the per-agent table as CSV")
    s.add_argument("--compact", action="store_true", help="one line instead of indented JSON")
    s.set_defaults(func=run_supervision)


def run_supervision(args: argparse.Namespace) -> int:
    objectives = None
    if args.objectives is not None:
        try:
            objectives = json.loads(args.objectives)
        except json.JSONDecodeError as exc:
            raise ParameterError("objectives", f"expected a JSON list, got {exc}") from exc
        if not isinstance(objectives, list):
            raise ParameterError("objectives", f"expected a JSON list, got {args.objectives!r}")
    oracle = Oracle(read_log(args.log))
    page = oracle.supervision(
        now_ms=args.now,
        site_id=args.site,
        objectives=objectives,
        max_handling_ms=args.max_handling_ms,
        max_response_ms=args.max_response_ms,
        channels=args.channels,
        satisfaction_good_pct=args.good_pct,
        satisfaction_poor_pct=args.poor_pct,
        satisfaction=args.satisfaction,
        conversion_rate=args.conversion_rate,
    )
    if args.csv:
        print(supervision_csv(page["agents"]), end="")
    else:
        print(json.dumps(page, indent=None if args.compact else 2))
    return 0


def run_catalog(args: argparse.Namespace) -> int:
    print(catalog_json() if args.format == "json" else catalog_markdown(), end="\n")
    return 0


def run(args: argparse.Namespace) -> int:
    query = {
        name: getattr(args, dest)
        for dest, name in _QUERY.items()
        if getattr(args, dest) is not None
    }
    params = parse_agent_segments_query(query)  # validate before the (slower) log read
    oracle = Oracle(read_log(args.log))
    response = oracle.answer_agent_segments(params, now_ms=args.now)
    print(json.dumps(response, indent=None if args.compact else 2))
    return 0
