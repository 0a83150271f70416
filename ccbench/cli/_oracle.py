"""``ccbench oracle agent-segments LOG --now MS --timeframe MIN ...``: exact metrics as JSON.

The options are the vendor's query parameters; their strings go through the
same parser as HTTP requests (oracle.parse_agent_segments_query), so the
CLI validates exactly like the reference backend.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from oracle import Oracle, parse_agent_segments_query

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
