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
from ._vendor_formats import add_jobs, jobs_of, liveperson_parser


def register(sub: Any) -> None:
    lp: argparse.ArgumentParser = liveperson_parser(
        sub,
        "export",
        help="write a log in a vendor's record format",
        description="Write the log's conversations as pages of the Messaging Interactions "
        "conversations-search response (conversationHistoryRecords with _metadata), "
        "files conversations-<offset>.json in DIR. Kinds a record cannot carry (agent "
        "statuses and logins, views, snoozes, offers...) are left out.",
    )
    lp.add_argument("log", help="event log (.parquet or .ndjson)")
    lp.add_argument("--out", required=True, metavar="DIR", help="missing or empty directory")
    lp.add_argument("--page-size", type=int, default=100, help="records per page, 1..100")
    add_jobs(lp, work="writing shares of the pages")
    lp.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    log = read_log(args.log)
    summary = export_records(log, args.out, page_size=args.page_size, jobs=jobs_of(args))
    print(
        f"{args.log} -> {summary.out_dir}: {summary.conversations} conversations of "
        f"{summary.events} events in {summary.pages} pages",
        file=sys.stderr,
    )
    return 0
