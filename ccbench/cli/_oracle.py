"""``ccbench oracle FAMILY ...``: exact metrics as JSON (docs/metrics.md).

``agent-segments`` (seed 004), ``dashboard`` (seed 003, JSON or CSV of its
tables), ``supervision`` (seed 002, JSON or CSV of its agent table),
``report`` (seed 001, JSON or CSV of its daily series and agent tables) and
``catalog`` (the metric registry as Markdown or JSON).

Each family's options are its parameters in the API contract
(:mod:`ccbench.api`), one ``--kebab-name`` per parameter with the contract's
help; their strings go through the contract's parser
(:func:`ccbench.api.parse_query`) exactly as an HTTP request's, so the CLI
validates like the reference backend and names the same parameter.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import Any

from oracle import (
    Oracle,
    catalog_json,
    catalog_markdown,
    report_csv,
    supervision_csv,
    table_csv,
)

from ..api import (
    AGENT_PERFORMANCE,
    DASHBOARD,
    MSGAGENTSEGMENTS,
    REPORT,
    SUPERVISION,
    Family,
    Parameter,
    parse_query,
)
from ..eventlog import EventLog, read_log, validate
from ..progress import Phases, on_terminal
from ._instant import format_instant, parse_instant

# Options spelled differently before the contract gave every parameter one name; still accepted.
_ALIASES = {"site_id": ("--site",), "start_ms": ("--start",), "satisfaction_good_pct":
            ("--good-pct",), "satisfaction_poor_pct": ("--poor-pct",)}  # fmt: skip
#: Contract parameters that are instants: the CLI also takes ISO 8601 for them (README).
_INSTANTS = ("start_ms", "end_ms")
Pairs = list[tuple[str, str]]


def _option(name: str) -> str:
    """``agentIds`` -> ``--agent-ids``, ``from_hour`` -> ``--from-hour``."""
    return "--" + re.sub(r"(?<=[a-z])([A-Z])", r"-\1", name).lower().replace("_", "-")


_METAVARS = {"integer": "N", "number": "X", "ids": "IDS", "names": "NAMES", "pattern": "NAME",
             "threshold": "KPI:N", "text": "TEXT", "json": "JSON", "choice": "VALUE"}  # fmt: skip


def _help(family: Family, p: Parameter) -> str:
    default = p.default if not isinstance(p.default, tuple) else ",".join(p.default)
    text = f"{p.summary} Expected: {p.expectation()}"
    if p.name in _INSTANTS:
        text += " or ISO 8601 (as --now)"
    if default is not None:
        text += f"; default {default}"
    for rule in family.rules_of(p.name):
        text += f"; must be {rule.text}"
    return text.replace("%", "%%")


def _add_options(
    parser: argparse.ArgumentParser, family: Family, *, skip: tuple[str, ...] = ()
) -> None:
    """One option per contract parameter: ``--kebab-name`` (strings; the contract checks
    them as it checks a URL query), repeatable ones appending."""
    for p in family.parameters:
        if p.name in skip:
            continue
        flags = (_option(p.name), *_ALIASES.get(p.name, ()))
        action = "append" if p.repeatable else "store"
        metavar = _METAVARS[p.kind]
        if p.kind == "choice" and len(p.choices) <= 3:
            metavar = "{" + ",".join(p.choices) + "}"
        parser.add_argument(
            *flags, dest=p.name, action=action, metavar=metavar, help=_help(family, p)
        )


def _query(args: argparse.Namespace, family: Family) -> list[tuple[str, str]]:
    """The options given, as query-string pairs in declared order."""
    pairs: list[tuple[str, str]] = []
    for name in family.names:
        value = getattr(args, name, None)
        if value is not None:
            pairs += [(name, v) for v in value] if isinstance(value, list) else [(name, value)]
    return pairs


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "oracle",
        help="compute exact metrics from an event log",
        description="Exact metrics computed from an event log (docs/metrics.md).",
    )
    families = p.add_subparsers(dest="family", metavar="FAMILY", required=True)
    a = _family_parser(
        families,
        "agent-segments",
        MSGAGENTSEGMENTS,
        run,
        "msgagentsegments (seed 004) as JSON",
        "Agent-segment metrics over [now - timeframe, now), in the vendor's response shape. "
        "Option values are the vendor's query-string values.",
    )
    a.set_defaults(v="1")  # the only API version: the CLI fills it in
    d = _family_parser(
        families,
        "dashboard",
        DASHBOARD,
        run_dashboard,
        "real-time messaging dashboard (seed 003) as JSON or CSV",
        "Dashboard snapshot at --now: current, chat, closed, agents and skills sections "
        "(docs/metrics.md section 3).",
    )
    d.add_argument("--csv", choices=("agents", "skills"), help="print that table (all rows) as CSV")
    _family_parser(
        families,
        "agent-performance",
        AGENT_PERFORMANCE,
        run_agent_performance,
        "agent performance dashboard (seed 000) as JSON",
        "One agent's performance over [start, now) (docs/metrics.md section 4).",
    )
    s = _family_parser(
        families,
        "supervision",
        SUPERVISION,
        run_supervision,
        "supervision page (seed 002) of one site as JSON or CSV",
        "Supervision of --site-id at --now: agents by status, satisfaction, objectives, "
        "visitors and signals, slots, per-agent table (docs/metrics.md section 6).",
    )
    s.add_argument("--csv", action="store_true", help="print the per-agent table as CSV")
    r: argparse.ArgumentParser = families.add_parser(
        "report",
        help="automated performance report (seed 001) as JSON or CSV",
        description="Activity, chatbot, contact center and agent performance over "
        "[start, end), seen at end; daily series per local day of the roster time zone "
        "(docs/metrics.md section 5). START and END are epoch ms or ISO 8601: a local date "
        "YYYY-MM-DD is that day's midnight in the roster time zone; END is exclusive.",
    )
    r.add_argument("log", help="event log (.parquet or .ndjson); must be valid")
    r.add_argument("--start", dest="start_ms", help="period start: epoch ms or ISO 8601")
    r.add_argument("--end", dest="end_ms", help="period end (exclusive): epoch ms or ISO 8601")
    _add_options(r, REPORT, skip=("start_ms", "end_ms"))
    _compact(r)
    r.set_defaults(func=run_report)
    c: argparse.ArgumentParser = families.add_parser(
        "catalog",
        help="every registered metric (seeds 000-004)",
        description="The metric registry: name, seed, unit, definition, empty value, "
        "rounding and where the oracle computes it.",
    )
    c.add_argument("--format", choices=("markdown", "json"), default="markdown")
    c.set_defaults(func=run_catalog)


def _family_parser(
    families: Any, command: str, family: Family, func: Any, help: str, description: str
) -> argparse.ArgumentParser:
    """A subcommand answering ``family`` at ``--now``: the log, then one option per parameter."""
    parser: argparse.ArgumentParser = families.add_parser(
        command, help=help, description=description
    )
    parser.add_argument("log", help="event log (.parquet or .ndjson); must be valid")
    parser.add_argument(
        "--now",
        required=True,
        metavar="INSTANT",
        help="time the request is made: epoch ms or ISO 8601 (2026-01-05T09:30, local time "
        "of the log's time zone, or with Z or an offset)",
    )
    _add_options(parser, family)
    _compact(parser)
    parser.set_defaults(func=func)
    return parser


def _compact(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--compact", action="store_true", help="one line instead of indented JSON")


def _print(data: Any, args: argparse.Namespace) -> int:
    print(json.dumps(data, indent=None if args.compact else 2))
    return 0


def _pairs(args: argparse.Namespace, family: Family, timezone: str | None) -> Pairs | None:
    """The options given as query-string pairs in declared order, instants in epoch ms
    (None when one needs the log's time zone and ``timezone`` is None)."""
    pairs: list[tuple[str, str]] = []
    for name, value in _query(args, family):
        if name in _INSTANTS:
            ms = parse_instant(name, value, timezone=timezone)
            if ms is None:
                return None
            value = str(ms)
        pairs.append((name, value))
    return pairs


def _loaded(args: argparse.Namespace, family: Family) -> tuple[Oracle, EventLog, Pairs]:
    """The oracle of ``args.log``, its log and the query, each option checked.

    The options are checked before the (slower) log read when they do not need the log's
    time zone, and again with it; the log is checked against the contract on the way.
    """
    early = _pairs(args, family, None)
    if early is not None:
        parse_query(family, early)
    with Phases(enabled=on_terminal()) as phases:
        log = _read(args.log, phases)
        with phases.step("building the oracle"):
            oracle = Oracle(log)
    query = _pairs(args, family, log.roster.timezone)
    assert query is not None  # the time zone is known now
    return oracle, log, query


def _request(args: argparse.Namespace, family: Family) -> tuple[Oracle, Pairs, int]:
    """As :func:`_loaded`, with --now (ms) checked first and warned about when it sees no
    event of the log."""
    parse_instant("now", args.now, timezone=None)
    oracle, log, query = _loaded(args, family)
    now = parse_instant("now", args.now, timezone=log.roster.timezone)
    _warn_if_nothing_yet(args.log, log, now, "--now")
    return oracle, query, now


def _warn_if_nothing_yet(path: str, log: EventLog, instant: int, option: str) -> None:
    """One stderr line when no event of the log happened before ``instant`` (an event is
    seen from ts + 1): every count is then 0, most likely from a mistyped instant."""
    span = log.time_range()
    if span is not None and instant > span[0]:
        return
    tz = log.roster.timezone
    where = (
        "the log has no events"
        if span is None
        else (f"the first event is at {format_instant(span[0], tz)} ({span[0]})")
    )
    print(
        f"ccbench oracle: warning: {option} {format_instant(instant, tz)} ({instant}) sees no "
        f"event of {path}: {where}; see its time range with: ccbench info {path}",
        file=sys.stderr,
    )


def _read(path: str, phases: Phases) -> EventLog:
    """Read the log in file order, check it, and warn (one stderr line) when it breaks
    the contract: the answers are then computed but may be wrong."""
    with phases.step(f"reading {path}"):
        log = read_log(path, sort=False)
    with phases.step(f"checking {len(log):,} events against the contract"):
        violations = validate(log)
    if violations:
        print(
            f"ccbench oracle: warning: {path} breaks the event-log contract "
            f"({len(violations)} violation(s), first: {violations[0]}); the answers may be "
            f"wrong; list every violation with: ccbench validate {path}",
            file=sys.stderr,
        )
    return EventLog.from_table(log.table, roster=log.roster)  # in log order (ts, seq)


def run(args: argparse.Namespace) -> int:
    oracle, query, now = _request(args, MSGAGENTSEGMENTS)
    return _print(oracle.agent_segments_query(query, now_ms=now), args)


def run_dashboard(args: argparse.Namespace) -> int:
    oracle, query, now = _request(args, DASHBOARD)
    if args.csv:
        # The export holds every row of the table, sorted, not one page.
        rows = oracle.dashboard_table_query(args.csv, query, now_ms=now)
        return _print_csv(table_csv(rows, args.csv), oracle, "dashboard", args.csv)
    return _print(oracle.dashboard_query(query, now_ms=now), args)


def run_agent_performance(args: argparse.Namespace) -> int:
    oracle, query, now = _request(args, AGENT_PERFORMANCE)
    return _print(oracle.agent_performance_query(query, now_ms=now), args)


def run_supervision(args: argparse.Namespace) -> int:
    oracle, query, now = _request(args, SUPERVISION)
    page = oracle.supervision_query(query, now_ms=now)
    if args.csv:
        return _print_csv(supervision_csv(page["agents"] or []), oracle, "supervision", "agents")
    return _print(page, args)


def run_report(args: argparse.Namespace) -> int:
    oracle, log, query = _loaded(args, REPORT)
    data = oracle.report_query(query)  # checks the query (end_ms is required)
    _warn_if_nothing_yet(args.log, log, int(dict(query)["end_ms"]), "--end")
    if args.csv:
        return _print_csv(report_csv(data, args.csv), oracle, "report", args.csv)
    return _print(data, args)


def _print_csv(text: str, oracle: Oracle, family: str, table: str) -> int:
    """The CSV on stdout (plain CSV: an unavailable value is an empty cell, as null is);
    on stderr one line per unavailable column with the reason (docs/metrics.md)."""
    print(text, end="")
    for column, why in oracle.unavailable_columns(family=family, table=table).items():
        where = f"column {column}" if column else "its rows"
        print(f"ccbench oracle: unavailable in the {table} CSV: {where}: {why}", file=sys.stderr)
    return 0


def run_catalog(args: argparse.Namespace) -> int:
    print(catalog_json() if args.format == "json" else catalog_markdown(), end="\n")
    return 0
