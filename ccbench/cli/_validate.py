"""``ccbench validate LOG``: report every contract violation; exit 1 if any."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from typing import Any

from ..eventlog import read_log, validate


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "validate",
        help="check a log against the event-log contract",
        description="Check schema, order, referential integrity against the roster and "
        "lifecycle legality (docs/eventlog.md). Reports every violation, not just the first; "
        "exits 1 when any is found.",
    )
    p.add_argument("log", help="event log (.parquet or .ndjson)")
    p.add_argument("--json", action="store_true", help="print violations as JSON lines")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    log = read_log(args.log, sort=False)
    violations = validate(log)
    for v in violations:
        if args.json:
            print(
                json.dumps(
                    {
                        "row": v.row,
                        "event_id": v.event_id,
                        "rule": v.rule,
                        "message": v.message,
                        "values": v.values,
                    },
                    default=str,
                )
            )
        else:
            print(v)
    if violations:
        by_rule = Counter(v.rule for v in violations)
        detail = ", ".join(f"{rule}: {n}" for rule, n in sorted(by_rule.items()))
        print(
            f"{args.log}: {len(violations)} violation(s) in {len(log)} events ({detail})",
            file=sys.stderr,
        )
        return 1
    print(f"{args.log}: valid ({len(log)} events)", file=sys.stderr)
    return 0
