"""The automated performance report family (seed 001): the period ``[start_ms, end_ms)``.

docs/metrics.md section 5 states the rules in words. The oracle answers it
(``Oracle.report``); the reference backend serves it at ``path``. The CSV
tables of a report (``csv`` parameter; ``ccbench oracle report --csv``) are
encoded here once, from an answer, so every implementation writes the same
bytes (docs/metrics.md 5.6).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

from .._errors import ParameterError
from ._spec import Family, Parameter, Rule

__all__ = ["REPORT", "REPORT_TABLES", "report_csv"]

#: CSV tables of a report, by name (:func:`report_csv`; the ``csv`` parameter's choices).
REPORT_TABLES: tuple[str, ...] = ("daily", "agents", "agents_daily")
_AGENT_TOTALS = ("conversations", "conversation_minutes", "connection_hours")
_CSV_COLUMNS = {
    "agents": ("agent_id", "name", "role", *_AGENT_TOTALS),
    "agents_daily": ("agent_id", "date", *_AGENT_TOTALS),
}

#: Longest report period, in days (one year, leap day included).
MAX_REPORT_DAYS = 366
_DAY_MS = 86_400_000

REPORT = Family(
    name="report",
    seed="001",
    summary="Automated performance report over [start_ms, end_ms), seen at end_ms",
    parameters=(
        Parameter(
            "start_ms", "integer", "Period start, epoch ms.", required=True, low=0, unit="ms"
        ),
        Parameter(
            "end_ms",
            "integer",
            "Period end (exclusive), epoch ms.",
            required=True,
            low=0,
            unit="ms",
        ),
        Parameter(
            "top_intents", "integer", "Keep the N most frequent intents (absent: all).", low=1
        ),
        Parameter(
            "csv",
            "choice",
            "This table of the report as CSV instead of JSON (over HTTP: text/csv).",
            choices=REPORT_TABLES,
        ),
    ),
    rules=(
        Rule("after", "end_ms", "an end after start_ms", other="start_ms"),
        Rule(
            "span_at_most",
            "end_ms",
            f"a period of at most {MAX_REPORT_DAYS} days ({MAX_REPORT_DAYS * _DAY_MS} ms)",
            other="start_ms",
            limit=MAX_REPORT_DAYS * _DAY_MS,
        ),
    ),
    path="/api/v1/accounts/{account}/report",
    operation_id="getReport",
    response_keys=(
        ("", ("period", "activity", "chatbot", "contact_center", "agents")),
        ("period", ("start", "end", "timezone", "days")),
    ),
)


def report_csv(data: Mapping[str, Any], table: str) -> str:
    """CSV of a report's ``daily`` series, ``agents`` totals or ``agents_daily`` rows.

    ``daily`` joins the activity and contact-center daily rows (contact-center
    columns prefixed ``cc_``); null is an empty cell; lines end with ``\n``.
    """
    if table not in REPORT_TABLES:
        raise ParameterError("csv", f"expected one of {', '.join(REPORT_TABLES)}, got {table!r}")
    rows: list[dict[str, Any]]
    if table == "daily":
        rows = [
            {**a, **{f"cc_{k}": v for k, v in cc.items() if k not in ("date", "start", "end")}}
            for a, cc in zip(
                data["activity"]["daily"], data["contact_center"]["daily"], strict=True
            )
        ]
        columns = tuple(rows[0])  # a period has at least one day
    else:
        columns = _CSV_COLUMNS[table]
        if table == "agents":
            rows = data["agents"]
        else:
            rows = [{"agent_id": a["agent_id"], **d} for a in data["agents"] for d in a["daily"]]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for r in rows:
        writer.writerow(["" if r[k] is None else r[k] for k in columns])
    return out.getvalue()
