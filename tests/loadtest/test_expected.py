"""The oracle's expected answers to the report's CSV tables: the contract's CSV of its report."""

from __future__ import annotations

import csv
import functools
import io
from pathlib import Path

from ccbench.api import REPORT_TABLES, report_csv
from ccbench.eventlog import EventLog, Roster, read_log
from loadtest import OracleProvider
from oracle import Oracle

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "example.ndjson"


@functools.cache
def _log() -> EventLog:
    return read_log(EXAMPLE)


def _period(log: EventLog) -> dict[str, str]:
    first, last = log.time_range()  # type: ignore[misc]
    return {"start_ms": str(first - 3_600_000), "end_ms": str(last + 1)}


def test_a_table_is_the_contracts_csv_of_the_oracles_report() -> None:
    """For each table, the expected answer is report_csv(the oracle's report, table), named
    by csv_table, with nothing unavailable on a log recording every kind; a report without
    csv stays JSON; a table outside the contract is a 400 naming csv."""
    log = _log()
    provider = OracleProvider(log)
    period = _period(log)
    report = Oracle(log).report_query(period)
    for table in REPORT_TABLES:
        exp = provider.expected("report", {**period, "csv": table}, now_ms=0)
        assert (exp.status, exp.csv_table, dict(exp.unavailable)) == (200, table, {})
        assert exp.body == report_csv(report, table)
    agents = list(csv.reader(io.StringIO(provider.expected(
        "report", {**period, "csv": "agents"}, now_ms=0).body)))  # fmt: skip
    assert len(agents) == 1 + len(report["agents"])  # a header, then one row per agent
    json_answer = provider.expected("report", period, now_ms=0)
    assert json_answer.csv_table is None and isinstance(json_answer.body, dict)
    refused = provider.expected("report", {**period, "csv": "skills"}, now_ms=0)
    assert (refused.status, refused.parameter, refused.csv_table) == (400, "csv", None)


def test_columns_the_log_cannot_support_are_listed_unavailable() -> None:
    """On a log whose source records no agent login, logout or status, an agent's
    connection hours are unavailable (docs/metrics.md): the agents and agents_daily tables
    list connection_hours with the reason, and its cells are empty in the expected text."""
    log = _log()
    unrecorded = ("agent.login", "agent.logout", "agent.status")
    roster = Roster.from_dict({**log.roster.to_dict(), "unrecorded_kinds": list(unrecorded)})
    provider = OracleProvider(EventLog.from_table(log.table, roster=roster))
    for table in ("agents", "agents_daily"):
        exp = provider.expected("report", {**_period(log), "csv": table}, now_ms=0)
        assert "connection_hours" in exp.unavailable, exp.unavailable
        assert "agent.login" in exp.unavailable["connection_hours"]
        rows = list(csv.DictReader(io.StringIO(exp.body)))
        assert rows and all(r["connection_hours"] == "" for r in rows)
