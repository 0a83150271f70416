"""``ccbench convert SRC DST``: Parquet <-> NDJSON, format chosen by suffix, lossless."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..eventlog import convert_log, log_format
from ..files import writable_file


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "convert",
        help="convert a log between Parquet and NDJSON",
        description="Convert an event log; the format of each file follows its suffix "
        "(.parquet/.pq or .ndjson/.jsonl). Lossless both ways, roster included.",
    )
    p.add_argument("source", help="input log")
    p.add_argument("target", help="output log (written atomically)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    log_format(args.target)
    writable_file(args.target)  # before reading a large source
    log = convert_log(args.source, args.target)
    print(f"{args.source} -> {args.target}: {len(log)} events", file=sys.stderr)
    return 0
