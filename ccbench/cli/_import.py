"""``ccbench import liveperson-records FILE... --out LOG``: vendor records -> a log.

Every oddity of the input is reported, one line each, with the conversation, the field
and the value (docs/formats.md, "What the importer tolerates"); ``--strict`` makes any
of them a failure (exit 1, nothing written). ``--problems FILE`` writes them all as
JSON lines.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from .._errors import InputError, RosterError
from ..eventlog import Roster, write_log
from ..files import replace_atomically
from ..records import Problem, import_files
from ._vendor_formats import add_jobs, jobs_of, liveperson_parser

#: problems printed on the terminal; the rest are counted (all go to --problems)
_SHOWN = 20


def register(sub: Any) -> None:
    lp: argparse.ArgumentParser = liveperson_parser(
        sub,
        "import",
        help="read a vendor's records into a log",
        description="Read Messaging Interactions records (API response pages, records, "
        "lists of them, or one per line) into a valid event log. Without --roster the "
        "roster is inferred from the records. Kinds records cannot carry are listed in "
        "the roster's unrecorded_kinds: their metrics are unavailable, never 0.",
    )
    lp.add_argument("files", nargs="+", metavar="FILE", help="record files")
    lp.add_argument("--out", required=True, metavar="LOG", help="log to write (.parquet/.ndjson)")
    lp.add_argument("--roster", metavar="ROSTER.json", help="roster document to use")
    lp.add_argument("--strict", action="store_true", help="any problem fails (exit 1)")
    lp.add_argument("--problems", metavar="FILE", help="write every problem as a JSON line")
    add_jobs(lp, work="reading shares of the files")
    lp.add_argument(
        "--no-check",
        action="store_true",
        help="skip the final validation (the importer builds valid logs; this saves time)",
    )
    lp.set_defaults(func=run)


def _roster(path: str | None) -> Roster | None:
    if path is None:
        return None
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"--roster {path}: cannot read a JSON document: {exc}") from exc
    try:
        return Roster.from_dict(doc)
    except RosterError as exc:
        raise RosterError(f"--roster {path}: {exc}") from exc


def _write_problems(path: str, problems: tuple[Problem, ...]) -> None:
    lines = "".join(json.dumps(p.to_dict()) + "\n" for p in problems)
    replace_atomically(Path(path), lambda tmp: tmp.write_text(lines, encoding="utf-8"))


def run(args: argparse.Namespace) -> int:
    result = import_files(
        args.files, roster=_roster(args.roster), check=not args.no_check, jobs=jobs_of(args)
    )
    problems = result.problems
    for p in problems[:_SHOWN]:
        print(f"problem: {p}", file=sys.stderr)
    if len(problems) > _SHOWN:
        by_field = Counter(p.field.split("[")[0] for p in problems)
        top = ", ".join(f"{f}: {n}" for f, n in by_field.most_common(5))
        print(f"... and {len(problems) - _SHOWN} more ({top})", file=sys.stderr)
    if args.problems:
        _write_problems(args.problems, problems)
    summary = (
        f"{result.conversations} conversations, {len(result.log)} events, "
        f"{result.refused} refused, {len(problems)} problem(s)"
    )
    if args.strict and problems:
        print(f"--strict: {summary}; nothing written", file=sys.stderr)
        return 1
    write_log(result.log, args.out)
    print(f"-> {args.out}: {summary}", file=sys.stderr)
    return 0
