"""``ccbench export liveperson-records LOG --out DIR``: a log as the vendor's records.

Writes the pages the Messaging Interactions conversations-search API would return for
the log's conversations (docs/formats.md); the directory appears whole or not at all.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..eventlog import read_log
from ..records import export_records


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "export",
        help="write a log in a vendor's record format",
        description="Write an event log in a vendor's record format (docs/formats.md).",
    )
    formats = p.add_subparsers(dest="format", metavar="FORMAT", required=True)
    lp: argparse.ArgumentParser = formats.add_parser(
        "liveperson-records",
        help="LivePerson Messaging Interactions conversation records",
        description="Write the log's conversations as pages of the Messaging Interactions "
        "conversations-search response (conversationHistoryRecords with _metadata), "
        "files conversations-<offset>.json in DIR. Kinds a record cannot carry (agent "
        "statuses and logins, views, snoozes, offers...) are left out.",
    )
    lp.add_argument("log", help="event log (.parquet or .ndjson)")
    lp.add_argument("--out", required=True, metavar="DIR", help="missing or empty directory")
    lp.add_argument("--page-size", type=int, default=100, help="records per page, 1..100")
    lp.add_argument("--jobs", type=int, default=1, help="processes writing shares of the pages")
    lp.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    log = read_log(args.log)
    summary = export_records(log, args.out, page_size=args.page_size, jobs=args.jobs)
    print(
        f"{args.log} -> {summary.out_dir}: {summary.conversations} conversations of "
        f"{summary.events} events in {summary.pages} pages",
        file=sys.stderr,
    )
    return 0
