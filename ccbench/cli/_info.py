"""``ccbench info LOG``: a log's time range, counts and accounts, to pick instants from.

Times are printed as epoch ms (what the APIs take) beside ISO 8601 in the roster's time
zone (what ``--now`` also takes). The log is read, not validated (``ccbench validate``).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from typing import Any

from ..eventlog import read_log, summarize
from ..progress import Phases, on_terminal
from ._instant import format_instant


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "info",
        help="print a log's time range, counts and accounts",
        description="Print the account(s) and time zone of a log, the time of its first and "
        "last event (epoch ms and ISO 8601 local time: values --now accepts), its events by "
        "kind, conversations by channel, source and closer, consumers and the roster's "
        "sizes. It does not validate the log (ccbench validate does).",
    )
    p.add_argument("log", help="event log (.parquet or .ndjson)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead")
    p.set_defaults(func=run)


def log_facts(path: str) -> dict[str, Any]:
    """The facts ``info`` prints, as a JSON-ready dict (keys documented in README)."""
    with Phases(enabled=on_terminal()) as phases, phases.step(f"reading {path}"):
        log = read_log(path, sort=False)
    s = summarize(log)
    roster = log.roster
    span = log.time_range()
    tz = roster.timezone
    accounts = Counter(log.table.column("account").to_pylist())
    return {
        "log": path,
        "account": roster.account,
        "timezone": tz,
        "events": s.events,
        "first_ts": None if span is None else span[0],
        "last_ts": None if span is None else span[1],
        "first": None if span is None else format_instant(span[0], tz),
        "last": None if span is None else format_instant(span[1], tz),
        "event_accounts": dict(sorted(accounts.items())),
        "conversations": s.conversations,
        "consumers": s.consumers,
        "channels": s.channels,
        "sources": s.sources,
        "closed_by": s.closed_by,
        "kinds": s.kinds,
        "roster": {
            "sites": len(roster.sites),
            "groups": len(roster.groups),
            "skills": len(roster.skills),
            "agents": len(roster.agents),
            "bots": len(roster.bots),
        },
    }


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v:,}" for k, v in counts.items()) or "none"


def run(args: argparse.Namespace) -> int:
    facts = log_facts(args.log)
    if args.json:
        print(json.dumps(facts, indent=2))
        return 0
    roster = facts["roster"]
    lines = [
        f"log            {facts['log']}",
        f"account        {facts['account']} (roster), time zone {facts['timezone']}",
        f"events         {facts['events']:,} (by account: {_counts(facts['event_accounts'])})",
    ]
    if facts["first_ts"] is not None:
        lines += [
            f"first event    {facts['first']}  {facts['first_ts']}",
            f"last event     {facts['last']}  {facts['last_ts']}",
        ]
    lines += [
        f"conversations  {facts['conversations']:,} ({_counts(facts['channels'])})",
        f"sources        {_counts(facts['sources'])}",
        f"closed by      {_counts(facts['closed_by'])}",
        f"consumers      {facts['consumers']:,}",
        f"roster         {_counts(roster)}",
        f"kinds          {_counts(facts['kinds'])}",
    ]
    print("\n".join(lines))
    return 0
